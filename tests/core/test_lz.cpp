// The LZ core: COMPRESS.EXE's LZSS both ways, the SZDD/KWAJ headers and
// names, LZ32's file functions over handles, and the fuzz target driven by
// mutations of valid files.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "w32/io/disk_file.h"
#include "w32/io/share_modes.h"
#include "w32/kernel/handle_table.h"
#include "w32/lz/lz_files.h"
#include "w32/lz/lz_format.h"
#include "w32/lz/lzss.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
std::vector<uint8_t> lz_fuzz_kwaj_lzh(std::span<const uint8_t> text);
std::vector<uint8_t> lz_fuzz_kwaj_mszip(std::span<const uint8_t> text);

namespace {

namespace lz = w32::lz;

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

// "hello hello hello world\n" as Debian's mscompress writes it.
const std::vector<uint8_t> kMscompressHello = {
    'S', 'Z', 'D', 'D', 0x88, 0xF0, 0x27, 0x33, 'A', 0x00, 0x18, 0x00, 0x00, 0x00, 0xBF, 'h',
    'e', 'l', 'l', 'o', ' ', 0xF0, 0xF9, 'w', 0x1F, 'o', 'r', 'l', 'd', '\n'};

std::vector<uint8_t> expand(std::span<const uint8_t> file) {
    lz::Header h;
    EXPECT_EQ(lz::parse_header(file, h), 1);
    std::vector<uint8_t> out(size_t(h.length.value_or(0)));
    std::span<const uint8_t> in = file.subspan(h.data_offset);
    lz::LzssDecoder d;
    size_t n = d.decode(in, out);
    out.resize(n);
    return out;
}

std::string sample_text(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    static const char* words[] = {"alpha ", "beta ", "gamma\n", "delta ", "\t", "epsilon, "};
    std::string s;
    while (s.size() < n) {
        if (rng() % 5 == 0) s.push_back(char(rng()));
        else s += words[rng() % 6];
    }
    s.resize(n);
    return s;
}

TEST(Lzss, DecodesMscompressOutput) {
    EXPECT_EQ(expand(kMscompressHello), bytes("hello hello hello world\n"));
}

TEST(Lzss, MatchesIntoThePrimedRingReadSpaces) {
    // One match token at ring position 0 (primed with spaces), length 5.
    std::vector<uint8_t> stream = {0x00, 0x00, 0x02};
    lz::LzssDecoder d;
    std::span<const uint8_t> in(stream);
    std::vector<uint8_t> out(5);
    EXPECT_EQ(d.decode(in, out), 5u);
    EXPECT_EQ(out, bytes("     "));
}

TEST(Lzss, RoundTripsManySizesAndKinds) {
    for (size_t n : {0u, 1u, 2u, 3u, 17u, 18u, 19u, 4095u, 4096u, 4097u, 70000u}) {
        std::string text = sample_text(n, unsigned(n));
        std::vector<uint8_t> packed = lz::compress_szdd(bytes(text), 'q');
        EXPECT_EQ(expand(packed), bytes(text)) << n;
    }
    std::vector<uint8_t> zeros(100000, 0);
    std::vector<uint8_t> packed = lz::compress_szdd(zeros, 0);
    EXPECT_LT(packed.size(), zeros.size() / 5);
    EXPECT_EQ(expand(packed), zeros);
    std::mt19937 rng(7);
    std::vector<uint8_t> noise(50000);
    for (auto& b : noise) b = uint8_t(rng());
    EXPECT_EQ(expand(lz::compress_szdd(noise, 0)), noise);
}

TEST(Lzss, PiecewiseDecodingGivesTheSameBytes) {
    std::string text = sample_text(20000, 3);
    std::vector<uint8_t> packed = lz::compress_szdd(bytes(text), 0);
    lz::LzssDecoder d;
    std::vector<uint8_t> out;
    size_t at = lz::kSzddHeaderSize;
    while (out.size() < text.size()) {
        size_t in_n = std::min<size_t>(1 + out.size() % 3, packed.size() - at);
        std::span<const uint8_t> in(packed.data() + at, in_n);
        uint8_t buf[5];
        size_t got = d.decode(in, std::span(buf, 1 + out.size() % 5));
        at += in_n - in.size();
        out.insert(out.end(), buf, buf + got);
        ASSERT_TRUE(got > 0 || in.size() < in_n || at == packed.size());
    }
    EXPECT_EQ(out, bytes(text));
}

TEST(LzFormat, HeadersAndRefusals) {
    lz::Header h;
    EXPECT_EQ(lz::parse_header(bytes("plain text file, long enough"), h), 0);
    EXPECT_EQ(lz::parse_header(bytes("SZDD"), h), 0);  // too short for a header: plain
    std::vector<uint8_t> bad_mode = kMscompressHello;
    bad_mode[8] = 'B';
    EXPECT_EQ(lz::parse_header(bad_mode, h), lz::kErrorUnknownAlg);
    EXPECT_EQ(lz::parse_header(kMscompressHello, h), 1);
    EXPECT_EQ(h.format, lz::Format::Szdd);
    EXPECT_EQ(h.length, 24u);

    std::vector<uint8_t> kwaj = {'K', 'W', 'A', 'J', 0x88, 0xF0, 0x27, 0xD1, 1, 0, 0, 0, 0x18, 0};
    for (char c : std::string("READ\0ME\0", 8)) kwaj.push_back(uint8_t(c));
    kwaj[10] = uint8_t(kwaj.size());
    EXPECT_EQ(lz::parse_header(kwaj, h), 1);
    EXPECT_EQ(h.format, lz::Format::Kwaj);
    EXPECT_EQ(h.method, lz::Method::Xor);
    EXPECT_EQ(h.original_name, "READ.ME");
    EXPECT_FALSE(h.length);
    kwaj[8] = 3;  // LZH
    EXPECT_EQ(lz::parse_header(kwaj, h), 1);
    EXPECT_EQ(h.method, lz::Method::Lzh);
    kwaj[8] = 4;  // MSZIP
    EXPECT_EQ(lz::parse_header(kwaj, h), 1);
    EXPECT_EQ(h.method, lz::Method::MsZip);
    kwaj[8] = 5;  // no such method
    EXPECT_EQ(lz::parse_header(kwaj, h), lz::kErrorUnknownAlg);
    kwaj[8] = 0;
    kwaj[10] = 200;  // data offset beyond the file
    EXPECT_EQ(lz::parse_header(kwaj, h), lz::kErrorRead);
    kwaj.resize(16);  // name cut short
    kwaj[10] = 14;
    EXPECT_EQ(lz::parse_header(kwaj, h), lz::kErrorRead);
}

TEST(LzFormat, Names) {
    EXPECT_EQ(lz::compressed_name("a.txt"), "a.tx_");
    EXPECT_EQ(lz::compressed_name("dir.d\\a.c"), "dir.d\\a.c_");
    EXPECT_EQ(lz::compressed_name("/x.y/readme"), "/x.y/readme._");
    EXPECT_EQ(lz::dropped_char("a.txt"), 't');
    EXPECT_EQ(lz::dropped_char("a.c"), 0);

    lz::Header szdd;
    szdd.format = lz::Format::Szdd;
    szdd.missing_char = 'T';
    EXPECT_EQ(lz::expanded_name("C:\\Dir\\a.tx_", szdd), "C:\\Dir\\a.txt");
    EXPECT_EQ(lz::expanded_name("C:\\Dir\\SETUP.EX_", szdd), "C:\\Dir\\SETUP.EXT");
    szdd.missing_char = 0;  // mscompress: the name only gained a '_'
    EXPECT_EQ(lz::expanded_name("/d/a.txt_", szdd), "/d/a.txt");
    EXPECT_EQ(lz::expanded_name("/d/readme._", szdd), "/d/readme");
    lz::Header plain;
    EXPECT_EQ(lz::expanded_name("/d/a.tx_", plain), "/d/a.tx_");
    lz::Header kwaj;
    kwaj.format = lz::Format::Kwaj;
    kwaj.original_name = "READ.ME";
    EXPECT_EQ(lz::expanded_name("/d/x.kwj", kwaj), "/d/READ.ME");
}

class LzFiles : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/w32lz.XXXXXX";
        dir_ = mkdtemp(tmpl);
    }
    void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
    std::string path(const std::string& name) const { return dir_ + "/" + name; }
    void write(const std::string& name, std::span<const uint8_t> data) const {
        std::ofstream(path(name), std::ios::binary).write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
    }
    std::string read(const std::string& name) const {
        std::ifstream f(path(name), std::ios::binary);
        std::stringstream s;
        s << f.rdbuf();
        return s.str();
    }
    std::string dir_;
};

