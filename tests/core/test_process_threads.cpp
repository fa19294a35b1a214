#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/process/child_process.h"
#include "w32/process/thread_object.h"

namespace proc = w32::process;

namespace {

uint32_t error_of(auto&& fn) {
    try {
        fn();
    } catch (const w32::Win32Error& e) {
        return e.code();
    }
    return 0;
}

constexpr uint32_t kClasses[] = {proc::kIdlePriorityClass,       proc::kBelowNormalPriorityClass,
                                 proc::kNormalPriorityClass,     proc::kAboveNormalPriorityClass,
                                 proc::kHighPriorityClass,       proc::kRealtimePriorityClass};
constexpr int kLevels[] = {proc::kThreadPriorityIdle,        proc::kThreadPriorityLowest,
                           proc::kThreadPriorityBelowNormal, proc::kThreadPriorityNormal,
                           proc::kThreadPriorityAboveNormal, proc::kThreadPriorityHighest,
                           proc::kThreadPriorityTimeCritical};

TEST(ThreadPriority, LevelsOfAClassStayInItsBand) {
    for (uint32_t cls : kClasses) {
        for (int level : kLevels) {
            if (level == proc::kThreadPriorityIdle || level == proc::kThreadPriorityTimeCritical) continue;
            int nice_value = proc::nice_of_thread_priority(cls, level, "test");
            EXPECT_EQ(proc::priority_class_of_nice(nice_value), cls) << cls << " " << level;
        }
    }
}

TEST(ThreadPriority, EveryLevelReadsBackInTheNormalClasses) {
    for (uint32_t cls : {proc::kBelowNormalPriorityClass, proc::kNormalPriorityClass,
                         proc::kAboveNormalPriorityClass, proc::kHighPriorityClass}) {
        for (int level : kLevels)
            EXPECT_EQ(proc::thread_priority_of_nice(cls, proc::nice_of_thread_priority(cls, level, "t")), level)
                << cls << " " << level;
    }
}

TEST(ThreadPriority, BadLevelIsInvalidParameter) {
    EXPECT_EQ(error_of([] { proc::nice_of_thread_priority(proc::kNormalPriorityClass, 3, "t"); }),
              w32::err::kInvalidParameter);
}

TEST(BeginThread, ExitCodeAndSuspendedStart) {
    std::atomic<bool> ran{false};
    auto [h, tid] = proc::begin_thread(0, true, false, [&ran] {
        ran = true;
        return 5u;
    });
    EXPECT_NE(tid, 0u);
    EXPECT_EQ(proc::get_exit_code_thread(h), proc::kStillActive);
    EXPECT_FALSE(ran.load());
    EXPECT_EQ(proc::resume_thread(h), 1u);
    for (int i = 0; i < 3000 && proc::get_exit_code_thread(h) == proc::kStillActive; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(ran.load());
    EXPECT_EQ(proc::get_exit_code_thread(h), 5u);
    w32::HandleTable::instance().close(h, "test");
}

TEST(OpenThread, UnknownThreadIdIsInvalidParameter) {
    EXPECT_EQ(error_of([] { proc::open_thread(0x1F03FF, false, 0); }), w32::err::kInvalidParameter);
    EXPECT_EQ(error_of([] { proc::open_thread(0x1F03FF, false, 0x7FFFFFF0); }), w32::err::kInvalidParameter);
}

}  // namespace
