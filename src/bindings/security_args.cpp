#include "security_args.h"

namespace nb = nanobind;

namespace bindings {

bool inherit_from_security_attributes(nb::handle sa) {
    if (sa.is_none()) return false;
    if (!nb::hasattr(sa, "bInheritHandle"))
        throw nb::type_error("Expected a SECURITY_ATTRIBUTES object or None");
    return nb::cast<bool>(sa.attr("bInheritHandle"));
}

}  // namespace bindings
