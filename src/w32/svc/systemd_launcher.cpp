#include "w32/svc/systemd_launcher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/stable_hash.h"
#include "w32/svc/service_errors.h"
#include "w32/svc/systemd_unit.h"

extern char** environ;

namespace w32::svc {

namespace {

std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return (v && *v) ? v : fallback;
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// execvp's search, to give the error the embedded manager's exec would.
uint32_t executable_error(const std::string& program) {
    auto check = [](const std::string& path) -> int {
        if (::access(path.c_str(), X_OK) == 0) {
            struct stat st;
            if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return 0;
            return EACCES;
        }
        return errno;
    };
    if (program.find('/') != std::string::npos) {
        int e = check(program);
        return e ? win32_from_errno(e) : 0;
    }
    std::string path = env_or("PATH", "/usr/local/bin:/usr/bin:/bin");
    int last = ENOENT;
    for (size_t start = 0; start <= path.size();) {
        size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        std::string dir = path.substr(start, end - start);
        int e = check((dir.empty() ? "." : dir) + "/" + program);
        if (e == 0) return 0;
        if (e != ENOENT && e != ENOTDIR) last = e;
        start = end + 1;
    }
    return win32_from_errno(last);
}

// The manager's variables a service process needs to find its session and
// its Python, as it would inherit them from the embedded manager.
std::vector<std::string> passed_environment() {
    static const std::string_view kExact[] = {"PATH",   "PYTHONPATH", "PYTHONHOME",      "VIRTUAL_ENV",     "LANG",
                                               "LC_ALL", "HOME",       "XDG_RUNTIME_DIR", "XDG_STATE_HOME"};
    std::vector<std::string> out;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        std::string_view name = entry.substr(0, entry.find('='));
        // PYWIN32_POSIX_SCM_* too: a manager a service process starts again
        // after a crash must run as this one does.
        bool wanted = name.starts_with("PYWIN32_POSIX_");
        for (auto exact : kExact) wanted = wanted || name == exact;
        if (wanted) out.emplace_back(entry);
    }
    return out;
}

}  // namespace

std::optional<SystemdBackend> systemd_backend_from_environment() {
    std::string choice = env_or("PYWIN32_POSIX_SCM_BACKEND", "auto");
    if (choice == "embedded") return std::nullopt;
    SystemdBackend b;
    std::string scope = env_or("PYWIN32_POSIX_SCM_SYSTEMD_SCOPE", ::geteuid() == 0 ? "system" : "user");
    b.user_scope = scope != "system";
    if (const char* root = std::getenv("PYWIN32_POSIX_ROOT"); root && *root) {
        char tag[20];
        std::snprintf(tag, sizeof tag, "%08llx", static_cast<unsigned long long>(fnv1a(root) & 0xFFFFFFFFu));
        b.unit_prefix += std::string(tag) + "-";
    }
    if (choice == "systemd") return b;
    // auto: systemd runs the machine, and its manager for our scope listens.
    if (!exists("/run/systemd/system")) return std::nullopt;
    if (b.user_scope && !exists(env_or("XDG_RUNTIME_DIR", "/nonexistent") + "/systemd/private"))
        return std::nullopt;
    return b;
}

std::string transient_unit_name(const SystemdBackend& backend, const std::string& service_name) {
    // unit_name() escapes the name the way the exported units do.
    std::string base = unit_name(service_name);  // "pywin32-<escaped>.service"
    return backend.unit_prefix + base.substr(std::string("pywin32-").size());
}

std::vector<std::string> systemctl_command(const SystemdBackend& backend, const char* tool) {
    std::vector<std::string> argv{tool};
    if (backend.user_scope) argv.push_back("--user");
    return argv;
}

