#include "w32/io/disk_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/paths/drive_table.h"

namespace w32::io {

namespace {

constexpr uint64_t kEpochDelta = 116444736000000000ull;  // 1601 -> 1970 in 100 ns ticks
constexpr const char* kAttrXattr = "user.w32.attributes";
// What the xattr keeps: the attributes with no POSIX counterpart.
constexpr uint32_t kStoredAttributes = kAttrHidden | kAttrSystem | kAttrArchive | kAttrTemporary;

int open_flags_for(uint32_t access) {
    bool r = access_allows_read(access), w = access_allows_write(access);
    if (r && w) return O_RDWR;
    if (w) return (access & (kFileWriteData | kGenericWrite | kGenericAll | kMaximumAllowed)) ? O_WRONLY
                                                                                            : O_WRONLY | O_APPEND;
    if (r) return O_RDONLY;
    return O_PATH;  // attributes only: no data access
}

bool parent_exists(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return true;
    if (slash == 0) return true;
    struct stat st;
    return ::stat(path.substr(0, slash).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

uint32_t kind_of(int fd) {
    struct stat st;
    if (fd < 0 || ::fstat(fd, &st) != 0) return kFileTypeUnknown;
    if (S_ISCHR(st.st_mode)) return kFileTypeChar;
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) return kFileTypePipe;
    return kFileTypeDisk;
}

[[noreturn]] void throw_open_error(int e, const std::string& path, const char* function) {
    if (e == ENOENT && !parent_exists(path)) throw_win32(err::kPathNotFound, function);
    if (e == EISDIR) throw_win32(err::kAccessDenied, function);
    throw_errno(e, function);
}

}  // namespace

uint64_t filetime_from_timespec(const struct timespec& ts) noexcept {
    int64_t ticks = static_cast<int64_t>(ts.tv_sec) * 10000000 + ts.tv_nsec / 100;
    return static_cast<uint64_t>(ticks + static_cast<int64_t>(kEpochDelta));
}

struct timespec timespec_from_filetime(uint64_t ft) noexcept {
    int64_t ticks = static_cast<int64_t>(ft) - static_cast<int64_t>(kEpochDelta);
    struct timespec ts;
    ts.tv_sec = ticks / 10000000;
    ts.tv_nsec = (ticks % 10000000) * 100;
    if (ts.tv_nsec < 0) {
        ts.tv_nsec += 1000000000;
        ts.tv_sec -= 1;
    }
    return ts;
}

uint32_t attributes_of(int fd, const char* path, const struct stat& st) {
    uint32_t a = 0;
    if (S_ISDIR(st.st_mode)) a |= kAttrDirectory;
    if (!(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH))) a |= kAttrReadonly;
    if (S_ISLNK(st.st_mode)) a |= kAttrReparsePoint;
    char buf[16] = {};
    ssize_t n = -1;
    if (path) n = ::lgetxattr(path, kAttrXattr, buf, sizeof buf - 1);
    else if (fd >= 0) n = ::fgetxattr(fd, kAttrXattr, buf, sizeof buf - 1);
    if (n > 0) a |= static_cast<uint32_t>(std::strtoul(buf, nullptr, 16)) & kStoredAttributes;
    // A base name starting with a dot is hidden by POSIX convention.
    if (path) {
        const char* base = std::strrchr(path, '/');
        base = base ? base + 1 : path;
        if (base[0] == '.' && base[1] != '\0' && std::strcmp(base, "..") != 0) a |= kAttrHidden;
    }
    if (a == 0) a = kAttrNormal;
    return a;
}

FileInfo file_info_from_stat(const struct stat& st, uint32_t attributes) {
    FileInfo i;
    i.attributes = attributes;
    // POSIX has no creation time in stat(); the status change time stands in.
    i.creation_time = filetime_from_timespec(st.st_ctim);
    i.access_time = filetime_from_timespec(st.st_atim);
    i.write_time = filetime_from_timespec(st.st_mtim);
    i.volume_serial = static_cast<uint32_t>(st.st_dev);
    i.size = S_ISDIR(st.st_mode) ? 0 : static_cast<uint64_t>(st.st_size);
    i.links = static_cast<uint32_t>(st.st_nlink);
    i.index = static_cast<uint64_t>(st.st_ino);
    return i;
}

DiskFile::DiskFile(UniqueFd fd, uint32_t access, uint32_t flags, ShareReservation share, std::string path,
                   bool directory)
    : FileObject(ObjectType::File, std::move(fd), access),
      flags_(flags),
      share_(std::move(share)),
      path_(std::move(path)),
      directory_(directory),
      kind_(kFileTypeUnknown) {
    FdRef f = FileObject::fd();
    raw_ = f ? f->get() : -1;
    kind_ = kind_of(raw_);
}

DiskFile::~DiskFile() = default;

bool DiskFile::overlapped() const noexcept { return flags_ & kFileFlagOverlapped; }

std::optional<CommTimeouts> DiskFile::comm_timeouts() const {
    std::lock_guard lock(comm_mutex_);
    return comm_timeouts_;
}

void DiskFile::set_comm_timeouts(const CommTimeouts& t) {
    std::lock_guard lock(comm_mutex_);
    comm_timeouts_ = t;
}

ReadResult DiskFile::read(std::span<std::byte> buffer, const sync::InterruptCheck& interrupted) {
    if (directory_) throw_win32(err::kInvalidFunction, "ReadFile");
    if (kind_ != kFileTypeDisk) {
        if (auto t = comm_timeouts()) return {read_with_timeouts(raw_, buffer, *t, interrupted), 0};
        // Terminals and FIFOs may wait for data: wait so that Ctrl+C is seen.
        return FileObject::read(buffer, interrupted);
    }
    if (share_.ranges_ever_locked()) {
        off_t pos = ::lseek(raw_, 0, SEEK_CUR);
        if (pos >= 0) locks_.check_access(share_.lock_fd(), static_cast<uint64_t>(pos), buffer.size(), false, "ReadFile");
    }
    for (;;) {
        ssize_t n = ::read(raw_, buffer.data(), buffer.size());
        if (n >= 0) return {static_cast<size_t>(n), 0};
        if (errno != EINTR) throw_errno(errno, "ReadFile");
    }
}

size_t DiskFile::write(std::span<const std::byte> data, const sync::InterruptCheck&) {
    if (directory_) throw_win32(err::kInvalidFunction, "WriteFile");
    if (share_.ranges_ever_locked()) {
        off_t pos = ::lseek(raw_, 0, SEEK_CUR);
        if (pos >= 0) locks_.check_access(share_.lock_fd(), static_cast<uint64_t>(pos), data.size(), true, "WriteFile");
    }
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(raw_, data.data() + done, data.size() - done);
        if (n > 0) done += static_cast<size_t>(n);
        else if (n < 0 && errno != EINTR) throw_errno(errno, "WriteFile");
    }
    return done;
}

