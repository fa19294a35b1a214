// The named pipe core without Python: one process plays server and client.
#include <gtest/gtest.h>

#include <unistd.h>

#include <string>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/file_object.h"
#include "w32/io/named_pipe.h"

namespace {

namespace io = w32::io;

std::string unique_pipe(const char* tag) {
    static int n = 0;
    return "\\\\.\\pipe\\core-" + std::string(tag) + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

uint32_t error_of(auto&& fn) {
    try {
        fn();
    } catch (const w32::Win32Error& e) {
        return e.code();
    }
    return 0;
}

void write(w32::Handle h, std::string_view s) { io::write_file(h, std::as_bytes(std::span(s.data(), s.size())), {}); }

std::pair<std::string, uint32_t> read(w32::Handle h, size_t n) {
    std::string buf(n, '\0');
    auto r = io::read_file(h, std::as_writable_bytes(std::span(buf.data(), buf.size())), {});
    buf.resize(r.bytes);
    return {buf, r.status};
}

struct Closer {
    w32::Handle h;
    ~Closer() {
        try {
            w32::HandleTable::instance().close(h, "test");
        } catch (...) {
        }
    }
};

constexpr uint32_t kReadWrite = io::kGenericRead | io::kGenericWrite;

TEST(NamedPipe, MessagesKeepBoundariesAndShortReadsGiveMoreData) {
    auto name = unique_pipe("msg");
    io::NamedPipeParams p;
    p.pipe_mode = io::kPipeTypeMessage | io::kPipeReadmodeMessage;
    Closer server{io::create_named_pipe(name, p)};
    Closer client{io::open_named_pipe(name, kReadWrite, false)};
    EXPECT_EQ(io::connect_named_pipe(server.h, {}), w32::err::kPipeConnected);
    write(client.h, "hello");
    write(client.h, "world!");
    EXPECT_EQ(read(server.h, 3), std::make_pair(std::string("hel"), w32::err::kMoreData));
    EXPECT_EQ(read(server.h, 10), std::make_pair(std::string("lo"), 0u));
    EXPECT_EQ(read(server.h, 10), std::make_pair(std::string("world!"), 0u));
    EXPECT_EQ(io::get_file_type(server.h), io::kFileTypePipe);
}

TEST(NamedPipe, BusyNotFoundAndBrokenPipe) {
    auto name = unique_pipe("busy");
    EXPECT_EQ(error_of([&] { io::open_named_pipe(name, kReadWrite, false); }), w32::err::kFileNotFound);
    io::NamedPipeParams p;
    Closer server{io::create_named_pipe(name, p)};
    EXPECT_EQ(error_of([&] { io::create_named_pipe(name, p); }), w32::err::kPipeBusy);
    w32::Handle client = io::open_named_pipe(name, kReadWrite, false);
    io::connect_named_pipe(server.h, {});
    EXPECT_EQ(error_of([&] { io::open_named_pipe(name, kReadWrite, false); }), w32::err::kPipeBusy);
    EXPECT_EQ(error_of([&] { io::wait_named_pipe(name, 50, {}); }), w32::err::kSemTimeout);
    w32::HandleTable::instance().close(client, "test");
    EXPECT_EQ(error_of([&] { read(server.h, 10); }), w32::err::kBrokenPipe);
    EXPECT_EQ(error_of([&] { write(server.h, "x"); }), w32::err::kNoData);
}

TEST(NamedPipe, AnonymousPipe) {
    auto [r, w] = io::create_pipe(false, 0);
    Closer cr{r}, cw{w};
    write(w, "abc");
    EXPECT_EQ(io::peek_named_pipe(r, 2).data, "ab");
    EXPECT_EQ(read(r, 10).first, "abc");
    EXPECT_EQ(error_of([&] { write(r, "x"); }), w32::err::kAccessDenied);
}

}  // namespace
