// pywin32_posix._w32._paths: the drive table for the package's pure-Python
// modules that take paths (win32security, ...).
#include <nanobind/stl/string.h>

#include <string>

#include "modules.h"
#include "w32/paths/drive_table.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace bindings {

namespace {

void bind_paths(nb::module_ m) {
    m.def("to_posix", [](const std::string& path, const std::string& function) {
        return w32::paths::is_windows_path(path) ? w32::paths::to_posix(path, function.c_str()) : path;
    }, "path"_a, "function"_a, "The POSIX path a Windows or POSIX path names.");
}

}  // namespace

W32_REGISTER_SUBMODULE("_paths", bind_paths);

}  // namespace bindings
