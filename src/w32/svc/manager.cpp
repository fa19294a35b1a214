// The manager: setup, the event loop, and service lifecycle (start,
// status, stop, failure); requests are in manager_requests.cpp.
#include "w32/svc/manager.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/unique_fd.h"
#include "w32/svc/systemd_launcher.h"
#include "w32/kernel/session_root.h"
#include "w32/process/proc_stat.h"
#include "w32/process/command_line.h"
#include "w32/svc/manager_state.h"
#include "w32/svc/protocol.h"
#include "w32/svc/service_errors.h"
#include "w32/svc/service_store.h"

namespace w32::svc {

namespace detail {

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }

// --- setup -------------------------------------------------------------------

bool Manager::take_lock() {
    lock_fd_.reset(::open(manager_lock_path().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!lock_fd_) throw_win32(win32_from_errno(errno), kFunction);
    if (::flock(lock_fd_.get(), LOCK_EX | LOCK_NB) != 0) return false;
    std::string pid = std::to_string(::getpid()) + "\n";
    std::string pid_path = manager_pid_path();
    std::string tmp = pid_path + ".tmp";
    int f = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (f >= 0) {
        ssize_t ignored = ::write(f, pid.data(), pid.size());
        (void)ignored;
        ::close(f);
        ::rename(tmp.c_str(), pid_path.c_str());
    }
    return true;
}

void Manager::listen_socket() {
    std::string path = manager_socket_path();
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw_win32(w32::err::kInvalidName, kFunction);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    ::unlink(path.c_str());  // left by a manager that was killed; we hold the lock
    listen_fd_.reset(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!listen_fd_ || ::bind(listen_fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_.get(), 64) != 0)
        throw_win32(win32_from_errno(errno), kFunction);
}

void Manager::load_state() {
    store_ = std::make_unique<ServiceStore>(service_database_path());
    for (ServiceConfig& c : store_->load_all()) {
        std::string key = fold_name(c.name);
        Service& s = services_[key];
        s.config = std::move(c);
        s.status.service_type = s.config.service_type;
        s.delete_pending = store_->get_value(key, "DeleteFlag").has_value();
    }
}

void Manager::adopt_running() {
    for (const RunRecord& r : store_->load_running()) {
        auto it = services_.find(r.key);
        if (it == services_.end()) {
            store_->clear_running(r.key);
            continue;
        }
        Service& s = it->second;
        int fd = -1;
        if (r.pid > 0 && process::process_start_time(static_cast<int32_t>(r.pid)) == r.start_time)
            fd = pidfd_open(static_cast<pid_t>(r.pid));
        if (fd < 0) {
            // It ended while no manager watched it: a failure unless it had stopped.
            store_->clear_running(r.key);
            s.status.current_state = kStopped;
            bool failure = r.status.current_state != kStopped;
            if (failure) {
                // As on_process_exit says of a process that ended unannounced.
                s.status.win32_exit_code = err::kProcessAborted;
                s.status.controls_accepted = 0;
                became_stopped(s, true);
            }
            continue;
        }
        // Still running: it reconnects (its dispatcher retries); until then
        // its last known status stands and controls wait for it.
        s.pid = static_cast<pid_t>(r.pid);
        s.start_time = r.start_time;
        s.pidfd.reset(fd);
        s.status = r.status;
        s.status.process_id = r.pid;
        pidfds_[fd] = r.key;
        add_fd(fd);
    }
}

void Manager::start_automatic(bool delayed) {
    for (auto& [key, s] : services_) {
        if (s.config.start_type != kAutoStart || s.config.delayed_auto_start != delayed) continue;
        if (s.delete_pending || s.status.current_state != kStopped || s.start_requested) continue;
        std::set<std::string> visiting;
        request_start(s, {}, visiting);
    }
    advance_starts();
}

int Manager::run() {
    if (!take_lock()) return 1;
    // SIGTERM/SIGINT end the manager after stopping the services; SIGCHLD is
    // not needed (pidfds tell of exits), SIGPIPE never (MSG_NOSIGNAL).
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    ::sigprocmask(SIG_BLOCK, &mask, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    signal_fd_.reset(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
    epoll_fd_.reset(::epoll_create1(EPOLL_CLOEXEC));
    load_state();
    listen_socket();
    add_fd(listen_fd_.get());
    add_fd(signal_fd_.get());
    adopt_running();
    // Services marked for deletion that are not running go now.
    std::vector<std::string> keys;
    for (auto& [key, s] : services_) keys.push_back(key);
    for (const std::string& key : keys) maybe_delete(services_.at(key));
    start_automatic(false);
    delayed_start_at_ = Clock::now() + options_.delayed_start;

    epoll_event events[32];
    for (;;) {
        auto deadline = next_deadline();
        int timeout = -1;
        if (deadline != Clock::time_point::max()) {
            auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
            timeout = static_cast<int>(std::clamp<long long>(left + 1, 0, 60000));
        }
        int n = ::epoll_wait(epoll_fd_.get(), events, 32, timeout);
        if (n < 0 && errno != EINTR) return 2;
        for (int i = 0; i < std::max(n, 0); ++i) {
            int fd = events[i].data.fd;
            if (fd == listen_fd_.get()) {
                on_accept();
            } else if (fd == signal_fd_.get()) {
                signalfd_siginfo info;
                while (::read(signal_fd_.get(), &info, sizeof info) == sizeof info) {}
                shutdown_services();
                return 0;
            } else if (auto p = pidfds_.find(fd); p != pidfds_.end()) {
                std::string key = p->second;
                on_process_exit(services_.at(key));
            } else if (retired_.count(fd)) {
                on_retired_exit(fd);
            } else if (connections_.count(fd)) {
                on_connection(fd);
            }
        }
        on_timers();
        if (idle()) {
            if (options_.idle_exit.count() > 0 && Clock::now() - idle_since_ >= options_.idle_exit) break;
        } else {
            idle_since_ = Clock::now();
        }
    }
    // Idle: new clients now start a new manager; one that connected in the
    // meantime sees its connection close and does the same.
    ::unlink(manager_socket_path().c_str());
    ::unlink(manager_pid_path().c_str());
    for (int fd; (fd = ::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC)) >= 0;) ::close(fd);
    return 0;
}

// --- the loop ------------------------------------------------------------------

void Manager::add_fd(int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    ::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_ADD, fd, &ev);
}

void Manager::on_accept() {
    for (;;) {
        int fd = ::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;
        // Requests are answered at once or deferred, never waited for: a
        // client that stops reading must not stall the manager.
        timeval tv{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        connections_[fd].fd.reset(fd);
        add_fd(fd);
    }
}

void Manager::close_connection(int fd) {
    auto it = connections_.find(fd);
    if (it == connections_.end()) return;
    Connection& c = it->second;
    std::vector<std::string> touched;
    for (auto& [id, key] : c.handles) {
        auto s = services_.find(key);
        if (s != services_.end()) {
            --s->second.open_handles;
            touched.push_back(key);
        }
    }
    if (c.host) {
        auto s = services_.find(c.host_key);
        if (s != services_.end() && s->second.host_fd == fd) s->second.host_fd = -1;
    }
    for (auto& [key, s] : services_) {
        s.start_waiters.erase(std::remove(s.start_waiters.begin(), s.start_waiters.end(), fd),
                              s.start_waiters.end());
        for (PendingControl& pc : s.controls)
            if (pc.client_fd == fd) pc.client_fd = -1;
    }
    ::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, fd, nullptr);
    connections_.erase(it);
    for (const std::string& key : touched)
        if (auto s = services_.find(key); s != services_.end()) maybe_delete(s->second);
}

void Manager::on_connection(int fd) {
    Connection& c = connections_.at(fd);
    std::string packet;
    bool open;
    try {
        open = recv_packet(fd, packet, 0, kFunction);
    } catch (const Win32Error&) {
        open = false;
    }
    if (!open) {
        close_connection(fd);
        return;
    }
    try {
        WireReader r(packet);
        auto op = static_cast<Op>(r.u32());
        switch (op) {
        case Op::HostHello: handle_host_hello(c, r); break;
        case Op::HostStatus: handle_host_status(c, r); break;
        case Op::HostControlDone: handle_host_control_done(c, r); break;
        default: handle_client(c, r, op); break;
        }
    } catch (const Win32Error& e) {
        if (connections_.count(fd) && !connections_.at(fd).host) reply(fd, e.code());
    }
}

void Manager::on_process_exit(Service& s) {
    if (s.our_child) ::waitpid(s.pid, nullptr, WNOHANG);
    int fd = s.pidfd.get();
    ::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, fd, nullptr);
    pidfds_.erase(fd);
    s.pidfd.reset();
    s.pid = 0;
    s.our_child = false;
    s.status.process_id = 0;
    if (s.host_fd >= 0) {
        // Its dispatcher's connection goes with it; forget it here so that
        // a late close does not touch the next process of the service.
        if (auto c = connections_.find(s.host_fd); c != connections_.end()) c->second.host_key.clear();
        s.host_fd = -1;
    }
    if (!s.start_waiters.empty() || s.start_requested) {
        fail_start(s, err::kProcessAborted);
        if (!s.stop_accepted) became_stopped(s, true);
        return;
    }
    if (s.status.current_state == kStopped) {
        // It had reported SERVICE_STOPPED (handled then): only its process was left.
        advance_starts();
        maybe_delete(s);
        return;
    }
    // Ended without reporting it stopped: killed, or crashed.
    ServiceStatus st = s.status;
    st.current_state = kStopped;
    st.controls_accepted = 0;
    st.check_point = st.wait_hint = 0;
    if (!s.stop_accepted) st.win32_exit_code = err::kProcessAborted;
    s.status = st;
    became_stopped(s, !s.stop_accepted);
}

Clock::time_point Manager::next_deadline() const {
    Clock::time_point next = Clock::time_point::max();
    for (const auto& [key, s] : services_) {
        if (s.start_requested && !s.waiting_for_dependencies && s.pid != 0 && s.host_fd < 0)
            next = std::min(next, s.start_deadline);
        if (!s.controls.empty() && s.controls.front().sent) next = std::min(next, s.controls.front().deadline);
        if (s.restart_at) next = std::min(next, *s.restart_at);
    }
    if (delayed_start_at_) next = std::min(next, *delayed_start_at_);
    if (options_.idle_exit.count() > 0 && idle()) next = std::min(next, idle_since_ + options_.idle_exit);
    return next;
}

void Manager::on_timers() {
    auto now = Clock::now();
    if (delayed_start_at_ && now >= *delayed_start_at_) {
        delayed_start_at_.reset();
        start_automatic(true);
    }
    for (auto& [key, s] : services_) {
        if (s.start_requested && !s.waiting_for_dependencies && s.pid != 0 && s.host_fd < 0 &&
            now >= s.start_deadline) {
            // It never reached StartServiceCtrlDispatcher: Windows ends it.
            ::kill(s.pid, SIGKILL);
            fail_start(s, err::kServiceRequestTimeout);
        }
        if (!s.controls.empty() && s.controls.front().sent && now >= s.controls.front().deadline) {
            finish_control(s, err::kServiceRequestTimeout);
        }
        if (s.restart_at && now >= *s.restart_at) {
            s.restart_at.reset();
            if (s.status.current_state == kStopped && !s.delete_pending &&
                s.config.start_type != kDisabled) {
                std::set<std::string> visiting;
                request_start(s, {}, visiting);
            }
        }
    }
    advance_starts();
}

bool Manager::idle() const {
    if (!connections_.empty() || !pidfds_.empty() || !retired_.empty() || delayed_start_at_) return false;
    for (const auto& [key, s] : services_)
        if (s.restart_at || s.start_requested) return false;
    return true;
}

void Manager::shutdown_services() {
    stopping_ = true;
    ::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, listen_fd_.get(), nullptr);
    listen_fd_.reset();
    ::unlink(manager_socket_path().c_str());
    // As at Windows shutdown: services that accept SHUTDOWN get it (STOP
    // otherwise), then whatever is still running is ended.
    for (auto& [key, s] : services_) {
        s.restart_at.reset();
        if (s.host_fd < 0 || s.status.current_state == kStopped) continue;
        uint32_t control = (s.status.controls_accepted & kAcceptShutdown) ? kControlShutdown
                           : (s.status.controls_accepted & kAcceptStop) ? kControlStop : 0;
        if (control == 0) continue;
        s.controls.push_back(PendingControl{-1, control, 0, {}, false});
        if (s.controls.size() == 1) send_next_control(s);
    }
    auto deadline = Clock::now() + options_.shutdown_timeout;
    epoll_event events[32];
    while (!pidfds_.empty() && Clock::now() < deadline) {
        auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
        int n = ::epoll_wait(epoll_fd_.get(), events, 32, static_cast<int>(std::max<long long>(left, 1)));
        for (int i = 0; i < std::max(n, 0); ++i) {
            int fd = events[i].data.fd;
            if (auto p = pidfds_.find(fd); p != pidfds_.end()) {
                on_process_exit(services_.at(p->second));
            } else if (retired_.count(fd)) {
                on_retired_exit(fd);
            } else if (connections_.count(fd)) {
                on_connection(fd);
            } else if (fd == signal_fd_.get()) {
                signalfd_siginfo info;
                while (::read(signal_fd_.get(), &info, sizeof info) == sizeof info) {}
            }
        }
    }
    for (auto& [key, s] : services_) {
        if (s.pid > 0) {
            ::kill(s.pid, SIGKILL);
            if (s.our_child) ::waitpid(s.pid, nullptr, 0);
        }
        store_->clear_running(key);
    }
    for (auto& [fd, r] : retired_) {
        ::kill(r.pid, SIGKILL);
        if (r.our_child) ::waitpid(r.pid, nullptr, 0);
    }
    ::unlink(manager_pid_path().c_str());
}

