// win32service: the service control API over the session's service manager.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dword_args.h"
#include "modules.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/svc/manager_client.h"
#include "w32/svc/service_control.h"
#include "w32/svc/systemd_unit.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace svc = w32::svc;

namespace bindings {

namespace {

using ScHandlePtr = std::shared_ptr<svc::ScHandle>;

// pywin32's PySC_HANDLE: int() gives its value; Close() (or collection)
// closes it.
struct PyScHandle {
    ScHandlePtr handle;
};

// Accepts a PySC_HANDLE or the int of a live one.
ScHandlePtr sc_handle(nb::handle arg, const char* function) {
    if (nb::isinstance<PyScHandle>(arg)) {
        ScHandlePtr h = nb::inst_ptr<PyScHandle>(arg)->handle;
        if (!h || h->closed()) w32::throw_win32(w32::err::kInvalidHandle, function);
        return h;
    }
    if (PyLong_Check(arg.ptr())) return svc::handle_from_value(nb::cast<uint64_t>(arg), function);
    throw nb::type_error((std::string(function) + ": a PySC_HANDLE or int is required").c_str());
}

nb::tuple status_tuple(const svc::ServiceStatus& s) {
    return nb::make_tuple(s.service_type, s.current_state, s.controls_accepted, s.win32_exit_code,
                          s.service_specific_exit_code, s.check_point, s.wait_hint);
}

nb::dict status_dict(const svc::ServiceStatus& s) {
    nb::dict d;
    d["ServiceType"] = s.service_type;
    d["CurrentState"] = s.current_state;
    d["ControlsAccepted"] = s.controls_accepted;
    d["Win32ExitCode"] = s.win32_exit_code;
    d["ServiceSpecificExitCode"] = s.service_specific_exit_code;
    d["CheckPoint"] = s.check_point;
    d["WaitHint"] = s.wait_hint;
    d["ProcessId"] = s.process_id;
    d["ServiceFlags"] = s.service_flags;
    return d;
}

// None, or an iterable of str (not a str itself, which would iterate chars).
std::optional<std::vector<std::string>> string_list(nb::handle arg, const char* what) {
    if (arg.is_none()) return std::nullopt;
    if (nb::isinstance<nb::str>(arg))
        throw nb::type_error((std::string(what) + " must be a sequence of strings, not a string").c_str());
    std::vector<std::string> list;
    for (nb::handle item : nb::iter(arg)) {
        if (!nb::isinstance<nb::str>(item))
            throw nb::type_error((std::string(what) + " must contain only strings").c_str());
        list.push_back(nb::cast<std::string>(item));
    }
    return list;
}

std::optional<std::string> optional_string(nb::handle arg, const char* what) {
    if (arg.is_none()) return std::nullopt;
    if (!nb::isinstance<nb::str>(arg)) throw nb::type_error((std::string(what) + " must be a str or None").c_str());
    return nb::cast<std::string>(arg);
}

PyScHandle wrap(ScHandlePtr h) { return PyScHandle{std::move(h)}; }

PyScHandle open_sc_manager(std::optional<std::string> machine, std::optional<std::string> database,
                           long long access) {
    uint32_t a = dword_arg(access, "desiredAccess");
    ScHandlePtr h;
    {
        nb::gil_scoped_release release;
        h = svc::open_sc_manager(machine, database, a);
    }
    return wrap(h);
}

PyScHandle create_service(nb::handle scm, const std::string& name, nb::handle display_name, long long access,
                          long long service_type, long long start_type, long long error_control,
                          const std::string& binary, nb::handle load_order_group, nb::handle fetch_tag,
                          nb::handle dependencies, nb::handle account, nb::handle password) {
    const char* fn = "CreateService";
    ScHandlePtr h = sc_handle(scm, fn);
    svc::ServiceConfig c;
    c.name = name;
    c.display_name = optional_string(display_name, "displayName").value_or("");
    c.service_type = dword_arg(service_type, "serviceType");
    c.start_type = dword_arg(start_type, "startType");
    c.error_control = dword_arg(error_control, "errorControl");
    c.binary_path = binary;
    c.load_order_group = optional_string(load_order_group, "loadOrderGroup").value_or("");
    c.dependencies = string_list(dependencies, "serviceDeps").value_or(std::vector<std::string>{});
    c.account = optional_string(account, "acctName").value_or("");
    (void)optional_string(password, "password");  // accounts are not switched (see docs)
    (void)fetch_tag;
    uint32_t a = dword_arg(access, "desiredAccess");
    nb::gil_scoped_release release;
    return wrap(svc::create_service(*h, c, a));
}

PyScHandle open_service(nb::handle scm, const std::string& name, long long access) {
    ScHandlePtr h = sc_handle(scm, "OpenService");
    uint32_t a = dword_arg(access, "desiredAccess");
    nb::gil_scoped_release release;
    return wrap(svc::open_service(*h, name, a));
}

void change_service_config(nb::handle service, long long service_type, long long start_type,
                           long long error_control, nb::handle binary, nb::handle load_order_group,
                           nb::handle fetch_tag, nb::handle dependencies, nb::handle account, nb::handle password,
                           nb::handle display_name) {
    const char* fn = "ChangeServiceConfig";
    ScHandlePtr h = sc_handle(service, fn);
    svc::ConfigChange ch;
    ch.service_type = dword_arg(service_type, "serviceType");
    ch.start_type = dword_arg(start_type, "startType");
    ch.error_control = dword_arg(error_control, "errorControl");
    ch.binary_path = optional_string(binary, "binaryFile");
    ch.load_order_group = optional_string(load_order_group, "loadOrderGroup");
    ch.dependencies = string_list(dependencies, "serviceDeps");
    ch.account = optional_string(account, "acctName");
    (void)optional_string(password, "password");
    ch.display_name = optional_string(display_name, "displayName");
    (void)fetch_tag;
    nb::gil_scoped_release release;
    svc::change_service_config(*h, ch);
}

nb::object query_service_config2(nb::handle service, long long level_arg) {
    ScHandlePtr h = sc_handle(service, "QueryServiceConfig2");
    uint32_t level = dword_arg(level_arg, "InfoLevel");
    svc::ServiceConfig c;
    {
        nb::gil_scoped_release release;
        c = svc::query_service_config2(*h, level);
    }
    switch (level) {
    case svc::kConfigDescription:
        return c.description.empty() ? nb::none() : nb::cast(c.description);
    case svc::kConfigFailureActions: {
        nb::dict d;
        d["ResetPeriod"] = c.failure_actions.reset_period_s;
        d["RebootMsg"] = c.failure_actions.reboot_message.empty() ? nb::none() : nb::cast(c.failure_actions.reboot_message);
        d["Command"] = c.failure_actions.command.empty() ? nb::none() : nb::cast(c.failure_actions.command);
        nb::list actions;
        for (const auto& a : c.failure_actions.actions) actions.append(nb::make_tuple(a.type, a.delay_ms));
        d["Actions"] = nb::tuple(actions);
        return d;
    }
    case svc::kConfigDelayedAutoStart: return nb::bool_(c.delayed_auto_start);
    case svc::kConfigFailureActionsFlag: return nb::bool_(c.failure_actions_on_non_crash);
    case svc::kConfigServiceSid: return nb::cast(c.sid_type);
    case svc::kConfigRequiredPrivileges: return nb::tuple(nb::cast(c.required_privileges));
    case svc::kConfigPreshutdown: return nb::cast(c.preshutdown_timeout_ms);
    default: w32::throw_win32(124, "QueryServiceConfig2");  // ERROR_INVALID_LEVEL
    }
}

uint32_t dword_item(nb::handle value, const char* what) {
    if (!PyLong_Check(value.ptr()) && !PyBool_Check(value.ptr()))
        throw nb::type_error((std::string(what) + " must be an int").c_str());
    return dword_arg(nb::cast<long long>(value), what);
}

void change_service_config2(nb::handle service, long long level_arg, nb::handle info) {
    const char* fn = "ChangeServiceConfig2";
    ScHandlePtr h = sc_handle(service, fn);
    uint32_t level = dword_arg(level_arg, "InfoLevel");
    svc::ServiceConfig c;
    switch (level) {
    case svc::kConfigDescription: c.description = optional_string(info, "info").value_or(""); break;
    case svc::kConfigFailureActions: {
        if (!nb::isinstance<nb::dict>(info)) throw nb::type_error("SERVICE_CONFIG_FAILURE_ACTIONS takes a dict");
        nb::dict d = nb::borrow<nb::dict>(info);
        if (d.contains("ResetPeriod")) c.failure_actions.reset_period_s = dword_item(d["ResetPeriod"], "ResetPeriod");
        if (d.contains("RebootMsg"))
            c.failure_actions.reboot_message = optional_string(d["RebootMsg"], "RebootMsg").value_or("");
        if (d.contains("Command")) c.failure_actions.command = optional_string(d["Command"], "Command").value_or("");
        if (d.contains("Actions") && !nb::handle(d["Actions"]).is_none()) {
            for (nb::handle item : nb::iter(d["Actions"])) {
                nb::tuple t = nb::cast<nb::tuple>(item);
                if (t.size() != 2) throw nb::type_error("each action is a (type, delay) tuple");
                svc::FailureAction a{dword_item(t[0], "action type"), dword_item(t[1], "action delay")};
                if (a.type > svc::kActionRunCommand) w32::throw_win32(w32::err::kInvalidParameter, fn);
                c.failure_actions.actions.push_back(a);
            }
        }
        break;
    }
    case svc::kConfigDelayedAutoStart: c.delayed_auto_start = nb::cast<bool>(info); break;
    case svc::kConfigFailureActionsFlag: c.failure_actions_on_non_crash = nb::cast<bool>(info); break;
    case svc::kConfigServiceSid: c.sid_type = dword_item(info, "info"); break;
    case svc::kConfigRequiredPrivileges:
        c.required_privileges = string_list(info, "info").value_or(std::vector<std::string>{});
        break;
    case svc::kConfigPreshutdown: c.preshutdown_timeout_ms = dword_item(info, "info"); break;
    default: w32::throw_win32(124, fn);  // ERROR_INVALID_LEVEL
    }
    nb::gil_scoped_release release;
    svc::change_service_config2(*h, level, c);
}

nb::tuple entries_tuple(const std::vector<svc::ServiceEntry>& entries) {
    nb::list out;
    for (const auto& e : entries) out.append(nb::make_tuple(e.name, e.display_name, status_tuple(e.status)));
    return nb::tuple(out);
}

void not_supported(const char* function) { w32::throw_win32(w32::err::kNotSupported, function); }

void bind_win32service(nb::module_ m) {
    nb::class_<PyScHandle>(m, "PySC_HANDLE", "A service control manager or service handle (int() is its value).")
        .def("Close", [](PyScHandle& self) {
            if (self.handle && !self.handle->closed()) self.handle->close();
        }, "Closes the handle (as CloseServiceHandle); closing twice does nothing.")
        .def("Detach", [](PyScHandle& self) {
            // The value stays usable as an int until closed by it.
            uint64_t v = self.handle ? self.handle->value() : 0;
            return v;
        }, "The handle's value, which stays open: the object no longer closes it.")
        .def_prop_ro("handle", [](PyScHandle& self) { return self.handle ? self.handle->value() : 0; })
        .def("__int__", [](PyScHandle& self) { return self.handle ? self.handle->value() : 0; })
        .def("__index__", [](PyScHandle& self) { return self.handle ? self.handle->value() : 0; })
        .def("__bool__", [](PyScHandle& self) { return self.handle && !self.handle->closed(); })
        .def("__eq__", [](PyScHandle& self, nb::handle other) {
            uint64_t mine = self.handle ? self.handle->value() : 0;
            if (nb::isinstance<PyScHandle>(other)) {
                auto& o = *nb::inst_ptr<PyScHandle>(other);
                return mine == (o.handle ? o.handle->value() : 0);
            }
            return PyLong_Check(other.ptr()) && nb::cast<uint64_t>(other) == mine;
        })
        .def("__hash__", [](PyScHandle& self) { return self.handle ? self.handle->value() : 0; })
        .def("__repr__", [](PyScHandle& self) {
            return "<PySC_HANDLE:" + std::to_string(self.handle ? self.handle->value() : 0) + ">";
        });

    m.def("OpenSCManager", &open_sc_manager, "machineName"_a.none(), "dbName"_a.none(), "desiredAccess"_a,
          "Opens the session's service control manager (started on demand).");
    m.def("CloseServiceHandle", [](nb::handle h) {
        ScHandlePtr handle = sc_handle(h, "CloseServiceHandle");
        nb::gil_scoped_release release;
        svc::close_service_handle(*handle);
    }, "scHandle"_a, "Closes a handle from OpenSCManager, OpenService or CreateService.");
    m.def("CreateService", &create_service, "scHandle"_a, "name"_a, "displayName"_a.none(), "desiredAccess"_a,
          "serviceType"_a, "startType"_a, "errorControl"_a, "binaryFile"_a, "loadOrderGroup"_a.none(),
          "bFetchTag"_a, "serviceDeps"_a.none(), "acctName"_a.none(), "password"_a.none(),
          "Installs a service (kept durably by the manager) and returns a handle to it. On POSIX: the account is "
          "recorded, and used as the service's user only by the systemd backend's system scope; the password "
          "never is.");
    m.def("OpenService", &open_service, "scHandle"_a, "name"_a, "desiredAccess"_a,
          "A handle to an installed service (ERROR_SERVICE_DOES_NOT_EXIST when there is none).");
    m.def("DeleteService", [](nb::handle h) {
        ScHandlePtr s = sc_handle(h, "DeleteService");
        nb::gil_scoped_release release;
        svc::delete_service(*s);
    }, "scHandle"_a, "Marks the service for deletion; it goes when it has stopped and its handles are closed.");
    m.def("StartService", [](nb::handle h, nb::handle args) {
        ScHandlePtr s = sc_handle(h, "StartService");
        std::vector<std::string> list = string_list(args, "args").value_or(std::vector<std::string>{});
        nb::gil_scoped_release release;
        svc::start_service(*s, list);
    }, "hService"_a, "args"_a.none(),
       "Starts the service with the given arguments; returns once its process runs its dispatcher.");
    m.def("ControlService", [](nb::handle h, long long code) {
        ScHandlePtr s = sc_handle(h, "ControlService");
        uint32_t c = dword_arg(code, "code");
        svc::ServiceStatus st;
        {
            nb::gil_scoped_release release;
            st = svc::control_service(*s, c);
        }
        return status_tuple(st);
    }, "scHandle"_a, "code"_a,
       "Sends a control (SERVICE_CONTROL_*, or 128-255) and returns the service's status tuple afterwards.");
    m.def("QueryServiceStatus", [](nb::handle h) {
        ScHandlePtr s = sc_handle(h, "QueryServiceStatus");
        svc::ServiceStatus st;
        {
            nb::gil_scoped_release release;
            st = svc::query_service_status(*s, "QueryServiceStatus");
        }
        return status_tuple(st);
    }, "hService"_a, "The service's status as a 7-tuple (type, state, controls accepted, exit codes, checkpoint, wait hint).");
    m.def("QueryServiceStatusEx", [](nb::handle h) {
        ScHandlePtr s = sc_handle(h, "QueryServiceStatusEx");
        svc::ServiceStatus st;
        {
            nb::gil_scoped_release release;
            st = svc::query_service_status(*s, "QueryServiceStatusEx");
        }
        return status_dict(st);
    }, "hService"_a, "The service's status as a dict, with its ProcessId and ServiceFlags.");
    m.def("QueryServiceConfig", [](nb::handle h) {
        ScHandlePtr s = sc_handle(h, "QueryServiceConfig");
        svc::ServiceConfig c;
        {
            nb::gil_scoped_release release;
            c = svc::query_service_config(*s);
        }
        return nb::make_tuple(c.service_type, c.start_type, c.error_control, c.binary_path, c.load_order_group,
                              c.tag_id, nb::tuple(nb::cast(c.dependencies)),
                              c.account.empty() ? std::string("LocalSystem") : c.account, c.display_name);
    }, "hService"_a,
       "(type, start type, error control, binary path, load order group, tag, dependencies, account, display name).");
    m.def("ChangeServiceConfig", &change_service_config, "hService"_a, "serviceType"_a, "startType"_a,
          "errorControl"_a, "binaryFile"_a.none(), "loadOrderGroup"_a.none(), "bFetchTag"_a, "serviceDeps"_a.none(),
          "acctName"_a.none(), "password"_a.none(), "displayName"_a.none(),
          "Changes a service's configuration; SERVICE_NO_CHANGE and None keep a value.");
    m.def("QueryServiceConfig2", &query_service_config2, "hService"_a, "InfoLevel"_a,
          "Optional configuration (SERVICE_CONFIG_DESCRIPTION, FAILURE_ACTIONS, DELAYED_AUTO_START_INFO, ...).");
    m.def("ChangeServiceConfig2", &change_service_config2, "hService"_a, "InfoLevel"_a, "info"_a.none(),
          "Sets optional configuration: description, failure actions (used by the manager's recovery), delayed "
          "auto start, ...");
    m.def("EnumServicesStatus", [](nb::handle scm, long long type, long long state) {
        ScHandlePtr h = sc_handle(scm, "EnumServicesStatus");
        uint32_t t = dword_arg(type, "ServiceType"), s = dword_arg(state, "ServiceState");
        std::vector<svc::ServiceEntry> entries;
        {
            nb::gil_scoped_release release;
            entries = svc::enum_services(*h, t, s);
        }
        return entries_tuple(entries);
    }, "hSCManager"_a, "ServiceType"_a = svc::kServiceWin32, "ServiceState"_a = svc::kStateAll,
       "(name, display name, status tuple) of each installed service of the type and state asked for.");
    m.def("EnumServicesStatusEx", [](nb::handle scm, long long type, long long state, long long level,
                                     nb::handle group) {
        ScHandlePtr h = sc_handle(scm, "EnumServicesStatusEx");
        uint32_t t = dword_arg(type, "ServiceType"), s = dword_arg(state, "ServiceState");
        if (dword_arg(level, "InfoLevel") != 0) w32::throw_win32(124, "EnumServicesStatusEx");
        std::optional<std::string> group_name = optional_string(group, "GroupName");
        std::vector<svc::ServiceEntry> entries;
        {
            nb::gil_scoped_release release;
            entries = svc::enum_services(*h, t, s);
        }
        nb::list out;
        for (const auto& e : entries) {
            nb::dict d = status_dict(e.status);
            d["ServiceName"] = e.name;
            d["DisplayName"] = e.display_name;
            out.append(d);
        }
        (void)group_name;
        return nb::tuple(out);
    }, "SCManager"_a, "ServiceType"_a = svc::kServiceWin32, "ServiceState"_a = svc::kStateAll, "InfoLevel"_a = 0,
       "GroupName"_a.none() = nb::none(),
       "Each service's status as a dict with ServiceName and DisplayName (InfoLevel 0 only). On POSIX: "
       "GroupName is accepted and ignored (there are no load order groups).");
    m.def("EnumDependentServices", [](nb::handle service, long long state) {
        ScHandlePtr h = sc_handle(service, "EnumDependentServices");
        uint32_t s = dword_arg(state, "ServiceState");
        std::vector<svc::ServiceEntry> entries;
        {
            nb::gil_scoped_release release;
            entries = svc::enum_dependent_services(*h, s);
        }
        return entries_tuple(entries);
    }, "hService"_a, "ServiceState"_a = svc::kStateAll,
       "The services that depend on this one, as EnumServicesStatus gives them.");
    m.def("GetServiceKeyName", [](nb::handle scm, const std::string& display) {
        ScHandlePtr h = sc_handle(scm, "GetServiceKeyName");
        nb::gil_scoped_release release;
        return svc::get_service_key_name(*h, display);
    }, "hSCManager"_a, "DisplayName"_a, "The service name of the service with this display name.");
    m.def("GetServiceDisplayName", [](nb::handle scm, const std::string& name) {
        ScHandlePtr h = sc_handle(scm, "GetServiceDisplayName");
        nb::gil_scoped_release release;
        return svc::get_service_display_name(*h, name);
    }, "hSCManager"_a, "ServiceName"_a, "The display name of the named service.");

    // What has no meaning without Windows' security and desktop objects.
    m.def("LockServiceDatabase", [](nb::handle) { not_supported("LockServiceDatabase"); }, "sc_handle"_a, "Windows' LockServiceDatabase.\n\nOn POSIX: not supported (nothing to lock (no effect since Windows Vista either)).");
    m.def("UnlockServiceDatabase", [](nb::handle) { not_supported("UnlockServiceDatabase"); }, "lock"_a, "Windows' UnlockServiceDatabase.\n\nOn POSIX: not supported (nothing to lock (no effect since Windows Vista either)).");
    m.def("QueryServiceLockStatus", [](nb::handle) { not_supported("QueryServiceLockStatus"); }, "hSCManager"_a, "Windows' QueryServiceLockStatus.\n\nOn POSIX: not supported (nothing to lock (no effect since Windows Vista either)).");
    m.def("SetServiceObjectSecurity", [](nb::handle, nb::handle, nb::handle) {
        not_supported("SetServiceObjectSecurity");
    }, "Handle"_a, "SecurityInformation"_a, "SecurityDescriptor"_a, "Windows' SetServiceObjectSecurity.\n\nOn POSIX: not supported (services belong to the session's user; there are no per-service ACLs).");
    m.def("QueryServiceObjectSecurity", [](nb::handle, nb::handle) { not_supported("QueryServiceObjectSecurity"); },
          "Handle"_a, "SecurityInformation"_a, "Windows' QueryServiceObjectSecurity.\n\nOn POSIX: not supported (services belong to the session's user; there are no per-service ACLs).");
    // Window stations and desktops: there are none.
    m.def("GetThreadDesktop", [](nb::handle) { not_supported("GetThreadDesktop"); }, "ThreadId"_a, "Windows' GetThreadDesktop.\n\nOn POSIX: not supported (there are no window stations or desktops).");
    m.def("EnumWindowStations", [] { not_supported("EnumWindowStations"); }, "Windows' EnumWindowStations.\n\nOn POSIX: not supported (there are no window stations or desktops).");
    m.def("GetUserObjectInformation", [](nb::handle, nb::handle) { not_supported("GetUserObjectInformation"); },
          "Handle"_a, "type"_a, "Windows' GetUserObjectInformation.\n\nOn POSIX: not supported (there are no window stations or desktops).");
    m.def("SetUserObjectInformation", [](nb::handle, nb::handle, nb::handle) {
        not_supported("SetUserObjectInformation");
    }, "Handle"_a, "info"_a, "type"_a, "Windows' SetUserObjectInformation.\n\nOn POSIX: not supported (there are no window stations or desktops).");
    m.def("OpenWindowStation", [](nb::handle, nb::handle, nb::handle) { not_supported("OpenWindowStation"); },
          "szWinSta"_a, "Inherit"_a, "DesiredAccess"_a, "Windows' OpenWindowStation.\n\nOn POSIX: not supported (there are no window stations or desktops).");
    m.def("OpenDesktop", [](nb::handle, nb::handle, nb::handle, nb::handle) { not_supported("OpenDesktop"); },
          "szDesktop"_a, "Flags"_a, "Inherit"_a, "DesiredAccess"_a, "Windows' OpenDesktop.\n\nOn POSIX: not supported (there are no window stations or desktops).");
    m.def("CreateDesktop", [](nb::handle, nb::handle, nb::handle, nb::handle) { not_supported("CreateDesktop"); },
          "Desktop"_a, "Flags"_a, "DesiredAccess"_a, "SecurityAttributes"_a.none(), "Windows' CreateDesktop.\n\nOn POSIX: not supported (there are no window stations or desktops).");
    m.def("OpenInputDesktop", [](nb::handle, nb::handle, nb::handle) { not_supported("OpenInputDesktop"); },
          "Flags"_a, "Inherit"_a, "DesiredAccess"_a, "Windows' OpenInputDesktop.\n\nOn POSIX: not supported (there are no window stations or desktops).");
    m.def("GetProcessWindowStation", [] { not_supported("GetProcessWindowStation"); }, "Windows' GetProcessWindowStation.\n\nOn POSIX: not supported (there are no window stations or desktops).");
    m.def("CreateWindowStation", [](nb::handle, nb::handle, nb::handle, nb::handle) {
        not_supported("CreateWindowStation");
    }, "WindowStation"_a, "Flags"_a, "DesiredAccess"_a, "SecurityAttributes"_a.none(), "Windows' CreateWindowStation.\n\nOn POSIX: not supported (there are no window stations or desktops).");

    // For win32serviceutil and servicemanager: a service's named values
    // (PythonClass, Parameters\<option>), kept with its configuration.
    m.def("_SetServiceValue", [](nb::handle service, const std::string& name, const std::string& value) {
        ScHandlePtr h = sc_handle(service, "RegSetValueEx");
        nb::gil_scoped_release release;
        svc::set_service_value(*h, name, value);
    });
    m.def("_GetServiceValue", [](nb::handle service, const std::string& name) {
        ScHandlePtr h = sc_handle(service, "RegQueryValueEx");
        nb::gil_scoped_release release;
        return svc::get_service_value(*h, name);
    });
    // The systemd backend (pywin32_posix.systemd_units): a service as a unit.
    m.def("_SystemdUnit", [](nb::handle service, bool user_manager, std::vector<std::string> environment) {
        ScHandlePtr h = sc_handle(service, "QueryServiceConfig");
        svc::ServiceConfig c;
        {
            nb::gil_scoped_release release;
            c = svc::query_service_config(*h);
        }
        svc::UnitOptions options;
        options.user_manager = user_manager;
        options.environment = std::move(environment);
        return svc::systemd_unit(c, options);
    });
    m.def("_SystemdUnitName", &svc::unit_name);
    m.def("_SystemdQuote", &svc::systemd_quote, "argument"_a, "exec_line"_a);
    m.def("_SetManagerProgram", &svc::set_manager_program);
    m.def("_ManagerPid", [] {
        nb::gil_scoped_release release;
        return svc::manager_pid();
    });
    m.def("_RunningManagerPid", &svc::running_manager_pid);
}

}  // namespace

W32_REGISTER_SUBMODULE("win32service", bind_win32service);

}  // namespace bindings
