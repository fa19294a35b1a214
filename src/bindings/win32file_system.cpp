// win32file's functions about what Windows' file systems have beyond
// POSIX's: executable types (GetBinaryType reads PE headers), alternate
// streams (a POSIX file has just its data stream), encryption and System
// File Protection (none here: answered as Windows answers for a file system
// without them), and those with no POSIX meaning at all, which raise
// ERROR_NOT_SUPPORTED (see docs/win32file.md).
#include <nanobind/stl/string.h>

#include <sys/stat.h>

#include <cerrno>
#include <string>

#include "modules.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/binary_type.h"
#include "w32/paths/drive_table.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;

namespace bindings {

namespace {

constexpr uint32_t kFileSystemNotSupport = 6;  // FileEncryptionStatus

struct stat stat_path(const std::string& name, const char* function) {
    std::string p = w32::paths::to_posix(name, function);
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) w32::throw_errno(errno, function);
    return st;
}

[[noreturn]] void not_supported(const char* function) { w32::throw_win32(w32::err::kNotSupported, function); }

void bind_win32file_system(nb::module_ m) {
    m.def("GetBinaryType", [](const std::string& name) { return wio::get_binary_type(name); }, "appName"_a,
          "SCS_32BIT_BINARY / SCS_64BIT_BINARY / SCS_DOS_BINARY / SCS_WOW_BINARY from a PE/MZ file's "
          "headers; ERROR_BAD_EXE_FORMAT for anything else (ELF too).");
    m.def("FindStreams",
          [](const std::string& name, nb::handle) {
              struct stat st = stat_path(name, "FindStreams");
              nb::list out;
              // Only files have the unnamed data stream; there are no others on POSIX.
              if (!S_ISDIR(st.st_mode)) out.append(nb::make_tuple(static_cast<uint64_t>(st.st_size), "::$DATA"));
              return out;
          },
          "FileName"_a, "Transaction"_a.none() = nb::none(),
          "[(size, '::$DATA')]: a POSIX file has only its data stream (a directory none).");
    m.def("FileEncryptionStatus",
          [](const std::string& name) {
              stat_path(name, "FileEncryptionStatus");
              return kFileSystemNotSupport;
          },
          "FileName"_a, "FILE_SYSTEM_NOT_SUPPORT: no file system here has EFS.");
    m.def("SfcIsFileProtected", [](nb::handle, const std::string&) { return 0; }, "RpcHandle"_a.none(),
          "ProtFileName"_a, "False: there is no System File Protection.");
    m.def("SfcGetNextProtectedFile", [](nb::handle) { return nb::list(); }, "RpcHandle"_a.none() = nb::none(),
          "[]: no file is protected.");
    // No POSIX meaning.
    m.def("DeviceIoControl", [](nb::args, nb::kwargs) { not_supported("DeviceIoControl"); },
          "Sends a control code to a device driver. Raises ERROR_NOT_SUPPORTED whatever the arguments.\n\n"
          "On POSIX: not supported (Windows' device control codes have no POSIX meaning).");
    m.def("SetVolumeLabel", [](nb::args) { not_supported("SetVolumeLabel"); },
          "Sets a volume's label. Raises ERROR_NOT_SUPPORTED whatever the arguments.\n\n"
          "On POSIX: not supported (labels belong to each file system's own tools).");
    m.def("SetFileShortName", [](nb::args) { not_supported("SetFileShortName"); },
          "Sets a file's 8.3 short name. Raises ERROR_NOT_SUPPORTED whatever the arguments.\n\n"
          "On POSIX: not supported (there are no 8.3 names).");
    m.def("OpenFileById", [](nb::args, nb::kwargs) { not_supported("OpenFileById"); },
          "Opens a file by its NTFS file id. Raises ERROR_NOT_SUPPORTED whatever the arguments.\n\n"
          "On POSIX: not supported (files cannot be opened by inode number).");
    m.def("Wow64DisableWow64FsRedirection", [] { not_supported("Wow64DisableWow64FsRedirection"); },
          "Turns off WOW64's file system redirection. Raises ERROR_NOT_SUPPORTED.\n\n"
          "On POSIX: not supported (there is no WOW64 redirection).");
    m.def("Wow64RevertWow64FsRedirection", [](nb::handle) { not_supported("Wow64RevertWow64FsRedirection"); },
          "OldValue"_a,
          "Restores WOW64's file system redirection. Raises ERROR_NOT_SUPPORTED whatever the argument.\n\n"
          "On POSIX: not supported (there is no WOW64 redirection).");
    for (const char* name : {"SetVolumeMountPoint", "DeleteVolumeMountPoint", "GetVolumeNameForVolumeMountPoint",
                             "GetVolumePathNamesForVolumeName"}) {
        m.def(name, [name](nb::args, nb::kwargs) { not_supported(name); }, "Volume GUID names and mount points. Raises ERROR_NOT_SUPPORTED whatever the arguments.\n\n"
              "On POSIX: not supported (volumes have no GUID names; mounting is the system's).");
    }
    for (const char* name : {"EncryptFile", "DecryptFile", "EncryptionDisable", "QueryUsersOnEncryptedFile",
                             "QueryRecoveryAgentsOnEncryptedFile", "RemoveUsersFromEncryptedFile",
                             "AddUsersToEncryptedFile", "DuplicateEncryptionInfoFile", "OpenEncryptedFileRaw",
                             "ReadEncryptedFileRaw", "WriteEncryptedFileRaw", "CloseEncryptedFileRaw"}) {
        m.def(name, [name](nb::args, nb::kwargs) { not_supported(name); }, "EFS file encryption. Raises ERROR_NOT_SUPPORTED whatever the arguments.\n\n"
              "On POSIX: not supported (no file system here has EFS).");
    }
}

}  // namespace

W32_REGISTER_SUBMODULE("win32file", bind_win32file_system);

}  // namespace bindings
