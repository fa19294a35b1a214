#include "w32/process/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <mutex>
#include <unordered_map>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/file_object.h"
#include "w32/io/os_handles.h"
#include "w32/kernel/arena.h"
#include "w32/kernel/handle_grants.h"
#include "w32/io/unique_fd.h"
#include "w32/paths/drive_table.h"
#include "w32/process/command_line.h"
#include "w32/process/process_object.h"
#include "w32/process/thread_object.h"
#include "w32/sync/sync_objects.h"

extern char** environ;

namespace w32::process {

namespace {

using io::UniqueFd;

int open_pidfd(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

// What a signal death means as a Windows exit code: the NTSTATUS Windows
// gives the equivalent failure, abort()'s 3 as the C runtime exits, and
// 128+signal (a shell's spelling) for the rest.
uint32_t exit_code_of_signal(int sig) {
    switch (sig) {
    case SIGINT: return 0xC000013A;   // STATUS_CONTROL_C_EXIT
    case SIGSEGV: return 0xC0000005;  // STATUS_ACCESS_VIOLATION
    case SIGBUS: return 0xC0000006;   // STATUS_IN_PAGE_ERROR
    case SIGILL: return 0xC000001D;   // STATUS_ILLEGAL_INSTRUCTION
    case SIGFPE: return 0xC0000094;   // STATUS_INTEGER_DIVIDE_BY_ZERO
    case SIGABRT: return 3;
    default: return 128 + static_cast<uint32_t>(sig);
    }
}

// The processes this process created, reaped by the exit watcher as they
// end (so that none is left a zombie, whatever handles are closed).
class Children {
public:
    static Children& instance() {
        static Children* c = new Children;
        return *c;
    }

    void add(pid_t pid) {
        int fd = open_pidfd(pid);
        std::lock_guard lock(mutex_);
        State& s = children_[pid];
        s.pidfd.reset(fd);
        s.owner = ::getpid();
        if (fd >= 0) watch_exit(fd, [this, pid] { reap(pid); });
    }

    // The exit code once reaped (reaping now if it has ended), else nullopt
    // while it runs. Throws ERROR_NOT_SUPPORTED for a pid not created here.
    std::optional<uint32_t> exit_code(pid_t pid, const char* function) {
        std::lock_guard lock(mutex_);
        auto it = children_.find(pid);
        if (it == children_.end() || it->second.owner != ::getpid()) throw_win32(err::kNotSupported, function);
        reap_locked(pid, it->second);
        if (!it->second.reaped) return std::nullopt;
        return it->second.exit_code;
    }

    bool is_child(pid_t pid) {
        std::lock_guard lock(mutex_);
        auto it = children_.find(pid);
        return it != children_.end() && it->second.owner == ::getpid();
    }

    void terminated(pid_t pid, uint32_t code) {
        std::lock_guard lock(mutex_);
        auto it = children_.find(pid);
        if (it != children_.end() && !it->second.reaped) it->second.terminate_code = code;
    }

private:
    struct State {
        UniqueFd pidfd;
        pid_t owner = 0;  // a forked copy of the table is not the parent
        bool reaped = false;
        uint32_t exit_code = 0;
        std::optional<uint32_t> terminate_code;
    };

    void reap(pid_t pid) {
        std::lock_guard lock(mutex_);
        auto it = children_.find(pid);
        if (it != children_.end()) reap_locked(pid, it->second);
    }

    void reap_locked(pid_t pid, State& s) {
        if (s.reaped || s.owner != ::getpid()) return;
        siginfo_t info{};
        int r = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG);
        if (r != 0) {
            // Reaped by someone else (os.waitpid): the code is lost.
            if (errno == ECHILD) {
                s.reaped = true;
                s.exit_code = s.terminate_code.value_or(0);
                s.pidfd.reset();
            }
            return;
        }
        if (info.si_pid == 0) return;  // still running
        s.reaped = true;
        s.pidfd.reset();
        if (s.terminate_code) s.exit_code = *s.terminate_code;
        else if (info.si_code == CLD_EXITED) s.exit_code = static_cast<uint32_t>(info.si_status);
        else s.exit_code = exit_code_of_signal(info.si_status);
    }

    std::mutex mutex_;
    std::unordered_map<pid_t, State> children_;
};

// The main thread of a created process: waitable until the process ends
// (its main thread is the process here), and the gate of a suspended start.
class MainThreadObject : public sync::WaitableObject {
public:
    MainThreadObject(std::shared_ptr<ProcessObject> process, int gate_fd)
        : process_(std::move(process)), gate_(gate_fd), suspend_count_(gate_fd >= 0 ? 1 : 0) {}
    ObjectType type() const noexcept override { return ObjectType::Thread; }
    uint32_t wait_index() override { return process_->wait_index(); }
    pid_t pid() const noexcept { return process_->pid(); }

