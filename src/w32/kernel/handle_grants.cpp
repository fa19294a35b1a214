#include "w32/kernel/handle_grants.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/object_refs.h"

namespace w32::arena {

namespace {

// A process's start time (clock ticks after boot, /proc/PID/stat field 22),
// or 0 when it does not exist or has ended (a zombie).
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

void drop(ArenaTx& tx, GrantRecord& g) {
    ObjectSlot& o = tx.layout().objects[g.object];
    tx.set(o.grants, o.grants - 1);
    tx.set(g.in_use, 0u);
}

}  // namespace

Handle grant_handle(ArenaTx& tx, uint32_t object, int32_t target_pid, uint32_t access, bool inherit) {
    Layout& l = tx.layout();
    for (GrantRecord& g : l.grants) {
        if (g.in_use) continue;
        uint64_t value = l.header.next_remote_handle;
        if (value < kFirstRemoteHandle) value = kFirstRemoteHandle;
        tx.set(l.header.next_remote_handle, value + 4);
        tx.set(g.in_use, 1u);
        uint64_t start = process_start_time(target_pid);
        if (start == 0) throw_win32(err::kInvalidHandle, "DuplicateHandle");
        tx.set(g.target_pid, target_pid);
        tx.set(g.target_start, start);
        tx.set(g.handle, value);
        tx.set(g.object, object);
        tx.set(g.access, access);
        tx.set(g.inherit, inherit ? 1u : 0u);
        tx.set(l.objects[object].grants, l.objects[object].grants + 1);
        return value;
    }
    throw_win32(err::kNoSystemResources, "DuplicateHandle");
}

std::optional<ClaimedGrant> claim_grant(ArenaTx& tx, Handle value, int32_t pid) {
    for (GrantRecord& g : tx.layout().grants) {
        if (!g.in_use || g.handle != value || g.target_pid != pid) continue;
        if (g.target_start != process_start_time(pid)) continue;  // for an earlier process
        ClaimedGrant claimed{g.object, g.access, g.inherit != 0};
        ObjectRefs::instance().add(tx, g.object);
        drop(tx, g);
        return claimed;
    }
    return std::nullopt;
}

void drop_dead_grants(ArenaTx& tx) {
    for (GrantRecord& g : tx.layout().grants)
        if (g.in_use && process_start_time(g.target_pid) != g.target_start) drop(tx, g);
}

}  // namespace w32::arena
