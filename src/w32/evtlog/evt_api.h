// The Evt* API (wevtapi) over the same logs: queries with an XPath filter,
// result sets read with EvtNext, events rendered as XML, pull subscriptions
// signalled through an event, clearing and exporting. Handles live in the
// process's handle table, as the classic API's do.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "w32/kernel/handle_table.h"

namespace w32::evtlog {

// EVT_QUERY_FLAGS
inline constexpr uint32_t kEvtQueryChannelPath = 0x1;
inline constexpr uint32_t kEvtQueryFilePath = 0x2;
inline constexpr uint32_t kEvtQueryForwardDirection = 0x100;
inline constexpr uint32_t kEvtQueryReverseDirection = 0x200;
inline constexpr uint32_t kEvtQueryTolerateQueryErrors = 0x1000;
// EVT_SUBSCRIBE_FLAGS
inline constexpr uint32_t kEvtSubscribeToFutureEvents = 1;
inline constexpr uint32_t kEvtSubscribeStartAtOldestRecord = 2;
inline constexpr uint32_t kEvtSubscribeStartAfterBookmark = 3;
inline constexpr uint32_t kEvtSubscribeTolerateQueryErrors = 0x1000;
inline constexpr uint32_t kEvtSubscribeStrict = 0x10000;

inline constexpr uint32_t kEvtChannelNotFound = 15007;  // ERROR_EVT_CHANNEL_NOT_FOUND

// EVT_OPEN_LOG_FLAGS
inline constexpr uint32_t kEvtOpenChannelPath = 0x1;
inline constexpr uint32_t kEvtOpenFilePath = 0x2;

// EvtGetLogInfo's answers (EVT_LOG_PROPERTY_ID order); times are FILETIMEs.
struct LogInfo {
    uint64_t creation_time = 0;
    uint64_t last_access_time = 0;
    uint64_t last_write_time = 0;
    uint64_t file_size = 0;
    uint32_t attributes = 0;
    uint64_t number_of_records = 0;
    uint64_t oldest_record = 0;
    bool full = false;
};

Handle evt_open_log(std::string_view path, uint32_t flags);
LogInfo evt_get_log_info(Handle log);

// A channel is a log name (a built-in or registered log; others are
// ERROR_EVT_CHANNEL_NOT_FOUND); with kEvtQueryFilePath, a backup file.
Handle evt_query(std::string_view path, uint32_t flags, std::string_view query);
// Up to `count` events; none at the end (pywin32 then gives an empty tuple).
std::vector<Handle> evt_next(Handle result_set, uint32_t count);
std::string evt_render_xml(Handle event);
// Pull mode: `signal_event` is set whenever a record is written to the
// channel (the caller then drains with evt_next).
Handle evt_subscribe(std::string_view channel, uint32_t flags, Handle signal_event, std::string_view query);
void evt_clear_log(std::string_view channel, const std::optional<std::string>& backup_path);
// Query must be empty or "*" for now (a filtered export is not supported).
void evt_export_log(std::string_view path, const std::string& target, uint32_t flags, std::string_view query);

}  // namespace w32::evtlog
