// The manager's answers to clients (win32service) and to service processes
// (their dispatcher's hello, status reports and control results).
#include <unistd.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/process/proc_stat.h"
#include "w32/svc/manager_state.h"
#include "w32/svc/service_errors.h"

namespace w32::svc::detail {

// --- requests ------------------------------------------------------------------

void Manager::reply(int fd, uint32_t error, const std::function<void(WireWriter&)>& body) {
    if (fd < 0 || !connections_.count(fd)) return;
    WireWriter w;
    w.u32(error);
    if (error == 0 && body) body(w);
    connections_.at(fd).awaiting_reply = false;
    try {
        send_packet(fd, w.bytes(), kFunction);
    } catch (const Win32Error&) {
        // The client went away; its connection closes on the next read.
    }
}

Service* Manager::find(const std::string& name) {
    auto it = services_.find(fold_name(name));
    return it == services_.end() ? nullptr : &it->second;
}

Service* Manager::find_by_display(const std::string& display) {
    std::string folded = fold_name(display);
    for (auto& [key, s] : services_)
        if (fold_name(s.config.display_name) == folded) return &s;
    return nullptr;
}

Service& Manager::service_of(Connection& c, uint32_t handle) {
    auto h = c.handles.find(handle);
    if (h == c.handles.end()) throw_win32(w32::err::kInvalidHandle, kFunction);
    auto s = services_.find(h->second);
    if (s == services_.end()) throw_win32(err::kServiceDoesNotExist, kFunction);
    return s->second;
}

uint32_t Manager::validate_dependencies(const ServiceConfig& c) {
    // A dependency on a service that (transitively) depends on this one.
    std::string self = fold_name(c.name);
    std::vector<std::string> stack;
    std::set<std::string> seen;
    for (const auto& d : c.dependencies)
        if (!d.empty() && d[0] != '+') stack.push_back(fold_name(d));
    while (!stack.empty()) {
        std::string key = stack.back();
        stack.pop_back();
        if (key == self) return err::kCircularDependency;
        if (!seen.insert(key).second) continue;
        auto it = services_.find(key);
        if (it == services_.end()) continue;
        for (const auto& d : it->second.config.dependencies)
            if (!d.empty() && d[0] != '+') stack.push_back(fold_name(d));
    }
    return 0;
}

static uint32_t validate_config(const ServiceConfig& c) {
    if (c.name.empty() || c.name.size() > 256 || c.name.find_first_of("/\\") != std::string::npos)
        return err::kInvalidServiceName;
    if (c.display_name.size() > 256) return err::kInvalidServiceName;
    uint32_t type = c.service_type & ~kServiceInteractiveProcess;
    if (type & kServiceDriver) return w32::err::kNotSupported;  // no kernel drivers here
    if (type != kServiceWin32OwnProcess && type != kServiceWin32ShareProcess)
        return w32::err::kInvalidParameter;
    if (c.start_type > kDisabled || c.start_type == kBootStart || c.start_type == kSystemStart)
        return w32::err::kInvalidParameter;
    if (c.error_control > 3) return w32::err::kInvalidParameter;
    if (c.binary_path.empty()) return w32::err::kInvalidParameter;
    if (c.delayed_auto_start && c.start_type != kAutoStart) return w32::err::kInvalidParameter;
    return 0;
}

void Manager::handle_client(Connection& c, WireReader& r, Op op) {
    int fd = c.fd.get();
    switch (op) {
    case Op::ClientHello: {
        if (r.u32() != kProtocolVersion) return reply(fd, w32::err::kRevisionMismatch);
        return reply(fd, 0);
    }
    case Op::ManagerInfo:
        return reply(fd, 0, [](WireWriter& w) { w.u32(static_cast<uint32_t>(::getpid())); });
    case Op::CreateService: {
        ServiceConfig config = r.config();
        if (config.display_name.empty()) config.display_name = config.name;
        if (uint32_t e = validate_config(config)) return reply(fd, e);
        if (Service* existing = find(config.name))
            return reply(fd, existing->delete_pending ? err::kServiceMarkedForDelete : err::kServiceExists);
        if (find_by_display(config.display_name) || find_by_display(config.name) || find(config.display_name))
            return reply(fd, err::kDuplicateServiceName);
        if (uint32_t e = validate_dependencies(config)) return reply(fd, e);
        std::string key = fold_name(config.name);
        store_->put(config);
        Service& s = services_[key];
        s.config = config;
        s.status = ServiceStatus{};
        s.status.service_type = config.service_type;
        uint32_t id = next_handle_++;
        c.handles[id] = key;
        ++s.open_handles;
        return reply(fd, 0, [&](WireWriter& w) { w.u32(id).str(config.name); });
    }
    case Op::OpenService: {
        std::string name = r.str();
        Service* s = find(name);
        if (!s) return reply(fd, err::kServiceDoesNotExist);
        uint32_t id = next_handle_++;
        c.handles[id] = fold_name(name);
        ++s->open_handles;
        return reply(fd, 0, [&](WireWriter& w) { w.u32(id).str(s->config.name); });
    }
    case Op::CloseService: {
        uint32_t id = r.u32();
        auto h = c.handles.find(id);
        if (h == c.handles.end()) return reply(fd, w32::err::kInvalidHandle);
        std::string key = h->second;
        c.handles.erase(h);
        if (auto s = services_.find(key); s != services_.end()) {
            --s->second.open_handles;
            maybe_delete(s->second);
        }
        return reply(fd, 0);
    }
    case Op::DeleteService: {
        Service& s = service_of(c, r.u32());
        if (s.delete_pending) return reply(fd, err::kServiceMarkedForDelete);
        s.delete_pending = true;
        store_->set_value(fold_name(s.config.name), "DeleteFlag", "1");
        reply(fd, 0);
        return maybe_delete(s);
    }
    case Op::StartService: {
        Service& s = service_of(c, r.u32());
        std::vector<std::string> args = r.strs();
        std::set<std::string> visiting;
        if (uint32_t e = request_start(s, args, visiting)) return reply(fd, e);
        s.start_waiters.push_back(fd);
        c.awaiting_reply = true;
        return advance_starts();
    }
    case Op::ControlService: {
        Service& s = service_of(c, r.u32());
        uint32_t control = r.u32();
        bool user_defined = control >= 128 && control <= 255;
        if (!user_defined && (control < kControlStop || control > 10 || control == kControlShutdown))
            return reply(fd, w32::err::kInvalidParameter);
        if (s.status.current_state == kStopped) return reply(fd, err::kServiceNotActive);
        if (s.host_fd < 0 || s.status.current_state == kStartPending ||
            s.status.current_state == kStopPending)
            return reply(fd, err::kServiceCannotAcceptCtrl);
        uint32_t accepted = s.status.controls_accepted;
        bool allowed = user_defined || control == kControlInterrogate ||
                       (control == kControlStop && (accepted & kAcceptStop)) ||
                       ((control == kControlPause || control == kControlContinue) &&
                        (accepted & kAcceptPauseContinue)) ||
                       (control == kControlParamChange && (accepted & kAcceptParamChange)) ||
                       (control >= 7 && control <= 10 && (accepted & 0x10));  // NETBIND*
        if (!allowed) return reply(fd, err::kInvalidServiceControl);
        if (control == kControlStop && !dependents(s, true).empty())
            return reply(fd, err::kDependentServicesRunning);
        s.controls.push_back(PendingControl{fd, control, 0, {}, false});
        c.awaiting_reply = true;
        if (s.controls.size() == 1) send_next_control(s);
        return;
    }
    case Op::QueryStatus: {
        Service& s = service_of(c, r.u32());
        return reply(fd, 0, [&](WireWriter& w) { w.status(s.status); });
    }
    case Op::QueryConfig: {
        Service& s = service_of(c, r.u32());
        return reply(fd, 0, [&](WireWriter& w) { w.config(s.config); });
    }
    case Op::ChangeConfig: {
        Service& s = service_of(c, r.u32());
        ServiceConfig change = r.config();
        uint32_t present = r.u32();  // which strings were given (not None)
        if (s.delete_pending) return reply(fd, err::kServiceMarkedForDelete);
        ServiceConfig next = s.config;
        if (change.service_type != kNoChange) next.service_type = change.service_type;
        if (change.start_type != kNoChange) next.start_type = change.start_type;
        if (change.error_control != kNoChange) next.error_control = change.error_control;
        if (present & 1) next.binary_path = change.binary_path;
        if (present & 2) next.load_order_group = change.load_order_group;
        if (present & 4) next.dependencies = change.dependencies;
        if (present & 8) next.account = change.account;
        if (present & 16) {
            Service* other = find_by_display(change.display_name);
            Service* named = find(change.display_name);
            if ((other && other != &s) || (named && named != &s)) return reply(fd, err::kDuplicateServiceName);
            next.display_name = change.display_name.empty() ? next.name : change.display_name;
        }
        if (next.start_type != kAutoStart) next.delayed_auto_start = false;
        if (uint32_t e = validate_config(next)) return reply(fd, e);
        if (uint32_t e = validate_dependencies(next)) return reply(fd, e);
        s.config = next;
        store_->put(next);
        return reply(fd, 0);
    }
    case Op::ChangeConfig2: {
        Service& s = service_of(c, r.u32());
        uint32_t level = r.u32();
        ServiceConfig change = r.config();
        if (s.delete_pending) return reply(fd, err::kServiceMarkedForDelete);
        switch (level) {
        case kConfigDescription: s.config.description = change.description; break;
        case kConfigFailureActions: s.config.failure_actions = change.failure_actions; break;
        case kConfigDelayedAutoStart:
            if (change.delayed_auto_start && s.config.start_type != kAutoStart)
                return reply(fd, w32::err::kInvalidParameter);
            s.config.delayed_auto_start = change.delayed_auto_start;
            break;
        case kConfigFailureActionsFlag: s.config.failure_actions_on_non_crash = change.failure_actions_on_non_crash; break;
        case kConfigPreshutdown: s.config.preshutdown_timeout_ms = change.preshutdown_timeout_ms; break;
        case kConfigServiceSid: s.config.sid_type = change.sid_type; break;
        case kConfigRequiredPrivileges: s.config.required_privileges = change.required_privileges; break;
        default: return reply(fd, err::kInvalidLevel);
        }
        store_->put(s.config);
        return reply(fd, 0);
    }
    case Op::EnumServices: {
        uint32_t type = r.u32(), state = r.u32();
        if (state < kStateActive || state > kStateAll) return reply(fd, w32::err::kInvalidParameter);
        return reply(fd, 0, [&](WireWriter& w) {
            std::vector<const Service*> hits;
            for (auto& [key, s] : services_) {
                if (!(s.config.service_type & type)) continue;
                bool active = s.status.current_state != kStopped;
                if ((active && !(state & kStateActive)) || (!active && !(state & kStateInactive))) continue;
                hits.push_back(&s);
            }
            w.u32(static_cast<uint32_t>(hits.size()));
            for (const Service* s : hits) w.str(s->config.name).str(s->config.display_name).status(s->status);
        });
    }
    case Op::EnumDependents: {
        Service& s = service_of(c, r.u32());
        uint32_t state = r.u32();
        if (state < kStateActive || state > kStateAll) return reply(fd, w32::err::kInvalidParameter);
        std::vector<Service*> all = dependents(s, false);
        return reply(fd, 0, [&](WireWriter& w) {
            std::vector<Service*> hits;
            for (Service* d : all) {
                bool active = d->status.current_state != kStopped;
                if ((active && (state & kStateActive)) || (!active && (state & kStateInactive))) hits.push_back(d);
            }
            w.u32(static_cast<uint32_t>(hits.size()));
            for (Service* d : hits) w.str(d->config.name).str(d->config.display_name).status(d->status);
        });
    }
    case Op::GetKeyName: {
        Service* s = find_by_display(r.str());
        if (!s) return reply(fd, err::kServiceDoesNotExist);
        return reply(fd, 0, [&](WireWriter& w) { w.str(s->config.name); });
    }
    case Op::GetDisplayName: {
        Service* s = find(r.str());
        if (!s) return reply(fd, err::kServiceDoesNotExist);
        return reply(fd, 0, [&](WireWriter& w) { w.str(s->config.display_name); });
    }
    case Op::SetValue: {
        Service& s = service_of(c, r.u32());
        std::string name = r.str(), value = r.str();
        store_->set_value(fold_name(s.config.name), name, value);
        return reply(fd, 0);
    }
    case Op::GetValue: {
        Service& s = service_of(c, r.u32());
        auto value = store_->get_value(fold_name(s.config.name), r.str());
        if (!value) return reply(fd, w32::err::kFileNotFound);
        return reply(fd, 0, [&](WireWriter& w) { w.str(*value); });
    }
    default: return reply(fd, w32::err::kInvalidFunction);
    }
}

void Manager::handle_host_hello(Connection& c, WireReader& r) {
    int fd = c.fd.get();
    uint32_t version = r.u32();
    std::string name = r.str();
    uint32_t pid = r.u32();
    bool recovering = r.u32() != 0;
    ServiceStatus status = r.status();
    if (version != kProtocolVersion) return reply(fd, w32::err::kRevisionMismatch);
    Service* s = find(name);
    if (!s) return reply(fd, err::kServiceDoesNotExist);
    if (s->host_fd >= 0) return reply(fd, err::kServiceAlreadyRunning);
    std::string key = fold_name(s->config.name);
    if (recovering) {
        // A service process whose manager died: adopt it unless another
        // process is known to run the service.
        if (s->pid != 0 && s->pid != static_cast<pid_t>(pid)) return reply(fd, err::kServiceAlreadyRunning);
        if (s->pid == 0) {
            int pfd = pidfd_open(static_cast<pid_t>(pid));
            if (pfd < 0) return reply(fd, err::kProcessAborted);
            s->pid = static_cast<pid_t>(pid);
            s->start_time = process::process_start_time(static_cast<int32_t>(pid));
            s->pidfd.reset(pfd);
            pidfds_[pfd] = key;
            add_fd(pfd);
        }
        s->status = status;
        s->status.process_id = pid;
    } else if (!s->start_requested || s->pid == 0) {
        return reply(fd, err::kFailedServiceControllerConnect);
    }
    c.host = true;
    c.host_key = key;
    s->host_fd = fd;
    std::vector<std::string> args = s->start_args;
    reply(fd, 0, [&](WireWriter& w) { w.str(s->config.name).strs(args); });
    if (!recovering) {
        // StartService returns once the service's main function runs.
        s->start_requested = false;
        for (int waiter : s->start_waiters) reply(waiter, 0);
        s->start_waiters.clear();
    }
    persist_running(*s);
    if (!s->controls.empty() && !s->controls.front().sent) send_next_control(*s);
}

void Manager::handle_host_status(Connection& c, WireReader& r) {
    ServiceStatus status = r.status();
    if (!c.host) return;
    auto it = services_.find(c.host_key);
    if (it == services_.end() || it->second.host_fd != c.fd.get()) return;
    set_status(it->second, status);
}

void Manager::handle_host_control_done(Connection& c, WireReader& r) {
    uint32_t sequence = r.u32();
    uint32_t result = r.u32();
    if (!c.host) return;
    auto it = services_.find(c.host_key);
    if (it == services_.end()) return;
    Service& s = it->second;
    if (s.controls.empty() || !s.controls.front().sent || s.controls.front().sequence != sequence) return;
    if (result == 0 && s.controls.front().control == kControlStop) s.stop_accepted = true;
    finish_control(s, result);
}

}  // namespace w32::svc::detail
