// PhysicalDisk (/proc/diskstats, whole disks that have a device) and
// LogicalDisk (block-backed mounts of /proc/self/mountinfo, statvfs).
#include <sys/statvfs.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "w32/pdh/counter_types.h"
#include "w32/pdh/proc_reader.h"
#include "w32/pdh/system_objects.h"

namespace w32::pdh {

namespace {

using namespace perf_type;

constexpr int64_t kSectorBytes = 512;      // /proc/diskstats counts 512-byte sectors
constexpr int64_t kMsTo100ns = 10'000;

struct DiskStats {
    uint32_t major = 0, minor = 0;
    std::string name;
    uint64_t reads = 0, read_sectors = 0, read_ms = 0, writes = 0, write_sectors = 0, write_ms = 0;
    uint64_t in_flight = 0, io_ms = 0, weighted_ms = 0;
};

std::vector<DiskStats> read_diskstats(std::string& buf) {
    std::vector<DiskStats> out;
    if (!read_text("/proc/diskstats", buf)) return out;
    std::string_view text = buf;
    while (!text.empty()) {
        std::string_view line = next_line(text);
        DiskStats d;
        d.major = static_cast<uint32_t>(next_u64(line));
        d.minor = static_cast<uint32_t>(next_u64(line));
        d.name = std::string(next_word(line));
        if (d.name.empty()) continue;
        d.reads = next_u64(line);
        next_u64(line);  // reads merged
        d.read_sectors = next_u64(line);
        d.read_ms = next_u64(line);
        d.writes = next_u64(line);
        next_u64(line);  // writes merged
        d.write_sectors = next_u64(line);
        d.write_ms = next_u64(line);
        d.in_flight = next_u64(line);
        d.io_ms = next_u64(line);
        d.weighted_ms = next_u64(line);
        out.push_back(std::move(d));
    }
    return out;
}

// The I/O counters both disk objects share, in this order at the start of their tables.
enum DiskCounter { kDkDiskTime, kDkReadTime, kDkWriteTime, kDkIdleTime, kDkAvgQueue, kDkCurrentQueue,
                   kDkReads, kDkWrites, kDkTransfers, kDkReadBytes, kDkWriteBytes, kDkBytes, kDkSecPerRead,
                   kDkSecPerWrite, kDkIoCount };

std::vector<CounterInfo> disk_io_counters() {
    return {
        counter("% Disk Time", 0, k100nsecTimer, 0, kDetailNovice,
                "Average number of requests in flight, as a percentage (weighted time of /proc/diskstats); "
                "above 100 with PDH_FMT_NOCAP100."),
        counter("% Disk Read Time", 0, k100nsecTimer, 0, kDetailAdvanced, "Time spent reading, as a percentage."),
        counter("% Disk Write Time", 0, k100nsecTimer, 0, kDetailAdvanced, "Time spent writing, as a percentage."),
        counter("% Idle Time", 0, k100nsecTimerInv, 0, kDetailAdvanced,
                "Percentage of time the disk had no request in flight."),
        counter("Avg. Disk Queue Length", 0, kCounter100nsQueuelen, 2, kDetailNovice,
                "Average number of requests in flight."),
        counter("Current Disk Queue Length", 0, kCounterRawcount, 1, kDetailAdvanced,
                "Requests in flight at the time of the sample."),
        counter("Disk Reads/sec", 0, kCounterCounter, 0, kDetailNovice, "Rate of completed reads."),
        counter("Disk Writes/sec", 0, kCounterCounter, 0, kDetailNovice, "Rate of completed writes."),
        counter("Disk Transfers/sec", 0, kCounterCounter, 0, kDetailNovice, "Rate of completed reads and writes."),
        counter("Disk Read Bytes/sec", 0, kCounterBulkCount, -4, kDetailNovice, "Rate of bytes read."),
        counter("Disk Write Bytes/sec", 0, kCounterBulkCount, -4, kDetailNovice, "Rate of bytes written."),
        counter("Disk Bytes/sec", 0, kCounterBulkCount, -4, kDetailNovice, "Rate of bytes read and written."),
        counter("Avg. Disk sec/Read", 0, kAverageTimer, 3, kDetailAdvanced, "Average seconds per read."),
        counter("Avg. Disk sec/Write", 0, kAverageTimer, 3, kDetailAdvanced, "Average seconds per write."),
    };
}

void fill_disk_io(const DiskStats& d, std::vector<RawPair>& v) {
    auto i64 = [](uint64_t x) { return static_cast<int64_t>(x); };
    v[kDkDiskTime].first = i64(d.weighted_ms) * kMsTo100ns;
    v[kDkReadTime].first = i64(d.read_ms) * kMsTo100ns;
    v[kDkWriteTime].first = i64(d.write_ms) * kMsTo100ns;
    v[kDkIdleTime].first = i64(d.io_ms) * kMsTo100ns;
    v[kDkAvgQueue].first = i64(d.weighted_ms) * kMsTo100ns;
    v[kDkCurrentQueue].first = i64(d.in_flight);
    v[kDkReads].first = i64(d.reads);
    v[kDkWrites].first = i64(d.writes);
    v[kDkTransfers].first = i64(d.reads + d.writes);
    v[kDkReadBytes].first = i64(d.read_sectors) * kSectorBytes;
    v[kDkWriteBytes].first = i64(d.write_sectors) * kSectorBytes;
    v[kDkBytes].first = i64(d.read_sectors + d.write_sectors) * kSectorBytes;
    v[kDkSecPerRead] = {i64(d.read_ms) * kMsTo100ns, i64(d.reads)};
    v[kDkSecPerWrite] = {i64(d.write_ms) * kMsTo100ns, i64(d.writes)};
}

void add_disk(DiskStats& total, const DiskStats& d) {
    total.reads += d.reads;
    total.read_sectors += d.read_sectors;
    total.read_ms += d.read_ms;
    total.writes += d.writes;
    total.write_sectors += d.write_sectors;
    total.write_ms += d.write_ms;
    total.in_flight += d.in_flight;
    total.io_ms += d.io_ms;
    total.weighted_ms += d.weighted_ms;
}

// ---- PhysicalDisk --------------------------------------------------------------

class PhysicalDiskObject final : public PerfObject {
public:
    PhysicalDiskObject() {
        info_.name = "PhysicalDisk";
        info_.name_index = 234;
        info_.explain = "The Physical Disk performance object consists of counters that monitor hard or fixed disk "
                        "drives (/proc/diskstats). Instances are \"<n> <device>\" and _Total.";
        info_.counters = disk_io_counters();
    }
    const ObjectInfo& info() const override { return info_; }

