#include <array>
#include <cstring>

#include "w32/lz/kwaj_codecs.h"
#include "w32/lz/lz_format.h"

namespace w32::lz {

namespace {

constexpr uint32_t kWindow = 4096;
constexpr int kMaxCodeLength = 16;

// A canonical Huffman code, decoded a bit at a time: codes of one length
// are consecutive and ordered by symbol, shorter lengths first.
class Code {
public:
    // False for lengths no prefix code has (too long, over-subscribed).
    bool build(std::span<const uint8_t> lengths) {
        count_.fill(0);
        for (uint8_t len : lengths) {
            if (len > kMaxCodeLength) return false;
            ++count_[len];
        }
        count_[0] = 0;
        int64_t room = 1;
        for (int len = 1; len <= kMaxCodeLength; ++len) {
            room = room * 2 - count_[len];
            if (room < 0) return false;
        }
        std::array<uint16_t, kMaxCodeLength + 2> offset{};
        for (int len = 1; len <= kMaxCodeLength; ++len) offset[len + 1] = uint16_t(offset[len] + count_[len]);
        for (size_t sym = 0; sym < lengths.size(); ++sym)
            if (lengths[sym] != 0) symbols_[offset[lengths[sym]]++] = uint16_t(sym);
        return true;
    }

    std::array<uint16_t, kMaxCodeLength + 1> count_{};
    std::array<uint16_t, 256> symbols_{};
};

class LzhDecoder final : public StreamDecoder {
public:
    LzhDecoder() { window_.fill(' '); }

    int64_t decode(InputSource& in, std::span<uint8_t> out) override {
        source_ = &in;
        error_ = 0;
        size_t stored = 0;
        while (stored < out.size() && !ended_) {
            if (!started_) {
                if (!read_tables()) break;
                started_ = true;
                continue;
            }
            if (match_left_ != 0) {
                uint8_t b = window_[(pos_ - match_distance_) & (kWindow - 1)];
                put(b, out[stored++]);
                --match_left_;
                continue;
            }
            if (literals_left_ != 0) {
                uint32_t sym;
                if (!symbol(literal_, sym)) break;
                put(uint8_t(sym), out[stored++]);
                --literals_left_;
                continue;
            }
            uint32_t sym;
            if (!symbol(after_short_run_ ? match_len2_ : match_len1_, sym)) break;
            if (sym != 0) {
                uint32_t high, low;
                if (!symbol(offset_, high) || !bits(6, low)) break;
                match_left_ = sym + 2;
                match_distance_ = (high << 6) | low;
                after_short_run_ = false;
            } else {
                uint32_t run;
                if (!symbol(run_length_, run)) break;
                literals_left_ = run + 1;
                after_short_run_ = literals_left_ != 32;
            }
        }
        if (error_ != 0) return error_;
        return int64_t(stored);
    }

private:
    void put(uint8_t b, uint8_t& to) {
        window_[pos_] = b;
        pos_ = (pos_ + 1) & (kWindow - 1);
        to = b;
    }

    // False at the end of the data (a read past the input's end) or on an
    // error (error_ set).
    bool bits(int n, uint32_t& value) {
        while (have_ < n) {
            if (chunk_.empty()) {
                if (at_end_) {
                    fake_ += 8;  // zero bits past the end, as if the stream went on
                } else if (int rc = source_->pull(chunk_); rc < 0) {
                    error_ = rc;
                    return false;
                } else if (chunk_.empty()) {
                    at_end_ = true;
                    continue;
                }
            }
            uint32_t byte = 0;
            if (!chunk_.empty()) {
                byte = chunk_[0];
                chunk_ = chunk_.subspan(1);
            }
            buffer_ = (buffer_ << 8) | byte;
            have_ += 8;
        }
        have_ -= n;
        value = uint32_t(buffer_ >> have_) & ((1u << n) - 1);
        buffer_ &= (uint64_t(1) << have_) - 1;
        if (have_ < fake_) {  // the token reached past the input: the data ends here
            ended_ = true;
            return false;
        }
        return true;
    }

    bool symbol(const Code& code, uint32_t& sym) {
        int32_t first = 0, index = 0, value = 0;
        for (int len = 1; len <= kMaxCodeLength; ++len) {
            uint32_t bit;
            if (!bits(1, bit)) return false;
            value |= int32_t(bit);
            int32_t count = code.count_[len];
            if (value >= first && value - first < count) {
                sym = code.symbols_[size_t(index + value - first)];
                return true;
            }
            index += count;
            first = (first + count) << 1;
            value <<= 1;
        }
        error_ = kErrorRead;  // no symbol has this code
        return false;
    }

    bool read_lengths(uint32_t type, std::span<uint8_t> lengths) {
        const size_t n = lengths.size();
        uint32_t c = 0, sel = 0;
        switch (type) {
            case 0: {
                uint8_t width = n == 16 ? 4 : n == 32 ? 5 : n == 64 ? 6 : 8;
                std::memset(lengths.data(), width, n);
                return true;
            }
            case 1:
                if (!bits(4, c)) return false;
                lengths[0] = uint8_t(c);
                for (size_t i = 1; i < n; ++i) {
                    if (!bits(1, sel)) return false;
                    if (sel != 0) {
                        if (!bits(1, sel)) return false;
                        if (sel == 0) {
                            ++c;
                        } else if (!bits(4, c)) {
                            return false;
                        }
                    }
                    if (c > kMaxCodeLength) return fail();
                    lengths[i] = uint8_t(c);
                }
                return true;
            case 2:
                if (!bits(4, c)) return false;
                lengths[0] = uint8_t(c);
                for (size_t i = 1; i < n; ++i) {
                    if (!bits(2, sel)) return false;
                    if (sel == 3) {
                        if (!bits(4, c)) return false;
                    } else {
                        if (c + sel < 1) return fail();
                        c = c + sel - 1;
                    }
                    if (c > kMaxCodeLength) return fail();
                    lengths[i] = uint8_t(c);
                }
                return true;
            case 3:
                for (size_t i = 0; i < n; ++i) {
                    if (!bits(4, c)) return false;
                    lengths[i] = uint8_t(c);
                }
                return true;
            default:
                return fail();
        }
    }

    bool fail() {
        error_ = kErrorRead;
        return false;
    }

    bool read_tables() {
        std::array<uint32_t, 6> types{};
        for (auto& t : types)
            if (!bits(4, t)) return false;
        std::array<uint8_t, 256> lengths{};
        Code* codes[5] = {&match_len1_, &match_len2_, &run_length_, &offset_, &literal_};
        const size_t sizes[5] = {16, 16, 32, 64, 256};
        for (int k = 0; k < 5; ++k) {
            std::span<uint8_t> lens(lengths.data(), sizes[k]);
            if (!read_lengths(types[size_t(k)], lens)) return false;
            if (!codes[k]->build(lens)) return fail();
        }
        return true;
    }

    InputSource* source_ = nullptr;
    std::span<const uint8_t> chunk_;
    bool at_end_ = false;
    uint64_t buffer_ = 0;
    int have_ = 0;
    int fake_ = 0;
    bool ended_ = false;
    bool started_ = false;
    int error_ = 0;

    Code match_len1_, match_len2_, run_length_, offset_, literal_;
    std::array<uint8_t, kWindow> window_{};
    uint32_t pos_ = 0;
    bool after_short_run_ = false;
    uint32_t match_left_ = 0;
    uint32_t match_distance_ = 0;
    uint32_t literals_left_ = 0;
};

}  // namespace

std::unique_ptr<StreamDecoder> make_lzh_decoder() { return std::make_unique<LzhDecoder>(); }

}  // namespace w32::lz
