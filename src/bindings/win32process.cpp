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
    proc::ProcessInformation info;
    {
        nb::gil_scoped_release release;
        info = proc::create_process(p);
    }
    return nb::make_tuple(PyHandle(info.process), PyHandle(info.thread), info.process_id, info.thread_id);
}

void not_supported(const char* function) { w32::throw_win32(w32::err::kNotSupported, function); }

void bind_win32process(nb::module_ m) {
    nb::class_<StartupInfo>(m, "PySTARTUPINFO")
        .def(nb::init<>())
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
          "Starts a program: (hProcess, hThread, dwProcessId, dwThreadId).");
    m.def("GetExitCodeProcess", [](HandleArg h) { return proc::get_exit_code_process(h.value); }, "handle"_a);
    m.def("GetExitCodeThread", [](HandleArg h) { return proc::get_exit_code_thread(h.value); }, "handle"_a);
    m.def("TerminateProcess", [](HandleArg h, long long code) {
        proc::terminate_process(h.value, dword_arg(code, "exitCode"));
    }, "handle"_a, "exitCode"_a);
    m.def("ResumeThread", [](HandleArg h) { return proc::resume_thread(h.value); }, "handle"_a);
    m.def("SuspendThread", [](HandleArg h) { return proc::suspend_thread(h.value); }, "handle"_a);
    m.def("GetProcessId", [](HandleArg h) {
        return static_cast<uint32_t>(proc::process_of(h.value, "GetProcessId")->pid());
    }, "Process"_a);
    m.def("GetCurrentProcess", [] { return -1; });
    m.def("GetCurrentProcessId", [] { return static_cast<uint32_t>(::getpid()); });
    m.def("ExitProcess", [](long long code) {
        // No atexit handlers or flushing beyond the C library's, as Windows.
        std::exit(static_cast<int>(dword_arg(code, "exitCode") & 0xFF));
    }, "exitCode"_a);
    m.def("GetPriorityClass", [](HandleArg h) { return proc::get_priority_class(h.value); }, "handle"_a);
    m.def("SetPriorityClass", [](HandleArg h, long long c) {
        proc::set_priority_class(h.value, dword_arg(c, "dwPriorityClass"));
    }, "handle"_a, "dwPriorityClass"_a);
    m.def("GetProcessAffinityMask", [](HandleArg h) { return proc::get_process_affinity_mask(h.value); },
          "hProcess"_a);
    m.def("SetProcessAffinityMask", [](HandleArg h, unsigned long long mask) {
        proc::set_process_affinity_mask(h.value, mask);
    }, "hProcess"_a, "mask"_a);
    m.def("EnumProcesses", [] { return nb::tuple(nb::cast(proc::enum_processes())); });
    m.def("GetModuleFileNameEx", [](HandleArg h, HandleArg module) {
        return proc::get_module_file_name(h.value, module.value);
    }, "hProcess"_a, "hModule"_a.none());
    // Module handles are base addresses, as on Windows.
    auto module_bases = [](HandleArg h) {
        nb::list bases;
        for (const auto& module : proc::get_process_modules(h.value)) bases.append(module.base);
        return nb::tuple(bases);
    };
    m.def("EnumProcessModules", module_bases, "hProcess"_a);
    m.def("EnumProcessModulesEx", [module_bases](HandleArg h, long long /*filter: one view here*/) {
        return module_bases(h);
    }, "hProcess"_a, "FilterFlag"_a = 0);
    m.def("_ProcessTimes", [](HandleArg h) {
        proc::ProcessTimes t = proc::get_process_times(h.value);
        return nb::make_tuple(t.creation_filetime, t.exit_filetime, t.kernel_100ns, t.user_100ns);
    });
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
    }, "hProcess"_a);
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
    }, "hProcess"_a);
    m.def("IsWow64Process", [](HandleArg h) {
        proc::process_of(h.value, "IsWow64Process");
        return false;  // there is no 32-bit emulation layer here
    }, "Process"_a.none() = nb::none());

    // No POSIX meaning: other users' tokens, remote threads, windows, another
    // process's memory by address.
    m.def("CreateProcessAsUser", [](nb::args) { not_supported("CreateProcessAsUser"); });
    m.def("CreateRemoteThread", [](nb::args) { not_supported("CreateRemoteThread"); });
    m.def("GetWindowThreadProcessId", [](nb::handle) { not_supported("GetWindowThreadProcessId"); }, "hwnd"_a);
    m.def("AttachThreadInput", [](nb::handle, nb::handle, nb::handle) { not_supported("AttachThreadInput"); },
          "idAttach"_a, "idAttachTo"_a, "Attach"_a);
    m.def("GetGuiResources", [](nb::handle, nb::handle) { not_supported("GetGuiResources"); }, "Process"_a,
          "Flags"_a);
    m.def("GetProcessWindowStation", [] { not_supported("GetProcessWindowStation"); });
    m.def("ReadProcessMemory", [](nb::args) { not_supported("ReadProcessMemory"); });
    m.def("WriteProcessMemory", [](nb::args) { not_supported("WriteProcessMemory"); });
    m.def("VirtualAllocEx", [](nb::args) { not_supported("VirtualAllocEx"); });
    m.def("VirtualFreeEx", [](nb::args) { not_supported("VirtualFreeEx"); });
}

}  // namespace

W32_REGISTER_SUBMODULE("win32process", bind_win32process);

}  // namespace bindings