// --- service lifecycle ---------------------------------------------------------

uint32_t Manager::request_start(Service& s, const std::vector<std::string>& args,
                                std::set<std::string>& visiting) {
    std::string key = fold_name(s.config.name);
    if (s.delete_pending) return err::kServiceMarkedForDelete;
    if (s.config.start_type == kDisabled) return err::kServiceDisabled;
    if (s.status.current_state != kStopped || s.start_requested) return err::kServiceAlreadyRunning;
    if (!visiting.insert(key).second) return err::kCircularDependency;
    for (const std::string& dep : s.config.dependencies) {
        if (dep.empty() || dep[0] == '+') continue;  // load-order groups: nothing to start
        Service* d = find(dep);
        if (!d || d->delete_pending) return err::kServiceDependencyDeleted;
        if (d->config.start_type == kDisabled) return err::kServiceDependencyFail;
        if (d->status.current_state == kStopped && !d->start_requested) {
            if (uint32_t e = request_start(*d, {}, visiting)) return e == err::kCircularDependency ? e : err::kServiceDependencyFail;
        }
    }
    s.start_requested = true;
    s.waiting_for_dependencies = true;
    s.start_args = args;
    s.start_args.insert(s.start_args.begin(), s.config.name);
    s.stop_accepted = false;
    s.restart_at.reset();
    ServiceStatus st;
    st.service_type = s.config.service_type;
    st.current_state = kStartPending;
    st.wait_hint = 2000;
    s.status = st;
    return 0;
}

