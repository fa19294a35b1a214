// The per-process handle table: Windows handles are small integers (multiples
// of 4) naming a reference to a kernel object. The table owns one reference
// per handle; closing the handle drops it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "w32/error/win32_error.h"

namespace w32 {

using Handle = uint64_t;

// Pseudo-handles: GetCurrentProcess() and GetCurrentThread() return these,
// as Windows does (-1 and -2 as pointers).
inline constexpr Handle kCurrentProcessPseudoHandle = ~Handle{0};
inline constexpr Handle kCurrentThreadPseudoHandle = ~Handle{0} - 1;

enum class ObjectType : uint8_t {
    Event,
    Mutex,
    Semaphore,
    WaitableTimer,
    File,
    Pipe,
    Process,
    Thread,
    Mapping,
    CompletionPort,
    ChangeNotification,
    RegistryKey,
    Other,
};

// Anything a handle can name. Concrete types live with their subsystem.
class KernelObject {
public:
    virtual ~KernelObject() = default;
    virtual ObjectType type() const noexcept = 0;
};

struct HandleEntry {
    std::shared_ptr<KernelObject> object;
    uint32_t access = 0;
    bool inherit = false;
};

// Handle values from here up are session-wide unique values given to
// handles that another process duplicated into this one (DuplicateHandle);
// values below are this process's own.
inline constexpr Handle kFirstRemoteHandle = Handle{1} << 28;

class HandleTable {
public:
    static HandleTable& instance();

    // Supplies entries the table does not hold: pseudo-handles (-1, -2) and
    // handles duplicated into this process by another one. Returns nullopt
    // when the value names nothing.
    using Resolver = std::function<std::optional<HandleEntry>(Handle)>;
    void set_pseudo_resolver(Resolver r);
    void set_remote_resolver(Resolver r);

    // Stores the object under the lowest free handle value, as Windows does.
    Handle insert(std::shared_ptr<KernelObject> object, uint32_t access, bool inherit);
    // Stores under a chosen value (inherited handles keep their number in a
    // child). Fails with ERROR_INVALID_HANDLE if the value is taken or bad.
    void insert_at(Handle handle, std::shared_ptr<KernelObject> object, uint32_t access,
                   bool inherit);

    // ERROR_INVALID_HANDLE when the handle names nothing.
    HandleEntry lookup(Handle handle, const char* function) const;
    // Typed lookup: a handle to another type is ERROR_INVALID_HANDLE too.
    template <class T>
    std::shared_ptr<T> get(Handle handle, ObjectType type, const char* function) const {
        auto entry = lookup(handle, function);
        if (entry.object->type() != type) throw_invalid(function);
        return std::static_pointer_cast<T>(std::move(entry.object));
    }

    // Removes the handle and returns its object, so the caller decides when
    // the last reference drops (outside the table lock).
    std::shared_ptr<KernelObject> remove(Handle handle, const char* function);
    void close(Handle handle, const char* function);

    void set_inherit(Handle handle, bool inherit, const char* function);
    // Every handle marked inheritable, for a child process to receive.
    std::vector<std::pair<Handle, HandleEntry>> inheritable() const;
    size_t size() const;

private:
    [[noreturn]] static void throw_invalid(const char* function);
    static bool index_of(Handle handle, size_t& index) noexcept;

    std::optional<HandleEntry> resolve(Handle handle) const;

    mutable std::mutex mutex_;
    std::vector<HandleEntry> slots_;  // slot i is handle (i + 1) * 4
    mutable std::unordered_map<Handle, HandleEntry> remote_;  // values >= kFirstRemoteHandle
    Resolver pseudo_resolver_, remote_resolver_;
    size_t used_ = 0;
    size_t lowest_free_ = 0;  // no free slot below this index
};

}  // namespace w32
