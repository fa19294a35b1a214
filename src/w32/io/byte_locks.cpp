#include "w32/io/byte_locks.h"

#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/fd_wait.h"

namespace w32::io {

namespace {

// The share bytes come first in the lock file (share_modes.cpp).
constexpr uint64_t kRangeBase = 8;
constexpr uint64_t kOffMax = static_cast<uint64_t>(LLONG_MAX);

uint64_t lock_file_offset(uint64_t file_offset) {
    return file_offset >= kOffMax - kRangeBase ? kOffMax : file_offset + kRangeBase;
}

uint64_t range_end(uint64_t offset, uint64_t length) {
    return length > ~uint64_t{0} - offset ? ~uint64_t{0} : offset + length;
}

// F_OFD_SETLK / F_OFD_GETLK over the file range [lo, hi).
bool fcntl_range(int fd, int cmd, struct flock& fl, short type, uint64_t lo, uint64_t hi) {
    uint64_t a = lock_file_offset(lo), b = lock_file_offset(hi);
    fl = {};
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = static_cast<off_t>(a);
    fl.l_len = b >= kOffMax ? 0 : static_cast<off_t>(b - a);  // 0: to the end of all offsets
    int r;
    do r = ::fcntl(fd, cmd, &fl);
    while (r != 0 && errno == EINTR);
    if (r == 0) return true;
    if (errno == EAGAIN || errno == EACCES) return false;
    throw_errno(errno, "LockFileEx");
}

bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1) { return a0 < b1 && b0 < a1; }

}  // namespace

bool ByteRangeLocks::apply(int fd, uint64_t lo, uint64_t hi) const {
    // The common case: one lock of this handle covers [lo, hi) alone, or none does.
    const Range* only = nullptr;
    size_t overlapping = 0;
    for (const Range& r : held_) {
        if (r.length && overlaps(lo, hi, r.offset, range_end(r.offset, r.length))) {
            only = &r;
            ++overlapping;
        }
    }
    if (overlapping == 0 || (overlapping == 1 && only->offset == lo && range_end(only->offset, only->length) == hi)) {
        struct flock fl;
        short want = overlapping == 0 ? F_UNLCK : only->exclusive ? F_WRLCK : F_RDLCK;
        return fcntl_range(fd, F_OFD_SETLK, fl, want, lo, hi);
    }
    std::vector<uint64_t> cuts{lo, hi};
    for (const Range& r : held_) {
        uint64_t e = range_end(r.offset, r.length);
        if (r.offset > lo && r.offset < hi) cuts.push_back(r.offset);
        if (e > lo && e < hi) cuts.push_back(e);
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    bool ok = true;
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
        uint64_t a = cuts[i], b = cuts[i + 1];
        short want = F_UNLCK;
        for (const Range& r : held_) {
            if (r.length == 0 || !overlaps(a, b, r.offset, range_end(r.offset, r.length))) continue;
            if (r.exclusive) {
                want = F_WRLCK;
                break;
            }
            want = F_RDLCK;
        }
        struct flock fl;
        if (!fcntl_range(fd, F_OFD_SETLK, fl, want, a, b)) ok = false;
    }
    return ok;
}

bool ByteRangeLocks::try_lock(int fd, const Range& r, const char* function) {
    std::lock_guard lock(mutex_);
    uint64_t end = range_end(r.offset, r.length);
    if (r.exclusive) {
        // An exclusive lock may not overlap any lock of this handle.
        for (const Range& h : held_)
            if (h.length && r.length && overlaps(r.offset, end, h.offset, range_end(h.offset, h.length)))
                throw_win32(err::kLockViolation, function);
    }
    held_.push_back(r);
    // Zero bytes lock nothing, as on Windows; they are still to be unlocked.
    if (r.length == 0 || apply(fd, r.offset, end)) return true;
    held_.pop_back();
    apply(fd, r.offset, end);  // back to what the list says: only releases
    return false;
}

void ByteRangeLocks::lock(int fd, uint64_t offset, uint64_t length, bool exclusive, bool wait,
                          const sync::InterruptCheck& interrupted, const char* function) {
    if (fd < 0) throw_win32(err::kAccessDenied, function);
    Range r{offset, length, exclusive};
    uint32_t pause_ms = 1;
    while (!try_lock(fd, r, function)) {
        if (!wait) throw_win32(err::kLockViolation, function);
        // OFD locks have no interruptible wait: poll with a growing pause.
        sleep_interruptibly(pause_ms, interrupted);
        pause_ms = std::min<uint32_t>(pause_ms * 2, 20);
    }
}

void ByteRangeLocks::unlock(int fd, uint64_t offset, uint64_t length, const char* function) {
    std::lock_guard lock(mutex_);
    auto match = [&](bool exclusive) {
        return std::find_if(held_.begin(), held_.end(), [&](const Range& h) {
            return h.offset == offset && h.length == length && h.exclusive == exclusive;
        });
    };
    auto it = match(true);
    if (it == held_.end()) it = match(false);
    if (it == held_.end()) throw_win32(err::kNotLocked, function);
    held_.erase(it);
    if (length != 0 && fd >= 0) apply(fd, offset, range_end(offset, length));
}

void ByteRangeLocks::check_access(int fd, uint64_t offset, uint64_t length, bool write,
                                  const char* function) const {
    if (length == 0 || fd < 0) return;
    uint64_t end = range_end(offset, length);
    if (write) {
        std::lock_guard lock(mutex_);
        // A shared lock denies writing to everyone, its holder too.
        for (const Range& h : held_)
            if (!h.exclusive && h.length && overlaps(offset, end, h.offset, range_end(h.offset, h.length)))
                throw_win32(err::kLockViolation, function);
    }
    struct flock fl;
    fcntl_range(fd, F_OFD_GETLK, fl, write ? F_WRLCK : F_RDLCK, offset, end);
    if (fl.l_type != F_UNLCK) throw_win32(err::kLockViolation, function);
}

}  // namespace w32::io
