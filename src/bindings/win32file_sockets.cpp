// win32file's overlapped socket calls: WSASend, WSARecv, AcceptEx,
// ConnectEx, TransmitFile, GetAcceptExSockaddrs and
// CalculateSocketEndPointSize on Python sockets (anything with fileno(), or
// a descriptor). The core is w32/io/socket_operations; a socket's
// descriptor is its handle for CreateIoCompletionPort, CancelIo(Ex) and
// GetOverlappedResult (w32/io/socket_file.h).
#include <nanobind/stl/string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "buffer_args.h"
#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "overlapped.h"
#include "socket_args.h"
#include "wait_args.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/socket_file.h"
#include "w32/io/socket_operations.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;

namespace bindings {

namespace {

constexpr uint32_t kInfinite = 0xFFFFFFFFu;

// Runs a socket call: overlapped through `ov_obj` (its event reset, a port
// packet tagged for it, `buffer` kept with it until the operation is over)
// or, for None, synchronously without the GIL.
template <class Call>
wio::SocketStart socket_call(int fd, nb::handle ov_obj, std::unique_ptr<BufferArg> buffer, const char* function,
                             Call call) {
    PyOverlapped* ov = overlapped_arg(ov_obj, function);
    if (!ov) {
        return blocking_wait(kInfinite, [&](const w32::sync::InterruptCheck& check) {
            return call(wio::SocketCall{nullptr, check});
        });
    }
    w32::Handle event = ov->event_handle();
    auto socket = wio::socket_file(fd, function);
    wio::SocketStart started;
    start_overlapped(socket, ov_obj, std::move(buffer), [&](uint64_t token) {
        std::shared_ptr<wio::IoRequest> made;
        wio::SocketCall c{[&](const std::shared_ptr<wio::FileObject>& file) {
                              made = wio::begin_io(file, event, token, function);
                              return made;
                          },
                          {}};
        started = call(c);
        return made;
    });
    return started;
}

nb::object address_object(const wio::SocketAddress& a) {
    char text[INET6_ADDRSTRLEN] = {};
    switch (a.family()) {
        case AF_INET: {
            auto* in = reinterpret_cast<const sockaddr_in*>(&a.storage);
            ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
            return nb::make_tuple(nb::str(text), ntohs(in->sin_port));
        }
        case AF_INET6: {
            auto* in6 = reinterpret_cast<const sockaddr_in6*>(&a.storage);
            ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
            return nb::make_tuple(nb::str(text), ntohs(in6->sin6_port), ntohl(in6->sin6_flowinfo), in6->sin6_scope_id);
        }
        case AF_UNIX: {
            auto* un = reinterpret_cast<const sockaddr_un*>(&a.storage);
            return nb::str(un->sun_path, strnlen(un->sun_path, sizeof un->sun_path));
        }
        default: return nb::none();
    }
}

wio::SocketAddress address_arg(int fd, nb::handle name) {
    if (nb::isinstance<nb::str>(name)) return wio::socket_address(fd, nb::cast<std::string>(name), 0, "ConnectEx");
    if (!nb::isinstance<nb::tuple>(name) || nb::len(name) < 2)
        throw nb::type_error("ConnectEx: the address must be a (host, port) tuple, or a path for AF_UNIX");
    auto t = nb::borrow<nb::tuple>(name);
    if (!nb::isinstance<nb::str>(t[0]) || !PyLong_Check(t[1].ptr()))
        throw nb::type_error("ConnectEx: the address must be a (host: str, port: int) tuple");
    long long port = nb::cast<long long>(t[1]);
    if (port < 0 || port > 65535) throw nb::value_error("ConnectEx: port must be 0-65535");
    return wio::socket_address(fd, nb::cast<std::string>(t[0]), static_cast<uint16_t>(port), "ConnectEx");
}

std::vector<std::byte> bytes_arg(nb::handle obj, const char* what) {
    if (obj.is_none()) return {};
    BufferArg b(obj, false, what);
    auto s = b.bytes();
    return {s.begin(), s.end()};
}

nb::tuple wsa_recv(nb::handle s, nb::handle buffer, nb::handle ov_obj, long long flags) {
    int fd = socket_arg(s, "WSARecv");
    uint32_t f = dword_arg(flags, "dwFlags");
    auto buf = std::make_unique<BufferArg>(buffer, true, "WSARecv's buffer");
    std::span<std::byte> dest = buf->writable();
    auto r = socket_call(fd, ov_obj, std::move(buf), "WSARecv",
                         [&](const wio::SocketCall& c) { return wio::wsa_recv(fd, dest, f, c); });
    return nb::make_tuple(r.rc, r.bytes);
}

nb::tuple wsa_send(nb::handle s, nb::handle data, nb::handle ov_obj, long long flags) {
    int fd = socket_arg(s, "WSASend");
    uint32_t f = dword_arg(flags, "dwFlags");
    auto buf = std::make_unique<BufferArg>(data, false, "WSASend's buffer");
    std::span<const std::byte> src = buf->bytes();
    auto r = socket_call(fd, ov_obj, std::move(buf), "WSASend",
                         [&](const wio::SocketCall& c) { return wio::wsa_send(fd, src, f, c); });
    return nb::make_tuple(r.rc, r.bytes);
}

uint32_t accept_ex(nb::handle listening, nb::handle accepting, nb::handle buffer, nb::handle ov_obj) {
    int lfd = socket_arg(listening, "AcceptEx");
    int afd = socket_arg(accepting, "AcceptEx");
    if (ov_obj.is_none()) throw nb::type_error("AcceptEx: an OVERLAPPED is required");
    auto buf = std::make_unique<BufferArg>(buffer, true, "AcceptEx's buffer");
    std::span<std::byte> dest = buf->writable();
    auto r = socket_call(lfd, ov_obj, std::move(buf), "AcceptEx",
                         [&](const wio::SocketCall& c) { return wio::accept_ex(lfd, afd, dest, c); });
    return r.rc;
}

nb::tuple connect_ex(nb::handle s, nb::handle name, nb::handle ov_obj, nb::handle send_buffer) {
    int fd = socket_arg(s, "ConnectEx");
    if (ov_obj.is_none()) throw nb::type_error("ConnectEx: an OVERLAPPED is required");
    overlapped_arg(ov_obj, "ConnectEx");
    wio::SocketAddress to = address_arg(fd, name);
    std::unique_ptr<BufferArg> buf;
    std::span<const std::byte> src;
    if (!send_buffer.is_none()) {
        buf = std::make_unique<BufferArg>(send_buffer, false, "ConnectEx's SendBuffer");
        src = buf->bytes();
    }
    auto r = socket_call(fd, ov_obj, std::move(buf), "ConnectEx",
                         [&](const wio::SocketCall& c) { return wio::connect_ex(fd, to, src, c); });
    return nb::make_tuple(r.rc, r.bytes);
}

uint32_t transmit_file(nb::handle s, HandleArg file, long long count, long long per_send, nb::handle ov_obj,
                       long long flags, nb::handle head, nb::handle tail) {
    int fd = socket_arg(s, "TransmitFile");
    uint32_t n = dword_arg(count, "NumberOfBytesToWrite");
    uint32_t each = dword_arg(per_send, "NumberOfBytesPerSend");
    uint32_t f = dword_arg(flags, "Flags");
    PyOverlapped* ov = overlapped_arg(ov_obj, "TransmitFile");
    std::optional<uint64_t> offset;
    if (ov) offset = ov->offset();
    auto h = bytes_arg(head, "TransmitFile's Head");
    auto t = bytes_arg(tail, "TransmitFile's Tail");
    auto r = socket_call(fd, ov_obj, nullptr, "TransmitFile", [&](const wio::SocketCall& c) {
        return wio::transmit_file(fd, file.value, offset, n, each, f, std::move(h), std::move(t), c);
    });
    return r.rc;
}

nb::tuple accept_ex_sockaddrs(nb::handle accepting, nb::handle buffer) {
    int fd = socket_arg(accepting, "GetAcceptExSockaddrs");
    BufferArg buf(buffer, false, "GetAcceptExSockaddrs' buffer");
    auto a = wio::accept_ex_sockaddrs(fd, buf.bytes());
    return nb::make_tuple(a.family, address_object(a.local), address_object(a.remote));
}

void bind_win32file_sockets(nb::module_ m) {
    m.def("WSARecv", &wsa_recv, "s"_a, "buffer"_a, "ol"_a.none(), "dwFlags"_a = 0,
          "WSARecv(s, buffer, ol, dwFlags=0) -> (rc, bytes): receives into the writable buffer (as "
          "AllocateReadBuffer gives). rc is 0 when it completed at once (bytes received; the event is set "
          "and a port packet queued all the same) or ERROR_IO_PENDING (GetOverlappedResult or "
          "GetQueuedCompletionStatus give the count). dwFlags: MSG_PEEK, MSG_OOB. A failure at once raises "
          "the WSAE* code; a later one is the completion's status (ERROR_NETNAME_DELETED for a reset). "
          "ol None receives synchronously. On POSIX: the socket keeps its blocking mode; a zero-length "
          "buffer completes when data is there without taking it, as on Windows.");
    m.def("WSASend", &wsa_send, "s"_a, "buffer"_a, "ol"_a.none(), "dwFlags"_a = 0,
          "WSASend(s, buffer, ol, dwFlags=0) -> (rc, bytes): sends the whole buffer; rc 0 when that was done "
          "at once (bytes sent; the event and port packet follow as for a pending send) or ERROR_IO_PENDING. "
          "Sends on one socket go out in the order issued. dwFlags: MSG_OOB, MSG_DONTROUTE (others: "
          "WSAEOPNOTSUPP). ol None sends synchronously.");
    m.def("AcceptEx", &accept_ex, "slistening"_a, "sAccepting"_a, "buffer"_a, "ol"_a,
          "AcceptEx(sListening, sAccepting, buffer, ol) -> rc (0 or ERROR_IO_PENDING): the next connection "
          "on the listening socket becomes sAccepting. buffer holds [data][local address][remote address], "
          "each address area CalculateSocketEndPointSize(s) bytes; with room for data it completes once "
          "the first bytes arrive and reports their count. The completion goes to the listening socket's "
          "port. WSAEINVAL when sListening does not listen or the sockets' family or type differ, "
          "WSAEFAULT when buffer cannot hold the two addresses. On POSIX: the accepted descriptor is put in "
          "sAccepting's place (dup3), keeping its blocking mode; SO_UPDATE_ACCEPT_CONTEXT is not needed.");
    m.def("ConnectEx", &connect_ex, "s"_a, "name"_a, "Overlapped"_a, "SendBuffer"_a.none() = nb::none(),
          "ConnectEx(s, name, Overlapped, SendBuffer=None) -> (rc, bytes): connects the bound socket s to "
          "name ((host, port), or a path for AF_UNIX) and then sends SendBuffer; rc ERROR_IO_PENDING "
          "(or 0 when done at once). WSAEINVAL for an unbound socket, WSAEISCONN for a connected one; a "
          "refused or unreachable peer is the completion's status (ERROR_CONNECTION_REFUSED ...), as on "
          "Windows.");
    m.def("TransmitFile", &transmit_file, "Socket"_a, "File"_a.none(), "NumberOfBytesToWrite"_a,
          "NumberOfBytesPerSend"_a, "Overlapped"_a.none(), "Flags"_a, "Head"_a.none() = nb::none(),
          "Tail"_a.none() = nb::none(),
          "TransmitFile(Socket, File, NumberOfBytesToWrite, NumberOfBytesPerSend, Overlapped, Flags, "
          "Head=None, Tail=None) -> rc: sends Head, NumberOfBytesToWrite bytes of the file (0: to its end) "
          "from the OVERLAPPED's offset (from the file pointer, which advances, without one), then Tail; "
          "0 or ERROR_IO_PENDING; the count is the total sent. TF_DISCONNECT/TF_REUSE_SOCKET: the sending "
          "side is shut down afterwards. On POSIX: sendfile(2) moves the file data; the other TF_* flags "
          "have no effect.");
    m.def("GetAcceptExSockaddrs", &accept_ex_sockaddrs, "sAccepting"_a, "buffer"_a,
          "GetAcceptExSockaddrs(sAccepting, buffer) -> (family, localaddr, remoteaddr): the addresses a "
          "completed AcceptEx stored in buffer, as the socket module spells them ((host, port), "
          "(host, port, flowinfo, scope_id), or a path). WSAEINVAL when buffer holds none.");
    m.def("CalculateSocketEndPointSize",
          [](nb::handle s) { return wio::socket_endpoint_size(socket_arg(s, "CalculateSocketEndPointSize"),
                                                              "CalculateSocketEndPointSize"); },
          "socket"_a,
          "CalculateSocketEndPointSize(socket) -> int: bytes AcceptEx keeps per address for the socket's "
          "family (the largest address plus 16); an AcceptEx buffer needs twice this beyond its data.");
    m.def("WSAAsyncSelect",
          [](nb::handle s, nb::handle, nb::handle, nb::handle) {
              socket_arg(s, "WSAAsyncSelect");
              w32::throw_win32(w32::err::kNotSupported, "WSAAsyncSelect");
          },
          "socket"_a, "hwnd"_a, "_int"_a, "networkEvents"_a,
          "WSAAsyncSelect(socket, hwnd, msg, networkEvents): would post msg to the window hwnd when the "
          "socket's events happen; raises ERROR_NOT_SUPPORTED once the socket is checked. Use "
          "WSAEventSelect.\n\n"
          "On POSIX: not supported (there are no windows to post messages to).");
}

}  // namespace

W32_REGISTER_SUBMODULE("win32file", bind_win32file_sockets);

}  // namespace bindings
