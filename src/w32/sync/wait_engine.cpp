#include "w32/sync/wait_engine.h"

#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <algorithm>
#include <climits>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/object_refs.h"
#include "w32/sync/object_rules.h"

namespace w32::sync {

using namespace arena;

namespace {

constexpr uint32_t kFutexOwnerDied = 0x40000000u;
constexpr uint32_t kFutexWaiters = 0x80000000u;
constexpr uint32_t kFutexTidMask = 0x3fffffffu;
// A sleeper re-examines a wait on a mutex at least this often, in case the
// mutex changed owner while it slept and the new owner died.
constexpr int64_t kOwnerRecheckNs = 1'000'000'000;
constexpr int64_t kMaxSpinNs = 8'000;
constexpr int64_t kMinSpinNs = 250;
constexpr int64_t kProbeSpinNs = 2'000;
// initial-exec: these are read on every wait, and the default model for a
// dlopen()ed library goes through __tls_get_addr.
#define W32_FAST_TLS __attribute__((tls_model("initial-exec")))
thread_local int64_t t_spin_ns W32_FAST_TLS = kProbeSpinNs;
thread_local uint32_t t_spin_probe W32_FAST_TLS = 0;
thread_local uint32_t t_index W32_FAST_TLS = kNil;  // this thread's record

// Thread records are released when their thread ends (thread_local
// destructor) or by the process that finds them dead.
struct ThreadSlot {
    bool armed = false;
    ~ThreadSlot();
};
thread_local ThreadSlot t_slot;  // touched once per thread, for its destructor

void abandon_mutexes_of(ArenaTx& tx, uint32_t thread) {
    Layout& l = tx.layout();
    for (uint32_t i = 0; i < l.header.object_high_water; ++i) {
        ObjectSlot& o = l.objects[i];
        if (Kind(o.kind) == Kind::Mutex && o.a == int64_t(thread) + 1) {
            tx.set(o.a, int64_t{0});
            tx.set(o.b, int64_t{0});
            tx.set(o.c, int64_t{1});
            satisfy_waiters(tx, i);
        }
    }
}

void dequeue_all(ArenaTx& tx, uint32_t thread) {
    // A wait over n objects uses entries 0..n-1 only.
    uint32_t n = std::min(tx.layout().threads[thread].wait_count, kMaxWaitObjects);
    for (uint32_t k = 0; k < n; ++k) dequeue_entry(tx, thread * kMaxWaitObjects + k);
}

void release_record(ArenaTx& tx, uint32_t thread) {
    Layout& l = tx.layout();
    ThreadRecord& r = l.threads[thread];
    dequeue_all(tx, thread);
    tx.set(r.result, kResultIdle);
    tx.set(r.in_use, 0u);
    tx.set(l.header.threads_in_use, l.header.threads_in_use - 1);
    abandon_mutexes_of(tx, thread);
}

ThreadSlot::~ThreadSlot() {
    uint32_t index = t_index;
    if (index == kNil) return;
    try {
        ArenaTx tx;
        release_record(tx, index);
        tx.commit();
        pthread_mutex_unlock(&tx.layout().threads[index].liveness);
    } catch (...) {
        // At exit the kernel's robust-futex cleanup marks us dead instead.
    }
    t_index = kNil;
}

// glibc keeps a robust mutex's futex word (owner TID | WAITERS | OWNER_DIED)
// at offset 0. We watch it so the kernel wakes us when a mutex owner dies;
// if this build's layout differs, we fall back to periodic re-checks.
bool liveness_word_usable() {
    static const bool usable = [] {
        pthread_mutex_t m;
        pthread_mutexattr_t attr;
        pthread_mutexattr_init(&attr);
        pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
        pthread_mutex_init(&m, &attr);
        pthread_mutex_lock(&m);
        uint32_t word = *reinterpret_cast<uint32_t*>(&m);
        bool ok = (word & kFutexTidMask) == uint32_t(gettid());
        pthread_mutex_unlock(&m);
        pthread_mutex_destroy(&m);
        pthread_mutexattr_destroy(&attr);
        return ok;
    }();
    return usable;
}

struct FutexWaitv {
    uint64_t val;
    uint64_t uaddr;
    uint32_t flags;
    uint32_t reserved;
};
constexpr uint32_t kFutex2SizeU32 = 0x02;

struct SleepPlan {
    int64_t deadline = -1;  // CLOCK_MONOTONIC ns; -1 = none
    FutexWaitv watches[kMaxWaitObjects + 1];
    uint32_t watch_count = 0;
};

// Decides, under the lock, how long to sleep and which mutex owners to
// watch: the kernel wakes a watcher when that owner thread dies.
void plan_sleep(ArenaTx& tx, uint32_t self, const uint32_t* objects, uint32_t count,
                int64_t wait_deadline, SleepPlan& plan) {
    Layout& l = tx.layout();
    plan.deadline = wait_deadline;
    plan.watch_count = 0;
    int64_t now = now_ns(CLOCK_MONOTONIC);
    auto earlier = [&](int64_t t) {
        if (t >= 0 && (plan.deadline < 0 || t < plan.deadline)) plan.deadline = t;
    };
    for (uint32_t i = 0; i < count; ++i) {
        const ObjectSlot& o = l.objects[objects[i]];
        if (Kind(o.kind) == Kind::Timer) earlier(timer_due_monotonic(o));
        if (Kind(o.kind) != Kind::Mutex || o.a == 0 || o.a == int64_t(self) + 1) continue;
        earlier(now + kOwnerRecheckNs);
        if (!liveness_word_usable()) continue;
        ThreadRecord& owner = l.threads[o.a - 1];
        auto* word = reinterpret_cast<uint32_t*>(&owner.liveness);
        std::atomic_ref<uint32_t> w(*word);
        uint32_t v = w.load();
        // Ask the kernel to wake the mutex's waiters on owner death.
        while ((v & kFutexTidMask) == uint32_t(owner.tid) && !(v & kFutexOwnerDied) &&
               !(v & kFutexWaiters)) {
            if (w.compare_exchange_weak(v, v | kFutexWaiters)) v |= kFutexWaiters;
        }
        if ((v & kFutexTidMask) != uint32_t(owner.tid) || (v & kFutexOwnerDied)) continue;
        plan.watches[1 + plan.watch_count++] = {v, reinterpret_cast<uint64_t>(word), kFutex2SizeU32, 0};
    }
}

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// Sleeps until our wake word is done, a watched word changes, the deadline
// passes or a signal arrives.
void sleep_on(ThreadRecord& me, SleepPlan& plan) {
    std::atomic_ref<uint32_t> wake(me.wake);
    // A short spin catches a peer that answers within microseconds (ping-pong
    // on two CPUs) without a sleep and wake. When the peer shares our CPU
    // the spin only delays it, so the spin adapts: it grows while spinning
    // pays off and shrinks while it does not. Bounded by time, not count,
    // because a pause lasts from 10 to 150 cycles depending on the CPU.
    // Once spinning stopped paying, one wait in 64 probes with a full spin
    // to notice when it would pay again.
    int64_t spin_ns = t_spin_ns;
    if (spin_ns == 0 && (++t_spin_probe % 64) == 0) spin_ns = kProbeSpinNs;
    if (spin_ns > 0) {
        int64_t start = now_ns(CLOCK_MONOTONIC);
        for (int i = 1;; ++i) {
            uint32_t w = wake.load(std::memory_order_acquire);
            if (w == kWakeDone) {
                t_spin_ns = std::min(kMaxSpinNs, spin_ns * 2);
                return;
            }
            if (w == kWakePoked) return;
            cpu_relax();
            if (i % 32 == 0 && now_ns(CLOCK_MONOTONIC) - start >= spin_ns) break;
        }
        t_spin_ns = spin_ns < kMinSpinNs ? 0 : spin_ns / 2;
    }
    uint32_t expected = kWakeArmed;
    if (!wake.compare_exchange_strong(expected, kWakeSleeping)) return;  // done or poked meanwhile
    int64_t until = now_ns(CLOCK_MONOTONIC) + kMaxSleepSliceNs;
    if (plan.deadline >= 0 && plan.deadline < until) until = plan.deadline;
    timespec ts{time_t(until / 1'000'000'000), long(until % 1'000'000'000)};
    if (plan.watch_count == 0) {
        syscall(SYS_futex, &me.wake, FUTEX_WAIT_BITSET, kWakeSleeping, &ts, nullptr,
                     FUTEX_BITSET_MATCH_ANY);
    } else {
        plan.watches[0] = {kWakeSleeping, reinterpret_cast<uint64_t>(&me.wake), kFutex2SizeU32, 0};
        syscall(SYS_futex_waitv, plan.watches, plan.watch_count + 1, 0, &ts, CLOCK_MONOTONIC);
    }
}

// Reaps the dead owners of mutexes and fires due timers among `objects`.
void prepare_objects(ArenaTx& tx, uint32_t self, const uint32_t* objects, uint32_t count) {
    Layout& l = tx.layout();
    for (uint32_t i = 0; i < count; ++i) {
        ObjectSlot& o = l.objects[objects[i]];
        if (Kind(o.kind) == Kind::Timer) {
            if (refresh_timer(tx, o)) satisfy_waiters(tx, objects[i]);
        } else if (Kind(o.kind) == Kind::Mutex && o.a != 0 && o.a != int64_t(self) + 1) {
            uint32_t owner = uint32_t(o.a - 1);
            if (!thread_alive(tx, owner)) reap_thread(tx, owner);
        }
    }
}

// Acquires at once if the wait is satisfiable; returns the WAIT_* result or -1.
int32_t try_acquire(ArenaTx& tx, uint32_t self, const uint32_t* objects, uint32_t count, bool all) {
    Layout& l = tx.layout();
    if (!all) {
        for (uint32_t i = 0; i < count; ++i) {
            ObjectSlot& o = l.objects[objects[i]];
            if (can_acquire(o, self))
                return int32_t((acquire(tx, o, self) ? kWaitAbandoned0 : kWaitObject0) + i);
        }
        return -1;
    }
    for (uint32_t i = 0; i < count; ++i)
        if (!can_acquire(l.objects[objects[i]], self)) return -1;
    int32_t result = kWaitObject0;
    for (uint32_t i = 0; i < count; ++i)
        if (acquire(tx, l.objects[objects[i]], self) && result == int32_t(kWaitObject0))
            result = int32_t(kWaitAbandoned0 + i);
    return result;
}

// Completes `thread`'s wait with `result`: off every queue, woken at commit.
void finish_wait(ArenaTx& tx, uint32_t thread, int32_t result) {
    dequeue_all(tx, thread);
    tx.set(tx.layout().threads[thread].result, result);
    tx.wake_after_commit(thread);
}

// Takes a result that a signaller stored (called by the waiter).
uint32_t take_result(ThreadRecord& me) {
    int32_t r = std::atomic_ref<int32_t>(me.result).load(std::memory_order_acquire);
    std::atomic_ref<int32_t>(me.result).store(kResultIdle, std::memory_order_release);
    return uint32_t(r);
}

}  // namespace

namespace {

// Claims a free thread record for the calling thread, or returns kNil.
uint32_t claim_free_record(ArenaTx& tx) {
    Layout& l = tx.layout();
    for (uint32_t i = 0; i < kMaxThreads; ++i) {
        ThreadRecord& r = l.threads[i];
        if (r.in_use) continue;
        // Locked before the record is marked in use, so that nobody sees an
        // in-use record with a free liveness lock (which means "dead").
        int rc = pthread_mutex_trylock(&r.liveness);
        if (rc == EOWNERDEAD)
            pthread_mutex_consistent(&r.liveness);
        else if (rc != 0)
            continue;
        tx.set(r.in_use, 1u);
        tx.set(r.generation, r.generation + 1);
        tx.set(r.pid, int32_t(getpid()));
        tx.set(r.tid, int32_t(gettid()));
        tx.set(r.wake, 0u);
        tx.set(r.result, kResultIdle);
        tx.set(r.wait_count, 0u);
        tx.set(r.wait_all, 0u);
        tx.set(l.header.threads_in_use, l.header.threads_in_use + 1);
        return i;
    }
    return kNil;
}

}  // namespace

uint32_t current_thread_index() {
    if (t_index != kNil) return t_index;
    // The forking thread's record belongs to the parent; the child's copy
    // of that thread gets a record of its own on first use.
    static const bool fork_handler = [] {
        return pthread_atfork(nullptr, nullptr, [] { t_index = kNil; }) == 0;
    }();
    (void)fork_handler;
    ArenaTx tx;
    uint32_t index = claim_free_record(tx);
    if (index == kNil) {
        // Records of threads killed outside any wait are found dead only
        // when met: when none is free, look for them all.
        for (uint32_t i = 0; i < kMaxThreads; ++i)
            if (tx.layout().threads[i].in_use && !thread_alive(tx, i)) reap_thread(tx, i);
        index = claim_free_record(tx);
    }
    if (index == kNil) throw_win32(err::kNoSystemResources, "CreateThreadRecord");
    t_index = index;
    t_slot.armed = true;  // constructs it: its destructor releases the record
    return index;
}

bool thread_alive(ArenaTx& tx, uint32_t thread) {
    if (thread == t_index) return true;
    ThreadRecord& r = tx.layout().threads[thread];
    if (!r.in_use) return false;
    int rc = pthread_mutex_trylock(&r.liveness);
    if (rc == EBUSY) return true;
    if (rc == EOWNERDEAD) {
        pthread_mutex_consistent(&r.liveness);
        pthread_mutex_unlock(&r.liveness);
        return false;
    }
    if (rc == 0) {  // in use but unlocked: its owner died before locking it
        pthread_mutex_unlock(&r.liveness);
        return false;
    }
    return true;
}

void reap_thread(ArenaTx& tx, uint32_t thread) {
    if (!tx.layout().threads[thread].in_use) return;
    release_record(tx, thread);
}

void poke_waiters(ArenaTx& tx, uint32_t object) {
    Layout& l = tx.layout();
    for (uint32_t id = l.objects[object].queue_head; id != kNil; id = entry_of(l, id).next)
        tx.poke_after_commit(id / kMaxWaitObjects);
}

void satisfy_waiters(ArenaTx& tx, uint32_t object) {
    Layout& l = tx.layout();
    ObjectSlot& o = l.objects[object];
    uint32_t id = o.queue_head;
    while (id != kNil) {
        uint32_t thread = id / kMaxWaitObjects;
        ThreadRecord& r = l.threads[thread];
        uint32_t next = entry_of(l, id).next;
        if (!can_acquire(o, thread)) {
            // Only a mutex is acquirable by one thread and not another, and a
            // thread never waits on a mutex it owns: nobody else can take it.
            return;
        }
        if (!thread_alive(tx, thread)) {
            reap_thread(tx, thread);  // the queue changed: start over
            id = o.queue_head;
            continue;
        }
        uint32_t slot = id % kMaxWaitObjects;
        int32_t result = -1;
        if (!r.wait_all) {
            result = int32_t((acquire(tx, o, thread) ? kWaitAbandoned0 : kWaitObject0) + slot);
        } else {
            uint32_t objs[kMaxWaitObjects];
            for (uint32_t k = 0; k < r.wait_count; ++k) objs[k] = r.entries[k].object;
            result = try_acquire(tx, thread, objs, r.wait_count, true);
        }
        if (result >= 0) {
            finish_wait(tx, thread, result);
            id = o.queue_head;  // entries of that thread left the queue
            // The next waiter in line watches the owner so that it notices
            // the owner's death at once; the owner changed, so it re-plans.
            if (Kind(o.kind) == Kind::Mutex && o.a != 0 && id != kNil) tx.poke_after_commit(id / kMaxWaitObjects);
        } else {
            id = next;
        }
    }
}

uint32_t wait_for_objects(const uint32_t* objects, uint32_t count, bool wait_all,
                          uint32_t timeout_ms, const InterruptCheck& interrupted,
                          const std::function<void(ArenaTx&)>& before_wait) {
    if (count == 0 || count > kMaxWaitObjects) throw_win32(err::kInvalidParameter, "WaitForMultipleObjects");
    if (wait_all) {
        for (uint32_t i = 0; i < count; ++i)
            for (uint32_t j = i + 1; j < count; ++j)
                if (objects[i] == objects[j]) throw_win32(err::kInvalidParameter, "WaitForMultipleObjects");
    }
    uint32_t self = current_thread_index();
    int64_t wait_deadline = (timeout_ms == kInfinite || timeout_ms == 0)
                                ? -1
                                : now_ns(CLOCK_MONOTONIC) + int64_t(timeout_ms) * 1'000'000;
    Layout& layout = Arena::instance().layout();
    ThreadRecord& me = layout.threads[self];
    SleepPlan plan;
    {
        ArenaTx tx;
        if (before_wait) before_wait(tx);
        prepare_objects(tx, self, objects, count);
        int32_t now = try_acquire(tx, self, objects, count, wait_all);
        if (now >= 0) return uint32_t(now);
        if (timeout_ms == 0) return kWaitTimeout;
        tx.set(me.wake, kWakeArmed);
        tx.set(me.result, kResultPending);
        tx.set(me.wait_count, count);
        tx.set(me.wait_all, wait_all ? 1u : 0u);
        for (uint32_t i = 0; i < count; ++i) enqueue_entry(tx, objects[i], self * kMaxWaitObjects + i);
        plan_sleep(tx, self, objects, count, wait_deadline, plan);
    }
    for (;;) {
        sleep_on(me, plan);
        if (std::atomic_ref<uint32_t>(me.wake).load(std::memory_order_acquire) == kWakeDone)
            return take_result(me);
        // Not only after EINTR: a signal that landed while we spun or took
        // the lock interrupted nothing, and is found here within one slice.
        bool give_up = interrupted && interrupted();
        ArenaTx tx;
        if (me.result < 0) {
            // Not satisfied yet: fire due timers, reap dead mutex owners
            // (either may satisfy us right here).
            tx.set(me.wake, kWakeArmed);
            prepare_objects(tx, self, objects, count);
        }
        if (me.result >= 0) {
            int32_t r = me.result;
            tx.set(me.result, kResultIdle);
            return uint32_t(r);
        }
        if (give_up || (wait_deadline >= 0 && now_ns(CLOCK_MONOTONIC) >= wait_deadline)) {
            dequeue_all(tx, self);
            tx.set(me.result, kResultIdle);
            if (give_up) {
                tx.commit();  // leaving the queues stands; only errors roll back
                throw WaitInterrupted{};
            }
            return kWaitTimeout;
        }
        plan_sleep(tx, self, objects, count, wait_deadline, plan);
    }
}

}  // namespace w32::sync
