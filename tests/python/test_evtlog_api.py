"""win32evtlog's classic API in one process: writing and reading records,
read flags and positions, handles of the wrong kind, clearing, backups,
malformed backup files, the remote-server error, file permissions.

Each test writes to a log of its own (a source registered for a fresh custom
log), since the whole run shares one session. Every wait is bounded.
"""
import os
import stat
import uuid

import pytest

import pywintypes
import win32event
import win32evtlog as E
import win32evtlogutil
from evtlog_helpers import READ_BACK, READ_FWD, log, read_all  # noqa: F401 (log: fixture)

ERROR_FILE_NOT_FOUND = 2
ERROR_INVALID_HANDLE = 6
ERROR_INVALID_PARAMETER = 87
ERROR_INVALID_NAME = 123
ERROR_ALREADY_EXISTS = 183
ERROR_INVALID_SID = 1337
ERROR_EVENTLOG_FILE_CORRUPT = 1500
RPC_S_SERVER_UNAVAILABLE = 1722


def write(source, n, event_id=1000, **kw):
    h = E.RegisterEventSource(None, source)
    try:
        for i in range(n):
            E.ReportEvent(h, kw.get("type", E.EVENTLOG_INFORMATION_TYPE), kw.get("category", 0),
                          event_id + i, kw.get("sid"), kw.get("strings", [f"s{i}"]), kw.get("data"))
    finally:
        E.DeregisterEventSource(h)


def test_record_has_every_field(log):
    name, source = log
    sid = pywintypes.SID(bytes([1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]))
    write(source, 1, event_id=0xC0000005, type=E.EVENTLOG_ERROR_TYPE, category=3, sid=sid,
          strings=["one", "two"], data=b"\x00\x01raw")
    h = E.OpenEventLog(None, name)
    [rec] = read_all(h)
    assert rec.RecordNumber == 1
    assert rec.EventID == 0xC0000005 - (1 << 32)  # signed, as pywin32 shows it
    assert rec.EventType == E.EVENTLOG_ERROR_TYPE
    assert rec.EventCategory == 3
    assert rec.SourceName == source
    assert rec.StringInserts == ("one", "two")
    assert rec.Data == b"\x00\x01raw"
    assert rec.Sid == sid
    assert rec.ComputerName
    assert rec.Reserved == 0x654C664C
    assert rec.ReservedFlags == 0 and rec.ClosingRecordNumber == 0
    assert rec.TimeGenerated == rec.TimeWritten
    assert rec.TimeGenerated.year >= 2024
    with pytest.raises(AttributeError):
        rec.EventID = 5
    E.CloseEventLog(h)


def test_no_strings_no_data_no_sid(log):
    name, source = log
    write(source, 1, strings=None)
    h = E.OpenEventLog(None, name)
    [rec] = read_all(h)
    assert rec.StringInserts is None and rec.Sid is None and rec.Data == b""


def test_sequential_reads_both_ways_and_follow_new_records(log):
    name, source = log
    write(source, 5)
    h = E.OpenEventLog(None, name)
    assert E.GetNumberOfEventLogRecords(h) == 5
    assert E.GetOldestEventLogRecord(h) == 1
    assert [r.RecordNumber for r in read_all(h)] == [1, 2, 3, 4, 5]
    write(source, 2)
    # A forwards reader at the end picks up what was written since.
    assert [r.RecordNumber for r in read_all(h)] == [6, 7]
    back = E.OpenEventLog(None, name)
    assert [r.RecordNumber for r in read_all(back, READ_BACK)] == [7, 6, 5, 4, 3, 2, 1]
    assert E.ReadEventLog(back, READ_BACK, 0) == []


def test_seek_read(log):
    name, source = log
    write(source, 6)
    h = E.OpenEventLog(None, name)
    recs = E.ReadEventLog(h, E.EVENTLOG_SEEK_READ | E.EVENTLOG_FORWARDS_READ, 4)
    assert [r.RecordNumber for r in recs] == [4, 5, 6]
    recs = E.ReadEventLog(h, E.EVENTLOG_SEEK_READ | E.EVENTLOG_BACKWARDS_READ, 2)
    assert [r.RecordNumber for r in recs] == [2, 1]
    for bad in (0, 7, 1000):
        with pytest.raises(pywintypes.error) as exc:
            E.ReadEventLog(h, E.EVENTLOG_SEEK_READ | E.EVENTLOG_FORWARDS_READ, bad)
        assert exc.value.winerror == ERROR_INVALID_PARAMETER


@pytest.mark.parametrize("flags", [0, E.EVENTLOG_SEQUENTIAL_READ, E.EVENTLOG_FORWARDS_READ,
                                   READ_FWD | E.EVENTLOG_BACKWARDS_READ,
                                   READ_FWD | E.EVENTLOG_SEEK_READ, READ_FWD | 0x100])
def test_bad_read_flags(log, flags):
    h = E.OpenEventLog(None, log[0])
    with pytest.raises(pywintypes.error) as exc:
        E.ReadEventLog(h, flags, 0)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER


