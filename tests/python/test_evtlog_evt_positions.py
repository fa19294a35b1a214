"""EvtSeek, bookmarks (saved by one process, resumed by another), render
contexts with typed values, EvtGetEventInfo and local sessions."""
import datetime

import pytest

import pywintypes
import win32event
import win32evtlog as E
import win32evtlogutil
import win32security
from evtlog_helpers import log  # noqa: F401 (fixture)
from w32util import finish, popen_py, read_line

ERROR_INVALID_HANDLE = 6
ERROR_INVALID_PARAMETER = 87
ERROR_NOT_FOUND = 1168
RPC_S_SERVER_UNAVAILABLE = 1722
ERROR_EVT_MALFORMED_XML_TEXT = 15008


def fill(source, n):
    for i in range(n):
        win32evtlogutil.ReportEvent(source, 100 + i, eventType=4, strings=[f"n{i}"])


def ids(events):
    ctx = E.EvtCreateRenderContext(E.EvtRenderContextSystem)
    return [E.EvtRender(ev, E.EvtRenderEventValues, ctx)[E.EvtSystemEventRecordId][0] for ev in events]


def test_seek_from_each_origin(log):
    name, source = log
    fill(source, 8)
    rs = E.EvtQuery(name, E.EvtQueryChannelPath)
    E.EvtSeek(rs, 5, E.EvtSeekRelativeToFirst)
    assert ids(E.EvtNext(rs, 2)) == [6, 7]
    E.EvtSeek(rs, -1, E.EvtSeekRelativeToCurrent)
    assert ids(E.EvtNext(rs, 1)) == [6]
    E.EvtSeek(rs, -2, E.EvtSeekRelativeToLast)
    assert ids(E.EvtNext(rs, 10)) == [6, 7, 8]
    back = E.EvtQuery(name, E.EvtQueryChannelPath | E.EvtQueryReverseDirection)
    E.EvtSeek(back, 1, E.EvtSeekRelativeToFirst)
    assert ids(E.EvtNext(back, 2)) == [7, 6]
    E.EvtSeek(back, 100, E.EvtSeekRelativeToFirst)  # past the end: the last one
    assert ids(E.EvtNext(back, 2)) == [1]
    with pytest.raises(pywintypes.error) as exc:
        E.EvtSeek(back, 100, E.EvtSeekRelativeToFirst | E.EvtSeekStrict)
    assert exc.value.winerror == ERROR_NOT_FOUND
    filtered = E.EvtQuery(name, E.EvtQueryChannelPath, "*[System[EventID=101 or EventID=105]]")
    E.EvtSeek(filtered, 1, E.EvtSeekRelativeToFirst)
    assert ids(E.EvtNext(filtered, 5)) == [6]


def test_bad_seeks(log):
    name, source = log
    fill(source, 2)
    rs = E.EvtQuery(name, E.EvtQueryChannelPath)
    for position, flags in ((-1, E.EvtSeekRelativeToFirst), (1, E.EvtSeekRelativeToLast), (0, 0), (0, 6),
                            (0, E.EvtSeekRelativeToBookmark), (0, E.EvtSeekRelativeToFirst | 0x100)):
        with pytest.raises(pywintypes.error) as exc:
            E.EvtSeek(rs, position, flags)
        assert exc.value.winerror == ERROR_INVALID_PARAMETER, (position, flags)
    with pytest.raises(pywintypes.error) as exc:  # a bookmark that marks nothing yet
        E.EvtSeek(rs, 0, E.EvtSeekRelativeToBookmark, E.EvtCreateBookmark())
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    with pytest.raises(pywintypes.error) as exc:  # a result set is no bookmark
        E.EvtSeek(rs, 0, E.EvtSeekRelativeToBookmark, rs)
    assert exc.value.winerror == ERROR_INVALID_HANDLE
    with pytest.raises(TypeError):
        E.EvtSeek(rs, "1", E.EvtSeekRelativeToFirst)
    with pytest.raises(TypeError):
        E.EvtSeek(rs, 0, E.EvtSeekRelativeToBookmark, "bookmark")


