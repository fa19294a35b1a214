"""win32pdh's API surface: paths, formatting flags, counter info, browsing
functions, and each kind of bad input (pywintypes.error with PDH's codes and
texts, or TypeError)."""
import os
import socket
import subprocess
import sys
import textwrap
import time

import pytest

import pywintypes
import win32pdh

ERROR_NOT_SUPPORTED = 50


def pdh_error(code, call, *args):
    with pytest.raises(pywintypes.error) as e:
        call(*args)
    assert e.value.winerror == code, e.value
    return e.value


@pytest.fixture
def query():
    q = win32pdh.OpenQuery()
    yield q
    try:
        win32pdh.CloseQuery(q)
    except pywintypes.error:
        pass


def test_constants_match_the_sdk():
    assert win32pdh.PDH_FMT_LONG == 0x100 and win32pdh.PDH_FMT_DOUBLE == 0x200 and win32pdh.PDH_FMT_LARGE == 0x400
    assert win32pdh.PDH_FMT_NOSCALE == 0x1000 and win32pdh.PDH_FMT_1000 == 0x2000
    assert win32pdh.PDH_FMT_NOCAP100 == 0x8000 and win32pdh.PDH_FMT_RAW == 0x10
    assert (win32pdh.PDH_MIN_SCALE, win32pdh.PDH_MAX_SCALE) == (-7, 7)
    assert win32pdh.PERF_DETAIL_WIZARD == 400 and win32pdh.PERF_DETAIL_NOVICE == 100
    # Signed, as pywin32 gives them.
    assert win32pdh.PDH_NO_DATA == 0x800007D5 - (1 << 32) and win32pdh.PDH_INVALID_HANDLE == 0xC0000BBC - (1 << 32)
    assert win32pdh.error is pywintypes.error
    assert issubclass(win32pdh.counter_status_error, Exception)


def test_make_and_parse_paths():
    path = win32pdh.MakeCounterPath((None, "Process", "python", None, 2, "ID Process"))
    assert path == r"\Process(python#2)\ID Process"
    assert win32pdh.MakeCounterPath((None, "Process", "python", None, -1, "ID Process")) == r"\Process(python)\ID Process"
    assert win32pdh.MakeCounterPath((r"\\box", "Thread", "0", "python", 0, "ID Thread")) == r"\\box\Thread(python/0)\ID Thread"
    assert win32pdh.MakeCounterPath((None, "Memory", None, None, 0, "Available Bytes")) == r"\Memory\Available Bytes"
    machine, obj, inst, parent, index, counter = win32pdh.ParseCounterPath(r"\Thread(python/0#1)\ID Thread")
    assert (obj, inst, parent, index, counter) == ("Thread", "0", "python", 1, "ID Thread")
    assert machine.startswith("\\\\")
    assert win32pdh.ParseCounterPath(r"\\box\Memory\Available Bytes") == (
        r"\\box", "Memory", None, None, 0, "Available Bytes")
    assert win32pdh.ParseInstanceName("python/3#2") == ("3", "python", 2)
    assert win32pdh.ParseInstanceName("_Total") == ("_Total", None, 0)


def test_bad_paths_and_elements():
    pdh_error(win32pdh.PDH_CSTATUS_NO_COUNTERNAME, win32pdh.ParseCounterPath, "")
    e = pdh_error(win32pdh.PDH_CSTATUS_BAD_COUNTERNAME, win32pdh.ParseCounterPath, "Memory")
    assert e.strerror.startswith("Unable to parse the counter path.")
    assert e.funcname == "ParseCounterPath"
    pdh_error(win32pdh.PDH_CSTATUS_BAD_COUNTERNAME, win32pdh.ParseCounterPath, r"\Process(x\ID Process")
    pdh_error(win32pdh.PDH_INVALID_INSTANCE, win32pdh.ParseInstanceName, "")
    pdh_error(win32pdh.PDH_INVALID_ARGUMENT, win32pdh.MakeCounterPath, (None, "", None, None, 0, "x"))
    with pytest.raises(TypeError):
        win32pdh.MakeCounterPath(("too", "short"))
    with pytest.raises(TypeError):
        win32pdh.MakeCounterPath((None, 5, None, None, 0, "x"))
    with pytest.raises(TypeError):
        win32pdh.MakeCounterPath((None, "Memory", None, None, "0", "x"))
    with pytest.raises(TypeError):
        win32pdh.ParseCounterPath(42)