    void sample(ObjectSample& out, const std::vector<bool>&, const InstanceFilter& filter) override {
        std::lock_guard lock(mutex_);
        out.time = now_100ns();
        out.instances.clear();
        DiskStats total;
        int n = 0;
        for (const DiskStats& d : read_diskstats(buf_)) {
            if (!is_physical(d.name)) continue;
            Instance inst;
            inst.name = std::to_string(n++) + " " + d.name;
            inst.identity = (static_cast<uint64_t>(d.major) << 32) | d.minor;
            if (!filter || filter(inst)) {
                inst.values.resize(info_.counters.size());
                fill_disk_io(d, inst.values);
            }
            add_disk(total, d);
            out.instances.push_back(std::move(inst));
        }
        Instance t;
        t.name = "_Total";
        t.identity = 1;
        t.values.resize(info_.counters.size());
        fill_disk_io(total, t.values);
        out.instances.push_back(std::move(t));
    }

private:
    // A whole disk with a device behind it (not a partition, loop, ram or zram device).
    bool is_physical(const std::string& name) {
        auto it = physical_.find(name);
        if (it != physical_.end()) return it->second;
        std::string path = "/sys/block/" + name + "/device";
        bool yes = name.find('/') == std::string::npos && ::access(path.c_str(), F_OK) == 0;
        physical_.emplace(name, yes);
        return yes;
    }

