#include "w32/evtlog/change_notify.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "w32/error/win32_error.h"
#include "w32/evtlog/source_registry.h"

namespace w32::evtlog {

namespace {

constexpr const char* kNotifySuffix = ".log.notify";

std::string notify_file_name(const std::string& log) {
    std::string path = log_notify_path(log);
    return path.substr(path.rfind('/') + 1);
}

struct Watch {
    std::string file_name;  // "<log key>.log.notify"
    std::shared_ptr<sync::SyncObject> event;
};

// One per process, never destroyed (the thread may outlive static destructors).
class Watcher {
public:
    uint64_t add(const std::string& log, std::shared_ptr<sync::SyncObject> event) {
        std::lock_guard lock(mutex_);
        start_locked();
        uint64_t id = ++next_id_;
        watches_[id] = Watch{notify_file_name(log), std::move(event)};
        return id;
    }

    void remove(uint64_t id) noexcept {
        std::shared_ptr<sync::SyncObject> dropped;  // released outside the lock
        std::lock_guard lock(mutex_);
        auto it = watches_.find(id);
        if (it == watches_.end()) return;
        dropped = std::move(it->second.event);
        watches_.erase(it);
    }

private:
    void start_locked() {
        if (fd_ >= 0 && owner_ == ::getpid()) return;
        // First use, or a forked child (threads and the inotify queue stay with the parent).
        if (fd_ >= 0) ::close(fd_);
        fd_ = ::inotify_init1(IN_CLOEXEC);
        if (fd_ < 0) throw_errno(errno, "NotifyChangeEventLog");
        if (::inotify_add_watch(fd_, eventlog_dir().c_str(), IN_ATTRIB | IN_CLOSE_WRITE) < 0) {
            int e = errno;
            ::close(fd_);
            fd_ = -1;
            throw_errno(e, "NotifyChangeEventLog");
        }
        owner_ = ::getpid();
        std::thread([this, fd = fd_] { run(fd); }).detach();
    }

    void run(int fd) {
        alignas(inotify_event) char buf[16384];
        for (;;) {
            ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;  // the descriptor was replaced after a fork
            std::vector<std::string> touched;
            bool overflow = false;
            for (ssize_t at = 0; at < n;) {
                auto* ev = reinterpret_cast<inotify_event*>(buf + at);
                if (ev->mask & IN_Q_OVERFLOW) overflow = true;
                if (ev->len) {
                    std::string name(ev->name);
                    if (name.size() > strlen(kNotifySuffix) &&
                        name.compare(name.size() - strlen(kNotifySuffix), std::string::npos,
                                     kNotifySuffix) == 0)
                        touched.push_back(std::move(name));
                }
                at += ssize_t(sizeof(inotify_event) + ev->len);
            }
            signal(touched, overflow);
        }
    }

    void signal(const std::vector<std::string>& touched, bool all) {
        std::vector<std::shared_ptr<sync::SyncObject>> events;
        {
            std::lock_guard lock(mutex_);
            for (auto& [id, w] : watches_) {
                bool hit = all;
                for (const auto& t : touched) hit = hit || t == w.file_name;
                if (hit) events.push_back(w.event);
            }
        }
        for (auto& e : events) {
            try {
                sync::set_event_object(*e);
            } catch (...) {
                // An arena failure must not end the watcher; the next record retries.
            }
        }
    }

    std::mutex mutex_;
    std::map<uint64_t, Watch> watches_;
    uint64_t next_id_ = 0;
    int fd_ = -1;
    pid_t owner_ = 0;
};

Watcher& watcher() {
    static Watcher* w = new Watcher();
    return *w;
}

}  // namespace

uint64_t add_change_watch(const std::string& log, std::shared_ptr<sync::SyncObject> event) {
    return watcher().add(log, std::move(event));
}

void remove_change_watch(uint64_t id) noexcept { watcher().remove(id); }

ChangeNotifier::ChangeNotifier(const std::string& log) {
    fd_ = ::open(log_notify_path(log).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
}

ChangeNotifier::~ChangeNotifier() {
    if (fd_ >= 0) ::close(fd_);
}

void ChangeNotifier::record_written() noexcept {
    if (fd_ >= 0) ::futimens(fd_, nullptr);
}

}  // namespace w32::evtlog
