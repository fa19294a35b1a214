// The service process's side (servicemanager.StartServiceCtrlDispatcher):
// the connection over which the manager sends control requests and the
// service reports its status. A process the manager did not start for a
// service has no such connection (ERROR_FAILED_SERVICE_CONTROLLER_CONNECT).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "w32/io/unique_fd.h"
#include "w32/svc/service_types.h"

namespace w32::svc {

// The service this process was started to run (PYWIN32_POSIX_SERVICE), or "".
std::string hosted_service_name();

struct ControlRequest {
    uint32_t sequence;
    uint32_t control;
    uint32_t event_type;
};

class ServiceHostChannel {
public:
    // Connects as the dispatcher of the hosted service.
    static std::unique_ptr<ServiceHostChannel> connect(const char* function);

    const std::string& service_name() const noexcept { return name_; }
    // The arguments of StartService, the service's name first.
    const std::vector<std::string>& start_args() const noexcept { return args_; }

    // SetServiceStatus. Safe from any thread.
    void set_status(const ServiceStatus& status);
    ServiceStatus status() const;

    enum class Wait { Control, Timeout, Ended };
    // The next control request, waiting up to timeout_ms (< 0: forever).
    // Ended once the service has reported SERVICE_STOPPED. A lost manager is
    // reconnected to (a new one is started) without the caller noticing.
    Wait next_control(int timeout_ms, ControlRequest& out);
    void control_done(uint32_t sequence, uint32_t result);

private:
    ServiceHostChannel() = default;
    bool reconnect(bool recovering, const char* function);

    mutable std::mutex mutex_;  // guards fd_, status_, send order
    io::UniqueFd fd_;
    bool broken_ = false;
    std::string name_;
    std::vector<std::string> args_;
    ServiceStatus status_;
    bool stopped_ = false;
};

}  // namespace w32::svc
