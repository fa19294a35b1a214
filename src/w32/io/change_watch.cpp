#include "w32/io/change_watch.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/epoll_thread.h"
#include "w32/io/fd_wait.h"
#include "w32/kernel/arena.h"
#include "w32/paths/drive_table.h"

namespace w32::io {

namespace {

uint32_t inotify_mask(uint32_t filter) {
    uint32_t m = 0;
    if (filter & (kNotifyFileName | kNotifyDirName | kNotifyCreation))
        m |= IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO;
    if (filter & (kNotifyAttributes | kNotifySecurity | kNotifyLastWrite)) m |= IN_ATTRIB;
    if (filter & (kNotifySize | kNotifyLastWrite)) m |= IN_MODIFY;
    if (filter & kNotifyLastAccess) m |= IN_ACCESS;
    return m;
}

bool name_change_wanted(uint32_t filter, bool is_dir) {
    return filter & (is_dir ? kNotifyDirName : kNotifyFileName);
}

void append_utf16(std::vector<std::byte>& out, std::string_view utf8) {
    size_t i = 0;
    auto put = [&](uint16_t u) {
        out.push_back(static_cast<std::byte>(u & 0xFF));
        out.push_back(static_cast<std::byte>(u >> 8));
    };
    while (i < utf8.size()) {
        unsigned char c = static_cast<unsigned char>(utf8[i]);
        uint32_t cp;
        int len;
        if (c < 0x80) cp = c, len = 1;
        else if ((c >> 5) == 6) cp = c & 0x1F, len = 2;
        else if ((c >> 4) == 14) cp = c & 0x0F, len = 3;
        else if ((c >> 3) == 30) cp = c & 0x07, len = 4;
        else cp = 0xFFFD, len = 1;
        if (i + len > utf8.size()) {
            cp = 0xFFFD;
            len = 1;
        }
        for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        i += len;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            put(static_cast<uint16_t>(0xD800 + (cp >> 10)));
            put(static_cast<uint16_t>(0xDC00 + (cp & 0x3FF)));
        } else {
            put(static_cast<uint16_t>(cp));
        }
    }
}

std::string utf8_from_utf16(const std::byte* p, size_t units) {
    std::string out;
    for (size_t i = 0; i < units; ++i) {
        uint32_t u = static_cast<uint32_t>(p[2 * i]) | (static_cast<uint32_t>(p[2 * i + 1]) << 8);
        if (u >= 0xD800 && u < 0xDC00 && i + 1 < units) {
            uint32_t lo = static_cast<uint32_t>(p[2 * i + 2]) | (static_cast<uint32_t>(p[2 * i + 3]) << 8);
            if (lo >= 0xDC00 && lo < 0xE000) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                ++i;
            }
        }
        if (u < 0x80) out += static_cast<char>(u);
        else if (u < 0x800) out += static_cast<char>(0xC0 | (u >> 6)), out += static_cast<char>(0x80 | (u & 0x3F));
        else if (u < 0x10000)
            out += static_cast<char>(0xE0 | (u >> 12)), out += static_cast<char>(0x80 | ((u >> 6) & 0x3F)),
                out += static_cast<char>(0x80 | (u & 0x3F));
        else
            out += static_cast<char>(0xF0 | (u >> 18)), out += static_cast<char>(0x80 | ((u >> 12) & 0x3F)),
                out += static_cast<char>(0x80 | ((u >> 6) & 0x3F)), out += static_cast<char>(0x80 | (u & 0x3F));
    }
    return out;
}

size_t encoded_size(const ChangeRecord& r) {
    size_t utf16 = 0;
    std::vector<std::byte> tmp;
    append_utf16(tmp, r.name);
    utf16 = tmp.size();
    return (12 + utf16 + 3) & ~size_t{3};
}

}  // namespace

DirectoryWatch::DirectoryWatch(std::string root, bool subtree, uint32_t filter, const char* function)
    : root_(std::move(root)), subtree_(subtree), filter_(filter), mask_(inotify_mask(filter)) {
    if (!(filter & kNotifyAll) || (filter & ~kNotifyAll)) throw_win32(err::kInvalidParameter, function);
    struct stat st;
    if (::stat(root_.c_str(), &st) != 0) {
        if (errno == ENOENT) throw_win32(err::kFileNotFound, function);
        throw_errno(errno, function);
    }
    if (!S_ISDIR(st.st_mode)) throw_win32(err::kDirectory, function);
    inotify_.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!inotify_) throw_errno(errno, function);
    if (subtree_) add_tree("");
    else add_watch("");
    if (dirs_.empty()) throw_errno(EACCES, function);
}