TEST_F(LzFiles, OpenCopyCloseExpands) {
    std::string text = sample_text(300000, 11);
    write("doc.tx_", lz::compress_szdd(bytes(text), 't'));
    lz::OfStruct of;
    int64_t src = lz::open_file(path("doc.txt"), lz::kOfRead, of);  // found under its compressed name
    ASSERT_TRUE(lz::is_lz_handle(src)) << src;
    EXPECT_EQ(of.path_name, path("doc.tx_"));
    EXPECT_EQ(of.fixed_disk, 1);
    EXPECT_NE(of.dos_date, 0);
    int64_t dst = lz::open_file(path("out.txt"), lz::kOfCreate | lz::kOfWrite, of);
    ASSERT_GT(dst, 0);
    EXPECT_EQ(lz::copy(src, dst), int64_t(text.size()));
    lz::close(src);
    lz::close(dst);
    EXPECT_EQ(read("out.txt"), text);
    std::string name;
    EXPECT_EQ(lz::expanded_name(path("doc.tx_"), name), 1);
    EXPECT_EQ(name, path("doc.txt"));
}

TEST_F(LzFiles, PlainFilesPassThroughAndInitRewinds) {
    std::string text = "not compressed at all\n";
    write("plain.txt", bytes(text));
    lz::OfStruct of;
    int64_t src = lz::open_file(path("plain.txt"), lz::kOfRead, of);
    ASSERT_GT(src, 0);
    EXPECT_FALSE(lz::is_lz_handle(src));
    EXPECT_EQ(lz::init(src), src);
    int64_t dst = lz::open_file(path("copy.txt"), lz::kOfCreate | lz::kOfWrite, of);
    EXPECT_EQ(lz::copy(src, dst), int64_t(text.size()));
    lz::close(src);
    lz::close(dst);
    EXPECT_EQ(read("copy.txt"), text);
}

