#include "w32/evtlog/source_registry.h"

#include <unistd.h>

#include <array>
#include <cctype>
#include <memory>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/evtlog/sqlite_db.h"
#include "w32/kernel/session_root.h"

namespace w32::evtlog {

namespace {

constexpr std::array<std::string_view, 3> kBuiltinLogs = {"Application", "System", "Security"};

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::unique_ptr<Database> open_registry(const char* function) {
    auto db = std::make_unique<Database>(eventlog_dir() + "/sources.db", false, true, function);
    db->exec_retrying("PRAGMA journal_mode=WAL;", function);
    db->exec_retrying(
        "CREATE TABLE IF NOT EXISTS sources(name TEXT PRIMARY KEY COLLATE NOCASE,"
        " log TEXT NOT NULL, message_file TEXT NOT NULL, category_file TEXT NOT NULL,"
        " category_count INTEGER NOT NULL, types_supported INTEGER NOT NULL);",
        function);
    return db;
}

}  // namespace

bool same_name(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

const std::string& eventlog_dir() {
    static const std::string dir = [] {
        std::string d = session_paths().state_dir + "/eventlog";
        ensure_private_dir(d);
        return d;
    }();
    return dir;
}

bool valid_log_name(std::string_view name) {
    if (name.empty() || name.size() > 128 || name == "." || name == "..") return false;
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7F || c == '/' || c == '\\') return false;
    return true;
}

std::string log_file_path(std::string_view log) { return eventlog_dir() + "/" + lower(log) + ".log.db"; }

std::string log_notify_path(std::string_view log) {
    return eventlog_dir() + "/" + lower(log) + ".log.notify";
}

std::optional<std::string> known_log_name(std::string_view name) {
    for (auto builtin : kBuiltinLogs)
        if (same_name(builtin, name)) return std::string(builtin);
    if (!valid_log_name(name)) return std::nullopt;
    auto db = open_registry("OpenEventLog");
    Statement st(*db, "SELECT log FROM sources WHERE log = ? COLLATE NOCASE LIMIT 1;", "OpenEventLog");
    st.bind(1, name);
    if (st.step()) return st.column_text(0);
    return std::nullopt;
}

std::string resolve_log_name(std::string_view name) {
    return known_log_name(name).value_or("Application");
}

void add_source(const SourceInfo& info) {
    const char* fn = "AddSourceToRegistry";
    if (info.name.empty() || info.name.size() > 256 || !valid_log_name(info.log))
        throw_win32(err::kInvalidName, fn);
    // Only root may make sources that write to the Security log.
    if (same_name(info.log, "Security") && ::geteuid() != 0) throw_win32(err::kAccessDenied, fn);
    std::string log = info.log;
    for (auto builtin : kBuiltinLogs)
        if (same_name(builtin, log)) log = builtin;
    auto db = open_registry(fn);
    Statement st(*db,
                 "INSERT OR REPLACE INTO sources(name, log, message_file, category_file,"
                 " category_count, types_supported) VALUES(?,?,?,?,?,?);",
                 fn);
    st.bind(1, info.name);
    st.bind(2, log);
    st.bind(3, info.message_file);
    st.bind(4, info.category_file);
    st.bind(5, int64_t(info.category_count));
    st.bind(6, int64_t(info.types_supported));
    st.step();
}

void remove_source(std::string_view name, std::string_view log) {
    const char* fn = "RemoveSourceFromRegistry";
    auto db = open_registry(fn);
    Statement st(*db, "DELETE FROM sources WHERE name = ? AND log = ? COLLATE NOCASE;", fn);
    st.bind(1, name);
    st.bind(2, log);
    st.step();
    if (sqlite3_changes(db->raw()) == 0) throw_win32(err::kFileNotFound, fn);
}

namespace {

SourceInfo source_row(Statement& st) {
    SourceInfo info;
    info.name = st.column_text(0);
    info.log = st.column_text(1);
    info.message_file = st.column_text(2);
    info.category_file = st.column_text(3);
    info.category_count = uint32_t(st.column_int(4));
    info.types_supported = uint32_t(st.column_int(5));
    return info;
}

const std::string kSourceColumns =
    "SELECT name, log, message_file, category_file, category_count, types_supported FROM sources";

}  // namespace

std::optional<SourceInfo> find_source(std::string_view name) {
    const char* fn = "RegisterEventSource";
    auto db = open_registry(fn);
    Statement st(*db, (kSourceColumns + " WHERE name = ?;").c_str(), fn);
    st.bind(1, name);
    if (!st.step()) return std::nullopt;
    return source_row(st);
}

std::vector<SourceInfo> list_sources() {
    const char* fn = "EvtOpenPublisherEnum";
    auto db = open_registry(fn);
    Statement st(*db, (kSourceColumns + " ORDER BY name COLLATE NOCASE;").c_str(), fn);
    std::vector<SourceInfo> out;
    while (st.step()) out.push_back(source_row(st));
    return out;
}

std::vector<std::string> list_logs() {
    const char* fn = "EvtOpenChannelEnum";
    std::vector<std::string> out(kBuiltinLogs.begin(), kBuiltinLogs.end());
    auto db = open_registry(fn);
    Statement st(*db, "SELECT DISTINCT log FROM sources ORDER BY log COLLATE NOCASE;", fn);
    while (st.step()) {
        std::string log = st.column_text(0);
        bool seen = false;
        for (const auto& known : out) seen = seen || same_name(known, log);
        if (!seen) out.push_back(log);
    }
    return out;
}

}  // namespace w32::evtlog
