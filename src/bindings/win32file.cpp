// win32file: for now the parts that pipes need (CreateFile on \\.\pipe\
// paths, synchronous ReadFile/WriteFile, FlushFileBuffers, GetFileType).
// Regular files and OVERLAPPED I/O come with win32file's own issue.
#include <nanobind/stl/string.h>

#include <string>

#include "buffer_args.h"
#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "security_args.h"
#include "wait_args.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/file_object.h"
#include "w32/io/named_pipe.h"
#include "w32/io/pipe_names.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;

namespace bindings {

namespace {

constexpr uint32_t kInfinite = 0xFFFFFFFFu;

void refuse_overlapped(nb::handle overlapped, const char* function) {
    // OVERLAPPED I/O arrives with win32file's issue (#3).
    if (!overlapped.is_none()) w32::throw_win32(w32::err::kNotSupported, function);
}

PyHandle create_file(const std::string& name, long long access, long long share, nb::handle sa,
                     long long disposition, long long flags, nb::handle /*template_file*/) {
    uint32_t acc = dword_arg(access, "desiredAccess");
    dword_arg(share, "shareMode");
    dword_arg(disposition, "CreationDisposition");
    uint32_t fl = dword_arg(flags, "flagsAndAttributes");
    bool inherit = inherit_from_security_attributes(sa);
    // Only pipe clients for now: regular files come with win32file's issue.
    if (!wio::pipe_name_of(name)) w32::throw_win32(w32::err::kNotSupported, "CreateFile");
    if (fl & wio::kFileFlagOverlapped) w32::throw_win32(w32::err::kNotSupported, "CreateFile");
    return PyHandle(wio::open_named_pipe(name, acc, inherit));
}

nb::tuple read_file(HandleArg h, nb::handle size_or_buffer, nb::handle overlapped) {
    refuse_overlapped(overlapped, "ReadFile");
    if (PyLong_Check(size_or_buffer.ptr())) {
        std::string buf(size_arg(nb::cast<long long>(size_or_buffer), "ReadFile's bufSize"), '\0');
        auto r = blocking_wait(kInfinite, [&](const w32::sync::InterruptCheck& check) {
            return wio::read_file(h.value, std::as_writable_bytes(std::span(buf.data(), buf.size())), check);
        });
        return nb::make_tuple(r.status, nb::bytes(buf.data(), r.bytes));
    }
    BufferArg buffer(size_or_buffer, true, "ReadFile's buffer");
    auto r = blocking_wait(kInfinite, [&](const w32::sync::InterruptCheck& check) {
        return wio::read_file(h.value, buffer.writable(), check);
    });
    return nb::make_tuple(r.status, nb::bytes(reinterpret_cast<const char*>(buffer.bytes().data()), r.bytes));
}

nb::tuple write_file(HandleArg h, nb::handle data, nb::handle overlapped) {
    refuse_overlapped(overlapped, "WriteFile");
    BufferArg buffer(data, false, "WriteFile's data");
    size_t n = blocking_wait(kInfinite, [&](const w32::sync::InterruptCheck& check) {
        return wio::write_file(h.value, buffer.bytes(), check);
    });
    return nb::make_tuple(0, n);
}

}  // namespace

void bind_win32file(nb::module_ m) {
    m.def("CreateFile", &create_file, "fileName"_a, "desiredAccess"_a, "shareMode"_a, "attributes"_a.none(),
          "CreationDisposition"_a, "flagsAndAttributes"_a, "hTemplateFile"_a.none(),
          "Opens the client end of a named pipe (\\\\.\\pipe\\NAME). Other paths and "
          "FILE_FLAG_OVERLAPPED raise ERROR_NOT_SUPPORTED for now.");
    m.def("ReadFile", &read_file, "hFile"_a, "bufSize"_a, "overlapped"_a.none() = nb::none(),
          "Reads up to bufSize bytes (or into a writable buffer): (0 or ERROR_MORE_DATA, data). "
          "An OVERLAPPED raises ERROR_NOT_SUPPORTED for now.");
    m.def("WriteFile", &write_file, "hFile"_a, "data"_a, "ol"_a.none() = nb::none(),
          "Writes bytes (a str as UTF-8): (0, bytes written). An OVERLAPPED raises "
          "ERROR_NOT_SUPPORTED for now.");
    m.def("FlushFileBuffers", [](HandleArg h) { wio::flush_file_buffers(h.value); }, "hFile"_a,
          "Flushes a file's buffers; for a pipe, the data is with the kernel already.");
    m.def("GetFileType", [](HandleArg h) { return wio::get_file_type(h.value); }, "hFile"_a,
          "FILE_TYPE_PIPE for pipes, FILE_TYPE_DISK for files.");
}

}  // namespace bindings
