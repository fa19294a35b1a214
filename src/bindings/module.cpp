// The extension pywin32_posix._w32: one submodule per pywin32 module. The
// public modules (python/win32/*.py) re-export these.
#include "errors.h"
#include "modules.h"
#include "w32/process/process_object.h"
#include "w32/sync/sync_objects.h"

namespace nb = nanobind;

NB_MODULE(_w32, m) {
    w32::sync::install_handle_resolvers();
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
}
