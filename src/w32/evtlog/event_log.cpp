#include "w32/evtlog/event_log.h"

#include <unistd.h>

#include <cctype>
#include <ctime>
#include <memory>
#include <mutex>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/evtlog/change_notify.h"
#include "w32/evtlog/source_registry.h"
#include "w32/evtlog/syslog_forward.h"
#include "w32/sync/sync_objects.h"

namespace w32::evtlog {

namespace {

constexpr uint32_t kRpcServerUnavailable = 1722;  // RPC_S_SERVER_UNAVAILABLE
constexpr uint32_t kInvalidSid = 1337;            // ERROR_INVALID_SID
constexpr size_t kMaxInsertChars = 31839;         // ReportEvent's limit per string

enum class Kind { Reader, Backup, Source };

class EventLogObject : public KernelObject {
public:
    EventLogObject(Kind kind, std::string log, std::unique_ptr<LogStore> store)
        : kind(kind), log(std::move(log)), store(std::move(store)) {}
    ~EventLogObject() override {
        for (uint64_t id : watches) remove_change_watch(id);
        if (::getpid() != owner_pid) (void)store.release();  // the parent's connection
    }
    ObjectType type() const noexcept override { return ObjectType::Other; }

    // The store, for this process: a SQLite connection must not be used (or
    // closed) in a child made by fork(), so a child opens its own and
    // abandons the one it inherited. Called under `mutex`.
    LogStore& store_here(const char* function) {
        if (::getpid() != owner_pid) {
            (void)store.release();
            store = kind == Kind::Backup ? LogStore::open_backup(log, function)
                                         : LogStore::open_live(log_file_path(log), function);
            owner_pid = ::getpid();
        }
        return *store;
    }

