#!/usr/bin/env python3
"""Event log benchmark: ReportEvent and ReadEventLog against their peers.

    python bench/bench_evtlog.py            # full run (about half a minute)
    python bench/bench_evtlog.py --quick    # a few seconds

Writes, records per second, from 1 process and from 4 at once:
  - win32evtlog.ReportEvent (ours: SQLite WAL, synchronous=NORMAL, one
    transaction per record, a record durable when the call returns);
  - Python's sqlite3 doing the equivalent insert (same columns, same journal
    settings), one commit per record;
  - syslog(3) through Python's syslog module (fire and forget: no durability,
    and nothing at all when no syslog daemon listens on /dev/log: said so).
Reads, records per second: ReadEventLog over the whole log (forwards, in its
batches, building PyEventLogRecord objects) against sqlite3 fetching the same
rows as tuples.

The run gets a private session (PYWIN32_POSIX_ROOT in a fresh temp dir,
inherited by the children), removed at the end.
"""
import argparse
import multiprocessing
import os
import shutil
import sqlite3
import sys
import tempfile
import time

SCHEMA = ("CREATE TABLE IF NOT EXISTS records(rec INTEGER PRIMARY KEY AUTOINCREMENT,"
          " time_generated INTEGER, time_written INTEGER, event_id INTEGER, event_type INTEGER,"
          " category INTEGER, reserved_flags INTEGER, closing_record INTEGER, source TEXT,"
          " computer TEXT, sid BLOB, num_strings INTEGER, strings BLOB, data BLOB)")
STRINGS = ["benchmark record", "with two inserts"]
DATA = b"\x00" * 16


# --------------------------------------------------------------- writers
def ours_writer(n, start, done):
    import win32evtlog
    h = win32evtlog.RegisterEventSource(None, "Bench")
    start.wait()
    t = time.perf_counter()
    for i in range(n):
        win32evtlog.ReportEvent(h, 4, 0, 1000 + i, None, STRINGS, DATA)
    done.put(time.perf_counter() - t)


def sqlite_writer(path, n, start, done):
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    blob = "\0".join(STRINGS).encode()
    start.wait()
    t = time.perf_counter()
    for i in range(n):
        now = int(time.time())
        con.execute("BEGIN")
        con.execute("INSERT INTO records(time_generated, time_written, event_id, event_type,"
                    " category, reserved_flags, closing_record, source, computer, sid,"
                    " num_strings, strings, data) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (now, now, 1000 + i, 4, 0, 0, 0, "Bench", "host", None, 2, blob, DATA))
        con.execute("COMMIT")
    done.put(time.perf_counter() - t)


def syslog_writer(n, start, done):
    import syslog
    syslog.openlog("Bench", 0, syslog.LOG_USER)
    start.wait()
    t = time.perf_counter()
    for i in range(n):
        syslog.syslog(syslog.LOG_INFO, "%d %s %s" % (1000 + i, *STRINGS))
    done.put(time.perf_counter() - t)


def run_writers(ctx, target, args, processes, per_process):
    start, done = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, per_process, start, done))
             for _ in range(processes)]
    for p in procs:
        p.start()
    time.sleep(0.5)  # let them import and open
    t = time.perf_counter()
    start.set()
    for _ in procs:
        done.get(timeout=300)
    wall = time.perf_counter() - t
    for p in procs:
        p.join(timeout=60)
    return processes * per_process / wall


# --------------------------------------------------------------- readers
def ours_read():
    import win32evtlog
    h = win32evtlog.OpenEventLog(None, "Application")
    flags = win32evtlog.EVENTLOG_SEQUENTIAL_READ | win32evtlog.EVENTLOG_FORWARDS_READ
    n, t = 0, time.perf_counter()
    while True:
        batch = win32evtlog.ReadEventLog(h, flags, 0)
        if not batch:
            break
        n += len(batch)
    return n / (time.perf_counter() - t)


def sqlite_read(path):
    con = sqlite3.connect(path)
    t = time.perf_counter()
    n = sum(1 for _ in con.execute("SELECT * FROM records ORDER BY rec"))
    return n / (time.perf_counter() - t)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--records", type=int, help="records per write test (default 4000, quick 800)")
    opts = ap.parse_args()
    n = opts.records or (800 if opts.quick else 4000)
    root = tempfile.mkdtemp(prefix="bench-evtlog-")
    os.environ["PYWIN32_POSIX_ROOT"] = root
    ctx = multiprocessing.get_context("spawn")
    peer_db = os.path.join(root, "peer.db")
    con = sqlite3.connect(peer_db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(SCHEMA)
    con.commit()
    con.close()
    try:
        print(f"records per second (higher is better); {n} records per test")
        print(f"{'writer':<34}{'1 process':>12}{'4 processes':>14}")
        rows = [
            ("win32evtlog.ReportEvent", ours_writer, ()),
            ("sqlite3, one commit per record", sqlite_writer, (peer_db,)),
            ("syslog.syslog" + ("" if os.path.exists("/dev/log") else " (no /dev/log!)"),
             syslog_writer, ()),
        ]
        results = {}
        for name, target, args in rows:
            one = run_writers(ctx, target, args, 1, n)
            four = run_writers(ctx, target, args, 4, n // 4)
            results[name] = (one, four)
            print(f"{name:<34}{one:>12,.0f}{four:>14,.0f}")
        ours, peer = results["win32evtlog.ReportEvent"], results["sqlite3, one commit per record"]
        print(f"ours / sqlite3: {ours[0] / peer[0]:.2f}x (1 process), {ours[1] / peer[1]:.2f}x (4)")
        print()
        print(f"{'reader':<34}{'records/s':>12}")
        r_ours, r_peer = ours_read(), sqlite_read(peer_db)
        print(f"{'win32evtlog.ReadEventLog':<34}{r_ours:>12,.0f}")
        print(f"{'sqlite3 SELECT (tuples)':<34}{r_peer:>12,.0f}")
        print(f"ours / sqlite3: {r_ours / r_peer:.2f}x")
    finally:
        try:
            from pywin32_posix._session import remove_private_session
            remove_private_session(root)
        except Exception:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