size_t DiskFile::read_at(std::span<std::byte> buffer, uint64_t offset) {
    if (share_.ranges_ever_locked()) locks_.check_access(share_.lock_fd(), offset, buffer.size(), false, "ReadFile");
    size_t done = 0;
    while (done < buffer.size()) {
        ssize_t n = ::pread(raw_, buffer.data() + done, buffer.size() - done, static_cast<off_t>(offset + done));
        if (n == 0) break;
        if (n > 0) done += static_cast<size_t>(n);
        else if (errno != EINTR) throw_errno(errno, "ReadFile");
    }
    return done;
}

size_t DiskFile::write_at(std::span<const std::byte> data, uint64_t offset) {
    if (share_.ranges_ever_locked()) locks_.check_access(share_.lock_fd(), offset, data.size(), true, "WriteFile");
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::pwrite(raw_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
        if (n > 0) done += static_cast<size_t>(n);
        else if (n < 0 && errno != EINTR) throw_errno(errno, "WriteFile");
    }
    return done;
}

void DiskFile::flush() {
    if (!can_write()) throw_win32(err::kAccessDenied, "FlushFileBuffers");
    if (::fsync(raw_) != 0) throw_errno(errno, "FlushFileBuffers");
}

uint64_t DiskFile::seek(int64_t distance, uint32_t method) {
    int whence = method == 0 ? SEEK_SET : method == 1 ? SEEK_CUR : method == 2 ? SEEK_END : -1;
    if (whence < 0) throw_win32(err::kInvalidParameter, "SetFilePointer");
    off_t cur = ::lseek(raw_, 0, whence == SEEK_SET ? SEEK_CUR : whence);
    if (cur < 0) throw_errno(errno, "SetFilePointer");
    int64_t base = whence == SEEK_SET ? 0 : static_cast<int64_t>(cur);
    // Windows refuses a position before the start; past the end is fine.
    if (distance < 0 && -distance > base) throw_win32(err::kNegativeSeek, "SetFilePointer");
    off_t r = ::lseek(raw_, static_cast<off_t>(base + distance), SEEK_SET);
    if (r < 0) throw_errno(errno, "SetFilePointer");
    return static_cast<uint64_t>(r);
}

