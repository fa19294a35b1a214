#include "w32/evtlog/log_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"

namespace w32::evtlog {

namespace {

constexpr uint32_t kEventlogFileCorrupt = 1500;
// PRAGMA application_id of our log files: "W3EL".
constexpr int64_t kApplicationId = 0x5733454C;
constexpr int64_t kSchemaVersion = 1;

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS records("
    " rec INTEGER PRIMARY KEY AUTOINCREMENT,"
    " time_generated INTEGER NOT NULL, time_written INTEGER NOT NULL,"
    " event_id INTEGER NOT NULL, event_type INTEGER NOT NULL, category INTEGER NOT NULL,"
    " reserved_flags INTEGER NOT NULL, closing_record INTEGER NOT NULL,"
    " source TEXT NOT NULL, computer TEXT NOT NULL, sid BLOB,"
    " num_strings INTEGER NOT NULL, strings BLOB NOT NULL, data BLOB NOT NULL);";

constexpr const char* kSettingsSchema =
    "CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value INTEGER NOT NULL);";

constexpr const char* kColumns =
    "rec, time_generated, time_written, event_id, event_type, category, reserved_flags,"
    " closing_record, source, computer, sid, num_strings, strings, data";

// String inserts in one blob: each is a 4-byte little-endian length, then its bytes.
std::vector<uint8_t> pack_strings(const std::vector<std::string>& strings) {
    std::vector<uint8_t> out;
    for (const auto& s : strings) {
        uint32_t n = uint32_t(s.size());
        for (int i = 0; i < 4; ++i) out.push_back(uint8_t(n >> (8 * i)));
        out.insert(out.end(), s.begin(), s.end());
    }
    return out;
}

std::vector<std::string> unpack_strings(const std::vector<uint8_t>& blob, int64_t count,
                                        const char* function) {
    std::vector<std::string> out;
    size_t at = 0;
    for (int64_t i = 0; i < count; ++i) {
        if (blob.size() - at < 4) throw_win32(kEventlogFileCorrupt, function);
        uint32_t n = 0;
        for (int b = 0; b < 4; ++b) n |= uint32_t(blob[at + b]) << (8 * b);
        at += 4;
        if (blob.size() - at < n) throw_win32(kEventlogFileCorrupt, function);
        out.emplace_back(reinterpret_cast<const char*>(blob.data() + at), n);
        at += n;
    }
    return out;
}

size_t utf16_units(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) {
        if ((c & 0xC0) != 0x80) n += (c >= 0xF0) ? 2 : 1;  // 4-byte sequences are surrogate pairs
    }
    return n;
}

EventRecord row_to_record(const Statement& st, const char* function) {
    EventRecord r;
    r.record_number = uint32_t(st.column_int(0));
    r.time_generated = uint32_t(st.column_int(1));
    r.time_written = uint32_t(st.column_int(2));
    r.event_id = uint32_t(st.column_int(3));
    r.event_type = uint16_t(st.column_int(4));
    r.event_category = uint16_t(st.column_int(5));
    r.reserved_flags = uint32_t(st.column_int(6));
    r.closing_record_number = uint32_t(st.column_int(7));
    r.source_name = st.column_text(8);
    r.computer_name = st.column_text(9);
    if (!st.column_is_null(10)) r.sid = st.column_blob(10);
    int64_t count = st.column_int(11);
    if (count < 0 || count > 0xFFFF) throw_win32(kEventlogFileCorrupt, function);
    if (count > 0) r.strings = unpack_strings(st.column_blob(12), count, function);
    r.data = st.column_blob(13);
    return r;
}

}  // namespace

size_t record_wire_size(const EventRecord& r) {
    size_t n = 56;  // the fixed part of EVENTLOGRECORD
    n += (utf16_units(r.source_name) + 1) * 2 + (utf16_units(r.computer_name) + 1) * 2;
    n = (n + 3) & ~size_t{3};
    if (r.sid) n += r.sid->size();
    if (r.strings)
        for (const auto& s : *r.strings) n += (utf16_units(s) + 1) * 2;
    n += r.data.size();
    n = (n + 3) & ~size_t{3};
    return n + 4;  // the trailing Length
}

std::unique_ptr<LogStore> LogStore::open_live(const std::string& path, const char* function) {
    auto store = std::unique_ptr<LogStore>(
        new LogStore(std::make_unique<Database>(path, false, true, function)));
    Database& db = *store->db_;
    // The first read fails here if the file is not a database at all.
    int64_t app_id = db.query_int("PRAGMA application_id;", function);
    if (app_id != kApplicationId) {
        if (app_id != 0) throw_win32(kEventlogFileCorrupt, function);
        db.exec_retrying("PRAGMA journal_mode=WAL;", function);
        db.exec_retrying("BEGIN IMMEDIATE;", function);
        try {
            // Someone else may have made the schema while we waited.
            if (db.query_int("PRAGMA application_id;", function) == 0) {
                if (db.query_int("SELECT count(*) FROM sqlite_master;", function) != 0)
                    throw_win32(kEventlogFileCorrupt, function);
                db.exec(kSchema, function);
                db.exec("PRAGMA application_id=1462977868; PRAGMA user_version=1;", function);
            }
            db.exec("COMMIT;", function);
        } catch (...) {
            db.rollback();
            throw;
        }
    }
    db.exec_retrying("PRAGMA journal_mode=WAL;", function);
    db.exec("PRAGMA synchronous=NORMAL;", function);
    store->check_ours(function);
    // Logs made before size limits existed get the settings table on first open.
    if (db.query_int("SELECT count(*) FROM sqlite_master WHERE name = 'settings';", function) == 0)
        db.exec_retrying(kSettingsSchema, function);
    return store;
}

std::unique_ptr<LogStore> LogStore::open_backup(const std::string& path, const char* function) {
    auto store = std::unique_ptr<LogStore>(
        new LogStore(std::make_unique<Database>(path, true, false, function)));
    if (store->db_->query_int("PRAGMA application_id;", function) != kApplicationId)
        throw_win32(kEventlogFileCorrupt, function);
    store->check_ours(function);
    // A damaged file can still have a good header: look at every page once.
    Statement check(*store->db_, "PRAGMA quick_check;", function);
    if (!check.step() || check.column_text(0) != "ok") throw_win32(kEventlogFileCorrupt, function);
    return store;
}

void LogStore::check_ours(const char* function) {
    if (db_->query_int("PRAGMA user_version;", function) != kSchemaVersion)
        throw_win32(kEventlogFileCorrupt, function);
    // The columns we read must be there, whatever else the file holds.
    try {
        Statement probe(*db_, (std::string("SELECT ") + kColumns + " FROM records LIMIT 0;").c_str(),
                        function);
    } catch (const Win32Error&) {
        throw_win32(kEventlogFileCorrupt, function);
    }
}

// One transaction: the policy read, the room made and the insert, so that
// concurrent writers never pass the limit together.
uint32_t LogStore::append(EventRecord& r, LogPolicy* used) {
    const char* fn = "ReportEvent";
    if (!begin_) {
        begin_ = std::make_unique<Statement>(*db_, "BEGIN IMMEDIATE;", fn);
        commit_ = std::make_unique<Statement>(*db_, "COMMIT;", fn);
    }
    begin_->reset();
    begin_->step();
    try {
        LogPolicy p = policy();
        if (p.max_bytes) make_room(p, r.time_written, record_wire_size(r));
        uint32_t number = insert(r);
        commit_->reset();
        commit_->step();
        if (used) *used = p;
        return number;
    } catch (...) {
        db_->rollback();
        throw;
    }
}

LogPolicy LogStore::policy() {
    if (!policy_)
        policy_ = std::make_unique<Statement>(
            *db_, "SELECT key, value FROM settings WHERE key IN ('max_bytes', 'retention', 'forward');",
            "ReportEvent");
    LogPolicy p;
    policy_->reset();
    while (policy_->step()) {
        std::string key = policy_->column_text(0);
        if (key == "max_bytes") p.max_bytes = uint64_t(policy_->column_int(1));
        else if (key == "retention") p.retention = uint32_t(policy_->column_int(1));
        else p.forward = policy_->column_int(1) != 0;
    }
    policy_->reset();
    return p;
}

void LogStore::set_policy(const LogPolicy& p) {
    const char* fn = "SetLogPolicy";
    if (p.max_bytes != 0 && p.max_bytes < kMinLogBytes) throw_win32(err::kInvalidParameter, fn);
    Statement st(*db_,
                 "INSERT OR REPLACE INTO settings(key, value)"
                 " VALUES('max_bytes', ?1), ('retention', ?2), ('forward', ?3);",
                 fn);
    st.bind(1, int64_t(p.max_bytes));
    st.bind(2, int64_t(p.retention));
    st.bind(3, int64_t(p.forward));
    st.step();
}

uint64_t LogStore::used_bytes() {
    const char* fn = "EvtGetLogInfo";
    int64_t pages = db_->query_int("PRAGMA page_count;", fn) - db_->query_int("PRAGMA freelist_count;", fn);
    return uint64_t(pages) * uint64_t(db_->query_int("PRAGMA page_size;", fn));
}

bool LogStore::full() {
    LogPolicy p = policy();
    if (!p.max_bytes || p.retention == 0) return false;
    // A small record would not fit, and (for a retention in days) nothing may go.
    return used_bytes() + 3 * uint64_t(db_->query_int("PRAGMA page_size;", "EvtGetLogInfo")) > p.max_bytes;
}

// The log's size is its pages in use (free pages are reused first); the
// oldest records go, 64 at a time, until the next record fits.
void LogStore::make_room(const LogPolicy& p, uint32_t now, size_t needed) {
    const char* fn = "ReportEvent";
    constexpr uint32_t kLogFileFull = 1502;  // ERROR_LOG_FILE_FULL
    uint64_t page = uint64_t(db_->query_int("PRAGMA page_size;", fn));
    // Room for the record and the pages its insert may split.
    while (used_bytes() + needed + 2 * page > p.max_bytes) {
        if (p.retention == kNeverOverwrite) throw_win32(kLogFileFull, fn);
        Statement del(*db_,
                      "DELETE FROM records WHERE rec IN (SELECT rec FROM records"
                      " WHERE ?1 = 0 OR time_written <= ?2 ORDER BY rec LIMIT 64);",
                      fn);
        del.bind(1, int64_t(p.retention));
        del.bind(2, int64_t(now) - int64_t(p.retention));
        del.step();
        if (sqlite3_changes(db_->raw()) == 0) throw_win32(kLogFileFull, fn);
    }
}

uint32_t LogStore::insert(EventRecord& r) {
    const char* fn = "ReportEvent";
    if (!insert_)
        insert_ = std::make_unique<Statement>(
            *db_,
            "INSERT INTO records(time_generated, time_written, event_id, event_type, category,"
            " reserved_flags, closing_record, source, computer, sid, num_strings, strings, data)"
            " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING rec;",
            fn);
    Statement& st = *insert_;
    struct Reset {
        Statement& st;
        ~Reset() { st.reset(); }
    } reset{st};
    st.bind(1, int64_t(r.time_generated));
    st.bind(2, int64_t(r.time_written));
    st.bind(3, int64_t(r.event_id));
    st.bind(4, int64_t(r.event_type));
    st.bind(5, int64_t(r.event_category));
    st.bind(6, int64_t(r.reserved_flags));
    st.bind(7, int64_t(r.closing_record_number));
    st.bind(8, r.source_name);
    st.bind(9, r.computer_name);
    if (r.sid) st.bind_blob(10, *r.sid); else st.bind_null(10);
    std::vector<std::string> none;
    const auto& strings = r.strings ? *r.strings : none;
    st.bind(11, int64_t(strings.size()));
    st.bind_blob(12, pack_strings(strings));
    st.bind_blob(13, r.data);
    if (!st.step()) throw_win32(err::kInternalError, fn);
    int64_t rec = st.column_int(0);
    // Drain the statement: the commit happens when it completes.
    while (st.step()) {
    }
    if (rec <= 0 || rec > 0xFFFFFFFFLL) throw_win32(1502, fn);  // ERROR_LOG_FILE_FULL
    r.record_number = uint32_t(rec);
    return r.record_number;
}

LogRange LogStore::range() {
    Statement st(*db_, "SELECT min(rec), max(rec) FROM records;", "GetNumberOfEventLogRecords");
    LogRange out;
    if (st.step() && !st.column_is_null(0)) {
        out.oldest = uint32_t(st.column_int(0));
        out.newest = uint32_t(st.column_int(1));
    }
    return out;
}

std::vector<EventRecord> LogStore::read(uint32_t start, bool forwards, size_t max_bytes) {
    const char* fn = "ReadEventLog";
    std::string sql = std::string("SELECT ") + kColumns + " FROM records WHERE rec " +
                      (forwards ? ">= ? ORDER BY rec ASC;" : "<= ? ORDER BY rec DESC;");
    Statement st(*db_, sql.c_str(), fn);
    st.bind(1, int64_t(start));
    std::vector<EventRecord> out;
    size_t used = 0;
    while (st.step()) {
        EventRecord r = row_to_record(st, fn);
        size_t n = record_wire_size(r);
        if (!out.empty() && used + n > max_bytes) break;
        used += n;
        out.push_back(std::move(r));
    }
    return out;
}

void LogStore::clear() { db_->exec("DELETE FROM records;", "ClearEventLog"); }

void LogStore::backup_to(const std::string& path, const char* function) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == EEXIST) throw_win32(err::kAlreadyExists, function);
    if (fd < 0) throw_errno(errno, function);
    ::close(fd);
    try {
        Database dest(path, false, false, function);
        int rc;
        {
            SqliteCall call;
            sqlite3_backup* b = sqlite3_backup_init(dest.raw(), "main", db_->raw(), "main");
            rc = b ? sqlite3_backup_step(b, -1) : sqlite3_errcode(dest.raw());
            if (b) sqlite3_backup_finish(b);
        }
        if (rc != SQLITE_DONE) throw_sqlite(rc, function);
        // A self-contained file: no -wal beside it is needed to read it.
        dest.exec("PRAGMA journal_mode=DELETE;", function);
    } catch (...) {
        ::unlink(path.c_str());
        throw;
    }
}

}  // namespace w32::evtlog
