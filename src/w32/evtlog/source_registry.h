// Event sources and the logs they write to: what Windows keeps under
// HKLM\SYSTEM\CurrentControlSet\Services\EventLog\<log>\<source>. Kept in
// one SQLite file, <state dir>/eventlog/sources.db, until a registry exists
// to hold it. A source name is unique (case-insensitive) across logs:
// registering it for another log moves it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace w32::evtlog {

struct SourceInfo {
    std::string name;
    std::string log;
    std::string message_file;   // EventMessageFile ("" = none)
    std::string category_file;  // CategoryMessageFile
    uint32_t category_count = 0;
    uint32_t types_supported = 0;
};

// <state dir>/eventlog, created 0700.
const std::string& eventlog_dir();

// Log and source names compare case-insensitively (ASCII), as on Windows.
bool same_name(std::string_view a, std::string_view b);

// A log name we can keep in a file of its own: 1..128 bytes, no '/', '\\',
// control characters, not "." or "..". Others are ERROR_INVALID_NAME.
bool valid_log_name(std::string_view name);
// The database file of a log (names compare case-insensitively, as on Windows).
std::string log_file_path(std::string_view log);
// The file writers touch after each commit, for change notifications.
std::string log_notify_path(std::string_view log);

// The log `name` names: a built-in one (Application, System, Security) or
// one a source was registered for, in its canonical spelling; any other
// name is the Application log, as OpenEventLog does on Windows.
std::string resolve_log_name(std::string_view name);
// The same without the fallback: nullopt for a log nobody registered.
std::optional<std::string> known_log_name(std::string_view name);

void add_source(const SourceInfo& info);
// ERROR_FILE_NOT_FOUND when the source is not registered for `log`.
void remove_source(std::string_view name, std::string_view log);
std::optional<SourceInfo> find_source(std::string_view name);
// Every registered source, by name (EvtOpenPublisherEnum).
std::vector<SourceInfo> list_sources();
// The built-in logs, then every other log a source is registered for
// (EvtOpenChannelEnum).
std::vector<std::string> list_logs();

}  // namespace w32::evtlog
