// One event log's records in one SQLite database (WAL): the store behind
// ReportEvent, ReadEventLog, ClearEventLog and backups. Record numbers come
// from AUTOINCREMENT, so they only grow, also across clears and crashes.
// synchronous=NORMAL in WAL mode: a commit is in the WAL file (the page
// cache) when the insert returns, so a killed writer loses nothing that
// returned; only a power loss could.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "w32/evtlog/sqlite_db.h"

namespace w32::evtlog {

// EVENTLOGRECORD's fields, as pywin32's PyEventLogRecord shows them.
struct EventRecord {
    uint32_t record_number = 0;
    uint32_t time_generated = 0;  // seconds since 1970, UTC
    uint32_t time_written = 0;
    uint32_t event_id = 0;
    uint16_t event_type = 0;
    uint16_t event_category = 0;
    uint32_t reserved_flags = 0;
    uint32_t closing_record_number = 0;
    std::string source_name;
    std::string computer_name;
    std::optional<std::vector<uint8_t>> sid;  // a binary SID, or none
    std::optional<std::vector<std::string>> strings;  // none when no inserts
    std::vector<uint8_t> data;
};

// EVENTLOGRECORD's size for this record (UTF-16 strings, padding, trailing
// length), as ReadEventLog's buffer accounting sees it.
size_t record_wire_size(const EventRecord& r);
// The largest record ReportEvent accepts, and ReadEventLog's largest batch.
inline constexpr size_t kMaxRecordBytes = 0x7FFFF;

// A log's size limit and what happens when a record would pass it, as
// Windows' MaxSize and Retention: retention 0 overwrites the oldest records
// as needed, kNeverOverwrite refuses new records (ERROR_LOG_FILE_FULL), any
// other value overwrites only records older than that many seconds.
struct LogPolicy {
    uint64_t max_bytes = 0;  // 0: no limit
    uint32_t retention = 0;
    bool forward = false;  // also send each record to journald / syslog
};
inline constexpr uint32_t kNeverOverwrite = 0xFFFFFFFF;
inline constexpr uint64_t kMinLogBytes = 0x10000;  // Windows' smallest MaxSize (64 KB)

struct LogRange {
    uint32_t oldest = 0;  // 0 when empty
    uint32_t newest = 0;
    uint32_t count() const { return oldest ? newest - oldest + 1 : 0; }
};

class LogStore {
public:
    // A live log: created on first use (file 0600), WAL mode.
    static std::unique_ptr<LogStore> open_live(const std::string& path, const char* function);
    // A backup file, read-only: a file that is not one of ours (or is
    // damaged) is ERROR_EVENTLOG_FILE_CORRUPT, a missing one ERROR_FILE_NOT_FOUND.
    static std::unique_ptr<LogStore> open_backup(const std::string& path, const char* function);

    // Appends; fills in record_number and returns it. Under a size limit,
    // first makes room by the policy, in the same transaction.
    // `used`, when given, receives the policy the append ran under.
    uint32_t append(EventRecord& r, LogPolicy* used = nullptr);
    LogPolicy policy();
    // Pages in use, in bytes: the size a limit is checked against.
    uint64_t used_bytes();
    // Under a limit that does not (freely) overwrite, and out of room.
    bool full();
    // ERROR_INVALID_PARAMETER for a limit under kMinLogBytes.
    void set_policy(const LogPolicy& p);
    LogRange range();
    // Records from `start` on, in record order or reverse, until their wire
    // sizes pass `max_bytes` (always at least one when any is there).
    std::vector<EventRecord> read(uint32_t start, bool forwards, size_t max_bytes);
    void clear();
    // Writes a consistent copy to `path` (which must not exist): a database
    // in rollback-journal mode, mode 0600.
    void backup_to(const std::string& path, const char* function);

private:
    explicit LogStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
    void check_ours(const char* function);
    void make_room(const LogPolicy& p, uint32_t now, size_t needed);
    uint32_t insert(EventRecord& r);

    std::unique_ptr<Database> db_;
    // Prepared on first append, reused.
    std::unique_ptr<Statement> begin_, commit_, policy_, insert_;
};

}  // namespace w32::evtlog
