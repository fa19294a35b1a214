#include "w32/io/socket_operations.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/fd_wait.h"
#include "w32/io/socket_file.h"
#include "w32/io/socket_reactor.h"

namespace w32::io {

namespace {

constexpr uint32_t kWsaEInval = 10022;
constexpr uint32_t kWsaEFault = 10014;
constexpr uint32_t kWsaEIsConn = 10056;
constexpr uint32_t kWsaEAfNoSupport = 10047;
constexpr uint32_t kWsaEOpNotSupp = 10045;
constexpr int kReceive = 0;
constexpr int kSend = 1;

int socket_option(int fd, int option) {
    int value = 0;
    socklen_t len = sizeof value;
    if (::getsockopt(fd, SOL_SOCKET, option, &value, &len) != 0) return -1;
    return value;
}

// Runs `call` with O_NONBLOCK set on the socket's open file description
// (shared with its owner's descriptor) and puts the flag back at once:
// accept, connect and sendfile have no per-call "don't wait" flag.
template <class Call>
auto without_blocking(int fd, Call call) {
    int flags = ::fcntl(fd, F_GETFL);
    bool flip = flags >= 0 && !(flags & O_NONBLOCK);
    if (flip) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    auto result = call();
    if (flip) {
        int saved = errno;
        ::fcntl(fd, F_SETFL, flags);
        errno = saved;
    }
    return result;
}

// Sends what is left of `data`; Done when all of it is gone.
SocketStep send_rest(int fd, std::span<const std::byte> data, size_t& sent, int flags) {
    while (sent < data.size()) {
        ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, flags | MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n >= 0) {
            sent += static_cast<size_t>(n);
        } else if (errno == EAGAIN) {
            return SocketStep::write();
        } else if (errno != EINTR) {
            return SocketStep::failed(errno);
        }
    }
    return SocketStep::done(sent);
}

class ReceiveOperation : public SocketOperation {
public:
    ReceiveOperation(std::span<std::byte> buffer, int flags) : buffer_(buffer), flags_(flags) {}
    int direction() const noexcept override { return kReceive; }
    SocketStep step(int fd) override {
        for (;;) {
            ssize_t n;
            if (buffer_.empty()) {
                // A zero-byte receive waits for data without taking any.
                char probe;
                n = ::recv(fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT);
                if (n > 0) n = 0;
            } else {
                n = ::recv(fd, buffer_.data(), buffer_.size(), flags_ | MSG_DONTWAIT);
            }
            if (n >= 0) return SocketStep::done(static_cast<uint64_t>(n));
            if (errno == EAGAIN) return SocketStep::read();
            if (errno != EINTR) return SocketStep::failed(errno);
        }
    }

private:
    std::span<std::byte> buffer_;
    int flags_;
};

class SendOperation : public SocketOperation {
public:
    SendOperation(std::span<const std::byte> data, int flags) : data_(data), flags_(flags) {}
    int direction() const noexcept override { return kSend; }
    SocketStep step(int fd) override { return send_rest(fd, data_, sent_, flags_); }

private:
    std::span<const std::byte> data_;
    int flags_;
    size_t sent_ = 0;
};

size_t address_size(int family) {
    switch (family) {
        case AF_INET: return sizeof(sockaddr_in);
        case AF_INET6: return sizeof(sockaddr_in6);
        case AF_UNIX: return sizeof(sockaddr_un);
        default: return 0;
    }
}

class AcceptOperation : public SocketOperation {
public:
    AcceptOperation(int accept_fd, ino_t accept_ino, std::span<std::byte> buffer, size_t area)
        : accept_fd_(accept_fd), accept_ino_(accept_ino), buffer_(buffer), area_(area),
          data_length_(buffer.size() - 2 * area) {}
    int direction() const noexcept override { return kReceive; }

