// The extension pywin32_posix._w32: one submodule per pywin32 module. The
// public modules (python/win32/*.py) re-export these.
#include <algorithm>
#include <string_view>
#include <vector>

#include "errors.h"
#include "modules.h"
#include "w32/error/win32_error.h"
#include "w32/io/os_handles.h"
#include "w32/process/process_object.h"
#include "w32/sync/sync_objects.h"

namespace nb = nanobind;

NB_MODULE(_w32, m) {
    w32::sync::install_handle_resolvers();
    try {
        // A child of CreateProcess with bInheritHandles finds its handles.
        w32::sync::claim_inherited_handles();
        w32::io::claim_inherited_descriptors();
    } catch (const w32::Win32Error&) {
        // Without the arena, the handles are not there: their values then
        // give ERROR_INVALID_HANDLE, which is what the child would see.
    }
    w32::process::install_pseudo_handles();
    bindings::register_error_translation(m);
    bindings::bind_pywintypes(m.def_submodule("pywintypes"));
    nb::module_ win32api = m.def_submodule("win32api");
    nb::module_ win32event = m.def_submodule("win32event");
    bindings::bind_win32api(win32api);
    bindings::bind_win32event(win32event);
    bindings::bind_message_functions(win32api, m.def_submodule("win32gui"), win32event);
    bindings::bind_process_functions(win32api);
    bindings::bind_win32evtlog(m.def_submodule("win32evtlog"));
    bindings::bind_win32file(m.def_submodule("win32file"));
    bindings::bind_win32pipe(m.def_submodule("win32pipe"));
    bindings::bind_diagnostics(m.def_submodule("_diagnostics"));
    bindings::bind_registered_submodules(m);
}

namespace bindings {
namespace {

struct Registered {
    const char* name;
    SubmoduleBinder bind;
};

// A function-local static: registrations run during other files' static
// initialisation, whose order against this file's is unspecified.
std::vector<Registered>& registrations() {
    static std::vector<Registered> all;
    return all;
}

}  // namespace

SubmoduleRegistration::SubmoduleRegistration(const char* name, SubmoduleBinder bind) {
    registrations().push_back({name, bind});
}

void bind_registered_submodules(nb::module_ parent) {
    std::vector<Registered> all = registrations();
    std::stable_sort(all.begin(), all.end(), [](const Registered& a, const Registered& b) {
        return std::string_view(a.name) < std::string_view(b.name);
    });
    for (const Registered& r : all) {
        nb::module_ sub = nb::hasattr(parent, r.name) ? nb::borrow<nb::module_>(parent.attr(r.name))
                                                       : parent.def_submodule(r.name);
        r.bind(sub);
    }
}

}  // namespace bindings
