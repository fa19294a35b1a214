// Registry values as Windows stores them: a type and the raw bytes
// (strings in UTF-16LE with their terminating NULs). Keeping the bytes lets
// every reader (win32api, a future winreg, the service manager) apply
// Windows' conversions in one place: here.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace w32::registry {

// winnt.h value types.
inline constexpr uint32_t kRegNone = 0;
inline constexpr uint32_t kRegSz = 1;
inline constexpr uint32_t kRegExpandSz = 2;
inline constexpr uint32_t kRegBinary = 3;
inline constexpr uint32_t kRegDword = 4;
inline constexpr uint32_t kRegDwordBigEndian = 5;
inline constexpr uint32_t kRegLink = 6;
inline constexpr uint32_t kRegMultiSz = 7;
inline constexpr uint32_t kRegResourceList = 8;
inline constexpr uint32_t kRegFullResourceDescriptor = 9;
inline constexpr uint32_t kRegResourceRequirementsList = 10;
inline constexpr uint32_t kRegQword = 11;

struct RegValue {
    uint32_t type = kRegNone;
    std::vector<uint8_t> data;
};

// UTF-8 <-> UTF-16LE bytes. Invalid UTF-8 is ERROR_NO_UNICODE_TRANSLATION;
// unpaired surrogates in UTF-16 decode as U+FFFD (Windows keeps any units).
std::vector<uint8_t> utf16_from_utf8(std::string_view text, const char* function);
std::string utf8_from_utf16(std::span<const uint8_t> bytes);
void append_utf8(std::string& out, uint32_t code_point);
// Number of UTF-16 code units of a UTF-8 string (Windows' name lengths).
size_t utf16_length(std::string_view utf8) noexcept;

// Encoders: the bytes RegSetValueEx stores for each kind of value.
std::vector<uint8_t> encode_string(std::string_view text, const char* function);  // + NUL
std::vector<uint8_t> encode_multi_string(std::span<const std::string> items, const char* function);
std::vector<uint8_t> encode_dword(uint32_t v, bool big_endian = false);
std::vector<uint8_t> encode_qword(uint64_t v);

// Decoders as Windows' readers apply them: a string stops at its first NUL
// (or at the end when unterminated); a multi-string ends at the empty item;
// a short DWORD/QWORD is zero-padded.
std::string decode_string(std::span<const uint8_t> data);
std::vector<std::string> decode_multi_string(std::span<const uint8_t> data);
uint32_t decode_dword(std::span<const uint8_t> data, bool big_endian = false);
uint64_t decode_qword(std::span<const uint8_t> data);

// ExpandEnvironmentStrings: %NAME% replaced by the variable's value; unknown
// names (kept with their %s) and a lone % stay as written. `lookup` returns nullopt when unset.
template <class Lookup>
std::string expand_environment_strings(std::string_view text, Lookup&& lookup) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        size_t open = text.find('%', i);
        if (open == std::string_view::npos) break;
        size_t close = text.find('%', open + 1);
        if (close == std::string_view::npos) break;
        out.append(text.substr(i, open - i));
        std::string_view name = text.substr(open + 1, close - open - 1);
        std::optional<std::string> value;
        if (!name.empty()) value = lookup(std::string(name));
        if (value) out += *value;
        else out.append(text.substr(open, close - open + 1));
        i = close + 1;
    }
    out.append(text.substr(i));
    return out;
}

}  // namespace w32::registry
