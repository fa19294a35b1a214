#include "w32/process/thread_object.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cxxabi.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <mutex>
#include <string>
#include <unordered_map>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/process/child_process.h"
#include "w32/process/proc_stat.h"
#include "w32/process/process_object.h"
#include "w32/sync/sync_objects.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

namespace w32::process {

namespace {

std::string task_path(pid_t pid, pid_t tid, const char* leaf) {
    return "/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/" + leaf;
}

// A task's start time (field 22), or 0 when it has ended.
uint64_t task_start_time(pid_t pid, pid_t tid) {
    std::ifstream f(task_path(pid, tid, "stat"));
    std::string line;
    if (!std::getline(f, line)) return 0;
    size_t close = line.rfind(')');
    if (close == std::string::npos || close + 2 >= line.size()) return 0;
    if (line[close + 2] == 'Z' || line[close + 2] == 'X') return 0;
    size_t at = close + 1;
    for (int field = 3; field < 22 && at != std::string::npos; ++field) at = line.find(' ', at + 1);
    return at == std::string::npos ? 0 : std::strtoull(line.c_str() + at + 1, nullptr, 10);
}

// The thread group (process) of a task id, from /proc/TID/status (present
// for every task, though /proc lists only the leaders).
pid_t thread_group_of(pid_t tid) {
    std::ifstream f("/proc/" + std::to_string(tid) + "/status");
    for (std::string line; std::getline(f, line);)
        if (line.rfind("Tgid:", 0) == 0) return static_cast<pid_t>(std::atoi(line.c_str() + 5));
    return 0;
}

uint64_t now_filetime() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return filetime_from_unix_ns(uint64_t(ts.tv_sec) * 1000000000ULL + uint64_t(ts.tv_nsec));
}

uint64_t timeval_100ns(const timeval& tv) { return uint64_t(tv.tv_sec) * 10000000ULL + uint64_t(tv.tv_usec) * 10; }

uint32_t error_of_priority_errno(int e) {
    if (e == ESRCH) return err::kInvalidHandle;  // the thread has ended
    // Raising a priority needs CAP_SYS_NICE, Linux's SeIncreaseBasePriorityPrivilege.
    if (e == EACCES || e == EPERM) return err::kPrivilegeNotHeld;
    return win32_from_errno(e);
}

class ThreadObject;

// beginthreadex's threads by tid, so that OpenThread on one of them gives
// the same object (the one whose exit code and end are known).
class StartedThreads {
public:
    static StartedThreads& instance() {
        static StartedThreads* t = new StartedThreads;
        return *t;
    }
    void add(pid_t tid, const std::shared_ptr<ThreadObject>& object) {
        std::lock_guard lock(mutex_);
        threads_[tid] = object;
    }
    void remove(pid_t tid) {
        std::lock_guard lock(mutex_);
        threads_.erase(tid);
    }
    std::shared_ptr<ThreadObject> find(pid_t tid) {
        std::lock_guard lock(mutex_);
        auto it = threads_.find(tid);
        return it == threads_.end() ? nullptr : it->second.lock();
    }

private:
    std::mutex mutex_;
    std::unordered_map<pid_t, std::weak_ptr<ThreadObject>> threads_;
};

class ThreadObject : public sync::WaitableObject {
public:
    ThreadObject(pid_t pid, pid_t tid, bool started_here, uint32_t suspend_count)
        : pid_(pid), tid_(tid), started_here_(started_here), suspend_count_(suspend_count),
          event_(sync::create_private_event()) {}

    ~ThreadObject() override {
        if (pidfd_ >= 0) {
            unwatch_exit(pidfd_);
            ::close(pidfd_);
        }
    }

    ObjectType type() const noexcept override { return ObjectType::Thread; }

