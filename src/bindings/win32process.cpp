// win32process: creating processes and what can be asked of them.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/process/child_process.h"
#include "w32/process/process_info.h"
#include "w32/process/process_object.h"
#include "w32/process/thread_object.h"
#include "security_args.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace proc = w32::process;

namespace bindings {

namespace {

// PySTARTUPINFO: plain fields; the handles may be PyHANDLEs or ints.
struct StartupInfo {
    uint32_t dwX = 0, dwY = 0, dwXSize = 0, dwYSize = 0, dwXCountChars = 0, dwYCountChars = 0;
    uint32_t dwFillAttribute = 0, dwFlags = 0, wShowWindow = 0;
    nb::object hStdInput = nb::none(), hStdOutput = nb::none(), hStdError = nb::none();
    std::optional<std::string> lpDesktop, lpTitle;
};

w32::Handle handle_value(nb::handle h, const char* what) {
    if (h.is_none()) return 0;
    if (nb::isinstance<PyHandle>(h)) return nb::inst_ptr<PyHandle>(h)->value;
    if (PyLong_Check(h.ptr())) return nb::cast<w32::Handle>(h);
    throw nb::type_error((std::string(what) + " must be a PyHANDLE, an int or None").c_str());
}

std::optional<std::vector<std::string>> environment(nb::handle env) {
    if (env.is_none()) return std::nullopt;
    if (!nb::isinstance<nb::dict>(env)) throw nb::type_error("newEnvironment must be a dict of str to str, or None");
    std::vector<std::string> out;
    for (auto [k, v] : nb::borrow<nb::dict>(env)) {
        if (!nb::isinstance<nb::str>(k) || !nb::isinstance<nb::str>(v))
            throw nb::type_error("newEnvironment must be a dict of str to str");
        std::string key = nb::cast<std::string>(k);
        if (key.empty() || key.find('=') != std::string::npos || key.find('\0') != std::string::npos)
            w32::throw_win32(w32::err::kInvalidParameter, "CreateProcess");
        out.push_back(key + "=" + nb::cast<std::string>(v));
    }
    return out;
}

nb::tuple create_process(std::optional<std::string> app, std::optional<std::string> command_line,
                         nb::handle /*process_attributes*/, nb::handle /*thread_attributes*/, nb::handle inherit,
                         long long flags, nb::handle env, std::optional<std::string> cwd, nb::handle startup) {
    if (!nb::isinstance<StartupInfo>(startup)) throw nb::type_error("startupinfo must be a PySTARTUPINFO");
    const StartupInfo& si = *nb::inst_ptr<StartupInfo>(startup);
    proc::CreateProcessParams p;
    p.application = std::move(app);
    p.command_line = std::move(command_line);
    p.inherit_handles = nb::cast<bool>(nb::bool_(inherit));
    p.creation_flags = dword_arg(flags, "dwCreationFlags");
    p.environment = environment(env);
    p.current_directory = std::move(cwd);
    p.std_handles.use = si.dwFlags & proc::kStartfUseStdHandles;
    p.std_handles.input = handle_value(si.hStdInput, "hStdInput");
    p.std_handles.output = handle_value(si.hStdOutput, "hStdOutput");
    p.std_handles.error = handle_value(si.hStdError, "hStdError");
    p.startup = {si.dwFlags, si.wShowWindow, si.dwX, si.dwY, si.dwXSize, si.dwYSize,
                 si.dwXCountChars, si.dwYCountChars, si.dwFillAttribute, si.lpDesktop, si.lpTitle};
    proc::ProcessInformation info;
    {
        nb::gil_scoped_release release;
        info = proc::create_process(p);
    }
    return nb::make_tuple(PyHandle(info.process), PyHandle(info.thread), info.process_id, info.thread_id);
}

void not_supported(const char* function) { w32::throw_win32(w32::err::kNotSupported, function); }

// beginthreadex's callable and arguments. The thread drops them itself,
// holding the GIL, when the callable returns; a thread that Python's
// finalization ends (pthread_exit when it asks for the GIL) leaves them.
struct PythonCall {
    nb::object function, args;
    PythonCall(nb::object f, nb::object a) : function(std::move(f)), args(std::move(a)) {}
    ~PythonCall() {
        if (!function.is_valid() && !args.is_valid()) return;
#if PY_VERSION_HEX >= 0x030D0000
        bool finalizing = Py_IsFinalizing();
#else
        bool finalizing = _Py_IsFinalizing();
#endif
        if (finalizing) {
            function.release();
            args.release();
            return;
        }
        nb::gil_scoped_acquire gil;
        function.reset();
        args.reset();
    }
};

constexpr uint32_t kStackSizeParamIsAReservation = 0x00010000;

nb::tuple begin_thread_ex(nb::handle sa, long long stack_size, nb::object entry_point, nb::object args,
                          long long flags_arg) {
    if (!PyCallable_Check(entry_point.ptr())) throw nb::type_error("entryPoint must be callable");
    if (!nb::isinstance<nb::tuple>(args)) throw nb::type_error("args must be a tuple");
    bool inherit = inherit_from_security_attributes(sa);
    uint32_t flags = dword_arg(flags_arg, "flags");
    if (flags & ~(proc::kCreateSuspended | kStackSizeParamIsAReservation))
        w32::throw_win32(w32::err::kInvalidParameter, "beginthreadex");
    auto call = std::make_shared<PythonCall>(std::move(entry_point), std::move(args));
    // No C++ object on this thread's stack may touch Python while it unwinds:
    // once the interpreter finalizes, asking for the GIL ends the thread with
    // pthread_exit, which unwinds through here. So the C API, by hand.
    auto body = [call]() -> uint32_t {
        PyGILState_STATE gil = PyGILState_Ensure();
        PyObject* result = PyObject_Call(call->function.ptr(), call->args.ptr(), nullptr);
        uint32_t code = 0;
        if (!result) {
            // Reported as an exception nobody can catch (sys.unraisablehook);
            // the thread's exit code is then 1.
            PyErr_WriteUnraisable(call->function.ptr());
            code = 1;
        } else {
            if (PyLong_Check(result)) code = static_cast<uint32_t>(PyLong_AsUnsignedLongLongMask(result));
            if (PyErr_Occurred()) PyErr_Clear();
            Py_DECREF(result);
        }
        call->function.reset();
        call->args.reset();
        PyGILState_Release(gil);
        return code;
    };
    auto [handle, tid] = proc::begin_thread(size_arg(stack_size, "stackSize"), flags & proc::kCreateSuspended,
                                            inherit, std::move(body));
    return nb::make_tuple(PyHandle(handle), tid);
}

void bind_win32process(nb::module_ m) {
    nb::class_<StartupInfo>(m, "PySTARTUPINFO",
                            "STARTUPINFO: how CreateProcess starts a program (std handles with "
                            "STARTF_USESTDHANDLES; the window fields are passed to the child and read back "
                            "by its GetStartupInfo, and mean nothing else on POSIX).")
        .def(nb::init<>(), "An empty STARTUPINFO (every field 0 or None).")
        .def_rw("dwX", &StartupInfo::dwX)
        .def_rw("dwY", &StartupInfo::dwY)
        .def_rw("dwXSize", &StartupInfo::dwXSize)
        .def_rw("dwYSize", &StartupInfo::dwYSize)
        .def_rw("dwXCountChars", &StartupInfo::dwXCountChars)
        .def_rw("dwYCountChars", &StartupInfo::dwYCountChars)
        .def_rw("dwFillAttribute", &StartupInfo::dwFillAttribute)
        .def_rw("dwFlags", &StartupInfo::dwFlags)
        .def_rw("wShowWindow", &StartupInfo::wShowWindow)
        .def_prop_rw("hStdInput", [](StartupInfo& s) { return s.hStdInput; },
                     [](StartupInfo& s, nb::object h) { handle_value(h, "hStdInput"); s.hStdInput = h; })
        .def_prop_rw("hStdOutput", [](StartupInfo& s) { return s.hStdOutput; },
                     [](StartupInfo& s, nb::object h) { handle_value(h, "hStdOutput"); s.hStdOutput = h; })
        .def_prop_rw("hStdError", [](StartupInfo& s) { return s.hStdError; },
                     [](StartupInfo& s, nb::object h) { handle_value(h, "hStdError"); s.hStdError = h; })
        .def_rw("lpDesktop", &StartupInfo::lpDesktop, nb::arg().none())
        .def_rw("lpTitle", &StartupInfo::lpTitle, nb::arg().none());
    m.def("STARTUPINFO", [] { return StartupInfo(); }, "A new PySTARTUPINFO.");
    m.def("CreateProcess", &create_process, "appName"_a.none(), "commandLine"_a.none(),
          "processAttributes"_a.none(), "threadAttributes"_a.none(), "bInheritHandles"_a, "dwCreationFlags"_a,
          "newEnvironment"_a.none(), "currentDirectory"_a.none(), "startupinfo"_a,
          "Starts a program: (hProcess, hThread, dwProcessId, dwThreadId). See docs/win32process.md for "
          "how command lines, std handles, inheritance, environments and flags map onto POSIX.");
    m.def("GetExitCodeProcess", [](HandleArg h) { return proc::get_exit_code_process(h.value); }, "handle"_a,
          "STILL_ACTIVE (259) while the process runs, then its exit code. On POSIX the code is known for "
          "the processes this process created (the parent reaps them); another's ended process is "
          "ERROR_NOT_SUPPORTED.");
    m.def("GetExitCodeThread", [](HandleArg h) { return proc::get_exit_code_thread(h.value); }, "handle"_a,
          "STILL_ACTIVE (259) while the thread runs, then its exit code: known for beginthreadex's threads "
          "and the main threads of processes this process created; on POSIX another ended thread's is "
          "ERROR_NOT_SUPPORTED.");
    m.def("TerminateProcess", [](HandleArg h, long long code) {
        proc::terminate_process(h.value, dword_arg(code, "exitCode"));
    }, "handle"_a, "exitCode"_a,
          "Ends the process (SIGKILL); GetExitCodeProcess then gives exitCode to its creator. A process "
          "that has already ended is ERROR_ACCESS_DENIED, as on Windows.");
    m.def("ResumeThread", [](HandleArg h) { return proc::resume_thread(h.value); }, "handle"_a,
          "Decrements the thread's suspend count and returns the previous one; at 0 a suspended thread "
          "starts. On POSIX a created process's main thread is continued with SIGCONT (the whole process).");
    m.def("SuspendThread", [](HandleArg h) { return proc::suspend_thread(h.value); }, "handle"_a,
          "Increments the thread's suspend count and returns the previous one. On POSIX a created "
          "process's main thread stops the whole process (SIGSTOP); a beginthreadex thread can be held "
          "only before it starts; other running threads are ERROR_NOT_SUPPORTED.");
    m.def("GetProcessId", [](HandleArg h) {
        return static_cast<uint32_t>(proc::process_of(h.value, "GetProcessId")->pid());
    }, "Process"_a, "The id of the process behind a process handle.");
    m.def("GetCurrentProcess", [] { return -1; },
          "The pseudo-handle of the calling process (-1): valid in this process only.");
    m.def("GetCurrentProcessId", [] { return static_cast<uint32_t>(::getpid()); }, "The calling process's id.");

    m.def("beginthreadex", &begin_thread_ex, "sa"_a.none(), "stackSize"_a, "entryPoint"_a, "args"_a, "flags"_a,
          "Starts a thread that calls entryPoint(*args); returns (hThread, threadId). The handle is "
          "waitable (signalled when the thread ends) and GetExitCodeThread gives the callable's int "
          "result (0 for anything else; 1 when it raised, the exception going to sys.unraisablehook). "
          "CREATE_SUSPENDED holds the thread before it calls entryPoint until ResumeThread; other "
          "flags than it and STACK_SIZE_PARAM_IS_A_RESERVATION are ERROR_INVALID_PARAMETER. "
          "stackSize 0 takes the default; a smaller one is rounded up to the minimum. On POSIX the "
          "thread is a pthread; the interpreter does not wait for it at exit.");
    m.def("GetThreadPriority", [](HandleArg h) { return proc::get_thread_priority(h.value); }, "handle"_a,
          "The thread's THREAD_PRIORITY_* level. On POSIX it is read from the thread's nice value relative "
          "to its process's priority class (see docs/win32process.md); a nice value set by other means "
          "reads as the nearest level.");
    m.def("SetThreadPriority", [](HandleArg h, int level) { proc::set_thread_priority(h.value, level); },
          "handle"_a, "nPriority"_a,
          "Sets the thread's THREAD_PRIORITY_* level (another value is ERROR_INVALID_PARAMETER). On POSIX "
          "it becomes the thread's nice value; lowering the nice value needs CAP_SYS_NICE, without which "
          "it is ERROR_PRIVILEGE_NOT_HELD.");
    m.def("_ThreadTimes", [](HandleArg h) {
        proc::ProcessTimes t = proc::get_thread_times(h.value);
        return nb::make_tuple(t.creation_filetime, t.exit_filetime, t.kernel_100ns, t.user_100ns);
    }, "handle"_a, "(creation FILETIME, exit FILETIME or 0, kernel 100ns, user 100ns) of a thread.");
    m.def("SetThreadAffinityMask", [](HandleArg h, unsigned long long mask) {
        return proc::set_thread_affinity_mask(h.value, mask);
    }, "hThread"_a, "ThreadAffinityMask"_a,
          "Restricts the thread to the CPUs in the mask (sched_setaffinity on the thread) and returns its "
          "previous mask. A mask of 0 or with CPUs outside the process's mask (its main thread's) is "
          "ERROR_INVALID_PARAMETER.");
    m.def("SetThreadIdealProcessor", [](nb::handle, nb::handle) { not_supported("SetThreadIdealProcessor"); },
          "handle"_a, "dwIdealProcessor"_a,
          "Sets the processor the scheduler should prefer for the thread.\n\n"
          "On POSIX: not supported (Linux's scheduler takes no preferred CPU short of an affinity mask: "
          "use SetThreadAffinityMask).");
    m.def("GetThreadIOPendingFlag", [](HandleArg h) { return proc::get_thread_io_pending(h.value); },
          "Thread"_a,
          "True while the thread is inside an I/O system call (read, write, send, receive, fsync ...), "
          "from /proc/PID/task/TID/syscall. On POSIX an overlapped request handed to our I/O workers "
          "does not count for the thread that issued it.");
    m.def("GetThreadPriorityBoost", [](HandleArg h) { return proc::get_priority_boost_disabled(h.value, true); },
          "Thread"_a,
          "Whether priority boosting is disabled for the thread: always True on POSIX, whose scheduler "
          "never boosts a thread.");
    m.def("SetThreadPriorityBoost", [](HandleArg h, bool disable) {
        proc::set_priority_boost_disabled(h.value, true, disable);
    }, "Thread"_a, "DisablePriorityBoost"_a,
          "Disabling boosts succeeds (there are none on POSIX); enabling them is ERROR_NOT_SUPPORTED.");
    m.def("GetProcessPriorityBoost", [](HandleArg h) { return proc::get_priority_boost_disabled(h.value, false); },
          "Process"_a,
          "Whether priority boosting is disabled for the process's threads: always True on POSIX.");
    m.def("SetProcessPriorityBoost", [](HandleArg h, bool disable) {
        proc::set_priority_boost_disabled(h.value, false, disable);
    }, "Process"_a, "DisablePriorityBoost"_a,
          "Disabling boosts succeeds (there are none on POSIX); enabling them is ERROR_NOT_SUPPORTED.");

    m.def("ExitProcess", [](long long code) {
        // No atexit handlers or flushing beyond the C library's, as Windows.
        std::exit(static_cast<int>(dword_arg(code, "exitCode") & 0xFF));
    }, "exitCode"_a,
          "Ends this process with the exit code (on POSIX its low 8 bits), without Python's cleanup.");
    m.def("GetPriorityClass", [](HandleArg h) { return proc::get_priority_class(h.value); }, "handle"_a,
          "The process's priority class. On POSIX it is read from the nice value of its main thread "
          "(bands around IDLE 19, BELOW_NORMAL 10, NORMAL 0, ABOVE_NORMAL -5, HIGH -10, REALTIME -20).");
    m.def("SetPriorityClass", [](HandleArg h, long long c) {
        proc::set_priority_class(h.value, dword_arg(c, "dwPriorityClass"));
    }, "handle"_a, "dwPriorityClass"_a,
          "Sets the process's priority class: on POSIX every thread's nice value moves to the class, "
          "keeping its thread priority level. Raising needs CAP_SYS_NICE (ERROR_PRIVILEGE_NOT_HELD); an "
          "unknown class is ERROR_INVALID_PARAMETER.");
    m.def("GetProcessAffinityMask", [](HandleArg h) { return proc::get_process_affinity_mask(h.value); },
          "hProcess"_a,
          "(process mask, system mask): the CPUs the process (its main thread) may run on and those the "
          "system has, up to 64.");
    m.def("SetProcessAffinityMask", [](HandleArg h, unsigned long long mask) {
        proc::set_process_affinity_mask(h.value, mask);
    }, "hProcess"_a, "mask"_a,
          "Restricts the process (its main thread, with sched_setaffinity) to the CPUs of the mask; 0 or "
          "CPUs the system lacks are ERROR_INVALID_PARAMETER.");
    m.def("EnumProcesses", [] { return nb::tuple(nb::cast(proc::enum_processes())); },
          "The ids of the running processes (from /proc on POSIX).");
    m.def("GetModuleFileNameEx", [](HandleArg h, HandleArg module) {
        return proc::get_module_file_name(h.value, module.value);
    }, "hProcess"_a, "hModule"_a.none(),
          "The path of a module of the process: the executable for None/0, else the shared object "
          "mapped at that base address (ERROR_INVALID_HANDLE for another value).");
    // Module handles are base addresses, as on Windows.
    auto module_bases = [](HandleArg h) {
        nb::list bases;
        for (const auto& module : proc::get_process_modules(h.value)) bases.append(module.base);
        return nb::tuple(bases);
    };
    m.def("EnumProcessModules", module_bases, "hProcess"_a,
          "The module handles of the process: on POSIX the base addresses of its executable and of the "
          "shared objects mapped in.");
    m.def("EnumProcessModulesEx", [module_bases](HandleArg h, long long /*filter: one view here*/) {
        return module_bases(h);
    }, "hProcess"_a, "FilterFlag"_a = 0,
          "Same as EnumProcessModules: on POSIX there is one view (no 32-bit modules to filter).");
    m.def("_ProcessTimes", [](HandleArg h) {
        proc::ProcessTimes t = proc::get_process_times(h.value);
        return nb::make_tuple(t.creation_filetime, t.exit_filetime, t.kernel_100ns, t.user_100ns);
    }, "handle"_a, "(creation FILETIME, exit FILETIME or 0, kernel 100ns, user 100ns) of a process.");
    m.def("GetProcessMemoryInfo", [](HandleArg h) {
        proc::ProcessMemory mem = proc::get_process_memory_info(h.value);
        nb::dict d;
        d["PageFaultCount"] = mem.page_fault_count;
        d["PeakWorkingSetSize"] = mem.peak_working_set;
        d["WorkingSetSize"] = mem.working_set;
        d["QuotaPeakPagedPoolUsage"] = mem.quota_peak_paged_pool;
        d["QuotaPagedPoolUsage"] = mem.quota_paged_pool;
        d["QuotaPeakNonPagedPoolUsage"] = mem.quota_peak_non_paged_pool;
        d["QuotaNonPagedPoolUsage"] = mem.quota_non_paged_pool;
        d["PagefileUsage"] = mem.pagefile_usage;
        d["PeakPagefileUsage"] = mem.peak_pagefile_usage;
        return d;
    }, "hProcess"_a,
          "PROCESS_MEMORY_COUNTERS as a dict: on POSIX WorkingSetSize is the RSS, PeakWorkingSetSize "
          "VmHWM, PagefileUsage private data + stack, QuotaPagedPoolUsage the page tables.");
    m.def("GetProcessIoCounters", [](HandleArg h) {
        proc::ProcessIo io = proc::get_process_io_counters(h.value);
        nb::dict d;
        d["ReadOperationCount"] = io.read_operations;
        d["WriteOperationCount"] = io.write_operations;
        d["OtherOperationCount"] = io.other_operations;
        d["ReadTransferCount"] = io.read_bytes;
        d["WriteTransferCount"] = io.write_bytes;
        d["OtherTransferCount"] = io.other_bytes;
        return d;
    }, "hProcess"_a,
          "IO_COUNTERS as a dict, from /proc/PID/io on POSIX (system calls and bytes; the Other counts "
          "are 0).");
    m.def("IsWow64Process", [](HandleArg h) {
        proc::process_of(h.value, "IsWow64Process");
        return false;  // there is no 32-bit emulation layer here
    }, "Process"_a.none() = nb::none(),
          "False: on POSIX there is no 32-bit emulation layer.");

    // No POSIX meaning: other users' tokens, remote threads, windows, another
    // process's memory by address.
    m.def("CreateProcessAsUser", [](nb::args) { not_supported("CreateProcessAsUser"); },
          "On POSIX: not supported (another user's token cannot start a process here: use CreateProcess as that user).");
    m.def("CreateRemoteThread", [](nb::args) { not_supported("CreateRemoteThread"); },
          "On POSIX: not supported (POSIX cannot start a thread in another process).");
    m.def("GetWindowThreadProcessId", [](nb::handle) { not_supported("GetWindowThreadProcessId"); }, "hwnd"_a,
          "On POSIX: not supported (there are no windows).");
    m.def("AttachThreadInput", [](nb::handle, nb::handle, nb::handle) { not_supported("AttachThreadInput"); },
          "idAttach"_a, "idAttachTo"_a, "Attach"_a, "On POSIX: not supported (there is no window input).");
    m.def("GetGuiResources", [](nb::handle, nb::handle) { not_supported("GetGuiResources"); }, "Process"_a,
          "Flags"_a, "On POSIX: not supported (there are no GUI objects).");
    m.def("GetProcessWindowStation", [] { not_supported("GetProcessWindowStation"); },
          "On POSIX: not supported (there are no window stations).");
    m.def("ReadProcessMemory", [](nb::args) { not_supported("ReadProcessMemory"); },
          "On POSIX: not supported (another process's memory is not read by address here).");
    m.def("WriteProcessMemory", [](nb::args) { not_supported("WriteProcessMemory"); },
          "On POSIX: not supported (another process's memory is not written by address here).");
    m.def("VirtualAllocEx", [](nb::args) { not_supported("VirtualAllocEx"); },
          "On POSIX: not supported (another process's memory is not allocated by address here).");
    m.def("VirtualFreeEx", [](nb::args) { not_supported("VirtualFreeEx"); },
          "On POSIX: not supported (another process's memory is not freed by address here).");
}

}  // namespace

W32_REGISTER_SUBMODULE("win32process", bind_win32process);

}  // namespace bindings
