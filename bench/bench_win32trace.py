#!/usr/bin/env python3
"""win32trace benchmark: 100-byte lines from 4 writer processes with a
collector draining, against the same lines through a multiprocessing.Queue,
in one run.

    python bench/bench_win32trace.py            # 4 x 100,000 lines
    python bench/bench_win32trace.py --quick    # 4 x 20,000 lines

Each side: 4 writer processes (spawned) wait for a start event, then each
sends --lines lines of 100 bytes, one call per line; this process is the
collector and drains until every writer is done and everything sent has
arrived. Figure: lines per second over that span (all writers together),
best of --repeats. win32trace may lose lines by design (a full buffer is
emptied when the collector falls behind); the lost share is printed.
- win32trace: win32trace.write(line) / win32trace.blockingread(100)
- Queue: q.put(line) / q.get() (the same str lines)
The run gets a private session (PYWIN32_POSIX_ROOT, removed at the end).
"""
import argparse
import multiprocessing as mp
import os
import queue
import tempfile
import time

WRITERS = 4


def line_of(writer, i):
    return f"w{writer} {i:09d} ".ljust(99, ".") + "\n"


def trace_writer(n, count, start, done):
    import win32trace

    win32trace.InitWrite()
    lines = [line_of(n, i) for i in range(count)]
    write = win32trace.write
    start.wait()
    for line in lines:
        write(line)
    done.set()
    win32trace.TermWrite()


def queue_writer(n, count, start, q):
    lines = [line_of(n, i) for i in range(count)]
    put = q.put
    start.wait()
    for line in lines:
        put(line)


def run_trace(ctx, count):
    import win32trace

    win32trace.InitRead()
    win32trace.read()
    start = ctx.Event()
    dones = [ctx.Event() for _ in range(WRITERS)]
    procs = [ctx.Process(target=trace_writer, args=(n, count, start, dones[n])) for n in range(WRITERS)]
    for p in procs:
        p.start()
    time.sleep(1.0)  # the writers are up and attached
    received = 0
    t0 = time.perf_counter()
    start.set()
    while True:
        received += win32trace.blockingread(100).count("\n")
        if all(d.is_set() for d in dones):
            received += win32trace.read().count("\n")
            break
    elapsed = time.perf_counter() - t0
    for p in procs:
        p.join()
    win32trace.TermRead()
    return WRITERS * count / elapsed, received


def run_queue(ctx, count):
    q = ctx.Queue()
    start = ctx.Event()
    procs = [ctx.Process(target=queue_writer, args=(n, count, start, q)) for n in range(WRITERS)]
    for p in procs:
        p.start()
    time.sleep(1.0)
    total = WRITERS * count
    get = q.get
    t0 = time.perf_counter()
    start.set()
    for _ in range(total):
        get()
    elapsed = time.perf_counter() - t0
    for p in procs:
        p.join()
    return total / elapsed, total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=100_000, help="lines per writer")
    ap.add_argument("--quick", action="store_true", help="20,000 lines per writer")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    count = 20_000 if args.quick else args.lines

    root = tempfile.mkdtemp(prefix="w32bench-")
    os.environ["PYWIN32_POSIX_ROOT"] = root
    ctx = mp.get_context("spawn")
    try:
        trace_runs = [run_trace(ctx, count) for _ in range(args.repeats)]
        queue_runs = [run_queue(ctx, count) for _ in range(args.repeats)]
    finally:
        from pywin32_posix._session import remove_private_session

        remove_private_session(root)

    total = WRITERS * count
    t_rate, t_recv = max(trace_runs)
    q_rate, _ = max(queue_runs)
    lost = [1 - r / total for _, r in trace_runs]
    print(f"{WRITERS} writer processes x {count:,} lines of 100 bytes, a collector draining; best of {args.repeats}")
    print(f"{'':26}{'win32trace':>14}{'mp.Queue':>14}{'ratio':>9}")
    print(f"{'lines/s (all writers)':26}{t_rate:14,.0f}{q_rate:14,.0f}{t_rate / q_rate:8.2f}x")
    print(f"{'MB/s':26}{t_rate * 100 / 1e6:14.1f}{q_rate * 100 / 1e6:14.1f}")
    print(f"win32trace lines lost (buffer emptied while the collector was behind): "
          f"{', '.join(f'{x:.1%}' for x in lost)} per run")


if __name__ == "__main__":
    main()
