// LockFile(Ex)/UnlockFile(Ex) with Windows' semantics: locks belong to a
// handle (not to a process, as POSIX record locks do), do not merge or
// split, are undone only by an unlock of exactly the same range, and are
// enforced on ReadFile/WriteFile of other handles (ERROR_LOCK_VIOLATION).
// Between handles and processes they are OFD locks on the open's lock file
// (share_modes.h) at the file's offsets shifted past the share bytes, so a
// read-only handle can hold an exclusive lock and a dead process's locks go
// with it. The handle's own list decides what its OFD locks must cover.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "w32/sync/wait_engine.h"

namespace w32::io {

inline constexpr uint32_t kLockfileFailImmediately = 0x1;
inline constexpr uint32_t kLockfileExclusiveLock = 0x2;

class ByteRangeLocks {
public:
    // Fails with ERROR_LOCK_VIOLATION when another handle holds a
    // conflicting lock and `wait` is false (or when this handle's own locks
    // conflict: waiting for itself would never end); with `wait`, retries
    // until it can lock or `interrupted` says stop.
    void lock(int lock_fd, uint64_t offset, uint64_t length, bool exclusive, bool wait,
              const sync::InterruptCheck& interrupted, const char* function);
    // ERROR_NOT_LOCKED unless this handle holds a lock of exactly this range;
    // an exclusive lock goes before a shared one of the same range.
    void unlock(int lock_fd, uint64_t offset, uint64_t length, const char* function);
    // ERROR_LOCK_VIOLATION when a lock forbids reading (another handle's
    // exclusive lock) or writing (any other handle's lock, or a shared lock
    // of this one) the range.
    void check_access(int lock_fd, uint64_t offset, uint64_t length, bool write, const char* function) const;

private:
    struct Range {
        uint64_t offset;
        uint64_t length;
        bool exclusive;
    };
    // Sets the OFD locks over [lo, hi) to what the list asks; false if
    // another handle's lock was in the way.
    bool apply(int lock_fd, uint64_t lo, uint64_t hi) const;
    bool try_lock(int lock_fd, const Range& r, const char* function);

    mutable std::mutex mutex_;
    std::vector<Range> held_;
};

}  // namespace w32::io
