// win32api's system functions: machine, user, version, clock, environment,
// command line, modules (dlopen) and TerminateProcess. The facts come from
// src/w32/sysinfo; this file converts them.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/paths/drive_table.h"
#include "w32/io/os_handles.h"
#include "w32/kernel/session_root.h"
#include "w32/process/child_process.h"
#include "w32/process/command_line.h"
#include "w32/process/process_object.h"
#include "w32/registry/value_codec.h"
#include "w32/sysinfo/modules.h"
#include "w32/sysinfo/system_info.h"

extern char** environ;

namespace nb = nanobind;
using namespace nb::literals;
namespace si = w32::sysinfo;

namespace bindings {

namespace {

// Windows' variable names ignore case: an exact match wins, then any
// spelling (so %path% and GetEnvironmentVariable("Path") find PATH).
std::optional<std::string> environment_value(const std::string& name) {
    if (name.empty() || name.find('=') != std::string::npos) return std::nullopt;
    if (const char* v = ::getenv(name.c_str())) return std::string(v);
    for (char** e = environ; e && *e; ++e) {
        const char* eq = std::strchr(*e, '=');
        if (!eq || size_t(eq - *e) != name.size()) continue;
        bool same = true;
        for (size_t i = 0; i < name.size() && same; ++i)
            same = std::toupper(static_cast<unsigned char>((*e)[i])) ==
                   std::toupper(static_cast<unsigned char>(name[i]));
        if (same) return std::string(eq + 1);
    }
    return std::nullopt;
}

nb::tuple system_info_tuple() {
    si::SystemInfo s = si::system_info();
    return nb::make_tuple(s.processor_architecture, s.page_size, s.minimum_application_address,
                          s.maximum_application_address, s.active_processor_mask, s.number_of_processors,
                          s.processor_type, s.allocation_granularity,
                          nb::make_tuple(s.processor_level, s.processor_revision));
}

nb::dict memory_status_dict(bool ex) {
    si::MemoryStatus m = si::memory_status();
    nb::dict d;
    d["MemoryLoad"] = m.memory_load;
    d["TotalPhys"] = m.total_phys;
    d["AvailPhys"] = m.avail_phys;
    d["TotalPageFile"] = m.total_page_file;
    d["AvailPageFile"] = m.avail_page_file;
    d["TotalVirtual"] = m.total_virtual;
    d["AvailVirtual"] = m.avail_virtual;
    if (ex) d["AvailExtendedVirtual"] = 0;
    return d;
}

nb::tuple version_ex(int format) {
    si::VersionInfo v = si::version_info();
    if (format == 0)
        return nb::make_tuple(v.major, v.minor, v.build, v.platform_id, v.csd_version);
    if (format != 1) w32::throw_win32(w32::err::kInvalidParameter, "GetVersionEx");
    return nb::make_tuple(v.major, v.minor, v.build, v.platform_id, v.csd_version, v.service_pack_major,
                          v.service_pack_minor, v.suite_mask, v.product_type, 0);
}

uint64_t module_arg(nb::handle h, const char* function) {
    if (h.is_none()) return 0;
    if (nb::isinstance<PyHandle>(h)) return nb::inst_ptr<PyHandle>(h)->value;
    if (!PyLong_Check(h.ptr())) throw nb::type_error("a module handle must be an int");
    unsigned long long v = PyLong_AsUnsignedLongLongMask(h.ptr());
    if (PyErr_Occurred()) throw nb::python_error();
    (void)function;
    return v;
}

constexpr uint32_t kHandleFlagInherit = 0x1;
constexpr uint32_t kHandleFlagProtectFromClose = 0x2;

uint32_t handle_information(HandleArg h) {
    auto entry = w32::HandleTable::instance().lookup(h.value, "GetHandleInformation");
    return entry.inherit ? kHandleFlagInherit : 0;
}

void set_handle_information(HandleArg h, long long mask, long long flags) {
    const char* fn = "SetHandleInformation";
    uint32_t m = dword_arg(mask, "Mask"), f = dword_arg(flags, "Flags");
    // Nothing here can stop CloseHandle: refusing is better than a promise not kept.
    if (m & f & kHandleFlagProtectFromClose) w32::throw_win32(w32::err::kNotSupported, fn);
    if (m & ~(kHandleFlagInherit | kHandleFlagProtectFromClose)) w32::throw_win32(w32::err::kInvalidParameter, fn);
    if (m & kHandleFlagInherit) w32::HandleTable::instance().set_inherit(h.value, f & kHandleFlagInherit, fn);
    else w32::HandleTable::instance().lookup(h.value, fn);
}

// Windows paths (C:\..., \\?\...) through the session's drive table; POSIX ones unchanged.
std::string posix_path(const std::string& path, const char* function) {
    return w32::paths::is_windows_path(path) ? w32::paths::to_posix(path, function) : path;
}

// SetStdHandle's replacements, as Windows keeps them per process (the C
// library's descriptors 0-2 are left as they are, as Windows leaves the CRT's).
std::mutex g_std_mutex;
std::optional<w32::Handle> g_std_handles[3];

int std_index(long long which, const char* function) {
    if (which < -12 || which > -10) w32::throw_win32(w32::err::kInvalidHandle, function);
    return int(-10 - which);
}

nb::object get_std_handle(long long which) {
    int i = std_index(which, "GetStdHandle");
    {
        std::lock_guard lock(g_std_mutex);
        if (g_std_handles[i]) return nb::int_(*g_std_handles[i]);
    }
    try {
        return nb::int_(w32::io::handle_for_fd(i));
    } catch (const w32::Win32Error&) {
        return nb::int_(0);  // no standard handle: NULL, as Windows returns
    }
}

void set_std_handle(long long which, HandleArg h) {
    int i = std_index(which, "SetStdHandle");
    if (h.value != 0) w32::HandleTable::instance().lookup(h.value, "SetStdHandle");
    std::lock_guard lock(g_std_mutex);
    g_std_handles[i] = h.value;
}

void terminate_process(HandleArg process, long long exit_code) {
    w32::process::terminate_process(process.value, dword_arg(exit_code, "exitCode"));
}

}  // namespace

void bind_win32api_system(nb::module_ m) {
    m.def("GetSystemInfo", &system_info_tuple,
          "(arch, pageSize, minAddress, maxAddress, activeProcessorMask, numberOfProcessors, "
          "processorType, allocationGranularity, (level, revision)).");
    m.def("GetNativeSystemInfo", &system_info_tuple, "Same as GetSystemInfo (one architecture).");
    m.def("GlobalMemoryStatus", [] { return memory_status_dict(false); },
          "Physical, commit and virtual memory, from /proc/meminfo.");
    m.def("GlobalMemoryStatusEx", [] { return memory_status_dict(true); },
          "Physical, commit and virtual memory, from /proc/meminfo.");
    m.def("GetTickCount", [] { return uint32_t(si::tick_count64()); },
          "Milliseconds since boot, wrapping at 2**32 as on Windows.");
    m.def("GetTickCount64", &si::tick_count64, "Milliseconds since boot.");
    m.def("GetComputerName", [] { return si::computer_name(0); },
          "The NetBIOS form of the host name (first label, upper case, 15 characters at most).");
    m.def("GetComputerNameEx", [](long long format) { return si::computer_name(dword_arg(format, "NameType")); },
          "NameType"_a, "The host name in a COMPUTER_NAME_FORMAT.");
    m.def("GetUserName", &si::user_name, "The login name of the effective user.");
    m.def("GetUserNameEx", [](long long format) { return si::user_name_ex(dword_arg(format, "NameFormat")); },
          "NameFormat"_a,
          "NameSamCompatible (HOST\\user) and NameDisplay (the full name); directory formats are "
          "ERROR_NONE_MAPPED, as for a local account.");
    m.def("GetVersion",
          [] {
              si::VersionInfo v = si::version_info();
              return (v.build << 16) | (v.minor << 8) | v.major;
          },
          "The Windows version presented (10.0), packed as GetVersion packs it.");
    m.def("GetVersionEx", &version_ex, "format"_a = 0,
          "(major, minor, build, platformId, csdVersion), and with format 1 the OSVERSIONINFOEX fields.");
    m.def("GetSystemMetrics", [](int index) { return si::system_metric(index); }, "index"_a,
          "SM_REMOTESESSION and SM_NETWORK have values; display metrics are 0 (no display).");
    m.def("GetCommandLine", &si::command_line, "This process's command line, quoted as Windows quotes it.");
    m.def("CommandLineToArgv", [](const std::string& line) { return w32::process::split_command_line(line); }, "cmdLine"_a,
          "Splits a command line by Windows' rules (quotes, backslashes).");
    m.def("ExpandEnvironmentStrings",
          [](const std::string& text) { return w32::registry::expand_environment_strings(text, environment_value); },
          "in"_a, "Replaces %NAME% by the variable's value (names ignore case); unknown names stay.");
    m.def("GetEnvironmentVariable", &environment_value, "variable"_a,
          "The variable's value (the name ignores case, as on Windows), or None.");
    m.def("GetEnvironmentVariableW", &environment_value, "Name"_a, "Same as GetEnvironmentVariable.");
    m.def("LoadLibrary", [](const std::string& name) { return si::load_library(posix_path(name, "LoadLibrary")); },
          "fileName"_a,
          "dlopen()s a shared library; ERROR_MOD_NOT_FOUND when it cannot be loaded.");
    m.def("LoadLibraryEx",
          [](const std::string& name, nb::handle, long long) {
              return si::load_library(posix_path(name, "LoadLibraryEx"));
          },
          "fileName"_a,
          "handle"_a.none(), "flags"_a = 0, "Same as LoadLibrary.");
    m.def("FreeLibrary", [](nb::handle h) { si::free_library(module_arg(h, "FreeLibrary")); }, "hModule"_a.none(),
          "Drops one LoadLibrary reference.");
    m.def("GetModuleHandle", [](std::optional<std::string> name) { return si::module_handle(name); },
          "fileName"_a.none() = nb::none(),
          "The main program (None) or a loaded library's handle; ERROR_MOD_NOT_FOUND if not loaded.");
    m.def("GetProcAddress",
          [](nb::handle h, const std::string& name) { return si::proc_address(module_arg(h, "GetProcAddress"), name); },
          "hModule"_a.none(), "functionName"_a, "The address of a symbol; ERROR_PROC_NOT_FOUND if missing.");
    m.def("GetModuleFileName",
          [](nb::handle h) { return si::module_file_name(module_arg(h, "GetModuleFileName")); },
          "hModule"_a.none(), "The path of the main program (None/0) or of a loaded library.");
    m.def("GetModuleFileNameW",
          [](nb::handle h) { return si::module_file_name(module_arg(h, "GetModuleFileNameW")); },
          "hModule"_a.none(), "Same as GetModuleFileName.");
    m.def("SetDllDirectory",
          [](std::optional<std::string> dir) {
              si::set_dll_directory(dir ? std::optional<std::string>(posix_path(*dir, "SetDllDirectory")) : dir);
          },
          "PathName"_a.none(),
          "A directory LoadLibrary searches first (None restores the default search).");
    m.def("GetDllDirectory", &si::dll_directory, "The directory set by SetDllDirectory ('' if none).");
    m.def("_state_dir",
          [] {
              const std::string& dir = w32::session_paths().state_dir;
              w32::ensure_private_dir(dir);
              return dir;
          },
          "The session's state directory (created 0700).");
    m.def("_posix_path", &posix_path, "path"_a, "function"_a,
          "The POSIX path of a Windows or POSIX path (for win32api's Python functions).");
    m.def("GetStdHandle", &get_std_handle, "handle"_a,
          "The handle of standard input/output/error (STD_*_HANDLE): the one SetStdHandle set, "
          "else the handle of descriptor 0, 1 or 2 (the same value each time); 0 when there is none.");
    m.def("SetStdHandle", &set_std_handle, "handle"_a, "handle1"_a.none(),
          "Replaces what GetStdHandle returns for this process (descriptors 0-2 stay as they are).");
    m.def("GetHandleInformation", &handle_information, "Object"_a,
          "HANDLE_FLAG_INHERIT when the handle is inherited by child processes.");
    m.def("SetHandleInformation", &set_handle_information, "Object"_a, "Mask"_a, "Flags"_a,
          "Sets HANDLE_FLAG_INHERIT; HANDLE_FLAG_PROTECT_FROM_CLOSE is ERROR_NOT_SUPPORTED.");
    m.def("TerminateProcess", &terminate_process, "handle"_a, "exitCode"_a,
          "Ends the process (SIGKILL; POSIX records no exit code for it).");
}

W32_REGISTER_SUBMODULE("win32api", bind_win32api_system);

}  // namespace bindings
