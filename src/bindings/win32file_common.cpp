#include "win32file_common.h"

#include <cstring>

#include "dword_args.h"

namespace nb = nanobind;

namespace bindings {

namespace {

nb::module_ time_module() { return nb::module_::import_("pywin32_posix._time"); }

}  // namespace

nb::object filetime_object(uint64_t filetime) { return time_module().attr("filetime_to_time")(filetime); }

uint64_t filetime_arg(nb::handle value, bool utc) {
    if (PyLong_Check(value.ptr())) return nb::cast<uint64_t>(value);
    nb::object v = nb::borrow(value);
    nb::module_ dt = nb::module_::import_("datetime");
    if (nb::isinstance(v, dt.attr("datetime")) && v.attr("tzinfo").is_none()) {
        // Naive: local time, unless the caller says UTC (SetFileTime's UTCTimes).
        if (utc) v = v.attr("replace")(nb::arg("tzinfo") = dt.attr("timezone").attr("utc"));
    }
    return nb::cast<uint64_t>(time_module().attr("time_to_filetime")(v));
}

nb::object allocate_read_buffer(long long size) {
    uint32_t n = size_arg(size, "bufSize");
    nb::object buf = nb::steal(PyByteArray_FromStringAndSize(nullptr, n));
    if (!buf.is_valid()) throw nb::python_error();
    // Zeroed: the buffer must not show what the process's memory held before.
    std::memset(PyByteArray_AS_STRING(buf.ptr()), 0, n);
    return buf;
}

}  // namespace bindings
