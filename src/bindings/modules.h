// How binding files reach their submodule of pywin32_posix._w32.
//
// The founding modules are called in order by module.cpp (pywintypes first:
// the others use its types). Every later binding file registers itself with
// W32_REGISTER_SUBMODULE at static-initialisation time, so that adding a
// pywin32 module touches no shared file.
#pragma once

#include <nanobind/nanobind.h>

namespace bindings {

void bind_pywintypes(nanobind::module_ m);
void bind_win32api(nanobind::module_ m);
void bind_win32event(nanobind::module_ m);
void bind_win32evtlog(nanobind::module_ m);
void bind_win32file(nanobind::module_ m);
void bind_win32pipe(nanobind::module_ m);
void bind_diagnostics(nanobind::module_ m);
void bind_message_functions(nanobind::module_ win32api, nanobind::module_ win32gui,
                            nanobind::module_ win32event);
void bind_process_functions(nanobind::module_ win32api);

using SubmoduleBinder = void (*)(nanobind::module_ submodule);

// Adds `bind` to the binders of submodule `name` (several files may fill one
// submodule; they must not define the same attribute).
struct SubmoduleRegistration {
    SubmoduleRegistration(const char* name, SubmoduleBinder bind);
};

// Runs every registered binder, in the order of their submodule names.
void bind_registered_submodules(nanobind::module_ parent);

}  // namespace bindings

#define W32_REGISTER_SUBMODULE_CAT2(a, b) a##b
#define W32_REGISTER_SUBMODULE_CAT(a, b) W32_REGISTER_SUBMODULE_CAT2(a, b)
// At namespace scope in a binding file: W32_REGISTER_SUBMODULE("win32pdh", bind_win32pdh);
#define W32_REGISTER_SUBMODULE(name, bind)                                              \
    static const ::bindings::SubmoduleRegistration W32_REGISTER_SUBMODULE_CAT(          \
        w32_submodule_registration_, __LINE__)(name, bind)
