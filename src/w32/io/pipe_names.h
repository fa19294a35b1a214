// Where a named pipe lives on disk. `\\.\pipe\NAME` names (case-insensitive,
// as on Windows) map to a directory under the session's runtime dir:
// runtime_dir/pipes/<128-bit hash of the folded name>. The name never
// becomes a path, so "..", "/" or a very long name cannot escape or
// overflow; the hash keeps socket paths far below AF_UNIX's 108 bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace w32::io {

// NAME out of `\\.\pipe\NAME` (either slash, any case of "pipe"), or
// nullopt when the path is not a local pipe path.
std::optional<std::string_view> pipe_name_of(std::string_view path);

// The private directory (0700) that holds all pipe directories; created on demand.
std::string pipes_root();

// The directory of the pipe called `path` (a full `\\.\pipe\NAME`).
// ERROR_INVALID_NAME for anything else, an empty NAME or a NUL in it.
std::string pipe_directory(std::string_view path, const char* function);

}  // namespace w32::io
