// Processor, Memory and System: from /proc/stat, /proc/interrupts,
// /proc/meminfo, /proc/vmstat, /proc/loadavg and /proc/uptime.
#include <dirent.h>

#include <mutex>
#include <string>
#include <vector>

#include "w32/pdh/counter_types.h"
#include "w32/pdh/proc_reader.h"
#include "w32/pdh/system_objects.h"

namespace w32::pdh {

CounterInfo counter(const char* name, uint32_t index, uint32_t type, int scale, uint32_t detail,
                    const char* explain) {
    return CounterInfo{name, index, type, scale, detail, explain};
}

namespace {

using namespace perf_type;

// ---- Processor -------------------------------------------------------------

enum ProcessorCounter { kCpuProcessorTime, kCpuUserTime, kCpuPrivilegedTime, kCpuIdleTime, kCpuInterruptTime,
                        kCpuDpcTime, kCpuInterruptsPerSec };

struct CpuTimes {
    uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    uint64_t total() const { return user + nice + system + idle + iowait + irq + softirq + steal; }
};

class ProcessorObject final : public PerfObject {
public:
    ProcessorObject() {
        info_.name = "Processor";
        info_.name_index = 238;
        info_.explain = "The Processor performance object consists of counters that measure aspects of processor "
                        "activity (from /proc/stat: one instance per CPU and _Total).";
        info_.counters = {
            counter("% Processor Time", 6, k100nsecTimerInv, 0, kDetailNovice,
                    "Percentage of elapsed time the processor spends on non-idle work (not idle, not I/O wait)."),
            counter("% User Time", 142, k100nsecTimer, 0, kDetailAdvanced,
                    "Percentage of elapsed time spent in user mode (user and nice)."),
            counter("% Privileged Time", 144, k100nsecTimer, 0, kDetailAdvanced,
                    "Percentage of elapsed time spent in kernel mode (system, irq and softirq)."),
            counter("% Idle Time", 0, k100nsecTimer, 0, kDetailAdvanced,
                    "Percentage of elapsed time the processor is idle (idle and I/O wait)."),
            counter("% Interrupt Time", 0, k100nsecTimer, 0, kDetailAdvanced,
                    "Percentage of elapsed time spent servicing hardware interrupts (irq)."),
            counter("% DPC Time", 0, k100nsecTimer, 0, kDetailAdvanced,
                    "Percentage of elapsed time spent in deferred work (softirq)."),
            counter("Interrupts/sec", 148, kCounterCounter, -2, kDetailAdvanced,
                    "Rate of hardware interrupts the processor services (/proc/interrupts)."),
        };
    }
    const ObjectInfo& info() const override { return info_; }

