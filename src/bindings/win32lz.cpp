// win32lz: LZ32's file functions (src/w32/lz/lz_files.h). Handles are the
// ints LZ32 hands out; a failure is pywintypes.error(LZERROR_*, API name,
// text), the negative code as pywin32 raises it, not a Win32 error.
#include <nanobind/stl/string.h>

#include <cstdint>
#include <string>

#include "handle.h"
#include "modules.h"
#include "w32/lz/lz_files.h"
#include "w32/lz/lz_format.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace lz = w32::lz;

namespace bindings {

namespace {

int64_t checked(int64_t rc, const char* function) {
    if (rc >= 0) return rc;
    std::string_view text = lz::lz_error_message(int(rc));
    nb::object error = nb::module_::import_("pywin32_posix._errors").attr("error");
    nb::object args = nb::make_tuple(int(rc), function, nb::str(text.data(), text.size()));
    PyErr_SetObject(error.ptr(), args.ptr());
    throw nb::python_error();
}

int64_t lz_handle(const HandleArg& h) { return static_cast<int64_t>(h.value); }

nb::tuple open_file(const std::string& name, uint32_t action) {
    lz::OfStruct of;
    int64_t h;
    {
        nb::gil_scoped_release release;
        h = lz::open_file(name, action, of);
    }
    checked(h, "LZOpenFile");
    nb::tuple ofstruct = nb::make_tuple(of.fixed_disk, of.error_code, of.dos_date, of.dos_time, of.path_name);
    return nb::make_tuple(h, ofstruct);
}

std::string expanded_name(const std::string& source) {
    std::string out;
    int rc;
    {
        nb::gil_scoped_release release;
        rc = lz::expanded_name(source, out);
    }
    checked(rc, "GetExpandedName");
    return out;
}

}  // namespace

void bind_win32lz(nb::module_ m) {
    m.doc() = "A module encapsulating the Windows LZ compression routines.";
    m.def("OpenFile", &open_file, "fileName"_a, "action"_a,
          "Creates, opens, reopens, or deletes the specified file: (handle, (fFixedDisk, nErrCode, "
          "Reserved1, Reserved2, szPathName)). A compressed file opened for reading is an LZ handle.");
    m.def("Init",
          [](HandleArg h) {
              int64_t rc;
              {
                  nb::gil_scoped_release release;
                  rc = lz::init(lz_handle(h));
              }
              return checked(rc, "LZInit");
          },
          "handle"_a,
          "Allocates memory for the internal data structures required to decompress files, and then creates "
          "and initializes them.");
    m.def("Copy",
          [](HandleArg src, HandleArg dest) {
              int64_t rc;
              {
                  nb::gil_scoped_release release;
                  rc = lz::copy(lz_handle(src), lz_handle(dest));
              }
              return checked(rc, "LZCopy");
          },
          "hSrc"_a, "hDest"_a, "Copies a source file to a destination file, expanding it if it is compressed.");
    m.def("Close",
          [](HandleArg h) {
              nb::gil_scoped_release release;
              lz::close(lz_handle(h));
          },
          "handle"_a, "Closes a handle to an LZ file.");
    m.def("GetExpandedName", &expanded_name, "Source"_a, "Retrieves the original name of an expanded file.");
    m.def("CompressFile",
          [](const std::string& source, const std::string& dest) {
              nb::gil_scoped_release release;
              return lz::compress_file(source, dest);
          },
          "source"_a, "dest"_a,
          "Beyond pywin32: compresses `source` to `dest` as COMPRESS.EXE does (SZDD); returns the "
          "compressed size.");
}

W32_REGISTER_SUBMODULE("win32lz", bind_win32lz);

}  // namespace bindings