def test_batches_are_bounded(log):
    name, source = log
    write(source, 40, strings=["x" * 4000])
    h = E.OpenEventLog(None, name)
    first = E.ReadEventLog(h, READ_FWD, 0, 20000)
    assert 1 <= len(first) < 40
    rest = read_all(h)
    assert [r.RecordNumber for r in first + rest] == list(range(1, 41))


def test_empty_log(log):
    h = E.OpenEventLog(None, log[0])
    assert E.GetNumberOfEventLogRecords(h) == 0
    assert E.GetOldestEventLogRecord(h) == 0
    assert E.ReadEventLog(h, READ_FWD, 0) == []
    assert E.ReadEventLog(h, READ_BACK, 0) == []


def test_unknown_log_is_application():
    source = f"AppSrc{uuid.uuid4().hex[:8]}"
    write(source, 1)  # an unregistered source writes to Application
    h = E.OpenEventLog(None, f"NoSuchLog{uuid.uuid4().hex[:8]}")
    assert any(r.SourceName == source for r in read_all(h, READ_BACK))


@pytest.mark.parametrize("server", [None, "", ".", "localhost", "\\\\localhost"])
def test_local_server_names(server):
    E.CloseEventLog(E.OpenEventLog(server, "Application"))


@pytest.mark.parametrize("func", [E.OpenEventLog, E.RegisterEventSource, E.OpenBackupEventLog])
def test_remote_server_is_unavailable(func):
    with pytest.raises(pywintypes.error) as exc:
        func("\\\\some-other-host", "Application")
    assert exc.value.winerror == RPC_S_SERVER_UNAVAILABLE
    assert exc.value.funcname == func.__name__


def test_handles_of_the_wrong_kind(log):
    name, source = log
    reader = E.OpenEventLog(None, name)
    writer = E.RegisterEventSource(None, source)
    ev = win32event.CreateEvent(None, 0, 0, None)
    calls = [
        lambda: E.ReportEvent(reader, 4, 0, 1, None, None, None),
        lambda: E.ReadEventLog(writer, READ_FWD, 0),
        lambda: E.GetNumberOfEventLogRecords(writer),
        lambda: E.CloseEventLog(writer),
        lambda: E.DeregisterEventSource(reader),
        lambda: E.ReadEventLog(ev, READ_FWD, 0),
        lambda: E.NotifyChangeEventLog(reader, reader),
        lambda: E.ReadEventLog(0x7FF0, READ_FWD, 0),
    ]
    for call in calls:
        with pytest.raises(pywintypes.error) as exc:
            call()
        assert exc.value.winerror == ERROR_INVALID_HANDLE
    for close in (E.CloseEventLog, E.DeregisterEventSource):
        with pytest.raises(TypeError):
            close("not a handle")
    E.CloseEventLog(reader)
    E.DeregisterEventSource(writer)
    with pytest.raises(pywintypes.error) as exc:
        E.CloseEventLog(reader)
    assert exc.value.winerror == ERROR_INVALID_HANDLE


def test_bad_report_arguments(log):
    h = E.RegisterEventSource(None, log[1])
    with pytest.raises(TypeError):
        E.ReportEvent(h, 4, 0, 1, None, "not a list", None)
    with pytest.raises(TypeError):
        E.ReportEvent(h, 4, 0, 1, None, [1, 2], None)
    with pytest.raises(TypeError):
        E.ReportEvent(h, 4, 0, 1, None, None, "text is not data")
    with pytest.raises(TypeError):
        E.ReportEvent(h, 4, 0, 1, 12345, None, None)
    with pytest.raises(OverflowError):
        E.ReportEvent(h, 4, 0, 1 << 33, None, None, None)
    with pytest.raises(pywintypes.error) as exc:
        E.ReportEvent(h, 4, 0, 1, pywintypes.SID(b"\x07garbage"), None, None)
    assert exc.value.winerror == ERROR_INVALID_SID
    with pytest.raises(pywintypes.error) as exc:
        E.ReportEvent(h, 4, 0, 1, None, None, b"\0" * 0x80000)  # larger than a record may be
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    for too_many in (["x" * 31840], ["é" * 31840], [""] * 65536):
        with pytest.raises(pywintypes.error) as exc:
            E.ReportEvent(h, 4, 0, 1, None, too_many, None)
        assert exc.value.winerror == ERROR_INVALID_PARAMETER
    reader = E.OpenEventLog(None, log[0])
    assert E.GetNumberOfEventLogRecords(reader) == 0
    E.ReportEvent(h, 4, 0, 1, None, ["é" * 31839], None)  # the longest insert there is
    assert E.ReadEventLog(reader, READ_FWD, 0)[0].StringInserts == ("é" * 31839,)