TEST_F(LzFiles, ErrorsAreLzCodes) {
    lz::OfStruct of;
    EXPECT_EQ(lz::open_file(path("missing"), lz::kOfRead, of), lz::kHFileError);
    EXPECT_EQ(of.error_code, 2u);  // ERROR_FILE_NOT_FOUND
    EXPECT_EQ(lz::init(123456), lz::kErrorBadInHandle);
    EXPECT_EQ(lz::copy(123456, 123460), lz::kErrorBadInHandle);

    std::string text = sample_text(50000, 5);
    std::vector<uint8_t> packed = lz::compress_szdd(bytes(text), 0);
    packed.resize(packed.size() / 2);
    write("cut.tx_", packed);
    int64_t src = lz::open_file(path("cut.tx_"), lz::kOfRead, of);
    ASSERT_TRUE(lz::is_lz_handle(src));
    int64_t dst = lz::open_file(path("cut.out"), lz::kOfCreate | lz::kOfWrite, of);
    EXPECT_EQ(lz::copy(src, 999996), lz::kErrorBadOutHandle);
    EXPECT_EQ(lz::copy(src, dst), lz::kErrorRead);
    lz::close(src);
    lz::close(dst);

    // Method 5: no such method.
    std::vector<uint8_t> lzh = {'K', 'W', 'A', 'J', 0x88, 0xF0, 0x27, 0xD1, 5, 0, 14, 0, 0, 0, 1, 2, 3};
    write("lzh.kwj", lzh);
    int64_t h = lz::open_file(path("lzh.kwj"), lz::kOfRead, of);
    ASSERT_GT(h, 0);
    EXPECT_FALSE(lz::is_lz_handle(h));  // LZ32 returns the plain handle
    EXPECT_EQ(lz::init(h), lz::kErrorUnknownAlg);
    int64_t out = lz::open_file(path("lzh.out"), lz::kOfCreate | lz::kOfWrite, of);
    EXPECT_EQ(lz::copy(h, out), lz::kErrorUnknownAlg);
    lz::close(h);
    lz::close(out);
}

