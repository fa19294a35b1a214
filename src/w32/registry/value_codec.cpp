#include "w32/registry/value_codec.h"

#include "w32/error/win32_error.h"

namespace w32::registry {

namespace {
constexpr uint32_t kNoUnicodeTranslation = 1113;  // ERROR_NO_UNICODE_TRANSLATION

void put_unit(std::vector<uint8_t>& out, uint32_t unit) {
    out.push_back(uint8_t(unit & 0xFF));
    out.push_back(uint8_t(unit >> 8));
}

// Decodes one UTF-8 sequence at text[i]; false when malformed.
bool next_code_point(std::string_view text, size_t& i, uint32_t& cp) {
    auto c = static_cast<unsigned char>(text[i]);
    int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (extra < 0) return false;
    cp = extra == 0 ? c : c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
        if (i + size_t(k) >= text.size()) return false;
        auto cc = static_cast<unsigned char>(text[i + size_t(k)]);
        if ((cc & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF) return false;
    i += size_t(extra) + 1;
    return true;
}

}  // namespace

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += char(cp);
    } else if (cp < 0x800) {
        out += char(0xC0 | (cp >> 6));
        out += char(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += char(0xE0 | (cp >> 12));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    } else {
        out += char(0xF0 | (cp >> 18));
        out += char(0x80 | ((cp >> 12) & 0x3F));
        out += char(0x80 | ((cp >> 6) & 0x3F));
        out += char(0x80 | (cp & 0x3F));
    }
}

std::vector<uint8_t> utf16_from_utf8(std::string_view text, const char* function) {
    std::vector<uint8_t> out;
    out.reserve(text.size() * 2 + 2);
    for (size_t i = 0; i < text.size();) {
        uint32_t cp = 0;
        if (!next_code_point(text, i, cp)) throw_win32(kNoUnicodeTranslation, function);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            put_unit(out, 0xD800 | (cp >> 10));
            put_unit(out, 0xDC00 | (cp & 0x3FF));
        } else {
            // Lone surrogates (Python's surrogateescape) pass through as units.
            put_unit(out, cp);
        }
    }
    return out;
}

std::string utf8_from_utf16(std::span<const uint8_t> bytes) {
    std::string out;
    size_t units = bytes.size() / 2;
    out.reserve(units);
    for (size_t i = 0; i < units; ++i) {
        uint32_t u = uint32_t(bytes[2 * i]) | (uint32_t(bytes[2 * i + 1]) << 8);
        if (u >= 0xD800 && u < 0xDC00 && i + 1 < units) {
            uint32_t lo = uint32_t(bytes[2 * i + 2]) | (uint32_t(bytes[2 * i + 3]) << 8);
            if (lo >= 0xDC00 && lo < 0xE000) {
                append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                ++i;
                continue;
            }
        }
        if (u >= 0xD800 && u < 0xE000) u = 0xFFFD;
        append_utf8(out, u);
    }
    return out;
}

size_t utf16_length(std::string_view utf8) noexcept {
    size_t n = 0;
    for (unsigned char c : utf8) {
        if ((c & 0xC0) != 0x80) n += c >= 0xF0 ? 2 : 1;
    }
    return n;
}

std::vector<uint8_t> encode_string(std::string_view text, const char* function) {
    auto out = utf16_from_utf8(text, function);
    put_unit(out, 0);
    return out;
}

std::vector<uint8_t> encode_multi_string(std::span<const std::string> items, const char* function) {
    std::vector<uint8_t> out;
    for (const auto& item : items) {
        auto one = encode_string(item, function);
        out.insert(out.end(), one.begin(), one.end());
    }
    put_unit(out, 0);
    return out;
}

std::vector<uint8_t> encode_dword(uint32_t v, bool big_endian) {
    std::vector<uint8_t> out(4);
    for (int i = 0; i < 4; ++i) out[size_t(big_endian ? 3 - i : i)] = uint8_t(v >> (8 * i));
    return out;
}

std::vector<uint8_t> encode_qword(uint64_t v) {
    std::vector<uint8_t> out(8);
    for (int i = 0; i < 8; ++i) out[size_t(i)] = uint8_t(v >> (8 * i));
    return out;
}

std::string decode_string(std::span<const uint8_t> data) {
    size_t units = data.size() / 2;
    size_t end = 0;
    while (end < units && (data[2 * end] | data[2 * end + 1]) != 0) ++end;
    return utf8_from_utf16(data.first(end * 2));
}

std::vector<std::string> decode_multi_string(std::span<const uint8_t> data) {
    std::vector<std::string> out;
    size_t units = data.size() / 2;
    size_t start = 0;
    while (start < units) {
        size_t end = start;
        while (end < units && (data[2 * end] | data[2 * end + 1]) != 0) ++end;
        if (end == start) break;  // the empty item that ends the list
        out.push_back(utf8_from_utf16(data.subspan(2 * start, 2 * (end - start))));
        start = end + 1;
    }
    return out;
}

uint32_t decode_dword(std::span<const uint8_t> data, bool big_endian) {
    uint8_t b[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < 4 && i < data.size(); ++i) b[i] = data[i];
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= uint32_t(b[big_endian ? 3 - i : i]) << (8 * i);
    return v;
}

uint64_t decode_qword(std::span<const uint8_t> data) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8 && i < data.size(); ++i) v |= uint64_t(data[i]) << (8 * i);
    return v;
}

}  // namespace w32::registry
