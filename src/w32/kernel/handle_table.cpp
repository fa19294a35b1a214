#include "w32/kernel/handle_table.h"

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"

namespace w32 {

namespace {
// Windows caps a process at about 16 million handles; so do we, so that a
// forged huge handle value cannot make the table grow without bound.
constexpr size_t kMaxSlots = size_t{1} << 24;
}  // namespace

HandleTable& HandleTable::instance() {
    // Never destroyed: objects may still be closed by Python finalizers
    // during interpreter shutdown, after static destructors would have run.
    static HandleTable* table = new HandleTable;
    return *table;
}

bool HandleTable::index_of(Handle handle, size_t& index) noexcept {
    if (handle == 0 || handle % 4 != 0 || handle >= kFirstRemoteHandle) return false;
    index = handle / 4 - 1;
    return index < kMaxSlots;
}

void HandleTable::set_pseudo_resolver(Resolver r) {
    std::lock_guard lock(mutex_);
    pseudo_resolver_ = std::move(r);
}

void HandleTable::set_remote_resolver(Resolver r) {
    std::lock_guard lock(mutex_);
    remote_resolver_ = std::move(r);
}

// Pseudo-handles are answered afresh each time; a remote handle is claimed
// once and then kept like any other.
std::optional<HandleEntry> HandleTable::resolve(Handle handle) const {
    Resolver resolver;
    {
        std::lock_guard lock(mutex_);
        if (handle >= kFirstRemoteHandle && handle < kCurrentThreadPseudoHandle) {
            auto it = remote_.find(handle);
            if (it != remote_.end()) return it->second;
            resolver = remote_resolver_;
        } else if (handle >= kCurrentThreadPseudoHandle) {
            resolver = pseudo_resolver_;
        }
    }
    if (!resolver) return std::nullopt;
    auto entry = resolver(handle);  // outside the lock: it takes the arena lock
    if (entry && handle < kCurrentThreadPseudoHandle) {
        std::lock_guard lock(mutex_);
        remote_.emplace(handle, *entry);
    }
    return entry;
}

void HandleTable::throw_invalid(const char* function) {
    throw_win32(err::kInvalidHandle, function);
}

Handle HandleTable::insert(std::shared_ptr<KernelObject> object, uint32_t access, bool inherit) {
    std::lock_guard lock(mutex_);
    size_t index = lowest_free_;
    while (index < slots_.size() && slots_[index].object) ++index;
    if (index == slots_.size()) {
        if (slots_.size() >= kMaxSlots) throw_win32(err::kNoSystemResources, "CreateHandle");
        index = slots_.size();
        slots_.emplace_back();
    }
    slots_[index] = HandleEntry{std::move(object), access, inherit};
    ++used_;
    lowest_free_ = index + 1;
    return (index + 1) * 4;
}

void HandleTable::insert_at(Handle handle, std::shared_ptr<KernelObject> object,
                            uint32_t access, bool inherit) {
    size_t index;
    if (!index_of(handle, index)) throw_invalid("DuplicateHandle");
    std::lock_guard lock(mutex_);
    if (index >= slots_.size()) slots_.resize(index + 1);
    if (slots_[index].object) throw_invalid("DuplicateHandle");
    slots_[index] = HandleEntry{std::move(object), access, inherit};
    ++used_;
}

HandleEntry HandleTable::lookup(Handle handle, const char* function) const {
    size_t index;
    if (!index_of(handle, index)) {
        if (handle >= kFirstRemoteHandle && handle % 4 == 0) {
            if (auto entry = resolve(handle)) return *entry;
        } else if (handle >= kCurrentThreadPseudoHandle) {
            if (auto entry = resolve(handle)) return *entry;
        }
        throw_invalid(function);
    }
    std::lock_guard lock(mutex_);
    if (index >= slots_.size() || !slots_[index].object) throw_invalid(function);
    return slots_[index];
}

std::shared_ptr<KernelObject> HandleTable::remove(Handle handle, const char* function) {
    size_t index;
    if (!index_of(handle, index)) {
        if (handle >= kFirstRemoteHandle && handle % 4 == 0 && handle < kCurrentThreadPseudoHandle) {
            // Claim it first if it was never used here, so that closing a
            // duplicated handle releases its grant.
            resolve(handle);
            std::lock_guard lock(mutex_);
            auto it = remote_.find(handle);
            if (it != remote_.end()) {
                auto object = std::move(it->second.object);
                remote_.erase(it);
                return object;
            }
        }
        throw_invalid(function);
    }
    std::lock_guard lock(mutex_);
    if (index >= slots_.size() || !slots_[index].object) throw_invalid(function);
    --used_;
    if (index < lowest_free_) lowest_free_ = index;
    return std::exchange(slots_[index], HandleEntry{}).object;
}

void HandleTable::close(Handle handle, const char* function) {
    // Closing a pseudo-handle does nothing and succeeds, as on Windows.
    if (handle >= kCurrentThreadPseudoHandle) return;
    // The object is destroyed here, after the lock is released.
    auto object = remove(handle, function);
}

void HandleTable::set_inherit(Handle handle, bool inherit, const char* function) {
    size_t index;
    if (!index_of(handle, index)) throw_invalid(function);
    std::lock_guard lock(mutex_);
    if (index >= slots_.size() || !slots_[index].object) throw_invalid(function);
    slots_[index].inherit = inherit;
}

std::vector<std::pair<Handle, HandleEntry>> HandleTable::inheritable() const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<Handle, HandleEntry>> out;
    for (size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i].object && slots_[i].inherit) out.emplace_back((i + 1) * 4, slots_[i]);
    return out;
}

size_t HandleTable::size() const {
    std::lock_guard lock(mutex_);
    return used_ + remote_.size();
}

}  // namespace w32
