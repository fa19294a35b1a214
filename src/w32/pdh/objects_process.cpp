// Process and Thread: from /proc/<pid>/{stat,statm,status,io,fd} and
// /proc/<pid>/task/<tid>/stat. Instance names are Windows' style: the
// process name, then #1, #2 for later processes of the same name (by pid).
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "w32/pdh/counter_types.h"
#include "w32/pdh/proc_reader.h"
#include "w32/pdh/system_objects.h"

namespace w32::pdh {

namespace {

using namespace perf_type;

struct StatFields {
    std::string name;
    char state = '?';
    int64_t ppid = 0, minflt = 0, majflt = 0, utime = 0, stime = 0, nice = 0, threads = 0, rt_priority = 0;
    int64_t starttime = 0, vsize = 0, rss_pages = 0;
};

// Windows keeps '(', ')', '#' and '/' out of instance names: they are path syntax.
std::string instance_name_from_comm(std::string_view comm) {
    std::string s(comm);
    for (char& c : s) {
        if (c == '(') c = '[';
        else if (c == ')') c = ']';
        else if (c == '#' || c == '/' || c == '\\') c = '_';
    }
    return s;
}

bool parse_stat(std::string_view text, StatFields& f) {
    size_t open = text.find('(');
    size_t close = text.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return false;
    f.name = instance_name_from_comm(text.substr(open + 1, close - open - 1));
    std::string_view rest = text.substr(close + 1);
    std::string_view state = next_word(rest);
    f.state = state.empty() ? '?' : state.front();
    int64_t v[22] = {};  // fields 4.. (ppid) through 25 (rss)
    for (int64_t& x : v) x = next_i64(rest);
    f.ppid = v[0];
    f.minflt = v[5];
    f.majflt = v[7];
    f.utime = v[9];
    f.stime = v[10];
    f.nice = v[15];
    f.threads = v[16];
    f.starttime = v[18];
    f.vsize = v[19];
    f.rss_pages = v[20];
    return true;
}

// Windows' base priority classes for a nice value (realtime threads: 24).
int64_t priority_base(int64_t nice, bool realtime) {
    if (realtime) return 24;
    if (nice <= -10) return 13;
    if (nice < 0) return 10;
    if (nice == 0) return 8;
    if (nice < 10) return 6;
    return 4;
}

// Thread State: Windows' KTHREAD_STATE values for Linux task states.
int64_t thread_state(char s) {
    switch (s) {
        case 'R': return 2;  // Running
        case 'Z':
        case 'X': return 4;  // Terminated
        default: return 5;   // Wait
    }
}

bool any_of(const std::vector<bool>& wanted, std::initializer_list<int> counters) {
    for (int c : counters)
        if (c < static_cast<int>(wanted.size()) && wanted[c]) return true;
    return false;
}

struct ProcEntry {
    int pid;
    StatFields stat;
};

// Every process of /proc with its stat line, by pid.
void list_processes(int proc_fd, std::string& buf, std::vector<ProcEntry>& out) {
    out.clear();
    int fd = ::dup(proc_fd);
    DIR* d = fd >= 0 ? fdopendir(fd) : nullptr;
    if (!d) {
        if (fd >= 0) ::close(fd);
        return;
    }
    rewinddir(d);
    char path[64];
    while (dirent* e = readdir(d)) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
        int pid = atoi(e->d_name);
        snprintf(path, sizeof path, "%d/stat", pid);
        ProcEntry entry{pid, {}};
        if (!read_text_at(proc_fd, path, buf, 4096) || !parse_stat(buf, entry.stat)) continue;
        out.push_back(std::move(entry));
    }
    closedir(d);
    std::sort(out.begin(), out.end(), [](const ProcEntry& a, const ProcEntry& b) { return a.pid < b.pid; });
}

int open_proc() { return ::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC); }

// ---- Process -----------------------------------------------------------------

