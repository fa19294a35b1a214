#include "w32/process/proc_stat.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace w32::process {

uint64_t process_start_time(int32_t pid) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE* f = std::fopen(path, "r");
    if (!f) return 0;
    char buf[1024];
    size_t n = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[n] = '\0';
    // The command name (field 2) may hold spaces and parentheses: fields
    // are counted from the last ')'.
    char* p = std::strrchr(buf, ')');
    if (!p) return 0;
    char state = 0;
    unsigned long long start = 0;
    int field = 2;
    char* save = nullptr;
    for (char* tok = strtok_r(p + 1, " ", &save); tok; tok = strtok_r(nullptr, " ", &save)) {
        ++field;
        if (field == 3) state = tok[0];
        if (field == 22) {
            start = std::strtoull(tok, nullptr, 10);
            break;
        }
    }
    if (state == 'Z' || state == 'X') return 0;
    return start;
}

}  // namespace w32::process
