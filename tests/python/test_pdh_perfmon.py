"""perfmon: counters a process publishes, read by win32pdh in another process."""
import subprocess
import sys
import textwrap
import time
import uuid

import pytest

import perfmon
import pywintypes
import win32pdh

ERROR_ALREADY_EXISTS = 183

PUBLISHER = textwrap.dedent(
    """
    import sys, perfmon
    service = sys.argv[1]
    requests = perfmon.CounterDefinition()
    requests.CounterNameTitleIndex = 2
    requests.CounterHelpTitleIndex = 2
    requests.CounterType = perfmon.PERF_COUNTER_COUNTER
    inflight = perfmon.CounterDefinition()
    inflight.CounterNameTitleIndex = 4
    inflight.CounterType = perfmon.PERF_COUNTER_RAWCOUNT
    ob = perfmon.ObjectType()
    ob.ObjectNameTitleIndex = 0
    ob.AddCounter(requests)
    ob.AddCounter(inflight)
    manager = perfmon.PerfMonManager(service, [ob])
    print("up", flush=True)
    for line in sys.stdin:
        cmd, n = line.split()
        if cmd == "req":
            for _ in range(int(n)):
                requests.Increment()
        elif cmd == "set":
            inflight.Set(int(n))
        elif cmd == "close":
            manager.Close()
        print("ok", requests.Get() if cmd != "close" else -1, flush=True)
    """
)


def write_lodctr_files(tmp_path, service, object_name):
    (tmp_path / "ctrs.h").write_text("#define APPOBJ 0\n#define REQUESTS 2\n#define INFLIGHT 4\n")
    ini = tmp_path / "ctrs.ini"
    ini.write_text(textwrap.dedent(f"""
        [info]
        drivername={service}
        symbolfile=ctrs.h

        [languages]
        009=English

        [text]
        APPOBJ_009_NAME={object_name}
        APPOBJ_009_HELP=A test server.
        REQUESTS_009_NAME=Requests/sec
        REQUESTS_009_HELP=Requests served per second.
        INFLIGHT_009_NAME=Requests In Flight
        INFLIGHT_009_HELP=Requests being served.
        """))
    return ini


