#include "w32/sync/sync_objects.h"

#include <cstdlib>

#include <time.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/access_rights.h"
#include "w32/kernel/handle_grants.h"
#include "w32/kernel/object_refs.h"
#include "w32/sync/object_rules.h"

namespace w32::sync {

using namespace arena;

namespace {


Kind kind_of(SyncKind k) {
    switch (k) {
        case SyncKind::Event: return Kind::Event;
        case SyncKind::Mutex: return Kind::Mutex;
        case SyncKind::Semaphore: return Kind::Semaphore;
        case SyncKind::Timer: return Kind::Timer;
    }
    return Kind::Free;
}

ObjectType handle_type_of(Kind k) {
    switch (k) {
        case Kind::Event: return ObjectType::Event;
        case Kind::Mutex: return ObjectType::Mutex;
        case Kind::Semaphore: return ObjectType::Semaphore;
        case Kind::Timer: return ObjectType::WaitableTimer;
        default: return ObjectType::Other;
    }
}

uint32_t all_access(Kind k) { return k == Kind::Mutex ? kMutexAllAccess : kAllAccessSync; }

// GENERIC_* rights mapped as Windows maps them for synchronisation objects.
uint32_t map_access(Kind k, uint32_t access) {
    if (access == 0) return all_access(k);
    uint32_t out = access & 0x0FFFFFFFu;
    if (access & kGenericAll) out |= all_access(k);
    if (access & kGenericRead) out |= kStandardRightsRead | kQueryState;
    if (access & kGenericWrite) out |= kStandardRightsRead | kModifyState;
    if (access & kGenericExecute) out |= kSynchronize;
    return out;
}

// Windows names: "Local\x" is the session namespace, as is a bare "x";
// "Global\x" is the global one. Any other backslash names an object
// directory that does not exist.
std::string namespace_key(std::string_view name, const char* function) {
    if (name.find('\0') != std::string_view::npos) throw_win32(err::kInvalidName, function);
    std::string_view rest = name;
    std::string prefix;
    if (rest.substr(0, 6) == "Local\\") {
        rest.remove_prefix(6);
    } else if (rest.substr(0, 7) == "Global\\") {
        rest.remove_prefix(7);
        prefix = "Global\\";
    }
    if (rest.find('\\') != std::string_view::npos) throw_win32(err::kPathNotFound, function);
    if (prefix.size() + rest.size() >= kNameBytes) throw_win32(err::kFilenameExcedRange, function);
    return prefix + std::string(rest);
}

Handle publish(uint32_t index, Kind kind, uint32_t access, bool inherit) {
    auto object = std::make_shared<SyncObject>(index, handle_type_of(kind));
    return HandleTable::instance().insert(std::move(object), access, inherit);
}

template <class Init>
Handle create_object(Kind kind, const CreateOptions& opts, const char* function, Init init) {
    std::string key;
    bool named = opts.name && !opts.name->empty();
    if (named) key = namespace_key(*opts.name, function);
    uint32_t index;
    bool existed = false;
    {
        ArenaTx tx;
        index = named ? find_name(tx, key) : kNil;
        if (index != kNil && ObjectRefs::instance().collect_if_orphaned(tx, index)) index = kNil;
        if (index != kNil) {
            if (Kind(tx.layout().objects[index].kind) != kind) throw_win32(err::kInvalidHandle, function);
            existed = true;
        } else {
            index = allocate_object(tx, kind);
            init(tx, tx.layout().objects[index]);
            if (named) link_name(tx, index, key);
        }
        ObjectRefs::instance().add(tx, index);
    }
    Handle h = publish(index, kind, map_access(kind, opts.access), opts.inherit);
    set_last_error(existed ? err::kAlreadyExists : err::kSuccess);
    return h;
}

std::shared_ptr<SyncObject> lookup(Handle h, Kind kind, uint32_t needed, const char* function) {
    auto entry = HandleTable::instance().lookup(h, function);
    if (entry.object->type() != handle_type_of(kind)) throw_win32(err::kInvalidHandle, function);
    if ((entry.access & needed) != needed) throw_win32(err::kAccessDenied, function);
    return std::static_pointer_cast<SyncObject>(std::move(entry.object));
}

// Any waitable object behind a handle (for waits).
std::shared_ptr<WaitableObject> lookup_waitable(Handle h, const char* function) {
    auto entry = HandleTable::instance().lookup(h, function);
    auto waitable = std::dynamic_pointer_cast<WaitableObject>(entry.object);
    if (!waitable) throw_win32(err::kInvalidHandle, function);
    if (!(entry.access & kSynchronize)) throw_win32(err::kAccessDenied, function);
    return waitable;
}

}  // namespace

SyncObject::~SyncObject() { ObjectRefs::instance().release(index_); }

std::shared_ptr<SyncObject> create_private_event() {
    uint32_t index;
    {
        ArenaTx tx;
        index = allocate_object(tx, Kind::Event);
        tx.set(tx.layout().objects[index].b, int64_t{1});
        ObjectRefs::instance().add(tx, index);
    }
    return std::make_shared<SyncObject>(index, ObjectType::Event);
}

void set_event_object(SyncObject& event) {
    ArenaTx tx;
    ObjectSlot& o = tx.layout().objects[event.index()];
    if (o.a) return;
    tx.set(o.a, int64_t{1});
    satisfy_waiters(tx, event.index());
}

Handle create_event(const CreateOptions& opts, bool manual_reset, bool initial_state) {
    return create_object(Kind::Event, opts, "CreateEvent", [&](ArenaTx& tx, ObjectSlot& o) {
        tx.set(o.a, int64_t(initial_state));
        tx.set(o.b, int64_t(manual_reset));
    });
}

Handle create_mutex(const CreateOptions& opts, bool initial_owner) {
    uint32_t self = initial_owner ? current_thread_index() : kNil;
    return create_object(Kind::Mutex, opts, "CreateMutex", [&](ArenaTx& tx, ObjectSlot& o) {
        if (initial_owner) {
            tx.set(o.a, int64_t(self) + 1);
            tx.set(o.b, int64_t{1});
        }
    });
}

Handle create_semaphore(const CreateOptions& opts, int32_t initial, int32_t maximum) {
    if (maximum <= 0 || initial < 0 || initial > maximum) throw_win32(err::kInvalidParameter, "CreateSemaphore");
    return create_object(Kind::Semaphore, opts, "CreateSemaphore", [&](ArenaTx& tx, ObjectSlot& o) {
        tx.set(o.a, int64_t(initial));
        tx.set(o.b, int64_t(maximum));
    });
}

Handle create_waitable_timer(const CreateOptions& opts, bool manual_reset) {
    return create_object(Kind::Timer, opts, "CreateWaitableTimer", [&](ArenaTx& tx, ObjectSlot& o) {
        tx.set(o.b, manual_reset ? kTimerManualReset : int64_t{0});
    });
}

Handle open_sync_object(SyncKind which, uint32_t access, bool inherit, std::string_view name) {
    static const char* const functions[] = {"OpenEvent", "OpenMutex", "OpenSemaphore", "OpenWaitableTimer"};
    const char* function = functions[int(which)];
    Kind kind = kind_of(which);
    if (name.empty()) throw_win32(err::kInvalidParameter, function);
    std::string key = namespace_key(name, function);
    uint32_t index;
    {
        ArenaTx tx;
        index = find_name(tx, key);
        if (index != kNil && ObjectRefs::instance().collect_if_orphaned(tx, index)) index = kNil;
        if (index == kNil) throw_win32(err::kFileNotFound, function);
        if (Kind(tx.layout().objects[index].kind) != kind) throw_win32(err::kInvalidHandle, function);
        ObjectRefs::instance().add(tx, index);
    }
    return publish(index, kind, map_access(kind, access), inherit);
}

void set_event(Handle h) { set_event_object(*lookup(h, Kind::Event, kModifyState, "SetEvent")); }

void reset_event(Handle h) {
    auto obj = lookup(h, Kind::Event, kModifyState, "ResetEvent");
    ArenaTx tx;
    tx.set(tx.layout().objects[obj->index()].a, int64_t{0});
}

void pulse_event(Handle h) {
    auto obj = lookup(h, Kind::Event, kModifyState, "PulseEvent");
    // Under one lock: the waiters queued now are released (all of them for a
    // manual-reset event, one for auto-reset), then the event is reset.
    ArenaTx tx;
    ObjectSlot& o = tx.layout().objects[obj->index()];
    tx.set(o.a, int64_t{1});
    satisfy_waiters(tx, obj->index());
    tx.set(o.a, int64_t{0});
}

void release_mutex(Handle h) {
    auto obj = lookup(h, Kind::Mutex, 0, "ReleaseMutex");
    uint32_t self = current_thread_index();
    ArenaTx tx;
    ObjectSlot& o = tx.layout().objects[obj->index()];
    if (o.a != int64_t(self) + 1) throw_win32(err::kNotOwner, "ReleaseMutex");
    if (o.b > 1) {
        tx.set(o.b, o.b - 1);
        return;
    }
    tx.set(o.a, int64_t{0});
    tx.set(o.b, int64_t{0});
    satisfy_waiters(tx, obj->index());
}

int32_t release_semaphore(Handle h, int32_t count) {
    auto obj = lookup(h, Kind::Semaphore, kModifyState, "ReleaseSemaphore");
    if (count <= 0) throw_win32(err::kInvalidParameter, "ReleaseSemaphore");
    ArenaTx tx;
    ObjectSlot& o = tx.layout().objects[obj->index()];
    int64_t previous = o.a;
    if (previous + count > o.b) throw_win32(err::kTooManyPosts, "ReleaseSemaphore");
    tx.set(o.a, previous + count);
    satisfy_waiters(tx, obj->index());
    return int32_t(previous);
}

void set_waitable_timer(Handle h, int64_t due_time, int32_t period_ms) {
    auto obj = lookup(h, Kind::Timer, kModifyState, "SetWaitableTimer");
    if (period_ms < 0) throw_win32(err::kInvalidParameter, "SetWaitableTimer");
    // FILETIME counts 100 ns from 1601-01-01; the Unix epoch is this many later.
    constexpr int64_t kFiletimeUnixEpoch = 116444736000000000LL;
    ArenaTx tx;
    ObjectSlot& o = tx.layout().objects[obj->index()];
    int64_t flags = o.b & kTimerManualReset;
    int64_t due;
    if (due_time < 0) {
        due = now_ns(CLOCK_MONOTONIC) + (-due_time) * 100;
    } else {
        flags |= kTimerAbsolute;
        due = (due_time - kFiletimeUnixEpoch) * 100;
    }
    // A due time of "now" must still count as armed.
    if (due == 0) due = 1;
    tx.set(o.a, int64_t{0});  // activating a timer makes it non-signalled
    tx.set(o.b, flags);
    tx.set(o.c, due);
    tx.set(o.d, int64_t(period_ms) * 1'000'000);
    if (refresh_timer(tx, o))
        satisfy_waiters(tx, obj->index());
    else
        poke_waiters(tx, obj->index());  // they sleep until the old due time
}

void cancel_waitable_timer(Handle h) {
    auto obj = lookup(h, Kind::Timer, kModifyState, "CancelWaitableTimer");
    ArenaTx tx;
    tx.set(tx.layout().objects[obj->index()].c, int64_t{0});
}

uint32_t wait_for_multiple(std::span<const Handle> handles, bool wait_all, uint32_t timeout_ms,
                           const InterruptCheck& interrupted, const char* function) {
    if (handles.empty() || handles.size() > kMaxWaitObjects) throw_win32(err::kInvalidParameter, function);
    // The references keep the objects alive for the whole wait, even if
    // another thread closes the handles meanwhile.
    std::shared_ptr<WaitableObject> refs[kMaxWaitObjects];
    uint32_t indices[kMaxWaitObjects];
    for (size_t i = 0; i < handles.size(); ++i) {
        refs[i] = lookup_waitable(handles[i], function);
        indices[i] = refs[i]->wait_index();
    }
    return wait_for_objects(indices, uint32_t(handles.size()), wait_all, timeout_ms, interrupted);
}

uint32_t signal_object_and_wait(Handle to_signal, Handle to_wait, uint32_t timeout_ms,
                                const InterruptCheck& interrupted) {
    const char* function = "SignalObjectAndWait";
    auto signal_entry = HandleTable::instance().lookup(to_signal, function);
    auto signalled = std::static_pointer_cast<SyncObject>(signal_entry.object);
    ObjectType type = signal_entry.object->type();
    if (type != ObjectType::Event && type != ObjectType::Mutex && type != ObjectType::Semaphore)
        throw_win32(err::kInvalidHandle, function);
    if (type != ObjectType::Mutex && !(signal_entry.access & kModifyState))
        throw_win32(err::kAccessDenied, function);
    auto waited = lookup_waitable(to_wait, function);
    uint32_t self = current_thread_index();
    uint32_t index = waited->wait_index();
    return wait_for_objects(&index, 1, false, timeout_ms, interrupted, [&](ArenaTx& tx) {
        ObjectSlot& o = tx.layout().objects[signalled->index()];
        switch (type) {
            case ObjectType::Event: tx.set(o.a, int64_t{1}); break;
            case ObjectType::Mutex:
                if (o.a != int64_t(self) + 1) throw_win32(err::kNotOwner, function);
                tx.set(o.b, o.b - 1);
                if (o.b == 0) tx.set(o.a, int64_t{0});
                break;
            default:
                if (o.a + 1 > o.b) throw_win32(err::kTooManyPosts, function);
                tx.set(o.a, o.a + 1);
                break;
        }
        satisfy_waiters(tx, signalled->index());
    });
}

void install_handle_resolvers() {
    HandleTable::instance().set_remote_resolver([](Handle value) -> std::optional<HandleEntry> {
        ArenaTx tx;
        auto claimed = claim_grant(tx, value, int32_t(getpid()));
        if (!claimed) return std::nullopt;
        Kind kind = Kind(tx.layout().objects[claimed->object].kind);
        auto object = std::make_shared<SyncObject>(claimed->object, handle_type_of(kind));
        return HandleEntry{std::move(object), claimed->access, claimed->inherit};
    });
}

void claim_inherited_handles() {
    if (!std::getenv(kInheritedHandlesVariable)) return;
    ::unsetenv(kInheritedHandlesVariable);  // not for our own children
    struct Inherited {
        Handle value;
        uint32_t object;
        ObjectType type;
        uint32_t access;
    };
    std::vector<Inherited> inherited;
    {
        ArenaTx tx;
        for (auto& [value, grant] : claim_inherited_grants(tx, int32_t(getpid()))) {
            Kind kind = Kind(tx.layout().objects[grant.object].kind);
            inherited.push_back({value, grant.object, handle_type_of(kind), grant.access});
        }
    }
    // Outside the transaction: a SyncObject that goes drops its reference in one.
    for (const Inherited& h : inherited) {
        auto object = std::make_shared<SyncObject>(h.object, h.type);
        try {
            HandleTable::instance().insert_at(h.value, std::move(object), h.access, true);
        } catch (const Win32Error&) {
            // The value is taken (cannot be at start): the reference goes with the object.
        }
    }
}

ArenaStats arena_stats() {
    {
        ArenaTx tx;
        for (uint32_t t = 0; t < kMaxThreads; ++t)
            if (tx.layout().threads[t].in_use && !thread_alive(tx, t)) reap_thread(tx, t);
    }
    uint32_t objects = ObjectRefs::instance().sweep();
    ArenaTx tx;
    return {objects, tx.layout().header.threads_in_use, tx.layout().header.recoveries};
}

}  // namespace w32::sync
