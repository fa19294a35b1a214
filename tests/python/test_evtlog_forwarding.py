"""Forwarding records to the system log (pywin32_posix.evtlog_policy
forward=True): journald's native protocol when its socket is there, else an
RFC 3164 datagram to syslog. The tests listen on sockets of their own,
named to the writer through PYWIN32_POSIX_JOURNAL_SOCKET/_SYSLOG_SOCKET."""
import os
import socket

import pytest

from evtlog_helpers import log  # noqa: F401 (fixture)
from pywin32_posix import evtlog_policy as P

WRITE = ("import sys, win32evtlogutil as U\n"
         "U.ReportEvent(sys.argv[1], int(sys.argv[2]), eventType=int(sys.argv[3]),"
         " strings=sys.argv[4:])\n")


@pytest.fixture
def listener(tmp_path):
    def make(name):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        path = str(tmp_path / name)
        s.bind(path)
        s.settimeout(15)  # every receive is bounded
        sockets.append(s)
        return s, path
    sockets = []
    yield make
    for s in sockets:
        s.close()


def test_forwards_to_syslog(log, listener, run_py, tmp_path):
    name, source = log
    sock, path = listener("syslog")
    env = {"PYWIN32_POSIX_SYSLOG_SOCKET": path,
           "PYWIN32_POSIX_JOURNAL_SOCKET": str(tmp_path / "no-journal")}
    # Not forwarded: written before forwarding is on.
    assert run_py(WRITE, source, 1, 4, "quiet", env=env).returncode == 0
    P.set_log_policy(name, forward=True)
    assert P.get_log_policy(name)["forward"] is True
    r = run_py(WRITE, source, 0x40000001, 1, "disk full", "C:", env=env)
    assert r.returncode == 0, r.stderr
    line = sock.recv(65536).decode()
    assert line.startswith("<11>")  # facility user (1), severity error (3)
    assert f" {source}[" in line
    assert line.endswith(f"[{name}] EventID=1 error: disk full; C:")


def test_forwards_to_journald(log, listener, run_py):
    name, source = log
    sock, path = listener("journal")
    P.set_log_policy(name, forward=True)
    r = run_py(WRITE, source, 7, 2, "line one\nline two",
               env={"PYWIN32_POSIX_JOURNAL_SOCKET": path})
    assert r.returncode == 0, r.stderr
    entry = sock.recv(65536)
    fields = {}
    rest = entry
    while rest:
        head, sep, tail = rest.partition(b"\n")
        if b"=" in head:
            key, _, value = head.partition(b"=")
            fields[key.decode()] = value.decode()
            rest = tail
        else:  # binary-safe form: KEY\n<u64 le length><data>\n
            n = int.from_bytes(tail[:8], "little")
            fields[head.decode()] = tail[8:8 + n].decode()
            rest = tail[8 + n + 1:]
    assert fields["MESSAGE"] == f"[{name}] EventID=7 warning: line one\nline two"
    assert fields["PRIORITY"] == "4"
    assert fields["SYSLOG_IDENTIFIER"] == source
    assert fields["EVENTLOG_LOG"] == name
    assert fields["EVENTLOG_RECORD"] == "1"
    assert fields["EVENTLOG_EVENT_ID"] == "7"


def test_no_listener_never_fails_report_event(log, run_py, tmp_path):
    name, source = log
    P.set_log_policy(name, forward=True)
    env = {"PYWIN32_POSIX_SYSLOG_SOCKET": str(tmp_path / "nobody"),
           "PYWIN32_POSIX_JOURNAL_SOCKET": str(tmp_path / "nobody-either")}
    r = run_py(WRITE, source, 1, 4, "still written", env=env)
    assert r.returncode == 0, r.stderr
    r = run_py("import sys, win32evtlog as E\n"
               "h = E.OpenEventLog(None, sys.argv[1])\n"
               "print(E.GetNumberOfEventLogRecords(h))\n", name)
    assert r.stdout.strip() == "1"
