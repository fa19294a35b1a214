// Files and directories opened by CreateFile: a descriptor of the POSIX path
// the drive table gives, the open's share reservation (share_modes.h), the
// handle's byte-range locks (byte_locks.h) and its flags.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "w32/io/async_io.h"
#include "w32/io/byte_locks.h"
#include "w32/io/change_watch.h"
#include "w32/io/comm_port.h"
#include "w32/io/file_object.h"
#include "w32/io/named_pipe.h"
#include "w32/io/share_modes.h"

namespace w32::io {

// Creation dispositions.
inline constexpr uint32_t kCreateNew = 1;
inline constexpr uint32_t kCreateAlways = 2;
inline constexpr uint32_t kOpenExisting = 3;
inline constexpr uint32_t kOpenAlways = 4;
inline constexpr uint32_t kTruncateExisting = 5;

// File attributes and flags (winnt.h / winbase.h).
inline constexpr uint32_t kAttrReadonly = 0x1;
inline constexpr uint32_t kAttrHidden = 0x2;
inline constexpr uint32_t kAttrSystem = 0x4;
inline constexpr uint32_t kAttrDirectory = 0x10;
inline constexpr uint32_t kAttrArchive = 0x20;
inline constexpr uint32_t kAttrNormal = 0x80;
inline constexpr uint32_t kAttrTemporary = 0x100;
inline constexpr uint32_t kAttrReparsePoint = 0x400;
inline constexpr uint32_t kFileFlagNoBuffering = 0x20000000;
inline constexpr uint32_t kFileFlagRandomAccess = 0x10000000;
inline constexpr uint32_t kFileFlagSequentialScan = 0x08000000;
inline constexpr uint32_t kFileFlagDeleteOnClose = 0x04000000;
inline constexpr uint32_t kFileFlagBackupSemantics = 0x02000000;
inline constexpr uint32_t kFileFlagOpenReparsePoint = 0x00200000;

// FILETIME: 100 ns ticks since 1601-01-01 UTC.
uint64_t filetime_from_timespec(const struct timespec& ts) noexcept;
struct timespec timespec_from_filetime(uint64_t ft) noexcept;

struct FileInfo {
    uint32_t attributes = 0;
    uint64_t creation_time = 0;
    uint64_t access_time = 0;
    uint64_t write_time = 0;
    uint32_t volume_serial = 0;
    uint64_t size = 0;
    uint32_t links = 0;
    uint64_t index = 0;  // the inode
};

// The Windows attributes of a stat result plus those kept in an xattr.
uint32_t attributes_of(int fd_or_dirfd, const char* path, const struct stat& st);
FileInfo file_info_from_stat(const struct stat& st, uint32_t attributes);

class DiskFile : public FileObject {
public:
    DiskFile(UniqueFd fd, uint32_t access, uint32_t flags, ShareReservation share, std::string path,
             bool directory);
    ~DiskFile() override;

    // FILE_TYPE_CHAR for devices (NUL, CON, COMn), FILE_TYPE_PIPE for FIFOs
    // (an open descriptor's kind never changes: taken once).
    uint32_t file_type() const noexcept override { return kind_; }
    ReadResult read(std::span<std::byte> buffer, const sync::InterruptCheck& interrupted) override;
    size_t write(std::span<const std::byte> data, const sync::InterruptCheck& interrupted) override;
    void flush() override;

    // Positional I/O (overlapped handles use the OVERLAPPED's offset).
    size_t read_at(std::span<std::byte> buffer, uint64_t offset);
    size_t write_at(std::span<const std::byte> data, uint64_t offset);

    uint64_t seek(int64_t distance, uint32_t method);
    void set_end_of_file();
    uint64_t size();
    FileInfo info();
    void set_times(const uint64_t* creation, const uint64_t* access, const uint64_t* write);

    uint32_t flags() const noexcept { return flags_; }
    bool overlapped() const noexcept;
    bool directory() const noexcept { return directory_; }
    const std::string& path() const noexcept { return path_; }
    // The descriptor, for the life of the object (a file's is never exchanged,
    // unlike a pipe server's): no lock to take on every read.
    int raw_fd() const noexcept { return raw_; }
    ByteRangeLocks& locks() noexcept { return locks_; }
    int lock_fd() const noexcept { return share_.lock_fd(); }
    void note_range_lock() noexcept { share_.note_range_lock(); }
    // FILE_FLAG_DELETE_ON_CLOSE / FileDispositionInfo: the file goes with
    // the last handle to it (`absolute_path`: where it is now).
    void set_delete_on_close(bool remove, const std::string& absolute_path);
    bool delete_pending() const { return share_.delete_pending(); }
    // SetCommTimeouts on a terminal: ReadFile then follows them.
    std::optional<CommTimeouts> comm_timeouts() const;
    void set_comm_timeouts(const CommTimeouts& t);
    uint32_t comm_mask() const noexcept { return comm_mask_.load(); }
    uint64_t comm_mask_generation() const noexcept { return comm_mask_generation_.load(); }
    void set_comm_mask(uint32_t mask) noexcept {
        comm_mask_.store(mask);
        ++comm_mask_generation_;
    }
    // ReadDirectoryChangesW: the directory's watch, made by the first call
    // (whose subtree flag and filter it keeps, watching between calls as
    // Windows does). ERROR_INVALID_PARAMETER for a file.
    std::shared_ptr<DirectoryWatch> directory_watch(bool subtree, uint32_t filter);

private:
    uint32_t flags_;
    ShareReservation share_;
    std::string path_;
    bool directory_;
    int raw_ = -1;
    uint32_t kind_;
    ByteRangeLocks locks_;
    std::mutex watch_mutex_;
    std::shared_ptr<DirectoryWatch> watch_;
    mutable std::mutex comm_mutex_;
    std::optional<CommTimeouts> comm_timeouts_;
    std::atomic<uint32_t> comm_mask_{0};
    std::atomic<uint64_t> comm_mask_generation_{0};
};

// CreateFile for a path (pipe names are the caller's). Sets the thread's
// last error to ERROR_ALREADY_EXISTS when CREATE_ALWAYS / OPEN_ALWAYS found
// the file, else 0.
Handle create_file(std::string_view path, uint32_t access, uint32_t share, uint32_t disposition,
                   uint32_t flags_and_attributes, bool inherit);

std::shared_ptr<DiskFile> disk_file_of(Handle h, const char* function);

// The work of an overlapped read or write: at `offset` for a file (a read
// at the end gives ERROR_HANDLE_EOF, as on Windows), in turn for a pipe.
IoOutcome overlapped_read(FileObject& file, std::span<std::byte> buffer, uint64_t offset,
                          const sync::InterruptCheck& cancelled);
IoOutcome overlapped_write(FileObject& file, std::span<const std::byte> data, uint64_t offset,
                           const sync::InterruptCheck& cancelled);

// LockFile(Ex)/UnlockFile(Ex) on a file handle (byte_locks.h).
void lock_range(DiskFile& file, uint64_t offset, uint64_t length, bool exclusive, bool wait,
                const sync::InterruptCheck& interrupted, const char* function);
void unlock_range(DiskFile& file, uint64_t offset, uint64_t length, const char* function);

}  // namespace w32::io
