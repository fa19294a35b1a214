// What win32process reports about a process, read from /proc: times,
// memory, I/O, modules, priority and affinity, and the list of processes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "w32/kernel/handle_table.h"

namespace w32::process {

struct ProcessTimes {
    uint64_t creation_filetime = 0;  // 100 ns since 1601
    uint64_t exit_filetime = 0;      // 0 while it runs
    uint64_t kernel_100ns = 0;
    uint64_t user_100ns = 0;
};

struct ProcessMemory {
    uint64_t page_fault_count = 0;
    uint64_t peak_working_set = 0;
    uint64_t working_set = 0;
    uint64_t quota_peak_paged_pool = 0;
    uint64_t quota_paged_pool = 0;
    uint64_t quota_peak_non_paged_pool = 0;
    uint64_t quota_non_paged_pool = 0;
    uint64_t pagefile_usage = 0;  // committed private memory
    uint64_t peak_pagefile_usage = 0;
};

struct ProcessIo {
    uint64_t read_operations = 0, write_operations = 0, other_operations = 0;
    uint64_t read_bytes = 0, write_bytes = 0, other_bytes = 0;
};

// Each takes a process handle (PROCESS_QUERY_INFORMATION-ish rights are not
// told apart: /proc says what the user may see). A process that has ended
// and is gone from /proc gives ERROR_INVALID_HANDLE... except the times of
// one this process created, which are kept.
ProcessTimes get_process_times(Handle process);
// The times in a /proc stat file (a process's or a task's); ERROR_INVALID_HANDLE when gone.
ProcessTimes times_from_stat(const std::string& stat_path, const char* function);
ProcessMemory get_process_memory_info(Handle process);
ProcessIo get_process_io_counters(Handle process);
struct Module {
    uint64_t base = 0;  // where it is mapped: what Windows' HMODULE is
    std::string path;
};
// The executable, then the shared objects mapped in (Windows' DLLs).
std::vector<Module> get_process_modules(Handle process);
// /proc/PID/exe for module 0, else the module mapped at `base`
// (ERROR_INVALID_HANDLE for another address).
std::string get_module_file_name(Handle process, uint64_t base);
uint32_t get_priority_class(Handle process);
void set_priority_class(Handle process, uint32_t priority_class);
// (process mask, system mask)
std::pair<uint64_t, uint64_t> get_process_affinity_mask(Handle process);
void set_process_affinity_mask(Handle process, uint64_t mask);
std::vector<uint32_t> enum_processes();

// FILETIME of a Unix time in nanoseconds.
uint64_t filetime_from_unix_ns(uint64_t unix_ns) noexcept;

}  // namespace w32::process
