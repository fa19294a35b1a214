#include "w32/kernel/arena.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <exception>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/robust_mutex.h"
#include "w32/kernel/session_root.h"
#include "w32/kernel/stable_hash.h"

namespace w32::arena {

namespace {

// Called with the arena lock held and EOWNERDEAD: the previous holder died
// mid-operation. Undo its uncommitted stores, newest first, then deliver any
// wake it committed but may not have sent.
void recover(Layout& l) noexcept {
    Header& h = l.header;
    char* base = reinterpret_cast<char*>(&l);
    uint32_t n = std::atomic_ref<uint32_t>(h.undo_count).load(std::memory_order_acquire);
    if (n > kUndoCapacity) n = kUndoCapacity;
    for (uint32_t i = n; i-- > 0;) {
        const UndoEntry& e = h.undo[i];
        if (e.offset + e.size > sizeof(Layout) || e.size == 0 || e.size > 8) continue;
        std::memcpy(base + e.offset, &e.old_value, e.size);
    }
    std::atomic_ref<uint32_t>(h.undo_count).store(0, std::memory_order_release);
    ++h.recoveries;
    for (uint32_t t = 0; t < kMaxThreads; ++t) {
        ThreadRecord& r = l.threads[t];
        if (r.in_use && r.result >= 0 && std::atomic_ref<uint32_t>(r.wake).load() != kWakeDone) {
            std::atomic_ref<uint32_t>(r.wake).store(kWakeDone, std::memory_order_release);
            futex_wake_all(&r.wake);
        }
    }
}

void lock_arena(Layout& l) {
    int rc = lock_robust_mutex(&l.header.lock);
    if (rc == EOWNERDEAD) {
        recover(l);
        pthread_mutex_consistent(&l.header.lock);
    } else if (rc != 0) {
        throw_win32(err::kInternalError, "ArenaLock");
    }
}

uint64_t name_hash(std::string_view name) noexcept { return fnv1a(name); }

}  // namespace

void futex_wake_all(uint32_t* word) noexcept {
    syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

// ---------------------------------------------------------------- Arena

Arena& Arena::instance() {
    // Never destroyed: handles may be closed by finalizers at interpreter exit.
    static Arena* arena = new Arena;
    return *arena;
}

Arena::Arena() { attach(); }

void Arena::attach() {
    const SessionPaths& paths = session_paths();
    ensure_private_dir(paths.runtime_dir);

    // Creation and initialisation are serialised by an flock, so a creator
    // that dies half-way leaves a segment the next process re-initialises.
    std::string init_lock = paths.runtime_dir + "/arena.lock";
    int lock_fd = open(init_lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock_fd < 0) throw_errno(errno, "CreateArena");
    while (flock(lock_fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            close(lock_fd);
            throw_errno(errno, "CreateArena");
        }
    }
    std::string shm_name = paths.shm_prefix + ".arena";
    int fd = shm_open(shm_name.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        close(lock_fd);
        throw_errno(e, "CreateArena");
    }
    struct stat st;
    fstat(fd, &st);
    if (st.st_uid != getuid() || (st.st_mode & 0077) != 0) {
        // Someone else's segment under our name: never trust it.
        close(fd);
        close(lock_fd);
        throw_win32(err::kAccessDenied, "CreateArena");
    }
    if (static_cast<size_t>(st.st_size) < sizeof(Layout) && ftruncate(fd, sizeof(Layout)) != 0) {
        int e = errno;
        close(fd);
        close(lock_fd);
        throw_errno(e, "CreateArena");
    }
    void* p = mmap(nullptr, sizeof(Layout), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        int e = errno;
        close(lock_fd);
        throw_errno(e, "CreateArena");
    }
    layout_ = static_cast<Layout*>(p);
    Header& h = layout_->header;
    // Every attached process holds a shared flock on arena.users for its
    // life (the kernel drops it when the process dies), so "is anyone using
    // this arena?" is one non-blocking exclusive attempt.
    std::string users_path = paths.runtime_dir + "/arena.users";
    users_fd_ = open(users_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (users_fd_ < 0) {
        int e = errno;
        close(lock_fd);
        throw_errno(e, "CreateArena");
    }
    bool other_layout = h.magic == kArenaMagic && h.ready && h.version != kArenaVersion;
    if (other_layout) {
        if (flock(users_fd_, LOCK_EX | LOCK_NB) != 0) {
            // Processes built with another layout are using this session:
            // joining would corrupt it, and so would re-initialising it.
            munmap(p, sizeof(Layout));
            layout_ = nullptr;
            close(users_fd_);
            users_fd_ = -1;
            flock(lock_fd, LOCK_UN);
            close(lock_fd);
            throw_win32(err::kRevisionMismatch, "CreateArena");
        }
        // Left over by an earlier version that nobody runs any more: drop its
        // pages (they read back as zeros, and stay unallocated until used).
        if (madvise(p, sizeof(Layout), MADV_REMOVE) != 0) std::memset(p, 0, sizeof(Layout));
    }
    flock(users_fd_, LOCK_SH);
    if (h.magic != kArenaMagic || !h.ready) {
        // A fresh (zero-filled) segment: zero is the right initial value for
        // everything except the mutexes and the list terminators.
        h.version = kArenaVersion;
        h.total_size = sizeof(Layout);
        init_robust_mutex(&h.lock);
        for (auto& b : h.name_buckets) b = kNil;
        for (auto& t : layout_->threads) {
            init_robust_mutex(&t.liveness);
            t.result = kResultIdle;
        }
        h.magic = kArenaMagic;
        std::atomic_ref<uint32_t>(h.ready).store(1, std::memory_order_release);
    }
    flock(lock_fd, LOCK_UN);
    close(lock_fd);

    object_lock_path_ = paths.runtime_dir + "/objects.lock";
    object_lock_fd_ = open_object_lock_file();
    std::atexit([] { instance().detach_at_exit(); });
    // A forked child shares our open file description, and with it our
    // flock: it needs a share of its own, or its exit would take ours.
    pthread_atfork(nullptr, nullptr, [] { instance().take_own_user_share(); });
}

void Arena::take_own_user_share() noexcept {
    if (users_fd_ < 0) return;
    std::string users_path = session_paths().runtime_dir + "/arena.users";
    int fd = open(users_path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return;
    flock(fd, LOCK_SH);
    close(users_fd_);  // the parent's descriptor keeps its own lock
    users_fd_ = fd;
}

// When the last process of a session exits, no handle to any of its objects
// is left, so on Windows every object would be gone: the segment goes too,
// instead of staying in /dev/shm until reboot. Processes that are killed
// leave it; the next one to attach reuses it.
void Arena::detach_at_exit() noexcept {
    if (users_fd_ < 0) return;
    const SessionPaths& paths = session_paths();
    std::string init_lock = paths.runtime_dir + "/arena.lock";
    int lock_fd = open(init_lock.c_str(), O_RDWR | O_CLOEXEC);
    if (lock_fd < 0) return;
    // Attachers hold arena.lock from opening the segment until they hold
    // their share of arena.users, so with both locks ours nobody is joining.
    if (flock(lock_fd, LOCK_EX) == 0) {
        if (flock(users_fd_, LOCK_EX | LOCK_NB) == 0) {
            shm_unlink((paths.shm_prefix + ".arena").c_str());
            flock(users_fd_, LOCK_SH);
        }
        flock(lock_fd, LOCK_UN);
    }
    close(lock_fd);
}

// OFD locks belong to the open file description, which a forked child
// shares with its parent: a child needs a description of its own.
int Arena::open_object_lock_file() const {
    int fd = open(object_lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) throw_errno(errno, "CreateArena");
    return fd;
}

void Arena::adopt_object_lock_fd(int fd) {
    if (object_lock_fd_ >= 0) close(object_lock_fd_);
    object_lock_fd_ = fd;
}

// ---------------------------------------------------------------- ArenaTx

ArenaTx::ArenaTx(Arena& arena) : arena_(arena), uncaught_at_start_(std::uncaught_exceptions()) {
    lock_arena(arena_.layout());
}

ArenaTx::~ArenaTx() {
    if (!committed_) {
        if (std::uncaught_exceptions() > uncaught_at_start_)
            rollback();
        else
            commit();
    }
    pthread_mutex_unlock(&layout().header.lock);
    // The wake words changed under the lock; the system calls for sleepers
    // come after it is released, so the woken thread does not run straight
    // into a held lock. A death between the two is covered by sleepers
    // re-reading their word at least every kMaxSleepSliceNs.
    for (uint32_t* word : sleepers_) futex_wake_all(word);
}

void ArenaTx::log_old_value(void* field, uint32_t size) {
    Header& h = layout().header;
    uint32_t n = h.undo_count;
    if (n >= kUndoCapacity) throw_win32(err::kNotEnoughMemory, "ArenaTx");
    UndoEntry& e = h.undo[n];
    e.offset = static_cast<uint64_t>(static_cast<char*>(field) - arena_.base());
    e.size = size;
    e.old_value = 0;
    std::memcpy(&e.old_value, field, size);
    // The entry is complete before the count covers it, and the count
    // before the field changes (the caller's store is a release store).
    std::atomic_ref<uint32_t>(h.undo_count).store(n + 1, std::memory_order_release);
}

void ArenaTx::rollback() noexcept {
    Header& h = layout().header;
    uint32_t n = h.undo_count;
    for (uint32_t i = n; i-- > 0;) {
        const UndoEntry& e = h.undo[i];
        std::memcpy(arena_.base() + e.offset, &e.old_value, e.size);
    }
    std::atomic_ref<uint32_t>(h.undo_count).store(0, std::memory_order_release);
    wakes_.clear();
    pokes_.clear();
    committed_ = true;
}

void ArenaTx::commit() {
    if (committed_) return;
    std::atomic_ref<uint32_t>(layout().header.undo_count).store(0, std::memory_order_release);
    committed_ = true;
    deliver_wakes();
}

void ArenaTx::deliver_wakes() noexcept {
    for (uint32_t thread : wakes_) {
        uint32_t* word = &layout().threads[thread].wake;
        // Only a thread that went to sleep needs the system call; one still
        // spinning sees the store.
        if (std::atomic_ref<uint32_t>(*word).exchange(kWakeDone, std::memory_order_acq_rel) == kWakeSleeping)
            sleepers_.push_back(word);
    }
    wakes_.clear();
    for (uint32_t thread : pokes_) {
        uint32_t* word = &layout().threads[thread].wake;
        std::atomic_ref<uint32_t> wake(*word);
        uint32_t old = wake.load(std::memory_order_acquire);
        // A completed wait stays completed.
        while ((old == kWakeArmed || old == kWakeSleeping) &&
               !wake.compare_exchange_weak(old, kWakePoked, std::memory_order_acq_rel)) {
        }
        if (old == kWakeSleeping) sleepers_.push_back(word);
    }
    pokes_.clear();
}

void ArenaTx::wake_after_commit(uint32_t thread) { wakes_.push_back(thread); }
void ArenaTx::poke_after_commit(uint32_t thread) { pokes_.push_back(thread); }

// ---------------------------------------------------------------- names

uint32_t find_name(ArenaTx& tx, std::string_view name) noexcept {
    Layout& l = tx.layout();
    uint32_t i = l.header.name_buckets[name_hash(name) % kNameBuckets];
    while (i != kNil) {
        if (l.names[i] == name) return i;
        i = l.objects[i].name_next;
    }
    return kNil;
}

void link_name(ArenaTx& tx, uint32_t object, std::string_view name) {
    Layout& l = tx.layout();
    if (name.size() >= kNameBytes) throw_win32(err::kFilenameExcedRange, "CreateObject");
    // The name bytes need no undo entries: they are only read while the
    // object is linked, and linking is logged.
    std::memcpy(l.names[object], name.data(), name.size());
    l.names[object][name.size()] = '\0';
    uint32_t& bucket = l.header.name_buckets[name_hash(name) % kNameBuckets];
    tx.set(l.objects[object].name_next, bucket);
    tx.set(l.objects[object].named, 1u);
    tx.set(bucket, object);
}

void unlink_name(ArenaTx& tx, uint32_t object) noexcept {
    Layout& l = tx.layout();
    ObjectSlot& o = l.objects[object];
    if (!o.named) return;
    uint32_t* link = &l.header.name_buckets[name_hash(l.names[object]) % kNameBuckets];
    while (*link != kNil && *link != object) link = &l.objects[*link].name_next;
    if (*link == object) tx.set(*link, o.name_next);
    tx.set(o.name_next, kNil);
    tx.set(o.named, 0u);
}

// ---------------------------------------------------------------- queues

void enqueue_entry(ArenaTx& tx, uint32_t object, uint32_t id) {
    Layout& l = tx.layout();
    ObjectSlot& o = l.objects[object];
    WaitEntry& e = entry_of(l, id);
    tx.set(e.object, object);
    tx.set(e.prev, o.queue_tail);
    tx.set(e.next, kNil);
    if (o.queue_tail == kNil)
        tx.set(o.queue_head, id);
    else
        tx.set(entry_of(l, o.queue_tail).next, id);
    tx.set(o.queue_tail, id);
    tx.set(e.queued, 1u);
}

void dequeue_entry(ArenaTx& tx, uint32_t id) noexcept {
    Layout& l = tx.layout();
    WaitEntry& e = entry_of(l, id);
    if (!e.queued) return;
    ObjectSlot& o = l.objects[e.object];
    if (e.prev == kNil)
        tx.set(o.queue_head, e.next);
    else
        tx.set(entry_of(l, e.prev).next, e.next);
    if (e.next == kNil)
        tx.set(o.queue_tail, e.prev);
    else
        tx.set(entry_of(l, e.next).prev, e.prev);
    tx.set(e.prev, kNil);
    tx.set(e.next, kNil);
    tx.set(e.queued, 0u);
}

// ---------------------------------------------------------------- objects

uint32_t allocate_object(ArenaTx& tx, Kind kind) {
    Layout& l = tx.layout();
    Header& h = l.header;
    uint32_t index = kNil;
    // First fit below the high-water mark, then extend it.
    if (h.objects_in_use < h.object_high_water) {
        for (uint32_t i = 0; i < h.object_high_water; ++i)
            if (l.objects[i].kind == uint32_t(Kind::Free)) {
                index = i;
                break;
            }
    }
    if (index == kNil) {
        if (h.object_high_water >= kMaxObjects) throw_win32(err::kNotEnoughMemory, "CreateObject");
        index = h.object_high_water;
        tx.set(h.object_high_water, index + 1);
    }
    ObjectSlot& o = l.objects[index];
    tx.set(o.kind, uint32_t(kind));
    tx.set(o.a, int64_t{0});
    tx.set(o.b, int64_t{0});
    tx.set(o.c, int64_t{0});
    tx.set(o.d, int64_t{0});
    tx.set(o.queue_head, kNil);
    tx.set(o.queue_tail, kNil);
    tx.set(o.name_next, kNil);
    tx.set(o.named, 0u);
    tx.set(o.grants, 0u);
    tx.set(h.objects_in_use, h.objects_in_use + 1);
    return index;
}

void free_object(ArenaTx& tx, uint32_t object) noexcept {
    Layout& l = tx.layout();
    ObjectSlot& o = l.objects[object];
    if (o.kind == uint32_t(Kind::Free)) return;
    unlink_name(tx, object);
    // Live waiters hold a reference, so any entry left belongs to a dead
    // thread; reaping that thread later finds it already dequeued.
    // Bounded: a free must end even if a queue were damaged.
    for (uint32_t n = 0; o.queue_head != kNil && n < kMaxThreads * kMaxWaitObjects; ++n) {
        uint32_t head = o.queue_head;
        dequeue_entry(tx, head);
        if (o.queue_head == head) tx.set(o.queue_head, entry_of(l, head).next);
    }
    tx.set(o.queue_head, kNil);
    tx.set(o.queue_tail, kNil);
    tx.set(o.kind, uint32_t(Kind::Free));
    tx.set(o.generation, o.generation + 1);
    tx.set(l.header.objects_in_use, l.header.objects_in_use - 1);
}

}  // namespace w32::arena
