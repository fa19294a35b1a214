#include "w32/svc/service_store.h"

#include "w32/evtlog/sqlite_db.h"
#include "w32/svc/protocol.h"

namespace w32::svc {

using evtlog::Database;
using evtlog::Statement;

static constexpr const char* kFunction = "ServiceManager";

static std::vector<uint8_t> as_blob(const std::string& bytes) {
    return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

ServiceStore::ServiceStore(const std::string& path)
    : db_(std::make_unique<Database>(path, false, true, kFunction)) {
    db_->exec_retrying("PRAGMA journal_mode=WAL", kFunction);
    db_->exec("PRAGMA synchronous=NORMAL", kFunction);
    db_->exec(
        "CREATE TABLE IF NOT EXISTS services(key TEXT PRIMARY KEY, config BLOB NOT NULL);"
        "CREATE TABLE IF NOT EXISTS service_values(key TEXT, name TEXT, value TEXT,"
        "  PRIMARY KEY(key, name));"
        "CREATE TABLE IF NOT EXISTS running(key TEXT PRIMARY KEY, pid INTEGER, start_time INTEGER,"
        "  status BLOB)",
        kFunction);
}

ServiceStore::~ServiceStore() = default;

std::vector<ServiceConfig> ServiceStore::load_all() {
    std::vector<ServiceConfig> all;
    Statement st(*db_, "SELECT config FROM services ORDER BY key", kFunction);
    while (st.step()) {
        std::vector<uint8_t> blob = st.column_blob(0);
        WireReader r(std::string_view(reinterpret_cast<const char*>(blob.data()), blob.size()));
        all.push_back(r.config());
    }
    return all;
}

void ServiceStore::put(const ServiceConfig& config) {
    WireWriter w;
    w.config(config);
    Statement st(*db_, "INSERT OR REPLACE INTO services(key, config) VALUES(?, ?)", kFunction);
    st.bind(1, fold_name(config.name));
    st.bind_blob(2, as_blob(w.bytes()));
    st.step();
}

void ServiceStore::remove(const std::string& key) {
    for (const char* sql : {"DELETE FROM services WHERE key = ?", "DELETE FROM service_values WHERE key = ?",
                            "DELETE FROM running WHERE key = ?"}) {
        Statement st(*db_, sql, kFunction);
        st.bind(1, key);
        st.step();
    }
}

void ServiceStore::set_value(const std::string& key, const std::string& name, const std::string& value) {
    Statement st(*db_, "INSERT OR REPLACE INTO service_values(key, name, value) VALUES(?, ?, ?)", kFunction);
    st.bind(1, key);
    st.bind(2, fold_name(name));
    st.bind(3, value);
    st.step();
}

std::optional<std::string> ServiceStore::get_value(const std::string& key, const std::string& name) {
    Statement st(*db_, "SELECT value FROM service_values WHERE key = ? AND name = ?", kFunction);
    st.bind(1, key);
    st.bind(2, fold_name(name));
    if (!st.step()) return std::nullopt;
    return st.column_text(0);
}

void ServiceStore::put_running(const RunRecord& record) {
    WireWriter w;
    w.status(record.status);
    Statement st(*db_, "INSERT OR REPLACE INTO running(key, pid, start_time, status) VALUES(?, ?, ?, ?)",
                 kFunction);
    st.bind(1, record.key);
    st.bind(2, static_cast<int64_t>(record.pid));
    st.bind(3, static_cast<int64_t>(record.start_time));
    st.bind_blob(4, as_blob(w.bytes()));
    st.step();
}

void ServiceStore::clear_running(const std::string& key) {
    Statement st(*db_, "DELETE FROM running WHERE key = ?", kFunction);
    st.bind(1, key);
    st.step();
}

std::vector<RunRecord> ServiceStore::load_running() {
    std::vector<RunRecord> all;
    Statement st(*db_, "SELECT key, pid, start_time, status FROM running", kFunction);
    while (st.step()) {
        RunRecord r;
        r.key = st.column_text(0);
        r.pid = static_cast<uint32_t>(st.column_int(1));
        r.start_time = static_cast<uint64_t>(st.column_int(2));
        std::vector<uint8_t> blob = st.column_blob(3);
        r.status = WireReader(std::string_view(reinterpret_cast<const char*>(blob.data()), blob.size())).status();
        all.push_back(std::move(r));
    }
    return all;
}

}  // namespace w32::svc
