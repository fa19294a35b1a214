#include "w32/io/os_handles.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <mutex>
#include <unordered_map>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/disk_file.h"
#include "w32/io/file_object.h"
#include "w32/io/pipe_end.h"
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

std::shared_ptr<FileObject> object_for_descriptor(UniqueFd dup, int source, uint32_t access, uint32_t type,
                                                 const struct stat& st, const char* fn) {
    if (S_ISREG(st.st_mode)) {
        // A regular file is a disk file as CreateFile makes them, so that its
        // byte-range locks (LockFileEx, msvcrt.locking) hold between
        // processes. The C runtime opens files sharing everything.
        try {
            ShareReservation share = ShareReservation::acquire(
                st.st_dev, st.st_ino, access, kFileShareRead | kFileShareWrite | kFileShareDelete, fn);
            std::string path = path_of_fd(dup.get());
            return std::make_shared<DiskFile>(std::move(dup), access, 0, std::move(share), std::move(path), false);
        } catch (const Win32Error&) {
            // A CreateFile handle denies sharing: the descriptor still works,
            // without taking part in locks.
        }
    }
    // A pipe is one of CreatePipe's kind, whoever made it (a shell, a
    // parent's subprocess, our CreateProcess).
    if (S_ISFIFO(st.st_mode)) return make_anonymous_pipe_end(std::move(dup), access);
    return std::make_shared<DescriptorFile>(std::move(dup), access, type, source);
}

uint32_t type_of(const struct stat& st) {
    return S_ISREG(st.st_mode) || S_ISDIR(st.st_mode) ? kFileTypeDisk
           : S_ISCHR(st.st_mode)                      ? kFileTypeChar
           : S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ? kFileTypePipe
                                                          : kFileTypeUnknown;
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
    uint32_t type = type_of(st);
    uint32_t access = 0;
    int mode = fl & O_ACCMODE;
    if (mode == O_RDONLY || mode == O_RDWR) access |= kGenericRead;
    if (mode == O_WRONLY || mode == O_RDWR) access |= kGenericWrite;
    UniqueFd dup(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
    if (!dup) throw_errno(errno, fn);
    std::shared_ptr<FileObject> object = object_for_descriptor(std::move(dup), fd, access, type, st, fn);
    Handle h = HandleTable::instance().insert(object, access, false);
    g_handles[fd] = Known{h, object, st.st_dev, st.st_ino};
    return h;
}

void claim_inherited_descriptors() {
    const char* list = std::getenv(kInheritedDescriptorsVariable);
    if (!list) return;
    std::string entries = list;
    ::unsetenv(kInheritedDescriptorsVariable);  // not for our own children
    size_t start = 0;
    while (start < entries.size()) {
        size_t end = entries.find(',', start);
        if (end == std::string::npos) end = entries.size();
        unsigned long long value = 0;
        int fd = -1;
        unsigned access = 0;
        if (std::sscanf(entries.substr(start, end - start).c_str(), "%llu:%d:%u", &value, &fd, &access) == 3 &&
            fd >= 3) {
            struct stat st;
            if (::fstat(fd, &st) == 0) {
                UniqueFd own(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
                ::close(fd);
                if (own) {
                    try {
                        auto object = object_for_descriptor(std::move(own), -1, access, type_of(st), st,
                                                            "CreateProcess");
                        HandleTable::instance().insert_at(static_cast<Handle>(value), object, access, true);
                    } catch (const Win32Error&) {
                        // A value already taken cannot be: the descriptor goes.
                    }
                }
            }
        }
        start = end + 1;
    }
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
