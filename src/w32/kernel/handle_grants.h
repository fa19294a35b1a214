// DuplicateHandle into another process: the arena keeps a grant naming the
// target process and a session-wide unique handle value; the target claims
// it the first time it uses that value. A pending grant keeps its object
// alive, as the handle would on Windows.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "w32/kernel/arena.h"
#include "w32/kernel/handle_table.h"

namespace w32::arena {

Handle grant_handle(ArenaTx& tx, uint32_t object, int32_t target_pid, uint32_t access, bool inherit);

struct ClaimedGrant {
    uint32_t object;
    uint32_t access;
    bool inherit;
};
// Takes the grant of `value` for process `pid` (adding this process's
// reference to the object), or nullopt when there is none.
std::optional<ClaimedGrant> claim_grant(ArenaTx& tx, Handle value, int32_t pid);

// CreateProcess's inheritance: a grant under the value the handle has here,
// for the child to claim at start.
void grant_inherited_handle(ArenaTx& tx, uint32_t object, int32_t target_pid, uint32_t access, Handle value);

// Takes every inherited grant (values below kFirstRemoteHandle) waiting for
// process `pid`, with this process's references to their objects.
std::vector<std::pair<Handle, ClaimedGrant>> claim_inherited_grants(ArenaTx& tx, int32_t pid);

// Drops grants whose target process no longer exists.
void drop_dead_grants(ArenaTx& tx);

}  // namespace w32::arena
