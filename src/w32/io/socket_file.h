// A socket seen as a file handle: on Windows a SOCKET is a handle, so
// pywin32 programs pass sock.fileno() to CreateIoCompletionPort, CancelIo
// and GetOverlappedResult. Here the descriptor number stands for the
// socket; the object behind it carries the port association and the
// requests issued on it, and is known by the socket's identity (its inode
// in sockfs), so that a closed descriptor reused by another socket does not
// inherit the old one's port or requests.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>

#include "w32/io/file_object.h"

namespace w32::io {

class SocketFile : public FileObject {
public:
    SocketFile(int fd, ino_t ino);
    // GetFileType answers FILE_TYPE_PIPE for a socket, as on Windows.
    uint32_t file_type() const noexcept override { return kFileTypePipe; }

    // ReadFile/WriteFile on a socket, as Windows allows: a receive and a
    // full send, waiting interruptibly (and ending when the socket is closed).
    ReadResult read(std::span<std::byte> buffer, const sync::InterruptCheck& interrupted) override;
    size_t write(std::span<const std::byte> data, const sync::InterruptCheck& interrupted) override;
    void flush() override {}

    int descriptor() const noexcept { return fd_; }
    ino_t inode() const noexcept { return ino_.load(std::memory_order_acquire); }
    // True while the descriptor still names this socket.
    bool still_open() const noexcept;

private:
    // A descriptor of this socket for the caller's use (ERROR_OPERATION_ABORTED once it is closed).
    UniqueFd duplicate(const char* function) const;
    // Waits for `events` on `fd` in slices, until ready, interrupted or closed.
    void wait_ready(int fd, short events, const sync::InterruptCheck& interrupted, const char* function) const;

    friend void rebind_socket_file(int fd, ino_t ino);
    const int fd_;
    std::atomic<ino_t> ino_;
};

// The socket object for descriptor `fd`, made on first use; WSAENOTSOCK
// (named `function`) when `fd` is not an open socket.
std::shared_ptr<SocketFile> socket_file(int fd, const char* function);

// For file_of(): the socket whose descriptor is `value`, or null. Only a
// socket already known here (used by a socket call, or associated with a
// completion port) counts: descriptors and handle values are both small
// integers, and an arbitrary socket must not turn a stale or forged handle
// value into a valid one.
std::shared_ptr<FileObject> socket_file_of_value(Handle value);

// file_of(), or else the socket whose descriptor is `value`, now known
// (CreateIoCompletionPort(sock.fileno(), ...) comes before any socket call).
std::shared_ptr<FileObject> file_or_socket_of(Handle value, const char* function);

// AcceptEx put another socket under descriptor `fd`: its object (port
// association included) now stands for that socket, as the accept socket's
// does on Windows.
void rebind_socket_file(int fd, ino_t ino);

// The inode of an open socket descriptor, or 0 when `fd` is not one.
ino_t socket_inode(int fd) noexcept;

}  // namespace w32::io
