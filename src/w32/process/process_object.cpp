#include "w32/process/process_object.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/arena.h"
#include "w32/kernel/handle_grants.h"
#include "w32/kernel/object_refs.h"

namespace w32::process {

namespace {

// One thread per process turns pidfd readiness (the process ended) into a
// set event. It is (re)started on demand, also in a forked child.
class ExitWatcher {
public:
    static ExitWatcher& instance() {
        static ExitWatcher* w = new ExitWatcher;
        return *w;
    }

    void watch(int pidfd, const std::shared_ptr<sync::SyncObject>& event) {
        std::lock_guard lock(mutex_);
        watched_[pidfd] = Watch{event, {}};
        if (running_in_ == getpid()) add_locked(pidfd);
    }

    void watch(int pidfd, std::function<void()> on_exit) {
        std::lock_guard lock(mutex_);
        watched_[pidfd] = Watch{{}, std::move(on_exit)};
        if (running_in_ == getpid()) add_locked(pidfd);
    }

    void unwatch(int pidfd) {
        std::lock_guard lock(mutex_);
        watched_.erase(pidfd);
        if (running_in_ == getpid()) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, pidfd, nullptr);
    }

    void ensure_running() {
        std::lock_guard lock(mutex_);
        if (running_in_ == getpid()) return;
        epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
        if (epoll_fd_ < 0) throw_errno(errno, "OpenProcess");
        for (auto& [fd, event] : watched_) add_locked(fd);
        running_in_ = getpid();
        std::thread([this, fd = epoll_fd_] { run(fd); }).detach();
    }

private:
    void add_locked(int pidfd) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = pidfd;
        epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, pidfd, &ev);
    }

    void run(int epoll_fd) {
        epoll_event events[16];
        for (;;) {
            int n = epoll_wait(epoll_fd, events, 16, -1);
            if (n < 0) {
                if (errno == EINTR) continue;
                return;
            }
            for (int i = 0; i < n; ++i) {
                std::shared_ptr<sync::SyncObject> event;
                std::function<void()> on_exit;
                {
                    std::lock_guard lock(mutex_);
                    auto it = watched_.find(events[i].data.fd);
                    if (it == watched_.end()) continue;
                    event = it->second.event.lock();
                    on_exit = std::move(it->second.on_exit);
                    watched_.erase(it);
                    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, events[i].data.fd, nullptr);
                }
                if (on_exit) {
                    try {
                        on_exit();
                    } catch (...) {
                    }
                }
                if (event) {
                    try {
                        sync::set_event_object(*event);
                    } catch (...) {
                    }
                }
            }
        }
    }

    struct Watch {
        std::weak_ptr<sync::SyncObject> event;  // set when the process ends
        std::function<void()> on_exit;          // or called
    };
    std::mutex mutex_;
    std::unordered_map<int, Watch> watched_;
    int epoll_fd_ = -1;
    pid_t running_in_ = 0;
};

std::shared_ptr<ProcessObject> self_process() {
    // The pid is that of whoever asks, so a forked child gets its own.
    static std::mutex mutex;
    static std::shared_ptr<ProcessObject>* self = new std::shared_ptr<ProcessObject>;
    std::lock_guard lock(mutex);
    if (!*self || (*self)->pid() != getpid()) *self = std::make_shared<ProcessObject>(getpid(), -1);
    return *self;
}

}  // namespace

void watch_exit(int pidfd, std::function<void()> on_exit) {
    ExitWatcher::instance().watch(pidfd, std::move(on_exit));
    ExitWatcher::instance().ensure_running();
}

void unwatch_exit(int pidfd) { ExitWatcher::instance().unwatch(pidfd); }

ProcessObject::ProcessObject(pid_t pid, int pidfd)
    : pid_(pid), pidfd_(pidfd), exit_event_(sync::create_private_event()) {
    if (pidfd_ >= 0) ExitWatcher::instance().watch(pidfd_, exit_event_);
}

ProcessObject::~ProcessObject() {
    if (pidfd_ >= 0) {
        ExitWatcher::instance().unwatch(pidfd_);
        close(pidfd_);
    }
}

