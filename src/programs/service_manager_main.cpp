// w32-service-manager: the session's service control manager (see
// w32/svc/manager.h). Clients start it as `w32-service-manager --daemon`.
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "w32/error/win32_error.h"
#include "w32/svc/manager.h"

int main(int argc, char** argv) {
    if (argc > 1 && std::strcmp(argv[1], "--daemon") == 0) {
        // The starting client reaps this parent at once; the manager is
        // left to init (or the nearest subreaper), as a daemon should be.
        pid_t pid = ::fork();
        if (pid < 0) return 2;
        if (pid > 0) return 0;
    }
    try {
        return w32::svc::run_manager(w32::svc::manager_options_from_environment());
    } catch (const w32::Win32Error& e) {
        std::fprintf(stderr, "w32-service-manager: %s (error %u)\n", e.what(), e.code());
        return 2;
    }
}
