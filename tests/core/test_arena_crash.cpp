// Processes killed at random points while using the arena must never leave
// it inconsistent or wedged: the robust lock plus undo log must make every
// operation all-or-nothing.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/mman.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "w32/kernel/arena.h"
#include "w32/kernel/arena_check.h"
#include "w32/kernel/handle_table.h"
#include "w32/kernel/session_root.h"
#include "w32/sync/sync_objects.h"

namespace {

namespace sync = w32::sync;

// Every test process gets a private session, removed (with its shared
// memory) when the process ends.
struct PrivateSession {
    std::string root;
    pid_t owner = getpid();
    PrivateSession() {
        char tmpl[] = "/tmp/w32arenaXXXXXX";
        root = mkdtemp(tmpl);
        setenv("PYWIN32_POSIX_ROOT", root.c_str(), 1);
    }
    ~PrivateSession() {
        if (getpid() != owner) return;
        shm_unlink((w32::session_paths().shm_prefix + ".arena").c_str());
        std::filesystem::remove_all(root);
    }
} g_private_session;

// Kills the workers however the test ends, so none outlives a failure.
struct Workers {
    std::vector<pid_t> pids;
    ~Workers() {
        for (pid_t p : pids) {
            kill(p, SIGKILL);
            waitpid(p, nullptr, 0);
        }
    }
};

const sync::InterruptCheck kNoInterrupt;

std::string check() {
    w32::arena::ArenaTx tx;
    return w32::arena::check_arena(tx);
}

void close(w32::Handle h) { w32::HandleTable::instance().close(h, "CloseHandle"); }

[[noreturn]] void worker(unsigned seed) {
    std::mt19937 rng(seed);
    auto opts = [](const char* n) {
        sync::CreateOptions o;
        o.name = n;
        return o;
    };
    w32::Handle events[3] = {sync::create_event(opts("E0"), false, false),
                             sync::create_event(opts("E1"), true, false),
                             sync::create_event(opts("E2"), false, true)};
    w32::Handle mutex = sync::create_mutex(opts("M"), false);
    w32::Handle sem = sync::create_semaphore(opts("S"), 2, 3);
    for (;;) {
        try {
            switch (rng() % 9) {
                case 0: sync::set_event(events[rng() % 3]); break;
                case 1: sync::wait_for_multiple({&events[rng() % 3], 1}, false, rng() % 2, kNoInterrupt, "W"); break;
                case 2: {
                    w32::Handle set[3] = {events[0], events[1], mutex};
                    uint32_t r = sync::wait_for_multiple(set, rng() % 2, 1, kNoInterrupt, "W");
                    if (r != sync::kWaitTimeout && (rng() % 4)) sync::release_mutex(mutex);
                    break;
                }
                case 3:
                    if (sync::wait_for_multiple({&mutex, 1}, false, 2, kNoInterrupt, "W") != sync::kWaitTimeout)
                        sync::release_mutex(mutex);
                    break;
                case 4:
                    if (sync::wait_for_multiple({&sem, 1}, false, 1, kNoInterrupt, "W") != sync::kWaitTimeout)
                        sync::release_semaphore(sem, 1);
                    break;
                case 5: sync::pulse_event(events[rng() % 3]); break;
                case 6: {
                    // Named create and close: allocation, name links, frees.
                    std::string name = "T" + std::to_string(rng() % 8);
                    w32::Handle t = sync::create_semaphore(opts(name.c_str()), 0, 5);
                    close(t);
                    break;
                }
                case 7: sync::reset_event(events[rng() % 3]); break;
                case 8: {
                    w32::Handle e = sync::create_event({}, true, false);
                    close(e);
                    break;
                }
            }
        } catch (const w32::Win32Error&) {
            // ERROR_NOT_OWNER and friends are legitimate outcomes here.
        }
    }
}

TEST(ArenaCrash, RandomKillsNeverCorruptOrWedge) {
    const int kWorkers = 3;
    const int kKills = std::getenv("W32_KILLS") ? std::atoi(std::getenv("W32_KILLS")) : 200;
    std::mt19937 rng(12345);
    sync::CreateOptions mopts;
    mopts.name = "M";
    w32::Handle mutex = sync::create_mutex(mopts, false);
    Workers guard;
    std::vector<pid_t>& workers = guard.pids;
    auto spawn = [&](unsigned seed) {
        pid_t pid = fork();
        if (pid == 0) worker(seed);
        workers.push_back(pid);
    };
    for (int i = 0; i < kWorkers; ++i) spawn(rng());
    for (int kill_no = 0; kill_no < kKills; ++kill_no) {
        usleep(rng() % 3000);
        size_t victim = rng() % workers.size();
        kill(workers[victim], SIGKILL);
        waitpid(workers[victim], nullptr, 0);
        workers.erase(workers.begin() + victim);
        ASSERT_EQ(check(), "") << "after kill " << kill_no;
        // The mutex must still be obtainable: free, or abandoned by the dead.
        uint32_t r = sync::wait_for_multiple({&mutex, 1}, false, 5000, kNoInterrupt, "W");
        ASSERT_TRUE(r == sync::kWaitObject0 || r == sync::kWaitAbandoned0) << "wait returned " << r;
        sync::release_mutex(mutex);
        spawn(rng());
    }
    for (pid_t p : workers) {
        kill(p, SIGKILL);
        waitpid(p, nullptr, 0);
    }
    workers.clear();
    EXPECT_EQ(check(), "");
    close(mutex);
    auto stats = sync::arena_stats();
    EXPECT_EQ(stats.objects_in_use, 0u);
    EXPECT_EQ(stats.threads_in_use, 1u);  // this test's thread
    RecordProperty("recoveries", std::to_string(stats.recoveries));
    std::printf("lock recoveries after %d kills: %llu\n", kKills, (unsigned long long)stats.recoveries);
}

}  // namespace
