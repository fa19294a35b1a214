// The one place where core errors become Python exceptions.
#pragma once

#include <nanobind/nanobind.h>

namespace bindings {

// Installs the translator for w32::Win32Error -> pywintypes.error.
void register_error_translation(nanobind::module_& m);

}  // namespace bindings
