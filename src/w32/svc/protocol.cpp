#include "w32/svc/protocol.h"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/session_root.h"
#include "w32/svc/service_errors.h"

namespace w32::svc {

std::string fold_name(const std::string& name) {
    std::string folded = name;
    for (char& c : folded)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return folded;
}

WireWriter& WireWriter::u32(uint32_t v) {
    char b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
    buf_.append(b, 4);
    return *this;
}

WireWriter& WireWriter::u64(uint64_t v) {
    u32(static_cast<uint32_t>(v));
    return u32(static_cast<uint32_t>(v >> 32));
}

WireWriter& WireWriter::str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    buf_.append(s);
    return *this;
}

WireWriter& WireWriter::strs(const std::vector<std::string>& list) {
    u32(static_cast<uint32_t>(list.size()));
    for (const auto& s : list) str(s);
    return *this;
}

WireWriter& WireWriter::status(const ServiceStatus& s) {
    return u32(s.service_type).u32(s.current_state).u32(s.controls_accepted).u32(s.win32_exit_code)
        .u32(s.service_specific_exit_code).u32(s.check_point).u32(s.wait_hint).u32(s.process_id)
        .u32(s.service_flags);
}

WireWriter& WireWriter::config(const ServiceConfig& c) {
    str(c.name).str(c.display_name).u32(c.service_type).u32(c.start_type).u32(c.error_control);
    str(c.binary_path).str(c.load_order_group).u32(c.tag_id).strs(c.dependencies).str(c.account);
    str(c.description).u32(c.delayed_auto_start ? 1 : 0);
    u32(c.failure_actions.reset_period_s).str(c.failure_actions.reboot_message)
        .str(c.failure_actions.command).u32(static_cast<uint32_t>(c.failure_actions.actions.size()));
    for (const auto& a : c.failure_actions.actions) u32(a.type).u32(a.delay_ms);
    u32(c.failure_actions_on_non_crash ? 1 : 0).u32(c.preshutdown_timeout_ms).u32(c.sid_type);
    return strs(c.required_privileges);
}

std::string_view WireReader::take(size_t n) {
    if (n > data_.size() - pos_) throw_win32(w32::err::kInvalidData, "ServiceManager");
    std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
}

uint32_t WireReader::u32() {
    std::string_view b = take(4);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<unsigned char>(b[i])) << (8 * i);
    return v;
}

uint64_t WireReader::u64() {
    uint64_t low = u32();
    return low | (static_cast<uint64_t>(u32()) << 32);
}

std::string WireReader::str() { return std::string(take(u32())); }

std::vector<std::string> WireReader::strs() {
    uint32_t n = u32();
    if (n > data_.size() - pos_) throw_win32(w32::err::kInvalidData, "ServiceManager");
    std::vector<std::string> list;
    list.reserve(n);
    for (uint32_t i = 0; i < n; ++i) list.push_back(str());
    return list;
}

ServiceStatus WireReader::status() {
    ServiceStatus s;
    s.service_type = u32();
    s.current_state = u32();
    s.controls_accepted = u32();
    s.win32_exit_code = u32();
    s.service_specific_exit_code = u32();
    s.check_point = u32();
    s.wait_hint = u32();
    s.process_id = u32();
    s.service_flags = u32();
    return s;
}

ServiceConfig WireReader::config() {
    ServiceConfig c;
    c.name = str();
    c.display_name = str();
    c.service_type = u32();
    c.start_type = u32();
    c.error_control = u32();
    c.binary_path = str();
    c.load_order_group = str();
    c.tag_id = u32();
    c.dependencies = strs();
    c.account = str();
    c.description = str();
    c.delayed_auto_start = u32() != 0;
    c.failure_actions.reset_period_s = u32();
    c.failure_actions.reboot_message = str();
    c.failure_actions.command = str();
    uint32_t n = u32();
    if (n > (data_.size() - pos_) / 8) throw_win32(w32::err::kInvalidData, "ServiceManager");
    for (uint32_t i = 0; i < n; ++i) {
        FailureAction a;
        a.type = u32();
        a.delay_ms = u32();
        c.failure_actions.actions.push_back(a);
    }
    c.failure_actions_on_non_crash = u32() != 0;
    c.preshutdown_timeout_ms = u32();
    c.sid_type = u32();
    c.required_privileges = strs();
    return c;
}

void send_packet(int fd, const std::string& bytes, const char* function) {
    if (bytes.size() > kMaxPacket) throw_win32(w32::err::kInsufficientBuffer, function);
    for (;;) {
        ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n >= 0) return;
        if (errno == EINTR) continue;
        if (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN)
            throw_win32(w32::err::kBrokenPipe, function);
        throw_win32(win32_from_errno(errno), function);
    }
}

bool recv_packet(int fd, std::string& out, int timeout_ms, const char* function) {
    if (timeout_ms >= 0) {
        pollfd p{fd, POLLIN, 0};
        int r;
        do r = ::poll(&p, 1, timeout_ms);
        while (r < 0 && errno == EINTR);
        if (r == 0) throw_win32(err::kServiceRequestTimeout, function);
    }
    out.resize(kMaxPacket);
    for (;;) {
        ssize_t n = ::recv(fd, out.data(), out.size(), 0);
        if (n > 0) {
            out.resize(static_cast<size_t>(n));
            return true;
        }
        if (n == 0) return false;
        if (errno == EINTR) continue;
        if (errno == ECONNRESET) return false;
        throw_win32(win32_from_errno(errno), function);
    }
}

static std::string service_runtime_dir() {
    std::string dir = session_paths().runtime_dir + "/services";
    ensure_private_dir(dir);
    return dir;
}

std::string manager_socket_path() { return service_runtime_dir() + "/manager.sock"; }
std::string manager_lock_path() { return service_runtime_dir() + "/manager.lock"; }
std::string manager_pid_path() { return service_runtime_dir() + "/manager.pid"; }

std::string service_database_path() {
    std::string dir = session_paths().state_dir + "/services";
    ensure_private_dir(dir);
    return dir + "/services.db";
}

}  // namespace w32::svc