enum ProcessCounter { kPrProcessorTime, kPrUserTime, kPrPrivilegedTime, kPrCreatingPid, kPrElapsed, kPrHandles,
                      kPrPid, kPrIoReadOps, kPrIoWriteOps, kPrIoDataOps, kPrIoReadBytes, kPrIoWriteBytes,
                      kPrIoDataBytes, kPrPageFaults, kPrPriorityBase, kPrPrivateBytes, kPrThreadCount,
                      kPrVirtualBytes, kPrVirtualBytesPeak, kPrWorkingSet, kPrWorkingSetPeak,
                      kPrWorkingSetPrivate, kPrCount };

class ProcessObject final : public PerfObject {
public:
    ProcessObject() {
        info_.name = "Process";
        info_.name_index = 230;
        info_.explain = "The Process performance object consists of counters that monitor running application "
                        "program and system processes (one instance per /proc entry, and _Total).";
        info_.counters = {
            counter("% Processor Time", 6, k100nsecTimer, 0, kDetailNovice,
                    "Percentage of elapsed time all threads of the process used a processor (user + system); "
                    "above 100 on several processors with PDH_FMT_NOCAP100."),
            counter("% User Time", 142, k100nsecTimer, 0, kDetailAdvanced,
                    "Percentage of elapsed time the process spent in user mode (utime)."),
            counter("% Privileged Time", 144, k100nsecTimer, 0, kDetailAdvanced,
                    "Percentage of elapsed time the process spent in kernel mode (stime)."),
            counter("Creating Process ID", 1410, kCounterRawcount, 0, kDetailAdvanced,
                    "The process ID of the parent process (ppid)."),
            counter("Elapsed Time", 684, kElapsedTime, -4, kDetailAdvanced,
                    "Seconds since the process started."),
            counter("Handle Count", 952, kCounterRawcount, 0, kDetailNovice,
                    "Number of open file descriptors of the process (/proc/<pid>/fd)."),
            counter("ID Process", 784, kCounterRawcount, 0, kDetailAdvanced, "The process ID."),
            counter("IO Read Operations/sec", 1412, kCounterBulkCount, 0, kDetailAdvanced,
                    "Rate of read system calls (syscr)."),
            counter("IO Write Operations/sec", 1414, kCounterBulkCount, 0, kDetailAdvanced,
                    "Rate of write system calls (syscw)."),
            counter("IO Data Operations/sec", 1416, kCounterBulkCount, 0, kDetailAdvanced,
                    "Rate of read and write system calls."),
            counter("IO Read Bytes/sec", 1420, kCounterBulkCount, -4, kDetailAdvanced,
                    "Rate of bytes read, from files, pipes and sockets alike (rchar)."),
            counter("IO Write Bytes/sec", 1422, kCounterBulkCount, -4, kDetailAdvanced,
                    "Rate of bytes written, to files, pipes and sockets alike (wchar)."),
            counter("IO Data Bytes/sec", 1424, kCounterBulkCount, -4, kDetailAdvanced,
                    "Rate of bytes read and written."),
            counter("Page Faults/sec", 28, kCounterCounter, -1, kDetailAdvanced,
                    "Rate of page faults of the process (minflt + majflt)."),
            counter("Priority Base", 682, kCounterRawcount, 0, kDetailAdvanced,
                    "Windows' base priority class for the process's nice value (8: normal)."),
            counter("Private Bytes", 186, kCounterLargeRawcount, -5, kDetailNovice,
                    "Private writable memory of the process (data + stack, VmData), in bytes."),
            counter("Thread Count", 680, kCounterRawcount, 0, kDetailNovice, "Number of threads of the process."),
            counter("Virtual Bytes", 174, kCounterLargeRawcount, -6, kDetailNovice,
                    "Size of the virtual address space of the process (vsize), in bytes."),
            counter("Virtual Bytes Peak", 172, kCounterLargeRawcount, -6, kDetailAdvanced,
                    "Largest size of the virtual address space (VmPeak), in bytes."),
            counter("Working Set", 180, kCounterLargeRawcount, -5, kDetailNovice,
                    "Resident memory of the process (RSS), in bytes."),
            counter("Working Set Peak", 178, kCounterLargeRawcount, -5, kDetailAdvanced,
                    "Largest resident size (VmHWM), in bytes."),
            counter("Working Set - Private", 1478, kCounterLargeRawcount, -5, kDetailAdvanced,
                    "Resident anonymous memory (RssAnon), in bytes."),
        };
    }
    const ObjectInfo& info() const override { return info_; }

