// The manager's systemd backend: when systemd is the init system, service
// processes are started as transient systemd units (systemd-run) instead of
// children of the manager. The manager stays the service control manager
// (configuration, controls, status, recovery, dependencies, adoption after
// its own restart); systemd supervises the processes: each service gets its
// own unit and cgroup (`systemctl status pywin32-<name>`), outlives the
// manager, and with the system manager may run under the service's account.
//
// Chosen by PYWIN32_POSIX_SCM_BACKEND: "embedded", "systemd", or "auto" (the
// default: systemd when /run/systemd/system exists and, for a user other
// than root, the user manager's socket is there). PYWIN32_POSIX_SCM_SYSTEMD_SCOPE
// ("user" or "system") overrides the scope (default: system for root).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "w32/svc/service_types.h"

namespace w32::svc {

struct SystemdBackend {
    bool user_scope = true;
    // "pywin32-", plus a tag of the session when PYWIN32_POSIX_ROOT names one,
    // so that sessions never share unit names.
    std::string unit_prefix = "pywin32-";
};

std::optional<SystemdBackend> systemd_backend_from_environment();

// The transient unit a service's process runs in.
std::string transient_unit_name(const SystemdBackend& backend, const std::string& service_name);

// Starts `argv` as the service's unit with the manager's PYWIN32_POSIX_*,
// PATH and Python variables plus `extra_env`, output appended to `log_path`;
// returns its main process. A program that cannot be run is the error
// execvp would give (ERROR_FILE_NOT_FOUND, ERROR_ACCESS_DENIED); a unit
// systemd refuses is ERROR_PROCESS_ABORTED, with systemd's words in the log.
pid_t start_transient_unit(const SystemdBackend& backend, const ServiceConfig& config,
                           const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
                           const std::string& log_path);

// Starts the service manager as a transient unit of its own
// (<prefix>manager.service), so that a manager started by a service process
// does not live in that service's cgroup. False when systemd-run failed.
bool start_manager_unit(const SystemdBackend& backend, const std::string& program, const std::string& log_path);

// The systemctl/systemd-run command line prefix for the backend's scope.
std::vector<std::string> systemctl_command(const SystemdBackend& backend, const char* tool = "systemctl");

// Runs a tool (bounded: 30 s), returning its exit status (-1: could not run
// or timed out) and its stdout; stderr goes to `err_out` when given.
int run_tool(const std::vector<std::string>& argv, std::string* out = nullptr, std::string* err_out = nullptr);

}  // namespace w32::svc
