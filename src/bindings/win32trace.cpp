// win32trace: the tracer object (pywin32's PyTraceObject) over the core's
// shared trace buffer. The module functions, GetTracer and setprint are
// Python (python/win32/win32trace.py).
#include <nanobind/stl/string.h>

#include <memory>
#include <string>

#include "buffer_args.h"
#include "modules.h"
#include "wait_args.h"
#include "w32/trace/trace_buffer.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace trace = w32::trace;

namespace bindings {

namespace {

// pywin32 reports the tracer's own errors as pywintypes.error(0, None, text).
[[noreturn]] void raise_trace_error(const char* text) {
    nb::object error = nb::module_::import_("pywin32_posix._errors").attr("error");
    nb::object args = nb::make_tuple(0, nb::none(), text);
    PyErr_SetObject(error.ptr(), args.ptr());
    throw nb::python_error();
}

nb::str decode(const std::string& bytes) {
    // Writers send UTF-8; anything else (raw bytes) reads with U+FFFD.
    PyObject* s = PyUnicode_DecodeUTF8(bytes.data(), Py_ssize_t(bytes.size()), "replace");
    if (!s) throw nb::python_error();
    return nb::steal<nb::str>(s);
}

class PyTraceObject {
public:
    void init_read() {
        open(reader_);
        reader_->set_reading(true);
    }
    void init_write() { open(writer_); }
    void term_read() {
        if (reader_) reader_->set_reading(false);
        reader_.reset();
    }
    void term_write() { writer_.reset(); }

    void write(nb::handle data) {
        if (!writer_) raise_trace_error("The module has not been setup for writing");
        std::shared_ptr<trace::TraceBuffer> buffer = writer_;
        if (PyUnicode_Check(data.ptr())) {
            Py_ssize_t n = 0;
            const char* p = PyUnicode_AsUTF8AndSize(data.ptr(), &n);
            if (!p) throw nb::python_error();
            nb::gil_scoped_release release;
            buffer->write({p, size_t(n)}, true);
            return;
        }
        BufferArg bytes(data, false, "data");
        nb::gil_scoped_release release;
        buffer->write({reinterpret_cast<const char*>(bytes.bytes().data()), bytes.size()}, false);
    }

    nb::str read() {
        if (!reader_) raise_trace_error("The module has not been setup for reading");
        std::shared_ptr<trace::TraceBuffer> buffer = reader_;
        std::string text;
        {
            nb::gil_scoped_release release;
            text = buffer->read();
        }
        return decode(text);
    }

    nb::str blockingread(long long milliseconds) {
        if (!reader_) raise_trace_error("The module has not been setup for reading");
        std::shared_ptr<trace::TraceBuffer> buffer = reader_;
        uint32_t timeout = timeout_from_py(milliseconds);
        std::string text = blocking_wait(timeout, [&](const w32::sync::InterruptCheck& check) {
            return buffer->blocking_read(timeout, check);
        });
        return decode(text);
    }

    int softspace = 0;

private:
    void open(std::shared_ptr<trace::TraceBuffer>& side) {
        if (side) raise_trace_error("DoOpenMap, already open");
        nb::gil_scoped_release release;
        side = shared_buffer();
    }

    // One attachment per process, shared by the read and write sides.
    static std::shared_ptr<trace::TraceBuffer> shared_buffer() {
        static std::weak_ptr<trace::TraceBuffer> current;
        auto buffer = current.lock();
        if (!buffer) {
            buffer = trace::TraceBuffer::attach();
            current = buffer;
        }
        return buffer;
    }

    std::shared_ptr<trace::TraceBuffer> reader_, writer_;
};

}  // namespace

void bind_win32trace(nb::module_ m) {
    m.doc() = "A module providing out-of-process tracing capabilities for Python.";
    nb::class_<PyTraceObject>(m, "PyTraceObject", "Writes to and reads from the session's trace buffer.")
        .def(nb::init<>())
        .def("_init_read", &PyTraceObject::init_read)
        .def("_init_write", &PyTraceObject::init_write)
        .def("_term_read", &PyTraceObject::term_read)
        .def("_term_write", &PyTraceObject::term_write)
        .def("write", &PyTraceObject::write, "data"_a, "Appends text (str, or bytes) to the trace buffer.")
        .def("read", &PyTraceObject::read, "Takes everything in the trace buffer (possibly '').")
        .def("blockingread", &PyTraceObject::blockingread, "milliSeconds"_a = -1,
             "Waits up to milliSeconds for output, then takes what is there.")
        .def("flush", [](PyTraceObject&) {}, "Does nothing: writes reach the buffer at once.")
        .def("isatty", [](PyTraceObject&) { return 0; }, "Returns false.")
        .def_rw("softspace", &PyTraceObject::softspace);
    m.def("_data_event", [] { return trace::TraceBuffer::data_event(); },
          "The handle of the event set when output arrives.");
}

W32_REGISTER_SUBMODULE("win32trace", bind_win32trace);

}  // namespace bindings