    uint32_t wait_index() override {
        std::lock_guard lock(mutex_);
        if (!started_here_ && !ended_ && pidfd_ < 0) {
            // A thread we did not start: the kernel tells when its task ends.
            pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, tid_, PIDFD_THREAD));
            if (pidfd_ < 0) {
                if (errno != ESRCH) throw_win32(err::kNotSupported, "WaitForSingleObject");
                ended_ = true;
                sync::set_event_object(*event_);
            } else {
                std::weak_ptr<sync::SyncObject> weak = event_;
                watch_exit(pidfd_, [weak] {
                    if (auto e = weak.lock()) sync::set_event_object(*e);
                });
            }
        }
        return event_->index();
    }

    pid_t pid() const noexcept { return pid_; }
    pid_t tid() const noexcept { return tid_; }
    bool started_here() const noexcept { return started_here_; }

    void set_tid(pid_t tid) noexcept { tid_ = tid; }
    void set_start_ticks(uint64_t ticks) noexcept { start_ticks_ = ticks; }

    // Still the thread this object was made for (a tid may be reused).
    bool alive() {
        {
            std::lock_guard lock(mutex_);
            if (ended_) return false;
        }
        uint64_t start = task_start_time(pid_, tid_);
        return start != 0 && (start_ticks_ == 0 || start == start_ticks_);
    }

    // The started thread's side: waits while suspended.
    void wait_until_resumed() {
        std::unique_lock lock(mutex_);
        resumed_.wait(lock, [this] { return suspend_count_ == 0; });
        running_ = true;
    }

    void finished(uint32_t exit_code, uint64_t kernel_100ns, uint64_t user_100ns) {
        {
            std::lock_guard lock(mutex_);
            ended_ = true;
            exit_code_ = exit_code;
            ended_times_.exit_filetime = now_filetime();
            ended_times_.kernel_100ns = kernel_100ns;
            ended_times_.user_100ns = user_100ns;
        }
        sync::set_event_object(*event_);
    }

    void record_creation(uint64_t creation_filetime) {
        std::lock_guard lock(mutex_);
        ended_times_.creation_filetime = creation_filetime;
    }

    std::optional<ProcessTimes> ended_times() {
        std::lock_guard lock(mutex_);
        if (!ended_) return std::nullopt;
        return ended_times_;
    }

    std::optional<uint32_t> exit_code() {
        std::lock_guard lock(mutex_);
        return exit_code_;
    }

    uint32_t resume() {
        std::lock_guard lock(mutex_);
        uint32_t previous = suspend_count_;
        if (suspend_count_ > 0 && --suspend_count_ == 0) resumed_.notify_all();
        return previous;
    }

    uint32_t suspend() {
        std::lock_guard lock(mutex_);
        // POSIX cannot stop one running thread; a thread not yet started can
        // be held back further.
        if (suspend_count_ == 0 || running_) throw_win32(err::kNotSupported, "SuspendThread");
        return suspend_count_++;
    }

private:
    pid_t pid_;
    pid_t tid_;
    bool started_here_;
    uint64_t start_ticks_ = 0;
    std::mutex mutex_;
    std::condition_variable resumed_;
    uint32_t suspend_count_;
    bool running_ = false;
    bool ended_ = false;
    std::optional<uint32_t> exit_code_;
    ProcessTimes ended_times_;
    int pidfd_ = -1;
    std::shared_ptr<sync::SyncObject> event_;
};

std::shared_ptr<ThreadObject> thread_object_of(Handle h, const char* function) {
    if (h == kCurrentThreadPseudoHandle) return nullptr;
    auto entry = HandleTable::instance().lookup(h, function);
    return std::dynamic_pointer_cast<ThreadObject>(entry.object);
}

struct StartState {
    std::shared_ptr<ThreadObject> object;
    std::function<uint32_t()> body;
    std::mutex mutex;
    std::condition_variable published_cv;
    bool published = false;
};