class Publisher:
    def __init__(self, service):
        self.proc = subprocess.Popen([sys.executable, "-c", PUBLISHER, service], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        assert line == "up", self.proc.stderr.read()

    def do(self, cmd, n=0):
        self.proc.stdin.write(f"{cmd} {n}\n")
        self.proc.stdin.flush()
        return int(self.proc.stdout.readline().split()[1])

    def close(self):
        self.proc.kill()
        self.proc.wait(30)


@pytest.fixture
def service(tmp_path):
    name = "PdhTest" + uuid.uuid4().hex[:8]
    object_name = "Test Server " + name[-8:]
    perfmon.LoadPerfCounterTextStrings("lodctr " + str(write_lodctr_files(tmp_path, name, object_name)))
    yield name, object_name
    perfmon.UnloadPerfCounterTextStrings("unlodctr " + name)


def test_a_counter_published_in_one_process_is_read_in_another(service):
    name, obj = service
    pub = Publisher(name)
    try:
        assert obj in win32pdh.EnumObjects(None, None, win32pdh.PERF_DETAIL_WIZARD)
        counters, instances = win32pdh.EnumObjectItems(None, None, obj, win32pdh.PERF_DETAIL_WIZARD)
        assert counters == ["Requests/sec", "Requests In Flight"] and instances == []
        q = win32pdh.OpenQuery()
        rate = win32pdh.AddCounter(q, rf"\{obj}\Requests/sec")
        inflight = win32pdh.AddCounter(q, rf"\{obj}\Requests In Flight")
        assert win32pdh.GetCounterInfo(rate, True)[9] == "Requests served per second."
        pub.do("set", 7)
        win32pdh.CollectQueryData(q)
        assert win32pdh.GetFormattedCounterValue(inflight, win32pdh.PDH_FMT_LONG)[1] == 7
        # PDH's interval lies between the inner and the outer one measured here.
        before_first = time.monotonic()
        win32pdh.CollectQueryData(q)
        after_first = time.monotonic()
        assert pub.do("req", 1000) == 1000
        before_second = time.monotonic()
        win32pdh.CollectQueryData(q)
        after_second = time.monotonic()
        per_sec = win32pdh.GetFormattedCounterValue(rate, win32pdh.PDH_FMT_DOUBLE)[1]
        assert 1000 / (after_second - before_first) <= per_sec * 1.001
        assert per_sec <= 1000 / (before_second - after_first) * 1.001
        pub.do("close")
        win32pdh.CollectQueryData(q)
        with pytest.raises(pywintypes.error) as e:
            win32pdh.GetFormattedCounterValue(inflight, win32pdh.PDH_FMT_LONG)
        assert e.value.winerror == win32pdh.PDH_INVALID_DATA
        assert obj not in win32pdh.EnumObjects(None, None, win32pdh.PERF_DETAIL_WIZARD)
        win32pdh.CloseQuery(q)
    finally:
        pub.close()


def test_a_dead_publisher_withdraws_its_objects(service):
    name, obj = service
    pub = Publisher(name)
    assert obj in win32pdh.EnumObjects(None, None, win32pdh.PERF_DETAIL_WIZARD)
    pub.close()  # SIGKILL: no Close()
    assert obj not in win32pdh.EnumObjects(None, None, win32pdh.PERF_DETAIL_WIZARD)
    # Another process may take the service over then.
    pub = Publisher(name)
    assert obj in win32pdh.EnumObjects(None, None, win32pdh.PERF_DETAIL_WIZARD)
    pub.close()


def test_one_publisher_per_service(service):
    name, _ = service
    pub = Publisher(name)
    try:
        with pytest.raises(pywintypes.error) as e:
            perfmon.PerfMonManager(name, [perfmon.ObjectType()])
        assert e.value.winerror == ERROR_ALREADY_EXISTS
    finally:
        pub.close()


def test_unnamed_counters_and_local_use():
    name = "PdhBare" + uuid.uuid4().hex[:8]
    c = perfmon.CounterDefinition()
    c.CounterNameTitleIndex = 6
    c.CounterType = perfmon.PERF_COUNTER_RAWCOUNT
    c.Increment()  # not published yet: nothing happens
    with pytest.raises(ValueError):
        c.Get()
    ob = perfmon.ObjectType()
    ob.AddCounter(c)
    m = perfmon.PerfMonManager(name, [ob])
    try:
        c.Set(41)
        c.Increment()
        assert c.Get() == 42
        c.Decrement()
        assert win32pdh.ValidatePath(rf"\{name}\Counter 6") == 0
        q = win32pdh.OpenQuery()
        h = win32pdh.AddCounter(q, rf"\{name}\Counter 6")
        win32pdh.CollectQueryData(q)
        assert win32pdh.GetFormattedCounterValue(h, win32pdh.PDH_FMT_LONG)[1] == 41
        win32pdh.CloseQuery(q)
    finally:
        m.Close()
    with pytest.raises(ValueError):
        c.Get()


def test_bad_input():
    with pytest.raises(TypeError):
        perfmon.PerfMonManager("", [])
    with pytest.raises(TypeError):
        perfmon.PerfMonManager("x", [object()])
    with pytest.raises(TypeError):
        perfmon.ObjectType().AddCounter("not a counter")
    with pytest.raises(TypeError):
        perfmon.CounterDefinition().Set("7")
    with pytest.raises(pywintypes.error):
        perfmon.PerfMonManager("x" * 300, [perfmon.ObjectType()])
    with pytest.raises(FileNotFoundError):
        perfmon.LoadPerfCounterTextStrings("lodctr /nonexistent/ctrs.ini")
    with pytest.raises(pywintypes.error):
        perfmon.UnloadPerfCounterTextStrings("unlodctr NeverLoaded" + uuid.uuid4().hex)


def test_malformed_blocks_are_ignored():
    import os
    import struct

    directory = os.path.join(os.environ["PYWIN32_POSIX_ROOT"], "run", "perfmon")
    os.makedirs(directory, mode=0o700, exist_ok=True)
    service = b"Hostile".ljust(256, b"\0")
    header = lambda objects, counters: b"W32PERF1" + struct.pack("<IIiI", objects, counters, os.getpid(), 0) + service  # noqa: E731
    bad = {
        "short": b"W32P",
        "magic": b"XXXXXXXX" + b"\0" * 300,
        "huge-counts": header(100000, 10),
        "truncated": header(1, 3) + struct.pack("<IIII", 0, 0, 0, 3),
        # An object whose counters run past the table.
        "ranges": header(1, 1) + struct.pack("<IIII", 0, 0, 0, 5) + struct.pack("<IIIIiI", 2, 2, 0x10000, 100, 0, 0)
        + b"\0" * 16,
    }
    # The control: the same layout, well formed, is read.
    good = (b"W32PERF1" + struct.pack("<IIiI", 1, 1, os.getpid(), 0) + b"Friendly".ljust(256, b"\0")
            + struct.pack("<IIII", 0, 0, 0, 1) + struct.pack("<IIIIiI", 2, 2, 0x10000, 100, 0, 0)
            + struct.pack("<q", 99))
    bad["good"] = good
    paths = []
    for name, data in bad.items():
        path = os.path.join(directory, f"{name}.block")
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
    try:
        objects = win32pdh.EnumObjects(None, None, win32pdh.PERF_DETAIL_WIZARD)
        assert "Hostile" not in objects and "Processor" in objects
        assert objects.count("Friendly") == 1
        q = win32pdh.OpenQuery()
        h = win32pdh.AddCounter(q, r"\Friendly\Counter 2")
        win32pdh.CollectQueryData(q)
        assert win32pdh.GetFormattedCounterValue(h, win32pdh.PDH_FMT_LONG)[1] == 99
        win32pdh.CloseQuery(q)
        pytest.raises(pywintypes.error, win32pdh.AddCounter, win32pdh.OpenQuery(), r"\Hostile\Counter 2")
    finally:
        for path in paths:
            os.unlink(path)
