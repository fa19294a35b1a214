#include "w32/io/fd_wait.h"

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "w32/error/win32_error.h"

namespace w32::io {

namespace {

// A signal may land on another thread and leave poll() asleep: bound each
// sleep so that a pending Ctrl+C is seen within this time.
constexpr int kSliceMs = kInterruptSliceMs;

}  // namespace

void throw_if_interrupted(const sync::InterruptCheck& interrupted) {
    if (interrupted && interrupted()) throw sync::WaitInterrupted{};
}

bool wait_fd(int fd, short events, uint32_t timeout_ms, const sync::InterruptCheck& interrupted,
             const char* function) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        int slice = kSliceMs;
        if (timeout_ms != kInfinite) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
            slice = static_cast<int>(std::clamp<long long>(left, 0, kSliceMs));
        }
        if (!interrupted) slice = timeout_ms == kInfinite ? -1 : slice;
        pollfd p{fd, events, 0};
        int r = ::poll(&p, 1, slice);
        if (r > 0) return true;
        if (r < 0 && errno != EINTR) throw_errno(errno, function);
        throw_if_interrupted(interrupted);
        if (timeout_ms != kInfinite && clock::now() >= deadline) return false;
    }
}

void sleep_interruptibly(uint32_t ms, const sync::InterruptCheck& interrupted) {
    using clock = std::chrono::steady_clock;
    const auto deadline = clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) return;
        long step = std::min<long long>(left, kSliceMs);
        timespec ts{step / 1000, (step % 1000) * 1000000L};
        ::nanosleep(&ts, nullptr);
        throw_if_interrupted(interrupted);
    }
}

}  // namespace w32::io
