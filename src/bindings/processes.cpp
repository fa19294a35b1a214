// Process handles and DuplicateHandle for win32api.
#include <unistd.h>

#include "handle.h"
#include "modules.h"
#include "w32/process/process_object.h"
#include "w32/process/thread_object.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace proc = w32::process;

namespace bindings {

void bind_process_functions(nb::module_ m) {
    m.def("GetCurrentProcess", [] { return -1; },
          "The pseudo-handle of the calling process (-1): valid in this process only.");
    m.def("GetCurrentThread", [] { return -2; },
          "The pseudo-handle of the calling thread (-2).");
    m.def("GetCurrentProcessId", [] { return uint32_t(getpid()); }, "The calling process's id.");
    m.def("OpenProcess",
          [](uint32_t access, int inherit, uint32_t pid) {
              return PyHandle(proc::open_process(access, inherit != 0, pid));
          },
          "reqdAccess"_a, "bInherit"_a, "pid"_a,
          "A handle to a running process; waiting on it returns when the process ends. "
          "ERROR_INVALID_PARAMETER when no such process runs.");
    m.def("OpenThread",
          [](uint32_t access, int inherit, uint32_t tid) {
              return PyHandle(proc::open_thread(access, inherit != 0, tid));
          },
          "reqdAccess"_a, "bInherit"_a, "pid"_a,
          "A handle to the thread with this id (a Linux task id: threading.get_native_id(), "
          "GetCurrentThreadId), of this or another process the user may see; waiting on it returns "
          "when the thread ends. ERROR_INVALID_PARAMETER when no such thread runs.");
    m.def("DuplicateHandle",
          [](HandleArg source_process, HandleArg source, HandleArg target_process, uint32_t access,
             int inherit, uint32_t options) {
              return PyHandle(proc::duplicate_handle(source_process.value, source.value,
                                                     target_process.value, access, inherit != 0,
                                                     options));
          },
          "hSourceProcess"_a, "hSource"_a, "hTargetProcessHandle"_a, "desiredAccess"_a,
          "bInheritHandle"_a, "options"_a,
          "Duplicates a handle of this process into this or another process. Events, mutexes, "
          "semaphores and timers can go to any process of the session (the target uses the "
          "returned value); on POSIX other kinds raise ERROR_NOT_SUPPORTED across processes, "
          "and so does a source process other than this one.");
}

}  // namespace bindings
