// Where this user's state lives. PYWIN32_POSIX_ROOT, when set, holds
// everything (so tests and users can run isolated instances side by side);
// otherwise the XDG runtime and state directories are used.
#pragma once

#include <string>

namespace w32 {

struct SessionPaths {
    std::string runtime_dir;  // sockets, lock files: $ROOT/run or $XDG_RUNTIME_DIR/pywin32-posix
    std::string state_dir;    // databases: $ROOT/state or $XDG_STATE_HOME/pywin32-posix
    std::string shm_prefix;   // POSIX shm names: "/pywin32-posix.<uid>.<hash of runtime_dir>"
};

// Resolved once per process from the environment, then fixed: a process
// never sees two different sessions. Directories are created 0700 on demand.
const SessionPaths& session_paths();

// Computes the paths for an explicit environment (tested on its own).
SessionPaths resolve_session_paths(const char* root, const char* xdg_runtime,
                                   const char* xdg_state, const char* home, unsigned uid);

// mkdir -p with mode 0700; ERROR_ACCESS_DENIED if the leaf exists but is not a
// directory owned by us (someone else's directory must not be trusted).
void ensure_private_dir(const std::string& path);

}  // namespace w32
