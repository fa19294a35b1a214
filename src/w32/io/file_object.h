// A file handle's object: an owned descriptor, the access the handle was
// opened with, and the ReadFile/WriteFile/FlushFileBuffers entry points.
// Pipe endpoints derive from it; win32file's regular files (issue 3) will
// use it as it is.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "w32/io/unique_fd.h"
#include "w32/kernel/handle_table.h"
#include "w32/kernel/access_rights.h"
#include "w32/sync/wait_engine.h"

namespace w32::io {

class CompletionPort;
class IoRequest;

// Access rights (winnt.h) that decide whether a handle may read or write.
using w32::kGenericAll;
using w32::kGenericRead;
using w32::kGenericWrite;
using w32::kMaximumAllowed;
inline constexpr uint32_t kFileReadData = 0x0001;
inline constexpr uint32_t kFileWriteData = 0x0002;
inline constexpr uint32_t kFileAppendData = 0x0004;

// GetFileType's answers.
inline constexpr uint32_t kFileTypeUnknown = 0;
inline constexpr uint32_t kFileTypeDisk = 1;
inline constexpr uint32_t kFileTypeChar = 2;
inline constexpr uint32_t kFileTypePipe = 3;

bool access_allows_read(uint32_t access) noexcept;
bool access_allows_write(uint32_t access) noexcept;

// What a synchronous read gives: bytes stored, and 0 or ERROR_MORE_DATA
// (a message longer than the buffer: its rest is still to be read).
struct ReadResult {
    size_t bytes = 0;
    uint32_t status = 0;
};

class FileObject : public KernelObject {
public:
    using FdRef = std::shared_ptr<UniqueFd>;

    FileObject(ObjectType type, UniqueFd fd, uint32_t access);
    // Requests still queued or running are cancelled: the last handle is gone.
    ~FileObject() override;
    ObjectType type() const noexcept override { return type_; }
    virtual uint32_t file_type() const noexcept { return kFileTypeDisk; }

    // Blocking operations: they wait in slices and stop when `interrupted`
    // says so (sync::WaitInterrupted). A read at end of file stores 0 bytes.
    virtual ReadResult read(std::span<std::byte> buffer, const sync::InterruptCheck& interrupted);
    virtual size_t write(std::span<const std::byte> data, const sync::InterruptCheck& interrupted);
    virtual void flush();

    uint32_t access() const noexcept { return access_; }
    bool can_read() const noexcept { return access_allows_read(access_); }
    bool can_write() const noexcept { return access_allows_write(access_); }

    // Overlapped I/O bookkeeping (async_io.cpp): the completion port and key
    // the file is associated with, the requests issued on it, and how many
    // of them a worker runs now (each holds a reference while it runs).
    void associate_port(std::shared_ptr<CompletionPort> port, uint64_t key);
    std::shared_ptr<CompletionPort> port(uint64_t& key) const;
    void track(const std::shared_ptr<IoRequest>& request);
    std::vector<std::shared_ptr<IoRequest>> pending_requests() const;
    std::atomic<int> running_io{0};

    // The descriptor, for _open_osfhandle (null when there is none).
    FdRef descriptor_for_runtime() const { return fd(); }

protected:
    // The descriptor in use; null when there is none (a pipe server awaiting
    // its client). Callers keep the reference while they block on it, so a
    // concurrent exchange never closes a descriptor under a reader.
    FdRef fd() const;
    FdRef exchange_fd(FdRef next);
    // EPIPE on a write: the reader is gone, which Windows reports as
    // ERROR_NO_DATA ("The pipe is being closed") rather than a broken pipe.
    [[noreturn]] static void throw_write_error(int err);

private:
    ObjectType type_;
    uint32_t access_;
    mutable std::mutex mutex_;
    FdRef fd_;
    std::shared_ptr<CompletionPort> port_;
    uint64_t port_key_ = 0;
    std::vector<std::weak_ptr<IoRequest>> requests_;
};

// The file object behind a handle: files and pipes (ERROR_INVALID_HANDLE
// for anything else).
std::shared_ptr<FileObject> file_of(Handle h, const char* function);

ReadResult read_file(Handle h, std::span<std::byte> buffer, const sync::InterruptCheck& interrupted);
size_t write_file(Handle h, std::span<const std::byte> data, const sync::InterruptCheck& interrupted);
void flush_file_buffers(Handle h);
uint32_t get_file_type(Handle h);

}  // namespace w32::io
