#include "w32/trace/trace_buffer.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <mutex>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/robust_mutex.h"
#include "w32/kernel/session_root.h"
#include "w32/mapping/section.h"
#include "w32/sync/sync_objects.h"

namespace w32::trace {

namespace {

constexpr const char* kEventName = "PythonTraceOutputEvent";

bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

struct TraceBuffer::Control {
    pthread_mutex_t lock;  // first: see kControlOffset
    uint32_t reads;        // futex word: bumped by every read, for writers waiting for space
};

std::shared_ptr<TraceBuffer> TraceBuffer::attach() {
    constexpr size_t kSectionBytes = kControlOffset + sizeof(Control);
    auto init = [](std::span<std::byte> bytes) {
        auto* control = reinterpret_cast<Control*>(bytes.data() + kControlOffset);
        init_robust_mutex(&control->lock);
    };
    auto section = mapping::create_section(-1, kSectionBytes, kSectionName, init);
    auto view = std::make_unique<mapping::View>(std::move(section), 0, 0);

    const SessionPaths& paths = session_paths();
    ensure_private_dir(paths.runtime_dir);
    std::string readers = paths.runtime_dir + "/trace.readers";
    io::UniqueFd fd(open(readers.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) throw_errno(errno, "CreateFileMapping");
    data_event();  // made now, so a writer never creates it with the lock held
    return std::shared_ptr<TraceBuffer>(new TraceBuffer(std::move(view), std::move(fd)));
}

TraceBuffer::TraceBuffer(std::unique_ptr<mapping::View> view, io::UniqueFd readers_fd)
    : view_(std::move(view)), readers_fd_(std::move(readers_fd)) {}

TraceBuffer::~TraceBuffer() = default;

Handle TraceBuffer::data_event() {
    static const Handle event = [] {
        sync::CreateOptions opts;
        opts.name = kEventName;
        return sync::create_event(opts, false, false);
    }();
    return event;
}

uint32_t* TraceBuffer::length() const { return reinterpret_cast<uint32_t*>(view_->data()); }
char* TraceBuffer::text() const { return reinterpret_cast<char*>(view_->data()) + kTextOffset; }
TraceBuffer::Control& TraceBuffer::control() const {
    return *reinterpret_cast<Control*>(view_->data() + kControlOffset);
}

void TraceBuffer::lock() const {
    pthread_mutex_t* m = &control().lock;
    int rc = lock_robust_mutex(m);
    if (rc == EOWNERDEAD) {
        // The holder died. Its stores are whole or invisible (the length
        // moves last); it may have died before signalling new text.
        uint32_t& len = *length();
        if (len > kBufferBytes) len = 0;
        pthread_mutex_consistent(m);
        if (len > 0) sync::set_event(data_event());
    } else if (rc != 0) {
        throw_win32(err::kInternalError, "WaitForSingleObject");
    }
}

void TraceBuffer::unlock() const { pthread_mutex_unlock(&control().lock); }

bool TraceBuffer::collector_present() const {
    struct flock probe {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    probe.l_start = 0;
    probe.l_len = 1;
    if (fcntl(readers_fd_.get(), F_OFD_GETLK, &probe) != 0) return true;
    return probe.l_type != F_UNLCK;
}

void TraceBuffer::set_reading(bool reading) {
    if (reading == reading_) return;
    struct flock l {};
    l.l_type = reading ? F_RDLCK : F_UNLCK;
    l.l_whence = SEEK_SET;
    l.l_start = 0;
    l.l_len = 1;
    while (fcntl(readers_fd_.get(), F_OFD_SETLKW, &l) != 0)
        if (errno != EINTR) throw_errno(errno, "InitRead");
    reading_ = reading;
}

void TraceBuffer::write_chunk(const char* data, size_t size) {
    std::atomic_ref<uint32_t> reads(control().reads);
    lock();
    uint32_t len = *length();
    // Short of space: let the collector drain before anything is lost, for
    // as long as it keeps reading; one that read nothing for kDrainWaitMs
    // counts as behind, and the buffer starts again.
    while (kBufferBytes - len < size * 2 && len > 0 && collector_present()) {
        uint32_t seen = reads.load(std::memory_order_acquire);
        unlock();
        sync::set_event(data_event());
        timespec wait{0, long(kDrainWaitMs) * 1'000'000};
        syscall(SYS_futex, &control().reads, FUTEX_WAIT, seen, &wait, nullptr, 0);
        lock();
        len = *length();
        if (reads.load(std::memory_order_acquire) == seen) break;
    }
    if (kBufferBytes - len < size) {
        // pywin32's rule: start again, the old text is lost. The discard is
        // stored before the copy overwrites that text, so a writer killed
        // during the copy leaves an empty buffer, never a torn one.
        len = 0;
        std::atomic_ref<uint32_t>(*length()).store(0, std::memory_order_release);
    }
    std::memcpy(text() + len, data, size);
    std::atomic_ref<uint32_t>(*length()).store(uint32_t(len + size), std::memory_order_release);
    // Text in a buffer that had none: the collector must hear of it. Later
    // writes find the event already set (or the collector on its way).
    try {
        if (len == 0) sync::set_event(data_event());
    } catch (...) {
        unlock();
        throw;
    }
    unlock();
}

void TraceBuffer::write(std::span<const char> text, bool utf8) {
    const char* p = text.data();
    size_t left = text.size();
    while (left > 0) {
        size_t n = left < kMaxChunk ? left : kMaxChunk;
        if (utf8 && n < left)
            while (n > 1 && is_utf8_continuation(p[n])) --n;
        write_chunk(p, n);
        p += n;
        left -= n;
    }
}

std::string TraceBuffer::read() {
    std::string out;
    lock();
    uint32_t len = *length();
    try {
        out.assign(text(), len);
    } catch (...) {
        unlock();
        throw;
    }
    std::atomic_ref<uint32_t>(*length()).store(0, std::memory_order_release);
    std::atomic_ref<uint32_t>(control().reads).fetch_add(1, std::memory_order_acq_rel);
    unlock();
    syscall(SYS_futex, &control().reads, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
    return out;
}

std::string TraceBuffer::blocking_read(uint32_t timeout_ms, const sync::InterruptCheck& interrupted) {
    if (timeout_ms != 0) {
        Handle event = data_event();
        sync::wait_for_multiple({&event, 1}, false, timeout_ms, interrupted, "WaitForSingleObject");
    }
    return read();
}

}  // namespace w32::trace
