#include "w32/error/format_message.h"

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"

namespace w32 {

std::string expand_message_inserts(std::string_view pattern,
                                   const std::vector<std::string>& inserts,
                                   bool ignore_inserts) {
    std::string out;
    out.reserve(pattern.size());
    for (size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c != '%' || i + 1 >= pattern.size()) {
            out += c;
            continue;
        }
        char next = pattern[i + 1];
        if (next >= '1' && next <= '9') {
            size_t start = i;
            size_t j = i + 1;
            unsigned number = 0;
            // At most two digits: %100 is insert 10 followed by '0'.
            while (j < pattern.size() && j < i + 3 && pattern[j] >= '0' && pattern[j] <= '9')
                number = number * 10 + unsigned(pattern[j++] - '0');
            // An optional printf-style format between bangs: %1!d!. The
            // inserts are already strings, so the format is dropped.
            if (j < pattern.size() && pattern[j] == '!') {
                size_t close = pattern.find('!', j + 1);
                if (close != std::string_view::npos) j = close + 1;
            }
            if (ignore_inserts) {
                out.append(pattern.substr(start, j - start));
            } else {
                if (number > inserts.size()) throw_win32(err::kInvalidParameter, "FormatMessage");
                out += inserts[number - 1];
            }
            i = j - 1;
            continue;
        }
        ++i;
        switch (next) {
            case '0': return out;  // %0 ends the message with no line break
            case 'n': out += "\r\n"; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'b': out += ' '; break;
            default: out += next; break;  // %% %. %! and "% " stand for themselves
        }
    }
    return out;
}

std::string format_message(uint32_t flags, std::optional<std::string_view> source,
                           uint32_t message_id, const std::vector<std::string>& inserts) {
    constexpr uint32_t kIgnoreInserts = 0x200, kFromString = 0x400, kFromHmodule = 0x800,
                       kFromSystem = 0x1000;
    constexpr uint32_t kResourceTypeNotFound = 1813;
    bool ignore = flags & kIgnoreInserts;
    if (flags & kFromString) {
        if (!source) throw_win32(err::kInvalidParameter, "FormatMessage");
        return expand_message_inserts(*source, inserts, ignore);
    }
    if (flags & kFromHmodule) throw_win32(kResourceTypeNotFound, "FormatMessage");
    if (!(flags & kFromSystem)) throw_win32(err::kInvalidParameter, "FormatMessage");
    std::string_view text = system_message(message_id);
    if (text.empty()) throw_win32(err::kMrMidNotFound, "FormatMessage");
    return expand_message_inserts(text, inserts, ignore) + "\r\n";
}

}  // namespace w32
