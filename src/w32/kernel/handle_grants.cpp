#include "w32/kernel/handle_grants.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/object_refs.h"
#include "w32/process/proc_stat.h"

namespace w32::arena {

using process::process_start_time;

namespace {

void drop(ArenaTx& tx, GrantRecord& g) {
    ObjectSlot& o = tx.layout().objects[g.object];
    tx.set(o.grants, o.grants - 1);
    tx.set(g.in_use, 0u);
}

}  // namespace

namespace {

GrantRecord& free_grant(Layout& l, const char* function) {
    for (GrantRecord& g : l.grants)
        if (!g.in_use) return g;
    throw_win32(err::kNoSystemResources, function);
}

void fill_grant(ArenaTx& tx, GrantRecord& g, uint32_t object, int32_t target_pid, uint32_t access, bool inherit,
                Handle value, const char* function) {
    uint64_t start = process_start_time(target_pid);
    if (start == 0) throw_win32(err::kInvalidHandle, function);
    tx.set(g.in_use, 1u);
    tx.set(g.target_pid, target_pid);
    tx.set(g.target_start, start);
    tx.set(g.handle, value);
    tx.set(g.object, object);
    tx.set(g.access, access);
    tx.set(g.inherit, inherit ? 1u : 0u);
    tx.set(tx.layout().objects[object].grants, tx.layout().objects[object].grants + 1);
}

}  // namespace

Handle grant_handle(ArenaTx& tx, uint32_t object, int32_t target_pid, uint32_t access, bool inherit) {
    Layout& l = tx.layout();
    GrantRecord& g = free_grant(l, "DuplicateHandle");
    uint64_t value = l.header.next_remote_handle;
    if (value < kFirstRemoteHandle) value = kFirstRemoteHandle;
    tx.set(l.header.next_remote_handle, value + 4);
    fill_grant(tx, g, object, target_pid, access, inherit, value, "DuplicateHandle");
    return value;
}

void grant_inherited_handle(ArenaTx& tx, uint32_t object, int32_t target_pid, uint32_t access, Handle value) {
    GrantRecord& g = free_grant(tx.layout(), "CreateProcess");
    fill_grant(tx, g, object, target_pid, access, true, value, "CreateProcess");
}

std::vector<std::pair<Handle, ClaimedGrant>> claim_inherited_grants(ArenaTx& tx, int32_t pid) {
    std::vector<std::pair<Handle, ClaimedGrant>> claimed;
    uint64_t start = process_start_time(pid);
    for (GrantRecord& g : tx.layout().grants) {
        if (!g.in_use || g.target_pid != pid || g.handle >= kFirstRemoteHandle || g.target_start != start) continue;
        claimed.emplace_back(g.handle, ClaimedGrant{g.object, g.access, g.inherit != 0});
        ObjectRefs::instance().add(tx, g.object);
        drop(tx, g);
    }
    return claimed;
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
