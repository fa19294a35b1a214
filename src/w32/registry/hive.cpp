#include "w32/registry/hive.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/evtlog/sqlite_db.h"
#include "w32/registry/key_names.h"

namespace w32::registry {

using evtlog::Database;
using evtlog::Statement;

namespace {

constexpr uint32_t kEventlogFileCorrupt = 1500;  // what the shared SQLite layer reports
constexpr uint32_t kRegistryCorrupt = 1015;      // ERROR_REGISTRY_CORRUPT
constexpr uint32_t kChildMustBeVolatile = 1021;  // ERROR_CHILD_MUST_BE_VOLATILE
constexpr uint32_t kKeyDeleted = 1018;           // ERROR_KEY_DELETED
constexpr int64_t kApplicationId = 0x57335247;   // "W3RG"
// Older change records are dropped; a watcher further behind than this sees
// every registration of the hive signalled (as after an inotify overflow).
constexpr int64_t kChangesKept = 4096;

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS keys("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, parent INTEGER NOT NULL, name TEXT NOT NULL,"
    " fold TEXT NOT NULL, class TEXT NOT NULL DEFAULT '', last_write INTEGER NOT NULL,"
    " boot_id TEXT, UNIQUE(parent, fold));"
    "CREATE TABLE IF NOT EXISTS vals("
    " key INTEGER NOT NULL, name TEXT NOT NULL, fold TEXT NOT NULL, type INTEGER NOT NULL,"
    " data BLOB NOT NULL, UNIQUE(key, fold));"
    // Plain rowids (no AUTOINCREMENT: one page less per write); they stay
    // increasing because pruning always keeps the newest records.
    "CREATE TABLE IF NOT EXISTS changes("
    " seq INTEGER PRIMARY KEY, path TEXT NOT NULL, kind INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS mounts(fold TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " file TEXT NOT NULL, boot_id TEXT NOT NULL);"
    "INSERT OR IGNORE INTO keys(id, parent, name, fold, last_write) VALUES(1, 0, '', '', 0);";

constexpr const char* kFindChild = "SELECT id, name, class, last_write FROM keys WHERE parent=?1 AND fold=?2";
constexpr const char* kKeyExists = "SELECT 1 FROM keys WHERE id=?1";
constexpr const char* kChildren =
    "SELECT id, name, class, last_write FROM keys WHERE parent=?1 ORDER BY fold";
constexpr const char* kGetValue = "SELECT type, data FROM vals WHERE key=?1 AND fold=?2";
constexpr const char* kValues = "SELECT name, type, data FROM vals WHERE key=?1 ORDER BY rowid";
constexpr const char* kSetValue =
    "INSERT INTO vals(key, name, fold, type, data) VALUES(?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT(key, fold) DO UPDATE SET type=excluded.type, data=excluded.data";
constexpr const char* kDeleteValue = "DELETE FROM vals WHERE key=?1 AND fold=?2";
constexpr const char* kTouchKey = "UPDATE keys SET last_write=?2 WHERE id=?1";
constexpr const char* kLogChange = "INSERT INTO changes(path, kind) VALUES(?1, ?2)";
constexpr const char* kInsertKey =
    "INSERT INTO keys(parent, name, fold, class, last_write, boot_id) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kChildAt =
    "SELECT id, name, class, last_write FROM keys WHERE parent=?1 ORDER BY fold LIMIT 1 OFFSET ?2";
constexpr const char* kValueAt = "SELECT name, type, data FROM vals WHERE key=?1 ORDER BY rowid LIMIT 1 OFFSET ?2";
constexpr const char* kKeyBoot = "SELECT boot_id FROM keys WHERE id=?1";

std::string child_path(const std::string& parent, std::string_view fold) {
    return parent.empty() ? std::string(fold) : parent + "\\" + std::string(fold);
}

// Resets a cached statement when a use ends, so that no read snapshot stays
// open on the connection (later reads must see other processes' commits).
struct InUse {
    Statement& st;
    ~InUse() { st.reset(); }
};

KeyRow key_row(const Statement& st) {
    return KeyRow{st.column_int(0), st.column_text(1), st.column_text(2), st.column_int(3)};
}

uint32_t utf16_bytes_len(const std::string& s) { return uint32_t(utf16_length(s)); }

}  // namespace

struct StatementCache {
    Database& db;
    std::vector<std::pair<const char*, std::unique_ptr<Statement>>> items;
};

int64_t filetime_now() noexcept {
    using namespace std::chrono;
    auto since_unix = duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
    return since_unix / 100 + 116444736000000000LL;
}

const std::string& current_boot_id() {
    static const std::string id = [] {
        std::ifstream in("/proc/sys/kernel/random/boot_id");
        std::string s;
        std::getline(in, s);
        return s.empty() ? std::string("unknown") : s;
    }();
    return id;
}

Hive::Hive(std::string file, bool create, const char* function)
    : file_(std::move(file)), create_(create) {
    std::lock_guard lock(mutex_);
    ensure_open(function);
}

Hive::~Hive() {
    if (pid_ != ::getpid()) {
        // Inherited across fork: the parent's SQLite state is not ours to close.
        (void)cache_.release();
        (void)db_.release();
    }
    cache_.reset();
    db_.reset();
    if (notify_fd_ >= 0) ::close(notify_fd_);
}

Statement& Hive::statement(const char* sql) {
    for (auto& [k, st] : cache_->items)
        if (k == sql) return *st;
    cache_->items.emplace_back(sql, std::make_unique<Statement>(*db_, sql, "Registry"));
    return *cache_->items.back().second;
}

void Hive::ensure_open(const char* function) {
    pid_t self = ::getpid();
    if (pid_ == self) return;
    if (pid_ != 0) {
        (void)cache_.release();
        (void)db_.release();
        notify_fd_ = -1;  // the descriptor is ours too, but keep it simple: reopen
    }
    writable_ = false;
    bool exists = ::access(file_.c_str(), F_OK) == 0;
    std::string dir = file_.substr(0, file_.rfind('/'));
    bool can_write = exists ? ::access(file_.c_str(), W_OK) == 0 &&
                                  ::access(dir.c_str(), W_OK) == 0
                            : create_ && ::access(dir.c_str(), W_OK) == 0;
    if (!exists && !can_write) {
        pid_ = self;  // an empty, read-only hive
        return;
    }
    try {
        db_ = std::make_unique<Database>(file_, !can_write, can_write && !exists, function);
        cache_ = std::make_unique<StatementCache>(StatementCache{*db_, {}});
        int64_t app = db_->query_int("PRAGMA application_id", function);
        if (app != 0 && app != kApplicationId) throw_win32(kRegistryCorrupt, function);
        if (can_write) {
            db_->exec_retrying("PRAGMA journal_mode=WAL", function);
            db_->exec("PRAGMA synchronous=NORMAL", function);
            if (app == 0) {
                db_->exec_retrying("BEGIN IMMEDIATE", function);
                try {
                    db_->exec(kSchema, function);
                    db_->exec(("PRAGMA application_id=" + std::to_string(kApplicationId) + "; PRAGMA user_version=1;").c_str(),
                              function);
                    db_->exec("COMMIT", function);
                } catch (...) {
                    db_->rollback();
                    throw;
                }
            }
            writable_ = true;
            // Readable by all who can read the hive's directory: watchers of a
            // root-owned hive lock it for reading. It holds nothing.
            notify_fd_ = ::open(notify_file().c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
            drop_stale_volatile_keys();
        } else if (app == 0) {
            throw_win32(kRegistryCorrupt, function);
        }
    } catch (const Win32Error& e) {
        cache_.reset();
        db_.reset();
        throw_win32(e.code() == kEventlogFileCorrupt ? kRegistryCorrupt : e.code(), function);
    }
    pid_ = self;
}

template <class Fn>
auto Hive::locked(const char* function, Fn&& fn) {
    std::lock_guard lock(mutex_);
    ensure_open(function);
    try {
        return fn();
    } catch (const Win32Error& e) {
        // Cached statements carry a placeholder name: report the caller's.
        throw_win32(e.code() == kEventlogFileCorrupt ? kRegistryCorrupt : e.code(), function);
    }
}

void Hive::require_writable(const char* function) const {
    if (!writable_) throw_win32(err::kAccessDenied, function);
}

template <class Fn>
void Hive::write(const std::string& path, uint32_t kind, const char* function, Fn&& fn) {
    locked(function, [&] {
        require_writable(function);
        begin_write(function);
        try {
            fn();
            if (kind) log_change(path, kind);
            commit(function);
        } catch (...) {
            rollback();
            throw;
        }
        return 0;
    });
    notify_watchers();
}

void Hive::begin_write(const char* function) {
    Statement& st = statement("BEGIN IMMEDIATE");
    try {
        InUse use{st};
        st.step();
    } catch (const Win32Error& e) {
        // Some conflicts (WAL recovery) skip the busy handler: retry them.
        if (e.code() != err::kBusy) throw;
        db_->exec_retrying("BEGIN IMMEDIATE", function);
    }
}

void Hive::commit(const char* function) {
    {
        Statement& st = statement("COMMIT");
        InUse use{st};
        st.step();
    }
    publish_changes(function);
}

void Hive::rollback() noexcept {
    pending_.clear();
    db_->rollback();
}

void Hive::log_change(const std::string& path, uint32_t kind) { pending_.emplace_back(path, kind); }

bool Hive::watched() const noexcept {
    if (notify_fd_ < 0) return true;  // cannot tell: log
    struct flock probe {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    probe.l_start = 0;
    probe.l_len = 1;
    if (::fcntl(notify_fd_, F_OFD_GETLK, &probe) != 0) return true;
    return probe.l_type != F_UNLCK;
}

// Runs after the change itself has committed. A watcher takes its lock on
// the notify file before it reads where the log ends: if the lock is not
// there now, any watcher still to come will read a log end that is past
// this change, which is before its registration; if it is there, the record
// written here lands after that end. So the log (a page write per change)
// is only kept while some process watches the hive.
void Hive::publish_changes(const char* function) noexcept {
    if (pending_.empty()) return;
    auto changes = std::move(pending_);
    pending_.clear();
    if (!watched()) return;
    try {
        begin_write(function);
        try {
            for (const auto& [path, kind] : changes) {
                Statement& st = statement(kLogChange);
                InUse use{st};
                st.bind(1, std::string_view(path));
                st.bind(2, int64_t(kind));
                st.step();
            }
            if (++writes_ % 1024 == 0) {
                Statement prune(*db_, "DELETE FROM changes WHERE seq <= (SELECT max(seq) FROM changes) - ?1",
                                function);
                prune.bind(1, kChangesKept);
                prune.step();
            }
            Statement& st = statement("COMMIT");
            InUse use{st};
            st.step();
        } catch (...) {
            db_->rollback();
            throw;
        }
        touch_pending_.store(true, std::memory_order_relaxed);
    } catch (...) {
        // The change stands; only its notification is lost (a database busy
        // for longer than the timeout).
    }
}

void Hive::touch_key(int64_t key, int64_t now) {
    Statement& st = statement(kTouchKey);
    InUse use{st};
    st.bind(1, key);
    st.bind(2, now);
    st.step();
}

void Hive::notify_watchers() noexcept {
    if (notify_fd_ >= 0 && touch_pending_.exchange(false)) ::futimens(notify_fd_, nullptr);
}

void Hive::drop_stale_volatile_keys() {
    Statement find(*db_, "SELECT id FROM keys WHERE boot_id IS NOT NULL AND boot_id<>?1", "RegOpenKeyEx");
    find.bind(1, std::string_view(current_boot_id()));
    std::vector<int64_t> stale;
    while (find.step()) stale.push_back(find.column_int(0));
    find.reset();
    if (stale.empty()) return;
    db_->exec_retrying("BEGIN IMMEDIATE", "RegOpenKeyEx");
    try {
        for (int64_t id : stale)
            if (key_exists_locked(id)) delete_subtree_locked(id);
        db_->exec("COMMIT", "RegOpenKeyEx");
    } catch (...) {
        db_->rollback();
        throw;
    }
}

bool Hive::key_exists_locked(int64_t id) {
    if (!db_) return id == kRootKeyId;
    Statement& st = statement(kKeyExists);
    InUse use{st};
    st.bind(1, id);
    return st.step();
}

std::optional<KeyRow> Hive::find_child(int64_t parent, std::string_view fold, const char* function) {
    return locked(function, [&]() -> std::optional<KeyRow> {
        if (!db_) return std::nullopt;
        Statement& st = statement(kFindChild);
        InUse use{st};
        st.bind(1, parent);
        st.bind(2, fold);
        if (!st.step()) return std::nullopt;
        return key_row(st);
    });
}

bool Hive::key_exists(int64_t id, const char* function) {
    return locked(function, [&] { return key_exists_locked(id); });
}

std::vector<KeyRow> Hive::children(int64_t id, const char* function) {
    return locked(function, [&] {
        std::vector<KeyRow> out;
        if (!db_) return out;
        Statement& st = statement(kChildren);
        InUse use{st};
        st.bind(1, id);
        while (st.step()) out.push_back(key_row(st));
        return out;
    });
}

std::optional<KeyRow> Hive::child_at(int64_t id, uint32_t index, const char* function) {
    return locked(function, [&]() -> std::optional<KeyRow> {
        if (!db_) return std::nullopt;
        Statement& st = statement(kChildAt);
        InUse use{st};
        st.bind(1, id);
        st.bind(2, int64_t(index));
        if (!st.step()) return std::nullopt;
        return key_row(st);
    });
}

std::optional<NamedValue> Hive::value_at(int64_t key, uint32_t index, const char* function) {
    return locked(function, [&]() -> std::optional<NamedValue> {
        if (!db_) return std::nullopt;
        Statement& st = statement(kValueAt);
        InUse use{st};
        st.bind(1, key);
        st.bind(2, int64_t(index));
        if (!st.step()) return std::nullopt;
        return NamedValue{st.column_text(0), RegValue{uint32_t(st.column_int(1)), st.column_blob(2)}};
    });
}

std::optional<RegValue> Hive::get_value(int64_t key, std::string_view fold, const char* function) {
    return locked(function, [&]() -> std::optional<RegValue> {
        if (!db_) return std::nullopt;
        Statement& st = statement(kGetValue);
        InUse use{st};
        st.bind(1, key);
        st.bind(2, fold);
        if (!st.step()) return std::nullopt;
        return RegValue{uint32_t(st.column_int(0)), st.column_blob(1)};
    });
}

std::vector<NamedValue> Hive::values(int64_t key, const char* function) {
    return locked(function, [&] {
        std::vector<NamedValue> out;
        if (!db_) return out;
        Statement& st = statement(kValues);
        InUse use{st};
        st.bind(1, key);
        while (st.step())
            out.push_back(NamedValue{st.column_text(0), RegValue{uint32_t(st.column_int(1)), st.column_blob(2)}});
        return out;
    });
}

KeyStats Hive::stats(int64_t key, const char* function) {
    KeyStats s;
    for (const KeyRow& k : children(key, function)) {
        ++s.subkeys;
        s.max_subkey_len = std::max(s.max_subkey_len, utf16_bytes_len(k.name));
        s.max_class_len = std::max(s.max_class_len, utf16_bytes_len(k.class_name));
    }
    for (const NamedValue& v : values(key, function)) {
        ++s.values;
        s.max_value_name_len = std::max(s.max_value_name_len, utf16_bytes_len(v.name));
        s.max_value_len = std::max(s.max_value_len, uint32_t(v.value.data.size()));
    }
    locked(function, [&] {
        if (!db_) return 0;
        Statement st(*db_, "SELECT class, last_write FROM keys WHERE id=?1", function);
        st.bind(1, key);
        if (st.step()) {
            s.class_name = st.column_text(0);
            s.last_write = st.column_int(1);
        }
        return 0;
    });
    return s;
}

int64_t Hive::last_change(const char* function) {
    return locked(function, [&]() -> int64_t {
        if (!db_) return 0;
        return db_->query_int("SELECT coalesce(max(seq), 0) FROM changes", function);
    });
}

std::vector<Change> Hive::changes_after(int64_t seq, const char* function) {
    return locked(function, [&] {
        std::vector<Change> out;
        if (!db_) return out;
        Statement first(*db_, "SELECT coalesce(min(seq), 0) FROM changes", function);
        first.step();
        int64_t oldest = first.column_int(0);
        if (oldest > seq + 1) {
            // Pruned past the reader: report a change of everything.
            out.push_back(Change{oldest, "", kChangeName | kChangeLastSet | kChangeAttributes |
                                                 kChangeSecurity | kSubtreeDeleted});
        }
        Statement st(*db_, "SELECT seq, path, kind FROM changes WHERE seq>?1 ORDER BY seq", function);
        st.bind(1, seq);
        while (st.step()) out.push_back(Change{st.column_int(0), st.column_text(1), uint32_t(st.column_int(2))});
        return out;
    });
}

std::optional<std::string> Hive::mount(std::string_view fold, const char* function) {
    return locked(function, [&]() -> std::optional<std::string> {
        if (!db_) return std::nullopt;
        // A loaded hive stays until it is unloaded or the machine restarts.
        Statement st(*db_, "SELECT file FROM mounts WHERE fold=?1 AND boot_id=?2", function);
        st.bind(1, fold);
        st.bind(2, std::string_view(current_boot_id()));
        if (!st.step()) return std::nullopt;
        return st.column_text(0);
    });
}

std::vector<std::pair<std::string, std::string>> Hive::mounts(const char* function) {
    return locked(function, [&] {
        std::vector<std::pair<std::string, std::string>> out;
        if (!db_) return out;
        Statement st(*db_, "SELECT name, file FROM mounts WHERE boot_id=?1 ORDER BY fold", function);
        st.bind(1, std::string_view(current_boot_id()));
        while (st.step()) out.emplace_back(st.column_text(0), st.column_text(1));
        return out;
    });
}

std::pair<int64_t, bool> Hive::create_path(int64_t parent, const std::string& parent_path,
                                           const std::vector<std::string>& parts,
                                           std::string_view class_name, bool is_volatile,
                                           const char* function) {
    std::pair<int64_t, bool> result{parent, false};
    std::string path = parent_path;
    std::string first_new_parent;
    bool any_new = false;
    auto body = [&] {
        int64_t now = filetime_now();
        int64_t at = parent;
        bool parent_volatile = false;
        {
            Statement& b = statement(kKeyBoot);
            InUse use{b};
            b.bind(1, at);
            if (!b.step()) throw_win32(kKeyDeleted, function);
            parent_volatile = !b.column_is_null(0);
        }
        for (size_t i = 0; i < parts.size(); ++i) {
            std::string fold = fold_name(parts[i]);
            std::optional<KeyRow> row;
            {
                Statement& st = statement(kFindChild);
                InUse use{st};
                st.bind(1, at);
                st.bind(2, std::string_view(fold));
                if (st.step()) row = key_row(st);
            }
            if (row) {
                Statement& b = statement(kKeyBoot);
                InUse use{b};
                b.bind(1, row->id);
                b.step();
                parent_volatile = !b.column_is_null(0);
                at = row->id;
                path = child_path(path, fold);
                continue;
            }
            bool last = i + 1 == parts.size();
            bool make_volatile = is_volatile || false;
            if (parent_volatile && !make_volatile) throw_win32(kChildMustBeVolatile, function);
            if (!any_new) first_new_parent = path;
            any_new = true;
            Statement& ins = statement(kInsertKey);
            InUse use{ins};
            ins.bind(1, at);
            ins.bind(2, std::string_view(parts[i]));
            ins.bind(3, std::string_view(fold));
            // A null view would bind SQL NULL.
            ins.bind(4, last && class_name.data() ? class_name : std::string_view(""));
            ins.bind(5, now);
            if (make_volatile) ins.bind(6, std::string_view(current_boot_id()));
            else ins.bind_null(6);
            ins.step();
            touch_key(at, now);
            at = sqlite3_last_insert_rowid(db_->raw());
            path = child_path(path, fold);
            parent_volatile = make_volatile;
        }
        result = {at, any_new};
    };
    // The change is logged on the parent of the first new key (its subkey list changed).
    write(parent_path, 0, function, [&] {
        body();
        if (any_new) log_change(first_new_parent, kChangeName);
    });
    return result;
}

void Hive::set_value(int64_t key, const std::string& path, std::string_view name,
                     const RegValue& value, const char* function) {
    std::string fold = fold_name(name);
    write(path, kChangeLastSet, function, [&] {
        int64_t now = filetime_now();
        {
            Statement& t = statement(kTouchKey);
            InUse use{t};
            t.bind(1, key);
            t.bind(2, now);
            t.step();
            if (sqlite3_changes(db_->raw()) == 0) throw_win32(kKeyDeleted, function);
        }
        Statement& st = statement(kSetValue);
        InUse use{st};
        st.bind(1, key);
        st.bind(2, name);
        st.bind(3, std::string_view(fold));
        st.bind(4, int64_t(value.type));
        st.bind_blob(5, value.data);
        st.step();
    });
}

bool Hive::delete_value(int64_t key, const std::string& path, std::string_view name,
                        const char* function) {
    std::string fold = fold_name(name);
    bool found = false;
    write(path, 0, function, [&] {
        if (!key_exists_locked(key)) throw_win32(kKeyDeleted, function);
        Statement& st = statement(kDeleteValue);
        {
            InUse use{st};
            st.bind(1, key);
            st.bind(2, std::string_view(fold));
            st.step();
        }
        found = sqlite3_changes(db_->raw()) > 0;
        if (found) {
            touch_key(key, filetime_now());
            log_change(path, kChangeLastSet);
        }
    });
    return found;
}

void Hive::delete_subtree_locked(int64_t key) {
    std::vector<int64_t> pending{key}, all;
    while (!pending.empty()) {
        int64_t id = pending.back();
        pending.pop_back();
        all.push_back(id);
        Statement st(*db_, "SELECT id FROM keys WHERE parent=?1", "RegDeleteTree");
        st.bind(1, id);
        while (st.step()) pending.push_back(st.column_int(0));
    }
    Statement dv(*db_, "DELETE FROM vals WHERE key=?1", "RegDeleteTree");
    Statement dk(*db_, "DELETE FROM keys WHERE id=?1", "RegDeleteTree");
    for (int64_t id : all) {
        dv.bind(1, id);
        dv.step();
        dv.reset();
        dk.bind(1, id);
        dk.step();
        dk.reset();
    }
}

void Hive::delete_key(int64_t key, const std::string& path, bool subtree, const char* function) {
    if (key == kRootKeyId) throw_win32(err::kAccessDenied, function);
    write(path, kChangeName | kSubtreeDeleted, function, [&] {
        Statement parent(*db_, "SELECT parent FROM keys WHERE id=?1", function);
        parent.bind(1, key);
        if (!parent.step()) throw_win32(kKeyDeleted, function);
        int64_t parent_id = parent.column_int(0);
        parent.reset();
        if (!subtree) {
            Statement kids(*db_, "SELECT 1 FROM keys WHERE parent=?1 LIMIT 1", function);
            kids.bind(1, key);
            if (kids.step()) throw_win32(err::kAccessDenied, function);
        }
        delete_subtree_locked(key);
        touch_key(parent_id, filetime_now());
        std::string parent_path = path.substr(0, path.rfind('\\') == std::string::npos ? 0 : path.rfind('\\'));
        log_change(parent_path, kChangeName);
    });
}

void Hive::clear_key(int64_t key, const std::string& path, const char* function) {
    write(path, kChangeName | kChangeLastSet, function, [&] {
        if (!key_exists_locked(key)) throw_win32(kKeyDeleted, function);
        Statement kids(*db_, "SELECT id FROM keys WHERE parent=?1", function);
        kids.bind(1, key);
        std::vector<int64_t> ids;
        while (kids.step()) ids.push_back(kids.column_int(0));
        kids.reset();
        for (int64_t id : ids) delete_subtree_locked(id);
        Statement dv(*db_, "DELETE FROM vals WHERE key=?1", function);
        dv.bind(1, key);
        dv.step();
        touch_key(key, filetime_now());
    });
}

void Hive::set_mount(std::string_view name, std::optional<std::string> file, const char* function) {
    std::string fold = fold_name(name);
    // The root's list of subkeys changes.
    write("", kChangeName, function, [&] {
        if (file) {
            Statement stale(*db_, "DELETE FROM mounts WHERE fold=?1 AND boot_id<>?2", function);
            stale.bind(1, std::string_view(fold));
            stale.bind(2, std::string_view(current_boot_id()));
            stale.step();
            Statement st(*db_, "INSERT INTO mounts(fold, name, file, boot_id) VALUES(?1, ?2, ?3, ?4)", function);
            st.bind(1, std::string_view(fold));
            st.bind(2, name);
            st.bind(3, std::string_view(*file));
            st.bind(4, std::string_view(current_boot_id()));
            try {
                st.step();
            } catch (const Win32Error&) {
                throw_win32(err::kAlreadyExists, function);
            }
        } else {
            Statement st(*db_, "DELETE FROM mounts WHERE fold=?1 AND boot_id=?2", function);
            st.bind(1, std::string_view(fold));
            st.bind(2, std::string_view(current_boot_id()));
            st.step();
            if (sqlite3_changes(db_->raw()) == 0) throw_win32(err::kInvalidParameter, function);
        }
    });
}

void Hive::flush(const char* function) {
    locked(function, [&] {
        if (db_ && writable_) db_->exec_retrying("PRAGMA wal_checkpoint(FULL)", function);
        return 0;
    });
}

Hive::TreeNode Hive::read_tree_locked(int64_t key) {
    TreeNode node;
    Statement self(*db_, "SELECT name, class, last_write FROM keys WHERE id=?1", "RegSaveKey");
    self.bind(1, key);
    if (!self.step()) throw_win32(kKeyDeleted, "RegSaveKey");
    node.name = self.column_text(0);
    node.class_name = self.column_text(1);
    node.last_write = self.column_int(2);
    self.reset();
    Statement vals(*db_, kValues, "RegSaveKey");
    vals.bind(1, key);
    while (vals.step())
        node.values.push_back(NamedValue{vals.column_text(0), RegValue{uint32_t(vals.column_int(1)), vals.column_blob(2)}});
    vals.reset();
    Statement kids(*db_, "SELECT id FROM keys WHERE parent=?1 ORDER BY fold", "RegSaveKey");
    kids.bind(1, key);
    std::vector<int64_t> ids;
    while (kids.step()) ids.push_back(kids.column_int(0));
    kids.reset();
    for (int64_t id : ids) node.children.push_back(read_tree_locked(id));
    return node;
}

Hive::TreeNode Hive::read_tree(int64_t key, const char* function) {
    return locked(function, [&] {
        if (!db_) return TreeNode{};
        // One read transaction: the saved tree is a consistent snapshot.
        db_->exec("BEGIN", function);
        try {
            TreeNode t = read_tree_locked(key);
            db_->exec("COMMIT", function);
            return t;
        } catch (...) {
            db_->rollback();
            throw;
        }
    });
}

void Hive::write_tree_locked(int64_t key, const TreeNode& tree, int64_t now) {
    Statement sv(*db_, kSetValue, "RegRestoreKey");
    for (const NamedValue& v : tree.values) {
        sv.bind(1, key);
        sv.bind(2, std::string_view(v.name));
        std::string fold = fold_name(v.name);
        sv.bind(3, std::string_view(fold));
        sv.bind(4, int64_t(v.value.type));
        sv.bind_blob(5, v.value.data);
        sv.step();
        sv.reset();
    }
    for (const TreeNode& child : tree.children) {
        std::string fold = fold_name(child.name);
        int64_t id = 0;
        {
            Statement find(*db_, kFindChild, "RegRestoreKey");
            find.bind(1, key);
            find.bind(2, std::string_view(fold));
            if (find.step()) id = find.column_int(0);
        }
        if (!id) {
            Statement ins(*db_, kInsertKey, "RegRestoreKey");
            ins.bind(1, key);
            ins.bind(2, std::string_view(child.name));
            ins.bind(3, std::string_view(fold));
            ins.bind(4, std::string_view(child.class_name));
            ins.bind(5, now);
            ins.bind_null(6);
            ins.step();
            id = sqlite3_last_insert_rowid(db_->raw());
        }
        write_tree_locked(id, child, now);
    }
    touch_key(key, now);
}

void Hive::write_tree(int64_t key, const std::string& path, const TreeNode& tree, bool replace,
                      const char* function) {
    write(path, kChangeName | kChangeLastSet, function, [&] {
        if (!key_exists_locked(key)) throw_win32(kKeyDeleted, function);
        if (replace) {
            Statement kids(*db_, "SELECT id FROM keys WHERE parent=?1", function);
            kids.bind(1, key);
            std::vector<int64_t> ids;
            while (kids.step()) ids.push_back(kids.column_int(0));
            kids.reset();
            for (int64_t id : ids) delete_subtree_locked(id);
            Statement dv(*db_, "DELETE FROM vals WHERE key=?1", function);
            dv.bind(1, key);
            dv.step();
        }
        write_tree_locked(key, tree, filetime_now());
    });
}

}  // namespace w32::registry
