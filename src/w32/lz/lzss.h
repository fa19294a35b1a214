// The LZSS of Microsoft's COMPRESS.EXE (SZDD mode 'A', KWAJ method 2): a
// 4096-byte ring primed with spaces, writing from 4096 - 16; a control byte
// whose bits, low first, say literal (1) or match (0); a match is two bytes
// holding a 12-bit ring position and a 4-bit length less 3.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace w32::lz {

inline constexpr size_t kRingSize = 4096;
inline constexpr size_t kRingStart = kRingSize - 16;
inline constexpr size_t kMinMatch = 3;
inline constexpr size_t kMaxMatch = 18;

// Decodes a stream fed in pieces: every call takes what input it can and
// stores what output fits, keeping a half-read token or a half-copied match
// for the next call. The ring is indexed modulo its size, so no input can
// make it read or write outside its memory.
class LzssDecoder {
public:
    LzssDecoder() noexcept;

    // Consumes from the front of `in` and returns how many bytes it stored
    // in `out`. Stops when `out` is full or `in` is used up.
    size_t decode(std::span<const uint8_t>& in, std::span<uint8_t> out) noexcept;
    // No token is half read or half copied: the input may end here.
    bool at_token_boundary() const noexcept { return pending_match_ == 0 && !have_low_byte_; }

private:
    std::array<uint8_t, kRingSize> ring_;
    uint32_t write_pos_ = kRingStart;
    uint32_t control_ = 0;  // bits still to use above a sentinel bit; 0 or 1 means none
    bool have_low_byte_ = false;
    uint8_t low_byte_ = 0;
    uint32_t match_pos_ = 0;
    uint32_t pending_match_ = 0;
};

// Encodes `data` (greedy matching on hash chains). Appends to `out`. The
// stream needs no terminator: the decoder stops at the length in the header.
void lzss_compress(std::span<const uint8_t> data, std::vector<uint8_t>& out);

}  // namespace w32::lz
