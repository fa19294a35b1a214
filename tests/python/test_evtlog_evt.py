"""The Evt* API: EvtQuery with XPath filters, EvtNext,
EvtRender as XML, pull EvtSubscribe (signalled by another process),
EvtClearLog and EvtExportLog; and what is refused."""
import xml.etree.ElementTree as ET

import pytest

import pywintypes
import win32event
import win32evtlog as E
import win32evtlogutil
from evtlog_helpers import log  # noqa: F401 (fixture)

ERROR_INVALID_PARAMETER = 87
ERROR_NOT_SUPPORTED = 50
ERROR_EVENTLOG_FILE_CORRUPT = 1500
ERROR_EVT_INVALID_QUERY = 15001
ERROR_EVT_CHANNEL_NOT_FOUND = 15007
NS = "{http://schemas.microsoft.com/win/2004/08/events/event}"


def fill(source, n=6):
    for i in range(n):
        win32evtlogutil.ReportEvent(source, 10 + i, eventCategory=i,
                                    eventType=[1, 2, 4][i % 3], strings=[f"v{i}"])


def record_ids(result_set, batch=3):
    out = []
    while True:
        events = E.EvtNext(result_set, batch)
        if not events:
            return out
        for ev in events:
            xml = ET.fromstring(E.EvtRender(ev, E.EvtRenderEventXml))
            out.append(int(xml.find(f"{NS}System/{NS}EventRecordID").text))


@pytest.mark.parametrize("query, expected", [
    (None, [1, 2, 3, 4, 5, 6]),
    ("*", [1, 2, 3, 4, 5, 6]),
    ("*[System[Level=2]]", [1, 4]),
    ("*[System[(Level=2 or Level=3)]]", [1, 2, 4, 5]),
    ("*[System[Level<=3 and EventID!=10]]", [2, 4, 5]),
    ("*[System[EventID=12]]", [3]),
    ("*[System[EventRecordID>4]]", [5, 6]),
    ("*[System[Task=5]]", [6]),
    ("*[System[Provider[@Name='nobody']]]", []),
    ("*[System[TimeCreated[timediff(@SystemTime) <= 86400000]]]", [1, 2, 3, 4, 5, 6]),
    ("*[System[(EventID=10 or EventID=15) and TimeCreated[timediff(@SystemTime) <= 3600000]]]", [1, 6]),
])
def test_query_filters(log, query, expected):
    name, source = log
    fill(source)
    rs = E.EvtQuery(name, E.EvtQueryChannelPath, query)
    assert record_ids(rs) == expected


def test_provider_filter_and_reverse(log):
    name, source = log
    fill(source)
    q = f"*[System[Provider[@Name='{source.upper()}' or @Name='x'] and Level=4]]"
    rs = E.EvtQuery(name, E.EvtQueryChannelPath | E.EvtQueryReverseDirection, q)
    assert record_ids(rs, 1) == [6, 3]


def test_render_xml(log):
    name, source = log
    sid = pywintypes.SID(bytes([1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 2, 0, 0]))
    h = E.RegisterEventSource(None, source)
    E.ReportEvent(h, E.EVENTLOG_WARNING_TYPE, 7, 0x80000005, sid, ["a<b", "c&d", "bell\x07"], b"\xde\xad")
    [ev] = E.EvtNext(E.EvtQuery(name, E.EvtQueryChannelPath), 5)
    root = ET.fromstring(E.EvtRender(ev, E.EvtRenderEventXml))
    system = root.find(f"{NS}System")
    assert system.find(f"{NS}Provider").get("Name") == source
    assert system.find(f"{NS}EventID").text == "5"
    assert system.find(f"{NS}EventID").get("Qualifiers") == str(0x8000)
    assert system.find(f"{NS}Level").text == "3"
    assert system.find(f"{NS}Task").text == "7"
    assert system.find(f"{NS}Channel").text == name
    assert system.find(f"{NS}Security").get("UserID") == "S-1-5-32-544"
    assert system.find(f"{NS}TimeCreated").get("SystemTime").endswith("Z")
    data = root.find(f"{NS}EventData")
    assert [d.text for d in data.findall(f"{NS}Data")] == ["a<b", "c&d", "bell\ufffd"]
    assert data.find(f"{NS}Binary").text == "DEAD"


@pytest.mark.parametrize("query", [
    "foo", "*[", "*[System[Level=]]", "*[System[(Level=1]]", "*[System[Bogus=1]]",
    "*[System[Level=1]] trailing", "*[System[Provider[@Name=unquoted]]]",
    "*[System[Level=99999999999999999999999]]", "*[System[" + "(" * 100 + "Level=1" + ")" * 100 + "]]",
])
def test_invalid_queries(log, query):
    with pytest.raises(pywintypes.error) as exc:
        E.EvtQuery(log[0], E.EvtQueryChannelPath, query)
    assert exc.value.winerror == ERROR_EVT_INVALID_QUERY