    void sample(ObjectSample& out, const std::vector<bool>& wanted, const InstanceFilter& filter) override {
        std::lock_guard lock(mutex_);
        out.time = now_100ns();
        out.instances.clear();
        std::vector<CpuTimes> cpus;
        CpuTimes total;
        uint64_t total_interrupts = 0;
        if (read_text("/proc/stat", buf_)) {
            std::string_view text = buf_;
            while (!text.empty()) {
                std::string_view line = next_line(text);
                if (line.substr(0, 3) == "cpu") {
                    std::string_view rest = line;
                    std::string_view label = next_word(rest);
                    CpuTimes t;
                    t.user = next_u64(rest);
                    t.nice = next_u64(rest);
                    t.system = next_u64(rest);
                    t.idle = next_u64(rest);
                    t.iowait = next_u64(rest);
                    t.irq = next_u64(rest);
                    t.softirq = next_u64(rest);
                    t.steal = next_u64(rest);
                    if (label == "cpu") total = t;
                    else cpus.push_back(t);
                } else if (line.substr(0, 5) == "intr ") {
                    std::string_view rest = line.substr(5);
                    total_interrupts = next_u64(rest);
                }
            }
        }
        std::vector<uint64_t> per_cpu_interrupts;
        bool want_interrupts = wanted.size() > kCpuInterruptsPerSec && wanted[kCpuInterruptsPerSec];
        if (want_interrupts) per_cpu_interrupts = read_interrupts(cpus.size());
        auto add = [&](std::string name, const CpuTimes& t, uint64_t interrupts) {
            Instance inst;
            inst.name = std::move(name);
            inst.time = ticks_to_100ns(t.total());
            if (!filter || filter(inst)) {
                inst.values.resize(info_.counters.size());
                auto set = [&](int c, uint64_t ticks) { inst.values[c].first = ticks_to_100ns(ticks); };
                set(kCpuProcessorTime, t.idle + t.iowait);
                set(kCpuUserTime, t.user + t.nice);
                set(kCpuPrivilegedTime, t.system + t.irq + t.softirq);
                set(kCpuIdleTime, t.idle + t.iowait);
                set(kCpuInterruptTime, t.irq);
                set(kCpuDpcTime, t.softirq);
                inst.values[kCpuInterruptsPerSec].first = static_cast<int64_t>(interrupts);
            }
            out.instances.push_back(std::move(inst));
        };
        for (size_t i = 0; i < cpus.size(); ++i)
            add(std::to_string(i), cpus[i], i < per_cpu_interrupts.size() ? per_cpu_interrupts[i] : 0);
        add("_Total", total, total_interrupts);
    }

private:
    // Column sums of /proc/interrupts: hardware interrupts per CPU.
    std::vector<uint64_t> read_interrupts(size_t ncpu) {
        std::vector<uint64_t> sums(ncpu, 0);
        if (!read_text("/proc/interrupts", buf_)) return sums;
        std::string_view text = buf_;
        next_line(text);  // the header of CPU names
        while (!text.empty()) {
            std::string_view line = next_line(text);
            size_t colon = line.find(':');
            if (colon == std::string_view::npos) continue;
            std::string_view rest = line.substr(colon + 1);
            for (size_t i = 0; i < ncpu; ++i) {
                std::string_view probe = rest;
                while (!probe.empty() && probe.front() == ' ') probe.remove_prefix(1);
                if (probe.empty() || probe.front() < '0' || probe.front() > '9') break;  // ERR:/MIS: rows
                sums[i] += next_u64(rest);
            }
        }
        return sums;
    }

    ObjectInfo info_;
    std::mutex mutex_;
    std::string buf_;
};

// ---- Memory ------------------------------------------------------------------

enum MemoryCounter { kMemAvailableBytes, kMemAvailableKBytes, kMemAvailableMBytes, kMemCommittedBytes,
                     kMemCommitLimit, kMemCommittedInUse, kMemCacheBytes, kMemPageFaults, kMemPages,
                     kMemPagesInput, kMemPagesOutput, kMemPoolPaged, kMemPoolNonpaged, kMemFreeZero };

class MemoryObject final : public PerfObject {
public:
    MemoryObject() {
        info_.name = "Memory";
        info_.name_index = 4;
        info_.explain = "The Memory performance object consists of counters that describe the behavior of physical "
                        "and virtual memory (/proc/meminfo, /proc/vmstat).";
        info_.has_instances = false;
        info_.counters = {
            counter("Available Bytes", 24, kCounterLargeRawcount, -6, kDetailNovice,
                    "Physical memory available to processes (MemAvailable), in bytes."),
            counter("Available KBytes", 0, kCounterLargeRawcount, -3, kDetailNovice,
                    "Physical memory available to processes (MemAvailable), in kilobytes."),
            counter("Available MBytes", 0, kCounterLargeRawcount, 0, kDetailNovice,
                    "Physical memory available to processes (MemAvailable), in megabytes."),
            counter("Committed Bytes", 26, kCounterLargeRawcount, -6, kDetailNovice,
                    "Committed virtual memory (Committed_AS), in bytes."),
            counter("Commit Limit", 30, kCounterLargeRawcount, -6, kDetailAdvanced,
                    "The commit limit (CommitLimit), in bytes."),
            counter("% Committed Bytes In Use", 0, kLargeRawFraction, 0, kDetailNovice,
                    "Committed Bytes as a percentage of the Commit Limit."),
            counter("Cache Bytes", 0, kCounterLargeRawcount, -6, kDetailAdvanced,
                    "Page cache, buffers and reclaimable slab (Cached + Buffers + SReclaimable), in bytes."),
            counter("Page Faults/sec", 28, kCounterCounter, -1, kDetailNovice,
                    "Rate of page faults, soft and hard (pgfault)."),
            counter("Pages/sec", 40, kCounterCounter, 0, kDetailNovice,
                    "Rate of pages read from disk to resolve hard faults plus pages swapped out (pgmajfault + pswpout)."),
            counter("Pages Input/sec", 0, kCounterCounter, 0, kDetailExpert,
                    "Rate of hard page faults (pgmajfault)."),
            counter("Pages Output/sec", 0, kCounterCounter, 0, kDetailExpert,
                    "Rate of pages swapped out (pswpout)."),
            counter("Pool Paged Bytes", 0, kCounterLargeRawcount, -5, kDetailAdvanced,
                    "Reclaimable kernel memory (SReclaimable), in bytes."),
            counter("Pool Nonpaged Bytes", 0, kCounterLargeRawcount, -5, kDetailAdvanced,
                    "Unreclaimable kernel memory (SUnreclaim), in bytes."),
            counter("Free & Zero Page List Bytes", 0, kCounterLargeRawcount, -6, kDetailExpert,
                    "Unused physical memory (MemFree), in bytes."),
        };
    }
    const ObjectInfo& info() const override { return info_; }

