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
        // A fork must not copy the map mid-update: hold its lock across it.
        pthread_atfork([] { instance().mutex_.lock(); }, [] { instance().mutex_.unlock(); },
                       [] { instance().after_fork_child(); });
        return r;
    }();
    return *refs;
}

void ObjectRefs::set_lock(short type, uint32_t object) {
    struct flock fl {};
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = object;
    fl.l_len = 1;
    while (fcntl(Arena::instance().object_lock_fd(), F_OFD_SETLK, &fl) != 0) {
        if (errno != EINTR) throw_errno(errno, "ObjectReference");
    }
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

void ObjectRefs::after_fork_child() {
    // Single-threaded here; the prepare handler left mutex_ locked.
    mutex_.unlock();
    Arena::instance().reopen_after_fork();
    for (auto& [object, count] : counts_) set_lock(F_RDLCK, object);
}

}  // namespace w32::arena