def test_bookmark_xml_round_trip_and_bad_xml(log):
    name, source = log
    fill(source, 3)
    bm = E.EvtCreateBookmark()
    assert "<Bookmark " not in E.EvtRender(bm, E.EvtRenderBookmark)
    events = E.EvtNext(E.EvtQuery(name, E.EvtQueryChannelPath), 2)
    assert E.EvtUpdateBookmark(bm, events[-1]) is not None
    xml = E.EvtRender(bm, E.EvtRenderBookmark)
    assert f"Channel='{name}'" in xml and "RecordId='2'" in xml
    again = E.EvtCreateBookmark(xml)
    assert E.EvtRender(again, E.EvtRenderBookmark) == xml
    for bad in ("", "<BookmarkList><Bookmark RecordId='1'/></BookmarkList>", "<x/>",
                "<BookmarkList><Bookmark Channel='a' RecordId='one'/></BookmarkList>"):
        with pytest.raises(pywintypes.error) as exc:
            E.EvtCreateBookmark(bad)
        assert exc.value.winerror == ERROR_EVT_MALFORMED_XML_TEXT, bad
    with pytest.raises(TypeError):
        E.EvtCreateBookmark(5)
    with pytest.raises(pywintypes.error) as exc:  # an event is no bookmark
        E.EvtRender(events[0], E.EvtRenderBookmark)
    assert exc.value.winerror == ERROR_INVALID_HANDLE


RESUME = """
import sys, win32evtlog as E
name, path = sys.argv[1], sys.argv[2]
bm = E.EvtCreateBookmark(open(path).read())
rs = E.EvtQuery(name, E.EvtQueryChannelPath)
E.EvtSeek(rs, 1, E.EvtSeekRelativeToBookmark, bm)
ctx = E.EvtCreateRenderContext(E.EvtRenderContextUser)
print(" ".join(E.EvtRender(ev, E.EvtRenderEventValues, ctx)[0][0] for ev in E.EvtNext(rs, 100)))
"""

SUBSCRIBE = """
import sys, win32event, win32evtlog as E
name, path = sys.argv[1], sys.argv[2]
bm = E.EvtCreateBookmark(open(path).read())
signal = win32event.CreateEvent(None, 0, 0, None)
sub = E.EvtSubscribe(name, E.EvtSubscribeStartAfterBookmark, signal, Bookmark=bm)
ctx = E.EvtCreateRenderContext(E.EvtRenderContextUser)
seen = []
print("ready", flush=True)
while len(seen) < 4:
    if win32event.WaitForSingleObject(signal, 20000) != win32event.WAIT_OBJECT_0:
        break
    for ev in E.EvtNext(sub, 10):
        seen.append(E.EvtRender(ev, E.EvtRenderEventValues, ctx)[0][0])
        E.EvtUpdateBookmark(bm, ev)
print(" ".join(seen))
print(E.EvtRender(bm, E.EvtRenderBookmark).replace("\\r\\n", " "))
"""


def test_a_saved_bookmark_resumes_in_other_processes(log, tmp_path):
    name, source = log
    fill(source, 5)
    # This process reads three events and saves its place.
    rs = E.EvtQuery(name, E.EvtQueryChannelPath)
    bm = E.EvtCreateBookmark()
    for ev in E.EvtNext(rs, 3):
        E.EvtUpdateBookmark(bm, ev)
    saved = tmp_path / "bookmark.xml"
    saved.write_text(E.EvtRender(bm, E.EvtRenderBookmark))
    # A reader process goes on after it.
    code, out, err = finish(popen_py(RESUME, name, saved))
    assert code == 0, err
    assert out.split() == ["n3", "n4"]
    # A subscriber process starts after it and also gets what comes later,
    # written by yet another process.
    sub = popen_py(SUBSCRIBE, name, saved)
    assert read_line(sub) == "ready"
    writer = popen_py("import sys, win32evtlogutil as U\n"
                      "U.ReportEvent(sys.argv[1], 7, eventType=4, strings=['late0'])\n"
                      "U.ReportEvent(sys.argv[1], 7, eventType=4, strings=['late1'])\n", source)
    assert finish(writer)[0] == 0
    code, out, err = finish(sub)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["n3", "n4", "late0", "late1"]
    assert "RecordId='7'" in lines[1]


