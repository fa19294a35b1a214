// The native half of pywintypes; python/win32/lib/pywintypes.py adds the
// pure-Python types (Time, IID, SID, ACL, security descriptors).
#include "handle.h"
#include "modules.h"
#include "overlapped.h"

namespace nb = nanobind;

namespace bindings {

void bind_pywintypes(nb::module_ m) {
    bind_handle_type(m);
    bind_overlapped_type(m);
}

}  // namespace bindings
