#include "w32/kernel/fork_safe_mutex.h"
#include "w32/registry/registry.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <map>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/access_rights.h"
#include "w32/kernel/session_root.h"
#include "w32/registry/change_watch.h"
#include "w32/registry/key_names.h"

namespace w32::registry {

namespace {

constexpr uint32_t kWow64Bits = 0x0300;
constexpr uint32_t kDelete = kDeleteRight;
constexpr uint32_t kWritingRights = kKeySetValue | kKeyCreateSubKey | kKeyCreateLink | kDelete |
                                    kWriteDac | kWriteOwner;

constexpr const char* kClassesPath[] = {"Software", "Classes"};
constexpr const char* kMachineClassesPath[] = {"SOFTWARE", "Classes"};

// Read once, as the session root is.
bool session_root_set() {
    static const bool set = [] {
        const char* root = std::getenv("PYWIN32_POSIX_ROOT");
        return root && *root;
    }();
    return set;
}

std::string machine_dir() {
    static const std::string dir = session_root_set()
                                       ? std::string(std::getenv("PYWIN32_POSIX_ROOT")) + "/machine"
                                       : std::string("/var/lib/pywin32-posix/registry");
    return dir;
}

// The hives are opened once per process and shared by every key.
class Hives {
public:
    static Hives& instance() {
        static Hives* h = new Hives();
        return *h;
    }

    std::shared_ptr<Hive> user(const char* function) {
        std::lock_guard lock(mutex_);
        if (!user_) {
            std::string dir = session_paths().state_dir + "/registry";
            ensure_private_dir(dir);
            user_ = std::make_shared<Hive>(dir + "/user.hive", true, function);
            make_skeleton(*user_, {{"Software", "Classes"}, {"Software", "Microsoft", "Windows", "CurrentVersion"},
                                   {"Environment"}, {"Console"}}, function);
        }
        return user_;
    }

    std::shared_ptr<Hive> machine(const char* function) {
        std::lock_guard lock(mutex_);
        if (!machine_) {
            prepare_machine_dir();
            machine_ = std::make_shared<Hive>(machine_dir() + "/machine.hive", true, function);
            share_machine_file(machine_dir() + "/machine.hive");
            make_skeleton(*machine_,
                          {{"SOFTWARE", "Classes"},
                           {"SOFTWARE", "Microsoft", "Windows", "CurrentVersion"},
                           {"SOFTWARE", "Microsoft", "Windows NT", "CurrentVersion"},
                           {"SYSTEM", "CurrentControlSet", "Services"},
                           {"SYSTEM", "CurrentControlSet", "Control"},
                           {"SYSTEM", "CurrentControlSet", "Hardware Profiles", "Current"}},
                          function);
        }
        return machine_;
    }

    std::shared_ptr<Hive> users(const char* function) {
        std::lock_guard lock(mutex_);
        if (!users_) {
            prepare_machine_dir();
            users_ = std::make_shared<Hive>(machine_dir() + "/users.hive", true, function);
            share_machine_file(machine_dir() + "/users.hive");
            make_skeleton(*users_, {{".DEFAULT"}}, function);
        }
        return users_;
    }

    // A hive loaded with RegLoadKey, by its file.
    std::shared_ptr<Hive> loaded(const std::string& file, const char* function) {
        std::lock_guard lock(mutex_);
        auto& slot = loaded_[file];
        if (auto h = slot.lock()) return h;
        auto h = std::make_shared<Hive>(file, false, function);
        slot = h;
        return h;
    }

private:
    static void prepare_machine_dir() {
        std::string dir = machine_dir();
        if (session_root_set()) {
            ensure_private_dir(dir);
        } else if (::geteuid() == 0) {
            ::mkdir("/var/lib/pywin32-posix", 0755);
            ::mkdir(dir.c_str(), 0755);
        }
    }

    // The system-wide hives are readable by every user (their -wal and -shm
    // files follow the database's mode), as HKLM is on Windows.
    static void share_machine_file(const std::string& file) {
        if (session_root_set() || ::geteuid() != 0) return;
        for (const char* suffix : {"", "-wal", "-shm"}) ::chmod((file + suffix).c_str(), 0644);
    }