    void sample(ObjectSample& out, const std::vector<bool>& wanted, const InstanceFilter& filter) override {
        std::lock_guard lock(mutex_);
        if (proc_fd_ < 0) proc_fd_ = open_proc();
        out.time = now_100ns();
        out.instances.clear();
        list_processes(proc_fd_, buf_, entries_);
        out.instances.reserve(entries_.size() + 1);
        for (const ProcEntry& e : entries_) {
            Instance inst;
            inst.name = e.stat.name;
            inst.identity = (static_cast<uint64_t>(e.pid) << 40) ^ static_cast<uint64_t>(e.stat.starttime);
            out.instances.push_back(std::move(inst));
        }
        number_duplicates(out.instances);
        const bool need_statm = any_of(wanted, {kPrPrivateBytes});
        const bool need_status = any_of(wanted, {kPrVirtualBytesPeak, kPrWorkingSetPeak, kPrWorkingSetPrivate});
        const bool need_io = any_of(wanted, {kPrIoReadOps, kPrIoWriteOps, kPrIoDataOps, kPrIoReadBytes,
                                             kPrIoWriteBytes, kPrIoDataBytes});
        const bool need_fds = any_of(wanted, {kPrHandles});
        const int64_t page = page_size();
        const int64_t boot = boot_time_100ns();
        Instance total;
        total.name = "_Total";
        total.identity = 1;
        // _Total sums every process, so wanting it means wanting them all.
        const bool want_total = !filter || filter(total);
        total.values.resize(kPrCount);
        for (size_t i = 0; i < entries_.size(); ++i) {
            Instance& inst = out.instances[i];
            if (!want_total && !filter(inst)) continue;
            const ProcEntry& e = entries_[i];
            const StatFields& s = e.stat;
            auto& v = inst.values;
            v.resize(kPrCount);
            v[kPrProcessorTime].first = ticks_to_100ns(static_cast<uint64_t>(s.utime + s.stime));
            v[kPrUserTime].first = ticks_to_100ns(static_cast<uint64_t>(s.utime));
            v[kPrPrivilegedTime].first = ticks_to_100ns(static_cast<uint64_t>(s.stime));
            v[kPrCreatingPid].first = s.ppid;
            v[kPrElapsed].first = boot + ticks_to_100ns(static_cast<uint64_t>(s.starttime));
            v[kPrPid].first = e.pid;
            v[kPrPageFaults].first = s.minflt + s.majflt;
            v[kPrPriorityBase].first = priority_base(s.nice, false);
            v[kPrThreadCount].first = s.threads;
            v[kPrVirtualBytes].first = s.vsize;
            v[kPrWorkingSet].first = s.rss_pages * page;
            char path[64];
            if (need_statm) {
                snprintf(path, sizeof path, "%d/statm", e.pid);
                if (read_text_at(proc_fd_, path, buf_, 4096)) {
                    std::string_view rest = buf_;
                    int64_t f[6] = {};
                    for (int64_t& x : f) x = next_i64(rest);
                    v[kPrPrivateBytes].first = f[5] * page;
                }
            }
            if (need_status) {
                snprintf(path, sizeof path, "%d/status", e.pid);
                if (read_text_at(proc_fd_, path, buf_)) {
                    uint64_t x = 0;
                    if (field_value(buf_, "VmPeak:", x)) v[kPrVirtualBytesPeak].first = static_cast<int64_t>(x) * 1024;
                    if (field_value(buf_, "VmHWM:", x)) v[kPrWorkingSetPeak].first = static_cast<int64_t>(x) * 1024;
                    if (field_value(buf_, "RssAnon:", x)) v[kPrWorkingSetPrivate].first = static_cast<int64_t>(x) * 1024;
                }
            }
            if (need_io) {
                snprintf(path, sizeof path, "%d/io", e.pid);
                // Another user's process: unreadable without ptrace rights, reads as 0 (as Windows without access).
                if (read_text_at(proc_fd_, path, buf_, 4096)) {
                    uint64_t rchar = 0, wchar = 0, syscr = 0, syscw = 0;
                    field_value(buf_, "rchar:", rchar);
                    field_value(buf_, "wchar:", wchar);
                    field_value(buf_, "syscr:", syscr);
                    field_value(buf_, "syscw:", syscw);
                    v[kPrIoReadBytes].first = static_cast<int64_t>(rchar);
                    v[kPrIoWriteBytes].first = static_cast<int64_t>(wchar);
                    v[kPrIoDataBytes].first = static_cast<int64_t>(rchar + wchar);
                    v[kPrIoReadOps].first = static_cast<int64_t>(syscr);
                    v[kPrIoWriteOps].first = static_cast<int64_t>(syscw);
                    v[kPrIoDataOps].first = static_cast<int64_t>(syscr + syscw);
                }
            }
            if (need_fds) v[kPrHandles].first = count_fds(e.pid);
            for (int c = 0; c < kPrCount; ++c)
                if (c != kPrCreatingPid && c != kPrPid && c != kPrPriorityBase && c != kPrElapsed)
                    total.values[c].first += v[c].first;
        }
        total.values[kPrElapsed].first = out.time;
        if (!want_total) total.values.clear();
        out.instances.push_back(std::move(total));
    }

private:
    int64_t count_fds(int pid) {
        char path[64];
        snprintf(path, sizeof path, "%d/fd", pid);
        int fd = ::openat(proc_fd_, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) return 0;
        DIR* d = fdopendir(fd);
        if (!d) {
            ::close(fd);
            return 0;
        }
        int64_t n = 0;
        while (dirent* e = readdir(d))
            if (e->d_name[0] != '.') ++n;
        closedir(d);
        return n;
    }

