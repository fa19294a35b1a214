// RegNotifyChangeKeyValue across processes.
//
// A writer logs each change in its hive's `changes` table inside the same
// transaction, then touches the hive's ".notify" file (futimens). Each
// process with registrations runs one thread reading an inotify watch on
// the directories of the watched hives; on a touch it reads the hive's
// changes after the oldest registration's starting point and sets (once,
// as Windows does) the event of each registration a change selects. The
// starting point is read before RegNotifyChangeKeyValue returns, so no
// later change by any process is missed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "w32/registry/hive.h"

namespace w32::sync {
class SyncObject;
}

namespace w32::registry {

struct WatchSpec {
    std::shared_ptr<Hive> hive;
    std::string path;  // folded key path inside the hive
    bool subtree = false;
    uint32_t filter = 0;
};

// Whether a logged change fires a registration (exposed for the tests).
bool change_selects(const Change& change, const WatchSpec& spec) noexcept;

uint64_t add_key_watch(WatchSpec spec, std::shared_ptr<sync::SyncObject> event, const char* function);
// Drops a registration; with `signal`, sets its event first (a closed key).
void cancel_key_watch(uint64_t id, bool signal) noexcept;

}  // namespace w32::registry
