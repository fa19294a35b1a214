// win32pipe: named and anonymous pipes; ConnectNamedPipe and
// TransactNamedPipe also run OVERLAPPED on win32file's I/O engine.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <optional>
#include <string>

#include "buffer_args.h"
#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "overlapped.h"
#include "win32file_common.h"
#include "security_args.h"
#include "wait_args.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/file_object.h"
#include "w32/io/named_pipe.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;
using w32::sync::InterruptCheck;

namespace bindings {

namespace {

constexpr uint32_t kInfinite = 0xFFFFFFFFu;

PyHandle create_named_pipe(const std::string& name, long long open_mode, long long pipe_mode,
                           long long max_instances, long long out_size, long long in_size,
                           long long default_timeout, nb::handle sa) {
    wio::NamedPipeParams p;
    p.open_mode = dword_arg(open_mode, "openMode");
    p.pipe_mode = dword_arg(pipe_mode, "pipeMode");
    p.max_instances = dword_arg(max_instances, "nMaxInstances");
    p.out_buffer_size = size_arg(out_size, "nOutBufferSize");
    p.in_buffer_size = size_arg(in_size, "nInBufferSize");
    p.default_timeout_ms = dword_arg(default_timeout, "nDefaultTimeOut");
    p.inherit = inherit_from_security_attributes(sa);
    return PyHandle(wio::create_named_pipe(name, p));
}

uint32_t connect_named_pipe(HandleArg h, nb::handle ov_obj) {
    if (PyOverlapped* ov = overlapped_arg(ov_obj, "ConnectNamedPipe")) {
        uint32_t status = 0;
        w32::Handle event = ov->event_handle();
        start_overlapped(wio::file_of(h.value, "ConnectNamedPipe"), ov_obj, nullptr, [&](uint64_t token) {
            auto start = wio::start_connect_named_pipe(h.value, event, token);
            status = start.status;
            return start.request;
        });
        return status;
    }
    return blocking_wait(kInfinite, [&](const InterruptCheck& check) {
        return wio::connect_named_pipe(h.value, check);
    });
}

void wait_named_pipe(const std::string& name, long long timeout) {
    uint32_t t = dword_arg(timeout, "timeout");
    blocking_wait(t == 0 ? 1 : t, [&](const InterruptCheck& check) {
        wio::wait_named_pipe(name, t, check);
        return 0;
    });
}

nb::bytes as_bytes(const std::string& s) { return nb::bytes(s.data(), s.size()); }

nb::bytes call_named_pipe(const std::string& name, nb::handle data, long long size, long long timeout) {
    BufferArg message(data, false, "CallNamedPipe's data");
    uint32_t n = size_arg(size, "bufSize");
    uint32_t t = dword_arg(timeout, "timeOut");
    auto r = blocking_wait(kInfinite, [&](const InterruptCheck& check) {
        auto bytes = message.bytes();
        return wio::call_named_pipe(name, {reinterpret_cast<const char*>(bytes.data()), bytes.size()}, n, t, check);
    });
    // As Windows: a longer answer fails the call (the pipe is gone with its rest).
    if (r.status != 0) w32::throw_win32(r.status, "CallNamedPipe");
    return as_bytes(r.data);
}

nb::object transact_named_pipe(HandleArg h, nb::handle data, nb::handle size_or_buffer, nb::handle ov_obj) {
    BufferArg message(data, false, "TransactNamedPipe's writeData");
    if (PyOverlapped* ov = overlapped_arg(ov_obj, "TransactNamedPipe")) {
        nb::object target = PyLong_Check(size_or_buffer.ptr())
                                ? allocate_read_buffer(nb::cast<long long>(size_or_buffer))
                                : nb::borrow(size_or_buffer);
        auto answer = std::make_unique<BufferArg>(target, true, "TransactNamedPipe's buffer");
        auto bytes = message.bytes();
        std::string msg(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        w32::Handle event = ov->event_handle();
        std::span<std::byte> dest = answer->writable();
        start_overlapped(wio::file_of(h.value, "TransactNamedPipe"), ov_obj, std::move(answer), [&](uint64_t token) {
            return wio::start_transact_named_pipe(h.value, std::move(msg), dest, event, token);
        });
        return target;
    }
    size_t n;
    if (PyLong_Check(size_or_buffer.ptr())) {
        n = size_arg(nb::cast<long long>(size_or_buffer), "bufSize");
    } else {
        BufferArg out(size_or_buffer, true, "TransactNamedPipe's buffer");
        n = out.size();
    }
    auto r = blocking_wait(kInfinite, [&](const InterruptCheck& check) {
        auto bytes = message.bytes();
        return wio::transact_named_pipe(h.value, {reinterpret_cast<const char*>(bytes.data()), bytes.size()}, n,
                                        check);
    });
    // A longer answer: this part now, the rest by ReadFile; GetLastError() says ERROR_MORE_DATA.
    w32::set_last_error(r.status);
    return as_bytes(r.data);
}

nb::tuple peek_named_pipe(HandleArg h, long long size) {
    auto r = wio::peek_named_pipe(h.value, size_arg(size, "size"));
    return nb::make_tuple(as_bytes(r.data), r.total_available, r.left_this_message);
}

nb::tuple get_handle_state(HandleArg h, int /*collection_data*/) {
    auto s = wio::get_named_pipe_handle_state(h.value);
    // Collection counts and timeouts apply to remote pipes only.
    return nb::make_tuple(s.mode, s.instances, nb::none(), nb::none(), s.user_name);
}

void set_handle_state(HandleArg h, std::optional<long long> mode, nb::handle, nb::handle) {
    std::optional<uint32_t> m;
    if (mode) m = dword_arg(*mode, "Mode");
    wio::set_named_pipe_handle_state(h.value, m);
}

nb::tuple get_info(HandleArg h) {
    auto i = wio::get_named_pipe_info(h.value);
    return nb::make_tuple(i.flags, i.out_buffer_size, i.in_buffer_size, i.max_instances);
}

nb::tuple create_pipe(nb::handle sa, long long size) {
    auto [r, w] = wio::create_pipe(inherit_from_security_attributes(sa), size_arg(size, "nSize"));
    return nb::make_tuple(PyHandle(r), PyHandle(w));
}

}  // namespace

void bind_win32pipe(nb::module_ m) {
    m.def("CreateNamedPipe", &create_named_pipe, "pipeName"_a, "openMode"_a, "pipeMode"_a, "nMaxInstances"_a,
          "nOutBufferSize"_a, "nInBufferSize"_a, "nDefaultTimeOut"_a, "sa"_a.none(),
          "Creates one instance of a named pipe (\\\\.\\pipe\\NAME) and returns its server handle. With "
          "FILE_FLAG_OVERLAPPED, ConnectNamedPipe/ReadFile/WriteFile/TransactNamedPipe take an OVERLAPPED. "
          "ERROR_PIPE_BUSY when nMaxInstances instances exist; ERROR_ACCESS_DENIED when "
          "FILE_FLAG_FIRST_PIPE_INSTANCE is asked and the pipe exists.\n\n"
          "On POSIX: an instance is an AF_UNIX socket (SOCK_SEQPACKET for messages, SOCK_STREAM for bytes) "
          "under the session's runtime directory, reached by the same user's processes of the session "
          "only; remote names (\\\\server\\pipe\\...) are ERROR_INVALID_NAME; a message is limited by "
          "the socket's send buffer (ERROR_NOT_ENOUGH_QUOTA beyond it).");
    m.def("ConnectNamedPipe", &connect_named_pipe, "hPipe"_a, "overlapped"_a.none() = nb::none(),
          "Waits for a client: returns 0, or ERROR_PIPE_CONNECTED if one had connected already. With "
          "an OVERLAPPED: ERROR_IO_PENDING (the event/port reports the connection) or ERROR_PIPE_CONNECTED.");
    m.def("DisconnectNamedPipe", [](HandleArg h) { wio::disconnect_named_pipe(h.value); }, "hFile"_a,
          "Drops the client (unread data is lost) and makes the instance free again.");
    m.def("WaitNamedPipe", &wait_named_pipe, "pipeName"_a, "timeout"_a,
          "Waits until an instance is free: ERROR_FILE_NOT_FOUND when none exists, "
          "ERROR_SEM_TIMEOUT on timeout (NMPWAIT_USE_DEFAULT_WAIT: the pipe's default).");
    m.def("CallNamedPipe", &call_named_pipe, "pipeName"_a, "data"_a, "bufSize"_a, "timeOut"_a,
          "Connects to a message pipe, writes one message, reads the answer and closes.");
    m.def("TransactNamedPipe", &transact_named_pipe, "pipeName"_a, "writeData"_a, "buffer_bufSize"_a,
          "overlapped"_a.none() = nb::none(),
          "Writes a message and reads the answer on a message-mode handle. A longer answer "
          "returns its first part with GetLastError() == ERROR_MORE_DATA; ReadFile reads the rest.");
    m.def("PeekNamedPipe", &peek_named_pipe, "hPipe"_a, "size"_a,
          "(data, bytes available, bytes left in this message) without consuming anything.");
    m.def("GetNamedPipeHandleState", &get_handle_state, "hPipe"_a, "bGetCollectionData"_a = 0,
          "(mode, instances, None, None, user name of the client on the server end).");
    m.def("SetNamedPipeHandleState", &set_handle_state, "hPipe"_a, "Mode"_a.none(),
          "MaxCollectionCount"_a.none(), "CollectDataTimeout"_a.none(),
          "Sets the read mode (PIPE_READMODE_*) and PIPE_NOWAIT; collection settings are for "
          "remote pipes and are ignored.");
    m.def("GetNamedPipeInfo", &get_info, "hNamedPipe"_a,
          "(flags, out buffer size, in buffer size, max instances).");
    m.def("GetNamedPipeClientProcessId", [](HandleArg h) { return wio::get_named_pipe_client_process_id(h.value); },
          "hPipe"_a, "The client's process id (from the socket's peer credentials).");
    m.def("GetNamedPipeServerProcessId", [](HandleArg h) { return wio::get_named_pipe_server_process_id(h.value); },
          "hPipe"_a, "The server's process id (from the socket's peer credentials).");
    m.def("GetNamedPipeClientSessionId",
          [](HandleArg h) {
              return wio::session_id_of_process(wio::get_named_pipe_client_process_id(h.value),
                                                "GetNamedPipeClientSessionId");
          },
          "hPipe"_a, "The client's login session (/proc/PID/sessionid; 0xFFFFFFFF when it has none).");
    m.def("GetNamedPipeServerSessionId",
          [](HandleArg h) {
              return wio::session_id_of_process(wio::get_named_pipe_server_process_id(h.value),
                                                "GetNamedPipeServerSessionId");
          },
          "hPipe"_a, "The server's login session (/proc/PID/sessionid; 0xFFFFFFFF when it has none).");
    m.def("CreatePipe", &create_pipe, "sa"_a.none(), "nSize"_a,
          "An anonymous pipe: (read handle, write handle).");
}

}  // namespace bindings
