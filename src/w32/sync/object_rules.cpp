#include "w32/sync/object_rules.h"

#include <time.h>

namespace w32::sync {

using arena::Kind;
using arena::ObjectSlot;

int64_t now_ns(int clock) noexcept {
    timespec ts;
    clock_gettime(clock, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool can_acquire(const ObjectSlot& o, uint32_t thread) noexcept {
    switch (Kind(o.kind)) {
        case Kind::Event:
        case Kind::Timer: return o.a != 0;
        case Kind::Mutex: return o.a == 0 || o.a == int64_t(thread) + 1;
        case Kind::Semaphore: return o.a > 0;
        default: return false;
    }
}

bool acquire(arena::ArenaTx& tx, ObjectSlot& o, uint32_t thread) {
    switch (Kind(o.kind)) {
        case Kind::Event:
            if (!o.b) tx.set(o.a, int64_t{0});
            return false;
        case Kind::Timer:
            if (!(o.b & kTimerManualReset)) tx.set(o.a, int64_t{0});
            return false;
        case Kind::Semaphore: tx.set(o.a, o.a - 1); return false;
        case Kind::Mutex: {
            if (o.a != 0) {  // recursive acquisition by the owner
                tx.set(o.b, o.b + 1);
                return false;
            }
            bool abandoned = o.c != 0;
            tx.set(o.a, int64_t(thread) + 1);
            tx.set(o.b, int64_t{1});
            tx.set(o.c, int64_t{0});
            return abandoned;
        }
        default: return false;
    }
}

int64_t timer_due_monotonic(const ObjectSlot& o) noexcept {
    if (Kind(o.kind) != Kind::Timer || o.c == 0) return -1;
    if (!(o.b & kTimerAbsolute)) return o.c;
    return now_ns(CLOCK_MONOTONIC) + (o.c - now_ns(CLOCK_REALTIME));
}

bool refresh_timer(arena::ArenaTx& tx, ObjectSlot& o) noexcept {
    if (Kind(o.kind) != Kind::Timer || o.c == 0) return false;
    int64_t now = now_ns((o.b & kTimerAbsolute) ? CLOCK_REALTIME : CLOCK_MONOTONIC);
    if (now < o.c) return false;
    tx.set(o.a, int64_t{1});
    if (o.d > 0) {
        // Periods missed while nobody looked are skipped, not replayed.
        int64_t missed = (now - o.c) / o.d + 1;
        tx.set(o.c, o.c + missed * o.d);
    } else {
        tx.set(o.c, int64_t{0});
    }
    return true;
}

}  // namespace w32::sync
