#include "w32/evtlog/sqlite_db.h"

#include <pthread.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"

namespace w32::evtlog {

namespace {
constexpr uint32_t kEventlogFileCorrupt = 1500;  // ERROR_EVENTLOG_FILE_CORRUPT
constexpr int kBusyTimeoutMs = 10000;
}  // namespace

uint32_t win32_from_sqlite(int rc) noexcept {
    switch (rc & 0xFF) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_FORMAT:
    case SQLITE_SCHEMA:
        return kEventlogFileCorrupt;
    case SQLITE_FULL: return err::kDiskFull;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return err::kBusy;
    case SQLITE_NOMEM: return err::kNotEnoughMemory;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH: return err::kAccessDenied;
    case SQLITE_CANTOPEN: return err::kFileNotFound;
    case SQLITE_TOOBIG: return err::kInvalidParameter;
    default: return err::kInternalError;
    }
}

namespace {

void init_activity_lock(pthread_rwlock_t* lock) {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    // fork() waiting for calls to end must not be overtaken by new ones.
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(lock, &attr);
    pthread_rwlockattr_destroy(&attr);
}

pthread_rwlock_t* activity_lock() {
    static pthread_rwlock_t* lock = [] {
        auto* made = new pthread_rwlock_t;
        init_activity_lock(made);
        // In the child the lock is made new, not unlocked: glibc knows a
        // writer by its thread id, which the forking thread no longer has.
        pthread_atfork([] { pthread_rwlock_wrlock(activity_lock()); },
                       [] { pthread_rwlock_unlock(activity_lock()); },
                       [] { init_activity_lock(activity_lock()); });
        return made;
    }();
    return lock;
}

}  // namespace

SqliteCall::SqliteCall() { pthread_rwlock_rdlock(activity_lock()); }
SqliteCall::~SqliteCall() { pthread_rwlock_unlock(activity_lock()); }

void Database::rollback() noexcept {
    SqliteCall call;
    sqlite3_exec(db_, "ROLLBACK;", nullptr, nullptr, nullptr);
}

void throw_sqlite(int rc, const char* function) { throw_win32(win32_from_sqlite(rc), function); }

Database::Database(const std::string& path, bool read_only, bool create, const char* function) {
    SqliteCall call;
    if (create && !read_only) {
        int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) throw_errno(errno, function);
        ::close(fd);
    } else {
        struct stat st;
        if (::stat(path.c_str(), &st) != 0) throw_errno(errno, function);
        if (!S_ISREG(st.st_mode)) throw_win32(kEventlogFileCorrupt, function);
    }
    int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw_sqlite(rc, function);
    }
    sqlite3_extended_result_codes(db_, 0);
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
}

Database::~Database() {
    SqliteCall call;
    sqlite3_close_v2(db_);
}

void Database::exec(const char* sql, const char* function) {
    SqliteCall call;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) throw_sqlite(rc, function);
}

void Database::exec_retrying(const char* sql, const char* function) {
    // Some lock conflicts (changing the journal mode, WAL recovery) return
    // SQLITE_BUSY without consulting the busy handler.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
    for (;;) {
        int rc;
        {
            SqliteCall call;
            rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
        }
        if (rc == SQLITE_OK) return;
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || std::chrono::steady_clock::now() > deadline)
            throw_sqlite(rc, function);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

int64_t Database::query_int(const char* sql, const char* function) {
    Statement st(*this, sql, function);
    return st.step() ? st.column_int(0) : 0;
}

Statement::Statement(Database& db, const char* sql, const char* function) : function_(function) {
    SqliteCall call;
    int rc = sqlite3_prepare_v2(db.raw(), sql, -1, &stmt_, nullptr);
    if (rc != SQLITE_OK) throw_sqlite(rc, function);
}

Statement::~Statement() {
    SqliteCall call;
    sqlite3_finalize(stmt_);
}

void Statement::bind(int index, int64_t value) {
    SqliteCall call;
    int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) throw_sqlite(rc, function_);
}

void Statement::bind(int index, std::string_view text) {
    SqliteCall call;
    int rc = sqlite3_bind_text(stmt_, index, text.data(), int(text.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) throw_sqlite(rc, function_);
}

void Statement::bind_blob(int index, std::span<const uint8_t> bytes) {
    SqliteCall call;
    static const uint8_t empty = 0;
    int rc = sqlite3_bind_blob(stmt_, index, bytes.empty() ? &empty : bytes.data(), int(bytes.size()),
                               SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) throw_sqlite(rc, function_);
}

void Statement::bind_null(int index) {
    SqliteCall call;
    int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) throw_sqlite(rc, function_);
}

bool Statement::step() {
    SqliteCall call;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3_reset(stmt_);
    throw_sqlite(rc, function_);
}

void Statement::reset() noexcept {
    SqliteCall call;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
    SqliteCall call;
    auto* p = sqlite3_column_text(stmt_, index);
    int n = sqlite3_column_bytes(stmt_, index);
    return p ? std::string(reinterpret_cast<const char*>(p), size_t(n)) : std::string();
}

std::vector<uint8_t> Statement::column_blob(int index) const {
    SqliteCall call;
    auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, index));
    int n = sqlite3_column_bytes(stmt_, index);
    return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>();
}

bool Statement::column_is_null(int index) const {
    SqliteCall call;
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

}  // namespace w32::evtlog
