"""Event log size limits and retention (pywin32_posix.evtlog_policy):
overwrite as needed keeps the newest records within the limit, "do not
overwrite" and an unmet age limit refuse with ERROR_LOG_FILE_FULL."""
import os
import sqlite3

import pytest

import pywintypes
import win32evtlog as E
from evtlog_helpers import log, read_all  # noqa: F401 (log: fixture)
from pywin32_posix import evtlog_policy as P

ERROR_INVALID_PARAMETER = 87
ERROR_LOG_FILE_FULL = 1502


def used_bytes(session_root, name):
    path = os.path.join(session_root, "state", "eventlog", f"{name.lower()}.log.db")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        pages = con.execute("PRAGMA page_count").fetchone()[0]
        free = con.execute("PRAGMA freelist_count").fetchone()[0]
        return (pages - free) * con.execute("PRAGMA page_size").fetchone()[0]
    finally:
        con.close()


def test_default_is_no_limit(log):
    assert P.get_log_policy(log[0]) == {"max_size": 0, "retention": 0, "forward": False}


def test_overwrite_as_needed_keeps_the_newest(log, session_root):
    name, source = log
    P.set_log_policy(name, max_size=0x10000, retention=P.OVERWRITE_AS_NEEDED)
    assert P.get_log_policy(name) == {"max_size": 0x10000, "retention": 0, "forward": False}
    h = E.RegisterEventSource(None, source)
    for i in range(1500):
        E.ReportEvent(h, 4, 0, i, None, ["x" * 200], None)
    r = E.OpenEventLog(None, name)
    count, oldest = E.GetNumberOfEventLogRecords(r), E.GetOldestEventLogRecord(r)
    assert 0 < count < 1500
    assert oldest + count - 1 == 1500
    recs = read_all(r)
    assert [x.RecordNumber for x in recs] == list(range(oldest, 1501))
    assert used_bytes(session_root, name) <= 0x10000


def test_do_not_overwrite_refuses_when_full(log):
    name, source = log
    P.set_log_policy(name, max_size=0x10000, retention=P.DO_NOT_OVERWRITE)
    h = E.RegisterEventSource(None, source)
    with pytest.raises(pywintypes.error) as exc:
        for i in range(5000):
            E.ReportEvent(h, 4, 0, i, None, ["y" * 200], None)
    assert exc.value.winerror == ERROR_LOG_FILE_FULL
    r = E.OpenEventLog(None, name)
    kept = E.GetNumberOfEventLogRecords(r)
    assert E.GetOldestEventLogRecord(r) == 1 and kept == i
    # A larger limit lets writing go on, numbering where it was.
    P.set_log_policy(name, max_size=0x40000, retention=P.DO_NOT_OVERWRITE)
    E.ReportEvent(h, 4, 0, 1, None, ["after"], None)
    assert E.GetNumberOfEventLogRecords(r) == kept + 1


def test_age_limit_refuses_when_nothing_is_old_enough(log):
    name, source = log
    P.set_log_policy(name, max_size=0x10000, retention=30 * P.DAY)
    h = E.RegisterEventSource(None, source)
    with pytest.raises(pywintypes.error) as exc:
        for i in range(5000):
            E.ReportEvent(h, 4, 0, i, None, ["z" * 200], None)
    assert exc.value.winerror == ERROR_LOG_FILE_FULL
    assert E.GetOldestEventLogRecord(E.OpenEventLog(None, name)) == 1


def test_a_record_larger_than_the_log(log):
    name, source = log
    P.set_log_policy(name, max_size=0x10000)
    h = E.RegisterEventSource(None, source)
    with pytest.raises(pywintypes.error) as exc:
        E.ReportEvent(h, 4, 0, 1, None, None, b"\0" * 0x20000)
    assert exc.value.winerror == ERROR_LOG_FILE_FULL


@pytest.mark.parametrize("size", [1, 0xFFFF])
def test_limit_below_64k_is_refused(log, size):
    with pytest.raises(pywintypes.error) as exc:
        P.set_log_policy(log[0], max_size=size)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
