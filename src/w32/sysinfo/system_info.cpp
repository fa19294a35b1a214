#include "w32/sysinfo/system_info.h"

#include <dirent.h>
#include <pwd.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"

namespace w32::sysinfo {

namespace {

constexpr uint32_t kNoneMapped = 1332;  // ERROR_NONE_MAPPED

std::map<std::string, uint64_t> read_kb_table(const char* path) {
    std::map<std::string, uint64_t> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        out[line.substr(0, colon)] = std::strtoull(line.c_str() + colon + 1, nullptr, 10);
    }
    return out;
}

std::string cpuinfo_field(const std::string& name) {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.compare(0, name.size(), name) != 0) continue;
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string v = line.substr(colon + 1);
        v.erase(0, v.find_first_not_of(" \t"));
        return v;
    }
    return {};
}

std::string host_name() {
    char buf[256] = {0};
    if (::gethostname(buf, sizeof buf - 1) != 0) throw_errno(errno, "GetComputerName");
    return buf;
}

std::string first_label(const std::string& host) { return host.substr(0, host.find('.')); }

// The fully qualified name: the host name if it has dots, else the
// canonical name the resolver's hosts file gives it (no network lookups).
std::string fully_qualified(const std::string& host) {
    if (host.find('.') != std::string::npos) return host;
    std::ifstream in("/etc/hosts");
    std::string line;
    while (std::getline(in, line)) {
        auto hash = line.find('#');
        if (hash != std::string::npos) line.resize(hash);
        std::istringstream words(line);
        std::string addr, canonical, alias;
        if (!(words >> addr >> canonical)) continue;
        bool match = canonical == host || first_label(canonical) == host;
        while (!match && words >> alias) match = alias == host;
        if (match && canonical.find('.') != std::string::npos && first_label(canonical) == host) return canonical;
    }
    return host;
}

bool network_present() {
    DIR* dir = ::opendir("/sys/class/net");
    if (!dir) return false;
    bool up = false;
    while (dirent* e = ::readdir(dir)) {
        std::string name = e->d_name;
        if (name == "." || name == ".." || name == "lo") continue;
        std::ifstream state("/sys/class/net/" + name + "/operstate");
        std::string s;
        std::getline(state, s);
        // "unknown" is what virtual and tunnel devices that carry traffic report.
        if (s == "up" || s == "unknown") up = true;
    }
    ::closedir(dir);
    return up;
}

}  // namespace

SystemInfo system_info() {
    SystemInfo s;
#if defined(__x86_64__)
    s.processor_architecture = 9;
    s.processor_type = 8664;
    s.maximum_application_address = 0x7FFFFFFEFFFFULL;
#elif defined(__aarch64__)
    s.processor_architecture = 12;
    s.processor_type = 0;
    s.maximum_application_address = 0x7FFFFFFEFFFFULL;
#elif defined(__i386__)
    s.processor_architecture = 0;
    s.processor_type = 586;
    s.maximum_application_address = 0x7FFEFFFFULL;
#else
    s.processor_architecture = 0xFFFF;  // PROCESSOR_ARCHITECTURE_UNKNOWN
    s.maximum_application_address = 0x7FFFFFFEFFFFULL;
#endif
    long page = ::sysconf(_SC_PAGESIZE);
    s.page_size = page > 0 ? uint32_t(page) : 4096;
    // Windows' granularity, and a multiple of the page size here too.
    s.allocation_granularity = std::max<uint32_t>(65536, s.page_size);
    long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
    s.number_of_processors = cpus > 0 ? uint32_t(cpus) : 1;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0) {
        for (int i = 0; i < 64; ++i)
            if (CPU_ISSET(i, &set)) s.active_processor_mask |= uint64_t{1} << i;
    }
    std::string family = cpuinfo_field("cpu family");
    std::string model = cpuinfo_field("model\t");
    if (model.empty()) model = cpuinfo_field("model ");
    std::string stepping = cpuinfo_field("stepping");
    s.processor_level = uint16_t(std::strtoul(family.c_str(), nullptr, 10));
    s.processor_revision = uint16_t((std::strtoul(model.c_str(), nullptr, 10) << 8) |
                                    (std::strtoul(stepping.c_str(), nullptr, 10) & 0xFF));
    return s;
}

