// The service manager's protocol: one request or reply per SOCK_SEQPACKET
// packet on a Unix socket in the session's runtime directory. A packet is a
// sequence of little-endian u32/u64 and length-prefixed strings; both ends are
// this library, so there is no versioning beyond kProtocolVersion in Hello.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "w32/svc/service_types.h"

namespace w32::svc {

inline constexpr uint32_t kProtocolVersion = 1;
inline constexpr size_t kMaxPacket = 256 * 1024;

enum class Op : uint32_t {
    // client -> manager; the reply starts with a Win32 error code (0 = success)
    ClientHello = 1,     // version
    CreateService,       // config, access -> handle id
    OpenService,         // name -> handle id, key name
    CloseService,        // handle id
    DeleteService,       // handle id
    StartService,        // handle id, args
    ControlService,      // handle id, control -> status
    QueryStatus,         // handle id -> status
    QueryConfig,         // handle id -> config
    ChangeConfig,        // handle id, config with kNoChange/absent fields, flags
    ChangeConfig2,       // handle id, level, config
    EnumServices,        // type, state -> entries
    EnumDependents,      // handle id, state -> entries
    GetKeyName,          // display name -> name
    GetDisplayName,      // name -> display name
    SetValue,            // handle id, key, value (PythonClass, Parameters\...)
    GetValue,            // handle id, key -> value
    ManagerInfo,         // -> pid
    // service process <-> manager
    HostHello = 100,     // version, service name, pid, recovering, status -> args
    HostStatus,          // status (no reply)
    HostControl,         // manager -> host: control, event type
    HostControlDone,     // host -> manager: handler result
};

class WireWriter {
public:
    explicit WireWriter(Op op) { u32(static_cast<uint32_t>(op)); }
    WireWriter() = default;
    WireWriter& u32(uint32_t v);
    WireWriter& u64(uint64_t v);
    WireWriter& str(std::string_view s);
    WireWriter& strs(const std::vector<std::string>& list);
    WireWriter& status(const ServiceStatus& s);
    WireWriter& config(const ServiceConfig& c);
    const std::string& bytes() const noexcept { return buf_; }

private:
    std::string buf_;
};

// Reading past the end or a malformed length throws ERROR_INVALID_DATA.
class WireReader {
public:
    explicit WireReader(std::string_view packet) : data_(packet) {}
    // It keeps a view: a temporary string would leave it dangling.
    explicit WireReader(std::string&&) = delete;
    uint32_t u32();
    uint64_t u64();
    std::string str();
    std::vector<std::string> strs();
    ServiceStatus status();
    ServiceConfig config();
    bool at_end() const noexcept { return pos_ == data_.size(); }

private:
    std::string_view take(size_t n);
    std::string_view data_;
    size_t pos_ = 0;
};

// Sends one packet; a closed peer is ERROR_BROKEN_PIPE.
void send_packet(int fd, const std::string& bytes, const char* function);
// Receives one packet into `out`; false at end of stream. timeout_ms < 0
// waits forever. A timeout is ERROR_SERVICE_REQUEST_TIMEOUT.
bool recv_packet(int fd, std::string& out, int timeout_ms, const char* function);

// Where the manager listens and keeps its state, under the session root.
std::string manager_socket_path();
std::string manager_lock_path();
std::string manager_pid_path();
std::string service_database_path();

}  // namespace w32::svc
