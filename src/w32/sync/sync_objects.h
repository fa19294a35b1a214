// Events, mutexes, semaphores and waitable timers: the win32event API on
// top of the arena and the wait engine. Handles come from the process's
// handle table; names live in the session's namespace.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "w32/kernel/handle_table.h"
#include "w32/sync/wait_engine.h"

namespace w32::sync {

// Access rights (winnt.h).
inline constexpr uint32_t kSynchronize = 0x00100000;
inline constexpr uint32_t kModifyState = 0x0002;  // EVENT/SEMAPHORE/TIMER_MODIFY_STATE
inline constexpr uint32_t kQueryState = 0x0001;   // EVENT/SEMAPHORE/TIMER_QUERY_STATE, MUTEX_MODIFY_STATE
inline constexpr uint32_t kAllAccessSync = 0x001F0003;
inline constexpr uint32_t kMutexAllAccess = 0x001F0001;

// Anything a wait can name: it is backed by an arena object (an event for
// objects whose state lives elsewhere, such as processes).
class WaitableObject : public KernelObject {
public:
    virtual uint32_t wait_index() = 0;
};

// A handle's view of an arena object; the last one in the process drops the
// process's reference.
class SyncObject : public WaitableObject {
public:
    SyncObject(uint32_t index, ObjectType type) : index_(index), type_(type) {}
    ~SyncObject() override;
    ObjectType type() const noexcept override { return type_; }
    uint32_t wait_index() override { return index_; }
    uint32_t index() const noexcept { return index_; }

private:
    uint32_t index_;
    ObjectType type_;
};

// An unnamed manual-reset event owned by C++ code rather than by a handle
// (the exit event of a process object, for one).
std::shared_ptr<SyncObject> create_private_event();
void set_event_object(SyncObject& event);

struct CreateOptions {
    std::optional<std::string_view> name;  // nullopt or "" = unnamed
    bool inherit = false;
    uint32_t access = 0;  // 0 = the type's ALL_ACCESS
};

// Each Create* sets the thread's last error to ERROR_ALREADY_EXISTS when it
// opened an existing object (its initial state arguments are then ignored),
// otherwise to 0. A name in use by another type is ERROR_INVALID_HANDLE.
Handle create_event(const CreateOptions& opts, bool manual_reset, bool initial_state);
Handle create_mutex(const CreateOptions& opts, bool initial_owner);
Handle create_semaphore(const CreateOptions& opts, int32_t initial, int32_t maximum);
Handle create_waitable_timer(const CreateOptions& opts, bool manual_reset);

enum class SyncKind { Event, Mutex, Semaphore, Timer };
// Open*: ERROR_FILE_NOT_FOUND when the name is unknown.
Handle open_sync_object(SyncKind kind, uint32_t access, bool inherit, std::string_view name);

void set_event(Handle h);
void reset_event(Handle h);
void pulse_event(Handle h);
void release_mutex(Handle h);
int32_t release_semaphore(Handle h, int32_t count);  // returns the previous count
// due_time: negative = relative, in 100 ns units; positive = absolute FILETIME.
void set_waitable_timer(Handle h, int64_t due_time, int32_t period_ms);
void cancel_waitable_timer(Handle h);

uint32_t wait_for_multiple(std::span<const Handle> handles, bool wait_all, uint32_t timeout_ms,
                           const InterruptCheck& interrupted, const char* function);
// Signals one object and waits on another as one step: no waiter can see
// the signal before this thread is queued on the object it waits for.
uint32_t signal_object_and_wait(Handle to_signal, Handle to_wait, uint32_t timeout_ms,
                                const InterruptCheck& interrupted);

// Lets the handle table claim handles other processes duplicated into this
// one. Called once at start-up by whoever uses the sync layer.
void install_handle_resolvers();

// In a process started by CreateProcess with bInheritHandles: puts the
// inherited events, mutexes, semaphores and timers into the handle table
// under the values they had in the parent (PYWIN32_POSIX_INHERITED_HANDLES
// says there are some; it is removed from the environment then).
void claim_inherited_handles();
inline constexpr const char* kInheritedHandlesVariable = "PYWIN32_POSIX_INHERITED_HANDLES";

// Diagnostics for tests: objects and thread records in use in the arena,
// after collecting the objects of dead processes.
struct ArenaStats {
    uint32_t objects_in_use;
    uint32_t threads_in_use;
    uint64_t recoveries;
};
ArenaStats arena_stats();

}  // namespace w32::sync
