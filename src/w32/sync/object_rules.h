// What "signalled" and "acquire" mean for each kind of waitable arena
// object. Called with the arena lock held.
#pragma once

#include <cstdint>

#include "w32/kernel/arena.h"

namespace w32::sync {

// Timer fields (see ObjectSlot): b holds these flags.
inline constexpr int64_t kTimerManualReset = 1;
inline constexpr int64_t kTimerAbsolute = 2;  // due time is on CLOCK_REALTIME

// Whether `thread` could acquire the object now.
bool can_acquire(const arena::ObjectSlot& o, uint32_t thread) noexcept;

// Acquires it for `thread` (resets an auto-reset event, takes a semaphore
// count, owns a mutex). Returns true when that took over an abandoned mutex.
bool acquire(arena::ArenaTx& tx, arena::ObjectSlot& o, uint32_t thread);

// Signals a timer whose due time has passed (re-arming a periodic one).
// Returns true when the timer became signalled.
bool refresh_timer(arena::ArenaTx& tx, arena::ObjectSlot& o) noexcept;

// The timer's due time as CLOCK_MONOTONIC nanoseconds, or -1 when unarmed.
int64_t timer_due_monotonic(const arena::ObjectSlot& o) noexcept;

int64_t now_ns(int clock) noexcept;

}  // namespace w32::sync
