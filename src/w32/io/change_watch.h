// Directory change notifications on inotify: FindFirstChangeNotification's
// waitable handles and ReadDirectoryChangesW's FILE_NOTIFY_INFORMATION
// records. inotify watches one directory; a subtree watch adds one per
// directory below, and follows directories created or moved in.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "w32/io/unique_fd.h"
#include "w32/kernel/handle_table.h"
#include "w32/sync/sync_objects.h"
#include "w32/sync/wait_engine.h"

namespace w32::io {

// FILE_NOTIFY_CHANGE_* and FILE_ACTION_* (winnt.h).
inline constexpr uint32_t kNotifyFileName = 0x1;
inline constexpr uint32_t kNotifyDirName = 0x2;
inline constexpr uint32_t kNotifyAttributes = 0x4;
inline constexpr uint32_t kNotifySize = 0x8;
inline constexpr uint32_t kNotifyLastWrite = 0x10;
inline constexpr uint32_t kNotifyLastAccess = 0x20;
inline constexpr uint32_t kNotifyCreation = 0x40;
inline constexpr uint32_t kNotifySecurity = 0x100;
inline constexpr uint32_t kNotifyAll = 0x17F;
inline constexpr uint32_t kActionAdded = 1;
inline constexpr uint32_t kActionRemoved = 2;
inline constexpr uint32_t kActionModified = 3;
inline constexpr uint32_t kActionRenamedOld = 4;
inline constexpr uint32_t kActionRenamedNew = 5;

struct ChangeRecord {
    uint32_t action;
    std::string name;  // relative to the watched directory, '/'-separated
};

class DirectoryWatch {
public:
    // ERROR_FILE_NOT_FOUND / ERROR_PATH_NOT_FOUND / ERROR_DIRECTORY for a
    // root that is missing or not a directory; ERROR_INVALID_PARAMETER for
    // a filter with no known bit.
    DirectoryWatch(std::string root, bool subtree, uint32_t filter, const char* function);
    int fd() const noexcept { return inotify_.get(); }
    // Reads what inotify has now (never blocks) into the record queue.
    // Returns the number of records added.
    size_t pump();
    bool has_records();
    // Records in FILE_NOTIFY_INFORMATION layout (UTF-16 names), as many as
    // fit in `capacity` bytes; the rest stay queued.
    std::vector<std::byte> take_encoded(size_t capacity);
    std::vector<ChangeRecord> take(size_t max_records);
    void clear();

private:
    void add_watch(const std::string& relative);
    void add_tree(const std::string& relative);

    std::mutex mutex_;
    UniqueFd inotify_;
    std::string root_;
    bool subtree_;
    uint32_t filter_;
    uint32_t mask_;
    std::unordered_map<int, std::string> dirs_;  // watch descriptor -> relative dir
    std::deque<ChangeRecord> records_;
};

// Waits (interruptibly) until `watch` has records; false on timeout.
bool wait_for_changes(DirectoryWatch& watch, uint32_t timeout_ms, const sync::InterruptCheck& interrupted);

// FindFirstChangeNotification: a waitable handle, signalled on a change.
Handle find_first_change_notification(std::string_view path, bool subtree, uint32_t filter);
// FindNextChangeNotification: rearms the handle (changes since are folded in).
void find_next_change_notification(Handle h);

// FILE_NOTIFY_INFORMATION's parser: (action, name) pairs of a buffer.
std::vector<ChangeRecord> decode_notify_information(std::span<const std::byte> buffer);

}  // namespace w32::io