def test_refusals(log, tmp_path):
    name, source = log
    fill(source, 1)
    with pytest.raises(pywintypes.error) as exc:
        E.EvtQuery("NoSuchChannel" + name, E.EvtQueryChannelPath)
    assert exc.value.winerror == ERROR_EVT_CHANNEL_NOT_FOUND
    for flags in (0, E.EvtQueryChannelPath | E.EvtQueryFilePath,
                  E.EvtQueryChannelPath | E.EvtQueryForwardDirection | E.EvtQueryReverseDirection):
        with pytest.raises(pywintypes.error) as exc:
            E.EvtQuery(name, flags)
        assert exc.value.winerror == ERROR_INVALID_PARAMETER
    with pytest.raises(pywintypes.error) as exc:
        E.EvtQuery(name, E.EvtQueryChannelPath, None, 1234)  # not a session from EvtOpenSession
    assert exc.value.winerror == 6
    [ev] = E.EvtNext(E.EvtQuery(name, E.EvtQueryChannelPath), 5)
    with pytest.raises(pywintypes.error) as exc:
        E.EvtRender(ev, E.EvtRenderEventValues)  # values need a render context
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    rs = E.EvtQuery(name, E.EvtQueryChannelPath)
    with pytest.raises(pywintypes.error) as exc:
        E.EvtRender(rs, E.EvtRenderEventXml)  # a result set is not an event
    assert exc.value.winerror == 6
    ev_handle = win32event.CreateEvent(None, 0, 0, None)
    with pytest.raises(pywintypes.error) as exc:  # a callback and a signal event at once
        E.EvtSubscribe(name, E.EvtSubscribeToFutureEvents, ev_handle, lambda *a: 0)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    with pytest.raises(TypeError):
        E.EvtSubscribe(name, E.EvtSubscribeToFutureEvents, None, "not callable")
    with pytest.raises(pywintypes.error) as exc:  # neither a signal event nor a callback
        E.EvtSubscribe(name, E.EvtSubscribeToFutureEvents)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    with pytest.raises(pywintypes.error) as exc:  # StartAfterBookmark without a bookmark
        E.EvtSubscribe(name, E.EvtSubscribeStartAfterBookmark, ev_handle)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    bad = tmp_path / "bad.evtx"
    bad.write_bytes(b"\0" * 4096)
    with pytest.raises(pywintypes.error) as exc:
        E.EvtQuery(str(bad), E.EvtQueryFilePath)
    assert exc.value.winerror == ERROR_EVENTLOG_FILE_CORRUPT


def test_subscription_signalled_by_another_process(log, run_py):
    name, source = log
    fill(source, 2)
    ev = win32event.CreateEvent(None, 0, 0, None)
    sub = E.EvtSubscribe(name, E.EvtSubscribeToFutureEvents, SignalEvent=ev,
                         Query="*[System[Level=2]]")
    assert win32event.WaitForSingleObject(ev, 0) == win32event.WAIT_TIMEOUT
    assert E.EvtNext(sub, 10) == ()
    r = run_py("import sys, win32evtlogutil as U\n"
               "U.ReportEvent(sys.argv[1], 50, eventType=4)\n"
               "U.ReportEvent(sys.argv[1], 51, eventType=1, strings=['bad'])\n", source)
    assert r.returncode == 0, r.stderr
    assert win32event.WaitForSingleObject(ev, 15000) == win32event.WAIT_OBJECT_0
    events = E.EvtNext(sub, 10)
    assert len(events) == 1 and "<Data>bad</Data>" in E.EvtRender(events[0], E.EvtRenderEventXml)


def test_subscription_from_the_oldest_record(log):
    name, source = log
    fill(source, 3)
    ev = win32event.CreateEvent(None, 1, 0, None)
    sub = E.EvtSubscribe(name, E.EvtSubscribeStartAtOldestRecord, SignalEvent=ev)
    assert win32event.WaitForSingleObject(ev, 15000) == win32event.WAIT_OBJECT_0
    assert len(E.EvtNext(sub, 10)) == 3


def test_export_and_clear(log, tmp_path):
    name, source = log
    fill(source, 4)
    target = str(tmp_path / "export.evtx")
    E.EvtExportLog(name, target, E.EvtExportLogChannelPath)
    assert record_ids(E.EvtQuery(target, E.EvtQueryFilePath, "*[System[Level=2]]")) == [1, 4]
    errors_only = str(tmp_path / "errors.evtx")
    E.EvtExportLog(name, errors_only, E.EvtExportLogChannelPath, "*[System[Level=2]]")
    assert record_ids(E.EvtQuery(errors_only, E.EvtQueryFilePath)) == [1, 4]
    again = str(tmp_path / "again.evtx")  # a filtered export of a file
    E.EvtExportLog(errors_only, again, E.EvtExportLogFilePath, "*[System[EventRecordID>1]]")
    assert record_ids(E.EvtQuery(again, E.EvtQueryFilePath)) == [4]
    with pytest.raises(pywintypes.error) as exc:
        E.EvtExportLog(name, str(tmp_path / "bad.evtx"), E.EvtExportLogChannelPath, "*[Nonsense]")
    assert exc.value.winerror == ERROR_EVT_INVALID_QUERY
    assert not (tmp_path / "bad.evtx").exists()
    with pytest.raises(pywintypes.error) as exc:  # never over an existing file
        E.EvtExportLog(name, errors_only, E.EvtExportLogChannelPath, "*[System[Level=2]]")
    assert exc.value.winerror in (80, 183)
    assert record_ids(E.EvtQuery(errors_only, E.EvtQueryFilePath)) == [1, 4]
    backup = str(tmp_path / "cleared.evtx")
    E.EvtClearLog(name, backup)
    assert E.EvtNext(E.EvtQuery(name, E.EvtQueryChannelPath), 5) == ()
    assert record_ids(E.EvtQuery(backup, E.EvtQueryFilePath)) == [1, 2, 3, 4]


