#include "w32/io/path_functions.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <linux/magic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/paths/drive_table.h"

namespace w32::io {

namespace {

constexpr uint32_t kShareAll = kFileShareRead | kFileShareWrite | kFileShareDelete;
constexpr const char* kAttrXattr = "user.w32.attributes";
constexpr uint32_t kStoredAttributes = kAttrHidden | kAttrSystem | kAttrArchive | kAttrTemporary;

bool parent_is_dir(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos || slash == 0) return true;
    struct stat st;
    return ::stat(path.substr(0, slash).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

[[noreturn]] void throw_path_error(int e, const std::string& path, const char* function) {
    if ((e == ENOENT || e == ENOTDIR) && !parent_is_dir(path)) throw_win32(err::kPathNotFound, function);
    if (e == ENOTDIR) throw_win32(err::kPathNotFound, function);
    throw_errno(e, function);
}

struct stat lstat_or_throw(const std::string& path, const char* function) {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) throw_path_error(errno, path, function);
    return st;
}

// Holds a DELETE-access open of the file for the length of an operation
// that removes or renames it: handles that did not share delete refuse.
ShareReservation reserve_for_delete(const struct stat& st, const char* function) {
    return ShareReservation::acquire(st.st_dev, st.st_ino, kDeleteAccess, kShareAll, function);
}

void copy_contents(const std::string& from, const std::string& to, bool fail_if_exists,
                   const CopyProgress& progress, const char* function) {
    UniqueFd src(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
    if (!src) throw_path_error(errno, from, function);
    struct stat st;
    if (::fstat(src.get(), &st) != 0) throw_errno(errno, function);
    if (S_ISDIR(st.st_mode)) throw_win32(err::kAccessDenied, function);
    // CopyFile reads the source as a reader that shares reading only.
    ShareReservation src_share = ShareReservation::acquire(st.st_dev, st.st_ino, kGenericRead,
                                                           kFileShareRead | kFileShareDelete, function);
    int oflags = O_WRONLY | O_CREAT | O_CLOEXEC | (fail_if_exists ? O_EXCL : 0);
    UniqueFd dst(::open(to.c_str(), oflags, (st.st_mode & 0777) | 0200));
    if (!dst) {
        if (errno == EEXIST) throw_win32(err::kFileExists, function);
        if (errno == EACCES) {
            struct stat dst_st;
            // An existing read-only destination is refused, as on Windows.
            if (::stat(to.c_str(), &dst_st) == 0) throw_win32(err::kAccessDenied, function);
        }
        throw_path_error(errno, to, function);
    }
    struct stat dst_st;
    if (::fstat(dst.get(), &dst_st) != 0) throw_errno(errno, function);
    if (dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino) throw_win32(err::kSharingViolation, function);
    ShareReservation dst_share = ShareReservation::acquire(dst_st.st_dev, dst_st.st_ino, kGenericWrite, 0, function);
    if (::ftruncate(dst.get(), 0) != 0) throw_errno(errno, function);
    uint64_t total = static_cast<uint64_t>(st.st_size), done = 0;
    bool report = static_cast<bool>(progress);
    auto ask = [&]() {
        if (!report) return;
        uint32_t answer = progress(total, done);
        if (answer == kProgressQuiet) report = false;
        if (answer == kProgressCancel) {
            ::unlink(to.c_str());
            throw_win32(err::kRequestAborted, function);
        }
        if (answer == kProgressStop) throw_win32(err::kRequestAborted, function);
    };
    ask();
    constexpr size_t kChunk = 1 << 20;
    for (;;) {
        ssize_t n = ::copy_file_range(src.get(), nullptr, dst.get(), nullptr, kChunk, 0);
        if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP)) {
            // Across file systems that cannot copy in the kernel: read and write.
            std::vector<char> buf(kChunk);
            n = ::read(src.get(), buf.data(), buf.size());
            if (n > 0 && ::write(dst.get(), buf.data(), static_cast<size_t>(n)) != n) n = -1;
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno(errno, function);
        }
        if (n == 0) break;
        done += static_cast<uint64_t>(n);
        ask();
    }
    // Windows copies the attributes and the last write time.
    ::fchmod(dst.get(), st.st_mode & 07777);
    struct timespec times[2] = {st.st_atim, st.st_mtim};
    ::futimens(dst.get(), times);
    char attrs[16];
    ssize_t an = ::fgetxattr(src.get(), kAttrXattr, attrs, sizeof attrs);
    if (an > 0) ::fsetxattr(dst.get(), kAttrXattr, attrs, static_cast<size_t>(an), 0);
}

}  // namespace

