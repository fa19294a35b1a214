"""win32evtlogutil and message files: ReportEvent, the source registry,
FormatMessage / SafeFormatMessage with .mc message files (ours and the
default table), malformed message files, FeedEventLogRecords and CPython's
logging.handlers.NTEventLogHandler."""
import logging
import logging.handlers
import uuid

import pytest

import pywintypes
import win32evtlog as E
import win32evtlogutil as U
from pywin32_posix import _mc

ERROR_FILE_NOT_FOUND = 2
ERROR_INVALID_DATA = 13
ERROR_MR_MID_NOT_FOUND = 317

MC = """\
; a comment
MessageIdTypedef=DWORD
SeverityNames=(Success=0x0:STATUS_SEVERITY_SUCCESS
               Informational=0x1:STATUS_SEVERITY_INFORMATIONAL
               Warning=0x2:STATUS_SEVERITY_WARNING
               Error=0x3:STATUS_SEVERITY_ERROR)
FacilityNames=(App=0x100:FACILITY_APP)
LanguageNames=(English=0x409:MSG00409 German=0x407:MSG00407)

MessageId=1
SymbolicName=MSG_PLAIN
Language=English
Plain %1 and %2.
.

MessageId=
Severity=Error
Facility=App
SymbolicName=MSG_ERROR
Language=English
Failed: %1
second line%0
.
Language=German
Fehler: %1%0
.

MessageId=+3
Language=English
Five after
.
"""


def fresh():
    tag = uuid.uuid4().hex[:10]
    return f"U{tag}", f"ULog{tag}"


def newest(log):
    h = E.OpenEventLog(None, log)
    try:
        return E.ReadEventLog(h, E.EVENTLOG_SEQUENTIAL_READ | E.EVENTLOG_BACKWARDS_READ, 0)[0]
    finally:
        E.CloseEventLog(h)


def test_mc_parser_ids_and_texts():
    table = _mc.parse(MC)
    assert table.get(1) == "Plain %1 and %2.\r\n"
    err = 3 << 30 | 0x100 << 16 | 2
    assert table.get(err) == "Failed: %1\r\nsecond line%0\r\n"
    assert table.get(err, "German") == "Fehler: %1%0\r\n"
    assert table.get(2) is None  # ids carry severity and facility
    assert table.get(3 << 30 | 0x100 << 16 | 5) == "Five after\r\n"  # severity/facility carry on


@pytest.mark.parametrize("text, where", [
    ("MessageId=1\nLanguage=English\nno end\n", "not ended"),
    ("Language=English\nx\n.\n", "before any MessageId"),
    ("MessageId=1\nSeverity=Fatal\nLanguage=English\nx\n.\n", "unknown severity"),
    ("MessageId=1\nFacility=Nowhere\nLanguage=English\nx\n.\n", "unknown facility"),
    ("MessageId=abc\nLanguage=English\nx\n.\n", "not a number"),
    ("MessageId=0x10000\nLanguage=English\nx\n.\n", "out of range"),
    ("Bogus=1\n", "unknown keyword"),
    ("just some text\n", "expected a keyword"),
    ("SeverityNames=(Error=0x3\n", "unterminated"),
    ("SeverityNames=(Error=zz)\n", "bad name list"),
    ("; only comments\n", "no messages"),
])
def test_mc_parser_rejects_malformed(text, where):
    with pytest.raises(_mc.MessageFileError) as exc:
        _mc.parse(text, "bad.mc")
    assert where in str(exc.value)


def test_report_and_format_with_own_message_file(tmp_path):
    source, log = fresh()
    mc = tmp_path / "app.mc"
    mc.write_text(MC)
    U.AddSourceToRegistry(source, str(mc), log)
    U.ReportEvent(source, 1, eventType=E.EVENTLOG_WARNING_TYPE, strings=["a", "b"])
    rec = newest(log)
    assert rec.SourceName == source and rec.EventType == E.EVENTLOG_WARNING_TYPE
    assert U.FormatMessage(rec, log) == "Plain a and b.\r\n"
    U.ReportEvent(source, 3 << 30 | 0x100 << 16 | 2, strings=["disk"])
    rec = newest(log)
    assert rec.EventID < 0  # signed, as pywin32 shows it
    assert U.FormatMessage(rec, log) == "Failed: disk\r\nsecond line"
    assert U.SafeFormatMessage(rec, log) == "Failed: disk\r\nsecond line"
    # An id the file does not have.
    U.ReportEvent(source, 77, strings=["x", "y"])
    rec = newest(log)
    with pytest.raises(pywintypes.error) as exc:
        U.FormatMessage(rec, log)
    assert exc.value.winerror == ERROR_MR_MID_NOT_FOUND
    safe = U.SafeFormatMessage(rec, log)
    assert "77" in safe and source in safe and "x, y" in safe
    U.RemoveSourceFromRegistry(source, log)


