// A service's configuration as a systemd unit, for running it under systemd
// instead of the embedded manager: Type=notify (the service process reports
// READY/STOPPING through sd_notify as it reports its status), dependencies as
// Requires/After, the failure actions' first restart as Restart=, auto start
// as an [Install] section.
#pragma once

#include <string>
#include <vector>

#include "w32/svc/service_types.h"

namespace w32::svc {

struct UnitOptions {
    bool user_manager = true;  // systemd --user (default.target) or the system's (multi-user.target)
    std::vector<std::string> environment;  // NAME=value, e.g. PYWIN32_POSIX_ROOT
};

// The unit's file name: "pywin32-<folded service name>.service".
std::string unit_name(const std::string& service_name);

// The unit text.
std::string systemd_unit(const ServiceConfig& config, const UnitOptions& options);

// One argument as systemd reads it back ("..." with C escapes, % doubled so
// that no specifier is expanded, and in ExecStart= $ doubled so that no
// variable is; Environment= takes $ as it is).
std::string systemd_quote(const std::string& argument, bool exec_line = true);

}  // namespace w32::svc
