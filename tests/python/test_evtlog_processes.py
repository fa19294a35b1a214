"""The event log between processes: a record written in one process reads
back in another; NotifyChangeEventLog is signalled by another process's
ReportEvent; a writer SIGKILLed in a tight loop loses no record whose
ReportEvent returned and leaves the store clean; 8 writers and 2 readers
at once lose and duplicate nothing.

Every wait and every child is bounded; nothing asserts on elapsed time.
"""
import os
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import win32event
import win32evtlog as E
import win32evtlogutil
from evtlog_helpers import READ_BACK, READ_FWD, log, read_all  # noqa: F401 (log: fixture)

CHILD_TIMEOUT = 60


def spawn(code, *args):
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL,
                            cwd=os.environ["PYWIN32_POSIX_ROOT"])  # not the repo


def test_record_written_by_another_process_reads_back(log, run_py):
    name, source = log
    r = run_py(
        "import sys, win32evtlogutil\n"
        "win32evtlogutil.ReportEvent(sys.argv[1], 42, strings=['from child'], data=b'\\x01')\n",
        source)
    assert r.returncode == 0, r.stderr
    [rec] = read_all(E.OpenEventLog(None, name))
    assert (rec.SourceName, rec.EventID, rec.StringInserts, rec.Data) == \
        (source, 42, ("from child",), b"\x01")


def test_reader_in_another_process(log, run_py):
    name, source = log
    win32evtlogutil.ReportEvent(source, 7, strings=["parent"])
    r = run_py(
        "import sys, win32evtlog as E\n"
        "h = E.OpenEventLog(None, sys.argv[1])\n"
        "recs = E.ReadEventLog(h, E.EVENTLOG_SEQUENTIAL_READ | E.EVENTLOG_BACKWARDS_READ, 0)\n"
        "print(recs[0].StringInserts[0], recs[0].EventID)\n", name)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["parent", "7"]


def test_notify_is_signalled_by_another_process(log, run_py):
    name, source = log
    h = E.OpenEventLog(None, name)
    ev = win32event.CreateEvent(None, 0, 0, None)
    E.NotifyChangeEventLog(h, ev)
    assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_TIMEOUT
    for round_ in range(3):
        r = run_py("import sys, win32evtlogutil\n"
                   "win32evtlogutil.ReportEvent(sys.argv[1], 1, strings=[sys.argv[2]])\n",
                   source, round_)
        assert r.returncode == 0, r.stderr
        assert win32event.WaitForSingleObject(ev, 15000) == win32event.WAIT_OBJECT_0
        recs = E.ReadEventLog(h, READ_FWD, 0)
        assert [x.StringInserts[0] for x in recs] == [str(round_)]


def test_notify_wakes_a_waiter_while_another_process_writes(log):
    """A child waits on the notification; the parent writes."""
    name, source = log
    child = spawn("""
        import sys, win32event, win32evtlog as E
        h = E.OpenEventLog(None, sys.argv[1])
        ev = win32event.CreateEvent(None, 1, 0, None)
        E.NotifyChangeEventLog(h, ev)
        print("ready", flush=True)
        r = win32event.WaitForSingleObject(ev, 20000)
        print("signalled" if r == win32event.WAIT_OBJECT_0 else "timeout", flush=True)
    """, name)
    try:
        assert child.stdout.readline().strip() == "ready"
        win32evtlogutil.ReportEvent(source, 5)
        out, err = child.communicate(timeout=CHILD_TIMEOUT)
        assert out.strip() == "signalled", err
    finally:
        child.kill()
        child.wait()


WRITER_LOOP = """
    import sys, win32evtlog as E
    h = E.RegisterEventSource(None, sys.argv[1])
    tag, i = sys.argv[2], 0
    while True:
        E.ReportEvent(h, 4, 0, 1, None, ["%s:%d" % (tag, i)], b"d" * (i % 50))
        print(i, flush=True)
        i += 1
"""


def _read_lines_until(proc, count, deadline):
    """The numbers the child printed, once at least `count` of them came."""
    got, buf = [], ""
    fd = proc.stdout.fileno()
    while len(got) < count:
        left = deadline - time.monotonic()
        assert left > 0, "writer made no progress"
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 65536).decode()
        assert chunk, "writer exited: " + proc.stderr.read()
        buf += chunk
        *lines, buf = buf.split("\n")
        got.extend(int(x) for x in lines if x)
    return got


