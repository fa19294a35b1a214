#include "w32/io/os_handles.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <mutex>
#include <unordered_map>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/disk_file.h"
#include "w32/io/file_object.h"
#include "w32/io/share_modes.h"

namespace w32::io {

namespace {

class DescriptorFile : public FileObject {
public:
    DescriptorFile(UniqueFd fd, uint32_t access, uint32_t type, int source)
        : FileObject(ObjectType::File, std::move(fd), access), type_(type), source_(source) {}
    uint32_t file_type() const noexcept override { return type_; }
    int source() const noexcept { return source_; }

private:
    uint32_t type_;
    int source_;
};

// The handle of each descriptor asked for, with the file it was made for:
// a descriptor closed and reused for another file gets a new handle.
struct Known {
    Handle handle;
    std::weak_ptr<KernelObject> object;
    dev_t dev;
    ino_t ino;
};
std::mutex g_mutex;
std::unordered_map<int, Known> g_handles;

std::string path_of_fd(int fd) {
    char link[64], target[4096];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = ::readlink(link, target, sizeof target - 1);
    return n > 0 ? std::string(target, static_cast<size_t>(n)) : std::string();
}

}  // namespace

Handle handle_for_fd(int fd) {
    const char* fn = "_get_osfhandle";
    int fl = ::fcntl(fd, F_GETFL);
    if (fd < 0 || fl < 0) throw_win32(err::kInvalidHandle, fn);
    struct stat st;
    if (::fstat(fd, &st) != 0) throw_errno(errno, fn);
    std::lock_guard lock(g_mutex);
    auto it = g_handles.find(fd);
    if (it != g_handles.end()) {
        try {
            auto entry = HandleTable::instance().lookup(it->second.handle, fn);
            if (entry.object == it->second.object.lock() && it->second.dev == st.st_dev &&
                it->second.ino == st.st_ino)
                return it->second.handle;
        } catch (const Win32Error&) {
        }
        g_handles.erase(it);
    }
    uint32_t type = S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) ? kFileTypeDisk
                    : S_ISCHR(st.st_mode)                      ? kFileTypeChar
                    : S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ? kFileTypePipe
                                                                   : kFileTypeUnknown;
    uint32_t access = 0;
    int mode = fl & O_ACCMODE;
    if (mode == O_RDONLY || mode == O_RDWR) access |= kGenericRead;
    if (mode == O_WRONLY || mode == O_RDWR) access |= kGenericWrite;
    UniqueFd dup(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
    if (!dup) throw_errno(errno, fn);
    std::shared_ptr<FileObject> object;
    if (S_ISREG(st.st_mode)) {
        // A regular file is a disk file as CreateFile makes them, so that its
        // byte-range locks (LockFileEx, msvcrt.locking) hold between
        // processes. The C runtime opens files sharing everything.
        try {
            ShareReservation share = ShareReservation::acquire(
                st.st_dev, st.st_ino, access, kFileShareRead | kFileShareWrite | kFileShareDelete, fn);
            object = std::make_shared<DiskFile>(std::move(dup), access, 0, std::move(share), path_of_fd(fd), false);
        } catch (const Win32Error&) {
            // A CreateFile handle denies sharing: the descriptor still works,
            // without taking part in locks.
        }
    }
    if (!object) object = std::make_shared<DescriptorFile>(std::move(dup), access, type, fd);
    Handle h = HandleTable::instance().insert(object, access, false);
    g_handles[fd] = Known{h, object, st.st_dev, st.st_ino};
    return h;
}

int fd_for_handle(Handle h, int flags) {
    const char* fn = "_open_osfhandle";
    auto file = file_of(h, fn);
    auto fd = file->descriptor_for_runtime();
    if (!fd) throw_win32(err::kInvalidHandle, fn);
    int out = ::fcntl(fd->get(), F_DUPFD, 3);
    if (out < 0) throw_errno(errno, fn);
    if (flags & O_APPEND) {
        int fl = ::fcntl(out, F_GETFL);
        if (fl >= 0) ::fcntl(out, F_SETFL, fl | O_APPEND);
    }
    return out;
}

}  // namespace w32::io