TEST_F(LzFiles, SixteenLzHandlesAtMost) {
    write("a.tx_", lz::compress_szdd(bytes("abc"), 't'));
    std::vector<int64_t> open;
    lz::OfStruct of;
    for (int i = 0; i < lz::kMaxLzHandles; ++i) {
        int64_t h = lz::open_file(path("a.tx_"), lz::kOfRead, of);
        ASSERT_TRUE(lz::is_lz_handle(h));
        open.push_back(h);
    }
    int64_t file = lz::open_file(path("a.tx_"), lz::kOfRead, of);
    EXPECT_FALSE(lz::is_lz_handle(file));
    EXPECT_EQ(lz::init(file), lz::kErrorGlobalAlloc);
    lz::close(file);
    for (int64_t h : open) lz::close(h);
    int64_t again = lz::open_file(path("a.tx_"), lz::kOfRead, of);
    EXPECT_EQ(again, lz::kFirstLzHandle);
    lz::close(again);
}

TEST_F(LzFiles, KwajStoredXorAndLzss) {
    std::string text = sample_text(10000, 9);
    for (uint16_t method : {0, 1, 2}) {
        std::vector<uint8_t> f = {'K', 'W', 'A', 'J', 0x88, 0xF0, 0x27, 0xD1, uint8_t(method), 0, 14, 0, 0, 0};
        if (method == 2) {
            lz::lzss_compress(bytes(text), f);
        } else {
            for (char c : text) f.push_back(uint8_t(method == 1 ? ~uint8_t(c) : uint8_t(c)));
        }
        write("k.kwj", f);
        lz::OfStruct of;
        int64_t src = lz::open_file(path("k.kwj"), lz::kOfRead, of);
        ASSERT_TRUE(lz::is_lz_handle(src));
        int64_t dst = lz::open_file(path("k.out"), lz::kOfCreate | lz::kOfWrite, of);
        EXPECT_EQ(lz::copy(src, dst), int64_t(text.size())) << method;
        lz::close(src);
        lz::close(dst);
        EXPECT_EQ(read("k.out"), text) << method;
    }
}

TEST_F(LzFiles, KwajLzhAndMszip) {
    std::string text = sample_text(100000, 4);  // several 32 KiB MSZIP blocks
    for (int method : {3, 4}) {
        std::vector<uint8_t> f = method == 3 ? lz_fuzz_kwaj_lzh(bytes(text)) : lz_fuzz_kwaj_mszip(bytes(text));
        write("k.kwj", f);
        lz::OfStruct of;
        int64_t src = lz::open_file(path("k.kwj"), lz::kOfRead, of);
        ASSERT_TRUE(lz::is_lz_handle(src));
        int64_t dst = lz::open_file(path("k.out"), lz::kOfCreate | lz::kOfWrite, of);
        EXPECT_EQ(lz::copy(src, dst), int64_t(text.size())) << method;
        lz::close(src);
        lz::close(dst);
        EXPECT_EQ(read("k.out"), text) << method;
        f.resize(f.size() / 2);  // cut short: LZERROR_READ
        write("cut.kwj", f);
        src = lz::open_file(path("cut.kwj"), lz::kOfRead, of);
        dst = lz::open_file(path("cut.out"), lz::kOfCreate | lz::kOfWrite, of);
        EXPECT_EQ(lz::copy(src, dst), lz::kErrorRead) << method;
        lz::close(src);
        lz::close(dst);
    }
}

TEST(LzFuzz, MutatedFilesNeverCrashTheDecoder) {
    std::mt19937 rng(20261125);
    std::string text = sample_text(3000, 1);
    std::vector<uint8_t> seed = lz::compress_szdd(bytes(text), 'x');
    for (int run = 0; run < 3000; ++run) {
        std::vector<uint8_t> x = seed;
        for (int e = 0, n = 1 + int(rng() % 6); e < n; ++e) {
            switch (rng() % 3) {
                case 0: x[rng() % x.size()] ^= uint8_t(1u << (rng() % 8)); break;
                case 1: x.resize(std::max<size_t>(1, rng() % x.size())); break;
                case 2: x.insert(x.begin() + ptrdiff_t(rng() % x.size()), uint8_t(rng())); break;
            }
        }
        ASSERT_EQ(LLVMFuzzerTestOneInput(x.data(), x.size()), 0);
    }
}

}  // namespace
