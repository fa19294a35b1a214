#include "w32/evtlog/evt_api.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <mutex>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/evtlog/change_notify.h"
#include "w32/evtlog/evt_query.h"
#include "w32/evtlog/evt_render.h"
#include "w32/evtlog/log_store.h"
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

Handle evt_subscribe(std::string_view channel, uint32_t flags, Handle signal_event, std::string_view query) {
    const char* fn = "EvtSubscribe";
    uint32_t start = flags & 0x3;
    if (flags & ~(0x3u | kEvtSubscribeTolerateQueryErrors | kEvtSubscribeStrict) || start == 0)
        throw_win32(err::kInvalidParameter, fn);
    if (start == kEvtSubscribeStartAfterBookmark) throw_win32(err::kNotSupported, fn);
    auto rs = std::make_shared<ResultSet>();
    rs->channel = channel_of(channel, fn);
    rs->query = EventQuery::parse(query);
    rs->store = LogStore::open_live(log_file_path(rs->channel), fn);
    auto event = HandleTable::instance().get<sync::SyncObject>(signal_event, ObjectType::Event, fn);
    // Watch first, then fix the starting point: nothing written in between is missed.
    rs->watch = add_change_watch(rs->channel, event);
    if (start == kEvtSubscribeToFutureEvents) {
        LogRange range = rs->store->range();
        rs->last = range.newest;  // 0 when empty: the first record will be 1 or later
    }
    // Records already there for the caller to read: signal at once, as Windows does.
    else if (rs->store->range().count()) {
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
    if (query.find_first_not_of(" \t\r\n*") != std::string_view::npos) throw_win32(err::kNotSupported, fn);
    bool file = flags & kEvtQueryFilePath;
    auto store = file ? LogStore::open_backup(std::string(path), fn)
                      : LogStore::open_live(log_file_path(channel_of(path, fn)), fn);
    store->backup_to(target, fn);
}

}  // namespace w32::evtlog