def test_log_info(log, tmp_path):
    name, source = log
    fill(source, 3)
    h = E.EvtOpenLog(name, E.EvtOpenChannelPath)
    assert E.EvtGetLogInfo(h, E.EvtLogNumberOfLogRecords) == (3, E.EvtVarTypeUInt64)
    assert E.EvtGetLogInfo(h, E.EvtLogOldestRecordNumber) == (1, E.EvtVarTypeUInt64)
    assert E.EvtGetLogInfo(h, E.EvtLogFull) == (False, E.EvtVarTypeBoolean)
    size, kind = E.EvtGetLogInfo(h, E.EvtLogFileSize)
    assert size > 0 and kind == E.EvtVarTypeUInt64
    written, kind = E.EvtGetLogInfo(h, E.EvtLogLastWriteTime)
    assert kind == E.EvtVarTypeFileTime and written.year >= 2024
    with pytest.raises(pywintypes.error) as exc:
        E.EvtGetLogInfo(h, 8)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    target = str(tmp_path / "copy.evtx")
    E.EvtExportLog(name, target, E.EvtExportLogChannelPath)
    b = E.EvtOpenLog(target, E.EvtOpenFilePath)
    assert E.EvtGetLogInfo(b, E.EvtLogNumberOfLogRecords)[0] == 3
    for path, flags, code in ((name, 0, ERROR_INVALID_PARAMETER),
                              ("NoSuch" + name, E.EvtOpenChannelPath, ERROR_EVT_CHANNEL_NOT_FOUND),
                              (str(tmp_path / "missing.evtx"), E.EvtOpenFilePath, 2)):
        with pytest.raises(pywintypes.error) as exc:
            E.EvtOpenLog(path, flags)
        assert exc.value.winerror == code


def test_log_full_under_do_not_overwrite(log):
    from pywin32_posix import evtlog_policy
    name, source = log
    evtlog_policy.set_log_policy(name, max_size=0x10000, retention=evtlog_policy.DO_NOT_OVERWRITE)
    h = E.RegisterEventSource(None, source)
    with pytest.raises(pywintypes.error):
        for i in range(5000):
            E.ReportEvent(h, 4, 0, i, None, ["w" * 300], None)
    assert E.EvtGetLogInfo(E.EvtOpenLog(name, E.EvtOpenChannelPath), E.EvtLogFull) == \
        (True, E.EvtVarTypeBoolean)


def test_push_subscription_delivers_records_of_another_process(log, run_py):
    import queue
    name, source = log
    fill(source, 2)
    got = queue.Queue()

    def callback(action, context, event):
        got.put((action, context, E.EvtRender(event, E.EvtRenderEventXml)))

    sub = E.EvtSubscribe(name, E.EvtSubscribeToFutureEvents, None, Callback=callback,
                         Context="ctx", Query="*[System[Level=2]]")
    try:
        r = run_py("import sys, win32evtlogutil as U\n"
                   "U.ReportEvent(sys.argv[1], 60, eventType=4, strings=['skip'])\n"
                   "U.ReportEvent(sys.argv[1], 61, eventType=1, strings=['pushed'])\n", source)
        assert r.returncode == 0, r.stderr
        action, context, xml = got.get(timeout=15)
        assert action == E.EvtSubscribeActionDeliver and context == "ctx"
        assert "<Data>pushed</Data>" in xml
    finally:
        sub.Close()
    win32evtlogutil.ReportEvent(source, 62, eventType=1)
    sub.Close()  # twice is fine
    assert got.empty() or "<EventID Qualifiers='0'>62<" not in got.get_nowait()[2]


def test_push_subscription_from_the_oldest_record(log):
    import queue
    name, source = log
    fill(source, 3)
    got = queue.Queue()
    with E.EvtSubscribe(name, E.EvtSubscribeStartAtOldestRecord, None,
                        Callback=lambda a, c, e: got.put(E.EvtRender(e, 1))):
        ids = [got.get(timeout=15) for _ in range(3)]
    assert all("<Provider Name='%s'/>" % source in x for x in ids)