void* thread_main(void* arg) {
    std::shared_ptr<StartState> state;
    {
        std::unique_ptr<std::shared_ptr<StartState>> given(static_cast<std::shared_ptr<StartState>*>(arg));
        state = std::move(*given);
    }
    std::shared_ptr<ThreadObject> object = state->object;
    std::function<uint32_t()> body = std::move(state->body);
    pid_t tid = static_cast<pid_t>(::gettid());
    object->set_tid(tid);
    uint64_t start_ticks = task_start_time(::getpid(), tid);
    object->set_start_ticks(start_ticks);
    try {
        object->record_creation(times_from_stat(task_path(::getpid(), tid, "stat"), "beginthreadex").creation_filetime);
    } catch (...) {
    }
    StartedThreads::instance().add(tid, object);
    {
        std::lock_guard lock(state->mutex);
        state->published = true;
    }
    state->published_cv.notify_all();
    state.reset();
    object->wait_until_resumed();
    uint32_t code = 0;
    try {
        code = body();
    } catch (abi::__forced_unwind&) {
        throw;  // pthread_exit (an interpreter that is finalizing ends its threads so)
    } catch (...) {
    }
    body = nullptr;  // drop what it holds (Python objects) before the end is seen
    rusage usage{};
    ::getrusage(RUSAGE_THREAD, &usage);
    StartedThreads::instance().remove(tid);
    object->finished(code, timeval_100ns(usage.ru_stime), timeval_100ns(usage.ru_utime));
    return nullptr;
}

}  // namespace

int nice_of_thread_priority(uint32_t priority_class, int level, const char* function) {
    int base = nice_of_priority_class(priority_class, function);
    int nice_value;
    switch (level) {
    case kThreadPriorityIdle: return 19;
    case kThreadPriorityTimeCritical: return -20;
    case kThreadPriorityLowest: nice_value = base + 2; break;
    case kThreadPriorityBelowNormal: nice_value = base + 1; break;
    case kThreadPriorityNormal: nice_value = base; break;
    case kThreadPriorityAboveNormal: nice_value = base - 1; break;
    case kThreadPriorityHighest: nice_value = base - 2; break;
    default: throw_win32(err::kInvalidParameter, function);
    }
    return std::clamp(nice_value, -20, 19);
}

int thread_priority_of_nice(uint32_t priority_class, int nice_value) noexcept {
    static constexpr int kLevels[] = {kThreadPriorityNormal, kThreadPriorityBelowNormal, kThreadPriorityAboveNormal,
                                      kThreadPriorityLowest, kThreadPriorityHighest, kThreadPriorityIdle,
                                      kThreadPriorityTimeCritical};
    int base = 0;
    try {
        base = nice_of_priority_class(priority_class, "GetThreadPriority");
        for (int level : kLevels)
            if (nice_of_thread_priority(priority_class, level, "GetThreadPriority") == nice_value) return level;
    } catch (...) {
        return kThreadPriorityNormal;
    }
    // Set by someone else: the nearest level.
    int lowest = std::min(base + 2, 19), highest = std::max(base - 2, -20);
    if (nice_value > lowest) return (19 - nice_value < nice_value - lowest) ? kThreadPriorityIdle : kThreadPriorityLowest;
    if (nice_value < highest)
        return (nice_value + 20 < highest - nice_value) ? kThreadPriorityTimeCritical : kThreadPriorityHighest;
    int delta = nice_value - base;
    return delta > 0 ? kThreadPriorityBelowNormal : kThreadPriorityAboveNormal;
}

ThreadId thread_id_of(Handle h, const char* function, uint32_t rights) {
    if (h == kCurrentThreadPseudoHandle) return {::getpid(), static_cast<pid_t>(::gettid())};
    auto entry = HandleTable::instance().lookup(h, function);
    if (rights && entry.object && entry.object->type() == ObjectType::Thread && !(entry.access & rights))
        throw_win32(err::kAccessDenied, function);
    if (auto thread = std::dynamic_pointer_cast<ThreadObject>(entry.object)) {
        if (thread->tid() == 0) throw_win32(err::kInvalidHandle, function);
        return {thread->pid(), thread->tid()};
    }
    if (entry.object) {
        if (auto pid = main_thread_pid(*entry.object)) return {*pid, *pid};
    }
    throw_win32(err::kInvalidHandle, function);
}