uint32_t ProcessObject::wait_index() {
    std::lock_guard lock(mutex_);
    if (pidfd_ < 0 && pid_ != getpid()) {
        pidfd_ = int(syscall(SYS_pidfd_open, pid_, 0));
        if (pidfd_ < 0)
            sync::set_event_object(*exit_event_);  // already gone
        else
            ExitWatcher::instance().watch(pidfd_, exit_event_);
    }
    if (pidfd_ >= 0) ExitWatcher::instance().ensure_running();
    return exit_event_->index();
}

// The calling thread as a waitable: it cannot end while it waits on itself,
// so this never becomes signalled, as on Windows.
std::shared_ptr<sync::SyncObject> self_thread() {
    thread_local std::shared_ptr<sync::SyncObject> event;
    thread_local pid_t owner = 0;
    if (!event || owner != getpid()) {
        event = sync::create_private_event();
        owner = getpid();
    }
    return event;
}

void install_pseudo_handles() {
    HandleTable::instance().set_pseudo_resolver([](Handle h) -> std::optional<HandleEntry> {
        if (h == kCurrentProcessPseudoHandle) return HandleEntry{self_process(), kProcessAllAccess, false};
        if (h == kCurrentThreadPseudoHandle) return HandleEntry{self_thread(), kThreadAllAccess, false};
        return std::nullopt;
    });
}

Handle open_process(uint32_t access, bool inherit, uint32_t pid) {
    const char* function = "OpenProcess";
    if (pid == 0 || pid > uint32_t(INT32_MAX)) throw_win32(err::kInvalidParameter, function);
    // Rights to change a process need what POSIX asks to signal it.
    if ((access & kProcessTerminate) && kill(pid_t(pid), 0) != 0 && errno == EPERM)
        throw_win32(err::kAccessDenied, function);
    std::shared_ptr<ProcessObject> object;
    if (pid_t(pid) == getpid()) {
        object = self_process();
    } else {
        int fd = int(syscall(SYS_pidfd_open, pid_t(pid), 0));
        if (fd < 0) {
            // Windows answers ERROR_INVALID_PARAMETER for a pid that is not running.
            throw_win32(errno == ESRCH ? err::kInvalidParameter : win32_from_errno(errno), function);
        }
        object = std::make_shared<ProcessObject>(pid_t(pid), fd);
    }
    ExitWatcher::instance().ensure_running();
    return HandleTable::instance().insert(std::move(object), access | sync::kSynchronize, inherit);
}

std::shared_ptr<ProcessObject> process_of(Handle h, const char* function) {
    auto entry = HandleTable::instance().lookup(h, function);
    auto process = std::dynamic_pointer_cast<ProcessObject>(entry.object);
    if (!process) throw_win32(err::kInvalidHandle, function);
    return process;
}

Handle duplicate_handle(Handle source_process, Handle source, Handle target_process,
                        uint32_t access, bool inherit, uint32_t options) {
    const char* function = "DuplicateHandle";
    auto from = process_of(source_process, function);
    auto to = process_of(target_process, function);
    if (from->pid() != getpid()) {
        // Reading another process's handle table needs that process's help,
        // which nothing here provides.
        throw_win32(err::kNotSupported, function);
    }
    auto entry = HandleTable::instance().lookup(source, function);
    uint32_t new_access = (options & kDuplicateSameAccess) ? entry.access : access;
    Handle result;
    if (to->pid() == getpid()) {
        result = HandleTable::instance().insert(entry.object, new_access, inherit);
    } else {
        auto arena_object = std::dynamic_pointer_cast<sync::SyncObject>(entry.object);
        if (!arena_object) throw_win32(err::kNotSupported, function);
        arena::ArenaTx tx;
        result = arena::grant_handle(tx, arena_object->index(), int32_t(to->pid()), new_access, inherit);
    }
    if ((options & kDuplicateCloseSource) && source < kCurrentThreadPseudoHandle)
        HandleTable::instance().close(source, function);
    return result;
}

}  // namespace w32::process
