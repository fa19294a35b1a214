#include "w32/registry/reg_handles.h"

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/sync/sync_objects.h"
#include "w32/sync/wait_engine.h"

namespace w32::registry {

KeyPtr key_from_handle(Handle h, const char* function) {
    if (auto key = predefined_key(h, function)) return *key;
    if (h == 0) throw_win32(err::kInvalidHandle, function);
    return HandleTable::instance().get<Key>(h, ObjectType::RegistryKey, function);
}

Handle insert_key(KeyPtr key) {
    uint32_t access = key->access;
    return HandleTable::instance().insert(std::move(key), access, false);
}

void close_key(Handle h, const char* function) {
    if (is_predefined(h)) return;
    if (h == 0) throw_win32(err::kInvalidHandle, function);
    // Only key handles: a RegCloseKey of an event handle is ERROR_INVALID_HANDLE.
    HandleTable::instance().get<Key>(h, ObjectType::RegistryKey, function);
    HandleTable::instance().close(h, function);
}

void notify_change_handle(Handle key_handle, bool subtree, uint32_t filter, Handle event, bool asynchronous,
                          const sync::InterruptCheck& interrupted, const char* function) {
    KeyPtr key = key_from_handle(key_handle, function);
    if (asynchronous) {
        if (event == 0) throw_win32(err::kInvalidParameter, function);
        auto ev = HandleTable::instance().get<sync::SyncObject>(event, ObjectType::Event, function);
        notify_change(*key, subtree, filter, std::move(ev), function);
        return;
    }
    auto ev = sync::create_private_event();
    notify_change(*key, subtree, filter, ev, function);
    uint32_t index = ev->index();
    sync::wait_for_objects(&index, 1, false, 0xFFFFFFFFu, interrupted);
}

}  // namespace w32::registry