def test_subscription_bookmark_rules(log):
    name, source = log
    fill(source, 2)
    signal = win32event.CreateEvent(None, 1, 0, None)
    other = E.EvtCreateBookmark("<BookmarkList><Bookmark Channel='System' RecordId='1'/></BookmarkList>")
    with pytest.raises(pywintypes.error) as exc:  # a bookmark of another channel
        E.EvtSubscribe(name, E.EvtSubscribeStartAfterBookmark, signal, Bookmark=other)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    future = E.EvtCreateBookmark(f"<BookmarkList><Bookmark Channel='{name}' RecordId='99'/></BookmarkList>")
    with pytest.raises(pywintypes.error) as exc:
        E.EvtSubscribe(name, E.EvtSubscribeStartAfterBookmark | E.EvtSubscribeStrict, signal, Bookmark=future)
    assert exc.value.winerror == ERROR_NOT_FOUND
    # Not strict: a bookmark the log does not hold starts at the oldest record.
    sub = E.EvtSubscribe(name, E.EvtSubscribeStartAfterBookmark, signal, Bookmark=future)
    assert win32event.WaitForSingleObject(signal, 10000) == win32event.WAIT_OBJECT_0
    assert ids(E.EvtNext(sub, 10)) == [1, 2]
    # An empty bookmark also starts at the oldest.
    sub = E.EvtSubscribe(name, E.EvtSubscribeStartAfterBookmark, signal, Bookmark=E.EvtCreateBookmark())
    assert ids(E.EvtNext(sub, 10)) == [1, 2]


def test_push_subscription_after_a_bookmark(log):
    name, source = log
    fill(source, 3)
    bm = E.EvtCreateBookmark(f"<BookmarkList><Bookmark Channel='{name}' RecordId='1'/></BookmarkList>")
    got, done = [], win32event.CreateEvent(None, 1, 0, None)

    def deliver(action, context, event):
        got.append(ids([event])[0])
        if len(got) == 2:
            win32event.SetEvent(done)

    sub = E.EvtSubscribe(name, E.EvtSubscribeStartAfterBookmark, Callback=deliver, Bookmark=bm)
    try:
        assert win32event.WaitForSingleObject(done, 15000) == win32event.WAIT_OBJECT_0
    finally:
        sub.Close()
    assert got == [2, 3]


