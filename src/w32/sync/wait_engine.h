// The wait engine: threads register on the objects they wait for and sleep
// on their own futex word; a signal hands the object straight to the first
// eligible waiter and wakes only that thread.
#pragma once

#include <cstdint>
#include <functional>

#include "w32/kernel/arena.h"

namespace w32::sync {

inline constexpr uint32_t kWaitObject0 = 0;
inline constexpr uint32_t kWaitAbandoned0 = 0x80;
inline constexpr uint32_t kWaitTimeout = 258;
inline constexpr uint32_t kInfinite = 0xffffffffu;

// Called when a sleep is interrupted by a signal; returning true abandons
// the wait (the caller has an exception to raise, e.g. KeyboardInterrupt).
using InterruptCheck = std::function<bool()>;

// Thrown when an InterruptCheck abandoned a wait.
struct WaitInterrupted {};

// This thread's record in the arena, allocated on first use.
uint32_t current_thread_index();

// With the arena lock held.
bool thread_alive(arena::ArenaTx& tx, uint32_t thread);
void reap_thread(arena::ArenaTx& tx, uint32_t thread);
// Makes every thread queued on `object` re-examine its wait.
void poke_waiters(arena::ArenaTx& tx, uint32_t object);
// Hands `object` to as many queued waiters as it can now satisfy.
void satisfy_waiters(arena::ArenaTx& tx, uint32_t object);

// WaitForMultipleObjects over arena object indices. With `before_wait`, the
// function runs inside the same transaction as the first check (for
// SignalObjectAndWait's atomic signal-then-wait).
uint32_t wait_for_objects(const uint32_t* objects, uint32_t count, bool wait_all,
                          uint32_t timeout_ms, const InterruptCheck& interrupted,
                          const std::function<void(arena::ArenaTx&)>& before_wait = {});

}  // namespace w32::sync
