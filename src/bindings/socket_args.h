// A SOCKET argument as pywin32 takes one: a socket object (anything with
// fileno()) or its descriptor. WSAENOTSOCK for a number that cannot be one.
#pragma once

#include <nanobind/nanobind.h>

#include <string>

#include "w32/error/win32_error.h"

namespace bindings {

inline int socket_arg(nanobind::handle s, const char* function) {
    namespace nb = nanobind;
    nb::object fd;
    if (PyLong_Check(s.ptr())) {
        fd = nb::borrow(s);
    } else if (nb::hasattr(s, "fileno")) {
        fd = s.attr("fileno")();
        if (!PyLong_Check(fd.ptr())) throw nb::type_error((std::string(function) + ": fileno() must return an int").c_str());
    } else {
        throw nb::type_error((std::string(function) + ": a socket (or its descriptor) is required").c_str());
    }
    long long v = nb::cast<long long>(fd);
    if (v < 0 || v > 0x7FFFFFFF) w32::throw_win32(10038, function);  // WSAENOTSOCK
    return static_cast<int>(v);
}

}  // namespace bindings