Handle open_thread(uint32_t access, bool inherit, uint32_t tid_arg) {
    const char* fn = "OpenThread";
    if (tid_arg == 0 || tid_arg > uint32_t(std::numeric_limits<int32_t>::max())) throw_win32(err::kInvalidParameter, fn);
    pid_t tid = static_cast<pid_t>(tid_arg);
    std::shared_ptr<ThreadObject> object = StartedThreads::instance().find(tid);
    if (!object || !object->alive()) {
        pid_t pid = thread_group_of(tid);
        uint64_t start = pid ? task_start_time(pid, tid) : 0;
        // Windows answers ERROR_INVALID_PARAMETER for a thread id that names no thread.
        if (start == 0) throw_win32(err::kInvalidParameter, fn);
        object = std::make_shared<ThreadObject>(pid, tid, false, 0);
        object->set_start_ticks(start);
    }
    return HandleTable::instance().insert(std::move(object), access | sync::kSynchronize, inherit);
}

std::pair<Handle, uint32_t> begin_thread(size_t stack_size, bool suspended, bool inherit,
                                         std::function<uint32_t()> body) {
    const char* fn = "beginthreadex";
    auto state = std::make_shared<StartState>();
    state->object = std::make_shared<ThreadObject>(::getpid(), 0, true, suspended ? 1 : 0);
    state->body = std::move(body);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (stack_size) {
        // Windows rounds a small stack up to its minimum; so does this.
        size_t size = std::max<size_t>(stack_size, PTHREAD_STACK_MIN);
        size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
        size = (size + page - 1) / page * page;
        if (pthread_attr_setstacksize(&attr, size) != 0) {
            pthread_attr_destroy(&attr);
            throw_win32(err::kInvalidParameter, fn);
        }
    }
    auto* arg = new std::shared_ptr<StartState>(state);
    pthread_t thread;
    int rc = pthread_create(&thread, &attr, thread_main, arg);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        delete arg;
        throw_win32(rc == EAGAIN ? err::kNotEnoughMemory : win32_from_errno(rc), fn);
    }
    {
        std::unique_lock lock(state->mutex);
        state->published_cv.wait(lock, [&] { return state->published; });
    }
    auto object = state->object;
    uint32_t tid = static_cast<uint32_t>(object->tid());
    Handle h = HandleTable::instance().insert(object, kThreadAllAccess, inherit);
    return {h, tid};
}

std::optional<uint32_t> started_thread_exit_code(Handle h, const char* function) {
    auto thread = thread_object_of(h, function);
    if (!thread) return std::nullopt;
    if (auto code = thread->exit_code()) return *code;
    if (thread->started_here() || thread->alive()) return kStillActive;
    // Another thread that has ended: nothing kept its exit code.
    throw_win32(err::kNotSupported, function);
}

std::optional<uint32_t> resume_started_thread(Handle h) {
    auto thread = thread_object_of(h, "ResumeThread");
    if (!thread) return std::nullopt;
    return thread->resume();
}

std::optional<uint32_t> suspend_started_thread(Handle h) {
    auto thread = thread_object_of(h, "SuspendThread");
    if (!thread) return std::nullopt;
    if (!thread->started_here()) throw_win32(err::kNotSupported, "SuspendThread");
    return thread->suspend();
}

namespace {

int thread_nice(ThreadId id, const char* fn) {
    errno = 0;
    int nice_value = ::getpriority(PRIO_PROCESS, static_cast<id_t>(id.tid));
    if (nice_value == -1 && errno != 0) throw_win32(error_of_priority_errno(errno), fn);
    return nice_value;
}

uint32_t class_of_process(pid_t pid, const char* fn) {
    return priority_class_of_nice(thread_nice({pid, pid}, fn));
}

}  // namespace

int get_thread_priority(Handle h) {
    const char* fn = "GetThreadPriority";
    ThreadId id = thread_id_of(h, fn, kThreadQueryRights);
    return thread_priority_of_nice(class_of_process(id.pid, fn), thread_nice(id, fn));
}

