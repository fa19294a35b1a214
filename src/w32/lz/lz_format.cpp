#include "w32/lz/lz_format.h"

#include <cctype>
#include <cstring>

#include "w32/lz/lzss.h"

namespace w32::lz {

namespace {

constexpr uint8_t kSzddMagic[8] = {'S', 'Z', 'D', 'D', 0x88, 0xF0, 0x27, 0x33};
constexpr uint8_t kKwajMagic[8] = {'K', 'W', 'A', 'J', 0x88, 0xF0, 0x27, 0xD1};
constexpr uint8_t kSzddModeLzss = 'A';

// KWAJ header flags: which optional fields follow the fixed part.
constexpr uint16_t kKwajHasLength = 0x0001;
constexpr uint16_t kKwajHasUnknown = 0x0002;
constexpr uint16_t kKwajHasExtra = 0x0004;
constexpr uint16_t kKwajHasName = 0x0008;
constexpr uint16_t kKwajHasExtension = 0x0010;
constexpr uint16_t kKwajHasText = 0x0020;
// The stored name is 8.3: at most 8 characters, then the terminator.
constexpr size_t kKwajNameMax = 9;
constexpr size_t kKwajExtensionMax = 4;

uint16_t le16(const uint8_t* p) noexcept { return uint16_t(p[0] | (p[1] << 8)); }
uint32_t le32(const uint8_t* p) noexcept {
    return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}

// A NUL-terminated field of at most `max` bytes (terminator included).
bool read_cstring(std::span<const uint8_t> head, size_t& at, size_t max, std::string& out) {
    for (size_t k = 0; k < max; ++k) {
        if (at >= head.size()) return false;
        uint8_t c = head[at++];
        if (c == 0) return true;
        out.push_back(char(c));
    }
    return true;  // COMPRESS stops at the limit without a terminator
}

int parse_kwaj(std::span<const uint8_t> head, Header& out) {
    if (head.size() < kKwajFixedSize) return kErrorRead;
    const uint8_t* p = head.data();
    uint16_t method = le16(p + 8);
    size_t data_offset = le16(p + 10);
    uint16_t flags = le16(p + 12);
    size_t at = kKwajFixedSize;
    auto need = [&](size_t n) { return at + n <= head.size(); };
    if (flags & kKwajHasLength) {
        if (!need(4)) return kErrorRead;
        out.length = le32(p + at);
        at += 4;
    }
    if (flags & kKwajHasUnknown) {
        if (!need(2)) return kErrorRead;
        at += 2;
    }
    if (flags & kKwajHasExtra) {
        if (!need(2)) return kErrorRead;
        size_t n = le16(p + at);
        at += 2;
        if (!need(n)) return kErrorRead;
        at += n;
    }
    std::string name, extension;
    if ((flags & kKwajHasName) && !read_cstring(head, at, kKwajNameMax, name)) return kErrorRead;
    if ((flags & kKwajHasExtension) && !read_cstring(head, at, kKwajExtensionMax, extension))
        return kErrorRead;
    if (flags & kKwajHasText) {
        if (!need(2)) return kErrorRead;
        size_t n = le16(p + at);
        at += 2;
        if (!need(n)) return kErrorRead;
        at += n;
    }
    if (data_offset < at || data_offset > head.size()) return kErrorRead;
    if (!name.empty() || !extension.empty()) out.original_name = extension.empty() ? name : name + "." + extension;
    out.format = Format::Kwaj;
    out.data_offset = data_offset;
    switch (method) {
        case uint16_t(Method::Stored):
        case uint16_t(Method::Xor):
        case uint16_t(Method::Lzss):
        case uint16_t(Method::Lzh):
        case uint16_t(Method::MsZip):
            out.method = Method(method);
            return 1;
        default:
            return kErrorUnknownAlg;
    }
}

size_t basename_start(std::string_view name) noexcept {
    size_t slash = name.find_last_of("\\/:");
    return slash == std::string_view::npos ? 0 : slash + 1;
}

}  // namespace

std::string_view lz_error_message(int code) noexcept {
    switch (code) {
        case kErrorBadInHandle:
            return "The handle identifying the source file is not valid. The file cannot be read.";
        case kErrorBadOutHandle:
            return "The handle identifying the destination file is not valid. The file cannot be written.";
        case kErrorRead:
            return "The source file format is not valid.";
        case kErrorWrite:
            return "There is insufficient space for the output file.";
        case kErrorGlobalAlloc:
            return "The maximum number of open compressed files has been exceeded or local memory cannot be allocated.";
        case kErrorGlobalLock:
            return "The LZ file handle cannot be locked down.";
        case kErrorBadValue:
            return "A parameter was bad";
        case kErrorUnknownAlg:
            return "The file is compressed with an unrecognized compression algorithm.";
        default:
            return "No error message is available";
    }
}

int parse_header(std::span<const uint8_t> head, Header& out) {
    out = Header{};
    if (head.size() >= 8 && std::memcmp(head.data(), kKwajMagic, 8) == 0) return parse_kwaj(head, out);
    if (head.size() < kSzddHeaderSize || std::memcmp(head.data(), kSzddMagic, 8) != 0) return 0;
    if (head[8] != kSzddModeLzss) return kErrorUnknownAlg;
    out.format = Format::Szdd;
    out.method = Method::Lzss;
    out.missing_char = head[9];
    out.length = le32(head.data() + 10);
    out.data_offset = kSzddHeaderSize;
    return 1;
}

std::vector<uint8_t> compress_szdd(std::span<const uint8_t> data, uint8_t missing_char) {
    std::vector<uint8_t> out(kSzddMagic, kSzddMagic + 8);
    out.push_back(kSzddModeLzss);
    out.push_back(missing_char);
    uint32_t n = uint32_t(data.size());  // callers keep inputs under 4 GiB
    for (int k = 0; k < 4; ++k) out.push_back(uint8_t(n >> (8 * k)));
    lzss_compress(data, out);
    return out;
}

std::string expanded_name(std::string_view name, const Header& header) {
    std::string result(name);
    if (header.format == Format::Plain) return result;
    size_t base = basename_start(result);
    if (header.format == Format::Kwaj && !header.original_name.empty())
        return result.substr(0, base) + header.original_name;
    if (result.size() <= base || result.back() != '_') return result;
    uint8_t restored = header.format == Format::Szdd ? header.missing_char : 0;
    if (restored != 0) {
        // The restored character takes the case of the name's first letter.
        for (size_t k = base; k < result.size(); ++k) {
            unsigned char c = static_cast<unsigned char>(result[k]);
            if (std::isalpha(c)) {
                restored = std::islower(c) ? uint8_t(std::tolower(restored)) : uint8_t(std::toupper(restored));
                break;
            }
        }
        result.back() = char(restored);
        return result;
    }
    result.pop_back();
    if (result.size() > base && result.back() == '.') result.pop_back();
    return result;
}

std::string compressed_name(std::string_view name) {
    std::string result(name);
    size_t base = basename_start(result);
    size_t dot = result.find('.', base);
    if (dot == std::string::npos) return result + "._";
    if (result.size() - dot - 1 < 3) return result + "_";
    result.back() = '_';
    return result;
}

uint8_t dropped_char(std::string_view name) {
    size_t base = basename_start(name);
    size_t dot = name.find('.', base);
    if (dot == std::string_view::npos || name.size() - dot - 1 < 3) return 0;
    return uint8_t(name.back());
}

}  // namespace w32::lz
