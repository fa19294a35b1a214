#include "w32/pdh/proc_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <mutex>

namespace w32::pdh {

namespace {

bool read_fd(int fd, std::string& buf, size_t limit) {
    if (fd < 0) return false;
    buf.resize(4096);
    size_t used = 0;
    for (;;) {
        if (used == buf.size()) {
            if (buf.size() >= limit) break;
            buf.resize(buf.size() * 2);
        }
        ssize_t n = ::read(fd, buf.data() + used, buf.size() - used);
        if (n < 0) {
            ::close(fd);
            return false;
        }
        if (n == 0) break;
        used += static_cast<size_t>(n);
    }
    ::close(fd);
    buf.resize(used);
    return true;
}

bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

bool read_text(const char* path, std::string& buf, size_t limit) {
    return read_fd(::open(path, O_RDONLY | O_CLOEXEC), buf, limit);
}

bool read_text_at(int dirfd, const char* name, std::string& buf, size_t limit) {
    return read_fd(::openat(dirfd, name, O_RDONLY | O_CLOEXEC), buf, limit);
}

uint64_t next_u64(std::string_view& s) noexcept {
    size_t i = 0;
    while (i < s.size() && is_blank(s[i])) ++i;
    uint64_t v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') v = v * 10 + static_cast<uint64_t>(s[i++] - '0');
    s.remove_prefix(i);
    return v;
}

int64_t next_i64(std::string_view& s) noexcept {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    bool negative = !s.empty() && s.front() == '-';
    if (negative) s.remove_prefix(1);
    auto v = static_cast<int64_t>(next_u64(s));
    return negative ? -v : v;
}

std::string_view next_line(std::string_view& s) noexcept {
    size_t nl = s.find('\n');
    std::string_view line = s.substr(0, nl);
    s = nl == std::string_view::npos ? std::string_view() : s.substr(nl + 1);
    return line;
}

std::string_view next_word(std::string_view& s) noexcept {
    size_t i = 0;
    while (i < s.size() && is_blank(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !is_blank(s[i])) ++i;
    std::string_view w = s.substr(start, i - start);
    s.remove_prefix(i);
    return w;
}

bool field_value(std::string_view text, std::string_view key, uint64_t& out) noexcept {
    size_t pos = 0;
    while (pos < text.size()) {
        if (text.compare(pos, key.size(), key) == 0) {
            std::string_view rest = text.substr(pos + key.size());
            out = next_u64(rest);
            return true;
        }
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
    }
    return false;
}

int64_t ticks_to_100ns(uint64_t ticks) noexcept {
    static const long hz = [] {
        long v = sysconf(_SC_CLK_TCK);
        return v > 0 ? v : 100;
    }();
    return static_cast<int64_t>(ticks) * (10'000'000 / hz);
}

int64_t boot_time_100ns() {
    static std::once_flag once;
    static int64_t boot = 0;
    std::call_once(once, [] {
        std::string buf;
        uint64_t btime = 0;
        if (read_text("/proc/stat", buf) && field_value(buf, "btime", btime))
            boot = static_cast<int64_t>(btime) * 10'000'000;
    });
    return boot;
}

long page_size() noexcept {
    static const long size = sysconf(_SC_PAGESIZE);
    return size;
}

}  // namespace w32::pdh