void set_thread_priority(Handle h, int level) {
    const char* fn = "SetThreadPriority";
    ThreadId id = thread_id_of(h, fn, kThreadSetRights);
    int target = nice_of_thread_priority(class_of_process(id.pid, fn), level, fn);
    if (::setpriority(PRIO_PROCESS, static_cast<id_t>(id.tid), target) != 0) throw_win32(error_of_priority_errno(errno), fn);
}

ProcessTimes get_thread_times(Handle h) {
    const char* fn = "GetThreadTimes";
    thread_id_of(h, fn, kThreadQueryRights);
    if (auto thread = thread_object_of(h, fn)) {
        if (auto times = thread->ended_times()) return *times;
    }
    ThreadId id = thread_id_of(h, fn, kThreadQueryRights);
    return times_from_stat(task_path(id.pid, id.tid, "stat"), fn);
}

uint64_t set_thread_affinity_mask(Handle h, uint64_t mask) {
    const char* fn = "SetThreadAffinityMask";
    ThreadId id = thread_id_of(h, fn, kThreadSetRights);
    auto mask_of = [fn](pid_t task) {
        cpu_set_t set;
        CPU_ZERO(&set);
        if (::sched_getaffinity(task, sizeof set, &set) != 0)
            throw_win32(errno == ESRCH ? err::kInvalidHandle : win32_from_errno(errno), fn);
        uint64_t bits = 0;
        for (int cpu = 0; cpu < 64; ++cpu)
            if (CPU_ISSET(cpu, &set)) bits |= 1ULL << cpu;
        return bits;
    };
    // The process's mask is its main thread's (Linux keeps one per thread).
    uint64_t process_mask = mask_of(id.pid);
    if (mask == 0 || (mask & ~process_mask)) throw_win32(err::kInvalidParameter, fn);
    uint64_t previous = mask_of(id.tid);
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int cpu = 0; cpu < 64; ++cpu)
        if (mask & (1ULL << cpu)) CPU_SET(cpu, &set);
    if (::sched_setaffinity(id.tid, sizeof set, &set) != 0)
        throw_win32(errno == ESRCH ? err::kInvalidHandle : errno == EPERM ? err::kAccessDenied : win32_from_errno(errno), fn);
    return previous;
}

bool get_thread_io_pending(Handle h) {
    const char* fn = "GetThreadIOPendingFlag";
    ThreadId id = thread_id_of(h, fn, kThreadQueryRights);
    std::ifstream f(task_path(id.pid, id.tid, "syscall"));
    if (!f) {
        if (errno == EACCES || errno == EPERM) throw_win32(err::kAccessDenied, fn);
        throw_win32(err::kInvalidHandle, fn);
    }
    std::string first;
    f >> first;
    if (first.empty() || first == "running" || first[0] == '-') return false;
    long number = std::strtol(first.c_str(), nullptr, 10);
    static const long kIoCalls[] = {
        SYS_read,    SYS_write,    SYS_pread64, SYS_pwrite64, SYS_readv,         SYS_writev,    SYS_preadv,
        SYS_pwritev, SYS_preadv2,  SYS_pwritev2, SYS_recvfrom, SYS_sendto,       SYS_recvmsg,   SYS_sendmsg,
        SYS_sendfile, SYS_splice, SYS_copy_file_range, SYS_fsync, SYS_fdatasync, SYS_io_getevents,
        SYS_io_uring_enter,
    };
    return std::find(std::begin(kIoCalls), std::end(kIoCalls), number) != std::end(kIoCalls);
}

bool get_priority_boost_disabled(Handle h, bool is_thread) {
    if (is_thread) thread_id_of(h, "GetThreadPriorityBoost", kThreadQueryRights);
    else process_of(h, "GetProcessPriorityBoost");
    return true;
}

void set_priority_boost_disabled(Handle h, bool is_thread, bool disable) {
    const char* fn = is_thread ? "SetThreadPriorityBoost" : "SetProcessPriorityBoost";
    if (is_thread) thread_id_of(h, fn, kThreadSetRights);
    else process_of(h, fn);
    if (!disable) throw_win32(err::kNotSupported, fn);
}

}  // namespace w32::process
