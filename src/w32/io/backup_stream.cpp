#include "w32/io/backup_stream.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/disk_file.h"

namespace w32::io {

namespace {

constexpr size_t kHeaderSize = 20;  // WIN32_STREAM_ID without the name

struct Context {
    bool writing = false;
    // Reading: where in "header + data" of the one data stream.
    uint64_t position = 0;
    uint64_t data_size = 0;
    // Writing: the header being gathered, then the data left of this stream.
    std::vector<std::byte> header;
    uint32_t stream_id = 0;
    uint64_t left = 0;
    uint64_t data_written = 0;
    uint32_t name_left = 0;
};

std::mutex g_mutex;
std::unordered_map<uint64_t, Context> g_contexts;
uint64_t g_next = 1;

Context& context_of(uint64_t& id, bool writing, const char* function) {
    if (id == 0) {
        id = g_next++;
        g_contexts[id].writing = writing;
    }
    auto it = g_contexts.find(id);
    if (it == g_contexts.end() || it->second.writing != writing) throw_win32(err::kInvalidParameter, function);
    return it->second;
}

void put_header(std::byte* out, uint64_t size) {
    uint32_t id = kBackupData, attributes = 0, name_size = 0;
    std::memcpy(out, &id, 4);
    std::memcpy(out + 4, &attributes, 4);
    std::memcpy(out + 8, &size, 8);
    std::memcpy(out + 16, &name_size, 4);
}

}  // namespace

size_t backup_read(Handle h, std::span<std::byte> out, uint64_t& id, bool abort) {
    const char* fn = "BackupRead";
    auto file = disk_file_of(h, fn);
    if (!file->can_read()) throw_win32(err::kAccessDenied, fn);
    std::lock_guard lock(g_mutex);
    if (abort) {
        g_contexts.erase(id);
        id = 0;
        return 0;
    }
    bool fresh = id == 0;
    Context& c = context_of(id, false, fn);
    if (fresh) {
        struct stat st;
        if (::fstat(file->raw_fd(), &st) != 0) throw_errno(errno, fn);
        // A directory has no data stream: nothing to back up here.
        c.data_size = S_ISDIR(st.st_mode) ? 0 : static_cast<uint64_t>(st.st_size);
        if (S_ISDIR(st.st_mode)) c.position = kHeaderSize;  // nothing, not even a header
    }
    bool has_stream = !file->directory();
    uint64_t total = has_stream ? kHeaderSize + c.data_size : kHeaderSize;
    size_t done = 0;
    while (done < out.size() && c.position < total) {
        if (c.position < kHeaderSize) {
            std::byte header[kHeaderSize];
            put_header(header, c.data_size);
            size_t n = std::min<size_t>(kHeaderSize - c.position, out.size() - done);
            std::memcpy(out.data() + done, header + c.position, n);
            done += n;
            c.position += n;
            continue;
        }
        size_t want = static_cast<size_t>(std::min<uint64_t>(out.size() - done, total - c.position));
        size_t n = file->read_at(out.subspan(done, want), c.position - kHeaderSize);
        if (n == 0) {  // the file shrank since: the stream ends here
            c.position = total;
            break;
        }
        done += n;
        c.position += n;
    }
    return done;
}

uint64_t backup_seek(Handle h, uint64_t count, uint64_t& id) {
    const char* fn = "BackupSeek";
    disk_file_of(h, fn);
    std::lock_guard lock(g_mutex);
    if (id == 0) throw_win32(err::kInvalidParameter, fn);
    Context& c = context_of(id, false, fn);
    if (c.position < kHeaderSize) return 0;  // a header is never skipped
    uint64_t end = kHeaderSize + c.data_size;
    uint64_t n = std::min(count, end - std::min(end, c.position));
    c.position += n;
    return n;
}

size_t backup_write(Handle h, std::span<const std::byte> in, uint64_t& id, bool abort) {
    const char* fn = "BackupWrite";
    auto file = disk_file_of(h, fn);
    if (!file->can_write()) throw_win32(err::kAccessDenied, fn);
    std::lock_guard lock(g_mutex);
    if (abort) {
        g_contexts.erase(id);
        id = 0;
        return 0;
    }
    Context& c = context_of(id, true, fn);
    size_t done = 0;
    while (done < in.size()) {
        if (c.left == 0 && c.name_left == 0) {
            // Gathering a header (it may come in pieces).
            size_t n = std::min(kHeaderSize - c.header.size(), in.size() - done);
            c.header.insert(c.header.end(), in.begin() + static_cast<ptrdiff_t>(done),
                            in.begin() + static_cast<ptrdiff_t>(done + n));
            done += n;
            if (c.header.size() < kHeaderSize) break;
            std::memcpy(&c.stream_id, c.header.data(), 4);
            std::memcpy(&c.left, c.header.data() + 8, 8);
            std::memcpy(&c.name_left, c.header.data() + 16, 4);
            c.header.clear();
            if (c.stream_id == kBackupData) c.data_written = 0;
            continue;
        }
        if (c.name_left) {
            size_t n = std::min<size_t>(c.name_left, in.size() - done);
            c.name_left -= static_cast<uint32_t>(n);
            done += n;
            continue;
        }
        size_t n = static_cast<size_t>(std::min<uint64_t>(c.left, in.size() - done));
        if (c.stream_id == kBackupData) {
            file->write_at(in.subspan(done, n), c.data_written);
            c.data_written += n;
        }
        c.left -= n;
        done += n;
    }
    return done;
}

}  // namespace w32::io
