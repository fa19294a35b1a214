#!/usr/bin/env python3
"""win32lz benchmark: SZDD decompression MB/s against Debian's msexpand on
the same 100 MiB file, in one run.

    python bench/bench_lz.py             # 100 MiB, as issue 11 asks
    python bench/bench_lz.py --quick     # 16 MiB
    python bench/bench_lz.py --compress-peer   # also time mscompress (slow)
    python bench/bench_lz.py --kwaj      # also KWAJ MSZIP: win32lz vs libmspack

The input is generated (deterministic text-like data with binary runs,
compressing to about 45%), compressed once with win32lz.CompressFile (SZDD
mode 'A', which msexpand reads), then expanded by:
- win32lz: OpenFile(OF_READ) + OpenFile(OF_CREATE) + Copy + Close, in
  process (the module's whole path: handles, reads, decoder, writes);
- msexpand: `msexpand < file > out`, a process.
MB/s are of expanded bytes (1 MB = 10^6 bytes), wall time, best of
--repeats (msexpand runs once by default: it takes about a second per MiB
on these machines). Both outputs are checked against the input.
With --kwaj the same input is also written as KWAJ method 4 (MSZIP: 32 KiB
"CK" blocks of raw deflate, made with Python's zlib) and expanded by
win32lz and by libmspack's KWAJ decompressor (Debian's libmspack0, called
in process through ctypes).
Needs the package installed and mscompress (apt-get install mscompress).
"""
import argparse
import ctypes
import ctypes.util
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zlib

WORDS = (b"the of and to in is you that it he was for on are as with his they at be this have from or one had "
         b"by word but not what all were we when your can said there use an each which she do how their if will "
         b"up other about out many then them these so some her would make like him into time has look two more "
         b"write go see number no way could people my than first water been call who oil its now find long down "
         b"day did get come made may part").split()


def generate(path, size):
    rng = random.Random(2026)
    blocks = []
    for _ in range(8):  # 8 distinct 1 MiB blocks, mixed in random order
        out = bytearray()
        while len(out) < 1 << 20:
            out += rng.choice(WORDS) + (b"\n" if rng.random() < 0.1 else b" ")
            if rng.random() < 0.001:
                out += rng.randbytes(rng.randint(10, 300))
        blocks.append(bytes(out[: 1 << 20]))
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        for _ in range(size >> 20):
            block = blocks[rng.randrange(8)]
            f.write(block)
            digest.update(block)
    return digest.hexdigest()


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def expand_win32lz(win32lz, src, dest):
    t = time.perf_counter()
    h, _ = win32lz.OpenFile(src, 0)  # OF_READ
    out, _ = win32lz.OpenFile(dest, 0x1001)  # OF_CREATE | OF_WRITE
    n = win32lz.Copy(h, out)
    win32lz.Close(h)
    win32lz.Close(out)
    return time.perf_counter() - t, n


def expand_msexpand(src, dest):
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        t = time.perf_counter()
        subprocess.run(["msexpand"], stdin=fin, stdout=fout, check=True)
        return time.perf_counter() - t


def write_kwaj_mszip(plain, dest, size):
    """`plain` as KWAJ method 4 with the length in its header."""
    with open(plain, "rb") as fin, open(dest, "wb") as fout:
        fout.write(b"KWAJ\x88\xf0\x27\xd1" + (4).to_bytes(2, "little") + (18).to_bytes(2, "little")
                   + (1).to_bytes(2, "little") + size.to_bytes(4, "little"))
        history = b""
        while block := fin.read(32768):
            c = zlib.compressobj(6, zlib.DEFLATED, -15, zdict=history) if history else \
                zlib.compressobj(6, zlib.DEFLATED, -15)
            body = b"CK" + c.compress(block) + c.flush()
            fout.write(len(body).to_bytes(2, "little") + body)
            history = block
        fout.write(b"\0\0")


def libmspack_kwaj():
    """libmspack's KWAJ decompress(src, dest) -> error code, or None."""
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("mspack") or "libmspack.so.0")
    except OSError:
        return None
    lib.mspack_create_kwaj_decompressor.restype = ctypes.c_void_p
    lib.mspack_create_kwaj_decompressor.argtypes = [ctypes.c_void_p]
    lib.mspack_destroy_kwaj_decompressor.argtypes = [ctypes.c_void_p]
    decompress_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p)

    def run(src, dest):
        d = lib.mspack_create_kwaj_decompressor(None)
        try:
            decompress = decompress_type((ctypes.c_void_p * 5).from_address(d)[3])
            t = time.perf_counter()
            rc = decompress(d, os.fsencode(src), os.fsencode(dest))
            return time.perf_counter() - t, rc
        finally:
            lib.mspack_destroy_kwaj_decompressor(d)

    return run