uint32_t get_file_attributes(std::string_view path) {
    const char* fn = "GetFileAttributes";
    std::string p = paths::to_posix(path, fn);
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) {
        if (::lstat(p.c_str(), &st) != 0) throw_path_error(errno, p, fn);
    }
    return attributes_of(-1, p.c_str(), st);
}

FileInfo get_file_attributes_ex(std::string_view path) {
    const char* fn = "GetFileAttributesEx";
    std::string p = paths::to_posix(path, fn);
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) throw_path_error(errno, p, fn);
    return file_info_from_stat(st, attributes_of(-1, p.c_str(), st));
}

void set_file_attributes(std::string_view path, uint32_t attributes) {
    const char* fn = "SetFileAttributes";
    std::string p = paths::to_posix(path, fn);
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) throw_path_error(errno, p, fn);
    mode_t mode = st.st_mode & 07777;
    if (!S_ISDIR(st.st_mode)) {
        // READONLY is the write bits: cleared, or given back to the owner (and
        // to those who can read, as a umask-free default would).
        if (attributes & kAttrReadonly) mode &= ~0222u;
        else if (!(mode & 0222)) mode |= 0200 | ((mode & 040) ? 020 : 0);
        if (mode != (st.st_mode & 07777) && ::chmod(p.c_str(), mode) != 0) throw_errno(errno, fn);
    }
    char buf[16];
    int n = std::snprintf(buf, sizeof buf, "%x", attributes & kStoredAttributes);
    if (::setxattr(p.c_str(), kAttrXattr, buf, static_cast<size_t>(n), 0) != 0 && (attributes & kStoredAttributes) &&
        errno != ENOTSUP && errno != EPERM)
        throw_errno(errno, fn);
}

void delete_file(std::string_view path) {
    const char* fn = "DeleteFile";
    std::string p = paths::to_posix(path, fn);
    struct stat st = lstat_or_throw(p, fn);
    if (S_ISDIR(st.st_mode)) throw_win32(err::kAccessDenied, fn);
    if (S_ISREG(st.st_mode) && !(st.st_mode & 0222)) throw_win32(err::kAccessDenied, fn);
    ShareReservation hold = reserve_for_delete(st, fn);
    if (::unlink(p.c_str()) != 0) throw_path_error(errno, p, fn);
}

void move_file(std::string_view from_w, std::string_view to_w, uint32_t flags, const char* fn) {
    if (flags & kMovefileDelayUntilReboot) throw_win32(err::kNotSupported, fn);
    if (flags & ~(kMovefileReplaceExisting | kMovefileCopyAllowed | kMovefileWriteThrough |
                  kMovefileCreateHardlink | kMovefileFailIfNotTrackable))
        throw_win32(err::kInvalidParameter, fn);
    std::string from = paths::to_posix(from_w, fn), to = paths::to_posix(to_w, fn);
    struct stat st = lstat_or_throw(from, fn);
    ShareReservation hold_src = reserve_for_delete(st, fn);
    ShareReservation hold_dst;
    struct stat dst;
    bool replace = flags & kMovefileReplaceExisting;
    if (::lstat(to.c_str(), &dst) == 0) {
        if (!(dst.st_dev == st.st_dev && dst.st_ino == st.st_ino)) {
            if (!replace) throw_win32(err::kAlreadyExists, fn);
            if (S_ISDIR(dst.st_mode)) throw_win32(err::kAccessDenied, fn);
            hold_dst = reserve_for_delete(dst, fn);
        }
    }
    int r = ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), replace ? 0 : RENAME_NOREPLACE);
    if (r != 0 && errno == EINVAL && !replace) r = ::rename(from.c_str(), to.c_str());  // no RENAME_NOREPLACE here
    if (r != 0) {
        int e = errno;
        if (e == EEXIST) throw_win32(err::kAlreadyExists, fn);
        if (e == EXDEV) {
            if (!(flags & kMovefileCopyAllowed) || S_ISDIR(st.st_mode)) throw_win32(err::kNotSameDevice, fn);
            copy_contents(from, to, !replace, nullptr, fn);
            if (::unlink(from.c_str()) != 0) throw_errno(errno, fn);
        } else {
            throw_path_error(e, to, fn);
        }
    }
    if (flags & kMovefileWriteThrough) ::sync();
}

void copy_file(std::string_view from, std::string_view to, uint32_t flags, const CopyProgress& progress,
               const char* fn) {
    std::string src = paths::to_posix(from, fn), dst = paths::to_posix(to, fn);
    copy_contents(src, dst, flags & kCopyFileFailIfExists, progress, fn);
}

