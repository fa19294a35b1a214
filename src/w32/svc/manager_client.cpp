#include "w32/svc/manager_client.h"
#include "w32/svc/systemd_launcher.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/session_root.h"
#include "w32/svc/service_errors.h"

extern char** environ;

namespace w32::svc {

namespace {

std::mutex program_mutex;
std::string program_path;

bool try_connect(io::UniqueFd& out) {
    std::string path = manager_socket_path();
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) throw_win32(w32::err::kInvalidName, "OpenSCManager");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    io::UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    if (!fd) throw_win32(win32_from_errno(errno), "OpenSCManager");
    int r;
    do r = ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    while (r != 0 && errno == EINTR);
    if (r != 0) return false;
    out = std::move(fd);
    return true;
}

// Starts `<program> --daemon`, which forks the manager and exits at once
// (reaped here): the manager is nobody's child and outlives this process.
void spawn_manager(const char* function) {
    std::string program = manager_program();
    if (::access(program.c_str(), X_OK) != 0) throw_win32(err::kRpcServerUnavailable, function);
    std::string log = session_paths().runtime_dir + "/services/manager.log";
    // Under the systemd backend the manager is a unit of its own: started
    // from a service process, it must not live (and die) in that service's
    // cgroup. When systemd-run fails, another client's start of the same
    // unit usually won: the caller keeps trying to connect either way.
    if (auto backend = systemd_backend_from_environment()) {
        start_manager_unit(*backend, program, log);
        return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
    char arg0[] = "w32-service-manager";
    char arg1[] = "--daemon";
    char* argv[] = {arg0, arg1, nullptr};
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, program.c_str(), &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw_win32(err::kRpcServerUnavailable, function);
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
}

}  // namespace

void set_manager_program(const std::string& path) {
    std::lock_guard<std::mutex> lock(program_mutex);
    program_path = path;
}

std::string manager_program() {
    if (const char* env = std::getenv("PYWIN32_POSIX_SERVICE_MANAGER"); env && *env) return env;
    std::lock_guard<std::mutex> lock(program_mutex);
    return program_path;
}

io::UniqueFd connect_manager(const char* function) {
    io::UniqueFd fd;
    if (try_connect(fd)) return fd;
    // A manager still shutting down holds the session's lock: the one
    // started now then leaves at once, so start another now and then until
    // one listens.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    auto next_spawn = std::chrono::steady_clock::now();
    for (int i = 0; std::chrono::steady_clock::now() < deadline; ++i) {
        if (std::chrono::steady_clock::now() >= next_spawn) {
            spawn_manager(function);
            next_spawn = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
        }
        if (try_connect(fd)) return fd;
        std::this_thread::sleep_for(std::chrono::milliseconds(i < 100 ? 1 : 5));
    }
    throw_win32(err::kRpcServerUnavailable, function);
}

std::string call_manager(int fd, const WireWriter& request, const char* function) {
    try {
        send_packet(fd, request.bytes(), function);
    } catch (const Win32Error& e) {
        if (e.code() == w32::err::kBrokenPipe) throw_win32(err::kRpcServerUnavailable, function);
        throw;
    }
    std::string packet;
    if (!recv_packet(fd, packet, -1, function)) throw_win32(err::kRpcServerUnavailable, function);
    WireReader r(packet);
    uint32_t error = r.u32();
    if (error != 0) throw_win32(error, function);
    return packet.substr(4);
}

int running_manager_pid() {
    io::UniqueFd lock(::open(manager_lock_path().c_str(), O_RDONLY | O_CLOEXEC));
    if (!lock) return 0;
    if (::flock(lock.get(), LOCK_SH | LOCK_NB) == 0) return 0;  // nobody holds it
    std::ifstream pid_file(manager_pid_path());
    int pid = 0;
    pid_file >> pid;
    return pid;
}

}  // namespace w32::svc
