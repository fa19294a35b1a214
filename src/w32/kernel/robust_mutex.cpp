#include "w32/kernel/robust_mutex.h"

#include <time.h>

#include <cerrno>

namespace w32 {

namespace {

constexpr long kLockSliceNs = 20'000'000;
constexpr int kLockSpins = 64;

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

}  // namespace

void init_robust_mutex(pthread_mutex_t* m) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(m, &attr);
    pthread_mutexattr_destroy(&attr);
}

int lock_robust_mutex(pthread_mutex_t* m) {
    for (int i = 0; i < kLockSpins; ++i) {
        int rc = pthread_mutex_trylock(m);
        if (rc != EBUSY) return rc;
        cpu_relax();
    }
    for (;;) {
        timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += kLockSliceNs;
        if (deadline.tv_nsec >= 1'000'000'000) {
            deadline.tv_nsec -= 1'000'000'000;
            ++deadline.tv_sec;
        }
        int rc = pthread_mutex_timedlock(m, &deadline);
        if (rc != ETIMEDOUT) return rc;
    }
}

}  // namespace w32
