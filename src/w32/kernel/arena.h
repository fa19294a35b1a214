// The session arena: kernel-object state shared by every process of a session.
//
// All state changes happen inside an ArenaTx: the arena's robust lock is held
// and every store goes through ArenaTx::set(), which first writes the old
// value to an undo log in the arena. A process killed in the middle of an
// operation therefore leaves a log that the next process to take the lock
// (it sees EOWNERDEAD) rolls back: an operation is wholly applied or not at
// all. Futex wakes happen after the commit, and recovery re-issues any wake a
// dead process committed but did not deliver.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "w32/kernel/arena_layout.h"

namespace w32::arena {

class Arena {
public:
    // Maps (creating if needed) this session's arena; the first call attaches.
    static Arena& instance();

    Layout& layout() noexcept { return *layout_; }
    char* base() noexcept { return reinterpret_cast<char*>(layout_); }
    int object_lock_fd() const noexcept { return object_lock_fd_; }

    // A new open file description of the object lock file, and switching to
    // one (a forked child takes over the one its parent prepared).
    int open_object_lock_file() const;
    void adopt_object_lock_fd(int fd);

private:
    Arena();
    void attach();
    void detach_at_exit() noexcept;
    void take_own_user_share() noexcept;

    Layout* layout_ = nullptr;
    int object_lock_fd_ = -1;
    int users_fd_ = -1;  // holds a shared flock while this process uses the arena
    std::string object_lock_path_;
};

// The arena lock held for one operation.
class ArenaTx {
public:
    explicit ArenaTx(Arena& arena = Arena::instance());
    ~ArenaTx();
    ArenaTx(const ArenaTx&) = delete;
    ArenaTx& operator=(const ArenaTx&) = delete;

    Arena& arena() noexcept { return arena_; }
    Layout& layout() noexcept { return arena_.layout(); }

    // Logged store: rolled back if this process dies before the commit.
    template <class T>
    void set(T& field, T value) {
        static_assert(std::is_integral_v<T> && sizeof(T) <= 8);
        if (field == value) return;
        log_old_value(&field, sizeof(T));
        std::atomic_ref<T>(field).store(value, std::memory_order_release);
    }

    // Wakes `thread` (its wake word becomes kWakeDone) once the operation commits.
    void wake_after_commit(uint32_t thread);
    // Makes a waiting `thread` re-examine its wait after the commit, without
    // completing it (kWakePoked): what it sleeps on has changed.
    void poke_after_commit(uint32_t thread);

    // Ends the operation early, keeping its changes (the destructor then
    // only unlocks). Used before blocking system calls.
    void commit();

private:
    void log_old_value(void* field, uint32_t size);
    void rollback() noexcept;
    void deliver_wakes() noexcept;

    Arena& arena_;
    std::vector<uint32_t> wakes_;      // threads whose wait this operation completed
    std::vector<uint32_t> pokes_;      // threads to re-examine their wait
    std::vector<uint32_t*> sleepers_;  // their wake words that need a futex wake
    int uncaught_at_start_;
    bool committed_ = false;
};

// Futex helpers on words in the arena (process-shared).
void futex_wake_all(uint32_t* word) noexcept;

// Object names: the bucket chains live in the arena.
uint32_t find_name(ArenaTx& tx, std::string_view name) noexcept;  // kNil if absent
void link_name(ArenaTx& tx, uint32_t object, std::string_view name);
void unlink_name(ArenaTx& tx, uint32_t object) noexcept;

// Wait queues: an entry id is thread * kMaxWaitObjects + slot.
inline WaitEntry& entry_of(Layout& l, uint32_t id) noexcept {
    return l.threads[id / kMaxWaitObjects].entries[id % kMaxWaitObjects];
}
void enqueue_entry(ArenaTx& tx, uint32_t object, uint32_t entry_id);
void dequeue_entry(ArenaTx& tx, uint32_t entry_id) noexcept;

// Allocates a free object slot of `kind` (ERROR_NOT_ENOUGH_MEMORY when full).
uint32_t allocate_object(ArenaTx& tx, Kind kind);
// Releases a slot: unlinks its name, drops the queue entries of dead
// waiters, bumps the generation.
void free_object(ArenaTx& tx, uint32_t object) noexcept;

}  // namespace w32::arena