def test_format_flags_and_scale(query):
    c = win32pdh.AddCounter(query, r"\Memory\Commit Limit")
    win32pdh.CollectQueryData(query)
    kind, large = win32pdh.GetFormattedCounterValue(c, win32pdh.PDH_FMT_LARGE)
    assert kind == 0x00010100 and isinstance(large, int) and large > 0
    assert isinstance(win32pdh.GetFormattedCounterValue(c, win32pdh.PDH_FMT_DOUBLE)[1], float)
    assert isinstance(win32pdh.GetFormattedCounterValue(c, win32pdh.PDH_FMT_LONG)[1], int)
    assert win32pdh.GetFormattedCounterValue(c, win32pdh.PDH_FMT_LARGE | win32pdh.PDH_FMT_1000)[1] == large * 1000
    win32pdh.SetCounterScaleFactor(c, -3)
    assert win32pdh.GetFormattedCounterValue(c, win32pdh.PDH_FMT_DOUBLE)[1] == pytest.approx(large / 1000)
    assert win32pdh.GetFormattedCounterValue(c, win32pdh.PDH_FMT_LARGE | win32pdh.PDH_FMT_NOSCALE)[1] == large
    pdh_error(win32pdh.PDH_INVALID_ARGUMENT, win32pdh.SetCounterScaleFactor, c, 8)
    pdh_error(win32pdh.PDH_INVALID_ARGUMENT, win32pdh.GetFormattedCounterValue, c,
              win32pdh.PDH_FMT_LONG | win32pdh.PDH_FMT_DOUBLE)
    pdh_error(win32pdh.PDH_INVALID_ARGUMENT, win32pdh.GetFormattedCounterValue, c, 0)


def test_rate_counters_need_two_samples(query):
    c = win32pdh.AddCounter(query, r"\Processor(_Total)\% Processor Time")
    win32pdh.CollectQueryData(query)
    e = pdh_error(win32pdh.PDH_INVALID_DATA, win32pdh.GetFormattedCounterValue, c, win32pdh.PDH_FMT_DOUBLE)
    assert (e.funcname, e.strerror) == ("GetFormattedCounterValue", "The data is not valid.")
    time.sleep(0.05)
    win32pdh.CollectQueryData(query)
    assert 0 <= win32pdh.GetFormattedCounterValue(c, win32pdh.PDH_FMT_DOUBLE)[1] <= 100


def test_counter_info(query):
    c = win32pdh.AddCounter(query, r"\Processor(_Total)\% Processor Time", 42)
    info = win32pdh.GetCounterInfo(c, True)
    ctype, version, status, scale, default_scale, user, query_user, full_path, elements, explain = info
    assert ctype == 0x21510500  # PERF_100NSEC_TIMER_INV
    assert user == 42 and query_user == 0 and scale == 0
    assert full_path.endswith(r"\Processor(_Total)\% Processor Time") and full_path.startswith("\\\\")
    assert elements[1:] == ("Processor", "_Total", None, 0, "% Processor Time")
    assert isinstance(explain, str) and explain
    assert win32pdh.GetCounterInfo(c, False)[9] is None


