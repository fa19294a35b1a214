// Windows paths on a POSIX file system. A per-user drive table (a directory
// of symlinks named "c:", "z:", ... under the session's state directory, as
// Wine's dosdevices) gives each drive letter its POSIX root: Z: is /, C: is
// a private directory of this user's session. Users may add letters (d: ->
// /mnt/data) with ln -s. POSIX paths pass through unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace w32::paths {

// Letter ('a'..'z', lower case) -> POSIX root, for translation without the
// session (tests) or with it (session_drives()).
class DriveTable {
public:
    virtual ~DriveTable() = default;
    virtual std::optional<std::string> root(char letter) const = 0;
};

// The session's table: $state/dosdevices, made on first use with c: and z:.
const DriveTable& session_drives();
std::string drive_table_dir();
// GetLogicalDrives: bit 0 = A:, ... for each letter the table has.
uint32_t logical_drives();

// True for the shapes only Windows paths take: a drive letter ("C:..."),
// "\\?\", "\\.\", UNC, or any backslash.
bool is_windows_path(std::string_view path) noexcept;

// Windows' device names: NUL is /dev/null, CON/CONIN$/CONOUT$ the
// controlling terminal, COM1-9 /dev/ttyS0-8, LPT1-9 /dev/lp0-8, PRN and AUX
// LPT1 and COM1. Recognised as a whole path ("NUL", "nul:"), after \\.\,
// or as the last component of a Windows path; nullopt otherwise.
std::optional<std::string> device_path(std::string_view path);

// The POSIX path a path names. Windows forms: "C:\a\b", "C:/a", "C:" and
// "C:rel" (relative to the drive's root), "\\?\C:\a", "\\?\UNC\host\C$\a",
// "\\localhost\C$\a", "\a" (root of the current drive: Z:, i.e. /), "a\b".
// Backslashes are separators; "." and ".." are resolved lexically within a
// drive (a drive's ".." stops at its root, as Windows stops at C:\).
// Errors: ERROR_PATH_NOT_FOUND for "" or an unknown drive, ERROR_BAD_NETPATH
// for a UNC path to another host, ERROR_INVALID_NAME for <>"|?* or a
// control character in a Windows path.
std::string to_posix(std::string_view path, const DriveTable& drives, const char* function);
std::string to_posix(std::string_view path, const char* function);

// The Windows spelling of an absolute POSIX path: the drive with the longest
// matching root ("/home/u/x" -> "Z:\home\u\x").
std::string to_windows(std::string_view posix_absolute, const DriveTable& drives);
std::string to_windows(std::string_view posix_absolute);

// GetFullPathName: an absolute path in the caller's spelling (Windows form
// for a Windows path, POSIX otherwise), "." and ".." resolved lexically.
std::string full_path_name(std::string_view path);

// DefineDosDevice on the drive table: `name` is a drive ("D:"); the target
// a directory (either spelling). remove: DDD_REMOVE_DEFINITION. Other device
// names have no POSIX meaning: ERROR_NOT_SUPPORTED. The table is the user's
// (Windows' is per logon session).
void define_drive(std::string_view name, std::string_view target, bool remove);
// QueryDosDevice: the drive's POSIX root; ERROR_FILE_NOT_FOUND for a drive
// that is not in the table.
std::string query_drive(std::string_view name);

// GetVolumePathName: the mount point holding `path`, spelt as the caller
// spelt it, with a trailing separator ("C:\" for a path under C: on the
// same file system as C:'s root).
std::string volume_path_name(std::string_view path);

}  // namespace w32::paths
