#include "w32/kernel/object_refs.h"

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/handle_grants.h"

namespace w32::arena {

ObjectRefs& ObjectRefs::instance() {
    static ObjectRefs* refs = [] {
        auto* r = new ObjectRefs;
        pthread_atfork([] { instance().before_fork(); }, [] { instance().after_fork_parent(); },
                       [] { instance().after_fork_child(); });
        return r;
    }();
    return *refs;
}

void ObjectRefs::lock_on(int fd, short type, uint32_t object) {
    struct flock fl {};
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = object;
    fl.l_len = 1;
    while (fcntl(fd, F_OFD_SETLK, &fl) != 0) {
        if (errno != EINTR) throw_errno(errno, "ObjectReference");
    }
}

void ObjectRefs::set_lock(short type, uint32_t object) {
    lock_on(Arena::instance().object_lock_fd(), type, object);
}

bool ObjectRefs::try_write_lock(uint32_t object) {
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = object;
    fl.l_len = 1;
    while (fcntl(Arena::instance().object_lock_fd(), F_OFD_SETLK, &fl) != 0) {
        if (errno == EAGAIN || errno == EACCES) return false;
        if (errno != EINTR) throw_errno(errno, "ObjectReference");
    }
    return true;
}

void ObjectRefs::add(ArenaTx&, uint32_t object) {
    std::lock_guard lock(mutex_);
    uint32_t& n = counts_[object];
    if (n == 0) {
        try {
            set_lock(F_RDLCK, object);
        } catch (...) {
            counts_.erase(object);
            throw;
        }
    }
    ++n;
}

void ObjectRefs::release(uint32_t object) noexcept {
    try {
        ArenaTx tx;
        {
            std::lock_guard lock(mutex_);
            auto it = counts_.find(object);
            if (it == counts_.end()) return;
            if (--it->second > 0) return;
            counts_.erase(it);
        }
        set_lock(F_UNLCK, object);
        // Other processes take their read locks under the arena lock, which
        // we hold: the probe cannot race with a new opener.
        if (try_write_lock(object)) {
            if (tx.layout().objects[object].grants == 0) free_object(tx, object);
            set_lock(F_UNLCK, object);
        }
    } catch (...) {
        // Closing must not fail; a leaked object is collected by a sweep.
    }
}

bool ObjectRefs::collect_if_orphaned(ArenaTx& tx, uint32_t object) {
    {
        std::lock_guard lock(mutex_);
        // Our own read lock would not stop our own write lock: check first.
        if (counts_.count(object)) return false;
    }
    if (!try_write_lock(object)) return false;
    bool orphaned = tx.layout().objects[object].grants == 0;
    if (orphaned) free_object(tx, object);
    set_lock(F_UNLCK, object);
    return orphaned;
}

uint32_t ObjectRefs::sweep() {
    ArenaTx tx;
    Layout& l = tx.layout();
    drop_dead_grants(tx);
    for (uint32_t i = 0; i < l.header.object_high_water; ++i)
        if (l.objects[i].kind != uint32_t(Kind::Free)) collect_if_orphaned(tx, i);
    return l.header.objects_in_use;
}

// The child's read locks must exist before fork() returns in the parent: a
// parent that closes its handle right after forking would otherwise find
// nobody holding the object and free it under the child. So the parent
// takes them, on a new open file description that only the child keeps.
void ObjectRefs::before_fork() {
    mutex_.lock();  // the map must not change across the fork
    try {
        child_fd_ = Arena::instance().open_object_lock_file();
        for (auto& [object, count] : counts_) lock_on(child_fd_, F_RDLCK, object);
    } catch (...) {
        // Out of descriptors, say: the child re-takes its locks itself,
        // which leaves only the narrow race this was meant to close.
        if (child_fd_ >= 0) close(child_fd_);
        child_fd_ = -1;
    }
}

void ObjectRefs::after_fork_parent() {
    if (child_fd_ >= 0) close(child_fd_);  // the child's copy keeps the description and its locks
    child_fd_ = -1;
    mutex_.unlock();
}

void ObjectRefs::after_fork_child() {
    try {
        if (child_fd_ < 0) {
            child_fd_ = Arena::instance().open_object_lock_file();
            for (auto& [object, count] : counts_) lock_on(child_fd_, F_RDLCK, object);
        }
        Arena::instance().adopt_object_lock_fd(child_fd_);
    } catch (...) {
    }
    child_fd_ = -1;
    mutex_.unlock();
}

}  // namespace w32::arena