void DiskFile::set_end_of_file() {
    if (!can_write()) throw_win32(err::kAccessDenied, "SetEndOfFile");
    off_t pos = ::lseek(raw_, 0, SEEK_CUR);
    if (pos < 0 || ::ftruncate(raw_, pos) != 0) throw_errno(errno, "SetEndOfFile");
}

uint64_t DiskFile::size() {
    struct stat st;
    if (::fstat(raw_, &st) != 0) throw_errno(errno, "GetFileSize");
    return S_ISDIR(st.st_mode) ? 0 : static_cast<uint64_t>(st.st_size);
}

FileInfo DiskFile::info() {
    struct stat st;
    if (::fstat(raw_, &st) != 0) throw_errno(errno, "GetFileInformationByHandle");
    // O_PATH descriptors have no xattr access: read them by path.
    return file_info_from_stat(st, attributes_of(-1, path_.c_str(), st));
}

void DiskFile::set_times(const uint64_t* creation, const uint64_t* access, const uint64_t* write) {
    (void)creation;  // POSIX keeps no settable creation time
    if (!can_write()) throw_win32(err::kAccessDenied, "SetFileTime");
    struct timespec ts[2];
    ts[0].tv_nsec = UTIME_OMIT;
    ts[1].tv_nsec = UTIME_OMIT;
    if (access) ts[0] = timespec_from_filetime(*access);
    if (write) ts[1] = timespec_from_filetime(*write);
    if (::futimens(raw_, ts) != 0) throw_errno(errno, "SetFileTime");
}

void DiskFile::set_delete_on_close(bool remove, const std::string& absolute_path) {
    // Only an open that takes part in sharing has a lock file to keep it in.
    if (share_.lock_fd() < 0) throw_win32(err::kAccessDenied, "SetFileInformationByHandle");
    if (remove) share_.delete_on_last_close(absolute_path.c_str());
    else share_.keep_on_last_close();
}

std::shared_ptr<DirectoryWatch> DiskFile::directory_watch(bool subtree, uint32_t filter) {
    if (!directory_) throw_win32(err::kInvalidParameter, "ReadDirectoryChangesW");
    std::lock_guard lock(watch_mutex_);
    if (!watch_) watch_ = std::make_shared<DirectoryWatch>(path_, subtree, filter, "ReadDirectoryChangesW");
    return watch_;
}

std::shared_ptr<DiskFile> disk_file_of(Handle h, const char* function) {
    auto entry = HandleTable::instance().lookup(h, function);
    if (entry.object->type() != ObjectType::File) throw_win32(err::kInvalidHandle, function);
    auto disk = std::dynamic_pointer_cast<DiskFile>(entry.object);
    if (!disk) throw_win32(err::kInvalidHandle, function);
    return disk;
}

IoOutcome overlapped_read(FileObject& file, std::span<std::byte> buffer, uint64_t offset,
                          const sync::InterruptCheck& cancelled) {
    auto* disk = dynamic_cast<DiskFile*>(&file);
    // Devices and FIFOs have no offsets: they read in turn, as pipes do.
    if (disk && disk->file_type() == kFileTypeDisk) {
        size_t n = disk->read_at(buffer, offset);
        if (n == 0 && !buffer.empty()) return {0, err::kHandleEof};
        return {n, 0};
    }
    ReadResult r = file.read(buffer, cancelled);
    return {r.bytes, r.status};
}

IoOutcome overlapped_write(FileObject& file, std::span<const std::byte> data, uint64_t offset,
                           const sync::InterruptCheck& cancelled) {
    auto* disk = dynamic_cast<DiskFile*>(&file);
    if (disk && disk->file_type() == kFileTypeDisk) return {disk->write_at(data, offset), 0};
    return {file.write(data, cancelled), 0};
}

void lock_range(DiskFile& file, uint64_t offset, uint64_t length, bool exclusive, bool wait,
                const sync::InterruptCheck& interrupted, const char* function) {
    if (file.directory()) throw_win32(err::kInvalidFunction, function);
    file.note_range_lock();
    file.locks().lock(file.lock_fd(), offset, length, exclusive, wait, interrupted, function);
}

void unlock_range(DiskFile& file, uint64_t offset, uint64_t length, const char* function) {
    file.locks().unlock(file.lock_fd(), offset, length, function);
}

