// win32security's native part: the package's one errno -> Win32 map
// (w32::win32_from_errno), for the file-security calls written in Python,
// which meet errno through os.stat/os.setxattr/os.chown.
#include "modules.h"
#include "w32/error/win32_error.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace bindings {

void bind_win32security(nb::module_ m) {
    m.def("win32_from_errno", [](int err) { return w32::win32_from_errno(err); }, "errno"_a,
          "The Windows error code the package gives an errno (the one map, in the C++ core).");
}

W32_REGISTER_SUBMODULE("win32security", bind_win32security);

}  // namespace bindings
