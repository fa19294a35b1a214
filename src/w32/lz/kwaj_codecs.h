// KWAJ's methods 3 (LZH) and 4 (MSZIP), decoded from a pulled input.
//
// LZH: bits read most significant first; six 4-bit numbers say how the code
// lengths of five canonical Huffman codes are stored (match lengths after a
// match or a full run, match lengths after a short literal run, literal run
// lengths, offsets' high 6 bits, literals), then tokens: a match length
// symbol n > 0 is a match of n + 2 bytes at a distance of (offset symbol
// << 6 | 6 bits) back in a 4096-byte ring primed with spaces; 0 starts a run
// of (run symbol + 1) literals. The data has no end marker: it ends where a
// token would need bits past the input's end.
//
// MSZIP: blocks, each a 16-bit LE length, "CK", and a complete raw deflate
// stream (RFC 1951) of up to 32 KiB whose matches may reach into the
// previous blocks' output; a length of 0, or the input's end, ends the data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace w32::lz {

// Where a decoder gets its input: each call hands over the next bytes
// (which stay valid until the next call); an empty span is the end of the
// input. Returns 0, or an LZERROR_* code when the input cannot be read.
class InputSource {
public:
    virtual ~InputSource() = default;
    virtual int pull(std::span<const uint8_t>& chunk) = 0;
};

// Decodes into `out` as much as fits; keeps its place for the next call.
class StreamDecoder {
public:
    virtual ~StreamDecoder() = default;
    // Bytes stored (0 only at the end of the data), or an LZERROR_* code:
    // kErrorRead for data that does not decode.
    virtual int64_t decode(InputSource& in, std::span<uint8_t> out) = 0;
};

std::unique_ptr<StreamDecoder> make_lzh_decoder();
std::unique_ptr<StreamDecoder> make_mszip_decoder();

}  // namespace w32::lz
