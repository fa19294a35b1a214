#!/usr/bin/env python3
"""mmapfile benchmark: copying 1 GiB through a shared mapping, against
Python's mmap module, in one run.

    python bench/bench_mmapfile.py             # 1 GiB, as issue 5 asks
    python bench/bench_mmapfile.py --quick     # 128 MiB

Each side: process A makes a shared mapping of the whole size and writes it
with write() in 1 MiB chunks; then process B, unrelated (spawned), opens the
same mapping and read()s it all back in 1 MiB chunks, checking every chunk.
- mmapfile: mmapfile(None, name, size) in A; mmapfile(None, name, 1) in B.
- mmap: a file in /dev/shm (what shared memory between unrelated processes
  is on Linux), mmap.mmap(fd, size) in both.
Setup (making and mapping the memory) is timed apart from the copy: the
named mapping allocates its memory when made (as Windows commits it), the
mmap peer page by page as it is written. The figures are the best of
--repeats runs. The run gets a private session (PYWIN32_POSIX_ROOT).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

CHUNK = 1 << 20

WRITER = r'''
import mmap, os, sys, time
kind, name, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
chunk = bytes(range(256)) * (1 << 12)
t0 = time.perf_counter()
if kind == "mmapfile":
    import mmapfile
    m = mmapfile.mmapfile(None, name, size)
else:
    fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    os.ftruncate(fd, size)
    m = mmap.mmap(fd, size)
t1 = time.perf_counter()
for _ in range(size // len(chunk)):
    m.write(chunk)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, flush=True)
sys.stdin.readline()  # hold the mapping until the reader is done
'''

READER = r'''
import mmap, os, sys, time
kind, name, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
chunk = bytes(range(256)) * (1 << 12)
t0 = time.perf_counter()
if kind == "mmapfile":
    import mmapfile
    m = mmapfile.mmapfile(None, name, 1)
    assert m.size() == size
else:
    fd = os.open(name, os.O_RDWR)
    m = mmap.mmap(fd, size)
t1 = time.perf_counter()
for _ in range(size // len(chunk)):
    if m.read(len(chunk)) != chunk:
        sys.exit("corrupt copy")
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, flush=True)
'''


def one_run(kind, size, tag):
    name = f"bench-mmap-{os.getpid()}-{tag}" if kind == "mmapfile" else f"/dev/shm/bench-mmap-{os.getpid()}-{tag}"
    w = subprocess.Popen([sys.executable, "-c", WRITER, kind, name, str(size)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    w_setup, w_copy = map(float, w.stdout.readline().split())
    r = subprocess.run([sys.executable, "-c", READER, kind, name, str(size)], capture_output=True, text=True)
    w.stdin.write("done\n")
    w.stdin.close()
    w.wait()
    if kind != "mmapfile":
        os.unlink(name)
    if r.returncode != 0:
        sys.exit(f"{kind} reader failed: {r.stderr}")
    r_setup, r_copy = map(float, r.stdout.split())
    return w_setup + r_setup, w_copy, r_copy


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="128 MiB instead of 1 GiB")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    size = (128 if args.quick else 1024) * CHUNK

    root = tempfile.mkdtemp(prefix="w32bench-")
    os.environ["PYWIN32_POSIX_ROOT"] = root
    try:
        best = {}
        for i in range(args.repeats):
            for kind in ("mmapfile", "mmap"):
                res = one_run(kind, size, i)
                best[kind] = tuple(min(a, b) for a, b in zip(best.get(kind, res), res))
    finally:
        from pywin32_posix._session import remove_private_session

        remove_private_session(root)

    gib = size / (1 << 30)
    print(f"copying {size >> 20} MiB through a shared mapping, 1 MiB chunks, best of {args.repeats}")
    print(f"{'':28}{'mmapfile':>12}{'mmap':>12}{'ratio':>9}")
    rows = [("setup (make + map), s", 0, False), ("write, GiB/s", 1, True), ("read (other process), GiB/s", 2, True)]
    for label, k, rate in rows:
        a, b = best["mmapfile"][k], best["mmap"][k]
        if rate:
            a, b = gib / a, gib / b
        ratio = f"{a / b:8.2f}x" if b > 1e-3 else "      --"  # the peer's setup is near zero: its cost is in the write
        print(f"{label:28}{a:12.3f}{b:12.3f}{ratio}")
    total_a = sum(best["mmapfile"])
    total_b = sum(best["mmap"])
    print(f"{'total time, s':28}{total_a:12.3f}{total_b:12.3f}{total_a / total_b:8.2f}x")


if __name__ == "__main__":
    main()
