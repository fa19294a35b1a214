#include "w32/svc/service_host.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/svc/manager_client.h"
#include "w32/svc/protocol.h"
#include "w32/svc/service_errors.h"

namespace w32::svc {

std::string hosted_service_name() {
    const char* name = std::getenv("PYWIN32_POSIX_SERVICE");
    return name ? name : "";
}

std::unique_ptr<ServiceHostChannel> ServiceHostChannel::connect(const char* function) {
    std::unique_ptr<ServiceHostChannel> channel(new ServiceHostChannel());
    channel->name_ = hosted_service_name();
    if (channel->name_.empty()) throw_win32(err::kFailedServiceControllerConnect, function);
    channel->status_.current_state = kStartPending;
    channel->status_.wait_hint = 2000;
    std::lock_guard<std::mutex> lock(channel->mutex_);
    if (!channel->reconnect(false, function)) throw_win32(err::kFailedServiceControllerConnect, function);
    return channel;
}

// Called with mutex_ held.
bool ServiceHostChannel::reconnect(bool recovering, const char* function) {
    try {
        io::UniqueFd fd = connect_manager(function);
        WireWriter hello(Op::HostHello);
        hello.u32(kProtocolVersion).str(name_).u32(static_cast<uint32_t>(::getpid())).u32(recovering ? 1 : 0);
        hello.status(status_);
        std::string reply = call_manager(fd.get(), hello, function);
        WireReader r(reply);
        name_ = r.str();
        std::vector<std::string> args = r.strs();
        if (!recovering) args_ = std::move(args);
        fd_ = std::move(fd);
        broken_ = false;
        return true;
    } catch (const Win32Error&) {
        if (!recovering) throw;
        return false;
    }
}

void ServiceHostChannel::set_status(const ServiceStatus& status) {
    std::lock_guard<std::mutex> lock(mutex_);
    status_ = status;
    if (status.current_state == kStopped) stopped_ = true;
    if (!broken_ && fd_) {
        WireWriter w(Op::HostStatus);
        w.status(status);
        try {
            send_packet(fd_.get(), w.bytes(), "SetServiceStatus");
        } catch (const Win32Error&) {
            broken_ = true;  // next_control reconnects and reports status_ then
        }
    }
    // The dispatcher's wait ends with the service.
    if (stopped_ && fd_) ::shutdown(fd_.get(), SHUT_RD);
}

ServiceStatus ServiceHostChannel::status() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return status_;
}

ServiceHostChannel::Wait ServiceHostChannel::next_control(int timeout_ms, ControlRequest& out) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms < 0 ? 0 : timeout_ms);
    for (;;) {
        int fd;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopped_) return Wait::Ended;
            // The manager went away (killed?): a new one adopts us.
            if (broken_) reconnect(true, "StartServiceCtrlDispatcher");
            fd = broken_ ? -1 : fd_.get();
        }
        int wait_ms = timeout_ms;
        if (timeout_ms >= 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
            if (left <= 0) return Wait::Timeout;
            wait_ms = static_cast<int>(left);
        }
        if (fd < 0) {
            // No manager yet: try again shortly.
            ::poll(nullptr, 0, wait_ms < 0 || wait_ms > 200 ? 200 : wait_ms);
            continue;
        }
        pollfd p{fd, POLLIN, 0};
        int r = ::poll(&p, 1, wait_ms);
        if (r < 0 && errno == EINTR) return Wait::Timeout;  // let the caller see signals
        if (r == 0) return Wait::Timeout;
        std::string packet;
        bool open;
        try {
            open = recv_packet(fd, packet, 0, "StartServiceCtrlDispatcher");
        } catch (const Win32Error&) {
            open = false;
        }
        if (!open) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopped_) return Wait::Ended;
            broken_ = true;
            continue;
        }
        WireReader reader(packet);
        if (static_cast<Op>(reader.u32()) != Op::HostControl) continue;
        out.sequence = reader.u32();
        out.control = reader.u32();
        out.event_type = reader.u32();
        return Wait::Control;
    }
}

void ServiceHostChannel::control_done(uint32_t sequence, uint32_t result) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (broken_ || !fd_) return;
    WireWriter w(Op::HostControlDone);
    w.u32(sequence).u32(result);
    try {
        send_packet(fd_.get(), w.bytes(), "StartServiceCtrlDispatcher");
    } catch (const Win32Error&) {
        broken_ = true;
    }
}

}  // namespace w32::svc
