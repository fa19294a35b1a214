#include "w32/odbc/connection_string.h"

#include <cctype>
#include <vector>

namespace w32::odbc {

namespace {

struct Attribute {
    size_t begin;        // of the key
    size_t value_begin;  // of the value as written (braces included)
    size_t end;          // past the value
    std::u16string key;
    std::u16string value;  // braces removed
};

std::u16string trimmed(std::u16string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && (s[b] == u' ' || s[b] == u'\t')) ++b;
    while (e > b && (s[e - 1] == u' ' || s[e - 1] == u'\t')) --e;
    return std::u16string(s.substr(b, e - b));
}

std::vector<Attribute> attributes(std::u16string_view s) {
    std::vector<Attribute> out;
    size_t i = 0;
    while (i < s.size()) {
        size_t eq = s.find(u'=', i);
        size_t semi = s.find(u';', i);
        if (eq == std::u16string_view::npos || (semi != std::u16string_view::npos && semi < eq)) {
            if (semi == std::u16string_view::npos) break;
            i = semi + 1;
            continue;
        }
        Attribute a;
        a.begin = i;
        a.key = trimmed(s.substr(i, eq - i));
        size_t v = eq + 1;
        while (v < s.size() && s[v] == u' ') ++v;
        a.value_begin = v;
        if (v < s.size() && s[v] == u'{') {
            size_t k = v + 1;
            while (k < s.size()) {
                if (s[k] == u'}') {
                    if (k + 1 < s.size() && s[k + 1] == u'}') {
                        a.value += u'}';
                        k += 2;
                        continue;
                    }
                    break;
                }
                a.value += s[k++];
            }
            a.end = std::min(k + 1, s.size());
            size_t next = s.find(u';', a.end);
            i = next == std::u16string_view::npos ? s.size() : next + 1;
        } else {
            size_t next = s.find(u';', v);
            a.end = next == std::u16string_view::npos ? s.size() : next;
            a.value = trimmed(s.substr(v, a.end - v));
            i = next == std::u16string_view::npos ? s.size() : next + 1;
        }
        out.push_back(std::move(a));
    }
    return out;
}

bool same_key(const std::u16string& k, std::u16string_view want) {
    if (k.size() != want.size()) return false;
    for (size_t i = 0; i < k.size(); ++i) {
        if (k[i] >= 128 || std::tolower(k[i]) != std::tolower(want[i])) return false;
    }
    return true;
}

}  // namespace

std::u16string expand_connection_string(std::u16string_view text) {
    size_t eq = text.find(u'=');
    size_t slash = text.find(u'/');
    if (eq != std::u16string_view::npos && (slash == std::u16string_view::npos || slash > eq)) {
        return std::u16string(text);
    }
    std::u16string parts[3];
    size_t n = 0, start = 0;
    while (n < 3) {
        size_t cut = text.find(u'/', start);
        parts[n++] = std::u16string(text.substr(start, cut == std::u16string_view::npos ? cut : cut - start));
        if (cut == std::u16string_view::npos) break;
        start = cut + 1;
    }
    std::u16string out = u"DSN=" + parts[0];
    if (!parts[1].empty()) out += u";UID=" + parts[1];
    if (!parts[2].empty()) out += u";PWD=" + parts[2];
    return out;
}

std::u16string attribute(std::u16string_view conn, std::u16string_view key) {
    for (const auto& a : attributes(conn)) {
        if (same_key(a.key, key)) return a.value;
    }
    return {};
}

std::u16string with_attribute(std::u16string_view conn, std::u16string_view key, std::u16string_view value) {
    for (const auto& a : attributes(conn)) {
        if (!same_key(a.key, key)) continue;
        std::u16string out(conn.substr(0, a.value_begin));
        out += value;
        out += conn.substr(a.end);
        return out;
    }
    return std::u16string(conn);
}

}  // namespace w32::odbc
