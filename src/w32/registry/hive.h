// One registry hive: a SQLite database (WAL) holding a tree of keys, their
// values and a log of changes that RegNotifyChangeKeyValue watchers read.
// Every process opens its own connection; SQLite's locking makes writers
// from several processes take turns, and WAL keeps readers from blocking.
//
// Schema (PRAGMA application_id 'W3RG', user_version 1):
//   keys(id, parent, name, fold, class, last_write, boot_id)
//     the root is id 1 (parent 0, name ""); fold is the upper-cased name;
//     boot_id is set for volatile keys, which vanish at the next boot.
//   vals(key, name, fold, type, data)   insertion order is rowid order
//   changes(seq, path, kind)            path: folded key path in the hive
//   mounts(fold, name, file, boot_id)   hives loaded under the root (RegLoadKey), until reboot
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "w32/kernel/fork_safe_mutex.h"
#include "w32/registry/value_codec.h"

namespace w32::evtlog {
class Database;
class Statement;
}  // namespace w32::evtlog

namespace w32::registry {

inline constexpr int64_t kRootKeyId = 1;

// Change kinds, as REG_NOTIFY_CHANGE_* filter bits; kSubtreeDeleted marks
// a key removed with everything below it.
inline constexpr uint32_t kChangeName = 0x1;
inline constexpr uint32_t kChangeAttributes = 0x2;
inline constexpr uint32_t kChangeLastSet = 0x4;
inline constexpr uint32_t kChangeSecurity = 0x8;
inline constexpr uint32_t kSubtreeDeleted = 0x100;

struct KeyRow {
    int64_t id = 0;
    std::string name;
    std::string class_name;
    int64_t last_write = 0;  // FILETIME
};

struct NamedValue {
    std::string name;
    RegValue value;
};

struct KeyStats {
    uint32_t subkeys = 0, max_subkey_len = 0, max_class_len = 0;
    uint32_t values = 0, max_value_name_len = 0, max_value_len = 0;
    std::string class_name;
    int64_t last_write = 0;
};

struct Change {
    int64_t seq;
    std::string path;
    uint32_t kind;
};

int64_t filetime_now() noexcept;

struct StatementCache;

class Hive {
public:
    // Opens (creating when `create` and the directory is writable) the
    // database at `file`. A hive that cannot be written is opened read-only;
    // a missing one that cannot be created is empty and read-only.
    Hive(std::string file, bool create, const char* function);
    ~Hive();
    Hive(const Hive&) = delete;
    Hive& operator=(const Hive&) = delete;

    const std::string& file() const noexcept { return file_; }
    bool writable() const noexcept { return writable_; }
    // The file the change watchers of this hive look at.
    std::string notify_file() const { return file_ + ".notify"; }

    // Reads. Each takes the hive's lock; the `function` names the API in errors.
    std::optional<KeyRow> find_child(int64_t parent, std::string_view fold, const char* function);
    bool key_exists(int64_t id, const char* function);
    std::vector<KeyRow> children(int64_t id, const char* function);
    // The index'th subkey (by name) or value (by creation), for enumeration.
    std::optional<KeyRow> child_at(int64_t id, uint32_t index, const char* function);
    std::optional<NamedValue> value_at(int64_t key, uint32_t index, const char* function);
    std::optional<RegValue> get_value(int64_t key, std::string_view fold, const char* function);
    std::vector<NamedValue> values(int64_t key, const char* function);
    KeyStats stats(int64_t key, const char* function);
    int64_t last_change(const char* function);
    std::vector<Change> changes_after(int64_t seq, const char* function);
    std::optional<std::string> mount(std::string_view fold, const char* function);
    std::vector<std::pair<std::string, std::string>> mounts(const char* function);

    // Writes: each is one transaction that also logs the change for `path`.
    // create_path makes the missing keys of `parts` below `parent`, and
    // returns the last key's id and whether it was new.
    std::pair<int64_t, bool> create_path(int64_t parent, const std::string& parent_path,
                                         const std::vector<std::string>& parts,
                                         std::string_view class_name, bool is_volatile,
                                         const char* function);
    void set_value(int64_t key, const std::string& path, std::string_view name,
                   const RegValue& value, const char* function);
    bool delete_value(int64_t key, const std::string& path, std::string_view name,
                      const char* function);
    // ERROR_ACCESS_DENIED when the key has subkeys and `subtree` is false.
    void delete_key(int64_t key, const std::string& path, bool subtree, const char* function);
    // Removes every value and subkey of `key`, keeping the key.
    void clear_key(int64_t key, const std::string& path, const char* function);
    void set_mount(std::string_view name, std::optional<std::string> file, const char* function);
    void flush(const char* function);

    // Bulk copy used by save/restore/copy: reads a subtree as rows and
    // writes one in a single transaction.
    struct TreeNode {
        std::string name, class_name;
        int64_t last_write = 0;
        std::vector<NamedValue> values;
        std::vector<TreeNode> children;
    };
    TreeNode read_tree(int64_t key, const char* function);
    void write_tree(int64_t key, const std::string& path, const TreeNode& tree, bool replace,
                    const char* function);

private:
    template <class Fn>
    auto locked(const char* function, Fn&& fn);
    template <class Fn>
    void write(const std::string& path, uint32_t kind, const char* function, Fn&& fn);
    void ensure_open(const char* function);
    void require_writable(const char* function) const;
    void begin_write(const char* function);
    void commit(const char* function);
    void rollback() noexcept;
    bool watched() const noexcept;
    void publish_changes(const char* function) noexcept;
    void log_change(const std::string& path, uint32_t kind);
    void touch_key(int64_t key, int64_t now);
    void notify_watchers() noexcept;
    void drop_stale_volatile_keys();
    evtlog::Statement& statement(const char* sql);
    TreeNode read_tree_locked(int64_t key);
    void write_tree_locked(int64_t parent, const TreeNode& tree, int64_t now);
    void delete_subtree_locked(int64_t key);
    bool key_exists_locked(int64_t id);

    std::string file_;
    bool create_;
    bool writable_ = false;
    ForkSafeMutex mutex_;  // a child reopens the connection (pid_)
    int pid_ = 0;  // the process that opened the connection (reopened after fork)
    std::unique_ptr<evtlog::Database> db_;
    std::unique_ptr<StatementCache> cache_;
    uint64_t writes_ = 0;
    int notify_fd_ = -1;
    std::vector<std::pair<std::string, uint32_t>> pending_;  // changes of the open transaction
    std::atomic<bool> touch_pending_{false};
};

// This boot's identity (/proc/sys/kernel/random/boot_id).
const std::string& current_boot_id();

}  // namespace w32::registry
