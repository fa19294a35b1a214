// Registry keys as handles of the process's handle table (PyHKEY values),
// with the predefined keys (HKEY_LOCAL_MACHINE, ...) accepted wherever a
// key handle is.
#pragma once

#include <cstdint>

#include "w32/kernel/handle_table.h"
#include "w32/registry/registry.h"
#include "w32/sync/wait_engine.h"

namespace w32::registry {

// The key a handle names: a predefined value or an open key handle;
// ERROR_INVALID_HANDLE otherwise.
KeyPtr key_from_handle(Handle h, const char* function);
Handle insert_key(KeyPtr key);
// RegCloseKey: closing a predefined key succeeds and does nothing.
void close_key(Handle h, const char* function);

// RegNotifyChangeKeyValue with the event given as a handle (asynchronous),
// or, with `event` 0 and !asynchronous, blocking until the change.
void notify_change_handle(Handle key, bool subtree, uint32_t filter, Handle event, bool asynchronous,
                          const sync::InterruptCheck& interrupted, const char* function);

}  // namespace w32::registry
