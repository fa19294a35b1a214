"""odbc against pyodbc, on the same driver and database, in one run.

    python3 bench/bench_odbc.py [--rows 1000000] [--inserts 100000] [--repeat 3] [--no-pg]

For SQLite (the embedded default, a file in a temporary directory) and for
PostgreSQL (a throwaway server on loopback, started as the tests do), it
times: fetching ROWS rows of 5 columns (int, float, text, timestamp, a
column of NULLs) with fetchall and with fetchmany(1000), and inserting
INSERTS rows with parameters (pywin32's execute with a sequence of rows
against pyodbc's executemany), in one transaction. Best of REPEAT runs,
the two modules taking turns, the collector off while timing (as timeit);
the ratio is pyodbc's time over ours (above 1: we are faster).
"""
import argparse
import datetime
import gc
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))

import odbc  # noqa: E402

try:
    import pyodbc  # noqa: E402
except ImportError:
    pyodbc = None

COLUMNS = "i integer, f double precision, t text, ts timestamp, n integer"


def timed(fn):
    # As timeit: the collector off while timing (both modules build the same
    # tuples), and run between timings.
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    finally:
        gc.enable()


def best_of_both(ours, peer, repeat):
    """Best times of ours and peer, taken in turns (a busy machine slows both alike)."""
    t_ours, t_peer = [], []
    for _ in range(repeat):
        t_ours.append(timed(ours))
        if peer is not None:
            t_peer.append(timed(peer))
    return min(t_ours), (min(t_peer) if t_peer else None)


def fill_sqlite(conn_string, rows):
    c = odbc.odbc(conn_string)
    cur = c.cursor()
    cur.execute("drop table if exists bench")
    cur.execute(f"create table bench({COLUMNS})")
    cur.execute(
        "with recursive s(x) as (select 1 union all select x + 1 from s limit ?) "
        "insert into bench select x, x * 0.5, 'row number ' || x, "
        "datetime('2024-01-01', '+' || x || ' seconds'), null from s", (rows,))
    c.close()


def fill_pg(conn_string, rows):
    c = odbc.odbc(conn_string)
    cur = c.cursor()
    cur.execute("drop table if exists bench")
    cur.execute(f"create table bench({COLUMNS})")
    cur.execute(
        "insert into bench select x, x * 0.5, 'row number ' || x, "
        "timestamp '2024-01-01' + x * interval '1 second', null from generate_series(1, ?) x", (rows,))
    c.close()


def ours_connect(cs):
    c = odbc.odbc(cs)
    c.setautocommit(0)  # pyodbc's default
    return c


def peer_connect(cs):
    return pyodbc.connect(cs, autocommit=False)


def fetch_all(connect, cs):
    c = connect(cs)
    cur = c.cursor()
    cur.execute("select i, f, t, ts, n from bench")
    n = len(cur.fetchall())
    c.close()
    return n


def fetch_many(connect, cs):
    c = connect(cs)
    cur = c.cursor()
    cur.execute("select i, f, t, ts, n from bench")
    n = 0
    while True:
        rows = cur.fetchmany(1000)
        if not rows:
            break
        n += len(rows)
    c.close()
    return n


def insert_rows(count):
    base = datetime.datetime(2024, 1, 1)
    return [(k, k * 0.25, f"inserted {k}", base + datetime.timedelta(seconds=k), None) for k in range(count)]


def insert(connect, cs, rows):
    c = connect(cs)
    cur = c.cursor()
    cur.execute("delete from bench_in")
    sql = "insert into bench_in values (?, ?, ?, ?, ?)"
    if connect is ours_connect:
        cur.execute(sql, rows)  # pywin32's many-rows execute
    else:
        cur.executemany(sql, rows)
    c.commit()
    c.close()


def run(name, cs, fill, args):
    print(f"\n{name}: {args.rows:,} rows x 5 columns; {args.inserts:,} inserts")
    fill(cs, args.rows)
    c = odbc.odbc(cs)
    cur = c.cursor()
    cur.execute("drop table if exists bench_in")
    cur.execute(f"create table bench_in({COLUMNS})")
    c.close()
    rows = insert_rows(args.inserts)
    cases = [
        ("fetchall", lambda connect: fetch_all(connect, cs), args.rows),
        ("fetchmany(1000)", lambda connect: fetch_many(connect, cs), args.rows),
        ("insert (params)", lambda connect: insert(connect, cs, rows), args.inserts),
    ]
    print(f"  {'case':<18}{'odbc (ours)':>14}{'pyodbc':>14}{'ratio':>9}")
    for label, case, n in cases:
        peer = (lambda: case(peer_connect)) if pyodbc is not None else None
        t_ours, t_peer = best_of_both(lambda: case(ours_connect), peer, args.repeat)
        if t_peer is None:
            print(f"  {label:<18}{t_ours:>12.3f} s{'-':>14}{'-':>9}")
            continue
        print(f"  {label:<18}{t_ours:>12.3f} s{t_peer:>12.3f} s{t_peer / t_ours:>8.2f}x"
              f"   ({n / t_ours:,.0f} vs {n / t_peer:,.0f} rows/s)")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--inserts", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--no-pg", action="store_true")
    args = p.parse_args()
    if pyodbc is None:
        print("pyodbc is not installed (pip install -r bench/requirements.txt): ours only")
    tmp = tempfile.mkdtemp(prefix="bench-odbc-")
    import glob
    import pg_server

    sqlite = (glob.glob("/usr/lib/*/odbc/libsqlite3odbc.so") or [None])[0]
    pg_server.use_private_odbcinst(os.path.join(tmp, "odbcinst"), sqlite)
    try:
        db = os.path.join(tmp, "bench.db")
        run("SQLite (libsqliteodbc)", f"Driver={{SQLite3}};Database={db}", fill_sqlite, args)
        if not args.no_pg:
            why = pg_server.PgServer.unavailable()
            if why:
                print(f"\nPostgreSQL: skipped ({why})")
            else:
                server = pg_server.PgServer().init().start()
                try:
                    run("PostgreSQL (psqlODBC)", server.connect_string(), fill_pg, args)
                finally:
                    server.cleanup()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
