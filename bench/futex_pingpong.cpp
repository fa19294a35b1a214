// The floor for bench_win32event.py's ping-pong: two processes (fork) pass a
// token back and forth through two futex words in one MAP_SHARED anonymous
// page, with plain FUTEX_WAIT / FUTEX_WAKE (no FUTEX_PRIVATE_FLAG, so the
// kernel keys the futex by the shared page, as it must between processes).
//
//   futex_pingpong ROUNDS REPEATS [WARMUP [SPIN]]
//
// Process A posts word 1 and waits on word 2; B waits on word 1 and posts
// word 2. Each of REPEATS lines printed is the mean nanoseconds per round
// trip over ROUNDS round trips (after WARMUP untimed ones), timed in A.
// SPIN > 0 makes a waiter poll its word SPIN times (with a pause) before it
// sleeps, as the library's waiter does; 0 (the default) is the pure kernel
// path. Two last lines count, per round trip over the timed rounds, the
// futex calls of A and B together ("syscalls_per_round_trip X") and their
// context switches, voluntary and involuntary ("ctxsw_per_round_trip V I").
#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

namespace {

struct Shared {
    alignas(64) std::atomic<uint32_t> ping;  // A -> B
    alignas(64) std::atomic<uint32_t> pong;  // B -> A
    alignas(64) std::atomic<uint64_t> b_syscalls;
    std::atomic<int64_t> b_vol, b_invol;
};

void switches(int64_t& vol, int64_t& invol) {
    rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    vol = ru.ru_nvcsw;
    invol = ru.ru_nivcsw;
}

long futex(std::atomic<uint32_t>* word, int op, uint32_t val) {
    return syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), op, val, nullptr, nullptr, 0);
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// A binary semaphore on one word: 1 = posted, 0 = not.
void give(std::atomic<uint32_t>* w, uint64_t& calls) {
    w->store(1, std::memory_order_release);
    futex(w, FUTEX_WAKE, 1);
    ++calls;
}

void take(std::atomic<uint32_t>* w, int spin, uint64_t& calls) {
    for (int i = 0; i < spin; ++i) {  // read-only polling, as the library's waiter does
        if (w->load(std::memory_order_relaxed) == 1 && w->exchange(0, std::memory_order_acquire) == 1) return;
        cpu_relax();
    }
    while (w->exchange(0, std::memory_order_acquire) == 0) {
        futex(w, FUTEX_WAIT, 0);  // returns at once (EAGAIN) if already posted
        ++calls;
    }
}

int64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s ROUNDS REPEATS [WARMUP [SPIN [CPU_A CPU_B]]]\n", argv[0]);
        return 2;
    }
    const long rounds = std::atol(argv[1]);
    const long repeats = std::atol(argv[2]);
    const long warmup = argc > 3 ? std::atol(argv[3]) : rounds / 10;
    const int spin = argc > 4 ? std::atoi(argv[4]) : 0;
    // Optional placement: A (this process) on CPU_A, B (the child) on CPU_B.
    const int cpu_a = argc > 6 ? std::atoi(argv[5]) : -1;
    const int cpu_b = argc > 6 ? std::atoi(argv[6]) : -1;
    auto pin = [](int cpu) {
        if (cpu < 0) return;
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        sched_setaffinity(0, sizeof set, &set);
    };
    if (rounds <= 0 || repeats <= 0 || warmup < 0 || spin < 0) return 2;

    void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) {
        std::perror("mmap");
        return 1;
    }
    auto* s = new (page) Shared{};

    const long total = warmup + rounds * repeats;
    pin(cpu_a);
    pid_t child = fork();
    if (child < 0) {
        std::perror("fork");
        return 1;
    }
    if (child == 0) {  // B
        pin(cpu_b);
        uint64_t calls = 0, timed_calls = 0;
        int64_t v0 = 0, i0 = 0, v1, i1;
        for (long i = 0; i < total; ++i) {
            if (i == warmup) {
                timed_calls = calls;
                switches(v0, i0);
            }
            take(&s->ping, spin, calls);
            give(&s->pong, calls);
        }
        switches(v1, i1);
        s->b_syscalls.store(calls - timed_calls);
        s->b_vol.store(v1 - v0);
        s->b_invol.store(i1 - i0);
        _exit(0);
    }
    // A
    uint64_t calls = 0;
    for (long i = 0; i < warmup; ++i) {
        give(&s->ping, calls);
        take(&s->pong, spin, calls);
    }
    uint64_t a_timed_start = calls;
    int64_t v0, i0, v1, i1;
    switches(v0, i0);
    for (long r = 0; r < repeats; ++r) {
        int64_t t0 = now_ns();
        for (long i = 0; i < rounds; ++i) {
            give(&s->ping, calls);
            take(&s->pong, spin, calls);
        }
        int64_t t1 = now_ns();
        std::printf("%.1f\n", double(t1 - t0) / double(rounds));
    }
    switches(v1, i1);
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    double per_rt = double(calls - a_timed_start + s->b_syscalls.load()) / double(rounds * repeats);
    const double timed = double(rounds * repeats);
    std::printf("syscalls_per_round_trip %.2f\n", per_rt);
    std::printf("ctxsw_per_round_trip %.3f %.3f\n", double(v1 - v0 + s->b_vol.load()) / timed,
                double(i1 - i0 + s->b_invol.load()) / timed);
    return 0;
}
