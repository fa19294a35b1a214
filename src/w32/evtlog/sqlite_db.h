// A small RAII layer over SQLite for the event log: one connection, prepared
// statements, and the one place where SQLite result codes become Win32 errors.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace w32::evtlog {

// SQLite's code -> the Win32 code Windows' event log would give: a file that
// is not a (valid) database is ERROR_EVENTLOG_FILE_CORRUPT, a full disk
// ERROR_DISK_FULL, a lock held too long ERROR_BUSY, ...
uint32_t win32_from_sqlite(int rc) noexcept;
[[noreturn]] void throw_sqlite(int rc, const char* function);

class Statement;

// Held (shared) around every call into SQLite; fork() waits, in a
// pthread_atfork handler, until no thread is inside SQLite and holds it
// meanwhile. SQLite's process-wide state (its allocator's mutex, each file's
// lock and WAL-index mutexes, which a child's new connection to the same
// file shares) is then unlocked in the child, which would otherwise hang on
// a mutex held by a thread that does not exist there. Not reentrant: never
// nest two.
class SqliteCall {
public:
    SqliteCall();
    ~SqliteCall();
    SqliteCall(const SqliteCall&) = delete;
    SqliteCall& operator=(const SqliteCall&) = delete;
};

class Database {
public:
    // Opens `path`; with `create`, a missing file is made mode 0600 first
    // (SQLite gives its -wal and -shm files the same mode).
    Database(const std::string& path, bool read_only, bool create, const char* function);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    sqlite3* raw() const noexcept { return db_; }
    // Runs statements that return no rows; a failure throws for `function`.
    void exec(const char* sql, const char* function);
    // Runs `sql` again while SQLite reports the database busy or locked
    // (bounded: after ~10 s the busy error stands).
    void exec_retrying(const char* sql, const char* function);
    int64_t query_int(const char* sql, const char* function);
    // ROLLBACK, ignoring failure (there is no transaction, or it is gone).
    void rollback() noexcept;

private:
    sqlite3* db_ = nullptr;
};

class Statement {
public:
    Statement(Database& db, const char* sql, const char* function);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    void bind(int index, int64_t value);
    void bind(int index, std::string_view text);
    void bind_blob(int index, std::span<const uint8_t> bytes);
    void bind_null(int index);
    // True while a row is available; false when done. Throws on errors.
    bool step();
    void reset() noexcept;

    int64_t column_int(int index) const;
    std::string column_text(int index) const;
    std::vector<uint8_t> column_blob(int index) const;
    bool column_is_null(int index) const;

private:
    sqlite3_stmt* stmt_ = nullptr;
    const char* function_;
};

}  // namespace w32::evtlog
