#include "w32/odbc/sql_markers.h"

namespace w32::odbc {

namespace {

bool is_digit(char16_t c) { return c >= u'0' && c <= u'9'; }
bool is_alnum(char16_t c) { return is_digit(c) || (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z'); }

}  // namespace

size_t rewrite_parameter_markers(std::u16string& sql) {
    std::u16string out;
    out.reserve(sql.size());
    size_t count = 0;
    char16_t quote = 0;
    char16_t prev = 0;
    for (size_t i = 0; i < sql.size(); ++i) {
        char16_t c = sql[i];
        if (quote) {
            if (c == quote) quote = 0;
        } else if (c == u'\'' || c == u'"') {
            quote = c;
        } else if (c == u'?') {
            ++count;
        } else if (c == u':' && !is_alnum(prev) && prev != u':' && i + 1 < sql.size() && is_digit(sql[i + 1]) &&
                   sql[i + 1] != u'0') {
            size_t j = i + 1;
            while (j < sql.size() && is_digit(sql[j])) ++j;
            out += u'?';
            ++count;
            prev = u'0';
            i = j - 1;
            continue;
        }
        out += c;
        prev = c;
    }
    sql = std::move(out);
    return count;
}

}  // namespace w32::odbc
