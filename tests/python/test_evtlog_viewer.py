"""The viewer, ``python -m win32evtlogutil``: lists records another process
wrote, filters them, and follows a log as new records come."""
import os
import select
import subprocess
import sys
import time
import uuid

import win32evtlogutil
from evtlog_helpers import log  # noqa: F401 (fixture)

CHILD_TIMEOUT = 60


def viewer(*args, **kw):
    return subprocess.run([sys.executable, "-m", "win32evtlogutil", *args], capture_output=True,
                          text=True, timeout=CHILD_TIMEOUT, stdin=subprocess.DEVNULL,
                          cwd=os.environ["PYWIN32_POSIX_ROOT"], **kw)


def test_lists_records_written_by_another_process(log, run_py):
    name, source = log
    r = run_py("import sys, win32evtlogutil as U\n"
               "U.ReportEvent(sys.argv[1], 1, strings=['first one'])\n"
               "U.ReportEvent(sys.argv[1], 2, eventType=2, strings=['second', 'part'])\n", source)
    assert r.returncode == 0, r.stderr
    r = viewer("--log", name)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 2
    assert source in lines[0] and "[1]" in lines[0] and lines[0].endswith("first one")
    assert "warning" in lines[1] and lines[1].endswith("second; part")


def test_filters_and_tail(log):
    name, source = log
    for i in range(6):
        win32evtlogutil.ReportEvent(source, 10 + i, eventType=[1, 2, 4][i % 3], strings=[f"m{i}"])
    out = viewer("-l", name, "-t", "error").stdout.splitlines()
    assert [line.split()[-1] for line in out] == ["m0", "m3"]
    out = viewer("-l", name, "-n", "2").stdout.splitlines()
    assert [line.split()[-1] for line in out] == ["m4", "m5"]
    out = viewer("-l", name, "-i", "12", "--json").stdout.splitlines()
    assert len(out) == 1 and '"strings": ["m2"]' in out[0]
    assert viewer("-l", name, "-s", "nobody").stdout == ""


def test_bad_arguments_and_files(tmp_path):
    r = viewer("-t", "loud")
    assert r.returncode == 2 and "unknown type" in r.stderr
    bad = tmp_path / "bad.evt"
    bad.write_bytes(b"junk" * 100)
    r = viewer("--backup", str(bad))
    assert r.returncode == 1 and "1500" in r.stderr


def test_follow_prints_new_records(log):
    name, source = log
    win32evtlogutil.ReportEvent(source, 1, strings=["before"])
    proc = subprocess.Popen([sys.executable, "-m", "win32evtlogutil", "-l", name, "--follow"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, cwd=os.environ["PYWIN32_POSIX_ROOT"])
    try:
        def next_line():
            deadline = time.monotonic() + CHILD_TIMEOUT
            while time.monotonic() < deadline:
                ready, _, _ = select.select([proc.stdout], [], [], 1)
                if ready:
                    return proc.stdout.readline()
            raise AssertionError("the viewer printed nothing: " + str(proc.poll()))

        assert next_line().rstrip().endswith("before")
        tag = uuid.uuid4().hex
        win32evtlogutil.ReportEvent(source, 2, strings=[tag])
        assert next_line().rstrip().endswith(tag)
    finally:
        proc.kill()
        proc.wait()
