// The LZ decoder's fuzz target (libFuzzer's entry point). In the GoogleTest
// binary test_lz.cpp drives it with mutated inputs; built alone with
// -DLZ_FUZZ_MAIN (and sanitizers) it is its own bounded mutation driver,
// which tests/python/test_win32lz_fuzz.py builds and runs.
//
// What it checks: any input parses or is refused, decodes (LZSS, or KWAJ's
// LZH and MSZIP) without reading or writing outside its buffers (the
// sanitizers watch), the same whether fed whole or in pieces, never
// produces more than asked, and data compressed by our encoder comes back
// unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include <zlib.h>

#include "w32/lz/kwaj_codecs.h"
#include "w32/lz/lz_format.h"
#include "w32/lz/lzss.h"

namespace {

// Inputs may claim 4 GiB: decode at most this much of any of them.
constexpr size_t kOutputCap = 1 << 16;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "lz fuzz: %s\n", what);
    std::abort();
}

void decode_in_pieces(std::span<const uint8_t> data, size_t in_step, size_t out_step, size_t want,
                      std::vector<uint8_t>& out) {
    w32::lz::LzssDecoder decoder;
    out.assign(want, 0);
    size_t stored = 0;
    size_t at = 0;
    while (stored < want) {
        size_t n_in = std::min(in_step, data.size() - at);
        std::span<const uint8_t> in = data.subspan(at, n_in);
        size_t room = std::min(out_step, want - stored);
        size_t got = decoder.decode(in, std::span(out).subspan(stored, room));
        if (got > room) fail("decoder stored more than asked");
        size_t used = n_in - in.size();
        if (used > n_in) fail("decoder consumed more than given");
        at += used;
        stored += got;
        if (got == 0 && used == 0) {
            if (at != data.size()) fail("decoder stalled with input and room");
            break;
        }
    }
    out.resize(stored);
}

// Hands the decoder `step` bytes at a time.
class PieceSource final : public w32::lz::InputSource {
public:
    PieceSource(std::span<const uint8_t> data, size_t step) : data_(data), step_(step) {}
    int pull(std::span<const uint8_t>& chunk) override {
        size_t n = std::min(step_, data_.size() - at_);
        chunk = data_.subspan(at_, n);
        at_ += n;
        return 0;
    }

private:
    std::span<const uint8_t> data_;
    size_t step_;
    size_t at_ = 0;
};

// KWAJ LZH or MSZIP: bytes decoded, or the decoder's error as -code in out[0].
int decode_kwaj_in_pieces(w32::lz::Method method, std::span<const uint8_t> data, size_t in_step,
                          size_t out_step, size_t want, std::vector<uint8_t>& out) {
    auto decoder = method == w32::lz::Method::Lzh ? w32::lz::make_lzh_decoder() : w32::lz::make_mszip_decoder();
    PieceSource source(data, in_step);
    out.assign(want, 0);
    size_t stored = 0;
    while (stored < want) {
        size_t room = std::min(out_step, want - stored);
        int64_t got = decoder->decode(source, std::span(out).subspan(stored, room));
        if (got < 0) {
            if (got != w32::lz::kErrorRead) fail("KWAJ decoder returned an unknown code");
            out.resize(stored);
            return int(got);
        }
        if (size_t(got) > room) fail("KWAJ decoder stored more than asked");
        if (got == 0) break;
        stored += size_t(got);
    }
    out.resize(stored);
    return 0;
}

class BitWriter {
public:
    void put(uint32_t value, int n) {
        for (int i = n - 1; i >= 0; --i) {
            acc_ = uint8_t((acc_ << 1) | ((value >> i) & 1u));
            if (++have_ == 8) {
                out_.push_back(acc_);
                have_ = 0;
            }
        }
    }
    std::vector<uint8_t> finish() {
        if (have_) out_.push_back(uint8_t(acc_ << (8 - have_)));
        return out_;
    }

private:
    std::vector<uint8_t> out_;
    uint8_t acc_ = 0;
    int have_ = 0;
};

std::vector<uint8_t> kwaj_file(uint16_t method, std::span<const uint8_t> payload, uint32_t length) {
    std::vector<uint8_t> file = {'K', 'W', 'A', 'J', 0x88, 0xF0, 0x27, 0xD1, uint8_t(method), 0, 18, 0, 1, 0};
    for (int k = 0; k < 4; ++k) file.push_back(uint8_t(length >> (8 * k)));
    file.insert(file.end(), payload.begin(), payload.end());
    return file;
}

}  // namespace

