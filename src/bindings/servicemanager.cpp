// servicemanager's native part: the service process's channel to the
// service manager (the rest of servicemanager is Python: it calls the
// service class, as pythonservice.exe does on Windows).
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include <memory>

#include "dword_args.h"
#include "modules.h"
#include "w32/error/win32_error.h"
#include "w32/svc/service_host.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace svc = w32::svc;

namespace bindings {

namespace {

// SERVICE_STATUS as pywin32 takes it: a 7-tuple (type, state, accepted,
// win32 exit code, service exit code, check point, wait hint).
svc::ServiceStatus status_from_tuple(nb::handle value) {
    if (!nb::isinstance<nb::tuple>(value) && !nb::isinstance<nb::list>(value))
        throw nb::type_error("SERVICE_STATUS must be a tuple of 7 ints");
    nb::sequence seq = nb::borrow<nb::sequence>(value);
    if (nb::len(seq) != 7) throw nb::type_error("SERVICE_STATUS must be a tuple of 7 ints");
    uint32_t f[7];
    for (size_t i = 0; i < 7; ++i) {
        nb::handle item = seq[i];
        if (!PyLong_Check(item.ptr())) throw nb::type_error("SERVICE_STATUS must be a tuple of 7 ints");
        f[i] = dword_arg(nb::cast<long long>(item), "SERVICE_STATUS");
    }
    svc::ServiceStatus s;
    s.service_type = f[0];
    s.current_state = f[1];
    s.controls_accepted = f[2];
    s.win32_exit_code = f[3];
    s.service_specific_exit_code = f[4];
    s.check_point = f[5];
    s.wait_hint = f[6];
    return s;
}

void bind_servicemanager(nb::module_ m) {
    nb::class_<svc::ServiceHostChannel>(m, "_HostChannel")
        .def_static("connect", [] {
            nb::gil_scoped_release release;
            return svc::ServiceHostChannel::connect("StartServiceCtrlDispatcher");
        })
        .def_prop_ro("service_name", &svc::ServiceHostChannel::service_name)
        .def_prop_ro("start_args", &svc::ServiceHostChannel::start_args)
        .def("set_status", [](svc::ServiceHostChannel& self, nb::handle status) {
            svc::ServiceStatus s = status_from_tuple(status);
            if (s.current_state < svc::kStopped || s.current_state > svc::kPaused)
                w32::throw_win32(87, "SetServiceStatus");  // ERROR_INVALID_PARAMETER
            nb::gil_scoped_release release;
            self.set_status(s);
        })
        .def("status", [](svc::ServiceHostChannel& self) {
            svc::ServiceStatus s = self.status();
            return nb::make_tuple(s.service_type, s.current_state, s.controls_accepted, s.win32_exit_code,
                                  s.service_specific_exit_code, s.check_point, s.wait_hint);
        })
        // (0, sequence, control, event type) for a request, (1,) on timeout,
        // (2,) once the service has stopped.
        .def("wait", [](svc::ServiceHostChannel& self, int timeout_ms) {
            svc::ControlRequest request{};
            svc::ServiceHostChannel::Wait w;
            {
                nb::gil_scoped_release release;
                w = self.next_control(timeout_ms, request);
            }
            if (w == svc::ServiceHostChannel::Wait::Control)
                return nb::make_tuple(0, request.sequence, request.control, request.event_type);
            return nb::make_tuple(w == svc::ServiceHostChannel::Wait::Timeout ? 1 : 2);
        }, "timeout_ms"_a)
        .def("control_done", [](svc::ServiceHostChannel& self, uint32_t sequence, long long result) {
            uint32_t r = dword_arg(result, "result");
            nb::gil_scoped_release release;
            self.control_done(sequence, r);
        });
    m.def("_HostedServiceName", &svc::hosted_service_name);
}

}  // namespace

W32_REGISTER_SUBMODULE("servicemanager", bind_servicemanager);

}  // namespace bindings
