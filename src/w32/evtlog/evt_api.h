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

#include "w32/evtlog/evt_values.h"
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

// EvtOpenSession: only this machine has logs to serve, under any of its
// names ("", ".", "localhost", the loopback addresses, the host name);
// another server is RPC_S_SERVER_UNAVAILABLE, as the classic API says.
Handle evt_open_session(std::string_view server);
// ERROR_INVALID_HANDLE unless `session` came from evt_open_session.
void evt_check_session(Handle session, const char* function);

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
// With kEvtSubscribeStartAfterBookmark, `bookmark` says where: the records
// after it (a bookmark older than the log starts at the oldest record, or
// with kEvtSubscribeStrict is ERROR_NOT_FOUND).
Handle evt_subscribe(std::string_view channel, uint32_t flags, Handle signal_event, std::string_view query,
                     std::optional<Handle> bookmark = std::nullopt);

// EVT_SEEK_FLAGS
inline constexpr uint32_t kEvtSeekRelativeToFirst = 1;
inline constexpr uint32_t kEvtSeekRelativeToLast = 2;
inline constexpr uint32_t kEvtSeekRelativeToCurrent = 3;
inline constexpr uint32_t kEvtSeekRelativeToBookmark = 4;
inline constexpr uint32_t kEvtSeekOriginMask = 7;
inline constexpr uint32_t kEvtSeekStrict = 0x10000;

// Moves a query's cursor so that the next EvtNext starts at the event
// `position` events from the origin, counted in the result set's direction
// among the events its query matches. "Current" is the event EvtNext
// returned last; offset 0 from a bookmark is the bookmarked event, and a
// bookmarked record the query does not match counts as lying between its
// neighbours (Windows' rule). Past either end the cursor stops at the last
// event within it, or with kEvtSeekStrict the call fails with ERROR_NOT_FOUND.
void evt_seek(Handle result_set, int64_t position, uint32_t flags, std::optional<Handle> bookmark);

// Bookmarks: empty, or from the XML EvtRender(EvtRenderBookmark) gave.
Handle evt_create_bookmark(const std::optional<std::string>& xml);
void evt_update_bookmark(Handle bookmark, Handle event);
std::string evt_render_bookmark(Handle bookmark);

// Render contexts: kEvtRenderContextSystem or kEvtRenderContextUser (value
// paths for kEvtRenderContextValues are not taken: ERROR_INVALID_PARAMETER).
Handle evt_create_render_context(uint32_t flags);
std::vector<EvtValue> evt_render_values(Handle event, Handle context);

// EvtGetEventInfo (EVT_EVENT_PROPERTY_ID): 0 the query IDs (one query: 0),
// 1 the channel or file the event came from.
inline constexpr uint32_t kEvtEventQueryIDs = 0;
inline constexpr uint32_t kEvtEventPath = 1;
EvtValue evt_get_event_info(Handle event, uint32_t property_id);
// The record behind an event handle and its channel (what EvtFormatMessage
// needs to find the source's message table).
struct EventAndChannel {
    EventRecord record;
    std::string channel;
};
EventAndChannel evt_event_record(Handle event);
void evt_clear_log(std::string_view channel, const std::optional<std::string>& backup_path);
// A query other than "*" exports only the records it matches.
void evt_export_log(std::string_view path, const std::string& target, uint32_t flags, std::string_view query);

}  // namespace w32::evtlog