    ObjectInfo info_;
    std::mutex mutex_;
    std::string buf_;
    std::vector<ProcEntry> entries_;
    int proc_fd_ = -1;
};

// ---- Thread ------------------------------------------------------------------

enum ThreadCounter { kThProcessorTime, kThUserTime, kThPrivilegedTime, kThElapsed, kThPid, kThTid,
                     kThPriorityBase, kThState, kThContextSwitches, kThCount };

class ThreadObject final : public PerfObject {
public:
    ThreadObject() {
        info_.name = "Thread";
        info_.name_index = 232;
        info_.explain = "The Thread performance object consists of counters that measure aspects of thread "
                        "behavior (/proc/<pid>/task). Instances are <process>/<thread number>.";
        info_.counters = {
            counter("% Processor Time", 6, k100nsecTimer, 0, kDetailNovice,
                    "Percentage of elapsed time the thread used a processor."),
            counter("% User Time", 142, k100nsecTimer, 0, kDetailAdvanced,
                    "Percentage of elapsed time the thread spent in user mode."),
            counter("% Privileged Time", 144, k100nsecTimer, 0, kDetailAdvanced,
                    "Percentage of elapsed time the thread spent in kernel mode."),
            counter("Elapsed Time", 684, kElapsedTime, -4, kDetailAdvanced, "Seconds since the thread started."),
            counter("ID Process", 784, kCounterRawcount, 0, kDetailAdvanced, "The ID of the thread's process."),
            counter("ID Thread", 804, kCounterRawcount, 0, kDetailAdvanced, "The thread ID."),
            counter("Priority Base", 682, kCounterRawcount, 0, kDetailAdvanced,
                    "Windows' base priority for the thread's nice value."),
            counter("Thread State", 0, kCounterRawcount, 0, kDetailAdvanced,
                    "2 running or runnable, 5 waiting, 4 terminated (Windows' thread states)."),
            counter("Context Switches/sec", 146, kCounterCounter, -1, kDetailAdvanced,
                    "Rate of switches to or from the thread (voluntary and involuntary)."),
        };
    }
    const ObjectInfo& info() const override { return info_; }

