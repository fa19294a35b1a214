// The service manager's vocabulary: Windows' numbers (winsvc.h) and the
// records that travel between clients, the manager and service processes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace w32::svc {

// Service types and start types.
inline constexpr uint32_t kServiceKernelDriver = 0x1;
inline constexpr uint32_t kServiceFileSystemDriver = 0x2;
inline constexpr uint32_t kServiceWin32OwnProcess = 0x10;
inline constexpr uint32_t kServiceWin32ShareProcess = 0x20;
inline constexpr uint32_t kServiceInteractiveProcess = 0x100;
inline constexpr uint32_t kServiceWin32 = kServiceWin32OwnProcess | kServiceWin32ShareProcess;
inline constexpr uint32_t kServiceDriver = kServiceKernelDriver | kServiceFileSystemDriver;

inline constexpr uint32_t kBootStart = 0, kSystemStart = 1, kAutoStart = 2, kDemandStart = 3,
                          kDisabled = 4;
inline constexpr uint32_t kNoChange = 0xFFFFFFFF;

// States.
inline constexpr uint32_t kStopped = 1, kStartPending = 2, kStopPending = 3, kRunning = 4,
                          kContinuePending = 5, kPausePending = 6, kPaused = 7;
// EnumServicesStatus's state filter.
inline constexpr uint32_t kStateActive = 1, kStateInactive = 2, kStateAll = 3;

// Controls.
inline constexpr uint32_t kControlStop = 1, kControlPause = 2, kControlContinue = 3,
                          kControlInterrogate = 4, kControlShutdown = 5,
                          kControlParamChange = 6, kControlPreshutdown = 0xF;
// Accepted-control bits.
inline constexpr uint32_t kAcceptStop = 0x1, kAcceptPauseContinue = 0x2, kAcceptShutdown = 0x4,
                          kAcceptParamChange = 0x8, kAcceptPreshutdown = 0x100;

// Failure actions.
inline constexpr uint32_t kActionNone = 0, kActionRestart = 1, kActionReboot = 2,
                          kActionRunCommand = 3;

// QueryServiceConfig2 / ChangeServiceConfig2 levels.
inline constexpr uint32_t kConfigDescription = 1, kConfigFailureActions = 2,
                          kConfigDelayedAutoStart = 3, kConfigFailureActionsFlag = 4,
                          kConfigServiceSid = 5, kConfigRequiredPrivileges = 6,
                          kConfigPreshutdown = 7;

struct ServiceStatus {
    uint32_t service_type = kServiceWin32OwnProcess;
    uint32_t current_state = kStopped;
    uint32_t controls_accepted = 0;
    uint32_t win32_exit_code = 0;
    uint32_t service_specific_exit_code = 0;
    uint32_t check_point = 0;
    uint32_t wait_hint = 0;
    uint32_t process_id = 0;  // QueryServiceStatusEx
    uint32_t service_flags = 0;
};

struct FailureAction {
    uint32_t type = kActionNone;
    uint32_t delay_ms = 0;
};

struct FailureActions {
    uint32_t reset_period_s = 0;  // INFINITE (0xFFFFFFFF) never resets the count
    std::string reboot_message;
    std::string command;
    std::vector<FailureAction> actions;
};

struct ServiceConfig {
    std::string name;  // the key name; case kept, compared without case
    std::string display_name;
    uint32_t service_type = kServiceWin32OwnProcess;
    uint32_t start_type = kDemandStart;
    uint32_t error_control = 1;  // SERVICE_ERROR_NORMAL
    std::string binary_path;     // a command line, split as a shell would (no expansion)
    std::string load_order_group;
    uint32_t tag_id = 0;
    std::vector<std::string> dependencies;  // services, and groups spelt "+group"
    std::string account;
    std::string description;
    bool delayed_auto_start = false;
    FailureActions failure_actions;
    bool failure_actions_on_non_crash = false;
    uint32_t preshutdown_timeout_ms = 180000;
    uint32_t sid_type = 0;
    std::vector<std::string> required_privileges;
};

struct ServiceEntry {  // EnumServicesStatus(Ex)
    std::string name;
    std::string display_name;
    ServiceStatus status;
};

// Windows compares service names without case (ASCII folding, as the SCM's
// own comparison does for the names programs use).
std::string fold_name(const std::string& name);

}  // namespace w32::svc
