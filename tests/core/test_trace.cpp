// The trace buffer: pywin32's append / take-all / start-again rules, and a
// writer that dies holding the lock in the middle of a write.
#include <gtest/gtest.h>

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "w32/mapping/section.h"
#include "w32/mapping/view.h"
#include "w32/trace/trace_buffer.h"

namespace {

namespace trace = w32::trace;

void write(trace::TraceBuffer& b, const std::string& s) { b.write({s.data(), s.size()}, true); }

TEST(TraceBuffer, AppendsAndReadTakesEverything) {
    auto b = trace::TraceBuffer::attach();
    b->read();
    write(*b, "one\n");
    write(*b, "two\n");
    EXPECT_EQ(b->read(), "one\ntwo\n");
    EXPECT_EQ(b->read(), "");
}

TEST(TraceBuffer, AFullBufferStartsAgain) {
    auto b = trace::TraceBuffer::attach();
    b->read();
    std::string line(1000, 'a');
    line.back() = '\n';
    for (int i = 0; i < 65; ++i) write(*b, line);  // 65,000 bytes fit
    std::string last(1000, 'b');
    write(*b, last);  // does not fit: the buffer is emptied first
    EXPECT_EQ(b->read(), last);
}

TEST(TraceBuffer, BigWritesGoInHalvesWithoutSplittingCharacters) {
    auto b = trace::TraceBuffer::attach();
    b->read();
    std::string text = "x";
    while (text.size() < trace::kBufferBytes + 1000) text += "\xE2\x82\xAC";  // the euro sign
    write(*b, text);
    // No collector: the third piece emptied the buffer, and it starts on a
    // character boundary.
    std::string got = b->read();
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(static_cast<unsigned char>(got[0]), 0xE2);
    EXPECT_EQ(got, text.substr(text.size() - got.size()));
}

TEST(TraceBuffer, WriterKilledHoldingTheLockWedgesNobody) {
    auto b = trace::TraceBuffer::attach();
    b->read();
    write(*b, "before\n");
    pid_t pid = fork();
    if (pid == 0) {
        // Half a write: the lock taken, text copied, the length never moved.
        auto section = w32::mapping::open_section(trace::kSectionName);
        w32::mapping::View v(section, 0, 0);
        auto* lock = reinterpret_cast<pthread_mutex_t*>(v.data() + trace::kControlOffset);
        pthread_mutex_lock(lock);
        uint32_t len;
        std::memcpy(&len, v.data(), 4);
        std::memcpy(v.data() + trace::kTextOffset + len, "PARTIAL", 7);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    write(*b, "after\n");
    EXPECT_EQ(b->read(), "before\nafter\n");
}

}  // namespace
