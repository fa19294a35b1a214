// The LZ decoder's fuzz target (libFuzzer's entry point). In the GoogleTest
// binary test_lz.cpp drives it with mutated inputs; built alone with
// -DLZ_FUZZ_MAIN (and sanitizers) it is its own bounded mutation driver,
// which tests/python/test_win32lz_fuzz.py builds and runs.
//
// What it checks: any input parses or is refused, decodes without reading
// or writing outside its buffers (the sanitizers watch), never produces
// more than asked, and data compressed by our encoder comes back unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

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

}  // namespace

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
        decode_in_pieces(body, body.size() + 1, want, want, whole);
        // Fed in odd pieces, the same stream must give the same bytes.
        size_t step = size % 7 + 1;
        decode_in_pieces(body, step, step * 3 + 1, want, pieces);
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
// A small mutation driver: seeds (valid SZDD and KWAJ files), then flips,
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
        if (corpus.size() > 64) corpus.erase(corpus.begin() + 2);
    }
    std::printf("lz fuzz: %ld runs\n", runs);
    return 0;
}
#endif
