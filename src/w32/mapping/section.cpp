#include "w32/mapping/section.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <mutex>
#include <unordered_set>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/session_root.h"
#include "w32/io/share_modes.h"
#include "w32/kernel/stable_hash.h"

namespace w32::mapping {

namespace {

constexpr const char* kCreate = "CreateFileMapping";
constexpr uint64_t kMagic = 0x3130'5041'4d32'3357ull;  // "W32MAP01"
constexpr uint32_t kBackingPagingFile = 0;
constexpr uint32_t kBackingFile = 1;
constexpr size_t kMaxNameBytes = 1024;
constexpr size_t kMaxPathBytes = 2048;

// The first page of a named section's shm file.
struct NamedHeader {
    uint64_t magic;
    uint32_t ready;  // set last by the creator: a creator that died leaves 0
    uint32_t backing;
    uint64_t size;
    uint64_t file_dev;
    uint64_t file_ino;
    uint32_t name_bytes;
    uint32_t path_bytes;
    char name[kMaxNameBytes];
    char path[kMaxPathBytes];
};
static_assert(sizeof(NamedHeader) <= kPageSize);

std::string hex16(uint64_t v) {
    static const char digits[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4) out[i] = digits[v & 15];
    return out;
}

void retry_flock(int fd, int op, const char* function) {
    while (flock(fd, op) != 0)
        if (errno != EINTR) throw_errno(errno, function);
}

// Serialises create, open and the last close of named sections in the
// session: a name is never seen half made, nor reopened while it goes.
class NamespaceLock {
public:
    explicit NamespaceLock(const char* function) {
        const SessionPaths& paths = session_paths();
        ensure_private_dir(paths.runtime_dir);
        fd_ = io::UniqueFd(open(lock_path().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (!fd_) throw_errno(errno, function);
        retry_flock(fd_.get(), LOCK_EX, function);
    }
    // For the last close: a session whose directory is gone (removed at
    // exit) is not made again; false then.
    static bool try_existing(std::optional<NamespaceLock>& lock) {
        io::UniqueFd fd(open(lock_path().c_str(), O_RDWR | O_CLOEXEC));
        if (!fd) return false;
        while (flock(fd.get(), LOCK_EX) != 0)
            if (errno != EINTR) return false;
        lock.emplace(std::move(fd));
        return true;
    }
    explicit NamespaceLock(io::UniqueFd locked) : fd_(std::move(locked)) {}
    // Closing the descriptor drops the lock.

private:
    static std::string lock_path() { return session_paths().runtime_dir + "/mappings.lock"; }
    io::UniqueFd fd_;
};

// Live named sections of this process, for the fork handler.
std::mutex g_live_mutex;
std::unordered_set<Section*>* g_live = new std::unordered_set<Section*>;

void after_fork_in_child() {
    new (&g_live_mutex) std::mutex;
    for (Section* s : *g_live) s->take_own_lock_after_fork();
}

void track(Section* s) {
    static const bool handler = pthread_atfork(nullptr, nullptr, after_fork_in_child) == 0;
    (void)handler;
    std::lock_guard lock(g_live_mutex);
    g_live->insert(s);
}

void untrack(Section* s) {
    std::lock_guard lock(g_live_mutex);
    g_live->erase(s);
}

// What a paging-file section may take: Windows refuses a section beyond
// its commit limit, so a size the machine cannot hold is refused here too
// (rather than failing later, page by page, with SIGBUS).
void check_commit(uint64_t bytes, const char* shm_dir_or_null) {
    struct sysinfo si {};
    if (sysinfo(&si) == 0) {
        unsigned __int128 avail =
            (unsigned __int128)(si.freeram + si.bufferram + si.freeswap) * si.mem_unit;
        if (bytes > avail) throw_win32(err::kNotEnoughMemory, kCreate);
    }
    struct statvfs vs {};
    if (shm_dir_or_null && statvfs(shm_dir_or_null, &vs) == 0) {
        unsigned __int128 avail = (unsigned __int128)vs.f_bavail * vs.f_frsize;
        if (bytes > avail) throw_win32(err::kNotEnoughMemory, kCreate);
    }
}

// Gives `fd` `bytes` of storage from `from` on, allocated now.
void allocate(int fd, uint64_t from, uint64_t bytes, uint32_t full_error) {
    if (bytes == 0) return;
    if (from + bytes < from || from + bytes > uint64_t(LLONG_MAX)) throw_win32(full_error, kCreate);
    int rc = posix_fallocate(fd, off_t(from), off_t(bytes));
    if (rc == ENOSPC || rc == EFBIG || rc == ENOMEM || rc == EDQUOT) throw_win32(full_error, kCreate);
    if (rc != 0) throw_errno(rc, kCreate);
}

uint64_t file_size(int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0) throw_errno(errno, kCreate);
    return uint64_t(st.st_size);
}

// The file's data must cover the section: a larger section grows the file.
void grow_file(int fd, uint64_t size) {
    uint64_t current = file_size(fd);
    if (size > current) allocate(fd, current, size - current, err::kDiskFull);
}

io::UniqueFd new_paging_file_memory(uint64_t size) {
    check_commit(size, nullptr);
    io::UniqueFd fd(memfd_create("pywin32-posix-section", MFD_CLOEXEC));
    if (!fd) throw_errno(errno, kCreate);
    allocate(fd.get(), 0, size, err::kNotEnoughMemory);
    return fd;
}

std::string link_target(int fd) {
    char buf[PATH_MAX + 1];
    std::string proc = "/proc/self/fd/" + std::to_string(fd);
    ssize_t n = readlink(proc.c_str(), buf, PATH_MAX);
    if (n < 0) throw_errno(errno, kCreate);
    return std::string(buf, size_t(n));
}

struct Opened {
    std::shared_ptr<Section> section;
    bool existed = false;
};

// Opens the section behind a named shm file whose header is ready.
// ERROR_INVALID_HANDLE when the hash collides with another name.
std::shared_ptr<Section> adopt_named(io::UniqueFd shm_fd, const NamedHeader& h, std::string_view key,
                                     std::string shm_name, const char* function) {
    if (std::string_view(h.name, std::min<size_t>(h.name_bytes, kMaxNameBytes)) != key)
        throw_win32(err::kInvalidHandle, function);
    retry_flock(shm_fd.get(), LOCK_SH, function);
    if (h.backing == kBackingPagingFile) {
        int data_fd = fcntl(shm_fd.get(), F_DUPFD_CLOEXEC, 0);
        if (data_fd < 0) throw_errno(errno, function);
        return std::make_shared<Section>(io::UniqueFd(data_fd), h.size, kPageSize, false,
                                         std::move(shm_fd), std::move(shm_name));
    }
    std::string path(h.path, std::min<size_t>(h.path_bytes, kMaxPathBytes));
    io::UniqueFd file(open(path.c_str(), O_RDWR | O_CLOEXEC));
    struct stat st;
    if (!file || fstat(file.get(), &st) != 0 || uint64_t(st.st_dev) != h.file_dev ||
        uint64_t(st.st_ino) != h.file_ino)
        // The file the section maps is no longer where it was.
        throw_win32(err::kFileNotFound, function);
    return std::make_shared<Section>(std::move(file), h.size, 0, true, std::move(shm_fd),
                                     std::move(shm_name));
}

// Reads the header of an existing shm file; nullopt if it was left half made
// by a creator that died (the caller then removes it).
std::optional<NamedHeader> read_header(int fd, const char* function) {
    struct stat st;
    if (fstat(fd, &st) != 0) throw_errno(errno, function);
    // Someone else's file under our name: never trust it.
    if (st.st_uid != getuid() || (st.st_mode & 0077) != 0) throw_win32(err::kAccessDenied, function);
    if (uint64_t(st.st_size) < kPageSize) return std::nullopt;
    NamedHeader h;
    if (pread(fd, &h, sizeof h, 0) != ssize_t(sizeof h)) return std::nullopt;
    if (h.magic != kMagic || !h.ready) return std::nullopt;
    if (h.name_bytes > kMaxNameBytes || h.path_bytes > kMaxPathBytes) return std::nullopt;
    if (h.backing != kBackingPagingFile && h.backing != kBackingFile) return std::nullopt;
    if (h.backing == kBackingPagingFile && uint64_t(st.st_size) < kPageSize + h.size) return std::nullopt;
    return h;
}

// Opens the named section if it exists (under the namespace lock).
std::optional<std::shared_ptr<Section>> open_existing(const std::string& shm, std::string_view key,
                                                      const char* function) {
    io::UniqueFd fd(shm_open(shm.c_str(), O_RDWR | O_CLOEXEC, 0));
    if (!fd) {
        if (errno == ENOENT) return std::nullopt;
        throw_errno(errno, function);
    }
    auto h = read_header(fd.get(), function);
    // Left half made by a creator that died, or left by processes that were
    // all killed: nobody holds it (an exclusive lock is ours at once), so
    // on Windows it would be gone already.
    if (!h || flock(fd.get(), LOCK_EX | LOCK_NB) == 0) {
        shm_unlink(shm.c_str());
        return std::nullopt;
    }
    return adopt_named(std::move(fd), *h, key, shm, function);
}

std::shared_ptr<Section> create_named(int file_fd, uint64_t maximum_size, std::string_view key,
                                      const std::string& shm, const SectionInitializer& init) {
    io::UniqueFd fd(shm_open(shm.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) throw_errno(errno, kCreate);
    // Until `ready` is set, a failure must leave no name behind.
    struct Unlinker {
        const std::string& name;
        bool armed = true;
        ~Unlinker() {
            if (armed) shm_unlink(name.c_str());
        }
    } unlinker{shm};

    NamedHeader h{};
    h.magic = kMagic;
    h.name_bytes = uint32_t(key.size());
    std::memcpy(h.name, key.data(), key.size());
    io::UniqueFd data_fd;
    uint64_t data_offset = 0;
    if (file_fd < 0) {
        check_commit(maximum_size, "/dev/shm");
        allocate(fd.get(), 0, kPageSize + maximum_size, err::kNotEnoughMemory);
        h.backing = kBackingPagingFile;
        h.size = maximum_size;
        data_offset = kPageSize;
        int dup = fcntl(fd.get(), F_DUPFD_CLOEXEC, 0);
        if (dup < 0) throw_errno(errno, kCreate);
        data_fd = io::UniqueFd(dup);
        if (init) {
            void* p = mmap(nullptr, maximum_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), kPageSize);
            if (p == MAP_FAILED) throw_errno(errno, kCreate);
            struct Unmap {
                void* p;
                size_t n;
                ~Unmap() { munmap(p, n); }
            } unmap{p, maximum_size};
            init({static_cast<std::byte*>(p), maximum_size});
        }
    } else {
        std::string path = link_target(file_fd);
        if (path.size() > kMaxPathBytes) throw_win32(err::kFilenameExcedRange, kCreate);
        struct stat st;
        if (fstat(file_fd, &st) != 0) throw_errno(errno, kCreate);
        allocate(fd.get(), 0, kPageSize, err::kNotEnoughMemory);
        h.backing = kBackingFile;
        h.size = maximum_size;
        h.file_dev = uint64_t(st.st_dev);
        h.file_ino = uint64_t(st.st_ino);
        h.path_bytes = uint32_t(path.size());
        std::memcpy(h.path, path.data(), path.size());
        int dup = fcntl(file_fd, F_DUPFD_CLOEXEC, 0);
        if (dup < 0) throw_errno(errno, kCreate);
        data_fd = io::UniqueFd(dup);
    }
    h.ready = 0;
    if (pwrite(fd.get(), &h, sizeof h, 0) != ssize_t(sizeof h)) throw_errno(errno, kCreate);
    retry_flock(fd.get(), LOCK_SH, kCreate);
    // The header is complete before it says so.
    uint32_t ready = 1;
    if (pwrite(fd.get(), &ready, sizeof ready, offsetof(NamedHeader, ready)) != ssize_t(sizeof ready))
        throw_errno(errno, kCreate);
    unlinker.armed = false;
    return std::make_shared<Section>(std::move(data_fd), maximum_size, data_offset, file_fd >= 0,
                                     std::move(fd), shm);
}

}  // namespace

namespace {

// The key a section name is compared by: "Local\\x" and "x" are one object,
// "Global\\x" another. Validates the name.
std::string name_key(std::string_view name) {
    if (name.find('\0') != std::string_view::npos) throw_win32(err::kInvalidName, kCreate);
    std::string key;
    if (name.substr(0, 6) == "Local\\") {
        name.remove_prefix(6);
    } else if (name.substr(0, 7) == "Global\\") {
        name.remove_prefix(7);
        key = "Global\\";
    }
    // Other backslashes name object directories that do not exist.
    if (name.find('\\') != std::string_view::npos) throw_win32(err::kPathNotFound, kCreate);
    key += name;
    if (key.size() >= kMaxNameBytes) throw_win32(err::kFilenameExcedRange, kCreate);
    return key;
}

}  // namespace

std::string shm_name_for(std::string_view section_name, std::string_view shm_prefix) {
    // Hashed: '/', ".." and any other byte stay inside the prefix.
    return std::string(shm_prefix) + ".map." + hex16(fnv1a(name_key(section_name)));
}

Section::Section(io::UniqueFd fd, uint64_t size, uint64_t data_offset, bool file_backed,
                 io::UniqueFd name_fd, std::string shm_name)
    : fd_(std::move(fd)),
      size_(size),
      data_offset_(data_offset),
      file_backed_(file_backed),
      name_fd_(std::move(name_fd)),
      shm_name_(std::move(shm_name)) {
    if (name_fd_) track(this);
}

Section::~Section() {
    if (!name_fd_) return;
    untrack(this);
    std::optional<NamespaceLock> lock;
    // Without the session's directory nobody can be opening the name: it
    // goes anyway if nobody holds it.
    NamespaceLock::try_existing(lock);
    // Nobody else holds it: the name goes with the last handle.
    if (flock(name_fd_.get(), LOCK_EX | LOCK_NB) == 0) shm_unlink(shm_name_.c_str());
}

void Section::take_own_lock_after_fork() noexcept {
    if (!name_fd_) return;
    std::string proc = "/proc/self/fd/" + std::to_string(name_fd_.get());
    int fd = open(proc.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return;
    // The parent's shared lock keeps any closer from the exclusive one, so
    // this does not wait.
    flock(fd, LOCK_SH | LOCK_NB);
    name_fd_.reset(fd);  // the parent's description keeps its own lock
}

std::shared_ptr<Section> create_section(int file_fd, uint64_t maximum_size,
                                        std::optional<std::string_view> name,
                                        const SectionInitializer& init) {
    if (file_fd < 0 && maximum_size == 0) throw_win32(err::kInvalidParameter, kCreate);
    if (file_fd >= 0) {
        if (maximum_size == 0) {
            maximum_size = file_size(file_fd);
            if (maximum_size == 0) throw_win32(kErrorFileInvalid, kCreate);
        }
    }
    bool named = name && !name->empty();
    if (!named) {
        set_last_error(err::kSuccess);
        if (file_fd < 0) {
            io::UniqueFd memory = new_paging_file_memory(maximum_size);
            if (init) {
                void* p = mmap(nullptr, maximum_size, PROT_READ | PROT_WRITE, MAP_SHARED, memory.get(), 0);
                if (p == MAP_FAILED) throw_errno(errno, kCreate);
                init({static_cast<std::byte*>(p), maximum_size});
                munmap(p, maximum_size);
            }
            return std::make_shared<Section>(std::move(memory), maximum_size, 0, false, io::UniqueFd(), "");
        }
        grow_file(file_fd, maximum_size);
        int dup = fcntl(file_fd, F_DUPFD_CLOEXEC, 0);
        if (dup < 0) throw_errno(errno, kCreate);
        return std::make_shared<Section>(io::UniqueFd(dup), maximum_size, 0, true, io::UniqueFd(), "");
    }
    std::string shm = shm_name_for(*name, session_paths().shm_prefix);
    std::string key = name_key(*name);
    NamespaceLock lock(kCreate);
    if (auto existing = open_existing(shm, key, kCreate)) {
        set_last_error(err::kAlreadyExists);
        return *existing;
    }
    if (file_fd >= 0) grow_file(file_fd, maximum_size);
    auto section = create_named(file_fd, maximum_size, key, shm, init);
    set_last_error(err::kSuccess);
    return section;
}

std::shared_ptr<Section> open_section(std::string_view name) {
    const char* function = "OpenFileMapping";
    if (name.empty()) throw_win32(err::kInvalidParameter, function);
    std::string shm = shm_name_for(name, session_paths().shm_prefix);
    NamespaceLock lock(function);
    auto existing = open_existing(shm, name_key(name), function);
    if (!existing) throw_win32(err::kFileNotFound, function);
    return *existing;
}

std::shared_ptr<io::DiskFile> open_backing_file(std::string_view path) {
    const char* function = "CreateFile";
    Handle h = io::create_file(path, io::kGenericRead | io::kGenericWrite, io::kFileShareRead | io::kFileShareWrite,
                               io::kOpenAlways, io::kAttrNormal, false);
    // The object outlives the handle: the caller holds the file, not a handle.
    auto file = io::disk_file_of(h, function);
    HandleTable::instance().remove(h, function);
    if (file->directory()) throw_win32(err::kAccessDenied, function);
    return file;
}

}  // namespace w32::mapping