void create_directory(std::string_view path, const char* fn) {
    std::string p = paths::to_posix(path, fn);
    if (::mkdir(p.c_str(), 0777) != 0) {
        if (errno == EEXIST) throw_win32(err::kAlreadyExists, fn);
        if (errno == ENOENT) throw_win32(err::kPathNotFound, fn);
        throw_path_error(errno, p, fn);
    }
}

void remove_directory(std::string_view path) {
    const char* fn = "RemoveDirectory";
    std::string p = paths::to_posix(path, fn);
    struct stat st = lstat_or_throw(p, fn);
    if (!S_ISDIR(st.st_mode)) throw_win32(err::kDirectory, fn);
    ShareReservation hold = reserve_for_delete(st, fn);
    if (::rmdir(p.c_str()) != 0) {
        if (errno == ENOTEMPTY || errno == EEXIST) throw_win32(err::kDirNotEmpty, fn);
        throw_path_error(errno, p, fn);
    }
}

void create_hard_link(std::string_view link, std::string_view existing) {
    const char* fn = "CreateHardLink";
    std::string l = paths::to_posix(link, fn), e = paths::to_posix(existing, fn);
    if (::link(e.c_str(), l.c_str()) != 0) {
        if (errno == EEXIST) throw_win32(err::kAlreadyExists, fn);
        if (errno == EPERM) throw_win32(err::kAccessDenied, fn);
        throw_path_error(errno, errno == ENOENT && ::access(e.c_str(), F_OK) != 0 ? e : l, fn);
    }
}

void create_symbolic_link(std::string_view link, std::string_view target, uint32_t /*flags*/) {
    const char* fn = "CreateSymbolicLink";
    std::string l = paths::to_posix(link, fn);
    // A relative Windows target stays relative, with POSIX separators.
    std::string t = paths::to_posix(target, fn);
    if (::symlink(t.c_str(), l.c_str()) != 0) {
        if (errno == EEXIST) throw_win32(err::kAlreadyExists, fn);
        throw_path_error(errno, l, fn);
    }
}

std::vector<FindData> find_files(std::string_view pattern_w) {
    const char* fn = "FindFirstFile";
    // The wildcards are in the last component: only the directory part is a
    // path to translate (a Windows path may not hold '*' or '?').
    bool windows = paths::is_windows_path(pattern_w);
    auto cut = pattern_w.find_last_of(windows ? "\\/" : "/");
    std::string pattern(cut == std::string_view::npos ? pattern_w : pattern_w.substr(cut + 1));
    std::string dir;
    bool drive_root = false;  // a drive's root lists no "." and ".."
    if (cut == std::string_view::npos) {
        drive_root = windows && pattern_w.size() >= 2 && pattern_w[1] == ':';
        // "C:*.txt" is the drive's root; a bare pattern is the current directory.
        dir = windows && pattern_w.size() >= 2 && pattern_w[1] == ':' ? paths::to_posix(pattern_w.substr(0, 2), fn) : ".";
        if (windows && pattern_w.size() >= 2 && pattern_w[1] == ':') pattern = std::string(pattern_w.substr(2));
    } else if (cut == 0) {
        dir = "/";
    } else {
        std::string_view head = pattern_w.substr(0, cut);
        drive_root = windows && head.size() == 2 && head[1] == ':';
        // "C:" alone is the drive's root; keep the separator so that it says so.
        dir = paths::to_posix(head.size() == 2 && head[1] == ':' ? pattern_w.substr(0, cut + 1) : head, fn);
    }
    if (pattern.empty()) throw_win32(err::kFileNotFound, fn);
    // "*.*" matches every name, dotted or not, as on Windows.
    bool any = pattern == "*.*" || pattern == "*";
    std::vector<FindData> out;
    UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dfd) {
        if (errno == ENOENT || errno == ENOTDIR) throw_win32(err::kPathNotFound, fn);
        throw_errno(errno, fn);
    }
    DIR* d = ::fdopendir(dfd.release());
    if (!d) throw_errno(errno, fn);
    while (dirent* e = ::readdir(d)) {
        const char* name = e->d_name;
        bool dots = std::strcmp(name, ".") == 0 || std::strcmp(name, "..") == 0;
        if (dots && (dir == "/" || drive_root)) continue;  // a drive's root has no . and .. entries
        if (!any && ::fnmatch(pattern.c_str(), name, FNM_CASEFOLD) != 0) continue;
        std::string p = dir == "/" ? "/" + std::string(name) : dir + "/" + name;
        struct stat st;
        if (::stat(p.c_str(), &st) != 0 && ::lstat(p.c_str(), &st) != 0) continue;  // gone meanwhile
        FileInfo i = file_info_from_stat(st, attributes_of(-1, p.c_str(), st));
        out.push_back({i.attributes, i.creation_time, i.access_time, i.write_time, i.size, name});
    }
    ::closedir(d);
    return out;
}

