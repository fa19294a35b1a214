#include "security_args.h"

namespace nb = nanobind;

namespace bindings {

bool inherit_from_security_attributes(nb::handle sa) {
    if (sa.is_none()) return false;
    if (!nb::hasattr(sa, "bInheritHandle"))
        throw nb::type_error("Expected a SECURITY_ATTRIBUTES object or None");
    // pywintypes keeps bInheritHandle as an int: nb::cast<bool> refuses ints.
    int truth = PyObject_IsTrue(sa.attr("bInheritHandle").ptr());
    if (truth < 0) throw nb::python_error();
    return truth != 0;
}

}  // namespace bindings
