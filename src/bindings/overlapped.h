// pywintypes.OVERLAPPED: the fields pywin32 exposes. Overlapped operations
// (win32file, win32pipe) keep their pending state alongside.
#pragma once

#include <nanobind/nanobind.h>

#include <cstdint>

namespace bindings {

struct PyOverlapped {
    uint32_t Offset = 0;
    uint32_t OffsetHigh = 0;
    uint64_t Internal = 0;      // the operation's status (0 = done, 259 = pending)
    uint64_t InternalHigh = 0;  // bytes transferred
    uint32_t dword = 0;
    nanobind::object hEvent;    // what the caller stored: a PyHANDLE or an int
    nanobind::object object;    // any Python object the caller attaches
};

void bind_overlapped_type(nanobind::module_& m);

}  // namespace bindings
