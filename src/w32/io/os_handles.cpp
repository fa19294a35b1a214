#include "w32/io/os_handles.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <unordered_map>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/file_object.h"

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

std::mutex g_mutex;
std::unordered_map<int, Handle> g_handles;

}  // namespace

Handle handle_for_fd(int fd) {
    const char* fn = "_get_osfhandle";
    int fl = ::fcntl(fd, F_GETFL);
    if (fd < 0 || fl < 0) throw_win32(err::kInvalidHandle, fn);
    std::lock_guard lock(g_mutex);
    auto it = g_handles.find(fd);
    if (it != g_handles.end()) {
        try {
            auto entry = HandleTable::instance().lookup(it->second, fn);
            auto* d = dynamic_cast<DescriptorFile*>(entry.object.get());
            if (d && d->source() == fd) return it->second;
        } catch (const Win32Error&) {
        }
        g_handles.erase(it);
    }
    struct stat st;
    if (::fstat(fd, &st) != 0) throw_errno(errno, fn);
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
    Handle h = HandleTable::instance().insert(std::make_shared<DescriptorFile>(std::move(dup), access, type, fd),
                                              access, false);
    g_handles[fd] = h;
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
