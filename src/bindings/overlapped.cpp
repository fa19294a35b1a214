#include "overlapped.h"

#include <string>

#include "handle.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"

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

bool interpreter_usable() {
#if PY_VERSION_HEX >= 0x030D0000
    return Py_IsInitialized() && !Py_IsFinalizing();
#else
    return Py_IsInitialized() && !_Py_IsFinalizing();
#endif
}

// Packets nobody dequeued: their OVERLAPPED references go with the port.
void discard_token(uint64_t token) {
    if (!interpreter_usable()) return;
    PyGILState_STATE s = PyGILState_Ensure();
    Py_DECREF(reinterpret_cast<PyObject*>(token));
    PyGILState_Release(s);
}

}  // namespace

PyOverlapped::~PyOverlapped() {
    if (request && !request->done()) {
        request->cancel();
        w32::io::IoRequest* r = request.get();
        if (PyGILState_Check()) {
            nb::gil_scoped_release release;
            r->wait(w32::sync::kInfinite, {});
        } else {
            r->wait(w32::sync::kInfinite, {});
        }
    }
}

uint64_t PyOverlapped::internal() const noexcept { return request ? request->status() : Internal; }
uint64_t PyOverlapped::internal_high() const noexcept { return request ? request->bytes() : InternalHigh; }

w32::Handle PyOverlapped::event_handle() const {
    if (!hEvent.is_valid() || hEvent.is_none()) return 0;
    return nb::cast<HandleArg>(hEvent).value;
}

void PyOverlapped::check_idle(const char* function) const {
    if (request && !request->done()) w32::throw_win32(w32::err::kInvalidParameter, function);
}

void PyOverlapped::begin(std::shared_ptr<w32::io::IoRequest> r, std::unique_ptr<BufferArg> b) {
    request = std::move(r);
    buffer = std::move(b);
}

PyOverlapped* overlapped_arg(nb::handle ov, const char* function, bool must_be_idle) {
    if (ov.is_none()) return nullptr;
    if (!nb::isinstance<PyOverlapped>(ov))
        throw nb::type_error((std::string(function) + ": the overlapped argument must be a PyOVERLAPPED").c_str());
    auto* o = nb::inst_ptr<PyOverlapped>(ov);
    if (must_be_idle) o->check_idle(function);
    return o;
}

uint64_t completion_token(nb::handle overlapped) {
    static bool hooked = [] {
        w32::io::CompletionPort::set_discard_hook(&discard_token);
        return true;
    }();
    (void)hooked;
    Py_INCREF(overlapped.ptr());
    return reinterpret_cast<uint64_t>(overlapped.ptr());
}

nb::object overlapped_from_token(uint64_t token) {
    if (!token) return nb::none();
    return nb::steal(reinterpret_cast<PyObject*>(token));
}

void bind_overlapped_type(nb::module_& m) {
    nb::class_<PyOverlapped>(m, "PyOVERLAPPED", nb::type_slots(overlapped_slots),
                             "The OVERLAPPED structure of asynchronous I/O.")
        .def(nb::init<>())
        .def_rw("Offset", &PyOverlapped::Offset, "Low 32 bits of the file offset.")
        .def_rw("OffsetHigh", &PyOverlapped::OffsetHigh, "High 32 bits of the file offset.")
        .def_prop_rw(
            "Internal", [](const PyOverlapped& o) { return o.internal(); },
            [](PyOverlapped& o, uint64_t v) { o.Internal = v; }, "Status of the operation.")
        .def_prop_rw(
            "InternalHigh", [](const PyOverlapped& o) { return o.internal_high(); },
            [](PyOverlapped& o, uint64_t v) { o.InternalHigh = v; }, "Bytes transferred.")
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
