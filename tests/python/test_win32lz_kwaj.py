"""win32lz on KWAJ methods 3 (LZH) and 4 (MSZIP): files made by encoders
written here from the formats' description expand through OpenFile/Copy;
libmspack (Debian's libmspack0, through ctypes, when installed) expands the
same files to the same bytes, so both sides agree with an independent
decoder; truncated and corrupt data give LZERROR_READ."""
import ctypes
import ctypes.util
import heapq
import os
import random
import zlib

import pytest

import pywintypes
import win32con
import win32lz

KWAJ_MAGIC = b"KWAJ\x88\xf0\x27\xd1"
HAS_LENGTH = 0x0001


def kwaj(method, payload, length=None):
    flags = HAS_LENGTH if length is not None else 0
    extra = length.to_bytes(4, "little") if length is not None else b""
    offset = 14 + len(extra)
    return (KWAJ_MAGIC + method.to_bytes(2, "little") + offset.to_bytes(2, "little") + flags.to_bytes(2, "little")
            + extra + payload)


# --- an LZH encoder ---------------------------------------------------------------------


class BitWriter:
    """Bits, most significant first."""

    def __init__(self):
        self.acc, self.n, self.out = 0, 0, bytearray()

    def write(self, value, nbits):
        self.acc = (self.acc << nbits) | value
        self.n += nbits
        while self.n >= 8:
            self.n -= 8
            self.out.append((self.acc >> self.n) & 0xFF)
        self.acc &= (1 << self.n) - 1

    def finish(self):
        if self.n:
            self.out.append((self.acc << (8 - self.n)) & 0xFF)
        return bytes(self.out)


def huffman_lengths(freqs, limit=15):
    """Code lengths (0 for unused symbols) of a Huffman code over freqs."""
    freqs = list(freqs)
    while True:
        live = [(f, i) for i, f in enumerate(freqs) if f]
        lengths = [0] * len(freqs)
        if len(live) == 1:
            lengths[live[0][1]] = 1
            return lengths
        if not live:
            return lengths
        heap = [(f, k, [i]) for k, (f, i) in enumerate(live)]
        heapq.heapify(heap)
        tie = len(heap)
        while len(heap) > 1:
            f1, _, s1 = heapq.heappop(heap)
            f2, _, s2 = heapq.heappop(heap)
            for i in s1 + s2:
                lengths[i] += 1
            heapq.heappush(heap, (f1 + f2, tie, s1 + s2))
            tie += 1
        if max(lengths) <= limit:
            return lengths
        freqs = [(f + 1) // 2 if f else 0 for f in freqs]


def canonical(lengths):
    """{symbol: (code, length)}: shorter codes first, by symbol within a length."""
    codes, code = {}, 0
    for length in range(1, 17):
        for sym, l in enumerate(lengths):
            if l == length:
                codes[sym] = (code, length)
                code += 1
        code <<= 1
    return codes


SIZES = (16, 16, 32, 64, 256)  # match lengths 1 and 2, literal runs, offsets, literals
FIXED = {16: 4, 32: 5, 64: 6, 256: 8}


def write_lengths(bits, kind, lengths):
    if kind == 0:
        return
    if kind == 3:
        for l in lengths:
            bits.write(l, 4)
        return
    c = lengths[0]
    bits.write(c, 4)
    for l in lengths[1:]:
        if kind == 1:
            if l == c:
                bits.write(0, 1)
            elif l == c + 1:
                bits.write(0b10, 2)
            else:
                bits.write(0b11, 2)
                bits.write(l, 4)
        else:
            if -1 <= l - c <= 1:
                bits.write(l - c + 1, 2)
            else:
                bits.write(3, 2)
                bits.write(l, 4)
        c = l


def lzh_tokens(data):
    """Greedy LZ77 over a 4096-byte window: ("match", length, distance) and
    ("literals", bytes) with runs of at most 32."""
    tokens, last, run, i = [], {}, bytearray(), 0
    while i < len(data):
        best_len = best_dist = 0
        if i + 3 <= len(data):
            cand = last.get(data[i:i + 3])
            if cand is not None and 0 < i - cand <= 4095:
                n = 0
                while n < 17 and i + n < len(data) and data[cand + n] == data[i + n]:
                    n += 1
                if n >= 3:
                    best_len, best_dist = n, i - cand
        if best_len:
            if run:
                tokens.append(("literals", bytes(run)))
                run = bytearray()
            tokens.append(("match", best_len, best_dist))
            for k in range(best_len):
                if i + k + 3 <= len(data):
                    last[data[i + k:i + k + 3]] = i + k
            i += best_len
        else:
            run.append(data[i])
            if i + 3 <= len(data):
                last[data[i:i + 3]] = i
            i += 1
            if len(run) == 32:
                tokens.append(("literals", bytes(run)))
                run = bytearray()
    if run:
        tokens.append(("literals", bytes(run)))
    return tokens


def lzh_compress(data, kinds=(3, 1, 2, 3, 1)):
    """KWAJ method 3 data; `kinds` says how each tree's lengths are stored
    (0 fixed, 1 and 2 delta codings, 3 explicit)."""
    tokens = lzh_tokens(data)
    freqs = [[0] * n for n in SIZES]
    lit_run = False
    for t in tokens:
        tree = 1 if lit_run else 0
        if t[0] == "match":
            freqs[tree][t[1] - 2] += 1
            freqs[3][t[2] >> 6] += 1
            lit_run = False
        else:
            freqs[tree][0] += 1
            freqs[2][len(t[1]) - 1] += 1
            for b in t[1]:
                freqs[4][b] += 1
            lit_run = len(t[1]) != 32
    lengths = []
    for k, n in enumerate(SIZES):
        if kinds[k] == 0:
            lengths.append([FIXED[n]] * n)
        else:
            # every symbol gets a code, so a tree is never empty or lopsided
            lengths.append(huffman_lengths([f * 64 + 1 for f in freqs[k]]))
    codes = [canonical(l) for l in lengths]
    bits = BitWriter()
    for kind in list(kinds) + [0]:
        bits.write(kind, 4)
    for kind, l in zip(kinds, lengths):
        write_lengths(bits, kind, l)
    lit_run = False
    for t in tokens:
        tree = codes[1] if lit_run else codes[0]
        if t[0] == "match":
            bits.write(*tree[t[1] - 2])
            bits.write(*codes[3][t[2] >> 6])
            bits.write(t[2] & 63, 6)
            lit_run = False
        else:
            bits.write(*tree[0])
            bits.write(*codes[2][len(t[1]) - 1])
            for b in t[1]:
                bits.write(*codes[4][b])
            lit_run = len(t[1]) != 32
    return bits.finish()


def mszip_compress(data, block=32768):
    """KWAJ method 4 data: "CK" blocks of raw deflate, each able to refer to
    the blocks before it, then a zero length."""
    out, history = bytearray(), b""
    for i in range(0, len(data), block):
        chunk = data[i:i + block]
        c = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=history[-32768:]) if history else \
            zlib.compressobj(9, zlib.DEFLATED, -15)
        body = b"CK" + c.compress(chunk) + c.flush()
        out += len(body).to_bytes(2, "little") + body
        history += chunk
    return bytes(out + b"\0\0")


