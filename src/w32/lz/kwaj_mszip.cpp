#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <vector>

#include "w32/lz/kwaj_codecs.h"
#include "w32/lz/lz_format.h"

namespace w32::lz {

namespace {

constexpr size_t kHistory = 32768;  // how far back a deflate match reaches

class MsZipDecoder final : public StreamDecoder {
public:
    MsZipDecoder() { ok_ = inflateInit2(&zs_, -15) == Z_OK; }
    ~MsZipDecoder() override {
        if (ok_) inflateEnd(&zs_);
    }
    MsZipDecoder(const MsZipDecoder&) = delete;
    MsZipDecoder& operator=(const MsZipDecoder&) = delete;

    int64_t decode(InputSource& in, std::span<uint8_t> out) override {
        if (!ok_) return kErrorGlobalAlloc;
        size_t stored = 0;
        while (stored < out.size() && !ended_) {
            if (!in_block_) {
                int rc = start_block(in);
                if (rc < 0) return rc;
                continue;
            }
            if (chunk_.empty()) {
                if (int rc = in.pull(chunk_); rc < 0) return rc;
                if (chunk_.empty()) return kErrorRead;  // a block cut short
            }
            zs_.next_in = const_cast<Bytef*>(chunk_.data());
            zs_.avail_in = uInt(chunk_.size());
            zs_.next_out = out.data() + stored;
            zs_.avail_out = uInt(out.size() - stored);
            int zrc = inflate(&zs_, Z_NO_FLUSH);
            size_t used = chunk_.size() - zs_.avail_in;
            size_t made = out.size() - stored - zs_.avail_out;
            chunk_ = chunk_.subspan(used);
            remember(out.subspan(stored, made));
            stored += made;
            if (zrc == Z_STREAM_END) {
                in_block_ = false;
            } else if (zrc != Z_OK && !(zrc == Z_BUF_ERROR && zs_.avail_in == 0)) {
                return kErrorRead;  // not deflate data
            }
        }
        return int64_t(stored);
    }

private:
    // Reads a block's length and "CK" and readies inflate with the history.
    int start_block(InputSource& in) {
        uint8_t head[4];
        size_t got = 0;
        while (got < 4) {
            if (chunk_.empty()) {
                if (int rc = in.pull(chunk_); rc < 0) return rc;
                if (chunk_.empty()) {
                    if (got == 0) {
                        ended_ = true;  // no terminating block: the input's end ends the data
                        return 0;
                    }
                    return kErrorRead;
                }
            }
            head[got++] = chunk_[0];
            chunk_ = chunk_.subspan(1);
            if (got == 2 && head[0] == 0 && head[1] == 0) {
                ended_ = true;
                return 0;
            }
        }
        if (head[2] != 'C' || head[3] != 'K') return kErrorRead;
        if (inflateReset(&zs_) != Z_OK) return kErrorRead;
        if (!history_.empty()) {
            size_t n = std::min(history_.size(), kHistory);
            if (inflateSetDictionary(&zs_, history_.data() + history_.size() - n, uInt(n)) != Z_OK)
                return kErrorRead;
        }
        in_block_ = true;
        return 0;
    }

    void remember(std::span<const uint8_t> bytes) {
        history_.insert(history_.end(), bytes.begin(), bytes.end());
        if (history_.size() > 2 * kHistory)
            history_.erase(history_.begin(), history_.end() - std::ptrdiff_t(kHistory));
    }

    z_stream zs_{};
    bool ok_ = false;
    bool in_block_ = false;
    bool ended_ = false;
    std::span<const uint8_t> chunk_;
    std::vector<uint8_t> history_;
};

}  // namespace

std::unique_ptr<StreamDecoder> make_mszip_decoder() { return std::make_unique<MsZipDecoder>(); }

}  // namespace w32::lz
