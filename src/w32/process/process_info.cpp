#include "w32/process/process_info.h"

#include <dirent.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/process/child_process.h"
#include "w32/process/process_object.h"
#include "w32/process/thread_object.h"

namespace w32::process {

namespace {

constexpr uint64_t kFiletimeUnixEpoch = 116444736000000000ULL;  // 1970-01-01 in 100 ns since 1601

pid_t pid_of(Handle h, const char* function) { return process_of(h, function)->pid(); }

std::string proc_path(pid_t pid, const char* leaf) { return "/proc/" + std::to_string(pid) + "/" + leaf; }

// A /proc stat file's fields after the command name (field 3 is index 0).
std::vector<std::string> stat_fields_at(const std::string& path, const char* function) {
    std::ifstream f(path);
    std::string line;
    if (!std::getline(f, line)) throw_win32(err::kInvalidHandle, function);  // gone
    size_t close = line.rfind(')');
    if (close == std::string::npos) throw_win32(err::kInvalidData, function);
    std::istringstream rest(line.substr(close + 1));
    std::vector<std::string> fields;
    for (std::string field; rest >> field;) fields.push_back(field);
    if (fields.size() < 20) throw_win32(err::kInvalidData, function);
    return fields;
}

std::vector<std::string> stat_fields(pid_t pid, const char* function) {
    return stat_fields_at(proc_path(pid, "stat"), function);
}

uint64_t field(const std::vector<std::string>& fields, int stat_field_number) {
    return std::strtoull(fields[static_cast<size_t>(stat_field_number - 3)].c_str(), nullptr, 10);
}

uint64_t boot_time_unix_ns() {
    std::ifstream f("/proc/stat");
    for (std::string key; f >> key;) {
        if (key == "btime") {
            uint64_t seconds = 0;
            f >> seconds;
            return seconds * 1000000000ULL;
        }
    }
    return 0;
}

uint64_t ticks_to_100ns(uint64_t ticks) {
    static const long hz = ::sysconf(_SC_CLK_TCK);
    return ticks * (10000000ULL / static_cast<uint64_t>(hz > 0 ? hz : 100));
}

// "VmRSS:    1234 kB" lines of /proc/PID/status, in bytes.
uint64_t status_kb(const std::string& status, const char* key) {
    size_t at = status.find(std::string("\n") + key + ":");
    if (at == std::string::npos) return 0;
    return std::strtoull(status.c_str() + at + std::strlen(key) + 2, nullptr, 10) * 1024;
}

}  // namespace

uint64_t filetime_from_unix_ns(uint64_t unix_ns) noexcept { return kFiletimeUnixEpoch + unix_ns / 100; }

ProcessTimes get_process_times(Handle h) {
    const char* fn = "GetProcessTimes";
    return times_from_stat(proc_path(pid_of(h, fn), "stat"), fn);
}

ProcessTimes times_from_stat(const std::string& stat_path, const char* fn) {
    auto f = stat_fields_at(stat_path, fn);
    ProcessTimes t;
    t.user_100ns = ticks_to_100ns(field(f, 14));
    t.kernel_100ns = ticks_to_100ns(field(f, 15));
    uint64_t start_ticks = field(f, 22);
    t.creation_filetime = filetime_from_unix_ns(boot_time_unix_ns()) + ticks_to_100ns(start_ticks);
    return t;
}

ProcessMemory get_process_memory_info(Handle h) {
    const char* fn = "GetProcessMemoryInfo";
    pid_t pid = pid_of(h, fn);
    auto f = stat_fields(pid, fn);
    std::ifstream in(proc_path(pid, "status"));
    std::stringstream buf;
    buf << "\n" << in.rdbuf();
    std::string status = buf.str();
    ProcessMemory m;
    m.page_fault_count = field(f, 10) + field(f, 12);  // minor + major
    m.working_set = status_kb(status, "VmRSS");
    m.peak_working_set = status_kb(status, "VmHWM");
    // Private committed memory is closest to Windows' pagefile usage.
    m.pagefile_usage = status_kb(status, "VmData") + status_kb(status, "VmStk");
    m.peak_pagefile_usage = m.pagefile_usage;  // Linux keeps no peak of it
    m.quota_paged_pool = status_kb(status, "VmPTE");
    m.quota_peak_paged_pool = m.quota_paged_pool;
    return m;
}

ProcessIo get_process_io_counters(Handle h) {
    const char* fn = "GetProcessIoCounters";
    pid_t pid = pid_of(h, fn);
    std::ifstream in(proc_path(pid, "io"));
    if (!in) throw_win32(errno == EACCES ? err::kAccessDenied : err::kInvalidHandle, fn);
    ProcessIo io;
    std::string key;
    uint64_t value;
    while (in >> key >> value) {
        if (key == "syscr:") io.read_operations = value;
        else if (key == "syscw:") io.write_operations = value;
        else if (key == "rchar:") io.read_bytes = value;
        else if (key == "wchar:") io.write_bytes = value;
    }
    return io;
}

namespace {

std::string executable_path(pid_t pid, const char* fn) {
    char buf[4096];
    ssize_t n = ::readlink(proc_path(pid, "exe").c_str(), buf, sizeof buf - 1);
    if (n < 0) throw_win32(errno == EACCES ? err::kAccessDenied : err::kInvalidHandle, fn);
    return std::string(buf, static_cast<size_t>(n));
}

}  // namespace

std::vector<Module> get_process_modules(Handle h) {
    const char* fn = "EnumProcessModules";
    pid_t pid = pid_of(h, fn);
    std::string exe = executable_path(pid, fn);
    std::ifstream maps(proc_path(pid, "maps"));
    if (!maps) throw_win32(err::kAccessDenied, fn);
    std::vector<Module> modules{{0, exe}};
    std::set<std::string> seen;
    for (std::string line; std::getline(maps, line);) {
        size_t slash = line.find('/');
        if (slash == std::string::npos) continue;
        std::string path = line.substr(slash);
        if (path != exe && path.find(".so") == std::string::npos) continue;
        if (!seen.insert(path).second) continue;  // its first (lowest) mapping is its base
        uint64_t base = std::strtoull(line.c_str(), nullptr, 16);
        if (path == exe) modules[0].base = base;
        else modules.push_back({base, path});
    }
    return modules;
}

std::string get_module_file_name(Handle h, uint64_t base) {
    const char* fn = "GetModuleFileNameEx";
    if (base == 0) return executable_path(pid_of(h, fn), fn);
    for (const Module& m : get_process_modules(h))
        if (m.base == base) return m.path;
    throw_win32(err::kInvalidHandle, fn);
}

uint32_t get_priority_class(Handle h) {
    const char* fn = "GetPriorityClass";
    pid_t pid = pid_of(h, fn);
    errno = 0;
    int nice_value = ::getpriority(PRIO_PROCESS, static_cast<id_t>(pid));
    if (nice_value == -1 && errno != 0) throw_win32(win32_from_errno(errno), fn);
    return priority_class_of_nice(nice_value);
}

void set_priority_class(Handle h, uint32_t priority_class) {
    const char* fn = "SetPriorityClass";
    pid_t pid = pid_of(h, fn);
    nice_of_priority_class(priority_class, fn);  // a bad class fails before anything moves
    errno = 0;
    int main_nice = ::getpriority(PRIO_PROCESS, static_cast<id_t>(pid));
    if (main_nice == -1 && errno != 0) throw_win32(errno == ESRCH ? err::kInvalidHandle : win32_from_errno(errno), fn);
    uint32_t old_class = priority_class_of_nice(main_nice);
    // Linux keeps a nice value per thread: each thread moves to the new
    // class at the level it had in the old one, as Windows' thread base
    // priorities follow the class. The main thread goes first: it is what
    // the class is read from.
    std::vector<pid_t> tasks{pid};
    if (DIR* d = ::opendir(proc_path(pid, "task").c_str())) {
        while (dirent* e = ::readdir(d)) {
            pid_t tid = static_cast<pid_t>(std::atoi(e->d_name));
            if (tid > 0 && tid != pid) tasks.push_back(tid);
        }
        ::closedir(d);
    }
    for (pid_t tid : tasks) {
        errno = 0;
        int nice_value = ::getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
        if (nice_value == -1 && errno != 0) continue;  // ended meanwhile
        int level = thread_priority_of_nice(old_class, nice_value);
        int target = nice_of_thread_priority(priority_class, level, fn);
        if (::setpriority(PRIO_PROCESS, static_cast<id_t>(tid), target) != 0) {
            if (errno == ESRCH && tid != pid) continue;
            // Raising a priority needs CAP_SYS_NICE: ERROR_PRIVILEGE_NOT_HELD then.
            throw_win32(errno == EACCES || errno == EPERM ? err::kPrivilegeNotHeld : win32_from_errno(errno), fn);
        }
    }
}

std::pair<uint64_t, uint64_t> get_process_affinity_mask(Handle h) {
    const char* fn = "GetProcessAffinityMask";
    pid_t pid = pid_of(h, fn);
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(pid, sizeof set, &set) != 0) throw_win32(win32_from_errno(errno), fn);
    uint64_t process_mask = 0, system_mask = 0;
    long cpus = ::sysconf(_SC_NPROCESSORS_CONF);
    for (int cpu = 0; cpu < 64 && cpu < cpus; ++cpu) {
        system_mask |= 1ULL << cpu;
        if (CPU_ISSET(cpu, &set)) process_mask |= 1ULL << cpu;
    }
    return {process_mask, system_mask};
}

void set_process_affinity_mask(Handle h, uint64_t mask) {
    const char* fn = "SetProcessAffinityMask";
    pid_t pid = pid_of(h, fn);
    auto [current, system] = get_process_affinity_mask(h);
    (void)current;
    if (mask == 0 || (mask & ~system)) throw_win32(err::kInvalidParameter, fn);
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int cpu = 0; cpu < 64; ++cpu)
        if (mask & (1ULL << cpu)) CPU_SET(cpu, &set);
    if (::sched_setaffinity(pid, sizeof set, &set) != 0) throw_win32(win32_from_errno(errno), fn);
}

std::vector<uint32_t> enum_processes() {
    std::vector<uint32_t> pids;
    DIR* d = ::opendir("/proc");
    if (!d) throw_win32(win32_from_errno(errno), "EnumProcesses");
    while (dirent* e = ::readdir(d)) {
        char* end = nullptr;
        unsigned long pid = std::strtoul(e->d_name, &end, 10);
        if (end != e->d_name && *end == '\0') pids.push_back(static_cast<uint32_t>(pid));
    }
    ::closedir(d);
    return pids;
}

}  // namespace w32::process