def test_empty_query_and_bad_handles(query):
    e = pdh_error(win32pdh.PDH_NO_DATA, win32pdh.CollectQueryData, query)
    assert e.strerror == "No data to return."
    c = win32pdh.AddCounter(query, r"\Memory\Available Bytes")
    e = pdh_error(win32pdh.PDH_INVALID_HANDLE, win32pdh.GetFormattedCounterValue, query, win32pdh.PDH_FMT_LONG)
    assert e.strerror == "The handle is not a valid PDH object."
    pdh_error(win32pdh.PDH_INVALID_HANDLE, win32pdh.CollectQueryData, c)
    pdh_error(win32pdh.PDH_INVALID_HANDLE, win32pdh.AddCounter, c, r"\Memory\Available Bytes")
    pdh_error(win32pdh.PDH_INVALID_HANDLE, win32pdh.CloseQuery, 0)
    pdh_error(win32pdh.PDH_INVALID_HANDLE, win32pdh.RemoveCounter, 123456789)
    win32pdh.RemoveCounter(c)
    pdh_error(win32pdh.PDH_INVALID_HANDLE, win32pdh.RemoveCounter, c)
    win32pdh.CloseQuery(query)
    pdh_error(win32pdh.PDH_INVALID_HANDLE, win32pdh.CloseQuery, query)
    for bad in ("1", None, 1.5):
        with pytest.raises(TypeError):
            win32pdh.CollectQueryData(bad)
    with pytest.raises(TypeError):
        win32pdh.CloseQuery(-1)


def test_bad_counters(query):
    pdh_error(win32pdh.PDH_CSTATUS_NO_OBJECT, win32pdh.AddCounter, query, r"\No Such Object\x")
    pdh_error(win32pdh.PDH_CSTATUS_NO_COUNTER, win32pdh.AddCounter, query, r"\Memory\No Such Counter")
    pdh_error(win32pdh.PDH_CSTATUS_BAD_COUNTERNAME, win32pdh.AddCounter, query, "not a path")
    pdh_error(win32pdh.PDH_CSTATUS_NO_COUNTERNAME, win32pdh.AddCounter, query, "")
    pdh_error(win32pdh.PDH_CSTATUS_NO_MACHINE, win32pdh.AddCounter, query, r"\\far.invalid\Memory\Available Bytes")
    pdh_error(win32pdh.PDH_CSTATUS_NO_INSTANCE, win32pdh.AddCounter, query, r"\Memory(x)\Available Bytes")
    with pytest.raises(TypeError):
        win32pdh.AddCounter(query, None)
    # A missing instance is accepted, then has no data, as on Windows.
    c = win32pdh.AddCounter(query, r"\Process(no-such-process-xyz)\ID Process")
    win32pdh.CollectQueryData(query)
    pdh_error(win32pdh.PDH_INVALID_DATA, win32pdh.GetFormattedCounterValue, c, win32pdh.PDH_FMT_LONG)
    assert win32pdh.GetCounterInfo(c, False)[2] == win32pdh.PDH_CSTATUS_NO_INSTANCE
    # Local machine names are accepted.
    win32pdh.AddCounter(query, r"\\localhost\Memory\Available Bytes")
    win32pdh.AddCounter(query, r"\\.\Memory\Available Bytes")
    win32pdh.AddEnglishCounter(query, r"\Memory\Available Bytes")


def test_log_files_and_remote_machines_are_not_supported():
    pdh_error(ERROR_NOT_SUPPORTED, win32pdh.OpenQuery, "perf.blg")
    pdh_error(ERROR_NOT_SUPPORTED, win32pdh.EnumObjects, "perf.blg", None, win32pdh.PERF_DETAIL_WIZARD)
    pdh_error(win32pdh.PDH_CANNOT_CONNECT_MACHINE, win32pdh.ConnectMachine, r"\\far.invalid")
    pdh_error(win32pdh.PDH_CSTATUS_NO_MACHINE, win32pdh.EnumObjects, None, r"\\far.invalid", 400)
    assert win32pdh.ConnectMachine(socket.gethostname())


