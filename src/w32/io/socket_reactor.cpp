#include "w32/io/socket_reactor.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "w32/error/win32_error.h"

namespace w32::io {

namespace {

using clock = std::chrono::steady_clock;

// How often cancelled requests and closed sockets are looked for.
constexpr auto kSweep = std::chrono::milliseconds(50);
constexpr uint64_t kWakeId = 0;
// How long the thread keeps its sweep timer after the last operation ended.
constexpr auto kLinger = std::chrono::seconds(2);

struct Pending {
    uint64_t id = 0;
    std::shared_ptr<SocketFile> socket;
    ino_t ino = 0;
    int direction = 0;
    std::shared_ptr<IoRequest> request;
    std::unique_ptr<SocketOperation> op;
    UniqueFd dup;  // the reactor's own descriptor of the socket
    SocketStep wait;
    int watched = -1;  // the descriptor registered with epoll, -1 for none
};

struct Finished {
    std::shared_ptr<IoRequest> request;
    IoOutcome outcome;
};

class SocketReactor {
public:
    static SocketReactor& instance() {
        static SocketReactor* r = [] {
            auto* created = new SocketReactor;  // leaked: its thread may outlive static destruction
            pthread_atfork(nullptr, nullptr, [] { SocketReactor::instance().after_fork(); });
            IoRequest::set_cancel_hook([]() noexcept { SocketReactor::instance().wake(); });
            return created;
        }();
        return *r;
    }

    bool idle(ino_t socket, int direction) {
        std::lock_guard lock(mutex_);
        auto it = queues_.find({socket, direction});
        return it == queues_.end() || it->second.empty();
    }

    size_t pending() {
        std::lock_guard lock(mutex_);
        return ops_.size();
    }

    void submit(std::shared_ptr<SocketFile> socket, std::shared_ptr<IoRequest> request,
                std::unique_ptr<SocketOperation> op, SocketStep first, const char* function) {
        auto p = std::make_unique<Pending>();
        p->ino = socket->inode();
        p->direction = op->direction();
        p->dup.reset(::fcntl(socket->descriptor(), F_DUPFD_CLOEXEC, 0));
        if (!p->dup) throw_win32(wsa_from_errno(errno), function);
        p->socket = std::move(socket);
        p->request = std::move(request);
        p->op = std::move(op);
        p->wait = first;
        std::vector<Finished> finished;
        {
            std::lock_guard lock(mutex_);
            start_locked(function);
            p->id = ++last_id_;
            Pending* raw = p.get();
            ops_.emplace(raw->id, std::move(p));
            auto& queue = queues_[{raw->ino, raw->direction}];
            queue.push_back(raw->id);
            if (queue.size() == 1) arm_locked(*raw, finished);
            if (sleeping_) {
                uint64_t one = 1;
                (void)!::write(wake_.get(), &one, sizeof one);
            }
        }
        complete_all(finished);
    }

    // A request was cancelled somewhere: look now rather than at the next sweep.
    void wake() noexcept {
        int fd = wake_fd_.load(std::memory_order_acquire);
        if (fd < 0) return;
        cancel_seen_.store(true, std::memory_order_release);
        uint64_t one = 1;
        (void)!::write(fd, &one, sizeof one);
    }

private:
    void start_locked(const char* function) {
        if (started_pid_ == ::getpid()) return;
        epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
        wake_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
        if (!epoll_ || !wake_) throw_win32(wsa_from_errno(errno), function);
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = kWakeId;
        ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &ev);
        std::thread([this] { run(); }).detach();
        started_pid_ = ::getpid();
        wake_fd_.store(wake_.get(), std::memory_order_release);
    }

    void after_fork() {
        // The child has no reactor thread; the parent's operations are the parent's.
        // Their descriptors are the child's copies: closing them keeps no socket open.
        new (&mutex_) std::mutex;
        ops_.clear();
        queues_.clear();
        wake_fd_.store(-1, std::memory_order_release);
        epoll_.reset();
        wake_.reset();
        started_pid_ = 0;
        sleeping_ = false;
    }