    uint32_t resume() {
        std::lock_guard lock(mutex_);
        uint32_t previous = suspend_count_;
        if (suspend_count_ == 0) return 0;
        if (--suspend_count_ == 0) {
            if (gate_) {
                // The child waits for this byte before it starts the program.
                char go = 1;
                ssize_t ignored = ::write(gate_.get(), &go, 1);
                (void)ignored;
                gate_.reset();
            } else {
                ::kill(pid(), SIGCONT);
            }
        }
        return previous;
    }

    uint32_t suspend() {
        std::lock_guard lock(mutex_);
        uint32_t previous = suspend_count_;
        if (suspend_count_ == 0 && !gate_ && ::kill(pid(), SIGSTOP) != 0)
            throw_win32(win32_from_errno(errno), "SuspendThread");
        ++suspend_count_;
        return previous;
    }

private:
    std::shared_ptr<ProcessObject> process_;
    std::mutex mutex_;
    UniqueFd gate_;
    uint32_t suspend_count_;
};

std::shared_ptr<MainThreadObject> thread_of(Handle h, const char* function) {
    auto entry = HandleTable::instance().lookup(h, function);
    auto thread = std::dynamic_pointer_cast<MainThreadObject>(entry.object);
    if (!thread) {
        // GetCurrentThread's and other threads: no POSIX way to suspend one thread.
        if (entry.object && entry.object->type() == ObjectType::Thread) throw_win32(err::kNotSupported, function);
        throw_win32(err::kInvalidHandle, function);
    }
    return thread;
}

std::string native(const std::string& path, const char* function) {
    return paths::is_windows_path(path) ? paths::to_posix(path, function) : path;
}

bool executable(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

bool ends_with_exe(const std::string& name) {
    if (name.size() < 4) return false;
    std::string tail = name.substr(name.size() - 4);
    for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return tail == ".exe";
}

// The program to run: a path as given (relative to the new process's
// directory), or a bare name searched in PATH; "python.exe" finds "python".
std::string resolve_program(const std::string& name, const std::string& cwd, const char* function) {
    std::vector<std::string> candidates{name};
    if (ends_with_exe(name)) candidates.push_back(name.substr(0, name.size() - 4));
    for (const std::string& n : candidates) {
        if (n.find('/') != std::string::npos) {
            std::string path = (n[0] == '/' || cwd.empty()) ? n : cwd + "/" + n;
            if (executable(path)) return path;
            continue;
        }
        const char* env_path = std::getenv("PATH");
        std::string search = env_path ? env_path : "/usr/local/bin:/usr/bin:/bin";
        size_t start = 0;
        while (start <= search.size()) {
            size_t end = search.find(':', start);
            if (end == std::string::npos) end = search.size();
            // An empty PATH entry is the current directory.
            std::string path = end > start ? search.substr(start, end - start) : std::string(".");
            path += '/';
            path += n;
            if (executable(path)) return path;
            start = end + 1;
        }
    }
    throw_win32(err::kFileNotFound, function);
}

// The descriptor the child gets for one std handle, owned by the caller.
UniqueFd std_fd(Handle h, bool use, int which, bool inherit_handles, const char* function) {
    if (use && inherit_handles && h != 0) {
        auto entry = HandleTable::instance().lookup(h, function);
        // Windows passes only inheritable handles down.
        if (entry.inherit) return UniqueFd(io::fd_for_handle(h, 0));
    }
    if (use) return UniqueFd(::open("/dev/null", which == 0 ? O_RDONLY : O_WRONLY | O_CLOEXEC));
    return UniqueFd();  // the child shares ours
}

}  // namespace

// Each class's band holds its nice value +-2, where the thread priority
// levels LOWEST..HIGHEST put a thread (thread_object.h), so that setting a
// main thread's level does not change what its process's class reads as.
uint32_t priority_class_of_nice(int nice_value) noexcept {
    if (nice_value >= 15) return kIdlePriorityClass;
    if (nice_value >= 3) return kBelowNormalPriorityClass;
    if (nice_value >= -2) return kNormalPriorityClass;
    if (nice_value >= -7) return kAboveNormalPriorityClass;
    if (nice_value >= -14) return kHighPriorityClass;
    return kRealtimePriorityClass;
}

int nice_of_priority_class(uint32_t priority_class, const char* function) {
    switch (priority_class) {
    case kIdlePriorityClass: return 19;
    case kBelowNormalPriorityClass: return 10;
    case kNormalPriorityClass: return 0;
    case kAboveNormalPriorityClass: return -5;
    case kHighPriorityClass: return -10;
    case kRealtimePriorityClass: return -20;
    default: throw_win32(err::kInvalidParameter, function);
    }
}

std::string encode_startup_fields(const StartupFields& f, int32_t creator_pid) {
    const uint32_t numbers[] = {f.flags,  f.show_window,   f.x,           f.y,
                                f.x_size, f.y_size,        f.x_count_chars, f.y_count_chars,
                                f.fill_attribute};
    bool all_default = !f.desktop && !f.title;
    for (uint32_t n : numbers) all_default = all_default && n == 0;
    if (all_default) return {};
    static constexpr char kHex[] = "0123456789abcdef";
    auto hex_text = [](const std::optional<std::string>& text) {
        if (!text) return std::string("-");
        std::string out;
        for (unsigned char c : *text) {
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
        return out;
    };
    std::string out = std::to_string(creator_pid) + ";";
    char buf[16];
    for (size_t i = 0; i < std::size(numbers); ++i) {
        std::snprintf(buf, sizeof buf, i ? ",%x" : "%x", numbers[i]);
        out += buf;
    }
    return out + ";" + hex_text(f.desktop) + ";" + hex_text(f.title);
}

ProcessInformation create_process(const CreateProcessParams& p) {
    const char* fn = "CreateProcess";
    if (!p.application && !p.command_line) throw_win32(err::kInvalidParameter, fn);
    constexpr uint32_t kPriorityMask = kIdlePriorityClass | kBelowNormalPriorityClass | kNormalPriorityClass |
                                       kAboveNormalPriorityClass | kHighPriorityClass | kRealtimePriorityClass;
    uint32_t priority = p.creation_flags & kPriorityMask;
    if (priority && (priority & (priority - 1))) throw_win32(err::kInvalidParameter, fn);  // two classes

    std::string cwd;
    if (p.current_directory) {
        cwd = native(*p.current_directory, fn);
        struct stat st;
        if (::stat(cwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw_win32(err::kDirectory, fn);
    }
    std::vector<std::string> argv;
    if (p.command_line) argv = split_command_line(*p.command_line);
    std::string program_name = p.application ? *p.application : (argv.empty() ? std::string() : argv[0]);
    if (program_name.empty()) throw_win32(err::kInvalidParameter, fn);
    if (argv.empty()) argv.push_back(program_name);
    std::string program = resolve_program(native(program_name, fn), cwd, fn);

    // Events, mutexes, semaphores and timers marked inheritable go to the
    // child under their values here: granted once its pid is known, claimed
    // by our module in the child at start.
    std::vector<std::pair<Handle, HandleEntry>> inherited_objects;
    // Files and pipes go down as open descriptors, named in the child's
    // environment with their handle values (io/os_handles.h).
    std::vector<UniqueFd> inherited_fds;
    std::string inherited_fd_list;
    if (p.inherit_handles) {
        for (auto& [value, entry] : HandleTable::instance().inheritable()) {
            if (std::dynamic_pointer_cast<sync::SyncObject>(entry.object)) {
                inherited_objects.emplace_back(value, entry);
            } else if (std::dynamic_pointer_cast<io::FileObject>(entry.object)) {
                int fd = -1;
                try {
                    fd = io::fd_for_handle(value, 0);  // a duplicate, left open across exec
                } catch (const Win32Error&) {
                    continue;  // a pipe server with no client yet has no descriptor to pass
                }
                inherited_fds.emplace_back(fd);
                if (!inherited_fd_list.empty()) inherited_fd_list += ',';
                inherited_fd_list += std::to_string(value) + ":" + std::to_string(fd) + ":" +
                                     std::to_string(entry.access);
            }
        }
    }
    std::vector<int> keep_fds;
    for (const UniqueFd& f : inherited_fds) keep_fds.push_back(f.get());
    std::sort(keep_fds.begin(), keep_fds.end());

    // The environment: the given one (plus the session), or ours.
    std::vector<std::string> env_strings;
    std::string startup_record = encode_startup_fields(p.startup, static_cast<int32_t>(::getpid()));
    bool own_environment =
        !p.environment && inherited_objects.empty() && inherited_fds.empty() && startup_record.empty();
    if (!own_environment && !p.environment) {
        for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    }
    // Ours, not the creator's: a record this process was given is not passed on.
    static const std::string kStartupPrefix = std::string(kStartupInfoVariable) + "=";
    std::erase_if(env_strings, [](const std::string& e) { return e.rfind(kStartupPrefix, 0) == 0; });
    if (!startup_record.empty()) env_strings.push_back(kStartupPrefix + startup_record);
    if (!inherited_objects.empty()) env_strings.push_back(std::string(sync::kInheritedHandlesVariable) + "=1");
    if (!inherited_fds.empty())
        env_strings.push_back(std::string(io::kInheritedDescriptorsVariable) + "=" + inherited_fd_list);
    if (p.environment) {
        env_strings.insert(env_strings.end(), p.environment->begin(), p.environment->end());
        static constexpr std::string_view kSessionVar = "PYWIN32_POSIX_ROOT=";
        const char* value = std::getenv("PYWIN32_POSIX_ROOT");
        bool given = false;
        for (const auto& e : env_strings) given = given || std::string_view(e).substr(0, kSessionVar.size()) == kSessionVar;
        if (value && !given) {
            std::string entry(kSessionVar);
            entry.append(value);
            env_strings.push_back(std::move(entry));
        }
    }
    std::vector<char*> envp;
    if (!own_environment) {
        for (auto& e : env_strings) envp.push_back(e.data());
        envp.push_back(nullptr);
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);

    UniqueFd fds[3];
    Handle std_handle[3] = {p.std_handles.input, p.std_handles.output, p.std_handles.error};
    for (int i = 0; i < 3; ++i) fds[i] = std_fd(std_handle[i], p.std_handles.use, i, p.inherit_handles, fn);
    bool new_session = p.creation_flags & (kDetachedProcess | kCreateNewConsole);
    bool new_group = p.creation_flags & kCreateNewProcessGroup;
    char** child_env = own_environment ? environ : envp.data();
    // The child must not run before its inherited handles are granted.
    bool gated = (p.creation_flags & kCreateSuspended) || !inherited_objects.empty() || !inherited_fds.empty();

    pid_t pid = -1;
    int gate_write = -1;
    if (!gated) {
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        for (int i = 0; i < 3; ++i)
            if (fds[i]) posix_spawn_file_actions_adddup2(&actions, fds[i].get(), i);
        posix_spawn_file_actions_addclosefrom_np(&actions, 3);
        if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t none, all;
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);  // Python ignores SIGPIPE; a child must not inherit that
        short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
        if (new_session) flags |= POSIX_SPAWN_SETSID;
        else if (new_group) {
            flags |= POSIX_SPAWN_SETPGROUP;
            posix_spawnattr_setpgroup(&attr, 0);
        }
        posix_spawnattr_setflags(&attr, flags);
        int rc = ::posix_spawn(&pid, program.c_str(), &actions, &attr, args.data(), child_env);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
        if (rc != 0) throw_win32(win32_from_errno(rc), fn);
    } else {
        // Suspended: the child is forked and waits on a gate before it
        // starts the program (no code of the program runs until
        // ResumeThread), as Windows creates the main thread suspended.
        int gate[2];
        if (::pipe2(gate, O_CLOEXEC) != 0) throw_win32(win32_from_errno(errno), fn);
        pid = ::fork();
        if (pid < 0) {
            int e = errno;
            ::close(gate[0]);
            ::close(gate[1]);
            throw_win32(win32_from_errno(e), fn);
        }
        if (pid == 0) {
            // Only async-signal-safe calls from here: the parent has threads.
            ::close(gate[1]);
            char go = 0;
            ssize_t n;
            do n = ::read(gate[0], &go, 1);
            while (n < 0 && errno == EINTR);
            if (n != 1) ::_exit(1);  // the creator went away without resuming
            if (new_session) ::setsid();
            else if (new_group) ::setpgid(0, 0);
            for (int i = 0; i < 3; ++i)
                if (fds[i]) ::dup2(fds[i].get(), i);
            // Everything else closes, but the inherited handles' descriptors.
            unsigned next = 3;
            for (int keep : keep_fds) {
                if (static_cast<unsigned>(keep) > next) ::syscall(SYS_close_range, next, unsigned(keep) - 1, 0u);
                next = unsigned(keep) + 1;
            }
            ::syscall(SYS_close_range, next, ~0u, 0u);
            if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(127);
            struct sigaction dfl{};
            dfl.sa_handler = SIG_DFL;
            for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
            sigset_t none;
            sigemptyset(&none);
            ::sigprocmask(SIG_SETMASK, &none, nullptr);
            ::execve(program.c_str(), args.data(), child_env);
            ::_exit(127);
        }
        ::close(gate[0]);
        gate_write = gate[1];
        if (!inherited_objects.empty()) {
            try {
                arena::ArenaTx tx;
                for (auto& [value, entry] : inherited_objects) {
                    auto object = std::static_pointer_cast<sync::SyncObject>(entry.object);
                    arena::grant_inherited_handle(tx, object->index(), int32_t(pid), entry.access, value);
                }
            } catch (...) {
                ::close(gate_write);  // the child exits at once
                ::waitpid(pid, nullptr, 0);
                throw;
            }
        }
        if (!(p.creation_flags & kCreateSuspended)) {
            char go = 1;
            ssize_t ignored = ::write(gate_write, &go, 1);
            (void)ignored;
            ::close(gate_write);
            gate_write = -1;
        }
    }
    if (priority && priority != kNormalPriorityClass) {
        // Raising a priority needs a privilege: without it the class stays
        // normal, as Windows quietly makes REALTIME into HIGH.
        ::setpriority(PRIO_PROCESS, static_cast<id_t>(pid), nice_of_priority_class(priority, fn));
    }
    Children::instance().add(pid);
    auto object = std::make_shared<ProcessObject>(pid, open_pidfd(pid));
    auto thread = std::make_shared<MainThreadObject>(object, gate_write);
    auto& table = HandleTable::instance();
    ProcessInformation info;
    info.process = table.insert(object, kProcessAllAccess, false);
    info.thread = table.insert(thread, kThreadAllAccess, false);
    info.process_id = static_cast<uint32_t>(pid);
    info.thread_id = static_cast<uint32_t>(pid);  // a process's main thread id is its pid
    return info;
}

uint32_t get_exit_code_process(Handle h) {
    const char* fn = "GetExitCodeProcess";
    auto process = process_of(h, fn);
    if (process->pid() == ::getpid()) return kStillActive;
    if (Children::instance().is_child(process->pid())) {
        auto code = Children::instance().exit_code(process->pid(), fn);
        return code ? *code : kStillActive;
    }
    // Not ours: running is all POSIX tells.
    if (::kill(process->pid(), 0) == 0 || errno == EPERM) {
        int fd = open_pidfd(process->pid());
        if (fd >= 0) {
            ::close(fd);
            return kStillActive;
        }
    }
    throw_win32(err::kNotSupported, fn);
}

uint32_t get_exit_code_thread(Handle h) {
    if (auto code = started_thread_exit_code(h, "GetExitCodeThread")) return *code;
    auto thread = thread_of(h, "GetExitCodeThread");
    if (Children::instance().is_child(thread->pid())) {
        auto code = Children::instance().exit_code(thread->pid(), "GetExitCodeThread");
        return code ? *code : kStillActive;
    }
    throw_win32(err::kNotSupported, "GetExitCodeThread");
}

void terminate_process(Handle h, uint32_t exit_code) {
    const char* fn = "TerminateProcess";
    auto process = process_of(h, fn);
    auto entry = HandleTable::instance().lookup(h, fn);
    if (!(entry.access & kProcessTerminate)) throw_win32(err::kAccessDenied, fn);
    if (process->pid() == ::getpid()) ::_exit(static_cast<int>(exit_code & 0xFF));
    Children::instance().terminated(process->pid(), exit_code);
    if (::kill(process->pid(), SIGKILL) != 0) {
        // Already gone: Windows fails with ERROR_ACCESS_DENIED then.
        throw_win32(errno == ESRCH ? err::kAccessDenied : win32_from_errno(errno), fn);
    }
}

uint32_t resume_thread(Handle h) {
    // The calling thread runs: its suspend count is 0.
    if (h == kCurrentThreadPseudoHandle) return 0;
    if (auto previous = resume_started_thread(h)) return *previous;
    return thread_of(h, "ResumeThread")->resume();
}

uint32_t suspend_thread(Handle h) {
    if (h == kCurrentThreadPseudoHandle) throw_win32(err::kNotSupported, "SuspendThread");
    if (auto previous = suspend_started_thread(h)) return *previous;
    return thread_of(h, "SuspendThread")->suspend();
}

std::optional<int32_t> main_thread_pid(const KernelObject& object) noexcept {
    if (auto* thread = dynamic_cast<const MainThreadObject*>(&object)) return thread->pid();
    return std::nullopt;
}

uint32_t thread_process_id(Handle h) { return static_cast<uint32_t>(thread_of(h, "GetThreadId")->pid()); }

}  // namespace w32::process