def test_enumerate_and_expand():
    objects = win32pdh.EnumObjects(None, None, win32pdh.PERF_DETAIL_WIZARD, 0)
    for name in ("Processor", "Memory", "Process", "Thread", "System", "PhysicalDisk", "LogicalDisk",
                 "Network Interface"):
        assert name in objects
    counters, instances = win32pdh.EnumObjectItems(None, None, "Memory", win32pdh.PERF_DETAIL_WIZARD)
    assert "Available Bytes" in counters and "Committed Bytes" in counters and instances == []
    novice, _ = win32pdh.EnumObjectItems(None, None, "Process", win32pdh.PERF_DETAIL_NOVICE)
    wizard, instances = win32pdh.EnumObjectItems(None, None, "process", win32pdh.PERF_DETAIL_WIZARD)
    assert set(novice) < set(wizard) and "% Processor Time" in novice
    assert "_Total" in instances
    pdh_error(win32pdh.PDH_CSTATUS_NO_OBJECT, win32pdh.EnumObjectItems, None, None, "Nope", 400)
    paths = win32pdh.ExpandCounterPath(r"\Memory\Available*")
    assert paths == [r"\Memory\Available Bytes", r"\Memory\Available KBytes", r"\Memory\Available MBytes"]
    per_cpu = win32pdh.ExpandCounterPath(r"\Processor(*)\% Processor Time")
    assert per_cpu[-1] == r"\Processor(_Total)\% Processor Time" and len(per_cpu) == os.cpu_count() + 1
    assert win32pdh.ExpandWildCardPath(r"\Memory\Commit*") == win32pdh.ExpandCounterPath(r"\Memory\Commit*")


def test_validate_path():
    assert win32pdh.ValidatePath(r"\Processor(_Total)\% Processor Time") == 0
    assert win32pdh.ValidatePath(r"\Memory\Available Bytes") == 0
    assert win32pdh.ValidatePath(r"\Processor(nope)\% Processor Time") == win32pdh.PDH_CSTATUS_NO_INSTANCE
    assert win32pdh.ValidatePath(r"\Memory\nope") == win32pdh.PDH_CSTATUS_NO_COUNTER
    assert win32pdh.ValidatePath(r"\Nope\x") == win32pdh.PDH_CSTATUS_NO_OBJECT
    assert win32pdh.ValidatePath("garbage") == win32pdh.PDH_CSTATUS_BAD_COUNTERNAME


def test_english_indexes():
    assert win32pdh.LookupPerfNameByIndex(None, 238) == "Processor"
    assert win32pdh.LookupPerfNameByIndex(None, 230) == "Process"
    assert win32pdh.LookupPerfNameByIndex(None, 6) == "% Processor Time"
    assert win32pdh.LookupPerfNameByIndex(None, 784) == "ID Process"
    assert win32pdh.LookupPerfIndexByName(None, "Memory") == 4
    assert win32pdh.LookupPerfIndexByName(None, "working set") == 180
    index = win32pdh.LookupPerfIndexByName(None, "Bytes Total/sec")
    assert win32pdh.LookupPerfNameByIndex(None, index) == "Bytes Total/sec"
    pdh_error(win32pdh.PDH_STRING_NOT_FOUND, win32pdh.LookupPerfIndexByName, None, "No Such Name")
    pdh_error(win32pdh.PDH_INVALID_ARGUMENT, win32pdh.LookupPerfNameByIndex, None, 99999999)
    with pytest.raises(ValueError):
        win32pdh.LookupPerfNameByIndex(None, 1 << 40)


def test_threads_share_queries():
    import threading

    q = win32pdh.OpenQuery()
    c = win32pdh.AddCounter(q, r"\Process(*)\Thread Count")
    errors = []

    def run():
        try:
            for _ in range(5):
                win32pdh.CollectQueryData(q)
                win32pdh.GetFormattedCounterArray(c, win32pdh.PDH_FMT_LONG)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    win32pdh.CloseQuery(q)
    assert not errors


def test_browse_counters_on_the_console():
    script = textwrap.dedent(
        """
        import win32pdh
        got = []
        first = win32pdh.BrowseCounters(None, 0, got.append, win32pdh.PERF_DETAIL_WIZARD, "Pick",
                                        ReturnMultiple=True)
        print("FIRST", first)
        for path in got[0]:
            print("GOT", path)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], input="Memory\n0,2\n", capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    got = [x.split(" ", 1)[1] for x in out.stdout.splitlines() if x.startswith("GOT ")]
    assert got == [r"\Memory\Available Bytes", r"\Memory\Available MBytes"]
    assert r"FIRST \Memory\Available Bytes" in out.stdout
    out = subprocess.run([sys.executable, "-c", script], input="", capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "The user cancelled the dialog box." in out.stderr