int run_tool(const std::vector<std::string>& argv, std::string* out, std::string* err_out) {
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return -1;
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        return -1;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (rc != 0) {
        ::close(out_pipe[0]);
        ::close(err_pipe[0]);
        return -1;
    }
    std::string collected[2];
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    int open_fds = 2;
    bool timed_out = false;
    while (open_fds > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        int n = ::poll(fds, 2, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[4096];
            ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
            if (got > 0) {
                if (collected[i].size() < (1u << 20)) collected[i].append(buf, static_cast<size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    for (auto& p : fds)
        if (p.fd >= 0) ::close(p.fd);
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (out) *out = std::move(collected[0]);
    if (err_out) *err_out = std::move(collected[1]);
    if (timed_out || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

bool start_manager_unit(const SystemdBackend& backend, const std::string& program, const std::string& log_path) {
    std::string unit = backend.unit_prefix + "manager.service";
    auto reset = systemctl_command(backend);
    reset.insert(reset.end(), {"reset-failed", unit});
    run_tool(reset);
    auto cmd = systemctl_command(backend, "systemd-run");
    cmd.insert(cmd.end(), {"--quiet", "--collect", "--unit=" + unit, "--property=Type=exec",
                           "--property=Description=pywin32-posix service control manager",
                           "--property=StandardOutput=append:" + log_path,
                           "--property=StandardError=append:" + log_path,
                           // Its services are units of their own; stopping it
                           // stops them through it, not by killing a cgroup.
                           "--property=KillMode=process"});
    for (const auto& e : passed_environment()) cmd.push_back("--setenv=" + e);
    cmd.insert(cmd.end(), {"--", program});
    return run_tool(cmd) == 0;
}

pid_t start_transient_unit(const SystemdBackend& backend, const ServiceConfig& config,
                           const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
                           const std::string& log_path) {
    const char* fn = "StartService";
    if (argv.empty()) throw_win32(w32::err::kFileNotFound, fn);
    if (uint32_t e = executable_error(argv[0])) throw_win32(e, fn);
    std::string unit = transient_unit_name(backend, config.name);
    // A unit of an earlier run that failed stays loaded until reset.
    auto reset = systemctl_command(backend);
    reset.insert(reset.end(), {"reset-failed", unit});
    run_tool(reset);

    auto cmd = systemctl_command(backend, "systemd-run");
    cmd.insert(cmd.end(), {"--quiet", "--collect", "--unit=" + unit, "--property=Type=exec",
                           "--property=Description=" + (config.display_name.empty() ? config.name : config.display_name),
                           "--property=StandardOutput=append:" + log_path,
                           "--property=StandardError=append:" + log_path});
    // The system manager can give the service its account, as Windows does.
    if (!backend.user_scope && !config.account.empty() && fold_name(config.account) != "localsystem" &&
        config.account.find('\\') == std::string::npos)
        cmd.push_back("--uid=" + config.account);
    for (const auto& e : passed_environment()) cmd.push_back("--setenv=" + e);
    for (const auto& e : extra_env) cmd.push_back("--setenv=" + e);
    cmd.push_back("--");
    cmd.insert(cmd.end(), argv.begin(), argv.end());
    std::string err;
    int rc = run_tool(cmd, nullptr, &err);
    if (rc != 0) {
        if (int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600); fd >= 0) {
            std::string line = "systemd-run failed (" + std::to_string(rc) + "): " + err + "\n";
            ssize_t ignored = ::write(fd, line.data(), line.size());
            (void)ignored;
            ::close(fd);
        }
        throw_win32(svc::err::kProcessAborted, fn);
    }
    auto show = systemctl_command(backend);
    show.insert(show.end(), {"show", "--property=MainPID", "--value", unit});
    std::string out;
    if (run_tool(show, &out) != 0) throw_win32(svc::err::kProcessAborted, fn);
    long pid = std::strtol(out.c_str(), nullptr, 10);
    if (pid <= 0) throw_win32(svc::err::kProcessAborted, fn);  // it ended already
    return static_cast<pid_t>(pid);
}

}  // namespace w32::svc
