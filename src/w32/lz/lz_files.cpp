#include "w32/lz/lz_files.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <vector>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/disk_file.h"
#include "w32/io/file_object.h"
#include "w32/io/share_modes.h"
#include "w32/io/unique_fd.h"
#include "w32/kernel/handle_table.h"
#include "w32/lz/kwaj_codecs.h"
#include "w32/lz/lz_format.h"
#include "w32/lz/lzss.h"
#include "w32/paths/drive_table.h"

namespace w32::lz {

namespace {

constexpr size_t kInputChunk = 256 * 1024;
constexpr size_t kCopyChunk = 256 * 1024;
constexpr uint32_t kErrorFileTooLarge = 223;  // ERROR_FILE_TOO_LARGE

const sync::InterruptCheck& never_interrupted() {
    static const sync::InterruptCheck check = [] { return false; };
    return check;
}

// A read; 0 at the end, which a pipe whose writer closed reports as
// ERROR_BROKEN_PIPE. Other failures throw.
size_t read_some(io::FileObject& file, std::span<uint8_t> buffer) {
    try {
        return file.read(std::as_writable_bytes(buffer), never_interrupted()).bytes;
    } catch (const Win32Error& e) {
        if (e.code() == err::kBrokenPipe) return 0;
        throw;
    }
}

// The reading side of an LZ handle, or of a plain file being copied.
class ExpandStream {
public:
    ExpandStream(int64_t file, std::shared_ptr<io::FileObject> source, const Header& header,
                 std::vector<uint8_t> buffered)
        : file_(file), source_(std::move(source)), header_(header), input_(std::move(buffered)) {
        if (header_.format == Format::Plain) header_.method = Method::Stored;
        if (header_.method == Method::Lzh) block_decoder_ = make_lzh_decoder();
        if (header_.method == Method::MsZip) block_decoder_ = make_mszip_decoder();
    }

    int64_t file() const noexcept { return file_; }
    std::mutex& mutex() noexcept { return mutex_; }

    // Up to out.size() expanded bytes; 0 at the end; kErrorRead for data
    // that ends before its stated length or in the middle of a token.
    int64_t read(std::span<uint8_t> out) {
        size_t stored = 0;
        while (stored < out.size()) {
            std::span<uint8_t> room = out.subspan(stored);
            if (header_.length) {
                uint64_t left = *header_.length - produced_;
                if (left == 0) break;
                if (room.size() > left) room = room.first(size_t(left));
            }
            if (block_decoder_) {
                Input source(*this);
                int64_t n = block_decoder_->decode(source, room);
                if (n < 0) return n;
                if (n == 0) return finish(stored);
                stored += size_t(n);
                produced_ += uint64_t(n);
                continue;
            }
            if (in_pos_ == input_.size()) {
                if (eof_) return finish(stored);
                int rc = refill();
                if (rc < 0) return rc;
                continue;
            }
            std::span<const uint8_t> in(input_.data() + in_pos_, input_.size() - in_pos_);
            size_t n = 0;
            if (header_.method == Method::Lzss) {
                n = decoder_.decode(in, room);
                in_pos_ = input_.size() - in.size();
            } else {
                n = std::min(in.size(), room.size());
                std::memcpy(room.data(), in.data(), n);
                if (header_.method == Method::Xor)
                    for (size_t k = 0; k < n; ++k) room[k] ^= 0xFFu;
                in_pos_ += n;
            }
            stored += n;
            produced_ += n;
        }
        return int64_t(stored);
    }

private:
    // The rest of the buffered input, then the file's next chunks, for the
    // LZH and MSZIP decoders.
    class Input final : public InputSource {
    public:
        explicit Input(ExpandStream& stream) : stream_(stream) {}
        int pull(std::span<const uint8_t>& chunk) override {
            ExpandStream& s = stream_;
            if (s.in_pos_ == s.input_.size()) {
                if (s.eof_) {
                    chunk = {};
                    return 0;
                }
                if (int rc = s.refill(); rc < 0) return rc;
            }
            chunk = std::span<const uint8_t>(s.input_.data() + s.in_pos_, s.input_.size() - s.in_pos_);
            s.in_pos_ = s.input_.size();
            return 0;
        }

    private:
        ExpandStream& stream_;
    };