    // Registers the operation's wait with epoll (one-shot: re-armed per step).
    void arm_locked(Pending& p, std::vector<Finished>& finished) {
        int fd = p.wait.watch >= 0 ? p.wait.watch : p.dup.get();
        epoll_event ev{};
        ev.events = (p.wait.kind == SocketStep::WaitRead ? EPOLLIN | EPOLLRDHUP : EPOLLOUT) | EPOLLONESHOT;
        ev.data.u64 = p.id;
        int rc;
        if (fd == p.watched) {
            rc = ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev);
        } else {
            if (p.watched >= 0) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, p.watched, nullptr);
            p.watched = -1;
            rc = ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev);
            if (rc == 0) p.watched = fd;
        }
        if (rc != 0) finish_locked(p, SocketStep::failed(errno), finished);
    }

    // Takes the operation out (the front of its queue) and starts the next one.
    void finish_locked(Pending& p, SocketStep result, std::vector<Finished>& finished) {
        if (p.watched >= 0) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, p.watched, nullptr);
        p.watched = -1;
        uint32_t status = result.error ? socket_completion_from_errno(result.error) : 0;
        finished.push_back({p.request, {result.error ? 0 : result.bytes, status}});
        auto key = std::make_pair(p.ino, p.direction);
        auto& queue = queues_[key];
        bool was_front = !queue.empty() && queue.front() == p.id;
        std::erase(queue, p.id);
        ops_.erase(p.id);  // p is gone from here on
        if (queue.empty()) {
            queues_.erase(key);
        } else if (was_front) {
            auto next = ops_.find(queue.front());
            if (next != ops_.end()) arm_locked(*next->second, finished);
        }
    }

    static void complete_all(std::vector<Finished>& finished) {
        for (auto& f : finished) f.request->complete(f.outcome);
        finished.clear();
    }

    void step(uint64_t id, std::vector<Finished>& finished) {
        Pending* p;
        {
            std::lock_guard lock(mutex_);
            auto it = ops_.find(id);
            if (it == ops_.end()) return;
            p = it->second.get();
            if (p->request->cancelled()) {
                finish_locked(*p, SocketStep::failed(ECANCELED), finished);
                return;
            }
        }
        // Only this thread steps, finishes or erases operations: p stays valid unlocked.
        SocketStep s;
        try {
            s = p->op->step(p->dup.get());
        } catch (const std::bad_alloc&) {
            s = SocketStep::failed(ENOMEM);
        }
        std::lock_guard lock(mutex_);
        if (s.kind == SocketStep::Done) {
            finish_locked(*p, s, finished);
        } else {
            p->wait = s;
            arm_locked(*p, finished);
        }
    }

    // Ends cancelled operations and, with `closes`, those whose socket was closed.
    void sweep(std::vector<Finished>& finished, bool closes) {
        std::vector<uint64_t> gone;
        std::vector<std::pair<uint64_t, std::pair<int, ino_t>>> sockets;
        {
            std::lock_guard lock(mutex_);
            for (auto& [id, p] : ops_) {
                if (p->request->cancelled()) gone.push_back(id);
                else if (closes) sockets.push_back({id, {p->socket->descriptor(), p->ino}});
            }
        }
        // The close check looks at each socket once, without the lock.
        std::map<std::pair<int, ino_t>, bool> open;
        for (auto& [id, s] : sockets) {
            auto [it, fresh] = open.try_emplace(s, false);
            if (fresh) it->second = socket_inode(s.first) == s.second;
            if (!it->second) gone.push_back(id);
        }
        std::lock_guard lock(mutex_);
        for (uint64_t id : gone) {
            auto it = ops_.find(id);
            if (it != ops_.end()) finish_locked(*it->second, SocketStep::failed(ECANCELED), finished);
        }
    }

    void run() {
        int efd, wfd;
        {
            std::lock_guard lock(mutex_);
            efd = epoll_.get();
            wfd = wake_.get();
        }
        epoll_event events[64];
        std::vector<Finished> finished;
        auto last_sweep = clock::now();
        auto last_busy = last_sweep;
        for (;;) {
            int timeout;
            {
                // Idle for a while, the thread sleeps until woken; while traffic
                // comes and goes it keeps its sweep timer, so that submitting an
                // operation need not wake it.
                std::lock_guard lock(mutex_);
                auto now = clock::now();
                if (!ops_.empty()) last_busy = now;
                sleeping_ = ops_.empty() && now - last_busy >= kLinger;
                timeout = sleeping_ ? -1 : static_cast<int>(kSweep.count());
            }
            int n = ::epoll_wait(efd, events, 64, timeout);
            if (n < 0 && errno != EINTR) return;
            for (int i = 0; i < n; ++i) {
                if (events[i].data.u64 == kWakeId) {
                    uint64_t count;
                    (void)!::read(wfd, &count, sizeof count);
                    continue;
                }
                step(events[i].data.u64, finished);
            }
            complete_all(finished);
            if (clock::now() - last_sweep >= kSweep || n <= 0) {
                cancel_seen_.store(false, std::memory_order_relaxed);
                sweep(finished, true);
                complete_all(finished);
                last_sweep = clock::now();
            } else if (cancel_seen_.exchange(false, std::memory_order_acq_rel)) {
                sweep(finished, false);
                complete_all(finished);
            }
        }
    }

    struct KeyHash {
        size_t operator()(const std::pair<ino_t, int>& k) const noexcept {
            return std::hash<uint64_t>{}(static_cast<uint64_t>(k.first) * 2 + static_cast<uint64_t>(k.second));
        }
    };

    std::mutex mutex_;
    UniqueFd epoll_;
    UniqueFd wake_;
    std::atomic<int> wake_fd_{-1};  // wake_, readable without the lock (the cancel hook)
    std::atomic<bool> cancel_seen_{false};
    pid_t started_pid_ = 0;
    bool sleeping_ = false;
    uint64_t last_id_ = 0;
    std::unordered_map<uint64_t, std::unique_ptr<Pending>> ops_;
    std::unordered_map<std::pair<ino_t, int>, std::deque<uint64_t>, KeyHash> queues_;
};

}  // namespace

bool socket_direction_idle(ino_t socket, int direction) { return SocketReactor::instance().idle(socket, direction); }

void submit_socket_operation(std::shared_ptr<SocketFile> socket, std::shared_ptr<IoRequest> request,
                             std::unique_ptr<SocketOperation> op, SocketStep first, const char* function) {
    SocketReactor::instance().submit(std::move(socket), std::move(request), std::move(op), first, function);
}

size_t pending_socket_operations() { return SocketReactor::instance().pending(); }

}  // namespace w32::io
