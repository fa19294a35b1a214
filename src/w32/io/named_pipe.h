// Named pipes: each CreateNamedPipe call makes one instance, an AF_UNIX
// socket listening (backlog 0: exactly one pending client) in the pipe's
// directory (see pipe_names.h). Message-type pipes are SOCK_SEQPACKET
// (boundaries kept by the kernel), byte-type pipes SOCK_STREAM. A connected
// instance takes its socket file away, so clients see it busy; Disconnect
// puts it back. Each instance also holds an OFD lock on a small file with
// the pipe's parameters, so live instances are counted across processes and
// the files of a killed server are recognised as stale.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "w32/io/async_io.h"
#include "w32/kernel/handle_table.h"
#include "w32/sync/wait_engine.h"

namespace w32::io {

// CreateNamedPipe's openMode and pipeMode bits (winbase.h).
inline constexpr uint32_t kPipeAccessInbound = 0x1;
inline constexpr uint32_t kPipeAccessOutbound = 0x2;
inline constexpr uint32_t kPipeAccessDuplex = 0x3;
inline constexpr uint32_t kFileFlagFirstPipeInstance = 0x00080000;
inline constexpr uint32_t kFileFlagWriteThrough = 0x80000000u;
inline constexpr uint32_t kFileFlagOverlapped = 0x40000000;
inline constexpr uint32_t kPipeNowait = 0x1;
inline constexpr uint32_t kPipeReadmodeMessage = 0x2;
inline constexpr uint32_t kPipeTypeMessage = 0x4;
inline constexpr uint32_t kPipeRejectRemoteClients = 0x8;
inline constexpr uint32_t kPipeUnlimitedInstances = 255;
inline constexpr uint32_t kPipeServerEnd = 0x1;  // GetNamedPipeInfo flags
inline constexpr uint32_t kNmpwaitUseDefaultWait = 0;
inline constexpr uint32_t kNmpwaitWaitForever = 0xFFFFFFFFu;

struct NamedPipeParams {
    uint32_t open_mode = kPipeAccessDuplex;
    uint32_t pipe_mode = 0;
    uint32_t max_instances = 1;
    uint32_t out_buffer_size = 0;
    uint32_t in_buffer_size = 0;
    uint32_t default_timeout_ms = 0;
    bool inherit = false;
};

// Sets the last error to 0. ERROR_PIPE_BUSY when all instances exist,
// ERROR_ACCESS_DENIED when FILE_FLAG_FIRST_PIPE_INSTANCE is given and one
// exists or the type differs from the existing instances'.
Handle create_named_pipe(std::string_view path, const NamedPipeParams& params);

// Blocks until a client connects. Returns 0, or ERROR_PIPE_CONNECTED when
// a client had connected before the call (pywin32 returns, not raises, it).
// A PIPE_NOWAIT instance without a client: ERROR_PIPE_LISTENING.
uint32_t connect_named_pipe(Handle server, const sync::InterruptCheck& interrupted);
void disconnect_named_pipe(Handle server);

// ConnectNamedPipe with an OVERLAPPED: ERROR_PIPE_CONNECTED at once when a
// client is there already (no event, no packet, as on Windows); otherwise
// ERROR_IO_PENDING and the request that completes when one connects.
struct ConnectStart {
    uint32_t status = 0;
    std::shared_ptr<IoRequest> request;
};
ConnectStart start_connect_named_pipe(Handle server, Handle event, uint64_t token);

// ERROR_FILE_NOT_FOUND when no instance exists; ERROR_SEM_TIMEOUT when none
// became free in time. timeout 0 = the pipe's default, 0xFFFFFFFF = forever.
void wait_named_pipe(std::string_view path, uint32_t timeout_ms, const sync::InterruptCheck& interrupted);

// The client side of CreateFile(`\\.\pipe\NAME`). ERROR_FILE_NOT_FOUND or
// ERROR_PIPE_BUSY. The handle starts in byte read mode, as on Windows.
Handle open_named_pipe(std::string_view path, uint32_t access, bool inherit);

struct PeekResult {
    std::string data;
    uint32_t total_available = 0;
    uint32_t left_this_message = 0;
};
// Named and anonymous pipes. Message pipes report the next message only in
// total_available.
PeekResult peek_named_pipe(Handle h, size_t size);

struct TransactResult {
    std::string data;
    uint32_t status = 0;  // 0 or ERROR_MORE_DATA
};
// Write one message, read the answer. ERROR_BAD_PIPE unless the handle is
// a message pipe in message read mode.
TransactResult transact_named_pipe(Handle h, std::string_view message, size_t read_size,
                                   const sync::InterruptCheck& interrupted);
// With an OVERLAPPED: the exchange runs on the I/O engine; the answer lands
// in `answer` (the caller keeps it alive), ERROR_MORE_DATA if longer.
std::shared_ptr<IoRequest> start_transact_named_pipe(Handle h, std::string message, std::span<std::byte> answer,
                                                     Handle event, uint64_t token);
// WaitNamedPipe + open + message mode + transact + close.
TransactResult call_named_pipe(std::string_view path, std::string_view message, size_t read_size,
                               uint32_t timeout_ms, const sync::InterruptCheck& interrupted);

struct PipeHandleState {
    uint32_t mode = 0;  // PIPE_READMODE_MESSAGE | PIPE_NOWAIT bits
    uint32_t instances = 0;
    std::string user_name;  // the peer's user on the server end, else ""
};
PipeHandleState get_named_pipe_handle_state(Handle h);
// nullopt leaves the mode alone. Message read mode on a byte pipe: ERROR_INVALID_PARAMETER.
void set_named_pipe_handle_state(Handle h, std::optional<uint32_t> mode);

struct PipeInfo {
    uint32_t flags = 0;  // PIPE_SERVER_END | PIPE_TYPE_MESSAGE
    uint32_t out_buffer_size = 0;
    uint32_t in_buffer_size = 0;
    uint32_t max_instances = 0;
};
PipeInfo get_named_pipe_info(Handle h);

// SO_PEERCRED of the connection. ERROR_PIPE_NOT_CONNECTED without one.
pid_t get_named_pipe_client_process_id(Handle h);
pid_t get_named_pipe_server_process_id(Handle h);
// The login session of a process (/proc/PID/sessionid, the audit session
// that pam_loginuid gives each login): the POSIX counterpart of Windows'
// session id. 0xFFFFFFFF when the process has none (no PAM login).
uint32_t session_id_of_process(pid_t pid, const char* function);

// CreatePipe: a pipe2() pair (read end, write end). size > 0 asks the
// kernel for that buffer size (best effort).
std::pair<Handle, Handle> create_pipe(bool inherit, uint32_t size);

}  // namespace w32::io
