// Thread handles: OpenThread on any thread the user may see (a Linux task,
// named by its tid), beginthreadex's threads, and what can be asked of or set
// on a thread: its priority level (the task's nice value), times, affinity,
// and whether it is inside an I/O call. A thread handle is waitable: it is
// signalled when the thread ends (a pidfd on the task, PIDFD_THREAD).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "w32/kernel/handle_table.h"
#include "w32/process/process_info.h"

namespace w32::process {

// THREAD_PRIORITY_* levels.
inline constexpr int kThreadPriorityIdle = -15;
inline constexpr int kThreadPriorityLowest = -2;
inline constexpr int kThreadPriorityBelowNormal = -1;
inline constexpr int kThreadPriorityNormal = 0;
inline constexpr int kThreadPriorityAboveNormal = 1;
inline constexpr int kThreadPriorityHighest = 2;
inline constexpr int kThreadPriorityTimeCritical = 15;

// Thread access rights.
inline constexpr uint32_t kThreadTerminate = 0x0001;
inline constexpr uint32_t kThreadSuspendResume = 0x0002;
inline constexpr uint32_t kThreadSetInformation = 0x0020;
inline constexpr uint32_t kThreadQueryInformation = 0x0040;
inline constexpr uint32_t kThreadSetLimitedInformation = 0x0400;
inline constexpr uint32_t kThreadQueryLimitedInformation = 0x0800;

// The nice value a thread of a process in `priority_class` gets at `level`
// (ERROR_INVALID_PARAMETER for another level), and the level a thread's nice
// value stands for in that class: the nearest one when someone else chose
// the nice value.
int nice_of_thread_priority(uint32_t priority_class, int level, const char* function);
int thread_priority_of_nice(uint32_t priority_class, int nice_value) noexcept;

// Who a thread handle names: the calling thread's pseudo-handle, a handle of
// OpenThread or beginthreadex, or the main thread of a created process.
struct ThreadId {
    pid_t pid = 0;  // its process (thread group)
    pid_t tid = 0;
};
// `rights`: the handle must hold one of these access rights (0: any),
// else ERROR_ACCESS_DENIED, as Windows checks a thread handle's access.
ThreadId thread_id_of(Handle thread, const char* function, uint32_t rights = 0);
inline constexpr uint32_t kThreadQueryRights = kThreadQueryInformation | kThreadQueryLimitedInformation;
inline constexpr uint32_t kThreadSetRights = kThreadSetInformation | kThreadSetLimitedInformation;

Handle open_thread(uint32_t access, bool inherit, uint32_t tid);

// Starts a thread running `body` (its return value is the exit code): a
// waitable handle and the thread id. With `suspended`, the thread exists but
// `body` does not start until ResumeThread brings its count to 0.
std::pair<Handle, uint32_t> begin_thread(size_t stack_size, bool suspended, bool inherit,
                                         std::function<uint32_t()> body);

// For beginthreadex's threads: STILL_ACTIVE or the exit code; nullopt for
// a handle that is not one (the caller tries its other kinds).
std::optional<uint32_t> started_thread_exit_code(Handle thread, const char* function);
// ResumeThread / SuspendThread of a beginthreadex thread (nullopt: not one).
std::optional<uint32_t> resume_started_thread(Handle thread);
std::optional<uint32_t> suspend_started_thread(Handle thread);

int get_thread_priority(Handle thread);
void set_thread_priority(Handle thread, int level);
ProcessTimes get_thread_times(Handle thread);
// Returns the thread's previous mask; a mask outside the process's is
// ERROR_INVALID_PARAMETER.
uint64_t set_thread_affinity_mask(Handle thread, uint64_t mask);
// True while the thread is inside a read, write or other I/O system call.
bool get_thread_io_pending(Handle thread);
// Linux's scheduler never boosts a thread's priority: boosting is disabled,
// always. Asking to enable it is ERROR_NOT_SUPPORTED.
bool get_priority_boost_disabled(Handle thread_or_process, bool is_thread);
void set_priority_boost_disabled(Handle thread_or_process, bool is_thread, bool disable);

}  // namespace w32::process
