// win32api's file functions: the same core as win32file's path functions
// (w32/io/path_functions, paths/drive_table), under win32api's names and
// argument conventions.
#include <nanobind/stl/string.h>

#include <string>

#include "dword_args.h"
#include "modules.h"
#include "win32file_common.h"
#include "win32file_paths.h"
#include "w32/io/path_functions.h"
#include "w32/paths/drive_table.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;

namespace bindings {

namespace {

std::string root_or_current(nb::handle root) { return root.is_none() ? std::string() : nb::cast<std::string>(root); }

// GetLogicalDriveStrings: "C:\\\0Z:\\\0", NUL-separated and NUL-ended.
std::string logical_drive_strings() {
    std::string out;
    uint32_t mask = w32::paths::logical_drives();
    for (int i = 0; i < 26; ++i) {
        if (!(mask & (1u << i))) continue;
        out += static_cast<char>('A' + i);
        out += ":\\";
        out += '\0';
    }
    return out;
}

void bind_win32api_files(nb::module_ m) {
    m.def("CopyFile", [](const std::string& a, const std::string& b, int fail) { copy_file(a, b, fail != 0); },
          "src"_a, "dest"_a, "bFailOnExist"_a = 0, "Copies a file (ERROR_FILE_EXISTS with bFailOnExist).");
    m.def("DeleteFile", [](const std::string& p) { wio::delete_file(p); }, "fileName"_a,
          "Deletes a file (ERROR_SHARING_VIOLATION while a handle denies delete).");
    m.def("MoveFile", [](const std::string& a, const std::string& b) { wio::move_file(a, b, 0, "MoveFile"); },
          "srcName"_a, "destName"_a, "Renames a file or directory.");
    m.def("MoveFileEx",
          [](const std::string& a, const std::string& b, long long fl) {
              wio::move_file(a, b, dword_arg(fl, "flag"), "MoveFileEx");
          },
          "srcName"_a, "destName"_a, "flag"_a,
          "MOVEFILE_REPLACE_EXISTING, COPY_ALLOWED, WRITE_THROUGH; DELAY_UNTIL_REBOOT: ERROR_NOT_SUPPORTED.");
    m.def("GetFileAttributes", [](const std::string& p) { return wio::get_file_attributes(p); }, "pathName"_a,
          "The FILE_ATTRIBUTE_* bits of a file or directory.");
    m.def("SetFileAttributes",
          [](const std::string& p, long long a) { wio::set_file_attributes(p, dword_arg(a, "attrs")); },
          "pathName"_a, "attrs"_a, "Sets READONLY (the write bits) and the stored attributes.");
    m.def("FindFiles", &find_files, "fileSpec"_a, "WIN32_FIND_DATA tuples for a pattern ([] when none match).");
    m.def("GetDiskFreeSpace", [](nb::handle root) { return disk_free_space(root_or_current(root)); },
          "rootPath"_a.none() = nb::none(), "(sectors per cluster, bytes per sector, free clusters, clusters).");
    m.def("GetDiskFreeSpaceEx", [](nb::handle root) { return disk_free_space_ex(root_or_current(root)); },
          "rootPath"_a.none() = nb::none(), "(bytes free to the caller, total bytes, free bytes).");
    m.def("GetVolumeInformation", &volume_information, "path"_a,
          "(label, serial, max component length, flags, file system name).");
    m.def("GetLogicalDrives", [] { return w32::paths::logical_drives(); }, "A bit per drive of the drive table.");
    m.def("GetLogicalDriveStrings", &logical_drive_strings, "The drive roots, NUL-separated.");
    m.def("GetFullPathName", [](const std::string& p) { return w32::paths::full_path_name(p); }, "fileName"_a,
          "An absolute path, Windows-spelt for a Windows path.");
    m.def("GetLongPathName", [](const std::string& p) { return wio::get_long_path_name(p); }, "fileName"_a,
          "The path itself (there are no short names).");
    m.def("GetLongPathNameW", [](const std::string& p) { return wio::get_long_path_name(p); }, "fileName"_a,
          "As GetLongPathName.");
    m.def("GetShortPathName", [](const std::string& p) { return wio::get_long_path_name(p); }, "path"_a,
          "The path itself (there are no 8.3 names).");
    bind_change_notifications(m);
}

}  // namespace

W32_REGISTER_SUBMODULE("win32api", bind_win32api_files);

}  // namespace bindings
