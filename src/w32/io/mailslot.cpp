#include "w32/io/mailslot.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <string>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/fd_wait.h"
#include "w32/io/file_object.h"
#include "w32/kernel/session_root.h"
#include "w32/kernel/stable_hash.h"

namespace w32::io {

namespace {

bool is_slash(char c) { return c == '\\' || c == '/'; }
char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// "\\HOST\mailslot\NAME" -> (HOST, NAME).
std::optional<std::pair<std::string_view, std::string_view>> split(std::string_view p) {
    if (p.size() < 2 || !is_slash(p[0]) || !is_slash(p[1])) return std::nullopt;
    size_t host_end = 2;
    while (host_end < p.size() && !is_slash(p[host_end])) ++host_end;
    std::string_view rest = p.substr(std::min(host_end + 1, p.size()));
    constexpr std::string_view kWord = "mailslot";
    if (rest.size() < kWord.size() + 1 || !is_slash(rest[kWord.size()])) return std::nullopt;
    for (size_t i = 0; i < kWord.size(); ++i)
        if (fold(rest[i]) != kWord[i]) return std::nullopt;
    return std::make_pair(p.substr(2, host_end - 2), rest.substr(kWord.size() + 1));
}

// The socket path of a local mailslot (its size file is the same plus ".max").
std::string socket_path(std::string_view path, const char* function) {
    auto parts = split(path);
    if (!parts) throw_win32(err::kInvalidName, function);
    if (parts->first != ".") throw_win32(err::kNotSupported, function);  // a domain or another host
    std::string_view name = parts->second;
    if (name.empty() || name.size() > 256 || name.find('\0') != std::string_view::npos)
        throw_win32(err::kInvalidName, function);
    char hex[33];
    std::snprintf(hex, sizeof hex, "%016llx%016llx",
                  static_cast<unsigned long long>(fnv1a(name, kFnvOffsetBasis, fold)),
                  static_cast<unsigned long long>(fnv1a(name, 0x84222325cbf29ce4ULL, fold)));
    std::string dir = session_paths().runtime_dir + "/mailslots";
    ensure_private_dir(dir);
    std::string out = dir + "/" + hex;
    if (out.size() + 4 >= sizeof(sockaddr_un{}.sun_path)) throw_win32(err::kFilenameExcedRange, function);
    return out;
}

sockaddr_un address_of(const std::string& path) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::snprintf(a.sun_path, sizeof a.sun_path, "%s", path.c_str());
    return a;
}

UniqueFd datagram_socket(const char* function) {
    UniqueFd s(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!s) throw_errno(errno, function);
    return s;
}

// Somebody reads there: a datagram connect to a bound socket succeeds.
bool reader_alive(const std::string& path) {
    UniqueFd probe = datagram_socket("CreateMailslot");
    sockaddr_un a = address_of(path);
    return ::connect(probe.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
}

class MailslotReader : public FileObject {
public:
    MailslotReader(UniqueFd fd, uint32_t max_message, uint32_t timeout, std::string path)
        : FileObject(ObjectType::File, std::move(fd), kGenericRead),
          max_message_(max_message),
          timeout_(timeout),
          path_(std::move(path)),
          owner_(::getpid()) {}
    ~MailslotReader() override {
        // A forked child's copy leaves the name to the parent.
        if (owner_ != ::getpid()) return;
        ::unlink(path_.c_str());
        ::unlink((path_ + ".max").c_str());
    }

    // The size of the next message, or nullopt when none waits.
    std::optional<size_t> next_size() {
        ssize_t n = ::recv(fd()->get(), nullptr, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return std::nullopt;
            throw_errno(errno, "GetMailslotInfo");
        }
        return static_cast<size_t>(n);
    }

    ReadResult read(std::span<std::byte> buffer, const sync::InterruptCheck& interrupted) override {
        FdRef f = fd();
        for (;;) {
            if (auto size = next_size()) {
                // Too small a buffer: the message stays for a larger one.
                if (*size > buffer.size()) throw_win32(err::kInsufficientBuffer, "ReadFile");
                ssize_t n = ::recv(f->get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
                if (n >= 0) return {static_cast<size_t>(n), 0};
                if (errno != EAGAIN && errno != EINTR) throw_errno(errno, "ReadFile");
                continue;
            }
            uint32_t t = timeout_.load();
            if (t == 0 || !wait_fd(f->get(), POLLIN, t, interrupted, "ReadFile"))
                throw_win32(err::kSemTimeout, "ReadFile");
        }
    }

    uint32_t max_message() const noexcept { return max_message_; }
    uint32_t timeout() const noexcept { return timeout_.load(); }
    void set_timeout(uint32_t t) noexcept { timeout_.store(t); }

private:
    uint32_t max_message_;
    std::atomic<uint32_t> timeout_;
    std::string path_;
    pid_t owner_;
};

class MailslotWriter : public FileObject {
public:
    MailslotWriter(UniqueFd fd, uint32_t access, uint32_t max_message)
        : FileObject(ObjectType::File, std::move(fd), access), max_message_(max_message) {}

    size_t write(std::span<const std::byte> data, const sync::InterruptCheck& interrupted) override {
        if (max_message_ && data.size() > max_message_) throw_win32(err::kInvalidParameter, "WriteFile");
        FdRef f = fd();
        for (;;) {
            ssize_t n = ::send(f->get(), data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n >= 0) return static_cast<size_t>(n);
            if (errno == EAGAIN) {
                wait_fd(f->get(), POLLOUT, kInfinite, interrupted, "WriteFile");
            } else if (errno == ECONNREFUSED || errno == ENOTCONN) {
                throw_win32(err::kFileNotFound, "WriteFile");  // the mailslot is gone
            } else if (errno != EINTR) {
                throw_errno(errno, "WriteFile");
            }
        }
    }
    // Nothing is buffered on the writer's side.
    void flush() override {}

private:
    uint32_t max_message_;
};

std::shared_ptr<MailslotReader> reader_of(Handle h, const char* function) {
    auto entry = HandleTable::instance().lookup(h, function);
    auto r = std::dynamic_pointer_cast<MailslotReader>(entry.object);
    if (!r) throw_win32(err::kInvalidHandle, function);
    return r;
}

}  // namespace

bool is_mailslot_path(std::string_view path) noexcept { return split(path).has_value(); }

Handle create_mailslot(std::string_view path, uint32_t max_message, uint32_t read_timeout_ms, bool inherit) {
    const char* fn = "CreateMailslot";
    std::string sock = socket_path(path, fn);
    UniqueFd s = datagram_socket(fn);
    sockaddr_un a = address_of(sock);
    if (::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        if (errno != EADDRINUSE) throw_errno(errno, fn);
        if (reader_alive(sock)) throw_win32(err::kAlreadyExists, fn);
        // A reader that died left its socket file: take the name over.
        ::unlink(sock.c_str());
        if (::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            if (errno == EADDRINUSE) throw_win32(err::kAlreadyExists, fn);
            throw_errno(errno, fn);
        }
    }
    {
        std::ofstream size_file(sock + ".max", std::ios::trunc);
        size_file << max_message;
    }
    auto reader = std::make_shared<MailslotReader>(std::move(s), max_message, read_timeout_ms, sock);
    Handle h = HandleTable::instance().insert(std::move(reader), kGenericRead, inherit);
    set_last_error(err::kSuccess);
    return h;
}

Handle open_mailslot(std::string_view path, uint32_t access, bool inherit) {
    const char* fn = "CreateFile";
    std::string sock = socket_path(path, fn);
    if (access_allows_read(access) && !(access & kGenericWrite)) throw_win32(err::kAccessDenied, fn);
    UniqueFd s = datagram_socket(fn);
    sockaddr_un a = address_of(sock);
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        if (errno == ENOENT || errno == ECONNREFUSED) throw_win32(err::kFileNotFound, fn);
        throw_errno(errno, fn);
    }
    uint32_t max_message = 0;
    std::ifstream(sock + ".max") >> max_message;
    auto writer = std::make_shared<MailslotWriter>(std::move(s), access, max_message);
    Handle h = HandleTable::instance().insert(std::move(writer), access, inherit);
    set_last_error(err::kSuccess);
    return h;
}

MailslotInfo get_mailslot_info(Handle h) {
    auto r = reader_of(h, "GetMailslotInfo");
    MailslotInfo i;
    i.max_message = r->max_message();
    i.read_timeout_ms = r->timeout();
    if (auto size = r->next_size()) {
        i.next_size = static_cast<uint32_t>(*size);
        i.message_count = 1;
    }
    return i;
}

void set_mailslot_info(Handle h, uint32_t read_timeout_ms) { reader_of(h, "SetMailslotInfo")->set_timeout(read_timeout_ms); }

}  // namespace w32::io