MemoryStatus memory_status() {
    MemoryStatus m;
    auto mem = read_kb_table("/proc/meminfo");
    m.total_phys = mem["MemTotal"] * 1024;
    m.avail_phys = (mem.count("MemAvailable") ? mem["MemAvailable"] : mem["MemFree"]) * 1024;
    uint64_t swap_total = mem["SwapTotal"] * 1024, swap_free = mem["SwapFree"] * 1024;
    m.total_page_file = m.total_phys + swap_total;
    m.avail_page_file = m.avail_phys + swap_free;
    if (m.total_phys) m.memory_load = uint32_t(100 - (m.avail_phys * 100) / m.total_phys);
    SystemInfo s = system_info();
    m.total_virtual = s.maximum_application_address + 1 - s.minimum_application_address;
    rlimit as{};
    if (::getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY)
        m.total_virtual = std::min<uint64_t>(m.total_virtual, as.rlim_cur);
    auto self = read_kb_table("/proc/self/status");
    uint64_t used = self["VmSize"] * 1024;
    m.avail_virtual = used < m.total_virtual ? m.total_virtual - used : 0;
    return m;
}

uint64_t tick_count64() noexcept {
    timespec ts{};
    ::clock_gettime(CLOCK_BOOTTIME, &ts);
    return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1000000;
}

std::string computer_name(uint32_t format) {
    std::string host = host_name();
    switch (static_cast<ComputerNameFormat>(format)) {
    case ComputerNameFormat::NetBios:
    case ComputerNameFormat::PhysicalNetBios: {
        std::string n = first_label(host).substr(0, 15);
        for (auto& c : n) c = char(std::toupper(static_cast<unsigned char>(c)));
        return n;
    }
    case ComputerNameFormat::DnsHostname:
    case ComputerNameFormat::PhysicalDnsHostname: return first_label(host);
    case ComputerNameFormat::DnsDomain:
    case ComputerNameFormat::PhysicalDnsDomain: {
        std::string fq = fully_qualified(host);
        auto dot = fq.find('.');
        return dot == std::string::npos ? std::string() : fq.substr(dot + 1);
    }
    case ComputerNameFormat::DnsFullyQualified:
    case ComputerNameFormat::PhysicalDnsFullyQualified: return fully_qualified(host);
    }
    throw_win32(err::kInvalidParameter, "GetComputerNameEx");
}

std::string user_name() {
    passwd pw{}, *found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwuid_r(::geteuid(), &pw, buf.data(), buf.size(), &found) != 0 || !found) {
        // No entry (a container's bare uid): Windows always has a name; use the number.
        return std::to_string(::geteuid());
    }
    return pw.pw_name;
}

std::string user_name_ex(uint32_t format) {
    switch (format) {
    case 2: return computer_name(0) + "\\" + user_name();  // NameSamCompatible
    case 3: {                                              // NameDisplay
        passwd pw{}, *found = nullptr;
        std::vector<char> buf(16384);
        if (::getpwuid_r(::geteuid(), &pw, buf.data(), buf.size(), &found) == 0 && found && pw.pw_gecos &&
            *pw.pw_gecos) {
            std::string gecos = pw.pw_gecos;
            return gecos.substr(0, gecos.find(','));
        }
        throw_win32(kNoneMapped, "GetUserNameEx");
    }
    case 0:  // NameUnknown
        throw_win32(err::kInvalidParameter, "GetUserNameEx");
    default:
        if (format > 12) throw_win32(err::kInvalidParameter, "GetUserNameEx");
        throw_win32(kNoneMapped, "GetUserNameEx");
    }
}

VersionInfo version_info() noexcept { return VersionInfo{}; }

int32_t system_metric(int32_t index) {
    switch (index) {
    case 0x1000:  // SM_REMOTESESSION: logged in over the network
        return std::getenv("SSH_CONNECTION") || std::getenv("SSH_CLIENT") ? 1 : 0;
    case 63:  // SM_NETWORK: bit 0 when a network is present (an interface other than loopback is up)
        return network_present() ? 1 : 0;
    case 22:  // SM_DEBUG
    case 67:  // SM_CLEANBOOT (0 = normal boot)
    case 0x2000:  // SM_SHUTTINGDOWN
    default:
        // Display, mouse and window metrics: a process without a display
        // has none (Windows' 0 for what does not apply).
        return 0;
    }
}

std::string command_line() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string out;
    size_t start = 0;
    while (start < raw.size()) {
        size_t end = raw.find('\0', start);
        if (end == std::string::npos) end = raw.size();
        std::string arg = raw.substr(start, end - start);
        if (!out.empty()) out += ' ';
        bool quote = arg.empty() || arg.find_first_of(" \t\"") != std::string::npos;
        if (!quote) {
            out += arg;
        } else {
            // The inverse of CommandLineToArgv's rules: backslashes double
            // only before a quote.
            out += '"';
            size_t slashes = 0;
            for (char c : arg) {
                if (c == '\\') {
                    ++slashes;
                    continue;
                }
                if (c == '"') out.append(slashes * 2 + 1, '\\');
                else out.append(slashes, '\\');
                slashes = 0;
                out += c;
            }
            out.append(slashes * 2, '\\');
            out += '"';
        }
        start = end + 1;
    }
    return out;
}

}  // namespace w32::sysinfo
