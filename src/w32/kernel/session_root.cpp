#include "w32/kernel/session_root.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/stable_hash.h"

namespace w32 {

namespace {

bool nonempty(const char* s) { return s != nullptr && *s != '\0'; }

std::string hex(uint64_t v) {
    static const char digits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) out[i] = digits[v & 15];
    return out;
}

}  // namespace

SessionPaths resolve_session_paths(const char* root, const char* xdg_runtime,
                                   const char* xdg_state, const char* home, unsigned uid) {
    SessionPaths p;
    if (nonempty(root)) {
        std::string r(root);
        while (r.size() > 1 && r.back() == '/') r.pop_back();
        p.runtime_dir = r + "/run";
        p.state_dir = r + "/state";
    } else {
        p.runtime_dir = nonempty(xdg_runtime)
                            ? std::string(xdg_runtime) + "/pywin32-posix"
                            : "/tmp/pywin32-posix-" + std::to_string(uid);
        if (nonempty(xdg_state))
            p.state_dir = std::string(xdg_state) + "/pywin32-posix";
        else if (nonempty(home))
            p.state_dir = std::string(home) + "/.local/state/pywin32-posix";
        else
            p.state_dir = p.runtime_dir + "/state";
    }
    p.shm_prefix = "/pywin32-posix." + std::to_string(uid) + "." + hex(fnv1a(p.runtime_dir));
    return p;
}

const SessionPaths& session_paths() {
    static const SessionPaths paths =
        resolve_session_paths(std::getenv("PYWIN32_POSIX_ROOT"), std::getenv("XDG_RUNTIME_DIR"),
                              std::getenv("XDG_STATE_HOME"), std::getenv("HOME"), getuid());
    return paths;
}

void ensure_private_dir(const std::string& path) {
    if (path.empty()) throw_win32(err::kInvalidName, "CreateDirectory");
    struct stat st;
    if (stat(path.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode) || st.st_uid != getuid()) throw_win32(err::kAccessDenied, "CreateDirectory");
        return;
    }
    auto slash = path.find_last_of('/');
    if (slash != std::string::npos && slash > 0) {
        std::string parent = path.substr(0, slash);
        struct stat pst;
        // Parents may be shared system directories (/tmp); only the leaf is ours.
        if (stat(parent.c_str(), &pst) != 0) ensure_private_dir(parent);
    }
    if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) throw_errno(errno, "CreateDirectory");
}

}  // namespace w32
