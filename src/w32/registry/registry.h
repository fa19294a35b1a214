// The registry's core API: keys opened from the predefined roots, values,
// enumeration, deletion, save/restore/load and change notification. It
// knows nothing of handles or Python, so that win32api, a winreg module
// and the service manager can all build on it (reg_handles.h adds the
// handle table on top).
//
// Where the hives live (each a SQLite file, see hive.h):
//   HKEY_CURRENT_USER   <state dir>/registry/user.hive (per user)
//   HKEY_LOCAL_MACHINE  <machine dir>/machine.hive
//   HKEY_USERS          <machine dir>/users.hive (.DEFAULT), plus the
//                       caller's own SID (S-1-22-1-<uid>) as HKCU and
//                       <SID>_Classes as its Software\Classes, plus
//                       hives loaded with RegLoadKey
//   HKEY_CLASSES_ROOT   HKCU\Software\Classes merged over HKLM\SOFTWARE\Classes
//   HKEY_CURRENT_CONFIG HKLM\SYSTEM\CurrentControlSet\Hardware Profiles\Current
// The machine dir is $PYWIN32_POSIX_ROOT/machine when that is set, else
// /var/lib/pywin32-posix/registry (writable by root only, as HKLM is by
// administrators).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "w32/kernel/fork_safe_mutex.h"
#include "w32/kernel/handle_table.h"
#include "w32/registry/hive.h"
#include "w32/registry/value_codec.h"

namespace w32::sync {
class SyncObject;
}

namespace w32::registry {

// Predefined keys (winreg.h), as 32-bit values.
inline constexpr uint32_t kHkeyClassesRoot = 0x80000000;
inline constexpr uint32_t kHkeyCurrentUser = 0x80000001;
inline constexpr uint32_t kHkeyLocalMachine = 0x80000002;
inline constexpr uint32_t kHkeyUsers = 0x80000003;
inline constexpr uint32_t kHkeyPerformanceData = 0x80000004;
inline constexpr uint32_t kHkeyCurrentConfig = 0x80000005;
inline constexpr uint32_t kHkeyDynData = 0x80000006;

// Access rights (winnt.h).
inline constexpr uint32_t kKeyQueryValue = 0x0001;
inline constexpr uint32_t kKeySetValue = 0x0002;
inline constexpr uint32_t kKeyCreateSubKey = 0x0004;
inline constexpr uint32_t kKeyEnumerateSubKeys = 0x0008;
inline constexpr uint32_t kKeyNotify = 0x0010;
inline constexpr uint32_t kKeyCreateLink = 0x0020;
inline constexpr uint32_t kKeyRead = 0x20019;
inline constexpr uint32_t kKeyWrite = 0x20006;
inline constexpr uint32_t kKeyAllAccess = 0xF003F;

// RegCreateKeyEx options and dispositions.
inline constexpr uint32_t kRegOptionVolatile = 0x1;
inline constexpr uint32_t kRegOptionCreateLink = 0x2;
inline constexpr uint32_t kRegOptionBackupRestore = 0x4;
inline constexpr uint32_t kRegCreatedNewKey = 1;
inline constexpr uint32_t kRegOpenedExistingKey = 2;

// Registry error codes the core raises (winerror.h).
inline constexpr uint32_t kErrorNoMoreItems = 259;
inline constexpr uint32_t kErrorKeyDeleted = 1018;
inline constexpr uint32_t kErrorBadDb = 1009;
inline constexpr uint32_t kErrorRegistryCorrupt = 1015;
inline constexpr uint32_t kErrorPrivilegeNotHeld = 1314;

// Where a key's data is: a hive and a key id, with the key's folded path
// inside that hive (what change records name).
struct KeyLocation {
    std::shared_ptr<Hive> hive;
    int64_t id = kRootKeyId;
    std::string path;
};

// An open key. Keys under HKEY_CLASSES_ROOT may have two locations: the
// user's (which wins for values) and the machine's (whose subkeys show too).
class Key : public KernelObject {
public:
    ObjectType type() const noexcept override { return ObjectType::RegistryKey; }
    ~Key() override;

    KeyLocation primary;
    std::optional<KeyLocation> machine_classes;  // HKCR: the HKLM side, when both exist
    std::optional<std::string> classes_path;     // HKCR: the path below ...\Classes
    uint32_t access = kKeyAllAccess;
    uint32_t root = 0;  // the predefined key this one descends from