void Manager::advance_starts() {
    bool progress = true;
    while (progress) {
        progress = false;
        for (auto& [key, s] : services_) {
            if (!s.start_requested || !s.waiting_for_dependencies) continue;
            bool ready = true, failed = false;
            for (const std::string& dep : s.config.dependencies) {
                if (dep.empty() || dep[0] == '+') continue;
                Service* d = find(dep);
                if (!d) { failed = true; break; }
                if (d->status.current_state == kRunning) continue;
                ready = false;
                if (d->status.current_state == kStopped && !d->start_requested) failed = true;
            }
            if (failed) {
                fail_start(s, err::kServiceDependencyFail);
                progress = true;
            } else if (ready) {
                s.waiting_for_dependencies = false;
                launch(s);
                progress = true;
            }
        }
    }
}

void Manager::detach_process(Service& s) {
    if (s.pid == 0) return;
    int fd = s.pidfd.get();
    pidfds_.erase(fd);
    if (fd >= 0) retired_[fd] = Retired{std::move(s.pidfd), s.pid, s.our_child};
    s.pid = 0;
    s.our_child = false;
    s.status.process_id = 0;
}

void Manager::on_retired_exit(int fd) {
    auto it = retired_.find(fd);
    if (it->second.our_child) ::waitpid(it->second.pid, nullptr, WNOHANG);
    ::epoll_ctl(epoll_fd_.get(), EPOLL_CTL_DEL, fd, nullptr);
    retired_.erase(it);
}

