// One function per Python module; module.cpp calls each to fill its submodule.
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

}  // namespace bindings
