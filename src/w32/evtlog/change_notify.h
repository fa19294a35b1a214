// NotifyChangeEventLog across processes.
//
// The choice: a writer, after its insert has committed, touches the log's
// "<log>.log.notify" file in the eventlog directory (futimens: one
// syscall). Each process that has registrations runs one watcher thread
// reading an inotify watch on that directory, and sets every registered
// event of the log named by the touched file. The inotify queue holds every
// touch made after the watch was added (it is added before
// NotifyChangeEventLog returns), so no record written afterwards by any
// process goes unsignalled, and the signal only comes once the record is
// readable. (A shared named event would need someone to reset it, and a
// pulse is lost by a watcher that is between two waits.)
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "w32/sync/sync_objects.h"

namespace w32::evtlog {

// Sets `event` for every record written to `log` from now on; returns an id
// for remove_change_watch.
uint64_t add_change_watch(const std::string& log, std::shared_ptr<sync::SyncObject> event);
void remove_change_watch(uint64_t id) noexcept;

// The writer's side: an open descriptor on the log's notify file, touched
// after each record.
class ChangeNotifier {
public:
    explicit ChangeNotifier(const std::string& log);
    ~ChangeNotifier();
    ChangeNotifier(const ChangeNotifier&) = delete;
    ChangeNotifier& operator=(const ChangeNotifier&) = delete;
    void record_written() noexcept;

private:
    int fd_ = -1;
};

}  // namespace w32::evtlog
