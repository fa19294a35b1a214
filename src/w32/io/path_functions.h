// The win32file (and win32api) functions that take paths rather than
// handles: attributes, copy, move, delete, directories, links, searches,
// volumes. Paths go through the drive table (paths/drive_table.h); files
// deleted or moved respect the share modes of their open handles.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "w32/io/disk_file.h"

namespace w32::io {

inline constexpr uint32_t kInvalidFileAttributes = 0xFFFFFFFFu;
inline constexpr uint32_t kMovefileReplaceExisting = 0x1;
inline constexpr uint32_t kMovefileCopyAllowed = 0x2;
inline constexpr uint32_t kMovefileDelayUntilReboot = 0x4;
inline constexpr uint32_t kMovefileWriteThrough = 0x8;
inline constexpr uint32_t kMovefileCreateHardlink = 0x10;
inline constexpr uint32_t kMovefileFailIfNotTrackable = 0x20;
inline constexpr uint32_t kCopyFileFailIfExists = 0x1;
inline constexpr uint32_t kProgressContinue = 0;
inline constexpr uint32_t kProgressCancel = 1;
inline constexpr uint32_t kProgressStop = 2;
inline constexpr uint32_t kProgressQuiet = 3;
inline constexpr uint32_t kSymbolicLinkFlagDirectory = 0x1;

uint32_t get_file_attributes(std::string_view path);
FileInfo get_file_attributes_ex(std::string_view path);
void set_file_attributes(std::string_view path, uint32_t attributes);

void delete_file(std::string_view path);
void move_file(std::string_view from, std::string_view to, uint32_t flags, const char* function);
// progress(total, transferred) returns PROGRESS_*; nullptr for none.
using CopyProgress = std::function<uint32_t(uint64_t total, uint64_t transferred)>;
void copy_file(std::string_view from, std::string_view to, uint32_t flags, const CopyProgress& progress,
               const char* function);

void create_directory(std::string_view path, const char* function);
void remove_directory(std::string_view path);
void create_hard_link(std::string_view link, std::string_view existing);
void create_symbolic_link(std::string_view link, std::string_view target, uint32_t flags);

struct FindData {
    uint32_t attributes;
    uint64_t creation_time, access_time, write_time;
    uint64_t size;
    std::string name;
};
// FindFirstFile's matches of a pattern (wildcards * and ? in the last
// component, matched without regard to case as on Windows). An empty list
// when nothing matches; ERROR_PATH_NOT_FOUND when the directory is missing.
std::vector<FindData> find_files(std::string_view pattern);

struct DiskSpace {
    uint64_t free_to_caller, total, free;
    uint32_t sectors_per_cluster, bytes_per_sector;
    uint64_t free_clusters, total_clusters;
};
DiskSpace get_disk_free_space(std::string_view root);

struct VolumeInfo {
    std::string label;
    uint32_t serial;
    uint32_t max_component;
    uint32_t flags;
    std::string file_system;
};
VolumeInfo get_volume_information(std::string_view root);
uint32_t get_drive_type(std::string_view root);

std::string get_long_path_name(std::string_view path);

}  // namespace w32::io