// A KWAJ LZH file of `text` with the fixed codes (every tree stored as type
// 0): runs of literals, and a 3-byte match wherever the byte 4 back repeats.
std::vector<uint8_t> lz_fuzz_kwaj_lzh(std::span<const uint8_t> text) {
    BitWriter bits;
    for (int k = 0; k < 6; ++k) bits.put(0, 4);
    bool short_run = false;
    size_t i = 0;
    while (i < text.size()) {
        if (i >= 4 && i + 3 <= text.size() && std::memcmp(&text[i], &text[i - 4], 3) == 0) {
            bits.put(1, 4);  // match length symbol 1: 3 bytes (either match length tree)
            bits.put(0, 6);  // offset 4: high 6 bits 0, low 6 bits 4
            bits.put(4, 6);
            short_run = false;
            i += 3;
            continue;
        }
        size_t run = 1;
        while (run < 32 && i + run < text.size() &&
               !(i + run >= 4 && i + run + 3 <= text.size() && std::memcmp(&text[i + run], &text[i + run - 4], 3) == 0))
            ++run;
        bits.put(0, 4);
        bits.put(uint32_t(run - 1), 5);
        for (size_t k = 0; k < run; ++k) bits.put(text[i + k], 8);
        short_run = run != 32;
        i += run;
    }
    (void)short_run;  // both match length trees are the same fixed code here
    std::vector<uint8_t> payload = bits.finish();
    return kwaj_file(3, payload, uint32_t(text.size()));
}

// A KWAJ MSZIP file of `text`: 32 KiB "CK" blocks of raw deflate, each
// with the previous output as its dictionary.
std::vector<uint8_t> lz_fuzz_kwaj_mszip(std::span<const uint8_t> text) {
    std::vector<uint8_t> payload;
    for (size_t at = 0; at < text.size() || at == 0; at += 32768) {
        size_t n = std::min<size_t>(32768, text.size() - at);
        z_stream zs{};
        if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) fail("deflateInit2");
        if (at > 0) {
            size_t d = std::min<size_t>(32768, at);
            deflateSetDictionary(&zs, text.data() + at - d, uInt(d));
        }
        std::vector<uint8_t> block(deflateBound(&zs, uLong(n)) + 16);
        zs.next_in = const_cast<Bytef*>(text.data() + at);
        zs.avail_in = uInt(n);
        zs.next_out = block.data();
        zs.avail_out = uInt(block.size());
        if (deflate(&zs, Z_FINISH) != Z_STREAM_END) fail("deflate");
        size_t made = block.size() - zs.avail_out;
        deflateEnd(&zs);
        size_t body = made + 2;
        payload.push_back(uint8_t(body));
        payload.push_back(uint8_t(body >> 8));
        payload.push_back('C');
        payload.push_back('K');
        payload.insert(payload.end(), block.begin(), block.begin() + ptrdiff_t(made));
        if (text.empty()) break;
    }
    payload.push_back(0);
    payload.push_back(0);
    return kwaj_file(4, payload, uint32_t(text.size()));
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::span<const uint8_t> input(data, size);
    w32::lz::Header header;
    int rc = w32::lz::parse_header(input, header);
    if (rc != 1 && rc != 0 && rc != w32::lz::kErrorUnknownAlg && rc != w32::lz::kErrorRead)
        fail("parse_header returned an unknown code");
    if (rc == 1) {
        if (header.data_offset > size) fail("data offset past the input");
        std::span<const uint8_t> body = input.subspan(header.data_offset);
        size_t want = header.length ? size_t(std::min<uint64_t>(*header.length, kOutputCap)) : kOutputCap;
        std::vector<uint8_t> whole, pieces;
        size_t step = size % 7 + 1;
        if (header.method == w32::lz::Method::Lzh || header.method == w32::lz::Method::MsZip) {
            int rc_whole = decode_kwaj_in_pieces(header.method, body, body.size() + 1, want, want, whole);
            int rc_pieces = decode_kwaj_in_pieces(header.method, body, step, step * 3 + 1, want, pieces);
            if (rc_whole != rc_pieces) fail("piecewise KWAJ decoding fails differently");
            // What a failing call had decoded is dropped with it: only
            // complete decodings must agree byte for byte.
            if (rc_whole != 0) pieces = whole;
        } else {
            decode_in_pieces(body, body.size() + 1, want, want, whole);
            // Fed in odd pieces, the same stream must give the same bytes.
            decode_in_pieces(body, step, step * 3 + 1, want, pieces);
        }
        if (whole != pieces) fail("piecewise decoding differs");
        std::string name = w32::lz::expanded_name("dir/NAME.TX_", header);
        if (name.empty()) fail("empty expanded name");
    }
    // The input as data: what the encoder makes must decode back to it.
    std::vector<uint8_t> packed = w32::lz::compress_szdd(input, 'x');
    w32::lz::Header back;
    if (w32::lz::parse_header(packed, back) != 1 || back.length != size) fail("our own header");
    std::vector<uint8_t> out;
    decode_in_pieces(std::span<const uint8_t>(packed).subspan(back.data_offset), packed.size(), size, size, out);
    if (out.size() != size || (size && std::memcmp(out.data(), data, size) != 0)) fail("round trip");
    return 0;
}

