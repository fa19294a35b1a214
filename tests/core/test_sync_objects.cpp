// The sync layer on its own: the semantics of events, mutexes, semaphores,
// timers and waits, in one process and across fork().
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "w32/error/codes.h"
#include "w32/kernel/arena.h"
#include "w32/kernel/arena_check.h"
#include "w32/kernel/handle_table.h"
#include "w32/sync/sync_objects.h"

namespace {

namespace sync = w32::sync;
using w32::Handle;

const sync::InterruptCheck kNoInterrupt;

uint32_t wait1(Handle h, uint32_t ms) { return sync::wait_for_multiple({&h, 1}, false, ms, kNoInterrupt, "W"); }
uint32_t wait_n(std::initializer_list<Handle> hs, bool all, uint32_t ms) {
    return sync::wait_for_multiple({hs.begin(), hs.size()}, all, ms, kNoInterrupt, "W");
}
void close(Handle h) { w32::HandleTable::instance().close(h, "CloseHandle"); }

uint32_t error_of(auto&& fn) {
    try {
        fn();
    } catch (const w32::Win32Error& e) {
        return e.code();
    }
    return 0;
}

sync::CreateOptions named(const char* name) {
    sync::CreateOptions o;
    o.name = name;
    return o;
}

void expect_consistent() {
    w32::arena::ArenaTx tx;
    EXPECT_EQ(w32::arena::check_arena(tx), "");
}

TEST(SyncObjects, AutoAndManualResetEvents) {
    Handle a = sync::create_event({}, false, true);
    Handle m = sync::create_event({}, true, true);
    EXPECT_EQ(wait1(a, 0), sync::kWaitObject0);
    EXPECT_EQ(wait1(a, 0), sync::kWaitTimeout);  // consumed
    EXPECT_EQ(wait1(m, 0), sync::kWaitObject0);
    EXPECT_EQ(wait1(m, 0), sync::kWaitObject0);  // stays set
    sync::reset_event(m);
    EXPECT_EQ(wait1(m, 0), sync::kWaitTimeout);
    sync::pulse_event(m);  // nobody waiting: nothing released, left reset
    EXPECT_EQ(wait1(m, 0), sync::kWaitTimeout);
    close(a);
    close(m);
    expect_consistent();
}

TEST(SyncObjects, NamedObjectsAndTheirErrors) {
    Handle e = sync::create_event(named("sync.named"), false, false);
    EXPECT_EQ(w32::get_last_error(), 0u);
    Handle again = sync::create_event(named("Local\\sync.named"), false, false);
    EXPECT_EQ(w32::get_last_error(), w32::err::kAlreadyExists);
    EXPECT_EQ(error_of([] { sync::create_mutex(named("sync.named"), false); }), w32::err::kInvalidHandle);
    EXPECT_EQ(error_of([] { sync::open_sync_object(sync::SyncKind::Event, 0, false, "sync.none"); }),
              w32::err::kFileNotFound);
    EXPECT_EQ(error_of([] { sync::create_event(named("a\\b"), false, false); }), w32::err::kPathNotFound);
    EXPECT_EQ(error_of([] { sync::create_event(named(std::string(600, 'x').c_str()), false, false); }),
              w32::err::kFilenameExcedRange);
    close(e);
    close(again);
    expect_consistent();
}

TEST(SyncObjects, MutexRecursionAndOwnership) {
    Handle m = sync::create_mutex({}, true);
    EXPECT_EQ(wait1(m, 0), sync::kWaitObject0);  // recursive
    sync::release_mutex(m);
    uint32_t other = 0;
    std::thread([&] {
        other = wait1(m, 0);
        try {
            sync::release_mutex(m);
        } catch (const w32::Win32Error& e) {
            other = e.code();
        }
    }).join();
    EXPECT_EQ(other, w32::err::kNotOwner);  // still owned once by us
    sync::release_mutex(m);
    EXPECT_EQ(error_of([&] { sync::release_mutex(m); }), w32::err::kNotOwner);
    close(m);
}

TEST(SyncObjects, MutexOfAnEndedThreadIsAbandoned) {
    Handle m = sync::create_mutex({}, false);
    std::thread([&] { EXPECT_EQ(wait1(m, 0), sync::kWaitObject0); }).join();
    EXPECT_EQ(wait1(m, 1000), sync::kWaitAbandoned0);
    sync::release_mutex(m);
    EXPECT_EQ(wait1(m, 0), sync::kWaitObject0);
    sync::release_mutex(m);
    close(m);
    expect_consistent();
}

TEST(SyncObjects, SemaphoreCounts) {
    Handle s = sync::create_semaphore({}, 1, 2);
    EXPECT_EQ(sync::release_semaphore(s, 1), 1);
    EXPECT_EQ(error_of([&] { sync::release_semaphore(s, 1); }), w32::err::kTooManyPosts);
    EXPECT_EQ(error_of([&] { sync::release_semaphore(s, 0); }), w32::err::kInvalidParameter);
    EXPECT_EQ(wait1(s, 0), sync::kWaitObject0);
    EXPECT_EQ(wait1(s, 0), sync::kWaitObject0);
    EXPECT_EQ(wait1(s, 0), sync::kWaitTimeout);
    EXPECT_EQ(error_of([] { sync::create_semaphore({}, 3, 2); }), w32::err::kInvalidParameter);
    close(s);
}

TEST(SyncObjects, WaitAllIsAllOrNothing) {
    Handle a = sync::create_event({}, false, true);
    Handle b = sync::create_event({}, false, false);
    EXPECT_EQ(wait_n({a, b}, true, 0), sync::kWaitTimeout);
    EXPECT_EQ(wait1(a, 0), sync::kWaitObject0);  // a was not consumed by the failed wait-all
    sync::set_event(a);
    uint32_t r = 0;
    std::thread waiter([&] { r = wait_n({a, b}, true, 5000); });
    usleep(20000);
    sync::set_event(b);
    waiter.join();
    EXPECT_EQ(r, sync::kWaitObject0);
    EXPECT_EQ(wait_n({a, b}, false, 0), sync::kWaitTimeout);  // both consumed together
    EXPECT_EQ(error_of([&] { wait_n({a, a}, true, 0); }), w32::err::kInvalidParameter);
    close(a);
    close(b);
    expect_consistent();
}

TEST(SyncObjects, PulseReleasesOnlyCurrentWaiters) {
    Handle m = sync::create_event({}, true, false);
    uint32_t r1 = 0, r2 = 0;
    std::thread t1([&] { r1 = wait1(m, 5000); }), t2([&] { r2 = wait1(m, 5000); });
    usleep(50000);
    sync::pulse_event(m);
    t1.join();
    t2.join();
    EXPECT_EQ(r1, sync::kWaitObject0);
    EXPECT_EQ(r2, sync::kWaitObject0);
    EXPECT_EQ(wait1(m, 0), sync::kWaitTimeout);
    close(m);
}

TEST(SyncObjects, WaitableTimerRelativeAndPeriodic) {
    Handle t = sync::create_waitable_timer({}, false);
    EXPECT_EQ(wait1(t, 0), sync::kWaitTimeout);
    sync::set_waitable_timer(t, -20 * 10'000, 0);  // 20 ms
    EXPECT_EQ(wait1(t, 0), sync::kWaitTimeout);
    EXPECT_EQ(wait1(t, 5000), sync::kWaitObject0);
    sync::set_waitable_timer(t, -10 * 10'000, 10);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(wait1(t, 5000), sync::kWaitObject0);
    sync::cancel_waitable_timer(t);
    EXPECT_EQ(wait1(t, 50), sync::kWaitTimeout);
    close(t);
}

TEST(SyncObjects, AcrossFork) {
    Handle go = sync::create_event(named("sync.fork.go"), false, false);
    Handle done = sync::create_event(named("sync.fork.done"), false, false);
    pid_t pid = fork();
    if (pid == 0) {
        // The child uses handles inherited through fork and names alike.
        bool ok = wait1(go, 5000) == sync::kWaitObject0;
        Handle d = sync::open_sync_object(sync::SyncKind::Event, sync::kAllAccessSync, false, "sync.fork.done");
        sync::set_event(d);
        _exit(ok ? 0 : 1);
    }
    sync::set_event(go);
    EXPECT_EQ(wait1(done, 5000), sync::kWaitObject0);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(go);
    close(done);
    expect_consistent();
}

TEST(SyncObjects, BadHandles) {
    Handle e = sync::create_event({}, false, false);
    Handle s = sync::create_semaphore({}, 0, 1);
    EXPECT_EQ(error_of([&] { sync::release_semaphore(e, 1); }), w32::err::kInvalidHandle);
    EXPECT_EQ(error_of([&] { sync::set_event(s); }), w32::err::kInvalidHandle);
    close(e);
    EXPECT_EQ(error_of([&] { sync::set_event(e); }), w32::err::kInvalidHandle);
    EXPECT_EQ(error_of([&] { wait1(e, 0); }), w32::err::kInvalidHandle);
    EXPECT_EQ(error_of([] { wait_n({}, false, 0); }), w32::err::kInvalidParameter);
    close(s);
}

}  // namespace
