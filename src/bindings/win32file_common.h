// Conversions the win32file binding files share: FILETIMEs as pywintypes
// times, AllocateReadBuffer, and running a file system call without the GIL.
#pragma once

#include <nanobind/nanobind.h>

#include <cstdint>

namespace bindings {

// A FILETIME (100 ns ticks since 1601, UTC) as a pywintypes time.
nanobind::object filetime_object(uint64_t filetime);
// A pywintypes time, a datetime or an int FILETIME as a FILETIME. A naive
// datetime is local time unless `utc` says it is UTC.
uint64_t filetime_arg(nanobind::handle value, bool utc);

// AllocateReadBuffer: a writable buffer of `size` bytes.
nanobind::object allocate_read_buffer(long long size);

// Runs a call that touches the disk without the GIL (it does not wait for
// other processes, so it needs no Ctrl+C check).
template <class Fn>
auto nb_release_gil(Fn&& fn) {
    nanobind::gil_scoped_release release;
    return fn();
}

}  // namespace bindings
