// DWORD arguments: pywin32 spells flags signed (GENERIC_READ is
// -2147483648), so both signed and unsigned 32-bit spellings are taken.
#pragma once

#include <nanobind/nanobind.h>

#include <cstdint>
#include <string>

namespace bindings {

inline uint32_t dword_arg(long long v, const char* what) {
    if (v < -0x80000000LL || v > 0xFFFFFFFFLL)
        throw nanobind::value_error((std::string(what) + " must be a DWORD").c_str());
    return static_cast<uint32_t>(v);
}

// A size: a non-negative DWORD.
inline uint32_t size_arg(long long v, const char* what) {
    if (v < 0 || v > 0xFFFFFFFFLL)
        throw nanobind::value_error((std::string(what) + " must not be negative").c_str());
    return static_cast<uint32_t>(v);
}

}  // namespace bindings
