#include "w32/paths/drive_table.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <mutex>
#include <vector>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/session_root.h"

namespace w32::paths {

namespace {

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_letter(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_sep(char c) noexcept { return c == '\\' || c == '/'; }

bool has_drive(std::string_view p) noexcept { return p.size() >= 2 && is_letter(p[0]) && p[1] == ':'; }

// "." and ".." resolved lexically (a root spelt "x/../drive_c" must still
// prefix the paths under it).
std::string normalized(const std::string& absolute);

class SessionDriveTable : public DriveTable {
public:
    std::optional<std::string> root(char letter) const override {
        std::string link = drive_table_dir() + "/" + lower(letter) + ":";
        char target[PATH_MAX];
        ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
        if (n <= 0) return std::nullopt;
        std::string out(target, static_cast<size_t>(n));
        // A relative target is relative to the table's directory, as for any symlink.
        if (out[0] != '/') out = drive_table_dir() + "/" + out;
        return normalized(out);
    }
};

void make_default_table(const std::string& dir) {
    const std::string& state = session_paths().state_dir;
    ensure_private_dir(state);
    std::string drive_c = state + "/drive_c";
    if (::mkdir(drive_c.c_str(), 0700) != 0 && errno != EEXIST) throw_errno(errno, "CreateFile");
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) throw_errno(errno, "CreateFile");
    // Another process may make them at the same time: EEXIST is success.
    if (::symlink("../drive_c", (dir + "/c:").c_str()) != 0 && errno != EEXIST) throw_errno(errno, "CreateFile");
    if (::symlink("/", (dir + "/z:").c_str()) != 0 && errno != EEXIST) throw_errno(errno, "CreateFile");
}

// Appends the components of `rel` (either separator) to `out`, resolving
// "." and ".." lexically; ".." never climbs above `floor` characters.
void append_components(std::string& out, std::string_view rel, size_t floor) {
    size_t i = 0;
    while (i <= rel.size()) {
        size_t j = i;
        while (j < rel.size() && !is_sep(rel[j])) ++j;
        std::string_view part = rel.substr(i, j - i);
        if (part.empty() || part == ".") {
        } else if (part == "..") {
            auto slash = out.find_last_of('/');
            if (out.size() > floor && slash != std::string::npos) out.resize(std::max(slash, floor));
        } else {
            if (out.empty() || out.back() != '/') out += '/';
            out.append(part);
        }
        i = j + 1;
    }
}

std::string normalized(const std::string& absolute) {
    std::string out;
    append_components(out, absolute, 0);
    return out.empty() ? "/" : out;
}

void check_windows_name(std::string_view p, const char* function) {
    for (size_t i = 0; i < p.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(p[i]);
        bool colon_ok = i == 1 && has_drive(p);
        if (c < 32 || c == '<' || c == '>' || c == '"' || c == '|' || c == '?' || c == '*' ||
            (c == ':' && !colon_ok))
            throw_win32(err::kInvalidName, function);
    }
}

std::string drive_path(char letter, std::string_view rest, const DriveTable& drives, const char* function) {
    auto root = drives.root(lower(letter));
    if (!root) throw_win32(err::kPathNotFound, function);
    std::string out = *root;
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    size_t floor = out.size();
    if (out == "/") {
        out.clear();  // the components add their own leading '/'
        floor = 0;
    }
    append_components(out, rest, floor);
    if (out.empty()) out = "/";
    return out;
}

bool is_this_host(std::string_view host) {
    if (host == "." || host == "localhost" || host == "127.0.0.1" || host == "::1") return true;
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return false;
    std::string_view mine(name);
    if (host.size() != mine.size()) return false;
    for (size_t i = 0; i < host.size(); ++i)
        if (lower(host[i]) != lower(mine[i])) return false;
    return true;
}

// "host\share\rest" (after the leading "\\" or "\\?\UNC\").
std::string unc_path(std::string_view p, const DriveTable& drives, const char* function) {
    size_t a = 0;
    while (a < p.size() && !is_sep(p[a])) ++a;
    std::string_view host = p.substr(0, a);
    size_t b = a < p.size() ? a + 1 : a;
    size_t e = b;
    while (e < p.size() && !is_sep(p[e])) ++e;
    std::string_view share = p.substr(b, e - b);
    // Only this machine's administrative drive shares (\\host\C$) have a local meaning.
    if (!is_this_host(host) || share.size() != 2 || !is_letter(share[0]) || share[1] != '$')
        throw_win32(err::kBadNetpath, function);
    return drive_path(share[0], p.substr(e), drives, function);
}

// Windows' reserved device names, in any case, with an optional ':'.
std::optional<std::string> device_of(std::string_view name) {
    if (!name.empty() && name.back() == ':') name.remove_suffix(1);
    std::string n;
    for (char c : name) n += lower(c);
    if (n == "nul") return "/dev/null";
    if (n == "con" || n == "conin$" || n == "conout$") return "/dev/tty";
    if (n == "prn") return "/dev/lp0";
    if (n == "aux") return "/dev/ttyS0";
    if (n.size() == 4 && (n.compare(0, 3, "com") == 0 || n.compare(0, 3, "lpt") == 0) && n[3] >= '1' && n[3] <= '9')
        return std::string(n[0] == 'c' ? "/dev/ttyS" : "/dev/lp") + static_cast<char>(n[3] - 1);
    return std::nullopt;
}

}  // namespace

std::optional<std::string> device_path(std::string_view path) {
    // "\\.\NAME", a bare "NAME", or a Windows path ending in "\NAME".
    if (path.size() > 4 && is_sep(path[0]) && is_sep(path[1]) && path[2] == '.' && is_sep(path[3]))
        return device_of(path.substr(4));
    auto sep = path.find_last_of("\\/");
    if (sep == std::string_view::npos) return device_of(path);
    if (!is_windows_path(path)) return std::nullopt;
    return device_of(path.substr(sep + 1));
}

std::string drive_table_dir() { return session_paths().state_dir + "/dosdevices"; }

const DriveTable& session_drives() {
    static SessionDriveTable table;
    static std::once_flag made;
    std::call_once(made, [] {
        std::string dir = drive_table_dir();
        struct stat st;
        if (::lstat((dir + "/z:").c_str(), &st) != 0) make_default_table(dir);
    });
    return table;
}

uint32_t logical_drives() {
    const DriveTable& drives = session_drives();
    uint32_t mask = 0;
    for (char c = 'a'; c <= 'z'; ++c)
        if (drives.root(c)) mask |= 1u << (c - 'a');
    return mask;
}

bool is_windows_path(std::string_view p) noexcept {
    return has_drive(p) || p.find('\\') != std::string_view::npos;
}

std::string to_posix(std::string_view p, const DriveTable& drives, const char* function) {
    if (p.empty()) throw_win32(err::kPathNotFound, function);
    if (p.find('\0') != std::string_view::npos) throw_win32(err::kInvalidName, function);
    if (auto device = device_path(p)) return *device;
    if (!is_windows_path(p)) return std::string(p);
    // "\\?\" and "\\.\" prefixes: the rest is a drive path or "UNC\host\share".
    if (p.size() >= 4 && is_sep(p[0]) && is_sep(p[1]) && (p[2] == '?' || p[2] == '.') && is_sep(p[3])) {
        std::string_view rest = p.substr(4);
        if (rest.size() >= 4 && lower(rest[0]) == 'u' && lower(rest[1]) == 'n' && lower(rest[2]) == 'c' &&
            is_sep(rest[3]))
            return unc_path(rest.substr(4), drives, function);
        if (!has_drive(rest)) throw_win32(err::kPathNotFound, function);
        // "\\.\C:" alone names the volume device, which has no POSIX meaning.
        if (rest.size() == 2 && p[2] == '.') throw_win32(err::kNotSupported, function);
        check_windows_name(rest, function);
        return drive_path(rest[0], rest.substr(2), drives, function);
    }
    if (p.size() >= 2 && is_sep(p[0]) && is_sep(p[1])) {
        check_windows_name(p.substr(2), function);
        return unc_path(p.substr(2), drives, function);
    }
    check_windows_name(p, function);
    if (has_drive(p)) return drive_path(p[0], p.substr(2), drives, function);
    std::string out;
    out.reserve(p.size());
    for (char c : p) out += c == '\\' ? '/' : c;
    return out;
}

std::string to_posix(std::string_view path, const char* function) {
    if (!is_windows_path(path) && !device_path(path)) {
        if (path.empty()) throw_win32(err::kPathNotFound, function);
        if (path.find('\0') != std::string_view::npos) throw_win32(err::kInvalidName, function);
        return std::string(path);
    }
    return to_posix(path, session_drives(), function);
}

std::string to_windows(std::string_view posix, const DriveTable& drives) {
    char best = 0;
    size_t best_len = 0;
    for (char c = 'a'; c <= 'z'; ++c) {
        auto root = drives.root(c);
        if (!root) continue;
        std::string r = *root;
        while (r.size() > 1 && r.back() == '/') r.pop_back();
        bool match = r == "/" || (posix.substr(0, r.size()) == r &&
                                  (posix.size() == r.size() || posix[r.size()] == '/'));
        size_t len = r == "/" ? 0 : r.size();
        if (match && (best == 0 || len > best_len)) {
            best = c;
            best_len = len;
        }
    }
    if (best == 0) return std::string(posix);
    std::string out;
    out += static_cast<char>(best - 'a' + 'A');
    out += ":\\";
    std::string_view rest = posix.substr(best_len);
    while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
    for (char c : rest) out += c == '/' ? '\\' : c;
    return out;
}

std::string to_windows(std::string_view posix_absolute) { return to_windows(posix_absolute, session_drives()); }

std::string full_path_name(std::string_view path) {
    const char* fn = "GetFullPathName";
    if (path.empty()) throw_win32(err::kPathNotFound, fn);
    bool windows = is_windows_path(path);
    std::string posix = to_posix(path, fn);
    if (posix[0] != '/') {
        std::vector<char> cwd(PATH_MAX);
        if (!::getcwd(cwd.data(), cwd.size())) throw_errno(errno, fn);
        posix = std::string(cwd.data()) + "/" + posix;
    }
    std::string clean;
    append_components(clean, posix, 0);
    if (clean.empty()) clean = "/";
    if (!windows) return clean;
    std::string out = to_windows(clean);
    // Windows keeps a trailing separator the caller gave.
    if (is_sep(path.back()) && out.back() != '\\') out += '\\';
    return out;
}

namespace {

char drive_letter_of(std::string_view name, const char* function) {
    if (name.size() == 3 && name[2] == '\\') name.remove_suffix(1);
    if (name.size() != 2 || !is_letter(name[0]) || name[1] != ':') throw_win32(err::kNotSupported, function);
    return lower(name[0]);
}

}  // namespace

void define_drive(std::string_view name, std::string_view target, bool remove) {
    const char* fn = "DefineDosDevice";
    char letter = drive_letter_of(name, fn);
    session_drives();  // the table exists
    std::string link = drive_table_dir() + "/" + letter + ":";
    if (remove) {
        if (::unlink(link.c_str()) != 0) throw_errno(errno, fn);
        return;
    }
    std::string dest = to_posix(target, fn);
    if (dest[0] != '/') {
        char cwd[PATH_MAX];
        if (!::getcwd(cwd, sizeof cwd)) throw_errno(errno, fn);
        dest = std::string(cwd) + "/" + dest;
    }
    // Replacing a definition is one rename: no moment without the drive.
    std::string tmp = link + ".new";
    ::unlink(tmp.c_str());
    if (::symlink(dest.c_str(), tmp.c_str()) != 0 || ::rename(tmp.c_str(), link.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw_errno(e, fn);
    }
}

std::string query_drive(std::string_view name) {
    auto root = session_drives().root(drive_letter_of(name, "QueryDosDevice"));
    if (!root) throw_win32(err::kFileNotFound, "QueryDosDevice");
    return *root;
}

std::string volume_path_name(std::string_view path) {
    const char* fn = "GetVolumePathName";
    std::string full = full_path_name(path);
    bool windows = is_windows_path(path);
    std::string posix = windows ? to_posix(full, fn) : full;
    // The longest existing prefix: the volume of a name not yet made is its directory's.
    struct stat st;
    while (::stat(posix.c_str(), &st) != 0) {
        auto slash = posix.find_last_of('/');
        if (slash == std::string::npos || posix == "/") throw_errno(errno, fn);
        posix = slash == 0 ? "/" : posix.substr(0, slash);
    }
    dev_t dev = st.st_dev;
    while (posix != "/") {
        auto slash = posix.find_last_of('/');
        std::string parent = slash == 0 ? "/" : posix.substr(0, slash);
        if (::stat(parent.c_str(), &st) != 0 || st.st_dev != dev) break;
        posix = parent;
    }
    if (!windows) return posix == "/" ? posix : posix + "/";
    // A mount point above the drive's own root is reported as the drive's root.
    if (has_drive(full)) {
        auto root = session_drives().root(lower(full[0]));
        if (root && (posix == "/" || (root->size() >= posix.size() && root->compare(0, posix.size(), posix) == 0)))
            return std::string(1, static_cast<char>(full[0] >= 'a' ? full[0] - 'a' + 'A' : full[0])) + ":\\";
    }
    std::string out = to_windows(posix);
    if (out.back() != '\\') out += '\\';
    return out;
}

}  // namespace w32::paths
