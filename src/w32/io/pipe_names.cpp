#include "w32/io/pipe_names.h"

#include <cstdint>
#include <cstdio>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/session_root.h"
#include "w32/kernel/stable_hash.h"

namespace w32::io {

namespace {

bool is_slash(char c) { return c == '\\' || c == '/'; }

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::optional<std::string_view> pipe_name_of(std::string_view path) {
    // \\.\pipe\ : 9 characters.
    if (path.size() < 9) return std::nullopt;
    if (!is_slash(path[0]) || !is_slash(path[1]) || path[2] != '.' || !is_slash(path[3]) ||
        !is_slash(path[8]))
        return std::nullopt;
    std::string_view word = path.substr(4, 4);
    for (size_t i = 0; i < 4; ++i)
        if (fold(word[i]) != "pipe"[i]) return std::nullopt;
    return path.substr(9);
}

std::string pipes_root() {
    std::string root = session_paths().runtime_dir + "/pipes";
    ensure_private_dir(root);
    return root;
}

std::string pipe_directory(std::string_view path, const char* function) {
    auto name = pipe_name_of(path);
    if (!name || name->empty() || name->size() > 256 || name->find('\0') != std::string_view::npos)
        throw_win32(err::kInvalidName, function);
    char hex[33];
    std::snprintf(hex, sizeof hex, "%016llx%016llx",
                  static_cast<unsigned long long>(fnv1a(*name, kFnvOffsetBasis, fold)),
                  static_cast<unsigned long long>(fnv1a(*name, 0x84222325cbf29ce4ULL, fold)));
    std::string dir = pipes_root() + "/" + hex;
    // uniq (16) + ".m" + '/' must still fit in sun_path (108 with its NUL).
    if (dir.size() + 1 + 16 + 2 >= 108) throw_win32(err::kFilenameExcedRange, function);
    return dir;
}

}  // namespace w32::io
