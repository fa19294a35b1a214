// The objects built from /proc and /sys (one getter per object; each lives for the process).
#pragma once

#include "w32/pdh/perf_object.h"

namespace w32::pdh {

PerfObject* system_object();
PerfObject* memory_object();
PerfObject* processor_object();
PerfObject* process_object();
PerfObject* thread_object();
PerfObject* physical_disk_object();
PerfObject* logical_disk_object();
PerfObject* network_interface_object();

// Shorthand for the counter tables.
CounterInfo counter(const char* name, uint32_t index, uint32_t type, int scale, uint32_t detail,
                    const char* explain);

}  // namespace w32::pdh
