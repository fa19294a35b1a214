// Windows share modes between handles and processes. Each file that is
// open through CreateFile has a small lock file in the session's runtime
// directory, named after the file's device and inode; every open holds OFD
// read locks on the bytes that say which access it has (read, write,
// delete) and which sharing it denies. An open checks the others' bytes
// under a guard lock and fails with ERROR_SHARING_VIOLATION on a conflict.
// The kernel drops the locks of a process that dies, so a killed process
// never leaves a file locked; OFD locks belong to an open file description,
// so two handles of one process see each other as two processes would.
#pragma once

#include <sys/types.h>

#include <utility>

#include <atomic>
#include <cstdint>

#include "w32/io/unique_fd.h"

namespace w32::io {

// dwShareMode bits and the access rights that count for sharing (winnt.h).
inline constexpr uint32_t kFileShareRead = 0x1;
inline constexpr uint32_t kFileShareWrite = 0x2;
inline constexpr uint32_t kFileShareDelete = 0x4;
inline constexpr uint32_t kDeleteAccess = 0x00010000;
inline constexpr uint32_t kFileExecute = 0x0020;

class ShareReservation {
public:
    ShareReservation() = default;
    ShareReservation(ShareReservation&& other) noexcept
        : lock_(std::move(other.lock_)),
          owner_(other.owner_),
          shared_(std::exchange(other.shared_, nullptr)),
          dev_(other.dev_),
          ino_(other.ino_) {}
    ShareReservation& operator=(ShareReservation&&) noexcept;
    ~ShareReservation();

    // Records an open of the file (dev, ino) with `access` and `share`.
    // An open that asks for no read, write or delete access takes part in
    // no sharing check, as on Windows (it returns an empty reservation).
    static ShareReservation acquire(dev_t dev, ino_t ino, uint32_t access, uint32_t share,
                                    const char* function);

    // FILE_FLAG_DELETE_ON_CLOSE: the file at `path` is removed when the
    // last open of it (in any process) ends.
    void delete_on_last_close(const char* path);
    // Undoes it (FileDispositionInfo with DeleteFile false).
    void keep_on_last_close();
    bool delete_pending() const;
    // Ends this open now; returns true if it was the file's last one.
    bool release();

    // This open's own description of the lock file: byte-range locks
    // (byte_locks.h) are kept there too, past the share bytes. -1 for an
    // open without read, write or delete access.
    int lock_fd() const noexcept { return lock_.get(); }

    // A word every open of the file sees (a shared page of the lock file):
    // set once any handle has locked a byte range, so that reads and writes
    // of files nobody locks skip the lock check's system calls.
    bool ranges_ever_locked() const noexcept {
        return shared_ && shared_->load(std::memory_order_acquire) != 0;
    }
    void note_range_lock() noexcept {
        if (shared_) shared_->store(1, std::memory_order_release);
    }

private:
    void unmap() noexcept;

    UniqueFd lock_;
    pid_t owner_ = 0;  // a forked child shares the open file description: it must not unlock it
    std::atomic<uint32_t>* shared_ = nullptr;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
};

}  // namespace w32::io
