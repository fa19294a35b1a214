// The trace buffer: pywin32's append / take-all / start-again rules, and a
// writer that dies holding the lock in the middle of a write.
#include <gtest/gtest.h>

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
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

namespace {

// Writes are lines "<K:zz...z:K>\n" (K: the write's number); a line cut
// short and finished by another write's text shows two numbers.
std::string line_of(int round) {
    char head[8], tail[8];
    std::snprintf(head, sizeof head, "<%03d:", round);
    std::snprintf(tail, sizeof tail, ":%03d>\n", round);
    return head + std::string(50, 'z') + tail;
}

bool only_whole_lines(const std::string& text) {
    size_t i = 0;
    while (i < text.size()) {
        size_t nl = text.find('\n', i);
        if (nl == std::string::npos) return false;
        std::string line = text.substr(i, nl + 1 - i);
        i = nl + 1;
        if (line == "next\n") continue;
        if (line != line_of(std::atoi(line.c_str() + 1))) return false;
    }
    return true;
}

TEST(TraceBuffer, WritersKilledAtRandomPointsLeaveOnlyWholeWrites) {
    auto b = trace::TraceBuffer::attach();
    b->read();
    unsigned seed = 12345;
    for (int round = 0; round < 300; ++round) {
        pid_t pid = fork();
        if (pid == 0) {
            // Never reading: each write soon starts the buffer again, over
            // the text of the write before (a different number).
            for (int k = 0;; k = (k + 1) % 1000) {
                std::string block;
                while (block.size() < 20000) block += line_of(k);
                b->write({block.data(), block.size()}, true);
            }
        }
        seed = seed * 1103515245 + 12345;
        usleep(200 + (seed >> 16) % 800);
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        if (round % 10 == 9) {
            write(*b, "next\n");
            std::string got = b->read();
            ASSERT_TRUE(only_whole_lines(got)) << "round " << round;
            ASSERT_GE(got.size(), 5u);
            ASSERT_EQ(got.substr(got.size() - 5), "next\n");
        }
    }
}

}  // namespace
