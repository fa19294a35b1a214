// win32file.WSAEventSelect / WSAEnumNetworkEvents: Python sockets (or
// their descriptors) reported through event objects. The core is
// w32/io/socket_events.
#include <nanobind/stl/map.h>

#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "socket_args.h"
#include "w32/io/socket_events.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;

namespace bindings {

namespace {

void bind_win32file_socket_events(nb::module_ m) {
    m.def("WSAEventSelect",
          [](nb::handle s, HandleArg event, long long events) {
              wio::wsa_event_select(socket_arg(s, "WSAEventSelect"), event.value, dword_arg(events, "networkEvents"));
          },
          "socket"_a, "hEvent"_a.none(), "networkEvents"_a,
          "Records the socket's FD_* events and sets hEvent when one happens (0 cancels); the socket "
          "becomes non-blocking.");
    m.def("WSAEnumNetworkEvents",
          [](nb::handle s, HandleArg event) { return wio::wsa_enum_network_events(socket_arg(s, "WSAEnumNetworkEvents"), event.value); },
          "s"_a, "hEvent"_a.none() = nb::none(),
          "{FD_*: error code} of the events recorded since the last call; resets hEvent when given.");
}

}  // namespace

W32_REGISTER_SUBMODULE("win32file", bind_win32file_socket_events);

}  // namespace bindings
