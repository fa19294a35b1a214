// The embedded service control manager: one daemon per session, started on
// demand by the first client (manager_client.h). It keeps the services'
// configuration in the session's state directory, starts their processes,
// relays control requests and status between clients and service processes,
// restarts failed services per their recovery settings, and on its own
// restart finds the services that kept running and lets them reconnect.
#pragma once

#include <chrono>

namespace w32::svc {

struct ManagerOptions {
    // How long a started process has to connect (StartServiceCtrlDispatcher)
    // and a service to answer a control: 30 s on Windows.
    std::chrono::milliseconds start_timeout{30000};
    std::chrono::milliseconds control_timeout{30000};
    // Delayed-auto-start services start this long after the manager.
    std::chrono::milliseconds delayed_start{10000};
    // With no client, no service process and nothing scheduled for this
    // long, the manager exits (it is started again on demand). 0: never.
    std::chrono::milliseconds idle_exit{60000};
    // On SIGTERM, services get this long to stop after SHUTDOWN/STOP.
    std::chrono::milliseconds shutdown_timeout{5000};
};

// Reads overrides from PYWIN32_POSIX_SCM_* environment variables (in ms):
// START_TIMEOUT_MS, CONTROL_TIMEOUT_MS, DELAYED_START_MS, IDLE_EXIT_MS,
// SHUTDOWN_TIMEOUT_MS.
ManagerOptions manager_options_from_environment();

// Runs the manager until it is idle or terminated. Returns the process exit
// status: 0, or 1 when another manager already serves the session.
int run_manager(const ManagerOptions& options);

}  // namespace w32::svc
