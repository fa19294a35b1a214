// Reading bytes-like arguments (bytes, bytearray, memoryview, str as UTF-8)
// and filling writable buffers, through the buffer protocol.
#pragma once

#include <nanobind/nanobind.h>

#include <cstddef>
#include <span>

namespace bindings {

// A held Py_buffer: the exporter keeps the memory in place (and alive)
// until this goes, so it may be used without the GIL.
class BufferArg {
public:
    // writable: a buffer to fill (TypeError for bytes or str). Otherwise
    // any bytes-like object; a str is taken as its UTF-8 encoding.
    BufferArg(nanobind::handle obj, bool writable, const char* what);
    ~BufferArg();
    BufferArg(const BufferArg&) = delete;
    BufferArg& operator=(const BufferArg&) = delete;

    std::span<std::byte> writable() { return {static_cast<std::byte*>(view_.buf), size()}; }
    std::span<const std::byte> bytes() const { return {static_cast<const std::byte*>(view_.buf), size()}; }
    size_t size() const { return static_cast<size_t>(view_.len); }

private:
    nanobind::object keep_;  // the encoded str, when one was given
    Py_buffer view_{};
};

}  // namespace bindings