    void sample(ObjectSample& out, const std::vector<bool>& wanted, const InstanceFilter&) override {
        std::lock_guard lock(mutex_);
        out.time = now_100ns();
        out.instances.assign(1, Instance{});
        Instance& inst = out.instances[0];
        inst.values.resize(info_.counters.size());
        auto v = [&](int c) -> RawPair& { return inst.values[c]; };
        auto kb = [](uint64_t x) { return static_cast<int64_t>(x) * 1024; };
        uint64_t avail = 0, committed = 0, limit = 0, cached = 0, buffers = 0, sreclaim = 0, sunreclaim = 0, free = 0;
        if (read_text("/proc/meminfo", buf_)) {
            field_value(buf_, "MemAvailable:", avail);
            field_value(buf_, "Committed_AS:", committed);
            field_value(buf_, "CommitLimit:", limit);
            field_value(buf_, "Cached:", cached);
            field_value(buf_, "Buffers:", buffers);
            field_value(buf_, "SReclaimable:", sreclaim);
            field_value(buf_, "SUnreclaim:", sunreclaim);
            field_value(buf_, "MemFree:", free);
        }
        v(kMemAvailableBytes).first = kb(avail);
        v(kMemAvailableKBytes).first = static_cast<int64_t>(avail);
        v(kMemAvailableMBytes).first = static_cast<int64_t>(avail / 1024);
        v(kMemCommittedBytes).first = kb(committed);
        v(kMemCommitLimit).first = kb(limit);
        v(kMemCommittedInUse) = {kb(committed), kb(limit)};
        v(kMemCacheBytes).first = kb(cached + buffers + sreclaim);
        v(kMemPoolPaged).first = kb(sreclaim);
        v(kMemPoolNonpaged).first = kb(sunreclaim);
        v(kMemFreeZero).first = kb(free);
        bool want_vm = false;
        for (int c : {kMemPageFaults, kMemPages, kMemPagesInput, kMemPagesOutput})
            want_vm = want_vm || (c < static_cast<int>(wanted.size()) && wanted[c]);
        if (want_vm && read_text("/proc/vmstat", buf_)) {
            uint64_t pgfault = 0, majfault = 0, pswpout = 0;
            field_value(buf_, "pgfault ", pgfault);
            field_value(buf_, "pgmajfault ", majfault);
            field_value(buf_, "pswpout ", pswpout);
            v(kMemPageFaults).first = static_cast<int64_t>(pgfault);
            v(kMemPages).first = static_cast<int64_t>(majfault + pswpout);
            v(kMemPagesInput).first = static_cast<int64_t>(majfault);
            v(kMemPagesOutput).first = static_cast<int64_t>(pswpout);
        }
    }

private:
    ObjectInfo info_;
    std::mutex mutex_;
    std::string buf_;
};

// ---- System ------------------------------------------------------------------

enum SystemCounter { kSysProcesses, kSysThreads, kSysUpTime, kSysContextSwitches, kSysQueueLength,
                     kSysProcessorCount };

class SystemObject final : public PerfObject {
public:
    SystemObject() {
        info_.name = "System";
        info_.name_index = 2;
        info_.explain = "The System performance object consists of counters that apply to more than one instance "
                        "of a component processor on the computer.";
        info_.has_instances = false;
        info_.counters = {
            counter("Processes", 0, kCounterRawcount, 0, kDetailNovice, "Number of processes (entries of /proc)."),
            counter("Threads", 0, kCounterRawcount, -1, kDetailNovice,
                    "Number of threads (scheduling entities, /proc/loadavg)."),
            counter("System Up Time", 674, kElapsedTime, -4, kDetailNovice,
                    "Seconds since the computer was started (/proc/uptime)."),
            counter("Context Switches/sec", 146, kCounterCounter, -2, kDetailNovice,
                    "Rate of context switches on all processors (ctxt of /proc/stat)."),
            counter("Processor Queue Length", 44, kCounterRawcount, 1, kDetailNovice,
                    "Threads ready to run, the running ones included (procs_running of /proc/stat)."),
            counter("Processor Count", 0, kCounterRawcount, 0, kDetailAdvanced,
                    "Number of online processors."),
        };
    }
    const ObjectInfo& info() const override { return info_; }

