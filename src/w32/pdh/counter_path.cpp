#include "w32/pdh/counter_path.h"

#include <unistd.h>

#include <cctype>
#include <climits>
#include <vector>

#include "w32/error/win32_error.h"
#include "w32/pdh/pdh_status.h"

namespace w32::pdh {

namespace {

char lower(char c) noexcept { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::optional<uint32_t> parse_index(std::string_view digits) {
    if (digits.empty() || digits.size() > 9) return std::nullopt;
    uint32_t v = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<uint32_t>(c - '0');
    }
    return v;
}

}  // namespace

bool names_equal(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

bool has_wildcard(std::string_view s) noexcept { return s.find('*') != std::string_view::npos; }

bool wildcard_match(std::string_view p, std::string_view s) noexcept {
    // Iterative glob with backtracking to the last '*'.
    size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
    while (si < s.size()) {
        if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            mark = si;
        } else if (pi < p.size() && lower(p[pi]) == lower(s[si])) {
            ++pi;
            ++si;
        } else if (star != std::string_view::npos) {
            pi = star + 1;
            si = ++mark;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*') ++pi;
    return pi == p.size();
}

std::string local_machine_name() {
    char host[HOST_NAME_MAX + 1] = {};
    if (gethostname(host, sizeof host - 1) != 0 || !host[0]) return "\\\\localhost";
    return std::string("\\\\") + host;
}

bool is_local_machine(std::string_view m) {
    while (!m.empty() && m.front() == '\\') m.remove_prefix(1);
    if (m.empty() || m == "." || names_equal(m, "localhost") || m == "127.0.0.1") return true;
    std::string local = local_machine_name();
    return names_equal(m, std::string_view(local).substr(2));
}

InstanceNameParts parse_instance_name(std::string_view name, const char* function) {
    InstanceNameParts out;
    size_t hash = name.rfind('#');
    if (hash != std::string_view::npos) {
        if (auto idx = parse_index(name.substr(hash + 1))) {
            out.index = *idx;
            name = name.substr(0, hash);
        }
    }
    // A mount point ("/home") is an instance, not a parent/instance pair.
    size_t slash = name.empty() || name.front() == '/' ? std::string_view::npos : name.find('/');
    if (slash != std::string_view::npos) {
        out.parent = std::string(name.substr(0, slash));
        name = name.substr(slash + 1);
    }
    if (name.empty()) throw_win32(status::kInvalidInstance, function);
    out.instance = std::string(name);
    return out;
}

CounterPathElements parse_counter_path(std::string_view path, const char* function) {
    if (path.empty()) throw_win32(status::kNoCounterName, function);
    CounterPathElements e;
    std::string_view rest = path;
    if (rest.substr(0, 2) == "\\\\") {
        size_t end = rest.find('\\', 2);
        if (end == std::string_view::npos || end == 2) throw_win32(status::kBadCounterName, function);
        e.machine = std::string(rest.substr(0, end));
        rest = rest.substr(end);
    } else {
        e.machine = local_machine_name();
    }
    if (rest.empty() || rest.front() != '\\') throw_win32(status::kBadCounterName, function);
    rest.remove_prefix(1);
    size_t counter_sep = rest.rfind('\\');
    if (counter_sep == std::string_view::npos) throw_win32(status::kBadCounterName, function);
    std::string_view object_part = rest.substr(0, counter_sep);
    std::string_view counter = rest.substr(counter_sep + 1);
    if (counter.empty()) throw_win32(status::kBadCounterName, function);
    size_t open = object_part.find('(');
    if (open != std::string_view::npos) {
        if (object_part.back() != ')') throw_win32(status::kBadCounterName, function);
        std::string_view inst = object_part.substr(open + 1, object_part.size() - open - 2);
        object_part = object_part.substr(0, open);
        if (inst.empty()) throw_win32(status::kBadCounterName, function);
        InstanceNameParts parts = parse_instance_name(inst, function);
        e.instance = std::move(parts.instance);
        e.parent = std::move(parts.parent);
        e.index = parts.index;
    } else if (object_part.find(')') != std::string_view::npos) {
        throw_win32(status::kBadCounterName, function);
    }
    if (object_part.empty() || object_part.find('\\') != std::string_view::npos)
        throw_win32(status::kBadCounterName, function);
    e.object = std::string(object_part);
    e.counter = std::string(counter);
    return e;
}

std::string make_counter_path(const CounterPathElements& e, const char* function) {
    if (e.object.empty() || e.counter.empty()) throw_win32(status::kInvalidArgument, function);
    std::string out;
    if (e.machine && !e.machine->empty()) {
        if (e.machine->substr(0, 2) != "\\\\") out += "\\\\";
        out += *e.machine;
    }
    out += '\\';
    out += e.object;
    if (e.instance && !e.instance->empty()) {
        out += '(';
        if (e.parent && !e.parent->empty()) {
            out += *e.parent;
            out += '/';
        }
        out += *e.instance;
        // 0 and (DWORD)-1 (pywin32's "no index") both leave the #n out.
        if (e.index != 0 && e.index != 0xFFFFFFFFu) out += '#' + std::to_string(e.index);
        out += ')';
    }
    out += '\\';
    out += e.counter;
    return out;
}

}  // namespace w32::pdh
