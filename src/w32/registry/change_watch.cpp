#include "w32/kernel/fork_safe_mutex.h"
#include "w32/registry/change_watch.h"

#include <fcntl.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "w32/error/win32_error.h"
#include "w32/sync/sync_objects.h"

namespace w32::registry {

namespace {

constexpr uint32_t kFilterBits = kChangeName | kChangeAttributes | kChangeLastSet | kChangeSecurity;

struct Registration {
    WatchSpec spec;
    std::shared_ptr<sync::SyncObject> event;
    int64_t after_seq = 0;
};

bool is_under(const std::string& path, const std::string& ancestor) {
    if (ancestor.empty()) return true;
    return path.size() > ancestor.size() && path.compare(0, ancestor.size(), ancestor) == 0 &&
           path[ancestor.size()] == '\\';
}

std::string dir_of(const std::string& file) { return file.substr(0, file.rfind('/')); }
std::string base_of(const std::string& file) { return file.substr(file.rfind('/') + 1); }

void set_quietly(sync::SyncObject& event) noexcept {
    try {
        sync::set_event_object(event);
    } catch (...) {
        // An arena failure must not end the watcher.
    }
}

// One per process, never destroyed (its thread may outlive static destructors).
class KeyWatcher {
public:
    uint64_t add(WatchSpec spec, std::shared_ptr<sync::SyncObject> event, const char* function) {
        std::lock_guard lock(mutex_);
        start_locked(function);
        std::string dir = dir_of(spec.hive->notify_file());
        if (!dirs_.count(dir)) {
            int wd = ::inotify_add_watch(fd_, dir.c_str(), IN_ATTRIB | IN_CLOSE_WRITE);
            if (wd < 0) throw_errno(errno, function);
            dirs_[dir] = wd;
        }
        // The lock first, then where the log ends: writers keep the log
        // while the lock is held (see Hive::publish_changes), and a change
        // committed after this point touches the file after the watch exists.
        hold(spec.hive->notify_file());
        int64_t after = 0;
        try {
            after = spec.hive->last_change(function);
        } catch (...) {
            release(spec.hive->notify_file());
            throw;
        }
        uint64_t id = ++next_id_;
        registrations_[id] = Registration{std::move(spec), std::move(event), after};
        return id;
    }

    void cancel(uint64_t id, bool signal) noexcept {
        std::shared_ptr<sync::SyncObject> dropped;
        {
            std::lock_guard lock(mutex_);
            auto it = registrations_.find(id);
            if (it == registrations_.end()) return;
            dropped = std::move(it->second.event);
            release(it->second.spec.hive->notify_file());
            registrations_.erase(it);
        }
        if (signal && dropped) set_quietly(*dropped);
    }

private:
    // A shared OFD lock on the hive's notify file while this process has
    // registrations on the hive: what tells writers to keep the change log.
    void hold(const std::string& file) {
        auto& h = held_[file];
        if (h.count++ > 0) return;
        h.fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (h.fd < 0) return;  // no writer has opened the hive yet; when one does, it logs (cannot tell)
        struct flock lk {};
        lk.l_type = F_RDLCK;
        lk.l_whence = SEEK_SET;
        lk.l_start = 0;
        lk.l_len = 1;
        ::fcntl(h.fd, F_OFD_SETLK, &lk);
    }

    void release(const std::string& file) noexcept {
        auto it = held_.find(file);
        if (it == held_.end() || --it->second.count > 0) return;
        if (it->second.fd >= 0) ::close(it->second.fd);
        held_.erase(it);
    }

    struct Held {
        int fd = -1;
        int count = 0;
    };

    void start_locked(const char* function) {
        if (fd_ >= 0 && owner_ == ::getpid()) return;
        // First use, or a forked child (the thread and the queue stayed with the parent).
        if (fd_ >= 0) ::close(fd_);
        dirs_.clear();
        registrations_.clear();
        // The parent's locks are its own (they live on its descriptions).
        for (auto& [file, h] : held_)
            if (h.fd >= 0) ::close(h.fd);
        held_.clear();
        fd_ = ::inotify_init1(IN_CLOEXEC);
        if (fd_ < 0) throw_errno(errno, function);
        owner_ = ::getpid();
        std::thread([this, fd = fd_] { run(fd); }).detach();
    }

    void run(int fd) {
        alignas(inotify_event) char buf[16384];
        for (;;) {
            ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return;
            std::vector<std::string> touched;
            bool overflow = false;
            for (ssize_t at = 0; at < n;) {
                auto* ev = reinterpret_cast<inotify_event*>(buf + at);
                if (ev->mask & IN_Q_OVERFLOW) overflow = true;
                if (ev->len) touched.emplace_back(ev->name);
                at += ssize_t(sizeof(inotify_event) + ev->len);
            }
            check(touched, overflow);
        }
    }

    void check(const std::vector<std::string>& touched, bool all) {
        // Which hives to read, and from where: the oldest starting point of their registrations.
        std::map<Hive*, std::pair<std::shared_ptr<Hive>, int64_t>> hives;
        {
            std::lock_guard lock(mutex_);
            for (auto& [id, r] : registrations_) {
                std::string base = base_of(r.spec.hive->notify_file());
                bool hit = all;
                for (const auto& t : touched) hit = hit || t == base;
                if (!hit) continue;
                auto [it, fresh] = hives.try_emplace(r.spec.hive.get(), r.spec.hive, r.after_seq);
                if (!fresh) it->second.second = std::min(it->second.second, r.after_seq);
            }
        }
        for (auto& [raw, entry] : hives) {
            std::vector<Change> changes;
            try {
                changes = entry.first->changes_after(entry.second, "RegNotifyChangeKeyValue");
            } catch (...) {
                continue;  // a busy database: the next touch retries
            }
            if (changes.empty()) continue;
            std::vector<std::shared_ptr<sync::SyncObject>> fire;
            {
                std::lock_guard lock(mutex_);
                for (auto it = registrations_.begin(); it != registrations_.end();) {
                    Registration& r = it->second;
                    bool hit = false;
                    if (r.spec.hive.get() == raw) {
                        for (const Change& c : changes)
                            hit = hit || (c.seq > r.after_seq && change_selects(c, r.spec));
                    }
                    if (hit) {
                        fire.push_back(std::move(r.event));
                        release(r.spec.hive->notify_file());
                        it = registrations_.erase(it);
                    } else {
                        ++it;
                    }
                }
            }
            for (auto& e : fire) set_quietly(*e);
        }
    }

    ForkSafeMutex mutex_;
    std::map<uint64_t, Registration> registrations_;
    std::map<std::string, int> dirs_;
    std::map<std::string, Held> held_;
    uint64_t next_id_ = 0;
    int fd_ = -1;
    pid_t owner_ = 0;
};

KeyWatcher& watcher() {
    static KeyWatcher* w = new KeyWatcher();
    return *w;
}

}  // namespace

bool change_selects(const Change& change, const WatchSpec& spec) noexcept {
    // The watched key (or one above it) was deleted: always reported.
    if ((change.kind & kSubtreeDeleted) &&
        (change.path == spec.path || is_under(spec.path, change.path)))
        return true;
    if (!(change.kind & spec.filter & kFilterBits)) return false;
    if (change.path == spec.path) return true;
    return spec.subtree && is_under(change.path, spec.path);
}

uint64_t add_key_watch(WatchSpec spec, std::shared_ptr<sync::SyncObject> event, const char* function) {
    return watcher().add(std::move(spec), std::move(event), function);
}

void cancel_key_watch(uint64_t id, bool signal) noexcept { watcher().cancel(id, signal); }

}  // namespace w32::registry
