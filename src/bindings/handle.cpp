#include "handle.h"

#include <nanobind/stl/string.h>

#include <string>

namespace nb = nanobind;
using namespace nb::literals;

namespace bindings {

PyHandle::~PyHandle() {
    if (value == 0) return;
    // Collected without Close(): release quietly, as pywin32 does; a handle
    // already closed through CloseHandle(int) must not raise from a finalizer.
    try {
        w32::HandleTable::instance().close(std::exchange(value, 0), "CloseHandle");
    } catch (...) {
    }
}

void PyHandle::close() {
    if (value == 0) return;
    w32::HandleTable::instance().close(std::exchange(value, 0), "CloseHandle");
}

namespace {

// Pseudo-handles print as pywin32 prints them: signed.
long long signed_value(const PyHandle& h) { return static_cast<long long>(h.value); }

bool equals(const PyHandle& self, nb::handle other) {
    if (nb::isinstance<PyHandle>(other)) return self.value == nb::inst_ptr<PyHandle>(other)->value;
    if (PyLong_Check(other.ptr())) {
        int overflow = 0;
        long long v = PyLong_AsLongLongAndOverflow(other.ptr(), &overflow);
        if (overflow == 0 && !PyErr_Occurred()) return static_cast<w32::Handle>(v) == self.value;
        PyErr_Clear();
    }
    return false;
}

}  // namespace

void bind_handle_type(nb::module_& m) {
    nb::class_<PyHandle>(m, "PyHANDLE",
                         "A Windows handle owned by Python; closed by Close(), `with`, or "
                         "when garbage collected.")
        .def("__init__", [](PyHandle* self, HandleArg h) { new (self) PyHandle(h.value); },
             "handle"_a.none() = 0,
             "Wraps a handle value; the new object owns it and will close it.")
        .def_prop_ro("handle", &signed_value, "The integer handle value.")
        .def("Close", &PyHandle::close, "Closes the handle. Closing twice is harmless.")
        .def("close", &PyHandle::close, "Same as Close().")
        .def("Detach", &PyHandle::detach,
             "Gives up ownership: returns the handle value, which this object no longer closes.")
        .def("__int__", &signed_value)
        .def("__index__", &signed_value)
        .def("__bool__", [](const PyHandle& h) { return h.value != 0; })
        .def("__hash__", [](const PyHandle& h) { return nb::hash(nb::int_(signed_value(h))); })
        .def("__eq__", &equals)
        .def("__ne__", [](const PyHandle& h, nb::handle o) { return !equals(h, o); })
        .def("__repr__", [](const PyHandle& h) {
            return "<PyHANDLE:" + std::to_string(signed_value(h)) + ">";
        })
        .def("__enter__", [](nb::handle self) { return nb::borrow(self); })
        .def("__exit__", [](PyHandle& h, nb::args) {
            h.close();
            return false;
        });
    nb::class_<PyHKey, PyHandle>(m, "PyHKEY", "A registry key handle; closed like any PyHANDLE.")
        .def("__init__", [](PyHKey* self, HandleArg h) { new (self) PyHKey(h.value); },
             "handle"_a.none() = 0)
        .def("__repr__", [](const PyHKey& h) {
            return "<PyHKEY:" + std::to_string(signed_value(h)) + ">";
        });
}

}  // namespace bindings