# --- the files ---------------------------------------------------------------------------


def samples():
    rng = random.Random(11)
    text = b"".join(b"line %d: the quick brown fox jumps over the lazy dog\r\n" % (i % 37) for i in range(3000))
    noise = bytes(rng.randrange(256) for _ in range(20000))
    mixed = b"".join(text[i:i + 300] + noise[i % 19000:i % 19000 + 40] for i in range(0, 60000, 340))
    return {"empty": b"", "one": b"x", "text": text, "noise": noise, "mixed": mixed,
            "spaces": b" " * 5000 + b"end"}


def expand(src, dest):
    h, _ = win32lz.OpenFile(str(src), win32con.OF_READ)
    try:
        out, _ = win32lz.OpenFile(str(dest), win32con.OF_CREATE | win32con.OF_WRITE)
        try:
            return win32lz.Copy(h, out)
        finally:
            win32lz.Close(out)
    finally:
        win32lz.Close(h)


def libmspack_expand():
    """libmspack's KWAJ decompressor as a function (src, dest) -> error code,
    or None when libmspack is not installed."""
    name = ctypes.util.find_library("mspack") or "libmspack.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.mspack_create_kwaj_decompressor.restype = ctypes.c_void_p
    lib.mspack_create_kwaj_decompressor.argtypes = [ctypes.c_void_p]
    lib.mspack_destroy_kwaj_decompressor.argtypes = [ctypes.c_void_p]
    decompress_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p)

    def run(src, dest):
        d = lib.mspack_create_kwaj_decompressor(None)
        assert d
        try:
            methods = (ctypes.c_void_p * 5).from_address(d)  # open, close, extract, decompress, last_error
            return decompress_type(methods[3])(d, os.fsencode(src), os.fsencode(dest))
        finally:
            lib.mspack_destroy_kwaj_decompressor(d)

    return run


