#include "w32/io/named_pipe.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/fd_wait.h"
#include "w32/io/pipe_end.h"
#include "w32/io/pipe_names.h"
#include "w32/kernel/session_root.h"

namespace w32::io {

namespace {

constexpr uint32_t kDefaultWaitMs = 50;   // nDefaultTimeOut 0 means 50 ms on Windows
constexpr uint32_t kWaitPollMs = 5;
constexpr int kSocketBufferBytes = 1 << 20;

// --- files of a pipe directory ----------------------------------------------

// "<uniq>.inst": the instance's parameters, locked (OFD) while it lives.
// "<uniq>.m" / "<uniq>.b": its listening socket, present while it is free.
struct InstanceParams {
    uint32_t max_instances = 1, pipe_mode = 0, out_size = 0, in_size = 0, timeout_ms = 0, open_mode = 0;
};

std::string new_uniq() {
    static std::atomic<uint32_t> counter{0};
    static const uint32_t salt = std::random_device{}();
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x%04x%04x", static_cast<unsigned>(::getpid()), salt & 0xFFFF,
                  counter.fetch_add(1) & 0xFFFF);
    return buf;
}

sockaddr_un socket_address(const std::string& path) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, path.c_str(), path.size() + 1);  // pipe_directory bounded the length
    return a;
}

bool locked_by_someone(int fd) {
    struct flock fl{};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (::fcntl(fd, F_OFD_GETLK, &fl) != 0) return false;
    return fl.l_type != F_UNLCK;
}

std::optional<InstanceParams> read_live_instance(const std::string& inst_path) {
    UniqueFd fd(::open(inst_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd || !locked_by_someone(fd.get())) return std::nullopt;
    char buf[128] = {};
    ssize_t n = ::pread(fd.get(), buf, sizeof buf - 1, 0);
    InstanceParams p;
    if (n <= 0 || std::sscanf(buf, "%u %u %u %u %u %u", &p.max_instances, &p.pipe_mode, &p.out_size,
                              &p.in_size, &p.timeout_ms, &p.open_mode) != 6)
        return std::nullopt;
    return p;
}

std::vector<std::string> entries_with_suffix(const std::string& dir, std::string_view suffix) {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        std::string_view n = e->d_name;
        if (n.size() > suffix.size() && n.substr(n.size() - suffix.size()) == suffix)
            out.emplace_back(n.substr(0, n.size() - suffix.size()));
    }
    ::closedir(d);
    return out;
}

struct LiveInstances {
    uint32_t count = 0;
    std::optional<InstanceParams> first;
    std::vector<std::string> stale;  // uniq of instances whose owner is gone
};

LiveInstances live_instances(const std::string& dir) {
    LiveInstances out;
    for (auto& uniq : entries_with_suffix(dir, ".inst")) {
        if (auto p = read_live_instance(dir + "/" + uniq + ".inst")) {
            ++out.count;
            if (!out.first) out.first = p;
        } else {
            out.stale.push_back(uniq);
        }
    }
    return out;
}

void remove_instance_files(const std::string& dir, const std::string& uniq) {
    for (const char* suffix : {".m", ".b", ".inst"}) ::unlink((dir + "/" + uniq + suffix).c_str());
}

