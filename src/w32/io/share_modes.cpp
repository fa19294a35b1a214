#include "w32/io/share_modes.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/file_object.h"
#include "w32/kernel/session_root.h"

namespace w32::io {

namespace {

// Byte 0 guards a check-and-record; bytes 1-3 are held by opens with read,
// write, delete access; bytes 4-6 by opens that deny read, write, delete.
constexpr off_t kGuard = 0;
constexpr off_t kAccessBase = 1;
constexpr off_t kDenyBase = 4;
constexpr int kKinds = 3;  // read, write, delete
// The shared page sits past the delete-on-close path (kept from offset 0).
constexpr off_t kSharedPage = 4096;

std::string lock_dir() { return session_paths().runtime_dir + "/files"; }

std::string lock_path(dev_t dev, ino_t ino) {
    char name[64];
    std::snprintf(name, sizeof name, "/%llx-%llx", static_cast<unsigned long long>(dev),
                  static_cast<unsigned long long>(ino));
    return lock_dir() + name;
}

int lock_range(int fd, int cmd, short type, off_t start, off_t len) {
    struct flock fl {};
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = start;
    fl.l_len = len;
    int r;
    do r = ::fcntl(fd, cmd, &fl);
    while (r != 0 && errno == EINTR);
    return r;
}

// True when another open file description holds a lock overlapping the range.
bool held_by_others(int fd, off_t start, off_t len, const char* function) {
    struct flock fl {};
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = start;
    fl.l_len = len;
    if (::fcntl(fd, F_OFD_GETLK, &fl) != 0) throw_errno(errno, function);
    return fl.l_type != F_UNLCK;
}

void take_guard(int fd, const char* function) {
    if (lock_range(fd, F_OFD_SETLKW, F_WRLCK, kGuard, 1) != 0) throw_errno(errno, function);
}

void drop_guard(int fd) { lock_range(fd, F_OFD_SETLK, F_UNLCK, kGuard, 1); }

bool same_file(int fd, const std::string& path) {
    struct stat a, b;
    return ::fstat(fd, &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// The lock file for (dev, ino), opened and guarded. A last closer may unlink
// the file between our open and our guard: then we start again.
UniqueFd open_guarded(dev_t dev, ino_t ino, const char* function) {
    static const bool made = [] {
        ensure_private_dir(lock_dir());
        return true;
    }();
    (void)made;
    std::string path = lock_path(dev, ino);
    for (;;) {
        UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (!fd) throw_errno(errno, function);
        take_guard(fd.get(), function);
        if (same_file(fd.get(), path)) return fd;
    }
}

// The access kinds (read, write, delete) an access mask asks for.
unsigned access_kinds(uint32_t access) {
    unsigned k = 0;
    if (access & (kGenericRead | kGenericAll | kMaximumAllowed | kFileReadData | kFileExecute)) k |= 1;
    if (access & (kGenericWrite | kGenericAll | kMaximumAllowed | kFileWriteData | kFileAppendData)) k |= 2;
    if (access & (kDeleteAccess | kGenericAll | kMaximumAllowed)) k |= 4;
    return k;
}

}  // namespace

ShareReservation& ShareReservation::operator=(ShareReservation&& other) noexcept {
    if (this != &other) {
        release();
        lock_ = std::move(other.lock_);
        shared_ = std::exchange(other.shared_, nullptr);
        owner_ = other.owner_;
        dev_ = other.dev_;
        ino_ = other.ino_;
    }
    return *this;
}

ShareReservation::~ShareReservation() { release(); }

ShareReservation ShareReservation::acquire(dev_t dev, ino_t ino, uint32_t access, uint32_t share,
                                           const char* function) {
    ShareReservation r;
    unsigned kinds = access_kinds(access);
    if (kinds == 0) return r;
    UniqueFd fd = open_guarded(dev, ino, function);
    unsigned denied = ~share & 7u;
    for (int k = 0; k < kKinds; ++k) {
        bool conflict = ((denied >> k) & 1 && held_by_others(fd.get(), kAccessBase + k, 1, function)) ||
                        ((kinds >> k) & 1 && held_by_others(fd.get(), kDenyBase + k, 1, function));
        if (conflict) {
            drop_guard(fd.get());
            throw_win32(err::kSharingViolation, function);
        }
    }
    for (int k = 0; k < kKinds; ++k) {
        if ((kinds >> k) & 1 && lock_range(fd.get(), F_OFD_SETLK, F_RDLCK, kAccessBase + k, 1) != 0)
            throw_errno(errno, function);
        if ((denied >> k) & 1 && lock_range(fd.get(), F_OFD_SETLK, F_RDLCK, kDenyBase + k, 1) != 0)
            throw_errno(errno, function);
    }
    struct stat st;
    if (::fstat(fd.get(), &st) == 0 && st.st_size < kSharedPage + 4096) ::ftruncate(fd.get(), kSharedPage + 4096);
    drop_guard(fd.get());
    void* page = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), kSharedPage);
    // Without the page every read and write checks for locks: slower, still right.
    if (page != MAP_FAILED) r.shared_ = static_cast<std::atomic<uint32_t>*>(page);
    r.lock_ = std::move(fd);
    r.owner_ = ::getpid();
    r.dev_ = dev;
    r.ino_ = ino;
    return r;
}

void ShareReservation::delete_on_last_close(const char* path) {
    if (!lock_) return;
    // The path is kept in the lock file: the last closer may be another process.
    std::string p(path);
    p += '\0';
    if (::pwrite(lock_.get(), p.data(), p.size(), 0) != static_cast<ssize_t>(p.size()))
        throw_errno(errno, "CreateFile");
}

void ShareReservation::unmap() noexcept {
    if (shared_) ::munmap(static_cast<void*>(shared_), 4096);
    shared_ = nullptr;
}

void ShareReservation::keep_on_last_close() {
    if (!lock_) return;
    char nothing = '\0';
    if (::pwrite(lock_.get(), &nothing, 1, 0) != 1) throw_errno(errno, "SetFileInformationByHandle");
}

bool ShareReservation::delete_pending() const {
    char first = '\0';
    return lock_ && ::pread(lock_.get(), &first, 1, 0) == 1 && first != '\0';
}

bool ShareReservation::release() {
    unmap();
    if (!lock_) return false;
    if (owner_ != ::getpid()) {
        // A forked child's copy: the parent's descriptor keeps the open file
        // description and its locks; closing ours changes nothing for it.
        lock_.reset();
        return false;
    }
    int fd = lock_.get();
    if (lock_range(fd, F_OFD_SETLKW, F_WRLCK, kGuard, 1) != 0) {
        lock_.reset();
        return false;
    }
    lock_range(fd, F_OFD_SETLK, F_UNLCK, kAccessBase, 2 * kKinds);
    bool last = !held_by_others(fd, kAccessBase, 2 * kKinds, "CloseHandle");
    if (last) {
        char target[4096];
        ssize_t n = ::pread(fd, target, sizeof target - 1, 0);
        if (n > 0) {
            target[n] = '\0';
            struct stat st;
            // Only the file this lock file stands for, should the name now be another's.
            if (::stat(target, &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_) ::unlink(target);
        }
        std::string path = lock_path(dev_, ino_);
        if (same_file(fd, path)) ::unlink(path.c_str());
    }
    lock_.reset();  // closing drops the guard too
    return last;
}

}  // namespace w32::io