    static void make_skeleton(Hive& hive, const std::vector<std::vector<std::string>>& paths,
                              const char* function) {
        if (!hive.writable()) return;
        for (const auto& parts : paths) {
            // Cheap when present: only lookups.
            int64_t at = kRootKeyId;
            bool present = true;
            for (const auto& p : parts) {
                auto row = hive.find_child(at, fold_name(p), function);
                if (!row) {
                    present = false;
                    break;
                }
                at = row->id;
            }
            if (!present) hive.create_path(kRootKeyId, "", parts, "", false, function);
        }
    }

    ForkSafeMutex mutex_;
    std::shared_ptr<Hive> user_, machine_, users_;
    std::map<std::string, std::weak_ptr<Hive>> loaded_;
};

std::string join_path(const std::string& base, std::string_view fold) {
    return base.empty() ? std::string(fold) : base + "\\" + std::string(fold);
}

// Walks `parts` down from `from`; nullopt when a component is missing.
std::optional<KeyLocation> walk(const KeyLocation& from, const std::vector<std::string>& parts,
                                size_t first, const char* function) {
    KeyLocation at = from;
    for (size_t i = first; i < parts.size(); ++i) {
        std::string fold = fold_name(parts[i]);
        auto row = at.hive->find_child(at.id, fold, function);
        if (!row) return std::nullopt;
        at.id = row->id;
        at.path = join_path(at.path, fold);
    }
    return at;
}

KeyLocation hive_root(std::shared_ptr<Hive> hive) { return KeyLocation{std::move(hive), kRootKeyId, ""}; }

std::optional<KeyLocation> walk_from_root(std::shared_ptr<Hive> hive, std::initializer_list<const char*> parts,
                                          const char* function) {
    std::vector<std::string> v(parts.begin(), parts.end());
    return walk(hive_root(std::move(hive)), v, 0, function);
}

bool is_root_of(const Key& key, uint32_t root) {
    return key.root == root && key.primary.id == kRootKeyId && !key.classes_path;
}

// A first component below HKLM or HKU may name a loaded hive, and below
// HKU the caller's SID names HKEY_CURRENT_USER.
std::optional<KeyLocation> mounted_child(const Key& key, std::string_view name, const char* function) {
    if (!is_root_of(key, kHkeyLocalMachine) && !is_root_of(key, kHkeyUsers)) return std::nullopt;
    std::string fold = fold_name(name);
    if (key.root == kHkeyUsers && fold == fold_name(current_user_sid()))
        return hive_root(Hives::instance().user(function));
    // Windows shows the user's classes hive beside it as <SID>_Classes.
    if (key.root == kHkeyUsers && fold == fold_name(current_user_sid() + "_Classes")) {
        auto loc = walk_from_root(Hives::instance().user(function), {"Software", "Classes"}, function);
        if (loc) return loc;
    }
    if (auto file = key.primary.hive->mount(fold, function))
        return hive_root(Hives::instance().loaded(*file, function));
    return std::nullopt;
}

void require(const Key& key, uint32_t rights, const char* function) {
    if ((key.access & rights) != rights) throw_win32(err::kAccessDenied, function);
}

void require_exists(const KeyLocation& loc, const char* function) {
    if (!loc.hive->key_exists(loc.id, function)) throw_win32(kErrorKeyDeleted, function);
}

KeyPtr make_key(KeyLocation primary, uint32_t access, uint32_t root) {
    auto key = std::make_shared<Key>();
    key->primary = std::move(primary);
    key->access = access;
    key->root = root;
    return key;
}

void check_value_name(std::string_view name, const char* function) {
    if (utf16_length(name) > kMaxValueNameLength) throw_win32(err::kInvalidParameter, function);
}

// The location of the key where an HKCR path's user side lives, creating
// the path below HKCU\Software\Classes when `create`.
std::optional<KeyLocation> user_classes(const std::string& rel, bool create, const char* function) {
    auto hive = Hives::instance().user(function);
    std::vector<std::string> parts{"Software", "Classes"};
    if (!rel.empty()) {
        auto more = split_key_path(rel, function);
        parts.insert(parts.end(), more.begin(), more.end());
    }
    if (create) {
        auto [id, fresh] = hive->create_path(kRootKeyId, "", parts, "", false, function);
        (void)fresh;
        auto loc = walk(hive_root(hive), parts, 0, function);
        return loc;
    }
    return walk(hive_root(hive), parts, 0, function);
}

std::string rel_join(const std::string& base, const std::string& sub) {
    if (base.empty()) return sub;
    if (sub.empty()) return base;
    return base + "\\" + sub;
}

std::string parts_path(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out = rel_join(out, p);
    return out;
}

}  // namespace

Key::~Key() {
    std::vector<uint64_t> ids;
    {
        std::lock_guard lock(watches_mutex);
        ids.swap(watches);
    }
    // Windows signals a pending notification when its key is closed.
    for (uint64_t id : ids) cancel_key_watch(id, true);
}

std::string current_user_sid() { return "S-1-22-1-" + std::to_string(::getuid()); }

bool is_predefined(uint64_t hkey) noexcept {
    uint64_t high = hkey >> 32;
    uint32_t low = uint32_t(hkey);
    if (high != 0 && high != 0xFFFFFFFFu) return false;
    return (low >= kHkeyClassesRoot && low <= kHkeyDynData) || low == 0x80000050 || low == 0x80000060;
}

uint32_t normalize_access(uint32_t sam) noexcept {
    uint32_t out = sam & ~(kGenericRead | kGenericWrite | kGenericExecute | kGenericAll |
                           kMaximumAllowed | kWow64Bits);
    if (sam & kGenericRead) out |= kKeyRead;
    if (sam & kGenericExecute) out |= kKeyRead;
    if (sam & kGenericWrite) out |= kKeyWrite;
    if (sam & (kGenericAll | kMaximumAllowed)) out |= kKeyAllAccess;
    return out;
}

namespace {

KeyPtr make_predefined(uint32_t which, const char* function) {
    auto& hives = Hives::instance();
    switch (which) {
    case kHkeyCurrentUser: return make_key(hive_root(hives.user(function)), kKeyAllAccess, which);
    case kHkeyLocalMachine: return make_key(hive_root(hives.machine(function)), kKeyAllAccess, which);
    case kHkeyUsers: return make_key(hive_root(hives.users(function)), kKeyAllAccess, which);
    case kHkeyCurrentConfig: {
        auto loc = walk_from_root(hives.machine(function),
                                  {"SYSTEM", "CurrentControlSet", "Hardware Profiles", "Current"}, function);
        return make_key(loc ? *loc : hive_root(hives.machine(function)), kKeyAllAccess, which);
    }
    case kHkeyClassesRoot: {
        auto user = user_classes("", hives.user(function)->writable(), function);
        auto machine = walk_from_root(hives.machine(function), {"SOFTWARE", "Classes"}, function);
        KeyLocation primary = user ? *user : machine ? *machine : hive_root(hives.machine(function));
        auto key = make_key(primary, kKeyAllAccess, which);
        if (user && machine) key->machine_classes = machine;
        key->classes_path = "";
        return key;
    }
    default: throw_win32(err::kNotSupported, function);
    }
}

}  // namespace

std::optional<KeyPtr> predefined_key(uint64_t hkey, const char* function) {
    if (!is_predefined(hkey)) return std::nullopt;
    uint32_t which = uint32_t(hkey);
    // One object per root for the life of the process, as the predefined
    // handles are never closed (a change registration on one stays armed).
    static auto* mutex = new ForkSafeMutex;
    static auto* roots = new std::map<uint32_t, KeyPtr>();
    std::lock_guard lock(*mutex);
    auto& slot = (*roots)[which];
    if (!slot) slot = make_predefined(which, function);
    return slot;
}

KeyPtr open_key(const Key& parent, std::string_view subkey, uint32_t sam, const char* function) {
    uint32_t access = normalize_access(sam);
    std::vector<std::string> parts;
    try {
        parts = split_key_path(subkey, function);
    } catch (const Win32Error& e) {
        // Opening a malformed path finds nothing, as on Windows.
        if (e.code() == err::kBadPathname) throw_win32(err::kFileNotFound, function);
        throw;
    }
    KeyPtr key;
    if (parent.classes_path) {
        std::string rel = rel_join(*parent.classes_path, parts_path(parts));
        std::optional<KeyLocation> user, machine;
        if (parent.primary.hive == Hives::instance().user(function) || parent.machine_classes) {
            user = walk(parent.primary, parts, 0, function);
        }
        const KeyLocation* machine_base = parent.machine_classes ? &*parent.machine_classes
                                          : parent.primary.hive == Hives::instance().machine(function)
                                              ? &parent.primary
                                              : nullptr;
        if (machine_base) machine = walk(*machine_base, parts, 0, function);
        if (!user && !machine) {
            // The user side may exist where the parent had only a machine side.
            user = user_classes(rel, false, function);
            if (!user) throw_win32(err::kFileNotFound, function);
        }
        key = make_key(user ? *user : *machine, access, parent.root);
        if (user && machine) key->machine_classes = machine;
        key->classes_path = rel;
    } else {
        std::optional<KeyLocation> loc;
        size_t first = 0;
        if (!parts.empty()) {
            if (auto mounted = mounted_child(parent, parts[0], function)) {
                loc = walk(*mounted, parts, 1, function);
                first = parts.size();
            }
        }
        if (first == 0) loc = walk(parent.primary, parts, 0, function);
        if (!loc) {
            if (parts.empty()) require_exists(parent.primary, function);
            throw_win32(err::kFileNotFound, function);
        }
        key = make_key(*loc, access, parent.root);
    }
    if (parts.empty()) require_exists(key->primary, function);
    if ((access & kWritingRights) && !key->primary.hive->writable()) throw_win32(err::kAccessDenied, function);
    return key;
}

CreatedKey create_key(const Key& parent, std::string_view subkey, std::string_view class_name,
                      uint32_t options, uint32_t sam, const char* function) {
    uint32_t access = normalize_access(sam);
    auto parts = split_key_path(subkey, function);
    if (options & kRegOptionCreateLink) throw_win32(err::kNotSupported, function);
    if (parts.empty()) {
        require_exists(parent.primary, function);
        auto key = make_key(parent.primary, access, parent.root);
        key->machine_classes = parent.machine_classes;
        key->classes_path = parent.classes_path;
        return {key, kRegOpenedExistingKey};
    }
    // An existing key opens (its class and options stay as they were).
    try {
        auto key = open_key(parent, subkey, sam, function);
        return {key, kRegOpenedExistingKey};
    } catch (const Win32Error& e) {
        if (e.code() != err::kFileNotFound) throw;
    }
    require(parent, kKeyCreateSubKey, function);
    bool is_volatile = options & kRegOptionVolatile;
    if (parent.classes_path) {
        // HKCR: new keys go to the machine side when it can be written
        // (Windows' rule), else to the user's classes.
        std::string rel = rel_join(*parent.classes_path, parts_path(parts));
        auto machine_base = parent.machine_classes ? parent.machine_classes
                            : parent.primary.hive == Hives::instance().machine(function)
                                ? std::optional<KeyLocation>(parent.primary)
                                : std::nullopt;
        std::shared_ptr<Hive> machine = Hives::instance().machine(function);
        if (machine_base && machine->writable()) {
            auto [id, fresh] = machine_base->hive->create_path(machine_base->id, machine_base->path, parts,
                                                               class_name, is_volatile, function);
            auto key = open_key(parent, subkey, sam, function);
            return {key, fresh ? kRegCreatedNewKey : kRegOpenedExistingKey};
        }
        std::vector<std::string> full{"Software", "Classes"};
        auto rel_parts = split_key_path(rel, function);
        full.insert(full.end(), rel_parts.begin(), rel_parts.end());
        auto user = Hives::instance().user(function);
        auto [id, fresh] = user->create_path(kRootKeyId, "", full, class_name, is_volatile, function);
        auto key = open_key(parent, subkey, sam, function);
        return {key, fresh ? kRegCreatedNewKey : kRegOpenedExistingKey};
    }
    KeyLocation base = parent.primary;
    size_t first = 0;
    if (auto mounted = mounted_child(parent, parts[0], function)) {
        base = *mounted;
        first = 1;
    }
    std::vector<std::string> rest(parts.begin() + long(first), parts.end());
    if (rest.empty()) return {open_key(parent, subkey, sam, function), kRegOpenedExistingKey};
    auto [id, fresh] = base.hive->create_path(base.id, base.path, rest, class_name, is_volatile, function);
    KeyLocation loc = base;
    loc.id = id;
    for (const auto& p : rest) loc.path = join_path(loc.path, fold_name(p));
    if ((access & kWritingRights) && !loc.hive->writable()) throw_win32(err::kAccessDenied, function);
    return {make_key(loc, access, parent.root), fresh ? kRegCreatedNewKey : kRegOpenedExistingKey};
}

std::optional<RegValue> query_value(const Key& key, std::string_view name, const char* function) {
    require(key, kKeyQueryValue, function);
    check_value_name(name, function);
    auto v = key.primary.hive->get_value(key.primary.id, fold_name(name), function);
    if (!v) require_exists(key.primary, function);
    return v;
}

RegValue get_value(const Key& key, std::string_view name, const char* function) {
    auto v = query_value(key, name, function);
    if (!v) throw_win32(err::kFileNotFound, function);
    return std::move(*v);
}

void set_value(const Key& key, std::string_view name, const RegValue& value, const char* function) {
    require(key, kKeySetValue, function);
    check_value_name(name, function);
    key.primary.hive->set_value(key.primary.id, key.primary.path, name, value, function);
}

void delete_value(const Key& key, std::string_view name, const char* function) {
    require(key, kKeySetValue, function);
    check_value_name(name, function);
    if (!key.primary.hive->delete_value(key.primary.id, key.primary.path, name, function))
        throw_win32(err::kFileNotFound, function);
}

std::vector<KeyRow> subkeys(const Key& key, const char* function) {
    require(key, kKeyEnumerateSubKeys, function);
    auto rows = key.primary.hive->children(key.primary.id, function);
    if (rows.empty()) require_exists(key.primary, function);
    auto add_sorted = [&](std::vector<KeyRow> extra) {
        for (auto& r : extra) {
            std::string f = fold_name(r.name);
            bool dup = false;
            for (const auto& have : rows) dup = dup || fold_name(have.name) == f;
            if (!dup) rows.push_back(std::move(r));
        }
        std::sort(rows.begin(), rows.end(),
                  [](const KeyRow& a, const KeyRow& b) { return fold_name(a.name) < fold_name(b.name); });
    };
    if (key.machine_classes) add_sorted(key.machine_classes->hive->children(key.machine_classes->id, function));
    if (is_root_of(key, kHkeyLocalMachine) || is_root_of(key, kHkeyUsers)) {
        std::vector<KeyRow> extra;
        if (key.root == kHkeyUsers) {
            extra.push_back(KeyRow{kRootKeyId, current_user_sid(), "", 0});
            extra.push_back(KeyRow{kRootKeyId, current_user_sid() + "_Classes", "", 0});
        }
        for (auto& [name, file] : key.primary.hive->mounts(function))
            extra.push_back(KeyRow{kRootKeyId, name, "", 0});
        add_sorted(std::move(extra));
    }
    return rows;
}

std::vector<NamedValue> values(const Key& key, const char* function) {
    require(key, kKeyQueryValue, function);
    auto vals = key.primary.hive->values(key.primary.id, function);
    if (vals.empty()) require_exists(key.primary, function);
    return vals;
}

KeyRow subkey_at(const Key& key, uint32_t index, const char* function) {
    bool merged = key.machine_classes || is_root_of(key, kHkeyLocalMachine) || is_root_of(key, kHkeyUsers);
    if (!merged) {
        require(key, kKeyEnumerateSubKeys, function);
        if (auto row = key.primary.hive->child_at(key.primary.id, index, function)) return std::move(*row);
        require_exists(key.primary, function);
        throw_win32(kErrorNoMoreItems, function);
    }
    auto rows = subkeys(key, function);
    if (index >= rows.size()) throw_win32(kErrorNoMoreItems, function);
    return std::move(rows[index]);
}

NamedValue value_at(const Key& key, uint32_t index, const char* function) {
    require(key, kKeyQueryValue, function);
    if (auto v = key.primary.hive->value_at(key.primary.id, index, function)) return std::move(*v);
    require_exists(key.primary, function);
    throw_win32(kErrorNoMoreItems, function);
}

KeyStats query_info(const Key& key, const char* function) {
    require(key, kKeyQueryValue, function);
    require_exists(key.primary, function);
    KeyStats s = key.primary.hive->stats(key.primary.id, function);
    if (key.machine_classes || is_root_of(key, kHkeyUsers) || is_root_of(key, kHkeyLocalMachine)) {
        Key enumerable;
        enumerable.primary = key.primary;
        enumerable.machine_classes = key.machine_classes;
        enumerable.root = key.root;
        auto rows = subkeys(enumerable, function);
        s.subkeys = uint32_t(rows.size());
        for (const auto& r : rows) s.max_subkey_len = std::max(s.max_subkey_len, uint32_t(utf16_length(r.name)));
    }
    return s;
}

void delete_key(const Key& parent, std::string_view subkey, const char* function) {
    if (subkey.empty()) throw_win32(err::kAccessDenied, function);  // a key cannot delete itself
    auto key = open_key(parent, subkey, kKeyRead, function);
    if (key->primary.id == kRootKeyId) throw_win32(err::kAccessDenied, function);  // a hive root
    key->primary.hive->delete_key(key->primary.id, key->primary.path, false, function);
}

void delete_tree(const Key& key, std::optional<std::string_view> subkey, const char* function) {
    if (subkey && !subkey->empty()) {
        auto target = open_key(key, *subkey, kKeyRead, function);
        if (target->primary.id == kRootKeyId) throw_win32(err::kAccessDenied, function);
        target->primary.hive->delete_key(target->primary.id, target->primary.path, true, function);
        return;
    }
    require(key, kKeySetValue, function);
    key.primary.hive->clear_key(key.primary.id, key.primary.path, function);
}

void flush_key(const Key& key, const char* function) {
    require_exists(key.primary, function);
    key.primary.hive->flush(function);
}

void copy_tree(const Key& source, std::string_view subkey, const Key& dest, const char* function) {
    auto from = subkey.empty() ? nullptr : open_key(source, subkey, kKeyRead, function);
    const Key& src = from ? *from : source;
    require(src, kKeyQueryValue | kKeyEnumerateSubKeys, function);
    require(dest, kKeySetValue | kKeyCreateSubKey, function);
    auto tree = src.primary.hive->read_tree(src.primary.id, function);
    dest.primary.hive->write_tree(dest.primary.id, dest.primary.path, tree, false, function);
}

void save_key(const Key& key, const std::string& file, const char* function) {
    require_exists(key.primary, function);
    struct stat st;
    if (::lstat(file.c_str(), &st) == 0) throw_win32(err::kAlreadyExists, function);
    auto tree = key.primary.hive->read_tree(key.primary.id, function);
    {
        Hive out(file, true, function);
        if (!out.writable()) throw_win32(err::kAccessDenied, function);
        out.write_tree(kRootKeyId, "", tree, true, function);
        out.flush(function);
    }
    // A saved hive is one self-contained file: fold the WAL back in.
    ::unlink((file + ".notify").c_str());
}

void restore_key(const Key& key, const std::string& file, const char* function) {
    require(key, kKeySetValue | kKeyCreateSubKey, function);
    if (::access(file.c_str(), R_OK) != 0) throw_errno(errno, function);
    Hive in(file, false, function);
    auto tree = in.read_tree(kRootKeyId, function);
    key.primary.hive->write_tree(key.primary.id, key.primary.path, tree, true, function);
}

void load_key(const Key& root, std::string_view subkey, const std::string& file, const char* function) {
    if (!is_root_of(root, kHkeyLocalMachine) && !is_root_of(root, kHkeyUsers))
        throw_win32(err::kInvalidParameter, function);
    auto parts = split_key_path(subkey, function);
    if (parts.size() != 1) throw_win32(err::kInvalidParameter, function);
    if (!root.primary.hive->writable()) throw_win32(kErrorPrivilegeNotHeld, function);
    if (::access(file.c_str(), R_OK) != 0) throw_errno(errno, function);
    if (root.primary.hive->find_child(kRootKeyId, fold_name(parts[0]), function) ||
        mounted_child(root, parts[0], function))
        throw_win32(err::kAlreadyExists, function);
    char resolved[PATH_MAX];
    if (!::realpath(file.c_str(), resolved)) throw_errno(errno, function);
    // Opening it checks that it is a hive.
    Hives::instance().loaded(resolved, function);
    root.primary.hive->set_mount(parts[0], std::string(resolved), function);
}

void unload_key(const Key& root, std::string_view subkey, const char* function) {
    if (!is_root_of(root, kHkeyLocalMachine) && !is_root_of(root, kHkeyUsers))
        throw_win32(err::kInvalidParameter, function);
    auto parts = split_key_path(subkey, function);
    if (parts.size() != 1) throw_win32(err::kInvalidParameter, function);
    if (!root.primary.hive->writable()) throw_win32(kErrorPrivilegeNotHeld, function);
    root.primary.hive->set_mount(parts[0], std::nullopt, function);
}

void notify_change(Key& key, bool subtree, uint32_t filter, std::shared_ptr<sync::SyncObject> event,
                   const char* function) {
    require(key, kKeyNotify, function);
    require_exists(key.primary, function);
    if ((filter & 0xF) == 0 || (filter & ~(0xFu | 0x10000000u))) throw_win32(err::kInvalidParameter, function);
    WatchSpec spec{key.primary.hive, key.primary.path, subtree, filter & 0xF};
    uint64_t id = add_key_watch(std::move(spec), std::move(event), function);
    std::lock_guard lock(key.watches_mutex);
    key.watches.push_back(id);
}

}  // namespace w32::registry