    SocketStep step(int fd) override {
        if (!connection_) {
            SocketStep s = accept_one(fd);
            if (s.kind != SocketStep::Done || s.error) return s;
            if (data_length_ == 0) return SocketStep::done(0);
        }
        for (;;) {
            ssize_t n = ::recv(connection_.get(), buffer_.data(), data_length_, MSG_DONTWAIT);
            if (n >= 0) return SocketStep::done(static_cast<uint64_t>(n));
            if (errno == EAGAIN) return SocketStep::read(connection_.get());
            if (errno != EINTR) return SocketStep::failed(errno);
        }
    }

private:
    SocketStep accept_one(int fd) {
        int conn;
        for (;;) {
            conn = without_blocking(fd, [fd] { return ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC); });
            if (conn >= 0) break;
            // A connection reset while it waited in the backlog is not ours to report.
            if (errno == EAGAIN || errno == ECONNABORTED) return SocketStep::read();
            if (errno != EINTR) return SocketStep::failed(errno);
        }
        UniqueFd accepted(conn);
        // The accept socket must still be the one the caller gave.
        if (socket_inode(accept_fd_) != accept_ino_) return SocketStep::failed(ECANCELED);
        int status = ::fcntl(accept_fd_, F_GETFL);
        int fd_flags = ::fcntl(accept_fd_, F_GETFD);
        if (status >= 0 && (status & O_NONBLOCK)) ::fcntl(conn, F_SETFL, ::fcntl(conn, F_GETFL) | O_NONBLOCK);
        if (::dup3(conn, accept_fd_, (fd_flags >= 0 && (fd_flags & FD_CLOEXEC)) ? O_CLOEXEC : 0) < 0)
            return SocketStep::failed(errno);
        rebind_socket_file(accept_fd_, socket_inode(accept_fd_));
        std::byte* local = buffer_.data() + data_length_;
        std::byte* remote = local + area_;
        std::fill(local, local + 2 * area_, std::byte{0});
        socklen_t len = static_cast<socklen_t>(area_);
        ::getsockname(conn, reinterpret_cast<sockaddr*>(local), &len);
        len = static_cast<socklen_t>(area_);
        ::getpeername(conn, reinterpret_cast<sockaddr*>(remote), &len);
        connection_ = std::move(accepted);
        return SocketStep::done(0);
    }

    int accept_fd_;
    ino_t accept_ino_;
    std::span<std::byte> buffer_;
    size_t area_;
    size_t data_length_;
    UniqueFd connection_;  // the accepted socket (also under accept_fd_ now)
};

class ConnectOperation : public SocketOperation {
public:
    explicit ConnectOperation(std::span<const std::byte> data) : data_(data) {}
    int direction() const noexcept override { return kSend; }
    SocketStep step(int fd) override {
        if (!connected_) {
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, 0) <= 0) return SocketStep::write();
            int err = socket_option(fd, SO_ERROR);
            if (err > 0) return SocketStep::failed(err);
            connected_ = true;
        }
        return send_rest(fd, data_, sent_, 0);
    }

private:
    std::span<const std::byte> data_;
    size_t sent_ = 0;
    bool connected_ = false;
};

class TransmitOperation : public SocketOperation {
public:
    TransmitOperation(FileObject::FdRef file, std::optional<uint64_t> offset, uint64_t count, uint32_t per_send,
                      uint32_t flags, std::vector<std::byte> head, std::vector<std::byte> tail)
        : file_(std::move(file)), offset_(offset), left_(count), per_send_(per_send), flags_(flags),
          head_(std::move(head)), tail_(std::move(tail)) {}
    int direction() const noexcept override { return kSend; }

    SocketStep step(int fd) override {
        if (phase_ == 0) {
            SocketStep s = send_rest(fd, head_, head_sent_, 0);
            if (s.kind != SocketStep::Done || s.error) return s;
            phase_ = 1;
        }
        while (phase_ == 1 && file_ && left_ > 0) {
            size_t chunk = static_cast<size_t>(std::min<uint64_t>(left_, per_send_ ? per_send_ : (1u << 30)));
            off_t at = offset_ ? static_cast<off_t>(*offset_) : 0;
            ssize_t n = without_blocking(fd, [&] { return ::sendfile(fd, file_->get(), offset_ ? &at : nullptr, chunk); });
            if (n > 0) {
                left_ -= static_cast<uint64_t>(n);
                file_sent_ += static_cast<uint64_t>(n);
                if (offset_) *offset_ = static_cast<uint64_t>(at);
            } else if (n == 0) {
                break;  // the file ended first
            } else if (errno == EAGAIN) {
                return SocketStep::write();
            } else if (errno != EINTR) {
                return SocketStep::failed(errno);
            }
        }
        phase_ = 2;
        SocketStep s = send_rest(fd, tail_, tail_sent_, 0);
        if (s.kind != SocketStep::Done || s.error) return s;
        if (flags_ & (kTfDisconnect | kTfReuseSocket)) ::shutdown(fd, SHUT_WR);
        return SocketStep::done(head_sent_ + file_sent_ + tail_sent_);
    }

private:
    FileObject::FdRef file_;
    std::optional<uint64_t> offset_;
    uint64_t left_;
    uint32_t per_send_;
    uint32_t flags_;
    std::vector<std::byte> head_, tail_;
    size_t head_sent_ = 0, tail_sent_ = 0;
    uint64_t file_sent_ = 0;
    int phase_ = 0;
};