    ObjectInfo info_;
    std::mutex mutex_;
    std::string buf_;
    std::map<std::string, bool> physical_;
};

// ---- LogicalDisk ---------------------------------------------------------------

enum LogicalCounter { kLdFreeSpace = kDkIoCount, kLdFreeMegabytes };

struct Mount {
    uint32_t major, minor;
    std::string path;
};

// "\040" and friends: mountinfo escapes blanks and backslashes in octal.
std::string unescape_mount_path(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        bool octal = s[i] == '\\' && i + 3 < s.size();
        for (size_t k = 1; octal && k <= 3; ++k) octal = s[i + k] >= '0' && s[i + k] <= '7';
        if (octal) {
            out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

class LogicalDiskObject final : public PerfObject {
public:
    LogicalDiskObject() {
        info_.name = "LogicalDisk";
        info_.name_index = 236;
        info_.explain = "The Logical Disk performance object consists of counters that monitor logical partitions "
                        "of a hard or fixed disk drive: here the block-backed mounts, named by mount point, and "
                        "_Total.";
        info_.counters = disk_io_counters();
        info_.counters.push_back(counter("% Free Space", 0, kLargeRawFraction, 0, kDetailNovice,
                                         "Space available to unprivileged users as a percentage of the size "
                                         "(statvfs f_bavail / f_blocks)."));
        info_.counters.push_back(counter("Free Megabytes", 0, kCounterRawcount, 0, kDetailNovice,
                                         "Space available to unprivileged users, in megabytes (f_bavail)."));
    }
    const ObjectInfo& info() const override { return info_; }

    void sample(ObjectSample& out, const std::vector<bool>& wanted, const InstanceFilter& filter) override {
        std::lock_guard lock(mutex_);
        out.time = now_100ns();
        out.instances.clear();
        std::vector<Mount> mounts = read_mounts();
        bool want_io = false;
        for (int c = 0; c < kDkIoCount && c < static_cast<int>(wanted.size()); ++c) want_io = want_io || wanted[c];
        std::vector<DiskStats> stats;
        if (want_io) stats = read_diskstats(buf_);
        DiskStats io_total;
        int64_t free_total = 0, size_total = 0;
        const size_t ncounters = info_.counters.size();
        for (const Mount& m : mounts) {
            Instance inst;
            inst.name = m.path;
            inst.identity = (static_cast<uint64_t>(m.major) << 32) | m.minor;
            struct statvfs vfs{};
            bool have_vfs = ::statvfs(m.path.c_str(), &vfs) == 0;
            int64_t free_bytes = have_vfs ? static_cast<int64_t>(vfs.f_bavail) * static_cast<int64_t>(vfs.f_frsize) : 0;
            int64_t size_bytes = have_vfs ? static_cast<int64_t>(vfs.f_blocks) * static_cast<int64_t>(vfs.f_frsize) : 0;
            const DiskStats* io = nullptr;
            for (const DiskStats& d : stats)
                if (d.major == m.major && d.minor == m.minor) io = &d;
            // A file system mounted twice counts once in _Total.
            bool first_of_device = true;
            for (size_t k = 0; &mounts[k] != &m; ++k)
                first_of_device = first_of_device && !(mounts[k].major == m.major && mounts[k].minor == m.minor);
            if (first_of_device) {
                free_total += free_bytes;
                size_total += size_bytes;
                if (io) add_disk(io_total, *io);
            }
            if (!filter || filter(inst)) {
                inst.values.resize(ncounters);
                if (io) fill_disk_io(*io, inst.values);
                inst.values[kLdFreeSpace] = {free_bytes, size_bytes};
                inst.values[kLdFreeMegabytes].first = free_bytes >> 20;
            }
            out.instances.push_back(std::move(inst));
        }
        Instance t;
        t.name = "_Total";
        t.identity = 1;
        t.values.resize(ncounters);
        fill_disk_io(io_total, t.values);
        t.values[kLdFreeSpace] = {free_total, size_total};
        t.values[kLdFreeMegabytes].first = free_total >> 20;
        out.instances.push_back(std::move(t));
    }

private:
    std::vector<Mount> read_mounts() {
        std::vector<Mount> out;
        if (!read_text("/proc/self/mountinfo", buf_)) return out;
        std::string_view text = buf_;
        while (!text.empty()) {
            std::string_view line = next_line(text);
            next_word(line);  // mount id
            next_word(line);  // parent id
            std::string_view dev = next_word(line);
            std::string_view root = next_word(line);
            std::string_view point = next_word(line);
            size_t colon = dev.find(':');
            if (colon == std::string_view::npos || root != "/") continue;  // bind mounts of a subtree
            std::string_view maj = dev.substr(0, colon), min = dev.substr(colon + 1);
            Mount m{static_cast<uint32_t>(next_u64(maj)), static_cast<uint32_t>(next_u64(min)),
                    unescape_mount_path(point)};
            if (m.major == 0) continue;  // no block device: proc, tmpfs, overlay, ...
            bool seen = false;
            for (const Mount& o : out) seen = seen || o.path == m.path;
            if (!seen) out.push_back(std::move(m));
        }
        return out;
    }

    ObjectInfo info_;
    std::mutex mutex_;
    std::string buf_;
};

}  // namespace

PerfObject* physical_disk_object() {
    static PhysicalDiskObject o;
    return &o;
}
PerfObject* logical_disk_object() {
    static LogicalDiskObject o;
    return &o;
}

}  // namespace w32::pdh
