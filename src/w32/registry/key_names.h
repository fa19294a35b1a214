// Key and value names: compared case-insensitively (Windows upper-cases
// with its Unicode table), stored with the case they were created with.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace w32::registry {

// The comparison form of a name: each code point upper-cased.
std::string fold_name(std::string_view name);

// Windows' limits, in UTF-16 units.
inline constexpr size_t kMaxKeyNameLength = 255;
inline constexpr size_t kMaxValueNameLength = 16383;

// Splits a subkey path at backslashes. A trailing backslash is ignored;
// an empty component ("a\\\\b") or a leading backslash is ERROR_BAD_PATHNAME
// for `function`, a component over 255 units ERROR_INVALID_PARAMETER.
std::vector<std::string> split_key_path(std::string_view path, const char* function);

}  // namespace w32::registry
