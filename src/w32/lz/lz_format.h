// The headers of files compressed by Microsoft's COMPRESS.EXE: SZDD (what
// LZExpand reads on Windows) and KWAJ (the later COMPRESS's format).
//
// SZDD: "SZDD" 88 F0 27 33, the mode ('A'), the character the compressed
// name lost (0 when unknown), the expanded length (32-bit LE), then LZSS.
// KWAJ: "KWAJ" 88 F0 27 D1, method, offset of the data and flags (16-bit
// LE each), then the optional fields the flags announce: the expanded
// length, an unknown word, extra bytes, the original name and extension,
// a text; the data starts at the stored offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace w32::lz {

// LZExpand's error codes (lzexpand.h), as LZ32's functions return them.
inline constexpr int kErrorBadInHandle = -1;
inline constexpr int kErrorBadOutHandle = -2;
inline constexpr int kErrorRead = -3;
inline constexpr int kErrorWrite = -4;
inline constexpr int kErrorGlobalAlloc = -5;
inline constexpr int kErrorGlobalLock = -6;
inline constexpr int kErrorBadValue = -7;
inline constexpr int kErrorUnknownAlg = -8;

// The text pywin32 puts in pywintypes.error for an LZERROR_* code.
std::string_view lz_error_message(int code) noexcept;

enum class Format { Plain, Szdd, Kwaj };

// KWAJ's methods; SZDD is always LZSS.
enum class Method : uint16_t { Stored = 0, Xor = 1, Lzss = 2, Lzh = 3, MsZip = 4 };

inline constexpr size_t kSzddHeaderSize = 14;
inline constexpr size_t kKwajFixedSize = 14;
// Every header ends within the first 64 KiB (KWAJ's data offset is 16 bits).
inline constexpr size_t kMaxHeaderSize = 65536;

struct Header {
    Format format = Format::Plain;
    Method method = Method::Lzss;
    uint8_t missing_char = 0;            // SZDD
    std::optional<uint64_t> length;      // expanded length, when stored
    size_t data_offset = 0;
    std::string original_name;           // KWAJ: name, and ".ext" when stored
};

// Reads a header from the start of a file (`head` holds its first bytes, as
// many as kMaxHeaderSize or the whole file). Returns 1 for a compressed
// file, 0 for a plain one (no magic, or a file too short to hold a header,
// as LZ32 treats them), kErrorUnknownAlg for a mode or method we cannot
// expand, kErrorRead for a KWAJ header cut short.
int parse_header(std::span<const uint8_t> head, Header& out);

// SZDD: the header and the LZSS stream of `data` (under 4 GiB: the header
// holds the length in 32 bits).
inline constexpr uint64_t kMaxSzddLength = 0xFFFFFFFFu;
std::vector<uint8_t> compress_szdd(std::span<const uint8_t> data, uint8_t missing_char);

// GetExpandedName's answer for `name` (kept in the caller's spelling:
// directory, slashes): the lost last character restored for SZDD, the
// stored name for KWAJ, `name` itself for a plain file.
std::string expanded_name(std::string_view name, const Header& header);
// COMPRESS.EXE's name for a compressed copy: the extension's last
// character replaced by '_' ("a.txt" -> "a.tx_", "a.c" -> "a.c_",
// "a" -> "a._"). LZOpenFile tries it when the name itself is missing.
std::string compressed_name(std::string_view name);
// The character compressed_name() drops (0 when it drops none).
uint8_t dropped_char(std::string_view name);

}  // namespace w32::lz
