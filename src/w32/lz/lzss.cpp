#include "w32/lz/lzss.h"

#include <algorithm>
#include <limits>

namespace w32::lz {

namespace {

constexpr uint32_t kRingMask = kRingSize - 1;
// The most a token group (a control byte and 8 tokens) reads and writes:
// the decoder's fast path runs only with that much room on both sides.
constexpr size_t kGroupInput = 1 + 8 * 2;
constexpr size_t kGroupOutput = 8 * kMaxMatch;

}  // namespace

LzssDecoder::LzssDecoder() noexcept { ring_.fill(' '); }

size_t LzssDecoder::decode(std::span<const uint8_t>& in, std::span<uint8_t> out) noexcept {
    const uint8_t* ip = in.data();
    const uint8_t* const iend = ip + in.size();
    uint8_t* op = out.data();
    uint8_t* const oend = op + out.size();
    uint8_t* const ring = ring_.data();
    uint32_t w = write_pos_;
    uint32_t control = control_;
    uint32_t mpos = match_pos_;
    uint32_t mleft = pending_match_;

    for (;;) {
        while (mleft != 0 && op != oend) {
            uint8_t b = ring[mpos];
            ring[w] = b;
            *op++ = b;
            mpos = (mpos + 1) & kRingMask;
            w = (w + 1) & kRingMask;
            --mleft;
        }
        if (mleft != 0 || op == oend) break;
        if (have_low_byte_) {
            if (ip == iend) break;
            uint8_t high = *ip++;
            have_low_byte_ = false;
            mpos = low_byte_ | ((high & 0xF0u) << 4);
            mleft = (high & 0x0Fu) + kMinMatch;
            continue;
        }
        if (control <= 1) {
            // Whole groups while there is room for the largest one: no
            // bounds checks per token.
            while (size_t(iend - ip) >= kGroupInput && size_t(oend - op) >= kGroupOutput) {
                uint32_t bits = *ip++;
                for (int t = 0; t < 8; ++t, bits >>= 1) {
                    if (bits & 1u) {
                        uint8_t b = *ip++;
                        ring[w] = b;
                        w = (w + 1) & kRingMask;
                        *op++ = b;
                    } else {
                        uint32_t p = ip[0] | ((ip[1] & 0xF0u) << 4);
                        uint32_t n = (ip[1] & 0x0Fu) + kMinMatch;
                        ip += 2;
                        do {
                            uint8_t b = ring[p];
                            ring[w] = b;
                            *op++ = b;
                            p = (p + 1) & kRingMask;
                            w = (w + 1) & kRingMask;
                        } while (--n);
                    }
                }
            }
            if (ip == iend || op == oend) break;
            control = *ip++ | 0x100u;
        }
        if (ip == iend) break;
        if (control & 1u) {
            uint8_t b = *ip++;
            ring[w] = b;
            w = (w + 1) & kRingMask;
            *op++ = b;
        } else {
            low_byte_ = *ip++;
            have_low_byte_ = true;
        }
        control >>= 1;
    }

    write_pos_ = w;
    control_ = control;
    match_pos_ = mpos;
    pending_match_ = mleft;
    in = std::span<const uint8_t>(ip, size_t(iend - ip));
    return size_t(op - out.data());
}

namespace {

constexpr size_t kHashBits = 15;
constexpr size_t kNone = std::numeric_limits<size_t>::max();
// Candidates tried per position: past this, longer searches buy little.
constexpr int kChainLimit = 24;
// Matches reach back less than a ring: the byte a match reads must not yet
// be overwritten by the bytes it writes.
constexpr size_t kMaxDistance = kRingSize - 1;

inline uint32_t hash3(const uint8_t* p) noexcept {
    uint32_t v = (uint32_t(p[0]) << 16) | (uint32_t(p[1]) << 8) | p[2];
    return (v * 2654435761u) >> (32 - kHashBits);
}

}  // namespace

void lzss_compress(std::span<const uint8_t> data, std::vector<uint8_t>& out) {
    const size_t n = data.size();
    const uint8_t* d = data.data();
    std::vector<size_t> head(size_t(1) << kHashBits, kNone);
    std::vector<size_t> prev(kRingSize, kNone);
    auto insert = [&](size_t p) {
        if (p + kMinMatch > n) return;
        uint32_t h = hash3(d + p);
        prev[p & kRingMask] = head[h];
        head[h] = p;
    };

    out.reserve(out.size() + n + n / 8 + 16);
    size_t control_at = 0;
    int tokens = 8;
    size_t i = 0;
    while (i < n) {
        if (tokens == 8) {
            control_at = out.size();
            out.push_back(0);
            tokens = 0;
        }
        size_t best_len = 0;
        size_t best_pos = 0;
        if (i + kMinMatch <= n) {
            size_t limit = std::min(kMaxMatch, n - i);
            size_t cand = head[hash3(d + i)];
            for (int chain = kChainLimit; cand != kNone && i - cand <= kMaxDistance && chain > 0; --chain) {
                size_t len = 0;
                while (len < limit && d[cand + len] == d[i + len]) ++len;
                if (len > best_len) {
                    best_len = len;
                    best_pos = cand;
                    if (len == limit) break;
                }
                size_t next = prev[cand & kRingMask];
                if (next == kNone || next >= cand) break;
                cand = next;
            }
        }
        if (best_len >= kMinMatch) {
            uint32_t ring_pos = uint32_t(best_pos + kRingStart) & kRingMask;
            out.push_back(uint8_t(ring_pos & 0xFFu));
            out.push_back(uint8_t(((ring_pos >> 4) & 0xF0u) | (best_len - kMinMatch)));
            for (size_t k = 0; k < best_len; ++k) insert(i + k);
            i += best_len;
        } else {
            out[control_at] |= uint8_t(1u << tokens);
            out.push_back(d[i]);
            insert(i);
            ++i;
        }
        ++tokens;
    }
}

}  // namespace w32::lz