def test_clear_keeps_numbering_and_backs_up(log, tmp_path):
    name, source = log
    write(source, 3)
    h = E.OpenEventLog(None, name)
    backup = str(tmp_path / "before-clear.evt")
    E.ClearEventLog(h, backup)
    assert E.GetNumberOfEventLogRecords(h) == 0
    with pytest.raises(pywintypes.error) as exc:
        E.ClearEventLog(h, backup)  # the backup file exists
    assert exc.value.winerror == ERROR_ALREADY_EXISTS
    write(source, 1)
    assert [r.RecordNumber for r in read_all(h)] == [4]
    b = E.OpenBackupEventLog(None, backup)
    assert [r.RecordNumber for r in read_all(b)] == [1, 2, 3]
    assert E.GetNumberOfEventLogRecords(b) == 3
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    E.ClearEventLog(h, None)
    assert E.GetNumberOfEventLogRecords(h) == 0


def test_backup_and_read_back(log, tmp_path):
    name, source = log
    write(source, 4, strings=["a", "b"])
    h = E.OpenEventLog(None, name)
    path = str(tmp_path / "copy.evt")
    E.BackupEventLog(h, path)
    with pytest.raises(pywintypes.error) as exc:
        E.BackupEventLog(h, path)
    assert exc.value.winerror == ERROR_ALREADY_EXISTS
    b = E.OpenBackupEventLog(None, path)
    recs = read_all(b, READ_BACK)
    assert [r.RecordNumber for r in recs] == [4, 3, 2, 1]
    assert recs[0].StringInserts == ("a", "b")
    # A backup is read-only: no clearing, backing up or writing through it.
    for call in (lambda: E.ClearEventLog(b, None), lambda: E.BackupEventLog(b, path + "2"),
                 lambda: E.ReportEvent(b, 4, 0, 1, None, None, None)):
        with pytest.raises(pywintypes.error) as exc:
            call()
        assert exc.value.winerror == ERROR_INVALID_HANDLE
    E.CloseEventLog(b)


def _sqlite_not_ours(path):
    import sqlite3
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE records(x)")
    con.commit()
    con.close()


def _ours_truncated(path, log, tmp_path):
    name, source = log
    write(source, 300, strings=["z" * 300])
    full = str(tmp_path / "full.evt")
    E.BackupEventLog(E.OpenEventLog(None, name), full)
    with open(full, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[: len(data) // 3])


def _ours_scribbled(path, log, tmp_path):
    name, source = log
    write(source, 300, strings=["z" * 300])
    full = str(tmp_path / "full.evt")
    E.BackupEventLog(E.OpenEventLog(None, name), full)
    data = bytearray(open(full, "rb").read())
    for i in range(4096, len(data), 997):
        data[i] ^= 0xA5
    open(path, "wb").write(bytes(data))


@pytest.mark.parametrize("make", [
    lambda p, log, t: open(p, "wb").close(),                                # empty
    lambda p, log, t: open(p, "wb").write(os.urandom(10000)),              # noise
    lambda p, log, t: open(p, "wb").write(b"SQLite format 3\0" + b"\xff" * 200),  # bad header
    lambda p, log, t: _sqlite_not_ours(p),                                  # someone else's db
    _ours_truncated,
    _ours_scribbled,
], ids=["empty", "noise", "bad-header", "foreign-db", "truncated", "scribbled"])
def test_malformed_backup_is_a_clean_error(make, log, tmp_path):
    path = str(tmp_path / "bad.evt")
    make(path, log, tmp_path)
    with pytest.raises(pywintypes.error) as exc:
        b = E.OpenBackupEventLog(None, path)
        read_all(b)
    assert exc.value.winerror == ERROR_EVENTLOG_FILE_CORRUPT


def test_missing_backup_and_directory(tmp_path):
    with pytest.raises(pywintypes.error) as exc:
        E.OpenBackupEventLog(None, str(tmp_path / "missing.evt"))
    assert exc.value.winerror == ERROR_FILE_NOT_FOUND
    with pytest.raises(pywintypes.error) as exc:
        E.OpenBackupEventLog(None, str(tmp_path))
    assert exc.value.winerror == ERROR_EVENTLOG_FILE_CORRUPT


def test_hostile_log_names_are_refused():
    for name in ("", "..", "a/b", "a\\b", "x\x01y", "L" * 200):
        with pytest.raises(pywintypes.error) as exc:
            win32evtlogutil.AddSourceToRegistry("Hostile", eventLogType=name)
        assert exc.value.winerror == ERROR_INVALID_NAME
    # Opening such a name for reading is the Application log, as for any unknown name.
    E.CloseEventLog(E.OpenEventLog(None, "../../etc/passwd"))


def test_files_are_private(log, session_root):
    name, source = log
    write(source, 1)
    d = os.path.join(session_root, "state", "eventlog")
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
    files = os.listdir(d)
    assert f"{name.lower()}.log.db" in files
    for f in files:
        assert stat.S_IMODE(os.stat(os.path.join(d, f)).st_mode) == 0o600, f


def test_notify_in_process(log):
    name, source = log
    h = E.OpenEventLog(None, name)
    ev = win32event.CreateEvent(None, 0, 0, None)
    E.NotifyChangeEventLog(h, ev)
    assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_TIMEOUT
    write(source, 1)
    assert win32event.WaitForSingleObject(ev, 15000) == win32event.WAIT_OBJECT_0
    # Closing the event handle does not break the watch (it holds a reference).
    E.CloseEventLog(h)
    write(source, 1)
