// win32file.FindFileNames (a file's hard links, w32/io/hard_links.h) and
// FindClose (win32file makes no FindFirstFile handles).
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <string>

#include "handle.h"
#include "modules.h"
#include "win32file_common.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/hard_links.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;

namespace bindings {

namespace {

void bind_win32file_find(nb::module_ m) {
    m.def("FindFileNames",
          [](const std::string& name, nb::handle /*transaction*/) {
              return nb_release_gil([&] { return wio::find_file_names(name); });
          },
          "FileName"_a, "Transaction"_a.none() = nb::none(),
          "FindFileNames(FileName, Transaction=None) -> list[str]: every name (hard link) of the file, "
          "relative to its volume with a leading separator, the given one first. On POSIX: the volume is "
          "the file system's mount point; the names are found by searching the given name's directory and "
          "then the file system (at most 200,000 directory entries, not into other mounts); when not all "
          "st_nlink names can be found that way (the bound, unreadable directories) it raises "
          "ERROR_NOT_SUPPORTED instead of a short list. Transaction is ignored.");
    m.def("FindClose",
          [](HandleArg h) {
              (void)h;
              w32::throw_win32(w32::err::kInvalidHandle, "FindClose");
          },
          "hFindFile"_a,
          "FindClose(hFindFile): closes a FindFirstFile search handle. win32file makes none (FindFilesW and "
          "FindFilesIterator hold their own), so any value is ERROR_INVALID_HANDLE, as Windows answers for "
          "a handle that is not a search handle; change notifications close with "
          "FindCloseChangeNotification.");
}

}  // namespace

W32_REGISTER_SUBMODULE("win32file", bind_win32file_find);

}  // namespace bindings