def bench_kwaj(win32lz, work, plain, want, size, size_mib, repeats):
    mspack = libmspack_kwaj()
    if mspack is None:
        print("\nKWAJ: libmspack is missing (apt-get install libmspack0): skipped")
        return
    packed = os.path.join(work, "input.kwj")
    write_kwaj_mszip(plain, packed, size)
    out = os.path.join(work, "out.kwj.dat")
    ours, peer = [], []
    for _ in range(repeats):
        seconds, n = expand_win32lz(win32lz, packed, out)
        assert n == size, (n, size)
        ours.append(seconds)
    assert sha256_of(out) == want, "win32lz expanded the wrong bytes (KWAJ)"
    os.remove(out)
    for _ in range(repeats):
        seconds, rc = mspack(packed, out)
        assert rc == 0, rc
        peer.append(seconds)
    assert sha256_of(out) == want, "libmspack expanded the wrong bytes (KWAJ)"
    best_ours, best_peer = min(ours), min(peer)
    print()
    print(f"KWAJ MSZIP decompression of {size_mib} MiB ({os.path.getsize(packed) / size:.1%} of the input; "
          f"expanded MB/s, best of {repeats})")
    print(f"  {'win32lz (OpenFile+Copy)':<26} {size / best_ours / 1e6:9.1f} MB/s  {best_ours:8.3f} s")
    print(f"  {'libmspack (in process)':<26} {size / best_peer / 1e6:9.1f} MB/s  {best_peer:8.3f} s")
    print(f"  ratio win32lz / libmspack: x{best_peer / best_ours:.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="16 MiB instead of 100 MiB")
    ap.add_argument("--size-mib", type=int, default=None)
    ap.add_argument("--repeats", type=int, default=3, help="runs of win32lz (best kept)")
    ap.add_argument("--peer-repeats", type=int, default=1, help="runs of msexpand (best kept)")
    ap.add_argument("--compress-peer", action="store_true", help="also time mscompress on the input")
    ap.add_argument("--kwaj", action="store_true", help="also KWAJ MSZIP: win32lz vs libmspack")
    args = ap.parse_args()
    size_mib = args.size_mib or (16 if args.quick else 100)
    if not shutil.which("msexpand"):
        sys.exit("msexpand is missing: apt-get install mscompress")
    work = tempfile.mkdtemp(prefix="bench-lz-")
    private_root = os.path.join(work, "root")
    os.environ["PYWIN32_POSIX_ROOT"] = private_root  # a session of its own
    import win32lz

    try:
        plain = os.path.join(work, "input.dat")
        packed = os.path.join(work, "input.da_")
        print(f"generating {size_mib} MiB ...", flush=True)
        want = generate(plain, size_mib << 20)
        size = size_mib << 20
        t = time.perf_counter()
        csize = win32lz.CompressFile(plain, packed)
        ours_compress = time.perf_counter() - t
        print(f"compressed by win32lz.CompressFile: {csize / size:.1%} of the input, "
              f"{size / ours_compress / 1e6:.1f} MB/s")
        if args.compress_peer:
            shutil.copy(plain, os.path.join(work, "peer.dat"))
            t = time.perf_counter()
            subprocess.run(["mscompress", "peer.dat"], cwd=work, check=True)
            peer_compress = time.perf_counter() - t
            psize = os.path.getsize(os.path.join(work, "peer.dat_"))
            print(f"compressed by mscompress:           {psize / size:.1%} of the input, "
                  f"{size / peer_compress / 1e6:.1f} MB/s  (win32lz x{peer_compress / ours_compress:.1f})")

        out = os.path.join(work, "out.dat")
        ours = []
        for _ in range(args.repeats):
            seconds, n = expand_win32lz(win32lz, packed, out)
            assert n == size, (n, size)
            ours.append(seconds)
        assert sha256_of(out) == want, "win32lz expanded the wrong bytes"
        os.remove(out)
        print(f"running msexpand ({args.peer_repeats}x; about a second per MiB) ...", flush=True)
        peer = [expand_msexpand(packed, out) for _ in range(args.peer_repeats)]
        assert sha256_of(out) == want, "msexpand expanded the wrong bytes"

        best_ours, best_peer = min(ours), min(peer)
        print()
        print(f"SZDD decompression of {size_mib} MiB (expanded MB/s, best of runs)")
        print(f"  {'win32lz (OpenFile+Copy)':<26} {size / best_ours / 1e6:9.1f} MB/s  {best_ours:8.3f} s")
        print(f"  {'msexpand':<26} {size / best_peer / 1e6:9.1f} MB/s  {best_peer:8.3f} s")
        print(f"  ratio win32lz / msexpand: x{best_peer / best_ours:.1f}")
        if args.kwaj:
            bench_kwaj(win32lz, work, plain, want, size, size_mib, args.repeats)
    finally:
        from pywin32_posix._session import remove_private_session

        remove_private_session(private_root)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