void Manager::launch(Service& s) {
    detach_process(s);
    std::vector<std::string> argv = process::split_command_line(s.config.binary_path);
    if (argv.empty()) return fail_start(s, w32::err::kFileNotFound);
    std::string log_dir = session_paths().runtime_dir + "/services/logs";
    try {
        ensure_private_dir(log_dir);
    } catch (const Win32Error&) {
    }
    std::string log_path = log_dir + "/" + fold_name(s.config.name) + ".log";
    std::string env_service = "PYWIN32_POSIX_SERVICE=" + s.config.name;
    if (systemd_) {
        pid_t pid = 0;
        try {
            pid = start_transient_unit(*systemd_, s.config, argv, {env_service}, log_path);
        } catch (const Win32Error& e) {
            return fail_start(s, e.code());
        }
        return watch_started(s, pid, false);
    }

    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) return fail_start(s, win32_from_errno(errno));
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(report[0]);
        ::close(report[1]);
        return fail_start(s, win32_from_errno(errno));
    }
    if (pid == 0) {
        // The child: its own session (no terminal, as a Windows service),
        // default signals, stdin from /dev/null, output to the service's log.
        ::setsid();
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);
        int in = ::open("/dev/null", O_RDONLY);
        int out = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in >= 0) ::dup2(in, 0);
        if (out >= 0) {
            ::dup2(out, 1);
            ::dup2(out, 2);
        }
        ::putenv(env_service.data());
        ::execvp(args[0], args.data());
        int e = errno;
        ssize_t ignored = ::write(report[1], &e, sizeof e);
        (void)ignored;
        ::_exit(127);
    }
    ::close(report[1]);
    int exec_errno = 0;
    ssize_t got;
    do got = ::read(report[0], &exec_errno, sizeof exec_errno);
    while (got < 0 && errno == EINTR);
    ::close(report[0]);
    if (got == sizeof exec_errno) {
        ::waitpid(pid, nullptr, 0);
        return fail_start(s, win32_from_errno(exec_errno));
    }
    watch_started(s, pid, true);
}