    void sample(ObjectSample& out, const std::vector<bool>& wanted, const InstanceFilter& filter) override {
        std::lock_guard lock(mutex_);
        if (proc_fd_ < 0) proc_fd_ = open_proc();
        out.time = now_100ns();
        out.instances.clear();
        list_processes(proc_fd_, buf_, entries_);
        const bool need_status = any_of(wanted, {kThContextSwitches});
        const int64_t boot = boot_time_100ns();
        char path[64];
        // Windows numbers thread instances by parent and name: python/0, python/0#1 (the
        // second python's first thread), so every name comes before any filtering.
        struct ThreadRef {
            size_t process;
            int tid;
        };
        std::vector<ThreadRef> refs;
        std::vector<int> tids;
        for (size_t i = 0; i < entries_.size(); ++i) {
            tids.clear();
            snprintf(path, sizeof path, "%d/task", entries_[i].pid);
            int fd = ::openat(proc_fd_, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (fd < 0) continue;
            if (DIR* d = fdopendir(fd)) {
                while (dirent* t = readdir(d))
                    if (t->d_name[0] >= '1' && t->d_name[0] <= '9') tids.push_back(atoi(t->d_name));
                closedir(d);
            } else {
                ::close(fd);
            }
            std::sort(tids.begin(), tids.end());
            for (size_t n = 0; n < tids.size(); ++n) {
                Instance inst;
                inst.parent = entries_[i].stat.name;
                inst.name = std::to_string(n);
                inst.identity = static_cast<uint64_t>(tids[n]);
                out.instances.push_back(std::move(inst));
                refs.push_back({i, tids[n]});
            }
        }
        number_duplicates(out.instances);
        for (size_t k = 0; k < refs.size(); ++k) {
            Instance& inst = out.instances[k];
            if (filter && !filter(inst)) continue;
            const ProcEntry& e = entries_[refs[k].process];
            snprintf(path, sizeof path, "%d/task/%d/stat", e.pid, refs[k].tid);
            StatFields s;
            if (!read_text_at(proc_fd_, path, buf_, 4096) || !parse_stat(buf_, s)) continue;
            inst.identity = (static_cast<uint64_t>(refs[k].tid) << 40) ^ static_cast<uint64_t>(s.starttime);
            auto& v = inst.values;
            v.resize(kThCount);
            v[kThProcessorTime].first = ticks_to_100ns(static_cast<uint64_t>(s.utime + s.stime));
            v[kThUserTime].first = ticks_to_100ns(static_cast<uint64_t>(s.utime));
            v[kThPrivilegedTime].first = ticks_to_100ns(static_cast<uint64_t>(s.stime));
            v[kThElapsed].first = boot + ticks_to_100ns(static_cast<uint64_t>(s.starttime));
            v[kThPid].first = e.pid;
            v[kThTid].first = refs[k].tid;
            v[kThPriorityBase].first = priority_base(s.nice, false);
            v[kThState].first = thread_state(s.state);
            if (need_status) {
                snprintf(path, sizeof path, "%d/task/%d/status", e.pid, refs[k].tid);
                uint64_t voluntary = 0, involuntary = 0;
                if (read_text_at(proc_fd_, path, buf_)) {
                    field_value(buf_, "voluntary_ctxt_switches:", voluntary);
                    field_value(buf_, "nonvoluntary_ctxt_switches:", involuntary);
                }
                v[kThContextSwitches].first = static_cast<int64_t>(voluntary + involuntary);
            }
        }
    }

private:
    ObjectInfo info_;
    std::mutex mutex_;
    std::string buf_;
    std::vector<ProcEntry> entries_;
    int proc_fd_ = -1;
};

}  // namespace

PerfObject* process_object() {
    static ProcessObject o;
    return &o;
}
PerfObject* thread_object() {
    static ThreadObject o;
    return &o;
}

}  // namespace w32::pdh