// Holds the pipe directory's lock file (flock) while instances are counted
// and created, so two creators cannot both take the last instance. Creates
// the directory; if the last instance's cleanup removed it while we waited
// for the lock, starts again.
class DirLock {
public:
    explicit DirLock(const std::string& dir) {
        for (;;) {
            ensure_private_dir(dir);
            UniqueFd fd(::open((dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
            if (!fd) {
                if (errno == ENOENT) continue;
                throw_errno(errno, "CreateNamedPipe");
            }
            while (::flock(fd.get(), LOCK_EX) != 0)
                if (errno != EINTR) throw_errno(errno, "CreateNamedPipe");
            struct stat st;
            if (::fstat(fd.get(), &st) == 0 && st.st_nlink > 0) {
                fd_ = std::move(fd);
                return;
            }
        }
    }

private:
    UniqueFd fd_;  // closing it releases the lock
};

// The last instance takes the pipe's directory away, so that pipes with
// ever new names do not pile up in the runtime dir. Skipped when a creator
// holds the lock (it will use the directory) or other instances remain.
void remove_pipe_dir_if_unused(const std::string& dir) noexcept {
    try {
        UniqueFd lock(::open((dir + "/lock").c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW));
        if (!lock || ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) return;
        if (!entries_with_suffix(dir, ".inst").empty()) return;
        ::unlink((dir + "/lock").c_str());
        ::rmdir(dir.c_str());
    } catch (...) {
    }
}

// A message must fit in the send buffer whole: ask for room (the kernel
// caps it at net.core.wmem_max; larger messages give ERROR_NOT_ENOUGH_QUOTA).
// A blocking receive wakes now and then to look for Ctrl+C.
void tune_connection(int fd) {
    int size = kSocketBufferBytes;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    timeval slice{0, kInterruptSliceMs * 1000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &slice, sizeof slice);
}

UniqueFd make_socket(bool message_type, int flags, const char* function) {
    int fd = ::socket(AF_UNIX, (message_type ? SOCK_SEQPACKET : SOCK_STREAM) | SOCK_CLOEXEC | flags, 0);
    if (fd < 0) throw_errno(errno, function);
    tune_connection(fd);
    return UniqueFd(fd);
}

bool peer_gone(const UniqueFd& fd) {
    pollfd p{fd.get(), POLLRDHUP, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP));
}

std::optional<ucred> peer_credentials(int fd) {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return std::nullopt;
    return cred;
}

// --- the endpoint -----------------------------------------------------------

class NamedPipeEnd : public PipeEnd {
public:
    // A server instance: listening, no client yet.
    NamedPipeEnd(std::string dir, std::string uniq, UniqueFd inst_lock, const InstanceParams& params,
                 uint32_t access)
        : PipeEnd(UniqueFd(), access), server_(true), dir_(std::move(dir)), uniq_(std::move(uniq)),
          inst_lock_(std::move(inst_lock)), params_(params), owner_pid_(::getpid()) {
        read_message_ = params.pipe_mode & kPipeReadmodeMessage;
        nowait_ = params.pipe_mode & kPipeNowait;
        listen_again();
    }

    // A client: connected at once.
    NamedPipeEnd(UniqueFd connected, std::string dir, const InstanceParams& params, uint32_t access)
        : PipeEnd(std::move(connected), access), server_(false), dir_(std::move(dir)), params_(params),
          owner_pid_(::getpid()) {}

    ~NamedPipeEnd() override {
        // A forked child dropping its copy must not take the parent's
        // instance off the file system.
        if (server_ && owner_pid_ == ::getpid()) {
            remove_instance_files(dir_, uniq_);
            remove_pipe_dir_if_unused(dir_);
        }
    }

    bool server() const noexcept { return server_; }
    bool message_type() const noexcept { return params_.pipe_mode & kPipeTypeMessage; }
    const InstanceParams& params() const noexcept { return params_; }
    const std::string& dir() const noexcept { return dir_; }

    uint32_t mode() const {
        std::lock_guard lock(state_mutex_);
        return (read_message_ ? kPipeReadmodeMessage : 0) | (nowait_ ? kPipeNowait : 0);
    }

    void set_mode(uint32_t mode) {
        if ((mode & kPipeReadmodeMessage) && !message_type())
            throw_win32(err::kInvalidParameter, "SetNamedPipeHandleState");
        if (mode & ~(kPipeReadmodeMessage | kPipeNowait))
            throw_win32(err::kInvalidParameter, "SetNamedPipeHandleState");
        std::lock_guard lock(state_mutex_);
        read_message_ = mode & kPipeReadmodeMessage;
        nowait_ = mode & kPipeNowait;
    }

    bool reads_messages() const {
        std::lock_guard lock(state_mutex_);
        return read_message_;
    }

    // Waits without holding the state lock: a DisconnectNamedPipe from
    // another thread shuts the listener it waits on down, which wakes it to
    // look again.
    uint32_t connect(const sync::InterruptCheck& interrupted) {
        bool waited = false;
        for (;;) {
            FdRef listener;
            if (auto r = try_connect(waited, listener)) return *r;
            wait_fd(listener->get(), POLLIN, kInfinite, interrupted, "ConnectNamedPipe");
            waited = true;
        }
    }

    // One look without blocking: the result when a client is (or was
    // already) connected, nullopt with the listener to wait on otherwise.
    // `waited`: the caller has waited for a client (rather than found one
    // that came before the call).
    std::optional<uint32_t> try_connect(bool waited, FdRef& listener) {
        if (!server_) throw_win32(err::kInvalidFunction, "ConnectNamedPipe");
        std::lock_guard lock(state_mutex_);
        if (fd()) return err::kPipeConnected;
        listener = listener_;
        pollfd p{listener->get(), POLLIN, 0};
        if (::poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
            if (accept_locked()) {
                if (waited) return 0;
                // The client came and went before this call: Windows
                // fails with ERROR_NO_DATA, and the server disconnects.
                if (peer_gone(*fd())) throw_win32(err::kNoData, "ConnectNamedPipe");
                return err::kPipeConnected;
            }
        } else if (nowait_) {
            throw_win32(err::kPipeListening, "ConnectNamedPipe");
        }
        return std::nullopt;
    }

    void disconnect() {
        if (!server_) throw_win32(err::kInvalidFunction, "DisconnectNamedPipe");
        if (FdRef old = exchange_fd(nullptr)) ::shutdown(old->get(), SHUT_RDWR);
        std::lock_guard lock(state_mutex_);
        {
            std::lock_guard rl(read_mutex_);
            leftover_.clear();
            leftover_pos_ = 0;
        }
        ever_connected_ = true;
        // A client still queued on the old listener is dropped with it.
        ::unlink(socket_path().c_str());
        if (listener_) ::shutdown(listener_->get(), SHUT_RDWR);
        listener_.reset();
        rebind_locked();
    }

    // Each call tries the operation first and waits only when it would
    // block: one system call for a write, two for a message read (peek into
    // the caller's buffer with the message's length, then consume).
    // Readers take turns; the wait is a blocking recv bounded by
    // SO_RCVTIMEO (one system call when the data comes), after which Ctrl+C
    // is looked for. The leftover lock is separate, so PeekNamedPipe from
    // another thread answers at once.
    ReadResult read(std::span<std::byte> buffer, const sync::InterruptCheck& interrupted) override {
        FdRef f = connection("ReadFile");
        const bool message = message_type();
        std::lock_guard one_reader(reader_mutex_);
        {
            std::lock_guard rl(read_mutex_);
            if (leftover_pos_ < leftover_.size()) return from_leftover(buffer);
        }
        const bool nowait = mode() & kPipeNowait;
        for (;;) {
            int flags = (message ? MSG_PEEK | MSG_TRUNC : 0) | (nowait ? MSG_DONTWAIT : 0);
            ssize_t n = ::recv(f->get(), buffer.data(), buffer.size(), flags);
            if (n < 0) {
                int error = errno;
                if (error == ECONNRESET) throw_win32(err::kBrokenPipe, "ReadFile");
                if (error == EAGAIN && nowait) throw_win32(err::kNoData, "ReadFile");
                if (error != EAGAIN && error != EINTR) throw_errno(error, "ReadFile");
                throw_if_interrupted(interrupted);
                continue;
            }
            // End of data (a message pipe never carries empty messages).
            if (n == 0 && (message || !buffer.empty())) throw_win32(err::kBrokenPipe, "ReadFile");
            if (!message) return {static_cast<size_t>(n), 0};
            size_t length = static_cast<size_t>(n);
            if (length <= buffer.size()) {
                recv_retry(f->get(), nullptr, 0, MSG_DONTWAIT, "ReadFile");  // consume the peeked message
                return {length, 0};
            }
            // Longer than the buffer: keep the rest for the next reads.
            std::lock_guard rl(read_mutex_);
            leftover_.resize(length);
            recv_retry(f->get(), leftover_.data(), length, MSG_DONTWAIT, "ReadFile");
            leftover_pos_ = 0;
            return from_leftover(buffer);
        }
    }

    size_t write(std::span<const std::byte> data, const sync::InterruptCheck& interrupted) override {
        FdRef f = connection("WriteFile");
        // An empty message would read as end of data on SOCK_SEQPACKET.
        if (data.empty()) return 0;
        size_t done = 0;
        while (done < data.size()) {
            ssize_t n = ::send(f->get(), data.data() + done, data.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n >= 0) {
                done += static_cast<size_t>(n);
            } else if (errno == EAGAIN) {
                wait_fd(f->get(), POLLOUT, kInfinite, interrupted, "WriteFile");
            } else if (errno != EINTR) {
                throw_write_error(errno);
            }
        }
        return done;
    }

    PeekResult peek(size_t size) override {
        FdRef f = connection("PeekNamedPipe");
        std::lock_guard rl(read_mutex_);
        PeekResult out;
        if (leftover_pos_ < leftover_.size()) {
            size_t left = leftover_.size() - leftover_pos_;
            size_t n = std::min(size, left);
            out.data.assign(reinterpret_cast<const char*>(leftover_.data() + leftover_pos_), n);
            out.total_available = static_cast<uint32_t>(left);
            out.left_this_message = message_type() ? static_cast<uint32_t>(left - n) : 0;
            return out;
        }
        pollfd p{f->get(), POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0) return out;
        size_t length;
        if (message_type()) {
            length = next_message_length(f->get(), "PeekNamedPipe");
        } else {
            int avail = 0;
            ::ioctl(f->get(), FIONREAD, &avail);
            length = static_cast<size_t>(avail);
            if (length == 0) throw_win32(err::kBrokenPipe, "PeekNamedPipe");
        }
        out.total_available = static_cast<uint32_t>(length);
        size_t n = std::min(size, length);
        out.data.resize(n);
        if (n > 0) recv_retry(f->get(), out.data.data(), n, MSG_PEEK, "PeekNamedPipe");
        if (message_type()) out.left_this_message = static_cast<uint32_t>(length - n);
        return out;
    }

    ucred peer(const char* function) {
        FdRef f = connection(function);
        auto c = peer_credentials(f->get());
        if (!c) throw_win32(err::kPipeNotConnected, function);
        return *c;
    }

private:
    std::string socket_path() const { return dir_ + "/" + uniq_ + (message_type() ? ".m" : ".b"); }

    void listen_again() {
        std::lock_guard lock(state_mutex_);
        rebind_locked();
    }

    void rebind_locked() {
        UniqueFd s = make_socket(message_type(), SOCK_NONBLOCK, "CreateNamedPipe");
        std::string path = socket_path();
        sockaddr_un a = socket_address(path);
        ::unlink(path.c_str());
        if (::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw_errno(errno, "CreateNamedPipe");
        ::chmod(path.c_str(), 0600);
        // Backlog 0: the kernel queues exactly one client; the next one sees
        // the instance busy.
        if (::listen(s.get(), 0) != 0) throw_errno(errno, "CreateNamedPipe");
        listener_ = std::make_shared<UniqueFd>(std::move(s));
    }

    // Takes the queued client. The socket file goes first, so that no other
    // client can queue behind the one taken. False if the queue was empty
    // after all (the instance is listening again).
    bool accept_locked() {
        ::unlink(socket_path().c_str());
        int c = ::accept4(listener_->get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) {
            int e = errno;
            ::shutdown(listener_->get(), SHUT_RDWR);
            rebind_locked();
            if (e == EAGAIN || e == ECONNABORTED) return false;
            throw_errno(e, "ConnectNamedPipe");
        }
        ::shutdown(listener_->get(), SHUT_RDWR);
        listener_.reset();
        tune_connection(c);
        exchange_fd(std::make_shared<UniqueFd>(c));
        ever_connected_ = true;
        return true;
    }

    FdRef connection(const char* function) {
        FdRef f = fd();
        if (f) return f;
        std::lock_guard lock(state_mutex_);
        throw_win32(ever_connected_ ? err::kPipeNotConnected : err::kPipeListening, function);
    }

    static ssize_t recv_retry(int fd, void* buf, size_t n, int flags, const char* function) {
        for (;;) {
            ssize_t r = ::recv(fd, buf, n, flags);
            if (r >= 0) return r;
            if (errno == ECONNRESET) throw_win32(err::kBrokenPipe, function);
            if (errno != EINTR) throw_errno(errno, function);
        }
    }

    // The next message's full length (MSG_TRUNC reports it); end of data
    // (never an empty message: writes of nothing send nothing) is a broken pipe.
    static size_t next_message_length(int fd, const char* function) {
        char probe;
        ssize_t n = recv_retry(fd, &probe, 1, MSG_PEEK | MSG_TRUNC, function);
        if (n == 0) throw_win32(err::kBrokenPipe, function);
        return static_cast<size_t>(n);
    }

    ReadResult from_leftover(std::span<std::byte> buffer) {
        size_t left = leftover_.size() - leftover_pos_;
        size_t n = std::min(buffer.size(), left);
        std::memcpy(buffer.data(), leftover_.data() + leftover_pos_, n);
        leftover_pos_ += n;
        bool more = leftover_pos_ < leftover_.size();
        if (!more) {
            leftover_.clear();
            leftover_pos_ = 0;
        }
        // In byte read mode a message pipe hands out the rest without complaint.
        return {n, more && reads_messages() ? err::kMoreData : 0};
    }

    const bool server_;
    std::string dir_, uniq_;
    UniqueFd inst_lock_;  // the OFD lock that says this instance lives
    InstanceParams params_;
    pid_t owner_pid_;

    mutable std::mutex state_mutex_;
    FdRef listener_;  // shared with a ConnectNamedPipe waiting on it
    bool read_message_ = false, nowait_ = false, ever_connected_ = false;

    std::mutex reader_mutex_;  // one ReadFile at a time: a peek and its consuming recv go together
    std::mutex read_mutex_;    // guards the leftover
    std::vector<std::byte> leftover_;  // the unread rest of a message longer than a read
    size_t leftover_pos_ = 0;
};

std::shared_ptr<NamedPipeEnd> named_pipe_of(Handle h, const char* function) {
    auto pipe = std::dynamic_pointer_cast<NamedPipeEnd>(pipe_of(h, function));
    if (!pipe) throw_win32(err::kInvalidHandle, function);
    return pipe;
}

InstanceParams params_from(const NamedPipeParams& p) {
    return {p.max_instances, p.pipe_mode, p.out_buffer_size, p.in_buffer_size, p.default_timeout_ms,
            p.open_mode & kPipeAccessDuplex};
}

uint32_t server_access(uint32_t open_mode) {
    uint32_t a = 0;
    if (open_mode & kPipeAccessInbound) a |= kGenericRead;
    if (open_mode & kPipeAccessOutbound) a |= kGenericWrite;
    return a;
}

}  // namespace

std::shared_ptr<PipeEnd> pipe_of(Handle h, const char* function) {
    auto entry = HandleTable::instance().lookup(h, function);
    if (entry.object->type() != ObjectType::Pipe) throw_win32(err::kInvalidHandle, function);
    return std::static_pointer_cast<PipeEnd>(std::move(entry.object));
}

Handle create_named_pipe(std::string_view path, const NamedPipeParams& p) {
    constexpr const char* fn = "CreateNamedPipe";
    constexpr uint32_t known_open = kPipeAccessDuplex | kFileFlagFirstPipeInstance | kFileFlagWriteThrough |
                                    kFileFlagOverlapped | 0x00040000 /* WRITE_DAC */ |
                                    0x00080000 /* WRITE_OWNER */ | 0x01000000 /* ACCESS_SYSTEM_SECURITY */;
    constexpr uint32_t known_pipe = kPipeNowait | kPipeReadmodeMessage | kPipeTypeMessage | kPipeRejectRemoteClients;
    if ((p.open_mode & kPipeAccessDuplex) == 0 || (p.open_mode & ~known_open) || (p.pipe_mode & ~known_pipe) ||
        p.max_instances == 0 || p.max_instances > kPipeUnlimitedInstances ||
        ((p.pipe_mode & kPipeReadmodeMessage) && !(p.pipe_mode & kPipeTypeMessage)))
        throw_win32(err::kInvalidParameter, fn);
    // Overlapped I/O arrives with win32file's overlapped machinery.
    std::string dir = pipe_directory(path, fn);
    DirLock lock(dir);
    LiveInstances live = live_instances(dir);
    for (auto& uniq : live.stale) remove_instance_files(dir, uniq);
    if (live.first) {
        if ((p.open_mode & kFileFlagFirstPipeInstance) ||
            ((live.first->pipe_mode ^ p.pipe_mode) & kPipeTypeMessage))
            throw_win32(err::kAccessDenied, fn);
        if (live.count >= live.first->max_instances) throw_win32(err::kPipeBusy, fn);
    }
    std::string uniq = new_uniq();
    std::string inst_path = dir + "/" + uniq + ".inst";
    UniqueFd inst(::open(inst_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!inst) throw_errno(errno, fn);
    InstanceParams params = params_from(p);
    if (live.first) params.max_instances = live.first->max_instances;  // the first instance decides
    char text[128];
    int len = std::snprintf(text, sizeof text, "%u %u %u %u %u %u\n", params.max_instances, params.pipe_mode,
                            params.out_size, params.in_size, params.timeout_ms, params.open_mode);
    struct flock fl{};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (::write(inst.get(), text, len) != len || ::fcntl(inst.get(), F_OFD_SETLK, &fl) != 0) {
        int e = errno;
        ::unlink(inst_path.c_str());
        throw_errno(e, fn);
    }
    std::shared_ptr<NamedPipeEnd> end;
    try {
        end = std::make_shared<NamedPipeEnd>(dir, uniq, std::move(inst), params, server_access(p.open_mode));
    } catch (...) {
        remove_instance_files(dir, uniq);
        throw;
    }
    Handle h = HandleTable::instance().insert(std::move(end), server_access(p.open_mode), p.inherit);
    set_last_error(err::kSuccess);
    return h;
}

uint32_t connect_named_pipe(Handle server, const sync::InterruptCheck& interrupted) {
    return named_pipe_of(server, "ConnectNamedPipe")->connect(interrupted);
}

ConnectStart start_connect_named_pipe(Handle server, Handle event, uint64_t token) {
    auto pipe = named_pipe_of(server, "ConnectNamedPipe");
    NamedPipeEnd::FdRef listener;
    if (auto r = pipe->try_connect(false, listener)) return {*r, nullptr};
    auto request = submit_io(
        pipe, event,
        [](FileObject& f, const sync::InterruptCheck& cancelled) -> IoOutcome {
            // A client that connects before the worker looks is still this call's client.
            uint32_t r = static_cast<NamedPipeEnd&>(f).connect(cancelled);
            return {0, r == err::kPipeConnected ? 0u : r};
        },
        token, true);
    return {err::kIoPending, std::move(request)};
}

void disconnect_named_pipe(Handle server) { named_pipe_of(server, "DisconnectNamedPipe")->disconnect(); }

void wait_named_pipe(std::string_view path, uint32_t timeout_ms, const sync::InterruptCheck& interrupted) {
    constexpr const char* fn = "WaitNamedPipe";
    std::string dir = pipe_directory(path, fn);
    using clock = std::chrono::steady_clock;
    std::optional<clock::time_point> deadline;
    for (bool first = true;; first = false) {
        LiveInstances live = live_instances(dir);
        if (!live.first) throw_win32(err::kFileNotFound, fn);
        if (first && timeout_ms != kNmpwaitWaitForever) {
            uint32_t t = timeout_ms == kNmpwaitUseDefaultWait ? live.first->timeout_ms : timeout_ms;
            if (t == 0) t = kDefaultWaitMs;
            deadline = clock::now() + std::chrono::milliseconds(t);
        }
        // A free instance is one whose listening socket is in place.
        bool type_message = live.first->pipe_mode & kPipeTypeMessage;
        for (auto& uniq : entries_with_suffix(dir, type_message ? ".m" : ".b")) {
            struct stat st;
            if (::stat((dir + "/" + uniq + ".inst").c_str(), &st) == 0) return;
        }
        if (deadline && clock::now() >= *deadline) throw_win32(err::kSemTimeout, fn);
        sleep_interruptibly(kWaitPollMs, interrupted);
    }
}

Handle open_named_pipe(std::string_view path, uint32_t access, bool inherit) {
    constexpr const char* fn = "CreateFile";
    std::string dir = pipe_directory(path, fn);
    bool busy = false;
    for (const char* suffix : {".m", ".b"}) {
        bool message_type = suffix[1] == 'm';
        for (auto& uniq : entries_with_suffix(dir, suffix)) {
            auto params = read_live_instance(dir + "/" + uniq + ".inst");
            if (!params) continue;  // its server is gone
            // A one-way pipe: the client may only take the other direction.
            if (((access & (kGenericRead | kFileReadData)) && !(params->open_mode & kPipeAccessOutbound)) ||
                ((access & (kGenericWrite | kFileWriteData)) && !(params->open_mode & kPipeAccessInbound)))
                throw_win32(err::kAccessDenied, fn);
            UniqueFd sock = make_socket(message_type, SOCK_NONBLOCK, fn);
            sockaddr_un a = socket_address(dir + "/" + uniq + suffix);
            if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
                if (errno == EAGAIN) busy = true;  // another client waits in its queue
                continue;                          // gone or refused: try the next one
            }
            ::fcntl(sock.get(), F_SETFL, ::fcntl(sock.get(), F_GETFL) & ~O_NONBLOCK);
            auto end = std::make_shared<NamedPipeEnd>(std::move(sock), dir, *params, access);
            Handle h = HandleTable::instance().insert(std::move(end), access, inherit);
            set_last_error(err::kSuccess);
            return h;
        }
    }
    if (busy || live_instances(dir).first) throw_win32(err::kPipeBusy, fn);
    throw_win32(err::kFileNotFound, fn);
}

PeekResult peek_named_pipe(Handle h, size_t size) { return pipe_of(h, "PeekNamedPipe")->peek(size); }

TransactResult transact_named_pipe(Handle h, std::string_view message, size_t read_size,
                                   const sync::InterruptCheck& interrupted) {
    auto pipe = named_pipe_of(h, "TransactNamedPipe");
    if (!pipe->message_type() || !pipe->reads_messages()) throw_win32(err::kBadPipe, "TransactNamedPipe");
    pipe->write(std::as_bytes(std::span(message.data(), message.size())), interrupted);
    TransactResult out;
    out.data.resize(read_size);
    ReadResult r = pipe->read(std::as_writable_bytes(std::span(out.data.data(), out.data.size())), interrupted);
    out.data.resize(r.bytes);
    out.status = r.status;
    return out;
}

std::shared_ptr<IoRequest> start_transact_named_pipe(Handle h, std::string message, std::span<std::byte> answer,
                                                     Handle event, uint64_t token) {
    auto pipe = named_pipe_of(h, "TransactNamedPipe");
    if (!pipe->message_type() || !pipe->reads_messages()) throw_win32(err::kBadPipe, "TransactNamedPipe");
    return submit_io(
        pipe, event,
        [message = std::move(message), answer](FileObject& f, const sync::InterruptCheck& cancelled) -> IoOutcome {
            f.write(std::as_bytes(std::span(message.data(), message.size())), cancelled);
            ReadResult r = f.read(answer, cancelled);
            return {r.bytes, r.status};
        },
        token, true);
}

TransactResult call_named_pipe(std::string_view path, std::string_view message, size_t read_size,
                               uint32_t timeout_ms, const sync::InterruptCheck& interrupted) {
    Handle h = 0;
    try {
        h = open_named_pipe(path, kGenericRead | kGenericWrite, false);
    } catch (const Win32Error& e) {
        if (e.code() != err::kPipeBusy) throw;
        wait_named_pipe(path, timeout_ms, interrupted);
        h = open_named_pipe(path, kGenericRead | kGenericWrite, false);
    }
    auto& table = HandleTable::instance();
    try {
        set_named_pipe_handle_state(h, kPipeReadmodeMessage);
        TransactResult r = transact_named_pipe(h, message, read_size, interrupted);
        table.close(h, "CallNamedPipe");
        return r;
    } catch (...) {
        table.close(h, "CallNamedPipe");
        throw;
    }
}

PipeHandleState get_named_pipe_handle_state(Handle h) {
    auto pipe = named_pipe_of(h, "GetNamedPipeHandleState");
    PipeHandleState out;
    out.mode = pipe->mode();
    out.instances = live_instances(pipe->dir()).count;
    if (pipe->server()) {
        try {
            if (passwd* pw = ::getpwuid(pipe->peer("GetNamedPipeHandleState").uid)) out.user_name = pw->pw_name;
        } catch (const Win32Error&) {
        }
    }
    return out;
}

void set_named_pipe_handle_state(Handle h, std::optional<uint32_t> mode) {
    auto pipe = named_pipe_of(h, "SetNamedPipeHandleState");
    if (mode) pipe->set_mode(*mode);
}

PipeInfo get_named_pipe_info(Handle h) {
    auto pipe = named_pipe_of(h, "GetNamedPipeInfo");
    const auto& p = pipe->params();
    return {(pipe->server() ? kPipeServerEnd : 0u) | (p.pipe_mode & kPipeTypeMessage), p.out_size, p.in_size,
            p.max_instances};
}

pid_t get_named_pipe_client_process_id(Handle h) {
    auto pipe = named_pipe_of(h, "GetNamedPipeClientProcessId");
    return pipe->server() ? pipe->peer("GetNamedPipeClientProcessId").pid : ::getpid();
}

pid_t get_named_pipe_server_process_id(Handle h) {
    auto pipe = named_pipe_of(h, "GetNamedPipeServerProcessId");
    return pipe->server() ? ::getpid() : pipe->peer("GetNamedPipeServerProcessId").pid;
}

uint32_t session_id_of_process(pid_t pid, const char* function) {
    std::string path = "/proc/" + std::to_string(pid) + "/sessionid";
    FILE* f = std::fopen(path.c_str(), "r");
    if (!f) throw_errno(errno, function);
    unsigned long long id = 0;
    int n = std::fscanf(f, "%llu", &id);
    std::fclose(f);
    if (n != 1) throw_win32(err::kInvalidData, function);
    return static_cast<uint32_t>(id);
}

}  // namespace w32::io