void DirectoryWatch::add_watch(const std::string& relative) {
    std::string path = relative.empty() ? root_ : root_ + "/" + relative;
    // Subtree watches also follow directories that appear.
    uint32_t mask = mask_ | (subtree_ ? IN_CREATE | IN_MOVED_TO : 0) | IN_ONLYDIR;
    int wd = ::inotify_add_watch(inotify_.get(), path.c_str(), mask);
    if (wd >= 0) dirs_[wd] = relative;
}

void DirectoryWatch::add_tree(const std::string& relative) {
    add_watch(relative);
    std::string path = relative.empty() ? root_ : root_ + "/" + relative;
    DIR* d = ::opendir(path.c_str());
    if (!d) return;
    while (dirent* e = ::readdir(d)) {
        if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
        std::string child = relative.empty() ? e->d_name : relative + "/" + e->d_name;
        bool is_dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st;
            is_dir = ::lstat((root_ + "/" + child).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
        }
        if (is_dir) add_tree(child);
    }
    ::closedir(d);
}

size_t DirectoryWatch::pump() {
    std::lock_guard lock(mutex_);
    alignas(inotify_event) char buf[16384];
    size_t before = records_.size();
    auto push = [&](uint32_t action, std::string name) {
        // Bursts of writes to one file are one change to a reader.
        if (!records_.empty() && records_.back().action == action && records_.back().name == name &&
            action == kActionModified)
            return;
        records_.push_back({action, std::move(name)});
    };
    for (;;) {
        ssize_t n = ::read(inotify_.get(), buf, sizeof buf);
        if (n <= 0) break;
        const inotify_event* pending_from = nullptr;
        std::string pending_name;
        for (char* p = buf; p < buf + n;) {
            auto* ev = reinterpret_cast<inotify_event*>(p);
            p += sizeof(inotify_event) + ev->len;
            if (ev->mask & IN_IGNORED) {
                dirs_.erase(ev->wd);
                continue;
            }
            auto dir = dirs_.find(ev->wd);
            if (dir == dirs_.end() || ev->len == 0) continue;
            std::string name = dir->second.empty() ? std::string(ev->name) : dir->second + "/" + ev->name;
            bool is_dir = ev->mask & IN_ISDIR;
            if (subtree_ && is_dir && (ev->mask & (IN_CREATE | IN_MOVED_TO))) add_tree(name);
            if (pending_from && !((ev->mask & IN_MOVED_TO) && ev->cookie == pending_from->cookie)) {
                // Moved out of the tree: gone, as far as the watcher can tell.
                push(kActionRemoved, pending_name);
                pending_from = nullptr;
            }
            bool names = name_change_wanted(filter_, is_dir);
            if (ev->mask & IN_CREATE) {
                if (names || (filter_ & kNotifyCreation)) push(kActionAdded, name);
            } else if (ev->mask & IN_DELETE) {
                if (names) push(kActionRemoved, name);
            } else if (ev->mask & IN_MOVED_FROM) {
                if (names) {
                    pending_from = ev;
                    pending_name = name;
                }
            } else if (ev->mask & IN_MOVED_TO) {
                if (names) {
                    if (pending_from) {
                        push(kActionRenamedOld, pending_name);
                        push(kActionRenamedNew, name);
                        pending_from = nullptr;
                    } else {
                        push(kActionAdded, name);
                    }
                }
            } else if (ev->mask & (IN_MODIFY | IN_ATTRIB | IN_ACCESS)) {
                push(kActionModified, name);
            }
        }
        if (pending_from) push(kActionRemoved, pending_name);
    }
    return records_.size() - before;
}

bool DirectoryWatch::has_records() {
    std::lock_guard lock(mutex_);
    return !records_.empty();
}

