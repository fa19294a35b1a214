// Reading a pywintypes.SECURITY_ATTRIBUTES argument.
#pragma once

#include <nanobind/nanobind.h>

namespace bindings {

// None -> not inheritable; otherwise its bInheritHandle. Anything without
// that attribute is a TypeError, as in pywin32.
bool inherit_from_security_attributes(nanobind::handle sa);

}  // namespace bindings
