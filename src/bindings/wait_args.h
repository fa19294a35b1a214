// Conversions shared by the bindings that wait: timeouts and the GIL/signal
// handling around a blocking wait.
#pragma once

#include <nanobind/nanobind.h>

#include <cstdint>
#include <vector>

#include "w32/kernel/handle_table.h"

#include "w32/sync/wait_engine.h"

namespace bindings {

// A sequence of handles (PyHANDLEs or ints); TypeError otherwise.
std::vector<w32::Handle> handle_list(nanobind::handle seq);

// pywin32 takes a DWORD timeout; INFINITE is spelt -1 or 0xFFFFFFFF.
uint32_t timeout_from_py(long long milliseconds);

// Runs a blocking core call without the GIL. A signal that arrives while it
// sleeps runs Python's handlers; if one raises (Ctrl+C), the wait is
// abandoned and the exception propagates.
template <class Fn>
auto blocking_wait(uint32_t timeout_ms, Fn&& fn) {
    // A zero timeout never sleeps: keep the GIL (releasing it costs more
    // than the check).
    if (timeout_ms == 0) return fn(w32::sync::InterruptCheck{});
    w32::sync::InterruptCheck check = [] {
        nanobind::gil_scoped_acquire gil;
        return PyErr_CheckSignals() != 0;
    };
    try {
        nanobind::gil_scoped_release release;
        return fn(check);
    } catch (const w32::sync::WaitInterrupted&) {
        throw nanobind::python_error();
    }
}

}  // namespace bindings