def test_system_and_user_values(log):
    name, source = log
    sid = win32security.ConvertStringSidToSid("S-1-5-18")
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    win32evtlogutil.ReportEvent(source, 0x40000123, eventCategory=7, eventType=E.EVENTLOG_WARNING_TYPE,
                                strings=["alpha", "beta"], sid=sid)
    [ev] = E.EvtNext(E.EvtQuery(name, E.EvtQueryChannelPath), 5)
    values = E.EvtRender(ev, E.EvtRenderEventValues, E.EvtCreateRenderContext(E.EvtRenderContextSystem))
    assert len(values) == E.EvtSystemPropertyIdEND
    assert values[E.EvtSystemProviderName] == (source, E.EvtVarTypeString)
    assert values[E.EvtSystemEventID] == (0x123, E.EvtVarTypeUInt16)
    assert values[E.EvtSystemQualifiers] == (0x4000, E.EvtVarTypeUInt16)
    assert values[E.EvtSystemLevel] == (3, E.EvtVarTypeByte)
    assert values[E.EvtSystemTask] == (7, E.EvtVarTypeUInt16)
    assert values[E.EvtSystemEventRecordId] == (1, E.EvtVarTypeUInt64)
    assert values[E.EvtSystemChannel] == (name, E.EvtVarTypeString)
    assert values[E.EvtSystemProviderGuid] == (None, E.EvtVarTypeNull)
    when, kind = values[E.EvtSystemTimeCreated]
    assert kind == E.EvtVarTypeFileTime and before - datetime.timedelta(seconds=2) <= when
    user, kind = values[E.EvtSystemUserID]
    assert kind == E.EvtVarTypeSid and win32security.ConvertSidToStringSid(user) == "S-1-5-18"
    # The XML says the same.
    xml = E.EvtRender(ev, E.EvtRenderEventXml)
    assert "<EventID Qualifiers='16384'>291</EventID>" in xml and "<Level>3</Level>" in xml
    user_values = E.EvtRender(ev, E.EvtRenderEventValues, E.EvtCreateRenderContext(E.EvtRenderContextUser))
    assert user_values == [("alpha", E.EvtVarTypeString), ("beta", E.EvtVarTypeString)]
    assert E.EvtGetEventInfo(ev, E.EvtEventPath) == (name, E.EvtVarTypeString)
    assert E.EvtGetEventInfo(ev, E.EvtEventQueryIDs) == ([0], E.EvtVarTypeInt32 | 128)


def test_render_context_errors(log):
    name, source = log
    fill(source, 1)
    [ev] = E.EvtNext(E.EvtQuery(name, E.EvtQueryChannelPath), 5)
    for flags in (E.EvtRenderContextValues, 3, -1):
        with pytest.raises((pywintypes.error, OverflowError, TypeError)) as exc:
            E.EvtCreateRenderContext(flags)
        if isinstance(exc.value, pywintypes.error):
            assert exc.value.winerror == ERROR_INVALID_PARAMETER
    ctx = E.EvtCreateRenderContext(E.EvtRenderContextUser)
    with pytest.raises(pywintypes.error) as exc:  # a context where an event belongs
        E.EvtRender(ctx, E.EvtRenderEventValues, ctx)
    assert exc.value.winerror == ERROR_INVALID_HANDLE
    with pytest.raises(pywintypes.error) as exc:  # a context with XML
        E.EvtRender(ev, E.EvtRenderEventXml, ctx)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    with pytest.raises(pywintypes.error) as exc:
        E.EvtRender(ev, 7)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    with pytest.raises(pywintypes.error) as exc:
        E.EvtGetEventInfo(ev, 2)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER


def test_sessions_are_local_only(log):
    name, source = log
    fill(source, 1)
    import socket
    for server in (None, ".", "localhost", socket.gethostname(), socket.gethostname().upper()):
        session = E.EvtOpenSession((server, None, None, None, 0), E.EvtRpcLogin)
        assert ids(E.EvtNext(E.EvtQuery(name, E.EvtQueryChannelPath, None, session), 5)) == [1]
        E.EvtOpenLog(name, E.EvtOpenChannelPath, session)
    with pytest.raises(pywintypes.error) as exc:
        E.EvtOpenSession(("elsewhere.example", "u", "d", "p", 0), E.EvtRpcLogin)
    assert exc.value.winerror == RPC_S_SERVER_UNAVAILABLE
    with pytest.raises(pywintypes.error) as exc:
        E.EvtOpenSession((None,), 2)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    for bad in ("localhost", (), (1, 2, 3, 4, 5, 6), (5,)):
        with pytest.raises(TypeError):
            E.EvtOpenSession(bad, E.EvtRpcLogin)
    rs = E.EvtQuery(name, E.EvtQueryChannelPath)
    with pytest.raises(pywintypes.error) as exc:  # a result set is no session
        E.EvtQuery(name, E.EvtQueryChannelPath, None, rs)
    assert exc.value.winerror == ERROR_INVALID_HANDLE
    with pytest.raises(TypeError):
        E.EvtQuery(name, E.EvtQueryChannelPath, None, "session")
