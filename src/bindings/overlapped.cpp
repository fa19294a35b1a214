#include "overlapped.h"

namespace nb = nanobind;

namespace bindings {

namespace {

// The Python objects an OVERLAPPED holds can refer back to it
// (ov.object = ov), so the type takes part in garbage collection.
int overlapped_traverse(PyObject* self, visitproc visit, void* arg) {
    Py_VISIT(Py_TYPE(self));
    if (!nb::inst_ready(self)) return 0;
    auto* ov = nb::inst_ptr<PyOverlapped>(self);
    Py_VISIT(ov->hEvent.ptr());
    Py_VISIT(ov->object.ptr());
    return 0;
}

int overlapped_clear(PyObject* self) {
    auto* ov = nb::inst_ptr<PyOverlapped>(self);
    ov->hEvent.reset();
    ov->object.reset();
    return 0;
}

PyType_Slot overlapped_slots[] = {
    {Py_tp_traverse, (void*)overlapped_traverse},
    {Py_tp_clear, (void*)overlapped_clear},
    {0, nullptr},
};

nb::object none_if_null(const nb::object& o) { return o.is_valid() ? o : nb::none(); }

}  // namespace

void bind_overlapped_type(nb::module_& m) {
    nb::class_<PyOverlapped>(m, "PyOVERLAPPED", nb::type_slots(overlapped_slots),
                             "The OVERLAPPED structure of asynchronous I/O.")
        .def(nb::init<>())
        .def_rw("Offset", &PyOverlapped::Offset, "Low 32 bits of the file offset.")
        .def_rw("OffsetHigh", &PyOverlapped::OffsetHigh, "High 32 bits of the file offset.")
        .def_rw("Internal", &PyOverlapped::Internal, "Status of the operation.")
        .def_rw("InternalHigh", &PyOverlapped::InternalHigh, "Bytes transferred.")
        .def_rw("dword", &PyOverlapped::dword, "A spare integer for the caller.")
        .def_prop_rw(
            "hEvent", [](const PyOverlapped& o) { return none_if_null(o.hEvent); },
            [](PyOverlapped& o, nb::handle v) { o.hEvent = nb::borrow(v); },
            "The event signalled when the operation completes (None for none).")
        .def_prop_rw(
            "object", [](const PyOverlapped& o) { return none_if_null(o.object); },
            [](PyOverlapped& o, nb::handle v) { o.object = nb::borrow(v); },
            "Any Python object, kept with the structure for the caller.");
}

}  // namespace bindings
