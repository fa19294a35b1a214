#!/usr/bin/env python3
"""Named pipe benchmark: win32pipe against Python's socket module over
AF_UNIX, between two processes, in one run.

    python bench/bench_pipes.py            # 256 MiB throughput, 20,000 round trips
    python bench/bench_pipes.py --full     # 1 GiB, as the issue asks
    python bench/bench_pipes.py --quick    # a few seconds

1. Round trip of a 64-byte message: the client does TransactNamedPipe, and
   WriteFile + ReadFile, on a message pipe; the peer does send + recv on an
   AF_UNIX SOCK_SEQPACKET socket pair of its own. The server echoes.
2. Throughput: 64 KiB writes on a byte pipe (WriteFile / ReadFile of 64 KiB)
   against sendall / recv_into on AF_UNIX SOCK_STREAM.

Targets (issue 4): round trip <= 1.0x the socket peer, throughput >= 0.9x.
The run gets a private session (PYWIN32_POSIX_ROOT in a temp dir, removed).
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time

MSG = b"m" * 64
CHUNK = 64 * 1024

SERVER = r'''
import socket, sys, win32file, win32pipe
kind, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
if kind == "pipe-echo":
    h = win32pipe.CreateNamedPipe(name, 3, 6, 1, 65536, 65536, 0, None)
    print("up", flush=True); win32pipe.ConnectNamedPipe(h, None)
    for _ in range(count):
        win32file.WriteFile(h, win32file.ReadFile(h, 4096)[1])
elif kind == "pipe-sink":
    h = win32pipe.CreateNamedPipe(name, 3, 0, 1, 65536, 65536, 0, None)
    print("up", flush=True); win32pipe.ConnectNamedPipe(h, None)
    buf = bytearray(65536); left = count
    while left > 0:
        left -= len(win32file.ReadFile(h, buf)[1])
    win32file.WriteFile(h, b"k")
else:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET if kind == "sock-echo" else socket.SOCK_STREAM)
    s.bind(name); s.listen(1); print("up", flush=True); c, _ = s.accept()
    if kind == "sock-echo":
        for _ in range(count):
            c.send(c.recv(4096))
    else:
        buf = bytearray(65536); left = count
        while left > 0:
            left -= c.recv_into(buf)
        c.send(b"k")
'''


def start(kind, name, count):
    p = subprocess.Popen([sys.executable, "-c", SERVER, kind, name, str(count)], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "up"
    return p


def pipe_client(name):
    import win32file
    import win32pipe

    h = win32file.CreateFile(name, win32file.GENERIC_READ | win32file.GENERIC_WRITE, 0, None,
                             win32file.OPEN_EXISTING, 0, None)
    return h, win32file, win32pipe


def round_trips(rounds, tmp):
    results = {}
    # TransactNamedPipe
    name = r"\\.\pipe\bench-rt-%d" % os.getpid()
    p = start("pipe-echo", name, rounds)
    h, win32file, win32pipe = pipe_client(name)
    win32pipe.SetNamedPipeHandleState(h, win32pipe.PIPE_READMODE_MESSAGE, None, None)
    half = rounds // 2
    t = time.perf_counter()
    for _ in range(half):
        win32pipe.TransactNamedPipe(h, MSG, 4096, None)
    results["TransactNamedPipe"] = (time.perf_counter() - t) / half
    t = time.perf_counter()
    for _ in range(rounds - half):
        win32file.WriteFile(h, MSG)
        win32file.ReadFile(h, 4096)
    results["WriteFile+ReadFile"] = (time.perf_counter() - t) / (rounds - half)
    h.Close()
    p.wait()
    # socket peer
    path = os.path.join(tmp, "rt.sock")
    p = start("sock-echo", path, rounds)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(path)
    t = time.perf_counter()
    for _ in range(rounds):
        s.send(MSG)
        s.recv(4096)
    results["socket send+recv (SEQPACKET)"] = (time.perf_counter() - t) / rounds
    s.close()
    p.wait()
    return results


def throughput(total, tmp):
    data = b"d" * CHUNK
    n = total // CHUNK
    name = r"\\.\pipe\bench-tp-%d" % os.getpid()
    p = start("pipe-sink", name, n * CHUNK)
    h, win32file, _ = pipe_client(name)
    t = time.perf_counter()
    for _ in range(n):
        win32file.WriteFile(h, data)
    win32file.ReadFile(h, 1)
    ours = total / (time.perf_counter() - t)
    h.Close()
    p.wait()
    path = os.path.join(tmp, "tp.sock")
    p = start("sock-stream", path, n * CHUNK)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    t = time.perf_counter()
    for _ in range(n):
        s.sendall(data)
    s.recv(1)
    peer = total / (time.perf_counter() - t)
    s.close()
    p.wait()
    return ours, peer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true", help="1 GiB throughput")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    rounds = 2000 if args.quick else 20000
    total = (32 << 20) if args.quick else (1 << 30) if args.full else (256 << 20)
    tmp = tempfile.mkdtemp(prefix="w32bench-")
    os.environ["PYWIN32_POSIX_ROOT"] = tmp
    try:
        print(f"1. round trip, 64 B, {rounds} trips (lower is better)")
        rt = round_trips(rounds, tmp)
        peer = rt["socket send+recv (SEQPACKET)"]
        for k, v in rt.items():
            print(f"   {k:32s} {v * 1e6:7.1f} us   ratio to socket {v / peer:4.2f}x (target <= 1.0)")
        print(f"2. throughput, 64 KiB writes, {total >> 20} MiB (higher is better)")
        ours, peer = throughput(total, tmp)
        print(f"   WriteFile/ReadFile (byte pipe)   {ours / 2**20:7.0f} MiB/s")
        print(f"   socket sendall/recv_into         {peer / 2**20:7.0f} MiB/s   ours/peer {ours / peer:4.2f}x (target >= 0.9)")
    finally:
        from pywin32_posix._session import remove_private_session

        remove_private_session(tmp)


if __name__ == "__main__":
    main()
