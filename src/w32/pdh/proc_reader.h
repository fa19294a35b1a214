// Reading /proc and /sys text files fast: one read into a reused buffer and
// allocation-free number parsing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace w32::pdh {

// The whole file (up to `limit` bytes) into `buf`; false when it cannot be read.
bool read_text(const char* path, std::string& buf, size_t limit = 1 << 20);
// Same, relative to an open directory descriptor.
bool read_text_at(int dirfd, const char* name, std::string& buf, size_t limit = 1 << 20);

// Skips blanks, then parses an unsigned decimal; advances `s`.
uint64_t next_u64(std::string_view& s) noexcept;
int64_t next_i64(std::string_view& s) noexcept;
// The next line without its '\n'; advances `s` past it.
std::string_view next_line(std::string_view& s) noexcept;
// The next blank-separated word; advances `s`.
std::string_view next_word(std::string_view& s) noexcept;
// The line starting with `key` (e.g. "MemAvailable:"), parsed as a number after it.
bool field_value(std::string_view text, std::string_view key, uint64_t& out) noexcept;

// clock ticks (USER_HZ) to 100 ns.
int64_t ticks_to_100ns(uint64_t ticks) noexcept;
// Boot time as 100 ns since the Unix epoch (from /proc/stat btime).
int64_t boot_time_100ns();
long page_size() noexcept;

}  // namespace w32::pdh