def test_sigkilled_writer_loses_no_returned_record(log, session_root):
    name, source = log
    confirmed = []
    for round_ in range(4):
        proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(WRITER_LOOP), source, str(round_)],
                                cwd=os.environ["PYWIN32_POSIX_ROOT"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)
        try:
            got = _read_lines_until(proc, 300 + 37 * round_, time.monotonic() + CHILD_TIMEOUT)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=CHILD_TIMEOUT)
            proc.stdout.close()
            proc.stderr.close()
        confirmed.extend(f"{round_}:{i}" for i in got)
    # The store opens clean and holds every confirmed record, once.
    db = os.path.join(session_root, "state", "eventlog", f"{name.lower()}.log.db")
    h = E.OpenEventLog(None, name)
    recs = read_all(h)
    numbers = [r.RecordNumber for r in recs]
    assert numbers == sorted(set(numbers))
    inserts = [r.StringInserts[0] for r in recs]
    assert len(inserts) == len(set(inserts))
    assert set(confirmed) <= set(inserts)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    # Numbering continues after the last record.
    win32evtlogutil.ReportEvent(source, 2, strings=["after"])
    last = E.ReadEventLog(h, READ_FWD, 0)
    assert [r.StringInserts for r in last] == [("after",)]
    assert last[0].RecordNumber == numbers[-1] + 1


WRITER = """
    import sys, win32evtlog as E
    source, w, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    h = E.RegisterEventSource(None, source)
    for i in range(n):
        E.ReportEvent(h, 4, 0, w, None, ["%d:%d" % (w, i)], None)
    print("done", flush=True)
"""

READER = """
    import sys, time, win32evtlog as E
    log, total = sys.argv[1], int(sys.argv[2])
    h = E.OpenEventLog(None, log)
    seen, numbers = [], []
    deadline = time.monotonic() + 50
    while len(seen) < total and time.monotonic() < deadline:
        batch = E.ReadEventLog(h, E.EVENTLOG_SEQUENTIAL_READ | E.EVENTLOG_FORWARDS_READ, 0)
        if not batch:
            time.sleep(0.005)
        for r in batch:
            numbers.append(r.RecordNumber)
            seen.append(r.StringInserts[0])
    ok = numbers == sorted(set(numbers)) and len(set(seen)) == len(seen)
    print(len(seen), "ok" if ok else "BAD", flush=True)
"""


def test_eight_writers_two_readers(log):
    name, source = log
    writers, per_writer = 8, 250
    total = writers * per_writer
    readers = [spawn(READER, name, total) for _ in range(2)]
    procs = [spawn(WRITER, source, w, per_writer) for w in range(writers)]
    try:
        for p in procs:
            out, err = p.communicate(timeout=CHILD_TIMEOUT)
            assert p.returncode == 0 and out.strip() == "done", err
        for p in readers:
            out, err = p.communicate(timeout=CHILD_TIMEOUT)
            assert p.returncode == 0, err
            assert out.split() == [str(total), "ok"]
    finally:
        for p in procs + readers:
            p.kill()
            p.wait()
    recs = read_all(E.OpenEventLog(None, name))
    assert [r.RecordNumber for r in recs] == list(range(1, total + 1))
    assert sorted(r.StringInserts[0] for r in recs) == \
        sorted(f"{w}:{i}" for w in range(writers) for i in range(per_writer))


def test_handles_used_in_a_forked_child(log, session_root):
    """A child made by fork() writes and reads through the handles it
    inherited (on connections of its own); the parent's go on working."""
    name, source = log
    writer = E.RegisterEventSource(None, source)
    reader = E.OpenEventLog(None, name)
    E.ReportEvent(writer, 4, 0, 1, None, ["parent before"], None)
    assert len(E.ReadEventLog(reader, READ_FWD, 0)) == 1
    pid = os.fork()
    if pid == 0:  # the child: report through os._exit's status only
        status = 1
        try:
            E.ReportEvent(writer, 4, 0, 2, None, ["child"], None)
            got = E.ReadEventLog(reader, READ_FWD, 0)
            status = 0 if [r.StringInserts for r in got] == [("child",)] else 2
            E.CloseEventLog(reader)
            E.DeregisterEventSource(writer)
        finally:
            os._exit(status)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    E.ReportEvent(writer, 4, 0, 3, None, ["parent after"], None)
    got = E.ReadEventLog(reader, READ_FWD, 0)
    assert [r.StringInserts[0] for r in got] == ["child", "parent after"]
    db = os.path.join(session_root, "state", "eventlog", f"{name.lower()}.log.db")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