MSPACK = libmspack_expand()
METHODS = {
    "lzh": (3, lzh_compress),
    "lzh-fixed": (3, lambda d: lzh_compress(d, kinds=(0, 0, 0, 0, 0))),
    "lzh-deltas": (3, lambda d: lzh_compress(d, kinds=(2, 2, 1, 1, 2))),
    "mszip": (4, mszip_compress),
}


@pytest.mark.parametrize("method", sorted(METHODS))
@pytest.mark.parametrize("with_length", [True, False])
def test_kwaj_lzh_and_mszip_expand(tmp_path, method, with_length):
    number, compress = METHODS[method]
    for name, data in samples().items():
        if not with_length and number == 3 and not data:
            continue
        src = tmp_path / f"{name}.kwj"
        src.write_bytes(kwaj(number, compress(data), len(data) if with_length else None))
        assert expand(src, tmp_path / f"{name}.out") == len(data), name
        assert (tmp_path / f"{name}.out").read_bytes() == data, name
        if MSPACK is not None:  # an independent decoder reads the same file the same way
            assert MSPACK(str(src), str(tmp_path / f"{name}.ms")) == 0, name
            assert (tmp_path / f"{name}.ms").read_bytes() == data, name


def test_libmspack_is_there_for_the_comparison():
    if MSPACK is None:
        pytest.skip("libmspack (Debian's libmspack0) is not installed: files are checked by our decoder only")


def test_a_large_mszip_file_crosses_blocks_and_reads(tmp_path):
    rng = random.Random(3)
    words = [bytes(rng.choice(b"abcdefghij") for _ in range(rng.randint(2, 9))) for _ in range(400)]
    data = b" ".join(rng.choice(words) for _ in range(120000))  # ~700 KB: 20+ blocks, 3 input chunks
    src = tmp_path / "big.kwj"
    src.write_bytes(kwaj(4, mszip_compress(data), len(data)))
    assert expand(src, tmp_path / "big.out") == len(data)
    assert (tmp_path / "big.out").read_bytes() == data


@pytest.mark.parametrize("number", [3, 4])
def test_truncated_and_corrupt_lzh_and_mszip(tmp_path, number):
    data = samples()["mixed"]
    packed = (lzh_compress if number == 3 else mszip_compress)(data)
    cut = tmp_path / "cut.kwj"
    cut.write_bytes(kwaj(number, packed[: len(packed) // 2], len(data)))
    with pytest.raises(pywintypes.error) as e:
        expand(cut, tmp_path / "cut.out")
    assert e.value.winerror == win32lz.LZERROR_READ
    if number == 4:
        bad = bytearray(packed)
        bad[2:4] = b"XK"  # not a "CK" block
        (tmp_path / "bad.kwj").write_bytes(kwaj(4, bytes(bad), len(data)))
        with pytest.raises(pywintypes.error) as e:
            expand(tmp_path / "bad.kwj", tmp_path / "bad.out")
        assert e.value.winerror == win32lz.LZERROR_READ
    else:
        bad = bytearray(packed)
        bad[0] = 0x4F  # tree type 4 for the first tree: no such coding
        (tmp_path / "bad.kwj").write_bytes(kwaj(3, bytes(bad), len(data)))
        with pytest.raises(pywintypes.error) as e:
            expand(tmp_path / "bad.kwj", tmp_path / "bad.out")
        assert e.value.winerror == win32lz.LZERROR_READ


def test_mutated_lzh_and_mszip_give_clean_errors(tmp_path):
    rng = random.Random(5)
    data = samples()["mixed"][:8000]
    seeds = [kwaj(3, lzh_compress(data), len(data)), kwaj(4, mszip_compress(data), len(data)),
             kwaj(3, lzh_compress(data, kinds=(2, 1, 2, 1, 2)))]
    outcomes = set()
    for run in range(120):
        x = bytearray(seeds[run % len(seeds)])
        for _ in range(rng.randint(1, 5)):
            op = rng.randrange(3)
            at = rng.randrange(18, len(x))
            if op == 0:
                x[at] ^= 1 << rng.randrange(8)
            elif op == 1:
                del x[at:]
            else:
                x.insert(at, rng.randrange(256))
        (tmp_path / "m.kwj").write_bytes(bytes(x))
        try:
            expand(tmp_path / "m.kwj", tmp_path / "m.out")
            outcomes.add(0)
        except pywintypes.error as e:
            assert e.winerror == win32lz.LZERROR_READ, e
            outcomes.add(e.winerror)
    assert outcomes == {0, win32lz.LZERROR_READ}
