// FindFileNames: the names a file has on its file system (its hard links).
// POSIX keeps no list of them: the directory holding the given name is
// searched first, then the file system from its mount point down (without
// crossing into other mounts), until all st_nlink names are found. The
// search reads at most kHardLinkSearchBound directory entries; a file whose
// names it cannot all find (the bound, unreadable directories, names only
// reachable through another mount) gets ERROR_NOT_SUPPORTED rather than a
// list that would be silently short.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace w32::io {

inline constexpr size_t kHardLinkSearchBound = 200000;

// Names relative to the file system's mount point, each with a leading
// separator, as Windows gives them relative to the volume ("\dir\file";
// backslashes when `path` is spelt the Windows way). The given name first.
std::vector<std::string> find_file_names(std::string_view path);

}  // namespace w32::io
