#include "w32/io/socket_file.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cerrno>

#include <mutex>
#include <unordered_map>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/fd_wait.h"

namespace w32::io {

namespace {

constexpr uint32_t kWsaENotSock = 10038;

// Socket objects by descriptor number. An entry whose descriptor has since
// been closed stays until the number is reused or looked up again.
class SocketFiles {
public:
    static SocketFiles& instance() {
        static auto* files = new SocketFiles;  // leaked: reactor threads may use it at exit
        return *files;
    }

    std::shared_ptr<SocketFile> get(int fd, ino_t ino) {
        std::lock_guard lock(mutex_);
        auto& slot = files_[fd];
        if (!slot || slot->inode() != ino) slot = std::make_shared<SocketFile>(fd, ino);
        return slot;
    }

    std::shared_ptr<SocketFile> known(int fd, ino_t ino) {
        std::lock_guard lock(mutex_);
        auto it = files_.find(fd);
        return it == files_.end() || it->second->inode() != ino ? nullptr : it->second;
    }

    std::shared_ptr<SocketFile> find(int fd) {
        std::lock_guard lock(mutex_);
        auto it = files_.find(fd);
        return it == files_.end() ? nullptr : it->second;
    }

private:
    std::mutex mutex_;
    std::unordered_map<int, std::shared_ptr<SocketFile>> files_;
};

}  // namespace

SocketFile::SocketFile(int fd, ino_t ino)
    : FileObject(ObjectType::File, UniqueFd{}, kGenericRead | kGenericWrite), fd_(fd), ino_(ino) {}

bool SocketFile::still_open() const noexcept { return socket_inode(fd_) == inode(); }

UniqueFd SocketFile::duplicate(const char* function) const {
    UniqueFd d(::fcntl(fd_, F_DUPFD_CLOEXEC, 0));
    // Found as a socket when the call began: gone now means closed meanwhile.
    if (!d || socket_inode(d.get()) != inode()) throw_win32(err::kOperationAborted, function);
    return d;
}

void SocketFile::wait_ready(int fd, short events, const sync::InterruptCheck& interrupted,
                            const char* function) const {
    for (;;) {
        pollfd p{fd, events, 0};
        int r = ::poll(&p, 1, kInterruptSliceMs);
        if (r > 0) return;
        if (r < 0 && errno != EINTR) throw_errno(errno, function);
        throw_if_interrupted(interrupted);
        if (!still_open()) throw_win32(err::kOperationAborted, function);
    }
}

ReadResult SocketFile::read(std::span<std::byte> buffer, const sync::InterruptCheck& interrupted) {
    UniqueFd d = duplicate("ReadFile");
    for (;;) {
        ssize_t n = ::recv(d.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n >= 0) return {static_cast<size_t>(n), 0};
        if (errno == EAGAIN) wait_ready(d.get(), POLLIN, interrupted, "ReadFile");
        else if (errno != EINTR) throw_win32(socket_completion_from_errno(errno), "ReadFile");
    }
}

size_t SocketFile::write(std::span<const std::byte> data, const sync::InterruptCheck& interrupted) {
    UniqueFd d = duplicate("WriteFile");
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::send(d.get(), data.data() + done, data.size() - done, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n >= 0) done += static_cast<size_t>(n);
        else if (errno == EAGAIN) wait_ready(d.get(), POLLOUT, interrupted, "WriteFile");
        else if (errno != EINTR) throw_win32(socket_completion_from_errno(errno), "WriteFile");
    }
    return done;
}

ino_t socket_inode(int fd) noexcept {
    struct stat st;
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return 0;
    return st.st_ino;
}

std::shared_ptr<SocketFile> socket_file(int fd, const char* function) {
    ino_t ino = socket_inode(fd);
    if (!ino) throw_win32(kWsaENotSock, function);
    return SocketFiles::instance().get(fd, ino);
}

std::shared_ptr<FileObject> socket_file_of_value(Handle value) {
    if (value > 0x7FFFFFFF) return nullptr;
    int fd = static_cast<int>(value);
    ino_t ino = socket_inode(fd);
    if (!ino) return nullptr;
    return SocketFiles::instance().known(fd, ino);
}

std::shared_ptr<FileObject> file_or_socket_of(Handle value, const char* function) {
    try {
        return file_of(value, function);
    } catch (const Win32Error& e) {
        ino_t ino = value <= 0x7FFFFFFF ? socket_inode(static_cast<int>(value)) : 0;
        if (!ino) throw;
        return SocketFiles::instance().get(static_cast<int>(value), ino);
    }
}

void rebind_socket_file(int fd, ino_t ino) {
    if (auto file = SocketFiles::instance().find(fd)) file->ino_.store(ino, std::memory_order_release);
}

}  // namespace w32::io
