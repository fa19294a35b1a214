#include "w32/io/file_handle_info.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/path_functions.h"
#include "w32/paths/drive_table.h"

namespace w32::io {

namespace {

// Where the descriptor's file is now (the kernel follows renames).
std::string current_path(DiskFile& file, const char* function) {
    std::string link = "/proc/self/fd/" + std::to_string(file.raw_fd());
    char target[PATH_MAX];
    ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
    if (n <= 0) throw_errno(errno, function);
    std::string out(target, static_cast<size_t>(n));
    // An unlinked file: the kernel appends " (deleted)".
    constexpr std::string_view kDeleted = " (deleted)";
    if (out.size() > kDeleted.size() && out.compare(out.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0)
        throw_win32(err::kFileNotFound, function);
    return out;
}

}  // namespace

std::string final_path_name(DiskFile& file, uint32_t flags) {
    const char* fn = "GetFinalPathNameByHandle";
    if (flags & ~(kVolumeNameGuid | kVolumeNameNt | kVolumeNameNone | kFileNameOpened))
        throw_win32(err::kInvalidParameter, fn);
    uint32_t volume = flags & (kVolumeNameGuid | kVolumeNameNt | kVolumeNameNone);
    if (volume == kVolumeNameGuid || volume == kVolumeNameNt) throw_win32(err::kNotSupported, fn);
    if (volume != kVolumeNameDos && volume != kVolumeNameNone) throw_win32(err::kInvalidParameter, fn);
    std::string windows = paths::to_windows(current_path(file, fn));  // "C:\dir\name"
    if (volume == kVolumeNameNone) return windows.substr(2);
    return "\\\\?\\" + windows;
}

Handle reopen_file(Handle original, uint32_t access, uint32_t share, uint32_t flags) {
    auto file = disk_file_of(original, "ReOpenFile");
    // /proc/self/fd/N opens the very file, whatever its name is now.
    std::string self = "/proc/self/fd/" + std::to_string(file->raw_fd());
    Handle h = create_file(self, access, share, kOpenExisting, flags | (file->directory() ? kFileFlagBackupSemantics : 0),
                           false);
    return h;
}

StandardInfo standard_info(DiskFile& file) {
    struct stat st;
    if (::fstat(file.raw_fd(), &st) != 0) throw_errno(errno, "GetFileInformationByHandleEx");
    StandardInfo i;
    i.allocation_size = static_cast<uint64_t>(st.st_blocks) * 512;
    i.end_of_file = S_ISDIR(st.st_mode) ? 0 : static_cast<uint64_t>(st.st_size);
    i.links = static_cast<uint32_t>(st.st_nlink);
    i.delete_pending = file.delete_pending();
    i.directory = S_ISDIR(st.st_mode);
    return i;
}

void set_basic_info(DiskFile& file, uint64_t creation, uint64_t access, uint64_t write, uint64_t /*change*/,
                    uint32_t attributes) {
    // Zero leaves a time as it is, as on Windows; the change time is the
    // kernel's to keep.
    file.set_times(creation ? &creation : nullptr, access ? &access : nullptr, write ? &write : nullptr);
    if (attributes) set_file_attributes(current_path(file, "SetFileInformationByHandle"), attributes);
}

void rename_open_file(DiskFile& file, std::string_view new_name, bool replace) {
    std::string from = current_path(file, "SetFileInformationByHandle");
    // The handle renaming its own file is no sharing conflict with itself:
    // Windows asks for DELETE access on it instead.
    if (!(file.access() & (kDeleteAccess | kGenericAll | kMaximumAllowed)))
        throw_win32(err::kAccessDenied, "SetFileInformationByHandle");
    std::string to = paths::to_posix(new_name, "SetFileInformationByHandle");
    int r = ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), replace ? 0 : RENAME_NOREPLACE);
    if (r != 0) {
        if (errno == EEXIST) throw_win32(err::kAlreadyExists, "SetFileInformationByHandle");
        throw_errno(errno, "SetFileInformationByHandle");
    }
}

void set_delete_disposition(DiskFile& file, bool remove) {
    if (!(file.access() & (kDeleteAccess | kGenericAll | kMaximumAllowed)))
        throw_win32(err::kAccessDenied, "SetFileInformationByHandle");
    file.set_delete_on_close(remove, current_path(file, "SetFileInformationByHandle"));
}

void set_allocation(DiskFile& file, uint64_t size) {
    if (!file.can_write()) throw_win32(err::kAccessDenied, "SetFileInformationByHandle");
    if (size > static_cast<uint64_t>(LLONG_MAX)) throw_win32(err::kInvalidParameter, "SetFileInformationByHandle");
    int r = ::fallocate(file.raw_fd(), FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(size));
    // Some file systems cannot reserve space: a hint, as Windows treats it.
    if (r != 0 && errno != EOPNOTSUPP && errno != ENOSYS) throw_errno(errno, "SetFileInformationByHandle");
}

void set_end_of_file_at(DiskFile& file, uint64_t size) {
    if (!file.can_write()) throw_win32(err::kAccessDenied, "SetFileInformationByHandle");
    if (size > static_cast<uint64_t>(LLONG_MAX)) throw_win32(err::kInvalidParameter, "SetFileInformationByHandle");
    if (::ftruncate(file.raw_fd(), static_cast<off_t>(size)) != 0) throw_errno(errno, "SetFileInformationByHandle");
}

uint64_t compressed_file_size(std::string_view path) {
    std::string p = paths::to_posix(path, "GetCompressedFileSize");
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) {
        if (errno == ENOENT && ::access(p.substr(0, p.find_last_of('/')).c_str(), F_OK) != 0 &&
            p.find('/') != std::string::npos)
            throw_win32(err::kPathNotFound, "GetCompressedFileSize");
        throw_errno(errno, "GetCompressedFileSize");
    }
    return static_cast<uint64_t>(st.st_blocks) * 512;
}

void replace_file(std::string_view replaced_w, std::string_view replacement_w, const std::optional<std::string>& backup_w) {
    const char* fn = "ReplaceFile";
    std::string replaced = paths::to_posix(replaced_w, fn), replacement = paths::to_posix(replacement_w, fn);
    struct stat old_st, new_st;
    if (::stat(replaced.c_str(), &old_st) != 0) throw_errno(errno, fn);
    if (::stat(replacement.c_str(), &new_st) != 0) throw_errno(errno, fn);
    // The replacement takes the replaced file's permissions, as it takes its ACLs on Windows.
    ::chmod(replacement.c_str(), old_st.st_mode & 07777);
    if (backup_w) {
        std::string backup = paths::to_posix(*backup_w, fn);
        if (::rename(replaced.c_str(), backup.c_str()) != 0) throw_win32(err::kUnableToRemoveReplaced, fn);
        if (::rename(replacement.c_str(), replaced.c_str()) != 0) throw_win32(err::kUnableToMoveReplacement2, fn);
        return;
    }
    if (::rename(replacement.c_str(), replaced.c_str()) != 0) throw_win32(err::kUnableToMoveReplacement, fn);
}

}  // namespace w32::io