namespace {

std::string existing_root(std::string_view root, const char* fn) {
    std::string p = root.empty() ? "." : paths::to_posix(root, fn);
    struct stat st;
    if (::stat(p.c_str(), &st) != 0) throw_path_error(errno, p, fn);
    return p;
}

}  // namespace

DiskSpace get_disk_free_space(std::string_view root) {
    const char* fn = "GetDiskFreeSpace";
    std::string p = existing_root(root, fn);
    struct statvfs v;
    if (::statvfs(p.c_str(), &v) != 0) throw_errno(errno, fn);
    DiskSpace s{};
    uint64_t block = v.f_frsize ? v.f_frsize : v.f_bsize;
    s.bytes_per_sector = 512;
    s.sectors_per_cluster = static_cast<uint32_t>(block >= 512 ? block / 512 : 1);
    s.free_clusters = v.f_bavail;
    s.total_clusters = v.f_blocks;
    s.free_to_caller = uint64_t{v.f_bavail} * block;
    s.total = uint64_t{v.f_blocks} * block;
    s.free = uint64_t{v.f_bfree} * block;
    return s;
}

VolumeInfo get_volume_information(std::string_view root) {
    const char* fn = "GetVolumeInformation";
    std::string p = existing_root(root, fn);
    struct statfs f;
    struct stat st;
    if (::statfs(p.c_str(), &f) != 0 || ::stat(p.c_str(), &st) != 0) throw_errno(errno, fn);
    VolumeInfo v;
    v.serial = static_cast<uint32_t>(st.st_dev);
    v.max_component = static_cast<uint32_t>(f.f_namelen);
    // FILE_CASE_SENSITIVE_SEARCH | FILE_CASE_PRESERVED_NAMES | FILE_UNICODE_ON_DISK | FILE_PERSISTENT_ACLS
    // | FILE_SUPPORTS_HARD_LINKS
    v.flags = 0x1 | 0x2 | 0x4 | 0x8 | 0x00400000;
    switch (static_cast<unsigned long>(f.f_type)) {
        case EXT4_SUPER_MAGIC: v.file_system = "ext4"; break;
        case TMPFS_MAGIC: v.file_system = "tmpfs"; break;
        case XFS_SUPER_MAGIC: v.file_system = "xfs"; break;
        case BTRFS_SUPER_MAGIC: v.file_system = "btrfs"; break;
        case OVERLAYFS_SUPER_MAGIC: v.file_system = "overlay"; break;
        case NFS_SUPER_MAGIC: v.file_system = "nfs"; break;
        case MSDOS_SUPER_MAGIC: v.file_system = "FAT"; break;
        case 0x5346544e: v.file_system = "NTFS"; break;
        case 0xff534d42: v.file_system = "cifs"; break;
        case 0x65735546: v.file_system = "fuse"; break;
        case 0x2fc12fc1: v.file_system = "zfs"; break;
        default: {
            char hex[24];
            std::snprintf(hex, sizeof hex, "0x%lx", static_cast<unsigned long>(f.f_type));
            v.file_system = hex;
        }
    }
    return v;
}

uint32_t get_drive_type(std::string_view root) {
    constexpr uint32_t kNoRootDir = 1, kRemote = 4, kCdrom = 5, kFixed = 3, kRamdisk = 6;
    std::string p;
    try {
        p = root.empty() ? "." : paths::to_posix(root, "GetDriveType");
    } catch (const Win32Error&) {
        return kNoRootDir;
    }
    struct statfs f;
    if (::statfs(p.c_str(), &f) != 0) return kNoRootDir;
    switch (static_cast<unsigned long>(f.f_type)) {
        case TMPFS_MAGIC:
        case RAMFS_MAGIC: return kRamdisk;
        case NFS_SUPER_MAGIC:
        case 0xff534d42:  // cifs
        case 0xfe534d42:  // smb2
        case SMB_SUPER_MAGIC: return kRemote;
        case ISOFS_SUPER_MAGIC:
        case 0x15013346:  // udf
            return kCdrom;
        default: return kFixed;
    }
}

std::string get_long_path_name(std::string_view path) {
    const char* fn = "GetLongPathName";
    std::string p = paths::to_posix(path, fn);
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) throw_path_error(errno, p, fn);
    // There are no 8.3 short names here: every name is its own long name.
    return std::string(path);
}

}  // namespace w32::io
