// The overlapped socket core without Python: the Winsock error maps, the
// reactor's pending receives and sends, cancellation and close, AcceptEx's
// buffer layout and ConnectEx's outcomes.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/async_io.h"
#include "w32/io/socket_file.h"
#include "w32/io/socket_operations.h"
#include "w32/io/socket_reactor.h"

namespace {

namespace wio = w32::io;
constexpr uint32_t kLong = 15000;

// Issues with a request of its own (no event, no port) and keeps it.
struct Issued {
    std::shared_ptr<wio::IoRequest> request;
    wio::SocketCall call() {
        return {[this](const std::shared_ptr<wio::FileObject>& f) { return request = wio::begin_io(f, 0, 0, "test"); }, {}};
    }
    bool finished() { return request && request->wait(kLong, {}); }
};

template <class Fn>
uint32_t error_of(Fn&& fn) {
    try {
        fn();
    } catch (const w32::Win32Error& e) {
        return e.code();
    }
    return 0;
}

struct Pair {
    int a = -1, b = -1;
    Pair() {
        int fds[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
        a = fds[0], b = fds[1];
    }
    ~Pair() {
        if (a >= 0) ::close(a);
        if (b >= 0) ::close(b);
    }
};

int loopback_listener(sockaddr_in& addr) {
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    addr = {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
    EXPECT_EQ(::listen(s, 4), 0);
    return s;
}

TEST(SocketErrors, WinsockCodesAndCompletionStatuses) {
    EXPECT_EQ(w32::wsa_from_errno(ECONNREFUSED), 10061u);
    EXPECT_EQ(w32::wsa_from_errno(ECONNRESET), 10054u);
    EXPECT_EQ(w32::wsa_from_errno(ENOTSOCK), 10038u);
    EXPECT_EQ(w32::wsa_from_errno(EINVAL), 10022u);
    EXPECT_EQ(w32::wsa_from_errno(EAGAIN), 10035u);
    EXPECT_EQ(w32::socket_completion_from_errno(ECONNRESET), w32::err::kNetnameDeleted);
    EXPECT_EQ(w32::socket_completion_from_errno(ECONNREFUSED), w32::err::kConnectionRefused);
    EXPECT_EQ(w32::socket_completion_from_errno(ECANCELED), w32::err::kOperationAborted);
}

TEST(SocketIo, PendingReceiveCompletesWhenDataComes) {
    Pair p;
    char buf[16];
    Issued op;
    auto r = wio::wsa_recv(p.a, std::as_writable_bytes(std::span(buf)), 0, op.call());
    EXPECT_EQ(r.rc, w32::err::kIoPending);
    EXPECT_FALSE(op.request->done());
    ASSERT_EQ(::send(p.b, "hello", 5, 0), 5);
    ASSERT_TRUE(op.finished());
    EXPECT_EQ(op.request->status(), 0u);
    EXPECT_EQ(op.request->bytes(), 5u);
    EXPECT_EQ(std::memcmp(buf, "hello", 5), 0);
}

TEST(SocketIo, DataAlreadyThereCompletesAtOnce) {
    Pair p;
    ASSERT_EQ(::send(p.b, "now", 3, 0), 3);
    char buf[8];
    Issued op;
    auto r = wio::wsa_recv(p.a, std::as_writable_bytes(std::span(buf)), 0, op.call());
    EXPECT_EQ(r.rc, 0u);
    EXPECT_EQ(r.bytes, 3u);
    EXPECT_TRUE(op.request->done());  // completed: its event and packet follow as for a pending one
}

TEST(SocketIo, CancelAndCloseAbort) {
    Pair p;
    char buf[8];
    Issued cancelled;
    wio::wsa_recv(p.a, std::as_writable_bytes(std::span(buf)), 0, cancelled.call());
    cancelled.request->cancel();
    ASSERT_TRUE(cancelled.finished());
    EXPECT_EQ(cancelled.request->status(), w32::err::kOperationAborted);

    Issued closed;
    wio::wsa_recv(p.a, std::as_writable_bytes(std::span(buf)), 0, closed.call());
    ::close(p.a);
    p.a = -1;
    ASSERT_TRUE(closed.finished());
    EXPECT_EQ(closed.request->status(), w32::err::kOperationAborted);
    EXPECT_EQ(wio::pending_socket_operations(), 0u);
}

TEST(SocketIo, NotASocket) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    char buf[4];
    Issued op;
    EXPECT_EQ(error_of([&] { wio::wsa_recv(fds[0], std::as_writable_bytes(std::span(buf)), 0, op.call()); }),
              10038u);
    EXPECT_EQ(op.request, nullptr);
    ::close(fds[0]), ::close(fds[1]);
}

TEST(SocketIo, AcceptExLaysOutDataThenAddresses) {
    sockaddr_in addr;
    int lst = loopback_listener(addr);
    int acc = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    size_t area = wio::socket_endpoint_size(lst, "test");
    EXPECT_EQ(area, sizeof(sockaddr_in) + 16);
    std::vector<std::byte> buffer(8 + 2 * area);
    Issued op;
    EXPECT_EQ(wio::accept_ex(lst, acc, buffer, op.call()).rc, w32::err::kIoPending);
    int c = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_EQ(::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::send(c, "data", 4, 0), 4);
    ASSERT_TRUE(op.finished());
    EXPECT_EQ(op.request->status(), 0u);
    EXPECT_EQ(op.request->bytes(), 4u);
    EXPECT_EQ(std::memcmp(buffer.data(), "data", 4), 0);
    auto got = wio::accept_ex_sockaddrs(acc, buffer);
    EXPECT_EQ(got.family, AF_INET);
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    ::getsockname(c, reinterpret_cast<sockaddr*>(&peer), &len);
    auto* remote = reinterpret_cast<const sockaddr_in*>(&got.remote.storage);
    EXPECT_EQ(remote->sin_port, peer.sin_port);
    // The accepted connection is under the accept socket's descriptor now.
    ASSERT_EQ(::send(acc, "back", 4, 0), 4);
    char back[4];
    ASSERT_EQ(::recv(c, back, 4, MSG_WAITALL), 4);
    ::close(c), ::close(acc), ::close(lst);
}

TEST(SocketIo, ConnectExRefusedIsTheCompletionsStatus) {
    sockaddr_in addr;
    int gone = loopback_listener(addr);
    ::close(gone);
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    wio::SocketAddress to;
    std::memcpy(&to.storage, &addr, sizeof addr);
    to.length = sizeof addr;
    Issued unbound;
    EXPECT_EQ(error_of([&] { wio::connect_ex(s, to, {}, unbound.call()); }), 10022u);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(s, reinterpret_cast<sockaddr*>(&any), sizeof any), 0);
    Issued op;
    EXPECT_EQ(wio::connect_ex(s, to, {}, op.call()).rc, w32::err::kIoPending);
    ASSERT_TRUE(op.finished());
    EXPECT_EQ(op.request->status(), w32::err::kConnectionRefused);
    ::close(s);
}

}  // namespace
