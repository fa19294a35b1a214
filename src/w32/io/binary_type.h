// GetBinaryType: what kind of Windows executable a file is, from its
// headers (MZ, then PE and its machine). Anything else, ELF included, is
// not a Windows executable: ERROR_BAD_EXE_FORMAT, as Windows says.
#pragma once

#include <cstdint>
#include <string_view>

namespace w32::io {

inline constexpr uint32_t kScs32BitBinary = 0;
inline constexpr uint32_t kScsDosBinary = 1;
inline constexpr uint32_t kScsWowBinary = 2;
inline constexpr uint32_t kScs64BitBinary = 6;

uint32_t get_binary_type(std::string_view path);

}  // namespace w32::io
