#!/usr/bin/env python3
"""Overlapped sockets benchmark: echo round trips through a completion port
(WSASend + WSARecv + GetQueuedCompletionStatus) against asyncio
(loop.sock_sendall / loop.sock_recv) and plain blocking sockets, in one run.

    python bench/bench_win32file_sockets.py           # 20,000 round trips per figure
    python bench/bench_win32file_sockets.py --quick   # 3,000

The echo peer is another process (a plain blocking echo, one thread per
connection), the same for all three clients. Two shapes:
1. one connection, one 64-byte message at a time (latency-bound);
2. 16 connections, each with one 64-byte message in flight (IOCP: one
   thread reaps all 16 from one port; asyncio: 16 tasks; blocking: 16
   threads).
Each figure is the best of --repeats runs (the clients alternate); the
ratios are our rate / the peer's (> 1: we are faster).
The run gets a private session (PYWIN32_POSIX_ROOT in a temp dir, removed).
"""
import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = tempfile.mkdtemp(prefix="w32bench-sock-")
os.environ["PYWIN32_POSIX_ROOT"] = ROOT

import pywintypes  # noqa: E402
import win32file  # noqa: E402

MESSAGE = b"m" * 64

ECHO_PEER = r"""
import socket, sys, threading
lst = socket.socket()
lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lst.bind(("127.0.0.1", 0))
lst.listen(128)
print(lst.getsockname()[1], flush=True)
def serve(c):
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        d = c.recv(65536)
        if not d:
            c.close()
            return
        c.sendall(d)
while True:
    c, _ = lst.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"""


def connect(port, n):
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        socks.append(s)
    return socks


def recv_exact(s, n):
    got = b""
    while len(got) < n:
        chunk = s.recv(n - len(got))
        if not chunk:
            raise RuntimeError("peer closed")
        got += chunk
    return got


def run_iocp(port, conns, trips):
    socks = connect(port, conns)
    cp = win32file.CreateIoCompletionPort(-1, None, 0, 0)
    state = []
    for i, s in enumerate(socks):
        win32file.CreateIoCompletionPort(s.fileno(), cp, i, 0)
        buf = win32file.AllocateReadBuffer(len(MESSAGE))
        rol, sol = pywintypes.OVERLAPPED(), pywintypes.OVERLAPPED()
        rol.object, sol.object = "r", "s"
        state.append([s, buf, rol, sol, 0, 0])  # socket, buffer, ols, received in this trip, trips done
    per = trips // conns
    t0 = time.perf_counter()
    for s, buf, rol, sol, _, _ in state:
        win32file.WSASend(s, MESSAGE, sol, 0)
        win32file.WSARecv(s, buf, rol, 0)
    active = conns
    while active:
        rc, n, key, ol = win32file.GetQueuedCompletionStatus(cp, 10000)
        if ol is None or rc:
            raise RuntimeError(f"completion failed: {rc}")
        st = state[key]
        if ol.object == "s":
            continue
        st[4] += n
        if st[4] < len(MESSAGE):
            win32file.WSARecv(st[0], st[1], st[2], 0)  # the rest of this echo
            continue
        st[4] = 0
        st[5] += 1
        if st[5] == per:
            active -= 1
            continue
        win32file.WSASend(st[0], MESSAGE, st[3], 0)
        win32file.WSARecv(st[0], st[1], st[2], 0)
    elapsed = time.perf_counter() - t0
    # The last sends' packets may still be queued: take them before the port goes.
    while win32file.GetQueuedCompletionStatus(cp, 0)[3] is not None:
        pass
    for s in socks:
        s.close()
    cp.Close()
    return per * conns / elapsed


def run_asyncio(port, conns, trips):
    socks = connect(port, conns)
    for s in socks:
        s.setblocking(False)
    per = trips // conns

    async def client(loop, s):
        for _ in range(per):
            await loop.sock_sendall(s, MESSAGE)
            got = 0
            while got < len(MESSAGE):
                d = await loop.sock_recv(s, len(MESSAGE) - got)
                if not d:
                    raise RuntimeError("peer closed")
                got += len(d)

    async def main():
        loop = asyncio.get_running_loop()
        t0 = time.perf_counter()
        await asyncio.gather(*(client(loop, s) for s in socks))
        return time.perf_counter() - t0

    elapsed = asyncio.run(main())
    for s in socks:
        s.close()
    return per * conns / elapsed


def run_blocking(port, conns, trips):
    socks = connect(port, conns)
    per = trips // conns

    def client(s):
        for _ in range(per):
            s.sendall(MESSAGE)
            recv_exact(s, len(MESSAGE))

    t0 = time.perf_counter()
    if conns == 1:
        client(socks[0])
    else:
        threads = [threading.Thread(target=client, args=(s,)) for s in socks]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    elapsed = time.perf_counter() - t0
    for s in socks:
        s.close()
    return per * conns / elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--trips", type=int, default=None)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    trips = args.trips or (3000 if args.quick else 20000)
    peer = subprocess.Popen([sys.executable, "-c", ECHO_PEER], stdout=subprocess.PIPE, text=True)
    try:
        port = int(peer.stdout.readline())
        print(f"echo round trips of {len(MESSAGE)} bytes, {trips} per figure, best of {args.repeats}")
        print(f"{'shape':<16}{'IOCP (ours)':>14}{'asyncio':>12}{'blocking':>12}{'ours/asyncio':>14}{'ours/blocking':>15}")
        for conns in (1, 16):
            best = {"iocp": 0.0, "asyncio": 0.0, "blocking": 0.0}
            for _ in range(args.repeats):
                best["iocp"] = max(best["iocp"], run_iocp(port, conns, trips))
                best["asyncio"] = max(best["asyncio"], run_asyncio(port, conns, trips))
                best["blocking"] = max(best["blocking"], run_blocking(port, conns, trips))
            shape = f"{conns} connection{'s' if conns > 1 else ''}"
            print(
                f"{shape:<16}{best['iocp']:>11,.0f}/s{best['asyncio']:>10,.0f}/s{best['blocking']:>10,.0f}/s"
                f"{best['iocp'] / best['asyncio']:>13.2f}x{best['iocp'] / best['blocking']:>14.2f}x"
            )
    finally:
        peer.kill()
        peer.wait()
        shutil.rmtree(ROOT, ignore_errors=True)


if __name__ == "__main__":
    main()