    void sample(ObjectSample& out, const std::vector<bool>& wanted, const InstanceFilter&) override {
        std::lock_guard lock(mutex_);
        out.time = now_100ns();
        out.instances.assign(1, Instance{});
        Instance& inst = out.instances[0];
        inst.values.resize(info_.counters.size());
        auto want = [&](int c) { return c < static_cast<int>(wanted.size()) && wanted[c]; };
        if (want(kSysContextSwitches) || want(kSysQueueLength) || want(kSysProcessorCount)) {
            if (read_text("/proc/stat", buf_)) {
                uint64_t ctxt = 0, running = 0;
                field_value(buf_, "ctxt ", ctxt);
                field_value(buf_, "procs_running ", running);
                inst.values[kSysContextSwitches].first = static_cast<int64_t>(ctxt);
                inst.values[kSysQueueLength].first = static_cast<int64_t>(running);
                int64_t ncpu = 0;
                for (size_t pos = buf_.find("\ncpu"); pos != std::string::npos; pos = buf_.find("\ncpu", pos + 1))
                    ++ncpu;
                inst.values[kSysProcessorCount].first = ncpu;
            }
        }
        if (want(kSysThreads) && read_text("/proc/loadavg", buf_)) {
            size_t slash = buf_.find('/');
            if (slash != std::string::npos) {
                std::string_view rest = std::string_view(buf_).substr(slash + 1);
                inst.values[kSysThreads].first = static_cast<int64_t>(next_u64(rest));
            }
        }
        if (want(kSysUpTime) && read_text("/proc/uptime", buf_)) {
            std::string_view rest = buf_;
            uint64_t secs = next_u64(rest);
            uint64_t hundredths = 0;
            if (!rest.empty() && rest.front() == '.') {
                rest.remove_prefix(1);
                hundredths = next_u64(rest);
            }
            int64_t up = static_cast<int64_t>(secs) * 10'000'000 + static_cast<int64_t>(hundredths) * 100'000;
            inst.values[kSysUpTime].first = out.time - up;
        }
        if (want(kSysProcesses)) inst.values[kSysProcesses].first = count_processes();
        inst.time = out.time;
    }

private:
    static int64_t count_processes() {
        int64_t n = 0;
        if (DIR* d = opendir("/proc")) {
            while (dirent* e = readdir(d))
                if (e->d_name[0] >= '1' && e->d_name[0] <= '9') ++n;
            closedir(d);
        }
        return n;
    }

    ObjectInfo info_;
    std::mutex mutex_;
    std::string buf_;
};

}  // namespace

PerfObject* processor_object() {
    static ProcessorObject o;
    return &o;
}
PerfObject* memory_object() {
    static MemoryObject o;
    return &o;
}
PerfObject* system_object() {
    static SystemObject o;
    return &o;
}

}  // namespace w32::pdh