    int refill() {
        input_.resize(kInputChunk);
        in_pos_ = 0;
        try {
            size_t n = read_some(*source_, input_);
            input_.resize(n);
            if (n == 0) eof_ = true;
        } catch (const Win32Error&) {
            input_.clear();
            return kErrorRead;
        }
        return 0;
    }

    int64_t finish(size_t stored) {
        bool short_of_length = header_.length && produced_ < *header_.length;
        bool cut_token = header_.method == Method::Lzss && !decoder_.at_token_boundary();
        if (short_of_length || cut_token) return kErrorRead;
        return int64_t(stored);
    }

    std::mutex mutex_;
    int64_t file_;
    std::shared_ptr<io::FileObject> source_;
    Header header_;
    std::vector<uint8_t> input_;
    size_t in_pos_ = 0;
    bool eof_ = false;
    uint64_t produced_ = 0;
    LzssDecoder decoder_;
    std::unique_ptr<StreamDecoder> block_decoder_;  // KWAJ LZH and MSZIP
};

std::mutex g_table_mutex;
std::array<std::shared_ptr<ExpandStream>, kMaxLzHandles> g_table;

std::shared_ptr<ExpandStream> stream_of(int64_t h) {
    if (!is_lz_handle(h)) return nullptr;
    std::lock_guard lock(g_table_mutex);
    return g_table[size_t(h - kFirstLzHandle)];
}

std::shared_ptr<io::FileObject> file_object(int64_t h) {
    if (h <= 0) return nullptr;
    try {
        return io::file_of(Handle(h), "LZInit");
    } catch (const Win32Error&) {
        return nullptr;
    }
}

// The first kMaxHeaderSize bytes (or all) from the file's position; false
// when a read fails.
bool read_head(io::FileObject& file, std::vector<uint8_t>& head) {
    head.resize(kMaxHeaderSize);
    size_t got = 0;
    try {
        while (got < head.size()) {
            size_t n = read_some(file, std::span(head).subspan(got));
            if (n == 0) break;
            got += n;
        }
    } catch (const Win32Error&) {
        return false;
    }
    head.resize(got);
    return true;
}

// Back to the start of a disk file, as LZInit leaves a file it does not
// take; false for a pipe.
bool rewind(io::FileObject& source) {
    auto* disk = dynamic_cast<io::DiskFile*>(&source);
    if (!disk) return false;
    try {
        disk->seek(0, 0);
        return true;
    } catch (const Win32Error&) {
        return false;
    }
}

// Reads the first bytes of `file` and says what it holds. On 1, `stream`
// expands it; on 0 the file is plain and rewound (pipes cannot be, and are
// read as they come: `stream` then passes the bytes already taken through).
int open_stream(int64_t file, std::shared_ptr<ExpandStream>& stream) {
    std::shared_ptr<io::FileObject> source = file_object(file);
    if (!source) return kErrorBadInHandle;
    std::vector<uint8_t> head;
    if (!read_head(*source, head)) return kErrorBadInHandle;
    Header header;
    int rc = parse_header(head, header);
    if (rc == 1) {
        head.erase(head.begin(), head.begin() + ptrdiff_t(header.data_offset));
        stream = std::make_shared<ExpandStream>(file, std::move(source), header, std::move(head));
        return 1;
    }
    if (rewind(*source)) head.clear();
    if (rc < 0) return rc;
    stream = std::make_shared<ExpandStream>(file, std::move(source), Header{}, std::move(head));
    return 0;
}

uint32_t share_for(uint32_t style) noexcept {
    switch (style & kOfShareMask) {
        case kOfShareExclusive:
            return 0;
        case kOfShareDenyWrite:
            return io::kFileShareRead;
        case kOfShareDenyRead:
            return io::kFileShareWrite;
        default:  // compatibility mode and deny-none
            return io::kFileShareRead | io::kFileShareWrite;
    }
}

uint32_t access_for(uint32_t style) noexcept {
    switch (style & 3u) {
        case kOfWrite:
            return io::kGenericWrite;
        case kOfReadWrite:
            return io::kGenericRead | io::kGenericWrite;
        default:
            return io::kGenericRead;
    }
}

void fill_times(std::string_view name, OfStruct& of) {
    struct stat st{};
    try {
        std::string path = paths::to_posix(name, "OpenFile");
        if (::stat(path.c_str(), &st) != 0) return;
    } catch (const Win32Error&) {
        return;
    }
    struct tm t{};
    localtime_r(&st.st_mtime, &t);
    int year = t.tm_year + 1900;
    if (year < 1980) return;  // FAT dates start in 1980
    of.dos_date = uint16_t(((year - 1980) << 9) | ((t.tm_mon + 1) << 5) | t.tm_mday);
    of.dos_time = uint16_t((t.tm_hour << 11) | (t.tm_min << 5) | (t.tm_sec / 2));
}

std::string full_path(std::string_view name) {
    try {
        return paths::full_path_name(name);
    } catch (const Win32Error&) {
        return std::string(name);
    }
}

// OpenFile: a handle, or kHFileError with the reason in `of`.
int64_t open_plain(std::string_view name, uint32_t style, OfStruct& of) {
    uint32_t disposition = (style & kOfCreate) ? io::kCreateAlways : io::kOpenExisting;
    try {
        Handle h = io::create_file(name, access_for(style), share_for(style), disposition, 0, false);
        of.fixed_disk = 1;
        of.error_code = 0;
        of.path_name = full_path(name);
        fill_times(name, of);
        return int64_t(h);
    } catch (const Win32Error& e) {
        of.error_code = e.code();
        return kHFileError;
    }
}

}  // namespace

bool is_lz_handle(int64_t h) noexcept {
    if (h < kFirstLzHandle || h >= kFirstLzHandle + kMaxLzHandles) return false;
    std::lock_guard lock(g_table_mutex);
    return g_table[size_t(h - kFirstLzHandle)] != nullptr;
}

int64_t init(int64_t file) {
    if (is_lz_handle(file)) return kErrorBadInHandle;
    // A plain file comes back rewound, which a pipe cannot be: what LZInit
    // read of it would be lost. Copy takes pipes (it keeps those bytes).
    if (!std::dynamic_pointer_cast<io::DiskFile>(file_object(file))) return kErrorBadInHandle;
    std::shared_ptr<ExpandStream> stream;
    int rc = open_stream(file, stream);
    if (rc <= 0) return rc == 0 ? file : rc;
    std::lock_guard lock(g_table_mutex);
    for (size_t slot = 0; slot < g_table.size(); ++slot) {
        if (!g_table[slot]) {
            g_table[slot] = std::move(stream);
            return kFirstLzHandle + int64_t(slot);
        }
    }
    if (auto source = file_object(file)) rewind(*source);
    return kErrorGlobalAlloc;
}

int64_t open_file(std::string_view name, uint32_t style, OfStruct& of) {
    of = OfStruct{};
    if (style & kOfParse) {
        of.fixed_disk = 1;
        of.path_name = full_path(name);
        return 0;
    }
    if (style & kOfDelete) {
        try {
            std::string path = paths::to_posix(name, "OpenFile");
            if (::unlink(path.c_str()) != 0) {
                of.error_code = win32_from_errno(errno);
                return kHFileError;
            }
        } catch (const Win32Error& e) {
            of.error_code = e.code();
            return kHFileError;
        }
        of.fixed_disk = 1;
        of.path_name = full_path(name);
        return 1;
    }
    int64_t h = open_plain(name, style, of);
    if (h == kHFileError && !(style & kOfCreate)) {
        OfStruct second;
        int64_t alt = open_plain(compressed_name(name), style, second);
        if (alt != kHFileError) {
            h = alt;
            of = second;
        }
    }
    if (h == kHFileError) return kHFileError;
    if (style & kOfExist) {
        close(h);
        return 1;
    }
    if ((style & ~kOfShareMask) != kOfRead) return h;
    int64_t lz = init(h);
    // LZ32 hands back the plain handle when LZInit refuses (an unknown
    // algorithm, no slot left): LZCopy and LZRead then report the error.
    return lz > 0 ? lz : h;
}

int64_t read(int64_t h, std::span<uint8_t> out) {
    std::shared_ptr<ExpandStream> stream = stream_of(h);
    if (!stream) {
        std::shared_ptr<io::FileObject> file = file_object(h);
        if (!file) return kErrorBadInHandle;
        try {
            return int64_t(read_some(*file, out));
        } catch (const Win32Error&) {
            return kErrorRead;
        }
    }
    std::lock_guard lock(stream->mutex());
    return stream->read(out);
}

int64_t copy(int64_t source, int64_t dest) {
    std::shared_ptr<ExpandStream> stream = stream_of(source);
    if (!stream) {
        int rc = open_stream(source, stream);
        if (rc < 0) return rc;
    }
    std::shared_ptr<io::FileObject> out = is_lz_handle(dest) ? nullptr : file_object(dest);
    if (!out) return kErrorBadOutHandle;
    std::lock_guard lock(stream->mutex());
    std::vector<uint8_t> buffer(kCopyChunk);
    int64_t total = 0;
    for (;;) {
        int64_t n = stream->read(buffer);
        if (n < 0) return n;
        if (n == 0) return total;
        std::span<const std::byte> pending = std::as_bytes(std::span(buffer).first(size_t(n)));
        try {
            while (!pending.empty()) {
                size_t wrote = out->write(pending, never_interrupted());
                if (wrote == 0) return kErrorWrite;
                pending = pending.subspan(wrote);
            }
        } catch (const Win32Error&) {
            return kErrorWrite;
        }
        total += n;
    }
}

void close(int64_t h) noexcept {
    std::shared_ptr<ExpandStream> stream;
    if (h >= kFirstLzHandle && h < kFirstLzHandle + kMaxLzHandles) {
        std::lock_guard lock(g_table_mutex);
        stream = std::move(g_table[size_t(h - kFirstLzHandle)]);
    }
    int64_t file = stream ? stream->file() : h;
    if (file <= 0) return;
    try {
        HandleTable::instance().close(Handle(file), "LZClose");
    } catch (const Win32Error&) {
        // LZClose returns nothing: a handle that is not open is ignored.
    }
}

int expanded_name(std::string_view source, std::string& out) {
    OfStruct of;
    int64_t h = open_plain(source, kOfRead | kOfShareDenyNone, of);
    if (h == kHFileError) return kErrorBadInHandle;
    std::shared_ptr<io::FileObject> file = file_object(h);
    std::vector<uint8_t> head;
    bool read = file && read_head(*file, head);
    file.reset();
    close(h);
    if (!read) return kErrorRead;
    Header header;
    // A file we cannot expand still has a name: an unknown mode keeps it.
    if (parse_header(head, header) != 1) header = Header{};
    out = expanded_name(source, header);
    return 1;
}

uint64_t compress_file(std::string_view source, std::string_view dest) {
    const char* fn = "CompressFile";
    std::string src = paths::to_posix(source, fn);
    std::string dst = paths::to_posix(dest, fn);
    io::UniqueFd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
    if (!in) throw_errno(errno, fn);
    struct stat st{};
    if (::fstat(in.get(), &st) != 0) throw_errno(errno, fn);
    if (S_ISDIR(st.st_mode)) throw_win32(err::kAccessDenied, fn);
    if (uint64_t(st.st_size) > kMaxSzddLength) throw_win32(kErrorFileTooLarge, fn);
    const uint8_t* bytes = nullptr;
    void* mapped = MAP_FAILED;
    if (st.st_size > 0 && S_ISREG(st.st_mode)) {
        mapped = ::mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE, in.get(), 0);
        if (mapped == MAP_FAILED) throw_errno(errno, fn);
        bytes = static_cast<const uint8_t*>(mapped);
    }
    std::vector<uint8_t> packed;
    try {
        size_t name_start = source.find_last_of("\\/");
        std::string_view base = name_start == std::string_view::npos ? source : source.substr(name_start + 1);
        packed = compress_szdd({bytes, size_t(mapped == MAP_FAILED ? 0 : st.st_size)}, dropped_char(base));
    } catch (...) {
        if (mapped != MAP_FAILED) ::munmap(mapped, size_t(st.st_size));
        throw;
    }
    if (mapped != MAP_FAILED) ::munmap(mapped, size_t(st.st_size));
    io::UniqueFd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666));
    if (!out) throw_errno(errno, fn);
    size_t done = 0;
    while (done < packed.size()) {
        ssize_t n = ::write(out.get(), packed.data() + done, packed.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno(errno, fn);
        }
        done += size_t(n);
    }
    return packed.size();
}

}  // namespace w32::lz
