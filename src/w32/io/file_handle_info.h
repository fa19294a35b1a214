// What a file handle can say about itself and change through itself:
// GetFinalPathNameByHandle, ReOpenFile, GetFileInformationByHandleEx and
// SetFileInformationByHandle's classes with a POSIX meaning.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "w32/io/disk_file.h"

namespace w32::io {

// GetFinalPathNameByHandle's flags.
inline constexpr uint32_t kVolumeNameDos = 0x0;
inline constexpr uint32_t kVolumeNameGuid = 0x1;
inline constexpr uint32_t kVolumeNameNt = 0x2;
inline constexpr uint32_t kVolumeNameNone = 0x4;
inline constexpr uint32_t kFileNameOpened = 0x8;

// FILE_INFO_BY_HANDLE_CLASS values used here.
inline constexpr uint32_t kFileBasicInfo = 0;
inline constexpr uint32_t kFileStandardInfo = 1;
inline constexpr uint32_t kFileNameInfo = 2;
inline constexpr uint32_t kFileRenameInfo = 3;
inline constexpr uint32_t kFileDispositionInfo = 4;
inline constexpr uint32_t kFileAllocationInfo = 5;
inline constexpr uint32_t kFileEndOfFileInfo = 6;
inline constexpr uint32_t kFileAttributeTagInfo = 9;

// Where the open file is now (renames followed), as "\\?\C:\dir\name" for
// VOLUME_NAME_DOS or "\dir\name" for VOLUME_NAME_NONE. GUID and NT volume
// names have no POSIX meaning: ERROR_NOT_SUPPORTED.
std::string final_path_name(DiskFile& file, uint32_t flags);

// ReOpenFile: the same file (not the same name) with other access, sharing
// and flags; share modes are checked as for CreateFile.
Handle reopen_file(Handle original, uint32_t access, uint32_t share, uint32_t flags);

struct StandardInfo {
    uint64_t allocation_size;
    uint64_t end_of_file;
    uint32_t links;
    bool delete_pending;
    bool directory;
};
StandardInfo standard_info(DiskFile& file);

// FileBasicInfo: times (FILETIME, 0 = leave) and attributes (0 = leave).
void set_basic_info(DiskFile& file, uint64_t creation, uint64_t access, uint64_t write, uint64_t change,
                    uint32_t attributes);
// FileRenameInfo: renames the open file (its current name) to `new_name`.
void rename_open_file(DiskFile& file, std::string_view new_name, bool replace);
// FileDispositionInfo: delete when the last handle closes (or not).
void set_delete_disposition(DiskFile& file, bool remove);
// FileAllocationInfo: reserve space (fallocate, keeping the size).
void set_allocation(DiskFile& file, uint64_t size);
// FileEndOfFileInfo: set the size.
void set_end_of_file_at(DiskFile& file, uint64_t size);

// GetCompressedFileSize: the bytes the file takes on disk.
uint64_t compressed_file_size(std::string_view path);

// ReplaceFile: `replacement` takes `replaced`'s name; with a backup name,
// the old file is kept under it. ERROR_FILE_NOT_FOUND / ERROR_UNABLE_TO_*.
void replace_file(std::string_view replaced, std::string_view replacement, const std::optional<std::string>& backup);

}  // namespace w32::io