std::vector<std::byte> DirectoryWatch::take_encoded(size_t capacity) {
    std::lock_guard lock(mutex_);
    std::vector<std::byte> out;
    size_t last_entry = 0;
    while (!records_.empty()) {
        const ChangeRecord& r = records_.front();
        size_t size = encoded_size(r);
        if (out.size() + size > capacity) break;
        size_t start = out.size();
        out.resize(start + 12);
        append_utf16(out, r.name);
        uint32_t name_bytes = static_cast<uint32_t>(out.size() - start - 12);
        out.resize(start + size);
        auto put32 = [&](size_t at, uint32_t v) { std::memcpy(out.data() + at, &v, 4); };
        put32(start + 4, r.action);
        put32(start + 8, name_bytes);
        if (start != 0) put32(last_entry, static_cast<uint32_t>(start - last_entry));
        last_entry = start;
        records_.pop_front();
    }
    // Not even one record fits: Windows drops what it had and tells the
    // caller to look at the directory itself (ERROR_NOTIFY_ENUM_DIR).
    if (out.empty()) records_.clear();
    return out;
}

std::vector<ChangeRecord> DirectoryWatch::take(size_t max_records) {
    std::lock_guard lock(mutex_);
    std::vector<ChangeRecord> out;
    while (!records_.empty() && out.size() < max_records) {
        out.push_back(std::move(records_.front()));
        records_.pop_front();
    }
    return out;
}

void DirectoryWatch::clear() {
    std::lock_guard lock(mutex_);
    records_.clear();
}

bool wait_for_changes(DirectoryWatch& watch, uint32_t timeout_ms, const sync::InterruptCheck& interrupted) {
    watch.pump();
    while (!watch.has_records()) {
        if (!wait_fd(watch.fd(), POLLIN, timeout_ms, interrupted, "ReadDirectoryChangesW")) return false;
        watch.pump();
    }
    return true;
}

std::vector<ChangeRecord> decode_notify_information(std::span<const std::byte> buf) {
    std::vector<ChangeRecord> out;
    size_t at = 0;
    while (at + 12 <= buf.size()) {
        uint32_t next, action, len;
        std::memcpy(&next, buf.data() + at, 4);
        std::memcpy(&action, buf.data() + at + 4, 4);
        std::memcpy(&len, buf.data() + at + 8, 4);
        if (len > buf.size() - at - 12) throw_win32(err::kInvalidParameter, "FILE_NOTIFY_INFORMATION");
        out.push_back({action, utf8_from_utf16(buf.data() + at + 12, len / 2)});
        if (next == 0) break;
        at += next;
    }
    return out;
}

// FindFirstChangeNotification's handles: a private arena event that the
// watcher thread (epoll over every handle's inotify) sets.
namespace {

class ChangeNotification : public sync::WaitableObject {
public:
    ChangeNotification(std::string root, bool subtree, uint32_t filter)
        : watch(std::move(root), subtree, filter, "FindFirstChangeNotification"),
          event(sync::create_private_event()) {}
    ~ChangeNotification() override;
    ObjectType type() const noexcept override { return ObjectType::ChangeNotification; }
    uint32_t wait_index() override { return event->index(); }

    // Under `mutex`: what inotify has is looked at and the event set (or
    // left clear) in one step, so a change is never missed between them.
    void look(bool rearm) {
        std::lock_guard lock(mutex);
        watch.pump();
        if (watch.has_records()) {
            watch.clear();
            sync::set_event_object(*event);
        } else if (rearm) {
            arena::ArenaTx tx;
            tx.set(tx.layout().objects[event->index()].a, int64_t{0});
        }
    }

    std::mutex mutex;
    DirectoryWatch watch;
    std::shared_ptr<sync::SyncObject> event;
};

EpollThread& watcher() {
    static EpollThread& thread = EpollThread::create("FindFirstChangeNotification");
    return thread;
}

ChangeNotification::~ChangeNotification() { watcher().remove(watch.fd()); }

}  // namespace

Handle find_first_change_notification(std::string_view path, bool subtree, uint32_t filter) {
    std::string root = paths::to_posix(path, "FindFirstChangeNotification");
    auto n = std::make_shared<ChangeNotification>(std::move(root), subtree, filter);
    std::weak_ptr<ChangeNotification> weak = n;
    watcher().add(n->watch.fd(), EPOLLIN, [weak](uint32_t) {
        if (auto target = weak.lock()) target->look(false);
    });
    return HandleTable::instance().insert(n, sync::kSynchronize, false);
}

void find_next_change_notification(Handle h) {
    auto n = HandleTable::instance().get<ChangeNotification>(h, ObjectType::ChangeNotification,
                                                            "FindNextChangeNotification");
    n->look(true);
}

}  // namespace w32::io
