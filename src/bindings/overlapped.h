// pywintypes.OVERLAPPED: the fields pywin32 exposes, plus the pending
// operation (win32file, win32pipe) and the buffer it reads into or writes
// from, kept until the operation is over.
#pragma once

#include <nanobind/nanobind.h>

#include <cstdint>
#include <memory>

#include "buffer_args.h"
#include "w32/io/async_io.h"
#include "w32/io/file_object.h"
#include "w32/kernel/handle_table.h"

namespace bindings {

struct PyOverlapped {
    uint32_t Offset = 0;
    uint32_t OffsetHigh = 0;
    uint64_t Internal = 0;      // the operation's status (0 = done, 259 = pending)
    uint64_t InternalHigh = 0;  // bytes transferred
    uint32_t dword = 0;
    nanobind::object hEvent;    // what the caller stored: a PyHANDLE or an int
    nanobind::object object;    // any Python object the caller attaches

    // The operation in flight (or the last one), and its buffer.
    std::shared_ptr<w32::io::IoRequest> request;
    std::unique_ptr<BufferArg> buffer;

    PyOverlapped() = default;
    PyOverlapped(const PyOverlapped&) = delete;
    PyOverlapped& operator=(const PyOverlapped&) = delete;
    // Waits for an operation still running on the buffer (cancelled first):
    // a worker must never write into freed memory.
    ~PyOverlapped();

    uint64_t offset() const noexcept { return (uint64_t{OffsetHigh} << 32) | Offset; }
    uint64_t internal() const noexcept;
    uint64_t internal_high() const noexcept;
    // The hEvent as a handle value (0 for none).
    w32::Handle event_handle() const;
    // ERROR_INVALID_PARAMETER while a previous operation is still running.
    void begin(std::shared_ptr<w32::io::IoRequest> r, std::unique_ptr<BufferArg> b);
    void check_idle(const char* function) const;
};

void bind_overlapped_type(nanobind::module_& m);

// For an operation on a file associated with a completion port: the token
// that makes GetQueuedCompletionStatus return this OVERLAPPED object (it
// holds a reference until the packet is dequeued or discarded).
uint64_t completion_token(nanobind::handle overlapped);
nanobind::object overlapped_from_token(uint64_t token);

// An OVERLAPPED argument: nullptr for None, TypeError for anything but a
// PyOVERLAPPED; with `must_be_idle` (to start an operation),
// ERROR_INVALID_PARAMETER while it has one running.
PyOverlapped* overlapped_arg(nanobind::handle ov, const char* function, bool must_be_idle = true);

// Starts an overlapped operation on `file` for the OVERLAPPED `ov_obj`:
// `start(token)` gives the core request, or null when the operation ended
// at once with no packet to queue. The token (when the file has a port)
// keeps the OVERLAPPED alive until its packet is dequeued; it is given back
// when no packet will carry it. The request and `buffer` then stay with
// the OVERLAPPED until the operation is over.
template <class Start>
void start_overlapped(const std::shared_ptr<w32::io::FileObject>& file, nanobind::handle ov_obj,
                      std::unique_ptr<BufferArg> buffer, Start&& start) {
    PyOverlapped& ov = *nanobind::inst_ptr<PyOverlapped>(ov_obj);
    uint64_t key;
    uint64_t token = file->port(key) ? completion_token(ov_obj) : 0;
    std::shared_ptr<w32::io::IoRequest> r;
    try {
        r = start(token);
    } catch (...) {
        if (token) overlapped_from_token(token);
        throw;
    }
    if (!r) {
        if (token) overlapped_from_token(token);
        return;
    }
    ov.begin(std::move(r), std::move(buffer));
}

}  // namespace bindings
