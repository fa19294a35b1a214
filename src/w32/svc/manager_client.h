// Reaching the session's service manager: connect to its socket, starting
// the manager program first when none runs (as the first client of a
// Windows session finds services.exe running).
#pragma once

#include <string>

#include "w32/io/unique_fd.h"
#include "w32/svc/protocol.h"

namespace w32::svc {

// The manager program's path (installed beside the Python extension, which
// sets it at import). PYWIN32_POSIX_SERVICE_MANAGER overrides it.
void set_manager_program(const std::string& path);
std::string manager_program();

// A connected socket; the manager is started when none answers, and waited
// for (up to 10 s). Failure: RPC_S_SERVER_UNAVAILABLE.
io::UniqueFd connect_manager(const char* function);

// Sends `request` and returns the reply's body after its error code; a
// non-zero code is thrown as that Win32 error, a lost manager as
// RPC_S_SERVER_UNAVAILABLE.
std::string call_manager(int fd, const WireWriter& request, const char* function);

// The pid of the running manager, or 0 when none runs (its pid file and lock).
int running_manager_pid();

}  // namespace w32::svc