// Tries the operation now if nothing earlier waits, then either reports it
// done (completing its request) or hands it to the reactor. Without a
// request factory the call waits here for the operation to end.
SocketStart run_operation(int fd, std::unique_ptr<SocketOperation> op, const SocketCall& call, const char* function,
                          bool failure_later = false, std::shared_ptr<IoRequest> begun = nullptr) {
    auto socket = socket_file(fd, function);
    if (!call.begin) {
        for (;;) {
            SocketStep s = op->step(fd);
            if (s.kind == SocketStep::Done) {
                if (s.error) throw_win32(wsa_from_errno(s.error), function);
                return {0, s.bytes};
            }
            wait_fd(s.watch >= 0 ? s.watch : fd, s.kind == SocketStep::WaitRead ? POLLIN : POLLOUT, kInfinite,
                    call.interrupted, function);
        }
    }
    // The request first: a bad event handle must fail the call before any data moves.
    auto request = begun ? std::move(begun) : call.begin(socket);
    SocketStep s = op->direction() == kReceive ? SocketStep::read() : SocketStep::write();
    if (socket_direction_idle(socket->inode(), op->direction())) s = op->step(fd);
    if (s.kind == SocketStep::Done && s.error && !failure_later) throw_win32(wsa_from_errno(s.error), function);
    if (s.kind == SocketStep::Done) {
        request->complete({s.error ? 0 : s.bytes, s.error ? socket_completion_from_errno(s.error) : 0});
        if (s.error) return {err::kIoPending, 0};
        return {0, s.bytes};
    }
    submit_socket_operation(socket, request, std::move(op), s, function);
    return {err::kIoPending, 0};
}

int socket_family(int fd, const char* function) {
    socket_file(fd, function);  // WSAENOTSOCK first
    return socket_option(fd, SO_DOMAIN);
}

int message_flags(uint32_t flags, uint32_t allowed, const char* function) {
    if (flags & ~allowed) throw_win32(kWsaEOpNotSupp, function);
    return static_cast<int>(flags);  // MSG_OOB (1) and MSG_PEEK (2) are the same numbers in winsock2.h
}

}  // namespace

SocketStart wsa_recv(int fd, std::span<std::byte> buffer, uint32_t flags, const SocketCall& call) {
    int f = message_flags(flags, MSG_OOB | MSG_PEEK, "WSARecv");
    return run_operation(fd, std::make_unique<ReceiveOperation>(buffer, f), call, "WSARecv");
}

SocketStart wsa_send(int fd, std::span<const std::byte> data, uint32_t flags, const SocketCall& call) {
    int f = message_flags(flags, MSG_OOB | MSG_DONTROUTE, "WSASend");
    return run_operation(fd, std::make_unique<SendOperation>(data, f), call, "WSASend");
}

size_t socket_endpoint_size(int fd, const char* function) {
    size_t size = address_size(socket_family(fd, function));
    if (!size) throw_win32(kWsaEAfNoSupport, function);
    return size + 16;
}

SocketStart accept_ex(int listen_fd, int accept_fd, std::span<std::byte> buffer, const SocketCall& call) {
    const char* fn = "AcceptEx";
    socket_file(listen_fd, fn);
    ino_t accept_ino = socket_file(accept_fd, fn)->inode();
    if (accept_fd == listen_fd || socket_option(listen_fd, SO_ACCEPTCONN) != 1) throw_win32(kWsaEInval, fn);
    if (socket_option(listen_fd, SO_DOMAIN) != socket_option(accept_fd, SO_DOMAIN) ||
        socket_option(listen_fd, SO_TYPE) != socket_option(accept_fd, SO_TYPE) ||
        socket_option(accept_fd, SO_ACCEPTCONN) == 1)
        throw_win32(kWsaEInval, fn);
    sockaddr_storage peer;
    socklen_t len = sizeof peer;
    if (::getpeername(accept_fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0) throw_win32(kWsaEIsConn, fn);
    size_t area = socket_endpoint_size(listen_fd, fn);
    if (buffer.size() < 2 * area) throw_win32(kWsaEFault, fn);
    return run_operation(listen_fd, std::make_unique<AcceptOperation>(accept_fd, accept_ino, buffer, area), call, fn);
}

AcceptExAddresses accept_ex_sockaddrs(int accept_fd, std::span<const std::byte> buffer) {
    const char* fn = "GetAcceptExSockaddrs";
    size_t area = socket_endpoint_size(accept_fd, fn);
    if (buffer.size() < 2 * area) throw_win32(kWsaEFault, fn);
    AcceptExAddresses out;
    out.family = socket_option(accept_fd, SO_DOMAIN);
    size_t data_length = buffer.size() - 2 * area;
    size_t size = std::min(area - 16, sizeof(sockaddr_storage));
    std::memcpy(&out.local.storage, buffer.data() + data_length, size);
    std::memcpy(&out.remote.storage, buffer.data() + data_length + area, size);
    out.local.length = out.remote.length = static_cast<socklen_t>(size);
    // Nothing stored there (AcceptEx has not completed): Windows gives garbage; say so instead.
    if (out.local.family() != out.family || out.remote.family() != out.family) throw_win32(kWsaEInval, fn);
    return out;
}

SocketAddress socket_address(int fd, const std::string& host, uint16_t port, const char* function) {
    int family = socket_family(fd, function);
    SocketAddress a;
    if (family == AF_UNIX) {
        auto* un = reinterpret_cast<sockaddr_un*>(&a.storage);
        if (host.size() >= sizeof un->sun_path) throw_win32(kWsaEFault, function);
        un->sun_family = AF_UNIX;
        std::memcpy(un->sun_path, host.data(), host.size());
        a.length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + host.size() + 1);
        return a;
    }
    if (family != AF_INET && family != AF_INET6) throw_win32(kWsaEAfNoSupport, function);
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = socket_option(fd, SO_TYPE);
    addrinfo* found = nullptr;
    std::string service = std::to_string(port);
    int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
    if (rc != 0 || !found) throw_win32(11001, function);  // WSAHOST_NOT_FOUND
    std::memcpy(&a.storage, found->ai_addr, found->ai_addrlen);
    a.length = found->ai_addrlen;
    ::freeaddrinfo(found);
    return a;
}

