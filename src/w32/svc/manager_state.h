// The service manager's state and its event loop's parts, shared by
// manager.cpp (setup, the loop, service lifecycle) and manager_requests.cpp
// (what clients and service processes ask). Private to the manager.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "w32/io/unique_fd.h"
#include "w32/svc/manager.h"
#include "w32/svc/protocol.h"
#include "w32/svc/service_store.h"
#include "w32/svc/service_types.h"
#include "w32/svc/systemd_launcher.h"

namespace w32::svc::detail {

using Clock = std::chrono::steady_clock;
using io::UniqueFd;
using std::chrono::milliseconds;

inline constexpr const char* kFunction = "ServiceManager";
inline constexpr uint32_t kInfinite = 0xFFFFFFFF;

int pidfd_open(pid_t pid);

struct Connection {
    UniqueFd fd;
    bool host = false;
    std::string host_key;                  // for a service process: its service
    std::map<uint32_t, std::string> handles;  // service handle id -> service key
    bool awaiting_reply = false;           // a deferred request (start/control) is pending
};

struct PendingControl {
    int client_fd;  // -1: sent by the manager itself (shutdown)
    uint32_t control;
    uint32_t sequence = 0;
    Clock::time_point deadline;
    bool sent = false;
};

struct Service {
    ServiceConfig config;
    ServiceStatus status;
    bool delete_pending = false;
    int open_handles = 0;

    // The service's process, while it has one.
    pid_t pid = 0;
    bool our_child = false;  // reaped with waitpid; adopted processes are not
    uint64_t start_time = 0;
    UniqueFd pidfd;
    int host_fd = -1;  // its dispatcher's connection, once connected

    // A start in progress: waiting for dependencies, then for the process to connect.
    bool start_requested = false;
    bool waiting_for_dependencies = false;
    std::vector<std::string> start_args;
    std::vector<int> start_waiters;  // client fds awaiting StartService's reply
    Clock::time_point start_deadline;

    std::deque<PendingControl> controls;
    uint32_t next_sequence = 1;
    bool stop_accepted = false;  // a STOP was handled: its exit is not a failure

    // Recovery.
    uint32_t failure_count = 0;
    Clock::time_point last_failure;
    std::optional<Clock::time_point> restart_at;
};

class Manager {
public:
    explicit Manager(const ManagerOptions& options) : options_(options) {}
    int run();

private:
    // setup
    bool take_lock();
    void listen_socket();
    void load_state();
    void adopt_running();
    void start_automatic(bool delayed);
    // loop
    void add_fd(int fd);
    void on_accept();
    void on_connection(int fd);
    void on_process_exit(Service& s);
    void on_timers();
    void close_connection(int fd);
    Clock::time_point next_deadline() const;
    bool idle() const;
    void shutdown_services();
    // requests
    void handle_client(Connection& c, WireReader& r, Op op);
    void handle_host_hello(Connection& c, WireReader& r);
    void handle_host_status(Connection& c, WireReader& r);
    void handle_host_control_done(Connection& c, WireReader& r);
    void reply(int fd, uint32_t error, const std::function<void(WireWriter&)>& body = {});
    Service& service_of(Connection& c, uint32_t handle);
    Service* find(const std::string& name);
    Service* find_by_display(const std::string& display);
    // service lifecycle
    uint32_t request_start(Service& s, const std::vector<std::string>& args, std::set<std::string>& visiting);
    void advance_starts();
    void launch(Service& s);
    // Watches a started process (pidfd) and gives it its start deadline.
    void watch_started(Service& s, pid_t pid, bool our_child);
    void fail_start(Service& s, uint32_t error);
    void set_status(Service& s, const ServiceStatus& status);
    void became_stopped(Service& s, bool failure);
    void send_next_control(Service& s);
    void finish_control(Service& s, uint32_t error);
    void maybe_delete(Service& s);
    std::vector<Service*> dependents(const Service& s, bool active_only);
    uint32_t validate_dependencies(const ServiceConfig& c);
    void persist_running(Service& s);

    ManagerOptions options_;
    // Set when service processes run as systemd units (systemd_launcher.h).
    std::optional<SystemdBackend> systemd_ = systemd_backend_from_environment();
    UniqueFd lock_fd_, listen_fd_, epoll_fd_, signal_fd_;
    std::unique_ptr<ServiceStore> store_;
    std::map<std::string, Service> services_;  // folded name -> service
    std::map<int, Connection> connections_;
    std::map<int, std::string> pidfds_;  // pidfd -> service key
    // Processes of services that reported SERVICE_STOPPED and were started
    // again before the old process had gone: watched only to be reaped.
    struct Retired {
        UniqueFd pidfd;
        pid_t pid;
        bool our_child;
    };
    std::map<int, Retired> retired_;
    void detach_process(Service& s);
    void on_retired_exit(int fd);
    uint32_t next_handle_ = 1;
    Clock::time_point idle_since_ = Clock::now();
    std::optional<Clock::time_point> delayed_start_at_;
    bool stopping_ = false;
};

}  // namespace w32::svc::detail
