#include "w32/registry/key_names.h"

#include <locale.h>
#include <wctype.h>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/registry/value_codec.h"

namespace w32::registry {

namespace {

locale_t utf8_locale() {
    // C.UTF-8 gives towupper its Unicode table without touching the
    // process's own locale.
    static locale_t loc = [] {
        locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t(0));
        if (!l) l = newlocale(LC_CTYPE_MASK, "en_US.UTF-8", locale_t(0));
        return l;
    }();
    return loc;
}

}  // namespace

std::string fold_name(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    bool ascii = true;
    for (unsigned char c : name) ascii = ascii && c < 0x80;
    if (ascii) {
        for (unsigned char c : name) out += char(c >= 'a' && c <= 'z' ? c - 32 : c);
        return out;
    }
    // Through UTF-16 so that malformed input folds the way it is stored.
    std::string text = utf8_from_utf16(utf16_from_utf8(name, "RegOpenKeyEx"));
    locale_t loc = utf8_locale();
    for (size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
        uint32_t cp = len == 1 ? c : c & (0x3F >> (len - 1));
        for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + size_t(k)]) & 0x3F);
        i += size_t(len);
        uint32_t up = loc ? uint32_t(towupper_l(wint_t(cp), loc)) : cp;
        // Windows' table maps within the BMP only and never lengthens a name.
        if (up >= 0x10000 && cp < 0x10000) up = cp;
        append_utf8(out, up);
    }
    return out;
}

std::vector<std::string> split_key_path(std::string_view path, const char* function) {
    std::vector<std::string> parts;
    if (path.empty()) return parts;
    if (path.front() == '\\') throw_win32(err::kBadPathname, function);
    if (path.back() == '\\') path.remove_suffix(1);
    size_t start = 0;
    for (;;) {
        size_t end = path.find('\\', start);
        std::string_view part = path.substr(start, end == std::string_view::npos ? end : end - start);
        if (part.empty()) throw_win32(err::kBadPathname, function);
        if (part.find('\0') != std::string_view::npos) throw_win32(err::kInvalidParameter, function);
        if (utf16_length(part) > kMaxKeyNameLength) throw_win32(err::kInvalidParameter, function);
        parts.emplace_back(part);
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return parts;
}

}  // namespace w32::registry