SocketStart connect_ex(int fd, const SocketAddress& to, std::span<const std::byte> data, const SocketCall& call) {
    const char* fn = "ConnectEx";
    int family = socket_family(fd, fn);
    if (to.family() != family) throw_win32(kWsaEAfNoSupport, fn);
    sockaddr_storage here{};
    socklen_t len = sizeof here;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&here), &len) != 0) throw_win32(wsa_from_errno(errno), fn);
    // Windows wants the socket bound first (WSAEINVAL).
    bool bound = true;
    if (family == AF_INET) bound = reinterpret_cast<sockaddr_in*>(&here)->sin_port != 0;
    else if (family == AF_INET6) bound = reinterpret_cast<sockaddr_in6*>(&here)->sin6_port != 0;
    else if (family == AF_UNIX) bound = len > offsetof(sockaddr_un, sun_path);
    if (!bound) throw_win32(kWsaEInval, fn);
    sockaddr_storage peer;
    len = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0) throw_win32(kWsaEIsConn, fn);
    std::shared_ptr<IoRequest> request;
    if (call.begin) request = call.begin(socket_file(fd, fn));  // before connecting: its errors come first
    int rc = without_blocking(fd, [&] { return ::connect(fd, reinterpret_cast<const sockaddr*>(&to.storage), to.length); });
    int err = rc == 0 ? 0 : errno;
    if (err && err != EINPROGRESS && err != EINTR && err != EAGAIN) {
        // The network's answers are the operation's outcome, as on Windows
        // (where a loopback connection to a closed port pends, then fails).
        bool outcome = err == ECONNREFUSED || err == ENETUNREACH || err == EHOSTUNREACH || err == ETIMEDOUT;
        if (!outcome || !request) throw_win32(wsa_from_errno(err), fn);
        request->complete({0, socket_completion_from_errno(err)});
        return {err::kIoPending, 0};
    }
    return run_operation(fd, std::make_unique<ConnectOperation>(data), call, fn, true, std::move(request));
}

SocketStart transmit_file(int fd, Handle file, std::optional<uint64_t> offset, uint64_t count, uint32_t per_send,
                          uint32_t flags, std::vector<std::byte> head, std::vector<std::byte> tail,
                          const SocketCall& call) {
    const char* fn = "TransmitFile";
    socket_file(fd, fn);
    FileObject::FdRef source;
    if (file) {
        auto f = file_of(file, fn);
        if (!f->can_read()) throw_win32(err::kAccessDenied, fn);
        source = f->descriptor_for_runtime();
        struct stat st;
        if (!source || ::fstat(source->get(), &st) != 0 || !S_ISREG(st.st_mode)) throw_win32(err::kInvalidHandle, fn);
        uint64_t from = offset ? *offset : static_cast<uint64_t>(std::max<off_t>(::lseek(source->get(), 0, SEEK_CUR), 0));
        uint64_t size = static_cast<uint64_t>(st.st_size);
        uint64_t available = size > from ? size - from : 0;
        if (count == 0 || count > available) count = available;
    } else {
        count = 0;
    }
    return run_operation(fd,
                         std::make_unique<TransmitOperation>(std::move(source), offset, count, per_send, flags,
                                                             std::move(head), std::move(tail)),
                         call, fn);
}

}  // namespace w32::io
