#include "w32/evtlog/message_archive.h"

#include "w32/evtlog/log_store.h"
#include "w32/evtlog/sqlite_db.h"

namespace w32::evtlog {

namespace {

constexpr const char* kArchiveSchema =
    "CREATE TABLE IF NOT EXISTS archived_messages(source TEXT NOT NULL COLLATE NOCASE,"
    " kind INTEGER NOT NULL, message_id INTEGER NOT NULL, text TEXT NOT NULL,"
    " PRIMARY KEY(source, kind, message_id));";

bool has_archive(Database& db, const char* function) {
    return db.query_int("SELECT count(*) FROM sqlite_master WHERE name = 'archived_messages';", function) != 0;
}

}  // namespace

std::vector<EventKey> exported_event_keys(const std::string& path) {
    const char* fn = "EvtArchiveExportedLog";
    LogStore::open_backup(path, fn);  // ours and sound, or its error
    Database db(path, true, false, fn);
    Statement st(db, "SELECT DISTINCT source, event_id, category FROM records;", fn);
    std::vector<EventKey> out;
    while (st.step())
        out.push_back({st.column_text(0), uint32_t(st.column_int(1)), uint32_t(st.column_int(2))});
    return out;
}

void archive_messages(const std::string& path, const std::vector<ArchivedMessage>& messages) {
    const char* fn = "EvtArchiveExportedLog";
    LogStore::open_backup(path, fn);
    Database db(path, false, false, fn);
    db.exec_retrying("BEGIN IMMEDIATE;", fn);
    try {
        db.exec(kArchiveSchema, fn);
        Statement st(db, "INSERT OR REPLACE INTO archived_messages VALUES(?,?,?,?);", fn);
        for (const auto& m : messages) {
            st.bind(1, m.source);
            st.bind(2, int64_t(m.kind));
            st.bind(3, int64_t(m.message_id));
            st.bind(4, m.text);
            st.step();
            st.reset();
        }
        db.exec("COMMIT;", fn);
    } catch (...) {
        db.rollback();
        throw;
    }
}

std::vector<ArchivedMessage> archived_messages(const std::string& path, std::string_view source) {
    const char* fn = "EvtOpenPublisherMetadata";
    LogStore::open_backup(path, fn);
    Database db(path, true, false, fn);
    std::vector<ArchivedMessage> out;
    if (!has_archive(db, fn)) return out;
    Statement st(db, "SELECT source, kind, message_id, text FROM archived_messages WHERE source = ?;", fn);
    st.bind(1, source);
    while (st.step())
        out.push_back({st.column_text(0), uint32_t(st.column_int(1)), uint32_t(st.column_int(2)), st.column_text(3)});
    return out;
}

}  // namespace w32::evtlog