void Manager::watch_started(Service& s, pid_t pid, bool our_child) {
    int fd = pidfd_open(pid);
    s.pid = pid;
    s.our_child = our_child;
    s.start_time = process::process_start_time(pid);
    s.status.process_id = static_cast<uint32_t>(pid);
    s.start_deadline = Clock::now() + options_.start_timeout;
    if (fd >= 0) {
        s.pidfd.reset(fd);
        pidfds_[fd] = fold_name(s.config.name);
        add_fd(fd);
    }
    persist_running(s);
}

void Manager::fail_start(Service& s, uint32_t error) {
    s.start_requested = false;
    s.waiting_for_dependencies = false;
    for (int waiter : s.start_waiters) reply(waiter, error);
    s.start_waiters.clear();
    if (s.pid == 0) {
        s.status.current_state = kStopped;
        s.status.win32_exit_code = error;
        s.status.controls_accepted = 0;
        s.status.process_id = 0;
    }
}

void Manager::set_status(Service& s, const ServiceStatus& incoming) {
    ServiceStatus st = incoming;
    st.process_id = s.pid > 0 && st.current_state != kStopped ? static_cast<uint32_t>(s.pid) : 0;
    s.status = st;
    if (st.current_state == kStopped) {
        // The process may go on a little; it no longer counts as the
        // service's, which may start again at once.
        store_->clear_running(fold_name(s.config.name));
        if (s.host_fd >= 0) {
            if (auto c = connections_.find(s.host_fd); c != connections_.end()) c->second.host_key.clear();
            s.host_fd = -1;
        }
        became_stopped(s, s.config.failure_actions_on_non_crash && st.win32_exit_code != 0 && !s.stop_accepted);
    } else {
        persist_running(s);
    }
    advance_starts();
}

void Manager::became_stopped(Service& s, bool failure) {
    std::string key = fold_name(s.config.name);
    store_->clear_running(key);
    for (PendingControl& pc : s.controls)
        if (pc.client_fd >= 0)
            reply(pc.client_fd, pc.control == kControlStop ? 0 : err::kServiceNotActive,
                  [&](WireWriter& w) { w.status(s.status); });
    s.controls.clear();
    if (failure && !stopping_) {
        auto now = Clock::now();
        const FailureActions& fa = s.config.failure_actions;
        if (fa.reset_period_s != kInfinite && s.failure_count > 0 &&
            now - s.last_failure > std::chrono::seconds(fa.reset_period_s))
            s.failure_count = 0;
        ++s.failure_count;
        s.last_failure = now;
        if (!fa.actions.empty()) {
            const FailureAction& a = fa.actions[std::min<size_t>(s.failure_count - 1, fa.actions.size() - 1)];
            if (a.type == kActionRestart) {
                s.restart_at = now + milliseconds(a.delay_ms);
            } else if (a.type == kActionRunCommand && !fa.command.empty()) {
                // Detached (double fork): the command outlives nothing of ours.
                std::string command = fa.command;
                pid_t pid = ::fork();
                if (pid == 0) {
                    if (::fork() == 0) {
                        ::setsid();
                        sigset_t none;
                        sigemptyset(&none);
                        ::sigprocmask(SIG_SETMASK, &none, nullptr);
                        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
                    }
                    ::_exit(0);
                }
                if (pid > 0) ::waitpid(pid, nullptr, 0);
            }
        }
    }
    advance_starts();
    maybe_delete(s);
}

