// The classic event log API (advapi32's OpenEventLog, ReportEvent,
// ReadEventLog, ...) over LogStore. Handles live in the process's handle
// table; a handle from OpenEventLog or OpenBackupEventLog reads, one from
// RegisterEventSource writes, and using one for the other's calls is
// ERROR_INVALID_HANDLE, as on Windows.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "w32/evtlog/log_store.h"
#include "w32/kernel/handle_table.h"

namespace w32::evtlog {

// ReadEventLog flags (winnt.h).
inline constexpr uint32_t kSequentialRead = 0x1;
inline constexpr uint32_t kSeekRead = 0x2;
inline constexpr uint32_t kForwardsRead = 0x4;
inline constexpr uint32_t kBackwardsRead = 0x8;

// The signature Windows keeps in EVENTLOGRECORD.Reserved ("LfLe").
inline constexpr uint32_t kRecordSignature = 0x654C664C;

// Only the local machine: None, "", ".", "localhost" or this host's name
// (with or without leading backslashes). Others: RPC_S_SERVER_UNAVAILABLE (1722).
void check_local_server(const std::optional<std::string_view>& server, const char* function);

Handle open_event_log(const std::optional<std::string_view>& server, std::string_view log);
Handle open_backup_event_log(const std::optional<std::string_view>& server, const std::string& path);
Handle register_event_source(const std::optional<std::string_view>& server, std::string_view source);
// Closes a reader handle (CloseEventLog) or a source handle (DeregisterEventSource).
void close_event_log(Handle h);
void deregister_event_source(Handle h);
// Validates that `h` is the right kind before a binding closes it itself.
void check_reader_handle(Handle h, const char* function);
void check_source_handle(Handle h, const char* function);

struct ReportArgs {
    uint16_t type = 0;
    uint16_t category = 0;
    uint32_t event_id = 0;
    std::optional<std::vector<uint8_t>> sid;
    std::optional<std::vector<std::string>> strings;
    std::vector<uint8_t> data;
};
// Returns the new record's number (Windows does not; tests and tools use it).
uint32_t report_event(Handle h, const ReportArgs& args);

std::vector<EventRecord> read_event_log(Handle h, uint32_t flags, uint32_t offset, size_t max_bytes);
uint32_t number_of_records(Handle h);
uint32_t oldest_record(Handle h);
void clear_event_log(Handle h, const std::optional<std::string>& backup_path);
void backup_event_log(Handle h, const std::string& backup_path);
// A log's size limit and retention (OpenEventLog's name resolution: an
// unknown name is the Application log). Windows keeps these as the MaxSize
// and Retention registry values of the log.
void set_log_policy(std::string_view log, const LogPolicy& policy);
LogPolicy get_log_policy(std::string_view log);

// Sets the event (a handle to an event) whenever any process writes a record
// to the handle's log, until the log handle closes.
void notify_change_event_log(Handle h, Handle event);

}  // namespace w32::evtlog
