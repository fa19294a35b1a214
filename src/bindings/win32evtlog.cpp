// win32evtlog's classic API; the logic is in src/w32/evtlog. The Python
// module (python/win32/win32evtlog.py) turns the raw record tuples into
// PyEventLogRecord objects and SIDs to and from bytes.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <optional>
#include <string>
#include <vector>

#include "handle.h"
#include "modules.h"
#include "w32/evtlog/event_log.h"
#include "w32/evtlog/evt_api.h"
#include "w32/evtlog/message_archive.h"
#include "w32/evtlog/source_registry.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace ev = w32::evtlog;

namespace bindings {

namespace {

using OptStr = std::optional<std::string>;
using Bytes = std::vector<uint8_t>;

std::optional<std::string_view> view(const OptStr& s) {
    return s ? std::optional<std::string_view>(*s) : std::nullopt;
}

nb::bytes to_bytes(const Bytes& b) { return nb::bytes(reinterpret_cast<const char*>(b.data()), b.size()); }

// (Reserved, RecordNumber, TimeGenerated, TimeWritten, EventID, EventType,
//  EventCategory, ReservedFlags, ClosingRecordNumber, SourceName,
//  StringInserts, Sid, Data, ComputerName)
nb::tuple record_tuple(const ev::EventRecord& r) {
    nb::object strings = nb::none();
    if (r.strings) {
        nb::list items;
        for (const auto& s : *r.strings) items.append(nb::str(s.data(), s.size()));
        strings = nb::tuple(items);
    }
    nb::object sid = r.sid ? nb::object(to_bytes(*r.sid)) : nb::none();
    return nb::make_tuple(ev::kRecordSignature, r.record_number, r.time_generated, r.time_written,
                          r.event_id, r.event_type, r.event_category, r.reserved_flags,
                          r.closing_record_number, r.source_name, strings, sid, to_bytes(r.data),
                          r.computer_name);
}

nb::list read_event_log(HandleArg h, uint32_t flags, uint32_t offset, uint32_t size) {
    std::vector<ev::EventRecord> records;
    {
        nb::gil_scoped_release release;
        records = ev::read_event_log(h.value, flags, offset, size);
    }
    nb::list out;
    for (const auto& r : records) out.append(record_tuple(r));
    return out;
}

Bytes from_bytes(const std::optional<nb::bytes>& b) {
    if (!b) return {};
    auto* p = static_cast<const uint8_t*>(b->data());
    return Bytes(p, p + b->size());
}

uint32_t report_event(HandleArg h, uint16_t type, uint16_t category, uint32_t event_id,
                      std::optional<nb::bytes> sid, std::optional<std::vector<std::string>> strings,
                      std::optional<nb::bytes> data) {
    ev::ReportArgs args{type, category, event_id, std::nullopt, std::move(strings), from_bytes(data)};
    if (sid) args.sid = from_bytes(sid);
    nb::gil_scoped_release release;
    return ev::report_event(h.value, args);
}

w32::Handle handle_value(nb::handle h, const char* function) {
    HandleArg arg;
    if (!nb::try_cast<HandleArg>(h, arg))
        throw nb::type_error((std::string(function) + ": the handle must be a PyHANDLE or an int").c_str());
    return arg.value;
}

void close_event_log(nb::handle h) {
    if (nb::isinstance<PyHandle>(h)) {
        auto& owned = nb::cast<PyHandle&>(h);
        ev::check_reader_handle(owned.value, "CloseEventLog");
        owned.close();
    } else {
        ev::close_event_log(handle_value(h, "CloseEventLog"));
    }
}

void deregister_event_source(nb::handle h) {
    if (nb::isinstance<PyHandle>(h)) {
        auto& owned = nb::cast<PyHandle&>(h);
        ev::check_source_handle(owned.value, "DeregisterEventSource");
        owned.close();
    } else {
        ev::deregister_event_source(handle_value(h, "DeregisterEventSource"));
    }
}

void add_source(const std::string& name, const std::string& log, const std::string& message_file,
                const std::string& category_file, uint32_t category_count, uint32_t types) {
    ev::add_source({name, log, message_file, category_file, category_count, types});
}

nb::object source_info(const std::string& name) {
    auto info = ev::find_source(name);
    if (!info) return nb::none();
    return nb::make_tuple(info->name, info->log, info->message_file, info->category_file,
                          info->category_count, info->types_supported);
}

// Session: None or a local session from EvtOpenSession.
void no_session(nb::handle session, const char* function) {
    if (session.is_none()) return;
    HandleArg h;
    if (!nb::try_cast<HandleArg>(session, h)) throw nb::type_error("Session must be an EvtOpenSession handle or None");
    ev::evt_check_session(h.value, function);
}

std::optional<w32::Handle> optional_handle(nb::handle obj, const char* what) {
    if (obj.is_none()) return std::nullopt;
    HandleArg h;
    if (!nb::try_cast<HandleArg>(obj, h)) throw nb::type_error((std::string(what) + " must be a handle or None").c_str());
    return h.value;
}

nb::tuple evt_next(HandleArg rs, uint32_t count, long long /*timeout*/, uint32_t flags) {
    if (flags != 0) w32::throw_win32(87, "EvtNext");
    std::vector<w32::Handle> events;
    {
        nb::gil_scoped_release release;
        events = ev::evt_next(rs.value, count);
    }
    nb::list out;
    for (auto h : events) out.append(nb::cast(PyHandle(h)));
    return nb::tuple(out);
}

// (raw value, EvtVarType): FileTime as an int, Sid as bytes; the Python
// module makes them pywintypes objects.
nb::tuple value_tuple(const ev::EvtValue& v) {
    nb::object value;
    switch (v.type) {
    case ev::EvtVarType::Null: value = nb::none(); break;
    case ev::EvtVarType::String: value = nb::str(v.text.data(), v.text.size()); break;
    case ev::EvtVarType::Boolean: value = nb::bool_(v.number != 0); break;
    case ev::EvtVarType::Binary:
    case ev::EvtVarType::Sid: value = to_bytes(v.bytes); break;
    default: value = nb::int_(v.number); break;
    }
    return nb::make_tuple(value, static_cast<uint32_t>(v.type));
}

constexpr uint32_t kEvtRenderEventValues = 0;
constexpr uint32_t kEvtRenderEventXml = 1;
constexpr uint32_t kEvtRenderBookmark = 2;

nb::object evt_render(HandleArg event, uint32_t flags, nb::handle context) {
    if (flags == kEvtRenderEventXml || flags == kEvtRenderBookmark) {
        if (!context.is_none()) w32::throw_win32(87, "EvtRender");
        std::string xml;
        {
            nb::gil_scoped_release release;
            xml = flags == kEvtRenderEventXml ? ev::evt_render_xml(event.value) : ev::evt_render_bookmark(event.value);
        }
        return nb::str(xml.data(), xml.size());
    }
    if (flags != kEvtRenderEventValues) w32::throw_win32(87, "EvtRender");
    auto ctx = optional_handle(context, "Context");
    if (!ctx) w32::throw_win32(87, "EvtRender");  // values need a render context
    auto values = ev::evt_render_values(event.value, *ctx);
    nb::list out;
    for (const auto& v : values) out.append(value_tuple(v));
    return out;
}

PyHandle evt_subscribe(const std::string& channel, uint32_t flags, nb::handle signal, nb::handle callback,
                       nb::handle /*context*/, const OptStr& query, nb::handle session, nb::handle bookmark) {
    no_session(session, "EvtSubscribe");
    // Push subscriptions are made in Python (pywin32_posix/_evt_push.py).
    if (!callback.is_none()) w32::throw_win32(50, "EvtSubscribe");
    if (signal.is_none()) w32::throw_win32(87, "EvtSubscribe");  // neither a signal nor a callback
    HandleArg event;
    if (!nb::try_cast<HandleArg>(signal, event)) throw nb::type_error("SignalEvent must be an event handle");
    auto mark = optional_handle(bookmark, "Bookmark");
    nb::gil_scoped_release release;
    return PyHandle(ev::evt_subscribe(channel, flags, event.value, query ? *query : std::string(), mark));
}

}  // namespace

void bind_win32evtlog(nb::module_ m) {
    auto release = nb::call_guard<nb::gil_scoped_release>();
    m.def("OpenEventLog", [](const OptStr& server, const std::string& log) {
        return PyHandle(ev::open_event_log(view(server), log));
    }, "serverName"_a.none(), "sourceName"_a, release,
          "Opens a log for reading; an unknown log name opens Application, as on Windows.");
    m.def("OpenBackupEventLog", [](const OptStr& server, const std::string& path) {
        return PyHandle(ev::open_backup_event_log(view(server), path));
    }, "serverName"_a.none(), "fileName"_a, release, "Opens a backup file made by BackupEventLog.");
    m.def("RegisterEventSource", [](const OptStr& server, const std::string& source) {
        return PyHandle(ev::register_event_source(view(server), source));
    }, "serverName"_a.none(), "sourceName"_a, release,
          "A handle for ReportEvent; unregistered sources write to Application.");
    m.def("CloseEventLog", &close_event_log, "handle"_a.none(), "Closes a handle from OpenEventLog.");
    m.def("DeregisterEventSource", &deregister_event_source, "handle"_a.none(),
          "Closes a handle from RegisterEventSource.");
    m.def("ReportEvent", &report_event, "EventLog"_a, "Type"_a, "Category"_a, "EventID"_a,
          "UserSid"_a.none(), "Strings"_a.none(), "RawData"_a.none(),
          "Writes a record (durable once this returns); returns its record number.");
    m.def("ReadEventLog", &read_event_log, "Handle"_a, "Flags"_a, "Offset"_a, "Size"_a = 0x7FFFF,
          "The next batch of records as tuples; [] at the end.");
    m.def("GetNumberOfEventLogRecords", [](HandleArg h) { return ev::number_of_records(h.value); },
          "handle"_a, release, "How many records the log holds now.");
    m.def("GetOldestEventLogRecord", [](HandleArg h) { return ev::oldest_record(h.value); },
          "handle"_a, release, "The record number of the oldest record (0 for an empty log).");
    m.def("ClearEventLog", [](HandleArg h, const OptStr& backup) { ev::clear_event_log(h.value, backup); },
          "handle"_a, "eventLogName"_a.none(), release, "Clears the log, after backing it up when a file is named.");
    m.def("BackupEventLog", [](HandleArg h, const std::string& path) { ev::backup_event_log(h.value, path); },
          "handle"_a, "eventLogName"_a, release, "Writes a backup (the file must not exist).");
    m.def("NotifyChangeEventLog", [](HandleArg h, HandleArg event) {
        ev::notify_change_event_log(h.value, event.value);
    }, "handle"_a, "handle1"_a, release, "Sets the event on every record any process writes to the log.");
    // The Evt* API (a first part: queries, rendering as XML, pull subscriptions).
    m.def("EvtQuery", [](const std::string& path, uint32_t flags, const OptStr& query, nb::handle session) {
        no_session(session, "EvtQuery");
        nb::gil_scoped_release release;
        return PyHandle(ev::evt_query(path, flags, query ? *query : std::string()));
    }, "Path"_a, "Flags"_a, "Query"_a.none() = nb::none(), "Session"_a.none() = nb::none(),
          "A result set of the channel's (or backup file's) events that match the XPath query.");
    m.def("EvtNext", &evt_next, "ResultSet"_a, "Count"_a, "Timeout"_a = -1, "Flags"_a = 0,
          "Up to Count event handles; () at the end.");
    m.def("_EvtRender", &evt_render, "Event"_a, "Flags"_a, "Context"_a.none() = nb::none());
    m.def("EvtSeek", [](HandleArg rs, int64_t position, uint32_t flags, nb::handle bookmark, long long /*timeout*/) {
        auto mark = optional_handle(bookmark, "Bookmark");
        nb::gil_scoped_release release;
        ev::evt_seek(rs.value, position, flags, mark);
    }, "ResultSet"_a, "Position"_a, "Flags"_a, "Bookmark"_a.none() = nb::none(), "Timeout"_a = 0,
          "Moves a query's cursor: the next EvtNext returns the event Position events from the origin "
          "Flags names (EvtSeekRelativeToFirst/Last/Current/Bookmark, optionally | EvtSeekStrict). "
          "On POSIX: past an end with EvtSeekStrict, ERROR_NOT_FOUND.");
    m.def("EvtCreateBookmark", [](const OptStr& xml) { return PyHandle(ev::evt_create_bookmark(xml)); },
          "BookmarkXML"_a.none() = nb::none(), release,
          "A bookmark: empty, or from the XML that EvtRender(bookmark, EvtRenderBookmark) gave "
          "(ERROR_EVT_MALFORMED_XML_TEXT for anything else).");
    m.def("EvtUpdateBookmark", [](HandleArg bookmark, HandleArg event) {
        ev::evt_update_bookmark(bookmark.value, event.value);
        return bookmark;
    }, "Bookmark"_a, "Event"_a, "Points the bookmark at the event; returns the bookmark.");
    m.def("EvtCreateRenderContext", [](uint32_t flags) { return PyHandle(ev::evt_create_render_context(flags)); },
          "Flags"_a, release,
          "A render context for EvtRender(..., EvtRenderEventValues): EvtRenderContextSystem (the 18 "
          "System properties) or EvtRenderContextUser (the event data). On POSIX: EvtRenderContextValues "
          "with value paths is not offered (pywin32 passes none): ERROR_INVALID_PARAMETER.");
    m.def("_EvtGetEventInfo", [](HandleArg event, uint32_t id) { return value_tuple(ev::evt_get_event_info(event.value, id)); },
          "Event"_a, "PropertyId"_a);
    m.def("_EvtEventRecord", [](HandleArg event) {
        auto e = ev::evt_event_record(event.value);
        return nb::make_tuple(record_tuple(e.record), e.channel);
    }, "Event"_a);
    m.def("_EvtOpenSession", [](const std::string& server) { return PyHandle(ev::evt_open_session(server)); },
          "server"_a, release);
    m.def("EvtSubscribe", &evt_subscribe, "ChannelPath"_a, "Flags"_a, "SignalEvent"_a.none() = nb::none(),
          "Callback"_a.none() = nb::none(), "Context"_a.none() = nb::none(), "Query"_a.none() = nb::none(),
          "Session"_a.none() = nb::none(), "Bookmark"_a.none() = nb::none(),
          "A pull subscription: SignalEvent is set when records come; read them with EvtNext.");
    m.def("EvtOpenLog", [](const std::string& path, uint32_t flags, nb::handle session) {
        no_session(session, "EvtOpenLog");
        nb::gil_scoped_release release;
        return PyHandle(ev::evt_open_log(path, flags));
    }, "Path"_a, "Flags"_a, "Session"_a.none() = nb::none(), "A handle for EvtGetLogInfo.");
    m.def("_EvtGetLogInfo", [](HandleArg h) {
        ev::LogInfo i;
        {
            nb::gil_scoped_release unlocked;
            i = ev::evt_get_log_info(h.value);
        }
        return nb::make_tuple(i.creation_time, i.last_access_time, i.last_write_time, i.file_size,
                              i.attributes, i.number_of_records, i.oldest_record, i.full);
    }, "Log"_a);
    m.def("EvtClearLog", [](const std::string& channel, const OptStr& target, nb::handle session, uint32_t) {
        no_session(session, "EvtClearLog");
        nb::gil_scoped_release release;
        ev::evt_clear_log(channel, target);
    }, "ChannelPath"_a, "TargetFilePath"_a.none() = nb::none(), "Session"_a.none() = nb::none(), "Flags"_a = 0,
       "Empties a channel, first copying it to TargetFilePath when given (a file that must not exist).");
    m.def("EvtExportLog", [](const std::string& path, const std::string& target, uint32_t flags,
                             const OptStr& query, nb::handle session) {
        no_session(session, "EvtExportLog");
        nb::gil_scoped_release release;
        ev::evt_export_log(path, target, flags, query ? *query : std::string());
    }, "Path"_a, "TargetFilePath"_a, "Flags"_a, "Query"_a.none() = nb::none(), "Session"_a.none() = nb::none(),
       "Copies a channel (EvtExportLogChannelPath) or a file (EvtExportLogFilePath) to a new file, only the "
       "records Query matches when one is given; record numbers are kept.");
    // The source registry (win32evtlogutil's Add/RemoveSourceToRegistry).
    m.def("_AddSource", &add_source, "name"_a, "log"_a, "message_file"_a, "category_file"_a,
          "category_count"_a, "types"_a, release);
    m.def("_RemoveSource", [](const std::string& name, const std::string& log) {
        ev::remove_source(name, log);
    }, "name"_a, "log"_a, release);
    m.def("_SourceInfo", &source_info, "name"_a);
    m.def("_Sources", [] {
        std::vector<ev::SourceInfo> sources;
        {
            nb::gil_scoped_release unlocked;
            sources = ev::list_sources();
        }
        nb::list out;
        for (const auto& i : sources)
            out.append(nb::make_tuple(i.name, i.log, i.message_file, i.category_file, i.category_count,
                                      i.types_supported));
        return out;
    });
    m.def("_Logs", [] { return ev::list_logs(); }, release);
    m.def("_LogFilePath", [](const std::string& log) { return ev::log_file_path(log); }, "log"_a, release);
    m.def("_CheckSession", [](nb::handle session, const std::string& function) {
        no_session(session, function.c_str());
    }, "session"_a.none(), "function"_a);
    // EvtArchiveExportedLog's store (pywin32_posix/_evt_metadata.py decides what goes in).
    m.def("_ExportedEventKeys", [](const std::string& path) {
        std::vector<ev::EventKey> keys;
        {
            nb::gil_scoped_release unlocked;
            keys = ev::exported_event_keys(path);
        }
        nb::list out;
        for (const auto& k : keys) out.append(nb::make_tuple(k.source, k.event_id, k.category));
        return out;
    }, "path"_a);
    m.def("_ArchiveMessages", [](const std::string& path, const std::vector<std::tuple<std::string, uint32_t, uint32_t, std::string>>& rows) {
        std::vector<ev::ArchivedMessage> messages;
        for (const auto& [source, kind, id, text] : rows) messages.push_back({source, kind, id, text});
        nb::gil_scoped_release unlocked;
        ev::archive_messages(path, messages);
    }, "path"_a, "rows"_a);
    m.def("_ArchivedMessages", [](const std::string& path, const std::string& source) {
        std::vector<ev::ArchivedMessage> messages;
        {
            nb::gil_scoped_release unlocked;
            messages = ev::archived_messages(path, source);
        }
        nb::list out;
        for (const auto& m : messages) out.append(nb::make_tuple(m.kind, m.message_id, m.text));
        return out;
    }, "path"_a, "source"_a);
    // Size limit and retention (pywin32_posix.evtlog_policy).
    m.def("_SetLogPolicy", [](const std::string& log, uint64_t max_bytes, uint32_t retention, bool forward) {
        ev::set_log_policy(log, {max_bytes, retention, forward});
    }, "log"_a, "max_bytes"_a, "retention"_a, "forward"_a, release);
    m.def("_GetLogPolicy", [](const std::string& log) {
        auto p = ev::get_log_policy(log);
        return std::make_tuple(p.max_bytes, p.retention, p.forward);
    }, "log"_a, release);
}

}  // namespace bindings
