// pywintypes.HANDLE (PyHANDLE) and the argument type that accepts a handle
// the ways pywin32 does: a PyHANDLE, an int, or None (a null handle).
#pragma once

#include <nanobind/nanobind.h>

#include <utility>

#include "w32/kernel/handle_table.h"

namespace bindings {

// A Python-owned handle: closed by Close(), by `with`, or when collected.
struct PyHandle {
    w32::Handle value = 0;

    explicit PyHandle(w32::Handle v = 0) noexcept : value(v) {}
    PyHandle(PyHandle&& other) noexcept : value(std::exchange(other.value, 0)) {}
    PyHandle(const PyHandle&) = delete;
    PyHandle& operator=(const PyHandle&) = delete;
    ~PyHandle();

    void close();
    w32::Handle detach() noexcept { return std::exchange(value, 0); }
};

// pywintypes.HKEY: a registry key handle. Predefined keys (HKEY_LOCAL_MACHINE
// and friends) are plain ints and never closed.
struct PyHKey : PyHandle {
    using PyHandle::PyHandle;
};

// What a bound function declares to take "a handle".
struct HandleArg {
    w32::Handle value = 0;
};

void bind_handle_type(nanobind::module_& m);

}  // namespace bindings

namespace nanobind::detail {

template <>
struct type_caster<bindings::HandleArg> {
    NB_TYPE_CASTER(bindings::HandleArg, const_name("int | PyHANDLE"))

    bool from_python(handle src, uint8_t, cleanup_list*) noexcept {
        if (src.is_none()) {
            value.value = 0;
            return true;
        }
        if (nanobind::isinstance<bindings::PyHandle>(src)) {
            value.value = nanobind::inst_ptr<bindings::PyHandle>(src)->value;
            return true;
        }
        if (!PyLong_Check(src.ptr())) return false;
        // Negative values are pseudo-handles (-1 current process, -2 thread).
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(src.ptr(), &overflow);
        if (overflow == 0 && !(v == -1 && PyErr_Occurred())) {
            value.value = static_cast<w32::Handle>(v);
            return true;
        }
        PyErr_Clear();
        unsigned long long u = PyLong_AsUnsignedLongLong(src.ptr());
        if (u == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
            PyErr_Clear();
            return false;
        }
        value.value = u;
        return true;
    }

    static handle from_cpp(const bindings::HandleArg& h, rv_policy, cleanup_list*) noexcept {
        return PyLong_FromUnsignedLongLong(h.value);
    }
};

}  // namespace nanobind::detail
