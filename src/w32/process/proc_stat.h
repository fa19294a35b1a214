// What /proc says about a process, for telling a live process from a reused pid.
#pragma once

#include <cstdint>

namespace w32::process {

// A process's start time (clock ticks after boot, /proc/PID/stat field 22),
// or 0 when it does not exist or has ended (a zombie).
uint64_t process_start_time(int32_t pid);

}  // namespace w32::process
