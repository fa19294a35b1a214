// What win32api reports about the machine, the user and the clock, read
// from the POSIX sources that carry the same facts (sysconf, /proc, uname,
// the password database, clock_gettime).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace w32::sysinfo {

// SYSTEM_INFO.
struct SystemInfo {
    uint16_t processor_architecture = 0;  // PROCESSOR_ARCHITECTURE_AMD64 (9), ARM64 (12), INTEL (0)
    uint32_t page_size = 4096;
    uint64_t minimum_application_address = 0x10000;
    uint64_t maximum_application_address = 0;
    uint64_t active_processor_mask = 0;
    uint32_t number_of_processors = 1;
    uint32_t processor_type = 0;  // PROCESSOR_AMD_X8664 (8664), ...
    uint32_t allocation_granularity = 65536;
    uint16_t processor_level = 0;
    uint16_t processor_revision = 0;
};
SystemInfo system_info();

// MEMORYSTATUSEX, from /proc/meminfo and the process's address space.
struct MemoryStatus {
    uint32_t memory_load = 0;  // percent of physical memory in use
    uint64_t total_phys = 0, avail_phys = 0;
    uint64_t total_page_file = 0, avail_page_file = 0;  // the commit limit: RAM + swap
    uint64_t total_virtual = 0, avail_virtual = 0;
};
MemoryStatus memory_status();

// Milliseconds since boot (CLOCK_BOOTTIME, so time asleep counts, as on Windows).
uint64_t tick_count64() noexcept;

// GetComputerNameEx name types (COMPUTER_NAME_FORMAT).
enum class ComputerNameFormat : uint32_t {
    NetBios = 0,
    DnsHostname = 1,
    DnsDomain = 2,
    DnsFullyQualified = 3,
    PhysicalNetBios = 4,
    PhysicalDnsHostname = 5,
    PhysicalDnsDomain = 6,
    PhysicalDnsFullyQualified = 7,
};
// NetBIOS names are the host name's first label, upper-cased, at most 15
// characters, as Windows derives them. ERROR_INVALID_PARAMETER for other formats.
std::string computer_name(uint32_t format);

// GetUserNameEx formats (EXTENDED_NAME_FORMAT) that a local account has:
// NameSamCompatible (2, "HOST\\user") and NameDisplay (3, the GECOS name);
// the directory formats are ERROR_NONE_MAPPED, as for a local Windows account.
std::string user_name();
std::string user_name_ex(uint32_t format);

// GetVersionEx: the Windows version this package presents (10.0.19045,
// VER_PLATFORM_WIN32_NT, a workstation): programs branch on it, and the
// behaviour implemented is that of Windows 10.
struct VersionInfo {
    uint32_t major = 10, minor = 0, build = 19045, platform_id = 2;
    std::string csd_version;
    uint16_t service_pack_major = 0, service_pack_minor = 0, suite_mask = 0x100;  // VER_SUITE_SINGLEUSERTS
    uint8_t product_type = 1;  // VER_NT_WORKSTATION
};
VersionInfo version_info() noexcept;

// GetSystemMetrics: the metrics a headless POSIX process has a value for;
// 0 for the rest (Windows' answer to an index it does not know).
int32_t system_metric(int32_t index);

// The command line of this process, quoted as Windows' CommandLineToArgv
// parses it (process/command_line.h).
std::string command_line();

}  // namespace w32::sysinfo
