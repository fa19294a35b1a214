// WSAEventSelect / WSAEnumNetworkEvents: a socket's network events (FD_READ,
// FD_WRITE, FD_ACCEPT, FD_CONNECT, FD_CLOSE, FD_OOB) recorded and reported
// through an event object, so that a socket can be waited for with
// WaitForMultipleObjects. One epoll thread per process watches the sockets,
// edge-triggered: a new arrival is an event, recorded once until enumerated.
#pragma once

#include <cstdint>
#include <map>

#include "w32/kernel/handle_table.h"

namespace w32::io {

inline constexpr uint32_t kFdRead = 0x01;
inline constexpr uint32_t kFdWrite = 0x02;
inline constexpr uint32_t kFdOob = 0x04;
inline constexpr uint32_t kFdAccept = 0x08;
inline constexpr uint32_t kFdConnect = 0x10;
inline constexpr uint32_t kFdClose = 0x20;
inline constexpr uint32_t kFdAllEvents = 0x3F;

// Associates socket `fd` with `event` for `mask` (0 cancels the
// association). The socket becomes non-blocking, as Windows makes it.
// WSAENOTSOCK for a descriptor that is not a socket.
void wsa_event_select(int fd, Handle event, uint32_t mask);

// The events recorded since the last call, each with its error code
// (0 or a WSAE* value); clears them and resets `event` when given (0: none).
std::map<uint32_t, int32_t> wsa_enum_network_events(int fd, Handle event);

}  // namespace w32::io