void Manager::send_next_control(Service& s) {
    while (!s.controls.empty()) {
        PendingControl& pc = s.controls.front();
        if (s.host_fd < 0) return;  // sent when the service (re)connects
        pc.sequence = s.next_sequence++;
        pc.deadline = Clock::now() + options_.control_timeout;
        pc.sent = true;
        WireWriter w(Op::HostControl);
        w.u32(pc.sequence).u32(pc.control).u32(0);
        try {
            send_packet(s.host_fd, w.bytes(), kFunction);
            return;
        } catch (const Win32Error&) {
            finish_control(s, err::kServiceRequestTimeout);
            return;
        }
    }
}

void Manager::finish_control(Service& s, uint32_t error) {
    if (s.controls.empty()) return;
    PendingControl pc = s.controls.front();
    s.controls.pop_front();
    reply(pc.client_fd, error, [&](WireWriter& w) { w.status(s.status); });
    send_next_control(s);
}

void Manager::maybe_delete(Service& s) {
    if (!s.delete_pending || s.open_handles > 0 || s.status.current_state != kStopped || s.pid != 0 ||
        s.start_requested)
        return;
    std::string key = fold_name(s.config.name);
    store_->remove(key);
    services_.erase(key);
}

std::vector<Service*> Manager::dependents(const Service& s, bool active_only) {
    // Everything that depends on `s`, directly or not, the farthest first
    // (the order in which they must stop).
    std::vector<Service*> order;
    std::set<std::string> seen;
    std::function<void(const std::string&)> visit = [&](const std::string& key) {
        for (auto& [k, other] : services_) {
            if (seen.count(k)) continue;
            bool depends = std::any_of(other.config.dependencies.begin(), other.config.dependencies.end(),
                                       [&](const std::string& d) { return fold_name(d) == key; });
            if (!depends) continue;
            seen.insert(k);
            visit(k);
            if (!active_only || other.status.current_state != kStopped) order.push_back(&other);
        }
    };
    visit(fold_name(s.config.name));
    std::reverse(order.begin(), order.end());
    return order;
}

void Manager::persist_running(Service& s) {
    if (s.pid == 0) return;
    RunRecord r;
    r.key = fold_name(s.config.name);
    r.pid = static_cast<uint32_t>(s.pid);
    r.start_time = s.start_time;
    r.status = s.status;
    store_->put_running(r);
}

}  // namespace detail

namespace {

long long env_ms(const char* name, long long fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    char* end = nullptr;
    long long n = std::strtoll(v, &end, 10);
    return (end && *end == '\0' && n >= 0) ? n : fallback;
}

}  // namespace

ManagerOptions manager_options_from_environment() {
    using std::chrono::milliseconds;
    ManagerOptions o;
    o.start_timeout = milliseconds(env_ms("PYWIN32_POSIX_SCM_START_TIMEOUT_MS", o.start_timeout.count()));
    o.control_timeout = milliseconds(env_ms("PYWIN32_POSIX_SCM_CONTROL_TIMEOUT_MS", o.control_timeout.count()));
    o.delayed_start = milliseconds(env_ms("PYWIN32_POSIX_SCM_DELAYED_START_MS", o.delayed_start.count()));
    o.idle_exit = milliseconds(env_ms("PYWIN32_POSIX_SCM_IDLE_EXIT_MS", o.idle_exit.count()));
    o.shutdown_timeout = milliseconds(env_ms("PYWIN32_POSIX_SCM_SHUTDOWN_TIMEOUT_MS", o.shutdown_timeout.count()));
    return o;
}

int run_manager(const ManagerOptions& options) {
    detail::Manager m(options);
    return m.run();
}

}  // namespace w32::svc
