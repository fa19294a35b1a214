// CreateProcess and what only the creator of a process knows on POSIX: its
// exit code (the parent reaps it), its suspended start, and the code that
// TerminateProcess gave it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "w32/kernel/handle_table.h"

namespace w32::process {

inline constexpr uint32_t kStillActive = 259;

// dwCreationFlags.
inline constexpr uint32_t kCreateSuspended = 0x00000004;
inline constexpr uint32_t kDetachedProcess = 0x00000008;
inline constexpr uint32_t kCreateNewConsole = 0x00000010;
inline constexpr uint32_t kCreateNewProcessGroup = 0x00000200;
inline constexpr uint32_t kCreateUnicodeEnvironment = 0x00000400;
inline constexpr uint32_t kCreateNoWindow = 0x08000000;

// Priority classes (GetPriorityClass / dwCreationFlags).
inline constexpr uint32_t kIdlePriorityClass = 0x00000040;
inline constexpr uint32_t kBelowNormalPriorityClass = 0x00004000;
inline constexpr uint32_t kNormalPriorityClass = 0x00000020;
inline constexpr uint32_t kAboveNormalPriorityClass = 0x00008000;
inline constexpr uint32_t kHighPriorityClass = 0x00000080;
inline constexpr uint32_t kRealtimePriorityClass = 0x00000100;

// STARTUPINFO.dwFlags.
inline constexpr uint32_t kStartfUseStdHandles = 0x00000100;

struct StdHandles {
    bool use = false;  // STARTF_USESTDHANDLES
    Handle input = 0, output = 0, error = 0;
};

// The STARTUPINFO fields other than the std handles, which the child reads
// back with GetStartupInfo (from kStartupInfoVariable, made for the creator's
// pid so that the child's own children do not take it for theirs).
struct StartupFields {
    uint32_t flags = 0, show_window = 0, x = 0, y = 0, x_size = 0, y_size = 0;
    uint32_t x_count_chars = 0, y_count_chars = 0, fill_attribute = 0;
    std::optional<std::string> desktop, title;
};
inline constexpr const char* kStartupInfoVariable = "PYWIN32_POSIX_STARTUPINFO";

// "<creator pid>;<the nine numbers, hex, comma-separated>;<desktop>;<title>",
// the strings hex-encoded UTF-8 or "-" for none; empty when every field is
// its default (the child then reads defaults without it).
std::string encode_startup_fields(const StartupFields& fields, int32_t creator_pid);

struct CreateProcessParams {
    std::optional<std::string> application;
    std::optional<std::string> command_line;
    bool inherit_handles = false;
    uint32_t creation_flags = 0;
    std::optional<std::vector<std::string>> environment;  // NAME=VALUE; nullopt: ours
    std::optional<std::string> current_directory;
    StdHandles std_handles;
    StartupFields startup;
};

struct ProcessInformation {
    Handle process = 0;
    Handle thread = 0;
    uint32_t process_id = 0;
    uint32_t thread_id = 0;
};

// Starts a program. The command line is split by Windows' rules; the program
// is the application name, else the command line's first word searched in
// PATH (a trailing ".exe" may be left off on disk). Windows paths go through
// the drive table. With STARTF_USESTDHANDLES and bInheritHandles, the child's
// stdin/stdout/stderr are the given file or pipe handles (inheritable ones;
// others, and 0, give /dev/null). The session (PYWIN32_POSIX_ROOT) passes to
// the child even through a new environment, as Windows' kernel namespace is
// not in the environment.
ProcessInformation create_process(const CreateProcessParams& params);

// GetExitCodeProcess / GetExitCodeThread: STILL_ACTIVE while it runs, then
// its exit code when this process created it (or terminated it); another's
// ended process gives ERROR_NOT_SUPPORTED (POSIX tells only the parent).
uint32_t get_exit_code_process(Handle process);
uint32_t get_exit_code_thread(Handle thread);

// TerminateProcess: SIGKILL; the exit code is what GetExitCodeProcess then
// reports for a process this process created.
void terminate_process(Handle process, uint32_t exit_code);

// ResumeThread / SuspendThread on the main thread of a process created here;
// both return the previous suspend count. A CREATE_SUSPENDED process has not
// started its program until its count drops to 0.
uint32_t resume_thread(Handle thread);
uint32_t suspend_thread(Handle thread);

// The process id behind a thread handle of a created process.
uint32_t thread_process_id(Handle thread);
// The pid of a created process when `object` is its main thread's object.
std::optional<int32_t> main_thread_pid(const KernelObject& object) noexcept;

// Windows' priority class of a nice value and back.
uint32_t priority_class_of_nice(int nice_value) noexcept;
int nice_of_priority_class(uint32_t priority_class, const char* function);

}  // namespace w32::process