    // Change registrations to drop (signalled) when the key closes.
    ForkSafeMutex watches_mutex;
    std::vector<uint64_t> watches;
};

using KeyPtr = std::shared_ptr<Key>;

// A predefined root, or nullopt when `hkey` is not one (the caller then
// looks it up as a handle). HKEY_PERFORMANCE_* and HKEY_DYN_DATA are
// ERROR_NOT_SUPPORTED.
std::optional<KeyPtr> predefined_key(uint64_t hkey, const char* function);
bool is_predefined(uint64_t hkey) noexcept;

// The SID string of the calling user under HKEY_USERS.
std::string current_user_sid();

// Maps GENERIC_* and MAXIMUM_ALLOWED onto key rights, drops the WOW64 view
// bits (there is a single view).
uint32_t normalize_access(uint32_t sam) noexcept;

// RegOpenKeyEx: ERROR_FILE_NOT_FOUND when a component is missing; an empty
// subkey opens the key itself again. Write access to a read-only hive is
// ERROR_ACCESS_DENIED.
KeyPtr open_key(const Key& parent, std::string_view subkey, uint32_t sam, const char* function);

struct CreatedKey {
    KeyPtr key;
    uint32_t disposition = kRegCreatedNewKey;
};
// RegCreateKeyEx: makes every missing component.
CreatedKey create_key(const Key& parent, std::string_view subkey, std::string_view class_name,
                      uint32_t options, uint32_t sam, const char* function);

// RegQueryValueEx: nullopt when the value does not exist (ERROR_FILE_NOT_FOUND
// for the caller to raise); "" is the key's default value.
std::optional<RegValue> query_value(const Key& key, std::string_view name, const char* function);
// Same, raising ERROR_FILE_NOT_FOUND.
RegValue get_value(const Key& key, std::string_view name, const char* function);
void set_value(const Key& key, std::string_view name, const RegValue& value, const char* function);
// ERROR_FILE_NOT_FOUND when absent.
void delete_value(const Key& key, std::string_view name, const char* function);

// Subkeys sorted by name (case-insensitive), values in creation order.
std::vector<KeyRow> subkeys(const Key& key, const char* function);
std::vector<NamedValue> values(const Key& key, const char* function);
// ERROR_NO_MORE_ITEMS past the end.
KeyRow subkey_at(const Key& key, uint32_t index, const char* function);
NamedValue value_at(const Key& key, uint32_t index, const char* function);
KeyStats query_info(const Key& key, const char* function);

// RegDeleteKey: ERROR_ACCESS_DENIED when the key has subkeys.
void delete_key(const Key& parent, std::string_view subkey, const char* function);
// RegDeleteTree: with a subkey, removes it and everything below; without,
// removes the key's values and subkeys but keeps the key.
void delete_tree(const Key& key, std::optional<std::string_view> subkey, const char* function);
void flush_key(const Key& key, const char* function);

// RegCopyTree: copies the subtree at `source`\`subkey` into `dest`.
void copy_tree(const Key& source, std::string_view subkey, const Key& dest, const char* function);
// RegSaveKey: writes the key's subtree to a new hive file (ERROR_ALREADY_EXISTS
// if the file exists). The format is our hive format (docs/registry.md).
void save_key(const Key& key, const std::string& file, const char* function);
// RegRestoreKey: replaces the key's values and subkeys by the file's root.
void restore_key(const Key& key, const std::string& file, const char* function);
// RegLoadKey/RegUnLoadKey: mounts a hive file as a subkey of HKLM or HKU
// (ERROR_INVALID_PARAMETER for other parents).
void load_key(const Key& root, std::string_view subkey, const std::string& file, const char* function);
void unload_key(const Key& root, std::string_view subkey, const char* function);

// RegNotifyChangeKeyValue: sets `event` once at the next change that
// `filter` selects (REG_NOTIFY_CHANGE_* bits) to the key, or below it with
// `subtree`, made by any process; or when the key is deleted or closed.
void notify_change(Key& key, bool subtree, uint32_t filter,
                   std::shared_ptr<sync::SyncObject> event, const char* function);

}  // namespace w32::registry