#ifdef LZ_FUZZ_MAIN
// A small mutation driver: seeds (valid SZDD, KWAJ LZSS, LZH and MSZIP files), then flips,
// truncates, splices and inserts, for a fixed number of runs.
#include <random>
#include <string>

int main(int argc, char** argv) {
    long runs = argc > 1 ? std::atol(argv[1]) : 20000;
    unsigned seed = argc > 2 ? unsigned(std::atol(argv[2])) : 1;
    std::mt19937 rng(seed);
    std::vector<std::vector<uint8_t>> corpus;
    std::string text;
    for (int i = 0; i < 200; ++i) text += "the quick brown fox " + std::to_string(i * 37) + "\n";
    corpus.push_back(w32::lz::compress_szdd({reinterpret_cast<const uint8_t*>(text.data()), text.size()}, 't'));
    std::vector<uint8_t> kwaj = {'K', 'W', 'A', 'J', 0x88, 0xF0, 0x27, 0xD1, 2, 0, 0, 0, 0x19, 0};
    uint32_t len = uint32_t(text.size());
    for (int k = 0; k < 4; ++k) kwaj.push_back(uint8_t(len >> (8 * k)));
    for (char c : std::string("FILE\0TXT\0", 9)) kwaj.push_back(uint8_t(c));
    kwaj[10] = uint8_t(kwaj.size());
    std::vector<uint8_t> body;
    w32::lz::lzss_compress({reinterpret_cast<const uint8_t*>(text.data()), text.size()}, body);
    kwaj.insert(kwaj.end(), body.begin(), body.end());
    corpus.push_back(kwaj);
    std::span<const uint8_t> text_bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
    corpus.push_back(lz_fuzz_kwaj_lzh(text_bytes));
    corpus.push_back(lz_fuzz_kwaj_mszip(text_bytes));
    const size_t kSeeds = corpus.size();
    for (long r = 0; r < runs; ++r) {
        std::vector<uint8_t> x = corpus[rng() % corpus.size()];
        int edits = 1 + int(rng() % 8);
        for (int e = 0; e < edits; ++e) {
            switch (rng() % 5) {
                case 0: if (!x.empty()) x[rng() % x.size()] ^= uint8_t(1u << (rng() % 8)); break;
                case 1: if (!x.empty()) x[rng() % x.size()] = uint8_t(rng()); break;
                case 2: if (!x.empty()) x.resize(rng() % x.size()); break;
                case 3: x.insert(x.begin() + ptrdiff_t(x.empty() ? 0 : rng() % x.size()), uint8_t(rng())); break;
                case 4: if (x.size() > 16) { size_t a = rng() % x.size(), b = rng() % x.size(); std::swap(x[a], x[b]); } break;
            }
        }
        LLVMFuzzerTestOneInput(x.data(), x.size());
        if (r % 97 == 0 && x.size() > 20) corpus.push_back(x);
        if (corpus.size() > 64) corpus.erase(corpus.begin() + ptrdiff_t(kSeeds));
    }
    std::printf("lz fuzz: %ld runs\n", runs);
    return 0;
}
#endif
