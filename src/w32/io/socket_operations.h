// The overlapped socket calls of win32file: WSASend, WSARecv, AcceptEx,
// ConnectEx, TransmitFile, GetAcceptExSockaddrs. Each is tried at once
// (without blocking) when nothing issued earlier waits on the socket in its
// direction; done, it reports 0 and still completes its request (event
// set, port packet queued) as Windows does; otherwise the reactor
// (socket_reactor.h) finishes it and the call reports ERROR_IO_PENDING.
// A failure at once raises the WSAE* code; a later one is the request's
// status (socket_completion_from_errno).
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <memory>
#include <span>
#include <vector>

#include "w32/io/async_io.h"
#include "w32/io/file_object.h"
#include "w32/kernel/handle_table.h"
#include "w32/sync/wait_engine.h"

namespace w32::io {

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family() const noexcept { return storage.ss_family; }
};

// What a call reports: rc 0 (done at once, `bytes` moved) or ERROR_IO_PENDING.
struct SocketStart {
    uint32_t rc = 0;
    uint64_t bytes = 0;
};

// Makes the request for an overlapped call on the socket's object (the
// binding resets the OVERLAPPED's event and tags the port packet). Null:
// the call is synchronous (no OVERLAPPED) and waits, interruptibly.
struct SocketCall {
    std::function<std::shared_ptr<IoRequest>(const std::shared_ptr<FileObject>&)> begin;
    sync::InterruptCheck interrupted;
};

// WSARecv: MSG_OOB and MSG_PEEK honoured. A zero-length buffer completes
// when data (or the end of the stream) is there, as Windows' does.
SocketStart wsa_recv(int fd, std::span<std::byte> buffer, uint32_t flags, const SocketCall& call);
// WSASend: completes when all of `data` is sent.
SocketStart wsa_send(int fd, std::span<const std::byte> data, uint32_t flags, const SocketCall& call);

// Bytes an AcceptEx buffer keeps per address for the socket's family:
// the largest sockaddr plus 16, as Windows asks.
size_t socket_endpoint_size(int fd, const char* function);

// AcceptEx: the next connection on `listen_fd` becomes `accept_fd` (the
// accepted descriptor is put in its place); `buffer` = [data][local
// address][remote address], each address area socket_endpoint_size()
// bytes; with room for data, completes once the first bytes arrive (the
// count reported is theirs). `buffer` must hold the two areas.
SocketStart accept_ex(int listen_fd, int accept_fd, std::span<std::byte> buffer, const SocketCall& call);

// GetAcceptExSockaddrs: the family and the local and remote addresses
// AcceptEx stored in `buffer`.
struct AcceptExAddresses {
    int family = 0;
    SocketAddress local;
    SocketAddress remote;
};
AcceptExAddresses accept_ex_sockaddrs(int accept_fd, std::span<const std::byte> buffer);

// ConnectEx: the socket must be bound (WSAEINVAL otherwise, as Windows);
// `data` is sent once connected and counted in the bytes reported.
SocketStart connect_ex(int fd, const SocketAddress& to, std::span<const std::byte> data, const SocketCall& call);

// TransmitFile: head, then `count` bytes of `file` (0: to its end) from
// `offset` (nullopt: its current position, which then advances) in sends
// of at most `per_send` bytes (0: any), then tail; TF_DISCONNECT shuts the
// sending side down after. `file` 0 sends head and tail only.
SocketStart transmit_file(int fd, Handle file, std::optional<uint64_t> offset, uint64_t count, uint32_t per_send,
                          uint32_t flags, std::vector<std::byte> head, std::vector<std::byte> tail,
                          const SocketCall& call);

inline constexpr uint32_t kTfDisconnect = 0x01;
inline constexpr uint32_t kTfReuseSocket = 0x02;

// An address for the socket's family from a host (name or numeric) and
// port, or a path for AF_UNIX (host = path, port ignored).
SocketAddress socket_address(int fd, const std::string& host, uint16_t port, const char* function);

}  // namespace w32::io
