#include "w32/evtlog/evt_api.h"

#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <memory>
#include <mutex>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/evtlog/change_notify.h"
#include "w32/evtlog/evt_bookmark.h"
#include "w32/evtlog/evt_query.h"
#include "w32/evtlog/evt_render.h"
#include "w32/evtlog/log_store.h"
#include "w32/evtlog/sqlite_db.h"
#include "w32/evtlog/source_registry.h"
#include "w32/sync/sync_objects.h"

namespace w32::evtlog {

namespace {

class ResultSet : public KernelObject {
public:
    ObjectType type() const noexcept override { return ObjectType::Other; }
    ~ResultSet() override {
        if (watch) remove_change_watch(*watch);
    }

    std::mutex mutex;
    std::string channel;
    std::unique_ptr<LogStore> store;
    std::shared_ptr<const EventQuery> query;
    bool forwards = true;
    std::optional<uint32_t> last;  // the last record looked at
    bool started = false;          // a reverse read starts at the newest record
    std::optional<uint64_t> watch;
};

class EventObject : public KernelObject {
public:
    EventObject(EventRecord r, std::string channel) : record(std::move(r)), channel(std::move(channel)) {}
    ObjectType type() const noexcept override { return ObjectType::Other; }
    const EventRecord record;
    const std::string channel;
};

class LogObject : public KernelObject {
public:
    ObjectType type() const noexcept override { return ObjectType::Other; }
    std::mutex mutex;
    std::string file;  // the database file
    std::unique_ptr<LogStore> store;
};

class BookmarkObject : public KernelObject {
public:
    ObjectType type() const noexcept override { return ObjectType::Other; }
    std::mutex mutex;
    std::optional<BookmarkPosition> position;
};

class SessionObject : public KernelObject {
public:
    ObjectType type() const noexcept override { return ObjectType::Other; }
};

class RenderContext : public KernelObject {
public:
    explicit RenderContext(uint32_t flags) : flags(flags) {}
    ObjectType type() const noexcept override { return ObjectType::Other; }
    const uint32_t flags;
};

uint64_t filetime(const struct statx_timestamp& t) {
    constexpr uint64_t kEpochDelta = 116444736000000000ULL;  // 1601 -> 1970, in 100 ns
    return kEpochDelta + uint64_t(t.tv_sec) * 10000000ULL + t.tv_nsec / 100;
}

template <class T>
std::shared_ptr<T> get(Handle h, const char* function) {
    auto obj = std::dynamic_pointer_cast<T>(HandleTable::instance().lookup(h, function).object);
    if (!obj) throw_win32(err::kInvalidHandle, function);
    return obj;
}

std::optional<BookmarkPosition> bookmark_position(Handle h, const char* function) {
    auto bm = get<BookmarkObject>(h, function);
    std::lock_guard lock(bm->mutex);
    return bm->position;
}

// The first record at or beyond `from`, going forwards or backwards, that
// the query matches.
std::optional<uint32_t> next_match(ResultSet& rs, int64_t from, bool forwards, int64_t now) {
    LogRange range = rs.store->range();
    if (range.count() == 0) return std::nullopt;
    if (forwards) {
        if (from > int64_t(range.newest)) return std::nullopt;
        from = std::max<int64_t>(from, range.oldest);
    } else {
        if (from < int64_t(range.oldest)) return std::nullopt;
        from = std::min<int64_t>(from, range.newest);
    }
    if (rs.query->matches_everything()) return uint32_t(from);
    for (;;) {
        auto batch = rs.store->read(uint32_t(from), forwards, kMaxRecordBytes);
        if (batch.empty()) return std::nullopt;
        for (auto& r : batch)
            if (rs.query->matches(r, now)) return r.record_number;
        from = int64_t(batch.back().record_number) + (forwards ? 1 : -1);
        if (from < 1) return std::nullopt;
    }
}

// `steps` matching events on from `at` (towards the result set's end when
// positive); past an end: the last one within it, or ERROR_NOT_FOUND.
uint32_t step_matches(ResultSet& rs, uint32_t at, int64_t steps, bool strict, int64_t now) {
    bool forwards = (steps > 0) == rs.forwards;
    for (int64_t left = steps < 0 ? -steps : steps; left > 0; --left) {
        auto next = next_match(rs, int64_t(at) + (forwards ? 1 : -1), forwards, now);
        if (!next) {
            if (strict) throw_win32(err::kNotFound, "EvtSeek");
            break;
        }
        at = *next;
        if (rs.query->matches_everything() && left > 1) {
            // Contiguous numbers: the rest is arithmetic, clamped to the log.
            LogRange range = rs.store->range();
            int64_t target = int64_t(at) + (forwards ? left - 1 : -(left - 1));
            int64_t clamped = std::clamp<int64_t>(target, range.oldest, range.newest);
            if (clamped != target && strict) throw_win32(err::kNotFound, "EvtSeek");
            return uint32_t(clamped);
        }
    }
    return at;
}

std::string channel_of(std::string_view path, const char* function) {
    auto name = known_log_name(path);
    if (!name) throw_win32(kEvtChannelNotFound, function);
    return *name;
}

int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

Handle evt_open_session(std::string_view server) {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    std::string_view full(host), short_name = full.substr(0, full.find('.'));
    if (server.starts_with("\\\\")) server.remove_prefix(2);
    bool local = server.empty() || server == "." || same_name(server, "localhost") || server == "127.0.0.1" ||
                 server == "::1" || same_name(server, full) || same_name(server, short_name);
    if (!local) throw_win32(1722, "EvtOpenSession");  // RPC_S_SERVER_UNAVAILABLE
    return HandleTable::instance().insert(std::make_shared<SessionObject>(), 0, false);
}

void evt_check_session(Handle session, const char* function) { get<SessionObject>(session, function); }

Handle evt_open_log(std::string_view path, uint32_t flags) {
    const char* fn = "EvtOpenLog";
    if (flags != kEvtOpenChannelPath && flags != kEvtOpenFilePath) throw_win32(err::kInvalidParameter, fn);
    auto log = std::make_shared<LogObject>();
    if (flags == kEvtOpenFilePath) {
        log->file = std::string(path);
        log->store = LogStore::open_backup(log->file, fn);
    } else {
        log->file = log_file_path(channel_of(path, fn));
        log->store = LogStore::open_live(log->file, fn);
    }
    return HandleTable::instance().insert(std::move(log), 0, false);
}

LogInfo evt_get_log_info(Handle h) {
    const char* fn = "EvtGetLogInfo";
    auto log = get<LogObject>(h, fn);
    std::lock_guard lock(log->mutex);
    LogInfo info;
    struct statx st {};
    if (::statx(AT_FDCWD, log->file.c_str(), 0, STATX_BASIC_STATS | STATX_BTIME, &st) != 0)
        throw_errno(errno, fn);
    info.creation_time = filetime((st.stx_mask & STATX_BTIME) ? st.stx_btime : st.stx_mtime);
    info.last_access_time = filetime(st.stx_atime);
    info.last_write_time = filetime(st.stx_mtime);
    info.file_size = st.stx_size;
    struct stat wal;
    if (::stat((log->file + "-wal").c_str(), &wal) == 0) info.file_size += uint64_t(wal.st_size);
    info.attributes = 0x80;  // FILE_ATTRIBUTE_NORMAL
    LogRange range = log->store->range();
    info.number_of_records = range.count();
    info.oldest_record = range.oldest;
    info.full = log->store->full();
    return info;
}

Handle evt_query(std::string_view path, uint32_t flags, std::string_view query) {
    const char* fn = "EvtQuery";
    bool file = flags & kEvtQueryFilePath, channel = flags & kEvtQueryChannelPath;
    bool reverse = flags & kEvtQueryReverseDirection;
    if (file == channel || (reverse && (flags & kEvtQueryForwardDirection)) ||
        (flags & ~(kEvtQueryChannelPath | kEvtQueryFilePath | kEvtQueryForwardDirection |
                   kEvtQueryReverseDirection | kEvtQueryTolerateQueryErrors)))
        throw_win32(err::kInvalidParameter, fn);
    auto rs = std::make_shared<ResultSet>();
    rs->query = EventQuery::parse(query);
    rs->forwards = !reverse;
    if (file) {
        rs->channel = std::string(path);
        rs->store = LogStore::open_backup(std::string(path), fn);
    } else {
        rs->channel = channel_of(path, fn);
        rs->store = LogStore::open_live(log_file_path(rs->channel), fn);
    }
    return HandleTable::instance().insert(std::move(rs), 0, false);
}

std::vector<Handle> evt_next(Handle result_set, uint32_t count) {
    const char* fn = "EvtNext";
    auto rs = get<ResultSet>(result_set, fn);
    if (count == 0) throw_win32(err::kInvalidParameter, fn);
    std::vector<EventRecord> found;
    {
        std::lock_guard lock(rs->mutex);
        int64_t now = now_ms();
        while (found.size() < count) {
            uint32_t start;
            if (rs->last) {
                if (!rs->forwards && *rs->last <= 1) break;
                start = rs->forwards ? *rs->last + 1 : *rs->last - 1;
            } else {
                LogRange range = rs->store->range();
                if (range.count() == 0) break;
                start = rs->forwards ? range.oldest : range.newest;
            }
            auto batch = rs->store->read(start, rs->forwards, kMaxRecordBytes);
            if (batch.empty()) break;
            for (auto& r : batch) {
                rs->last = r.record_number;
                if (rs->query->matches(r, now)) {
                    found.push_back(std::move(r));
                    if (found.size() == count) break;
                }
            }
        }
    }
    std::vector<Handle> out;
    for (auto& r : found)
        out.push_back(HandleTable::instance().insert(std::make_shared<EventObject>(std::move(r), rs->channel), 0, false));
    return out;
}

std::string evt_render_xml(Handle event) {
    auto ev = get<EventObject>(event, "EvtRender");
    return render_event_xml(ev->record, ev->channel);
}

Handle evt_subscribe(std::string_view channel, uint32_t flags, Handle signal_event, std::string_view query,
                     std::optional<Handle> bookmark) {
    const char* fn = "EvtSubscribe";
    uint32_t start = flags & 0x3;
    if (flags & ~(0x3u | kEvtSubscribeTolerateQueryErrors | kEvtSubscribeStrict) || start == 0)
        throw_win32(err::kInvalidParameter, fn);
    if ((start == kEvtSubscribeStartAfterBookmark) != bool(bookmark)) throw_win32(err::kInvalidParameter, fn);
    std::optional<BookmarkPosition> mark;
    if (bookmark) {
        mark = bookmark_position(*bookmark, fn);
        if (mark && !same_name(mark->channel, channel_of(channel, fn))) throw_win32(err::kInvalidParameter, fn);
    }
    auto rs = std::make_shared<ResultSet>();
    rs->channel = channel_of(channel, fn);
    rs->query = EventQuery::parse(query);
    rs->store = LogStore::open_live(log_file_path(rs->channel), fn);
    auto event = HandleTable::instance().get<sync::SyncObject>(signal_event, ObjectType::Event, fn);
    // Watch first, then fix the starting point: nothing written in between is missed.
    rs->watch = add_change_watch(rs->channel, event);
    LogRange range = rs->store->range();
    if (start == kEvtSubscribeToFutureEvents) {
        rs->last = range.newest;  // 0 when empty: the first record will be 1 or later
    } else if (mark) {
        // An empty bookmark starts at the oldest record, as Windows does.
        bool gone = range.count() == 0 ? mark->record_id > range.newest
                                       : mark->record_id + 1 < range.oldest || mark->record_id > range.newest;
        if (gone && (flags & kEvtSubscribeStrict)) throw_win32(err::kNotFound, fn);
        if (!gone) rs->last = uint32_t(mark->record_id);
        if (rs->last && *rs->last < range.newest) sync::set_event_object(*event);
        else if (!rs->last && range.count()) sync::set_event_object(*event);
    }
    // Records already there for the caller to read: signal at once, as Windows does.
    else if (range.count()) {
        sync::set_event_object(*event);
    }
    return HandleTable::instance().insert(std::move(rs), 0, false);
}

void evt_clear_log(std::string_view channel, const std::optional<std::string>& backup_path) {
    const char* fn = "EvtClearLog";
    auto store = LogStore::open_live(log_file_path(channel_of(channel, fn)), fn);
    if (backup_path) store->backup_to(*backup_path, fn);
    store->clear();
}

void evt_export_log(std::string_view path, const std::string& target, uint32_t flags, std::string_view query) {
    const char* fn = "EvtExportLog";
    auto filter = EventQuery::parse(query);
    bool file = flags & kEvtQueryFilePath;
    auto store = file ? LogStore::open_backup(std::string(path), fn)
                      : LogStore::open_live(log_file_path(channel_of(path, fn)), fn);
    store->backup_to(target, fn);
    if (filter->matches_everything()) return;
    // A filtered export: the copy keeps only the records the query matches
    // (their numbers unchanged), judged at one instant.
    std::vector<uint32_t> unmatched;
    {
        auto copy = LogStore::open_backup(target, fn);
        int64_t now = now_ms();
        LogRange range = copy->range();
        for (uint32_t next = range.oldest; range.count() && next <= range.newest;) {
            auto batch = copy->read(next, true, kMaxRecordBytes);
            if (batch.empty()) break;
            for (const auto& r : batch)
                if (!filter->matches(r, now)) unmatched.push_back(r.record_number);
            next = batch.back().record_number + 1;
        }
    }
    try {
        Database db(target, false, false, fn);
        db.exec("BEGIN IMMEDIATE;", fn);
        Statement drop(db, "DELETE FROM records WHERE rec = ?;", fn);
        for (uint32_t rec : unmatched) {
            drop.bind(1, int64_t(rec));
            drop.step();
            drop.reset();
        }
        db.exec("COMMIT;", fn);
        db.exec("VACUUM;", fn);
    } catch (...) {
        ::unlink(target.c_str());  // never leave a copy that holds more than asked
        throw;
    }
}

void evt_seek(Handle result_set, int64_t position, uint32_t flags, std::optional<Handle> bookmark) {
    const char* fn = "EvtSeek";
    auto rs = get<ResultSet>(result_set, fn);
    uint32_t origin = flags & kEvtSeekOriginMask;
    bool strict = flags & kEvtSeekStrict;
    if ((flags & ~(kEvtSeekOriginMask | kEvtSeekStrict)) || origin < kEvtSeekRelativeToFirst ||
        origin > kEvtSeekRelativeToBookmark || (origin == kEvtSeekRelativeToBookmark) != bool(bookmark) ||
        (origin == kEvtSeekRelativeToFirst && position < 0) || (origin == kEvtSeekRelativeToLast && position > 0))
        throw_win32(err::kInvalidParameter, fn);
    std::optional<BookmarkPosition> mark;
    if (bookmark) {
        mark = bookmark_position(*bookmark, fn);
        if (!mark || !same_name(mark->channel, rs->channel)) throw_win32(err::kInvalidParameter, fn);
    }
    std::lock_guard lock(rs->mutex);
    int64_t now = now_ms();
    LogRange range = rs->store->range();
    const bool fw = rs->forwards;
    auto not_found = [&]() -> std::optional<uint32_t> {
        if (strict) throw_win32(err::kNotFound, fn);
        return std::nullopt;
    };
    // The cursor: where EvtNext would start looking.
    int64_t cursor = rs->last ? int64_t(*rs->last) + (fw ? 1 : -1) : (fw ? range.oldest : range.newest);
    std::optional<uint32_t> target;
    switch (origin) {
    case kEvtSeekRelativeToFirst:
        if (auto first = next_match(*rs, fw ? range.oldest : range.newest, fw, now))
            target = step_matches(*rs, *first, position, strict, now);
        else target = not_found();
        break;
    case kEvtSeekRelativeToLast:
        if (auto last = next_match(*rs, fw ? range.newest : range.oldest, !fw, now))
            target = step_matches(*rs, *last, position, strict, now);
        else target = not_found();
        break;
    case kEvtSeekRelativeToCurrent: {
        auto current = next_match(*rs, cursor + (fw ? -1 : 1), !fw, now);
        if (current) {
            target = step_matches(*rs, *current, position, strict, now);
        } else if (auto next = next_match(*rs, cursor, fw, now)) {
            // Nothing read yet: the first event is one step on.
            if (position <= 0 && strict) throw_win32(err::kNotFound, fn);
            target = step_matches(*rs, *next, std::max<int64_t>(position - 1, 0), strict, now);
        } else {
            target = not_found();
        }
        break;
    }
    case kEvtSeekRelativeToBookmark: {
        int64_t id = int64_t(std::min<uint64_t>(mark->record_id, 0xFFFFFFFFu));
        auto at = next_match(*rs, id, fw, now);
        if (at && *at == id) {
            target = step_matches(*rs, *at, position, strict, now);
        } else {
            // Not in the result set: offsets 0 and 1 both land on the event after it.
            if (position == 0 && strict) throw_win32(err::kNotFound, fn);
            if (position >= 0) {
                if (at) target = step_matches(*rs, *at, std::max<int64_t>(position - 1, 0), strict, now);
                else if (auto last = next_match(*rs, id, !fw, now)) target = strict ? not_found() : last;
                else target = not_found();
            } else {
                if (auto before = next_match(*rs, id + (fw ? -1 : 1), !fw, now))
                    target = step_matches(*rs, *before, position + 1, strict, now);
                else if (at) target = strict ? not_found() : at;
                else target = not_found();
            }
        }
        break;
    }
    }
    if (!target) return;
    // EvtNext starts at the record after `last`, in the set's direction.
    rs->last = fw ? *target - 1 : *target + 1;
}

Handle evt_create_bookmark(const std::optional<std::string>& xml) {
    auto bm = std::make_shared<BookmarkObject>();
    if (xml) bm->position = parse_bookmark_xml(*xml);
    return HandleTable::instance().insert(std::move(bm), 0, false);
}

void evt_update_bookmark(Handle bookmark, Handle event) {
    const char* fn = "EvtUpdateBookmark";
    auto bm = get<BookmarkObject>(bookmark, fn);
    auto ev = get<EventObject>(event, fn);
    std::lock_guard lock(bm->mutex);
    bm->position = BookmarkPosition{ev->channel, ev->record.record_number};
}

std::string evt_render_bookmark(Handle bookmark) {
    return bookmark_xml(bookmark_position(bookmark, "EvtRender"));
}

Handle evt_create_render_context(uint32_t flags) {
    if (flags != kEvtRenderContextSystem && flags != kEvtRenderContextUser)
        throw_win32(err::kInvalidParameter, "EvtCreateRenderContext");
    return HandleTable::instance().insert(std::make_shared<RenderContext>(flags), 0, false);
}

std::vector<EvtValue> evt_render_values(Handle event, Handle context) {
    const char* fn = "EvtRender";
    auto ev = get<EventObject>(event, fn);
    auto ctx = get<RenderContext>(context, fn);
    return ctx->flags == kEvtRenderContextSystem ? system_values(ev->record, ev->channel) : user_values(ev->record);
}

EvtValue evt_get_event_info(Handle event, uint32_t property_id) {
    const char* fn = "EvtGetEventInfo";
    auto ev = get<EventObject>(event, fn);
    EvtValue v;
    if (property_id == kEvtEventQueryIDs) {
        // One query per result set here, so every event matched query 0.
        v.type = EvtVarType::Int32;
        v.number = 0;
    } else if (property_id == kEvtEventPath) {
        v.type = EvtVarType::String;
        v.text = ev->channel;
    } else {
        throw_win32(err::kInvalidParameter, fn);
    }
    return v;
}

EventAndChannel evt_event_record(Handle event) {
    auto ev = get<EventObject>(event, "EvtFormatMessage");
    return {ev->record, ev->channel};
}

}  // namespace w32::evtlog