    const Kind kind;
    const std::string log;
    std::mutex mutex;  // one call at a time per handle: the connection and the read position
    std::unique_ptr<LogStore> store;
    pid_t owner_pid = ::getpid();
    std::optional<uint32_t> last_read;  // the last record a read returned
    std::vector<uint64_t> watches;
    std::string source_name;
    std::unique_ptr<ChangeNotifier> notifier;
};

// Read once per process: the ComputerName of every record this process writes.
const std::string& host_name() {
    static const std::string name = [] {
        char buf[256] = {};
        if (::gethostname(buf, sizeof buf - 1) != 0) return std::string("localhost");
        return std::string(buf);
    }();
    return name;
}

std::shared_ptr<EventLogObject> get(Handle h, const char* function) {
    auto obj = std::dynamic_pointer_cast<EventLogObject>(HandleTable::instance().lookup(h, function).object);
    if (!obj) throw_win32(err::kInvalidHandle, function);
    return obj;
}

std::shared_ptr<EventLogObject> get_reader(Handle h, const char* function) {
    auto obj = get(h, function);
    if (obj->kind == Kind::Source) throw_win32(err::kInvalidHandle, function);
    return obj;
}

std::shared_ptr<EventLogObject> get_live_reader(Handle h, const char* function) {
    auto obj = get_reader(h, function);
    if (obj->kind != Kind::Reader) throw_win32(err::kInvalidHandle, function);
    return obj;
}

std::shared_ptr<EventLogObject> get_source(Handle h, const char* function) {
    auto obj = get(h, function);
    if (obj->kind != Kind::Source) throw_win32(err::kInvalidHandle, function);
    return obj;
}

void check_sid(const std::vector<uint8_t>& sid) {
    if (sid.size() < 8 || sid[0] != 1 || sid[1] > 15 || sid.size() != 8 + 4 * size_t(sid[1]))
        throw_win32(kInvalidSid, "ReportEvent");
}

}  // namespace

void check_local_server(const std::optional<std::string_view>& server, const char* function) {
    if (!server) return;
    std::string_view name = *server;
    while (!name.empty() && name.front() == '\\') name.remove_prefix(1);
    if (name.empty() || name == "." || same_name(name, "localhost") || same_name(name, host_name())) return;
    throw_win32(kRpcServerUnavailable, function);
}

Handle open_event_log(const std::optional<std::string_view>& server, std::string_view log) {
    const char* fn = "OpenEventLog";
    check_local_server(server, fn);
    std::string name = resolve_log_name(log);
    auto obj = std::make_shared<EventLogObject>(Kind::Reader, name, LogStore::open_live(log_file_path(name), fn));
    return HandleTable::instance().insert(std::move(obj), 0, false);
}

Handle open_backup_event_log(const std::optional<std::string_view>& server, const std::string& path) {
    const char* fn = "OpenBackupEventLog";
    check_local_server(server, fn);
    auto obj = std::make_shared<EventLogObject>(Kind::Backup, path, LogStore::open_backup(path, fn));
    return HandleTable::instance().insert(std::move(obj), 0, false);
}

Handle register_event_source(const std::optional<std::string_view>& server, std::string_view source) {
    const char* fn = "RegisterEventSource";
    check_local_server(server, fn);
    if (source.empty() || source.size() > 256) throw_win32(err::kInvalidParameter, fn);
    // Unregistered sources write to the Application log, as on Windows.
    auto info = find_source(source);
    std::string log = info ? info->log : std::string("Application");
    if (log == "Security" && ::geteuid() != 0) throw_win32(err::kAccessDenied, fn);
    auto obj = std::make_shared<EventLogObject>(Kind::Source, log, LogStore::open_live(log_file_path(log), fn));
    obj->source_name = info ? info->name : std::string(source);
    obj->notifier = std::make_unique<ChangeNotifier>(log);
    return HandleTable::instance().insert(std::move(obj), 0, false);
}

void check_reader_handle(Handle h, const char* function) { get_reader(h, function); }
void check_source_handle(Handle h, const char* function) { get_source(h, function); }

void close_event_log(Handle h) {
    check_reader_handle(h, "CloseEventLog");
    HandleTable::instance().close(h, "CloseEventLog");
}

void deregister_event_source(Handle h) {
    check_source_handle(h, "DeregisterEventSource");
    HandleTable::instance().close(h, "DeregisterEventSource");
}

uint32_t report_event(Handle h, const ReportArgs& args) {
    const char* fn = "ReportEvent";
    auto obj = get_source(h, fn);
    EventRecord r;
    r.event_type = args.type;
    r.event_category = args.category;
    r.event_id = args.event_id;
    if (args.sid) {
        check_sid(*args.sid);
        r.sid = args.sid;
    }
    if (args.strings) {
        if (args.strings->size() > 0xFFFF) throw_win32(err::kInvalidParameter, fn);
        for (const auto& s : *args.strings) {
            size_t chars = 0;  // characters, not UTF-8 bytes
            for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
            if (chars > kMaxInsertChars) throw_win32(err::kInvalidParameter, fn);
        }
        if (!args.strings->empty()) r.strings = args.strings;
    }
    r.data = args.data;
    r.source_name = obj->source_name;
    r.computer_name = host_name();
    r.reserved_flags = 0;
    r.closing_record_number = 0;
    if (record_wire_size(r) > kMaxRecordBytes) throw_win32(err::kInvalidParameter, fn);
    r.time_generated = r.time_written = uint32_t(::time(nullptr));
    std::lock_guard lock(obj->mutex);
    LogPolicy policy;
    uint32_t number = obj->store_here(fn).append(r, &policy);
    obj->notifier->record_written();
    if (policy.forward) forward_record(obj->log, r);
    return number;
}

std::vector<EventRecord> read_event_log(Handle h, uint32_t flags, uint32_t offset, size_t max_bytes) {
    const char* fn = "ReadEventLog";
    auto obj = get_reader(h, fn);
    bool sequential = flags & kSequentialRead, seek = flags & kSeekRead;
    bool forwards = flags & kForwardsRead, backwards = flags & kBackwardsRead;
    if (sequential == seek || forwards == backwards ||
        (flags & ~(kSequentialRead | kSeekRead | kForwardsRead | kBackwardsRead)))
        throw_win32(err::kInvalidParameter, fn);
    if (max_bytes == 0 || max_bytes > kMaxRecordBytes) max_bytes = kMaxRecordBytes;
    std::lock_guard lock(obj->mutex);
    LogRange range = obj->store_here(fn).range();
    uint32_t start;
    if (seek) {
        if (range.count() == 0 || offset < range.oldest || offset > range.newest)
            throw_win32(err::kInvalidParameter, fn);
        start = offset;
    } else if (obj->last_read) {
        if (backwards && *obj->last_read <= 1) return {};
        start = forwards ? *obj->last_read + 1 : *obj->last_read - 1;
    } else {
        if (range.count() == 0) return {};
        start = forwards ? range.oldest : range.newest;
    }
    auto records = obj->store_here(fn).read(start, forwards, max_bytes);
    if (!records.empty()) obj->last_read = records.back().record_number;
    return records;
}

uint32_t number_of_records(Handle h) {
    const char* fn = "GetNumberOfEventLogRecords";
    auto obj = get_reader(h, fn);
    std::lock_guard lock(obj->mutex);
    return obj->store_here(fn).range().count();
}

uint32_t oldest_record(Handle h) {
    const char* fn = "GetOldestEventLogRecord";
    auto obj = get_reader(h, fn);
    std::lock_guard lock(obj->mutex);
    return obj->store_here(fn).range().oldest;
}

void clear_event_log(Handle h, const std::optional<std::string>& backup_path) {
    const char* fn = "ClearEventLog";
    auto obj = get_live_reader(h, fn);
    std::lock_guard lock(obj->mutex);
    LogStore& store = obj->store_here(fn);
    if (backup_path) store.backup_to(*backup_path, fn);
    store.clear();
    obj->last_read.reset();
}

void backup_event_log(Handle h, const std::string& backup_path) {
    const char* fn = "BackupEventLog";
    auto obj = get_live_reader(h, fn);
    std::lock_guard lock(obj->mutex);
    obj->store_here(fn).backup_to(backup_path, fn);
}

void set_log_policy(std::string_view log, const LogPolicy& policy) {
    std::string name = resolve_log_name(log);
    LogStore::open_live(log_file_path(name), "SetLogPolicy")->set_policy(policy);
}

LogPolicy get_log_policy(std::string_view log) {
    std::string name = resolve_log_name(log);
    return LogStore::open_live(log_file_path(name), "GetLogPolicy")->policy();
}

void notify_change_event_log(Handle h, Handle event) {
    const char* fn = "NotifyChangeEventLog";
    auto obj = get_live_reader(h, fn);
    auto ev = HandleTable::instance().get<sync::SyncObject>(event, ObjectType::Event, fn);
    uint64_t id = add_change_watch(obj->log, std::move(ev));
    std::lock_guard lock(obj->mutex);
    obj->watches.push_back(id);
}

}  // namespace w32::evtlog
