// Overlapped socket operations in flight: one thread per process waits with
// epoll for the sockets they need and takes each operation one
// non-blocking step at a time, so that any number of pending receives,
// sends, accepts and connects cost no thread each (the worker pool of
// async_io.h holds a thread per waiting request, which a server with many
// idle connections would exhaust). The socket stays blocking or not as its
// owner made it: steps use MSG_DONTWAIT, or set O_NONBLOCK around the one
// call that has no such flag.
//
// Operations on one socket in one direction (receiving/accepting, or
// sending/connecting) run in the order they were issued, as Windows keeps
// them. A request cancelled (CancelIo/CancelIoEx) or whose socket was
// closed completes with ERROR_OPERATION_ABORTED within one sweep (50 ms).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>

#include "w32/io/async_io.h"
#include "w32/io/socket_file.h"
#include "w32/io/unique_fd.h"

namespace w32::io {

// What one step of an operation came to.
struct SocketStep {
    enum Kind : uint8_t { Done, WaitRead, WaitWrite };
    Kind kind = Done;
    uint64_t bytes = 0;  // Done: bytes transferred
    int error = 0;       // Done: 0 or an errno value (ECANCELED for an abort)
    int watch = -1;      // Wait*: the descriptor to wait for (-1: the socket's own)

    static SocketStep done(uint64_t bytes) { return {Done, bytes, 0, -1}; }
    static SocketStep failed(int error) { return {Done, 0, error, -1}; }
    static SocketStep read(int fd = -1) { return {WaitRead, 0, 0, fd}; }
    static SocketStep write(int fd = -1) { return {WaitWrite, 0, 0, fd}; }
};

// An operation: steps it until one is Done. `fd` is a descriptor of the
// socket (the caller's own for a first try, a duplicate in the reactor).
class SocketOperation {
public:
    virtual ~SocketOperation() = default;
    virtual SocketStep step(int fd) = 0;
    // Which queue of the socket the operation waits in: 0 receive/accept,
    // 1 send/connect.
    virtual int direction() const noexcept = 0;
};

// True when no operation of `direction` is queued on the socket, so that
// a new one may be tried at once without passing one issued earlier.
bool socket_direction_idle(ino_t socket, int direction);

// Hands `op` (pending, with its request) to the reactor; `first` is its
// last step's answer (what to wait for). Completion sets the request's
// outcome, status mapped by socket_completion_from_errno. Throws (named
// `function`) when the reactor cannot take it (no descriptor left).
void submit_socket_operation(std::shared_ptr<SocketFile> socket, std::shared_ptr<IoRequest> request,
                             std::unique_ptr<SocketOperation> op, SocketStep first, const char* function);

// Diagnostics for tests: operations the reactor holds now.
size_t pending_socket_operations();

}  // namespace w32::io
