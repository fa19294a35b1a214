#include "buffer_args.h"

#include <string>

namespace nb = nanobind;

namespace bindings {

BufferArg::BufferArg(nb::handle obj, bool writable, const char* what) {
    nb::handle source = obj;
    if (!writable && PyUnicode_Check(obj.ptr())) {
        keep_ = nb::steal(PyUnicode_AsUTF8String(obj.ptr()));
        if (!keep_.is_valid()) throw nb::python_error();
        source = keep_;
    }
    if (PyObject_GetBuffer(source.ptr(), &view_, writable ? PyBUF_WRITABLE : PyBUF_SIMPLE) != 0) {
        PyErr_Clear();
        throw nb::type_error((std::string(what) + (writable ? " must be a writable buffer (bytearray, memoryview)"
                                                            : " must be bytes-like or str"))
                                 .c_str());
    }
}

BufferArg::~BufferArg() { PyBuffer_Release(&view_); }

}  // namespace bindings