def test_default_table_formats_id_1_as_the_insert():
    source, log = fresh()
    U.AddSourceToRegistry(source, eventLogType=log)
    U.ReportEvent(source, 1, strings=["just this"])
    assert U.FormatMessage(newest(log), log) == "just this"
    # pywin32's DLL names stand for the same table.
    U.AddSourceToRegistry(source, "C:\\Python\\Lib\\site-packages\\win32\\win32service.pyd", log)
    assert U.FormatMessage(newest(log), log) == "just this"


def test_nteventloghandler():
    app = f"Logging{uuid.uuid4().hex[:8]}"
    handler = logging.handlers.NTEventLogHandler(app)
    logger = logging.getLogger(app)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.error("disk %s is full", "C:")
    finally:
        logger.removeHandler(handler)
        handler.close()
    rec = newest("Application")
    assert rec.SourceName == app
    assert rec.EventType == E.EVENTLOG_ERROR_TYPE
    assert U.SafeFormatMessage(rec) == "disk C: is full"


@pytest.mark.parametrize("content", [
    b"MessageId=1\nLanguage=English\nnever ends\n",
    b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4,
    b"\xff\xfe\x00\xd8",  # UTF-16 with a lone surrogate
])
def test_malformed_message_file_is_a_clean_error(tmp_path, content):
    source, log = fresh()
    mc = tmp_path / "broken.mc"
    mc.write_bytes(content)
    U.AddSourceToRegistry(source, str(mc), log)
    U.ReportEvent(source, 1, strings=["s"])
    rec = newest(log)
    with pytest.raises(pywintypes.error) as exc:
        U.FormatMessage(rec, log)
    assert exc.value.winerror == ERROR_INVALID_DATA
    assert "could not be found" in U.SafeFormatMessage(rec, log)


def test_missing_message_file_and_unregistered_source(tmp_path):
    source, log = fresh()
    U.AddSourceToRegistry(source, str(tmp_path / "gone.mc"), log)
    U.ReportEvent(source, 1, strings=["s"])
    rec = newest(log)
    with pytest.raises(pywintypes.error) as exc:
        U.FormatMessage(rec, log)
    assert exc.value.winerror == ERROR_FILE_NOT_FOUND
    U.RemoveSourceFromRegistry(source, log)
    U.RemoveSourceFromRegistry(source, log)  # already gone: not an error
    with pytest.raises(pywintypes.error) as exc:
        U.FormatMessage(rec, log)
    assert exc.value.winerror == ERROR_FILE_NOT_FOUND
    assert "could not be found" in U.SafeFormatMessage(rec, log)


def test_source_moves_between_logs():
    source, log = fresh()
    U.AddSourceToRegistry(source, eventLogType=log)
    U.AddSourceToRegistry(source, eventLogType=log + "B")
    U.ReportEvent(source, 9)
    assert newest(log + "B").SourceName == source


def test_feed_event_log_records():
    source, log = fresh()
    U.AddSourceToRegistry(source, eventLogType=log)
    for i in range(5):
        U.ReportEvent(source, 100 + i, eventType=E.EVENTLOG_INFORMATION_TYPE, data=b"%d" % i)
    got = []
    U.FeedEventLogRecords(got.append, logName=log)
    assert [r.EventID for r in got] == [104, 103, 102, 101, 100]
    got = []
    U.FeedEventLogRecords(got.append, logName=log,
                          readFlags=E.EVENTLOG_SEQUENTIAL_READ | E.EVENTLOG_FORWARDS_READ)
    assert [r.Data for r in got] == [b"0", b"1", b"2", b"3", b"4"]
