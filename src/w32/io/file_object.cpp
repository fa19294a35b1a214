#include "w32/io/file_object.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/fd_wait.h"
#include "w32/io/socket_file.h"

namespace w32::io {

bool access_allows_read(uint32_t access) noexcept {
    return access & (kGenericRead | kGenericAll | kMaximumAllowed | kFileReadData);
}

bool access_allows_write(uint32_t access) noexcept {
    return access & (kGenericWrite | kGenericAll | kMaximumAllowed | kFileWriteData | kFileAppendData);
}

FileObject::FileObject(ObjectType type, UniqueFd fd, uint32_t access)
    : type_(type), access_(access), fd_(fd ? std::make_shared<UniqueFd>(std::move(fd)) : nullptr) {}

FileObject::FdRef FileObject::fd() const {
    std::lock_guard lock(mutex_);
    return fd_;
}

FileObject::FdRef FileObject::exchange_fd(FdRef next) {
    std::lock_guard lock(mutex_);
    std::swap(fd_, next);
    return next;
}

void FileObject::throw_write_error(int err) {
    if (err == EPIPE || err == ECONNRESET) throw_win32(err::kNoData, "WriteFile");
    throw_errno(err, "WriteFile");
}

ReadResult FileObject::read(std::span<std::byte> buffer, const sync::InterruptCheck& interrupted) {
    FdRef f = fd();
    if (!f) throw_win32(err::kInvalidHandle, "ReadFile");
    for (;;) {
        wait_fd(f->get(), POLLIN, kInfinite, interrupted, "ReadFile");
        ssize_t n = ::read(f->get(), buffer.data(), buffer.size());
        if (n >= 0) return {static_cast<size_t>(n), 0};
        if (errno != EINTR && errno != EAGAIN) throw_errno(errno, "ReadFile");
    }
}

size_t FileObject::write(std::span<const std::byte> data, const sync::InterruptCheck& interrupted) {
    FdRef f = fd();
    if (!f) throw_win32(err::kInvalidHandle, "WriteFile");
    size_t done = 0;
    while (done < data.size()) {
        wait_fd(f->get(), POLLOUT, kInfinite, interrupted, "WriteFile");
        ssize_t n = ::write(f->get(), data.data() + done, data.size() - done);
        if (n >= 0) {
            done += static_cast<size_t>(n);
        } else if (errno != EINTR && errno != EAGAIN) {
            throw_write_error(errno);
        }
    }
    return done;
}

void FileObject::flush() {
    FdRef f = fd();
    if (!f) throw_win32(err::kInvalidHandle, "FlushFileBuffers");
    if (::fsync(f->get()) != 0) throw_errno(errno, "FlushFileBuffers");
}

std::shared_ptr<FileObject> file_of(Handle h, const char* function) {
    // A socket's descriptor serves as its handle (as a SOCKET does on
    // Windows) where the value names no file handle of this process.
    std::optional<HandleEntry> entry;
    try {
        entry = HandleTable::instance().lookup(h, function);
    } catch (const Win32Error&) {
    }
    if (entry) {
        auto t = entry->object->type();
        if (t == ObjectType::File || t == ObjectType::Pipe)
            return std::static_pointer_cast<FileObject>(std::move(entry->object));
    }
    if (auto socket = socket_file_of_value(h)) return socket;
    throw_win32(err::kInvalidHandle, function);
}

ReadResult read_file(Handle h, std::span<std::byte> buffer, const sync::InterruptCheck& interrupted) {
    auto file = file_of(h, "ReadFile");
    if (!file->can_read()) throw_win32(err::kAccessDenied, "ReadFile");
    return file->read(buffer, interrupted);
}

size_t write_file(Handle h, std::span<const std::byte> data, const sync::InterruptCheck& interrupted) {
    auto file = file_of(h, "WriteFile");
    if (!file->can_write()) throw_win32(err::kAccessDenied, "WriteFile");
    return file->write(data, interrupted);
}

void flush_file_buffers(Handle h) { file_of(h, "FlushFileBuffers")->flush(); }

uint32_t get_file_type(Handle h) { return file_of(h, "GetFileType")->file_type(); }

}  // namespace w32::io
