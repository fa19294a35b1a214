// Waiting for a descriptor to become readable or writable without losing
// Ctrl+C: the wait sleeps in slices and asks the caller's InterruptCheck
// between them (and after every EINTR).
#pragma once

#include <cstdint>

#include "w32/sync/wait_engine.h"

namespace w32::io {

inline constexpr uint32_t kInfinite = 0xFFFFFFFFu;

// Waits until poll() reports one of `events` (or an error/hang-up, which
// the following read or write reports properly). Returns false on timeout;
// throws sync::WaitInterrupted when `interrupted` says so.
bool wait_fd(int fd, short events, uint32_t timeout_ms, const sync::InterruptCheck& interrupted,
             const char* function);

// Throws sync::WaitInterrupted when `interrupted` (if set) says so.
void throw_if_interrupted(const sync::InterruptCheck& interrupted);

// How long a blocking step may sleep before it looks for Ctrl+C again.
inline constexpr int kInterruptSliceMs = 50;

// Sleeps `ms` milliseconds, interruptibly.
void sleep_interruptibly(uint32_t ms, const sync::InterruptCheck& interrupted);

}  // namespace w32::io