Handle create_file(std::string_view win_path, uint32_t access, uint32_t share, uint32_t disposition,
                   uint32_t flags, bool inherit) {
    const char* fn = "CreateFile";
    if (disposition < kCreateNew || disposition > kTruncateExisting) throw_win32(err::kInvalidParameter, fn);
    if (disposition == kTruncateExisting && !access_allows_write(access)) throw_win32(err::kInvalidParameter, fn);
    std::string path = paths::to_posix(win_path, fn);
    int oflags = open_flags_for(access) | O_CLOEXEC;
    if (flags & kFileFlagWriteThrough) oflags |= O_DSYNC;
    if ((flags & kFileFlagOpenReparsePoint) && (oflags & O_ACCMODE) == O_PATH) oflags |= O_NOFOLLOW;
    mode_t mode = (flags & kAttrReadonly) ? 0444 : 0666;
    bool existed = false;
    UniqueFd fd;
    // Truncation waits for the share check: a file others may not see
    // written to must not lose its contents either.
    for (int attempt = 0; !fd && attempt < 100; ++attempt) {
        bool create = disposition == kCreateNew || disposition == kCreateAlways || disposition == kOpenAlways;
        int base = oflags;
        if (create && (base & O_ACCMODE) == O_PATH) base = (base & ~O_PATH) | O_RDONLY;
        if (create) {
            int f = ::open(path.c_str(), base | O_CREAT | O_EXCL, mode);
            if (f >= 0) {
                fd.reset(f);
                break;
            }
            if (errno != EEXIST) throw_open_error(errno, path, fn);
            if (disposition == kCreateNew) throw_win32(err::kFileExists, fn);
        }
        int f = ::open(path.c_str(), oflags);
        if (f >= 0) {
            fd.reset(f);
            existed = true;
        } else if (!(create && errno == ENOENT)) {  // ENOENT: removed meanwhile, create again
            throw_open_error(errno, path, fn);
        }
    }
    if (!fd) throw_win32(err::kSharingViolation, fn);
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) throw_errno(errno, fn);
    bool directory = S_ISDIR(st.st_mode);
    // FILE_ATTRIBUTE_READONLY binds everyone, root too, as it does administrators on Windows.
    if (existed && !directory && !(st.st_mode & 0222) && access_allows_write(access)) throw_win32(err::kAccessDenied, fn);
    if (directory && !(flags & kFileFlagBackupSemantics)) throw_win32(err::kAccessDenied, fn);
    if (directory && access_allows_write(access) && (oflags & O_ACCMODE) != O_PATH)
        throw_win32(err::kAccessDenied, fn);
    uint32_t share_access = access;
    if (flags & kFileFlagDeleteOnClose) share_access |= kDeleteAccess;
    // Devices (NUL, CON, COMn) take no part in sharing and have nothing to truncate.
    bool device = !S_ISREG(st.st_mode) && !directory;
    ShareReservation reservation =
        device ? ShareReservation{} : ShareReservation::acquire(st.st_dev, st.st_ino, share_access, share, fn);
    if (existed && !device && (disposition == kCreateAlways || disposition == kTruncateExisting)) {
        if (::ftruncate(fd.get(), 0) != 0) throw_errno(errno, fn);
    }
    if (!existed && (flags & kStoredAttributes)) {
        char buf[16];
        int n = std::snprintf(buf, sizeof buf, "%x", flags & kStoredAttributes);
        ::fsetxattr(fd.get(), kAttrXattr, buf, static_cast<size_t>(n), 0);  // best effort: not every fs has xattrs
    }
    if (flags & kFileFlagDeleteOnClose) {
        char real[PATH_MAX];
        const char* abs = ::realpath(path.c_str(), real) ? real : path.c_str();
        reservation.delete_on_last_close(abs);
    }
    if (flags & kFileFlagNoBuffering) {
        // O_DIRECT where the file system has it (tmpfs has not: then the
        // page cache is used, which only changes speed).
        int fl = ::fcntl(fd.get(), F_GETFL);
        if (fl >= 0) ::fcntl(fd.get(), F_SETFL, fl | O_DIRECT);
    }
    if (flags & kFileFlagSequentialScan) ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    if (flags & kFileFlagRandomAccess) ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_RANDOM);
    set_last_error(existed && (disposition == kCreateAlways || disposition == kOpenAlways) ? err::kAlreadyExists
                                                                                          : 0);
    auto file = std::make_shared<DiskFile>(std::move(fd), access, flags, std::move(reservation), path, directory);
    return HandleTable::instance().insert(std::move(file), access, inherit);
}

}  // namespace w32::io
