// The extension pywin32_posix._w32: one submodule per pywin32 module. The
// public modules (python/win32/*.py) re-export these.
#include "errors.h"
#include "modules.h"

namespace nb = nanobind;

NB_MODULE(_w32, m) {
    bindings::register_error_translation(m);
    bindings::bind_pywintypes(m.def_submodule("pywintypes"));
    bindings::bind_win32api(m.def_submodule("win32api"));
    bindings::bind_win32event(m.def_submodule("win32event"));
    bindings::bind_diagnostics(m.def_submodule("_diagnostics"));
}
