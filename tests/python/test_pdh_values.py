"""win32pdh's counter values against the kernel: /proc read directly and
psutil, for processes started here and for the machine's objects. Values move
between two reads, so comparisons have tolerances; rates are compared over
the same interval."""
import os
import socket
import subprocess
import sys
import textwrap
import time
import uuid

import psutil
import pytest

import win32pdh

FMT_LARGE = win32pdh.PDH_FMT_LARGE
FMT_DOUBLE = win32pdh.PDH_FMT_DOUBLE

_CHILD = textwrap.dedent(
    """
    import ctypes, os, sys, threading, time
    name, threads = sys.argv[1], int(sys.argv[2])
    ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name.encode()), 0, 0, 0)  # PR_SET_NAME: the comm
    block = bytearray(24 << 20)
    for i in range(0, len(block), 4096):
        block[i] = 1
    for _ in range(threads):
        threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
    print("ready", flush=True)
    for line in sys.stdin:
        cmd, arg = line.split()
        if cmd == "spin":
            end = time.monotonic() + float(arg)
            while time.monotonic() < end:
                pass
        elif cmd == "write":
            with open(os.devnull, "wb", buffering=0) as f:
                f.write(b"x" * int(arg))
        print("done", flush=True)
    """
)


class NamedChild:
    """A python child whose process name (comm) is `name`, with extra idle threads."""

    def __init__(self, name, threads=0):
        self.name = name
        self.proc = subprocess.Popen([sys.executable, "-c", _CHILD, name, str(threads)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"
        self.pid = self.proc.pid
        self.ps = psutil.Process(self.pid)

    def do(self, cmd, arg):
        self.proc.stdin.write(f"{cmd} {arg}\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "done"

    def close(self):
        self.proc.kill()
        self.proc.wait(30)


def unique_name():
    return "pdh" + uuid.uuid4().hex[:10]  # comm keeps 15 characters


@pytest.fixture
def child():
    c = NamedChild(unique_name(), threads=3)
    yield c
    c.close()


class Query:
    def __init__(self, *paths):
        self.q = win32pdh.OpenQuery()
        self.c = {p: win32pdh.AddCounter(self.q, p) for p in paths}

    def collect(self):
        win32pdh.CollectQueryData(self.q)

    def value(self, path, fmt=FMT_DOUBLE):
        return win32pdh.GetFormattedCounterValue(self.c[path], fmt)[1]

    def close(self):
        win32pdh.CloseQuery(self.q)


def meminfo(key):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def near(a, b, rel, absolute=0):
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), absolute)


def test_process_counters_match_psutil(child):
    p = lambda c: rf"\Process({child.name})\{c}"  # noqa: E731
    names = ["ID Process", "Thread Count", "Working Set", "Virtual Bytes", "Private Bytes", "Handle Count",
             "Creating Process ID", "Elapsed Time", "Working Set Peak", "Working Set - Private"]
    q = Query(*[p(n) for n in names])
    q.collect()
    mem = child.ps.memory_info()
    assert q.value(p("ID Process"), FMT_LARGE) == child.pid
    assert q.value(p("Creating Process ID"), FMT_LARGE) == os.getpid()
    assert q.value(p("Thread Count"), FMT_LARGE) == child.ps.num_threads() == 4
    assert q.value(p("Handle Count"), FMT_LARGE) == child.ps.num_fds()
    assert near(q.value(p("Working Set"), FMT_LARGE), mem.rss, 0.02)
    assert q.value(p("Working Set"), FMT_LARGE) > 24 << 20
    assert near(q.value(p("Virtual Bytes"), FMT_LARGE), mem.vms, 0.02)
    assert near(q.value(p("Private Bytes"), FMT_LARGE), mem.data, 0.02)
    assert q.value(p("Working Set Peak"), FMT_LARGE) >= q.value(p("Working Set"), FMT_LARGE) - (1 << 20)
    assert 0 < q.value(p("Working Set - Private"), FMT_LARGE) <= q.value(p("Working Set"), FMT_LARGE)
    assert near(q.value(p("Elapsed Time")), time.time() - child.ps.create_time(), 0, absolute=1.0)
    q.close()


def bracketed(q, between, probe):
    """Runs q.collect(), between(), q.collect(), with probe() read around each collect.

    PDH's interval and its deltas lie between the inner and the outer ones
    measured here: returns (inner delta, outer delta, inner seconds, outer seconds)."""
    p0, t0 = probe(), time.monotonic()
    q.collect()
    p1, t1 = probe(), time.monotonic()
    between()
    p2, t2 = probe(), time.monotonic()
    q.collect()
    p3, t3 = probe(), time.monotonic()
    return p2 - p1, p3 - p0, t2 - t1, t3 - t0


def test_process_cpu_and_io_rates_match_psutil(child):
    p = lambda c: rf"\Process({child.name})\{c}"  # noqa: E731
    q = Query(p("% Processor Time"), p("% User Time"))
    busy = lambda: sum(child.ps.cpu_times()[:2])  # noqa: E731
    inner, outer, short, long = bracketed(q, lambda: child.do("spin", 0.3), busy)
    tick = 0.011  # one clock tick, both read the same counter at different moments
    cpu = q.value(p("% Processor Time"), FMT_DOUBLE | win32pdh.PDH_FMT_NOCAP100)
    assert 100 * (inner - tick) / long <= cpu <= 100 * (outer + tick) / short
    assert q.value(p("% User Time")) <= cpu + 1
    q.close()
    q = Query(p("IO Write Bytes/sec"), p("IO Write Operations/sec"))
    written = lambda: child.ps.io_counters().write_chars  # noqa: E731
    inner, outer, short, long = bracketed(q, lambda: child.do("write", 3_000_000), written)
    assert inner >= 3_000_000
    rate = q.value(p("IO Write Bytes/sec"))
    assert inner / long * 0.999 <= rate <= outer / short * 1.001
    assert q.value(p("IO Write Operations/sec")) > 0
    q.close()


def test_repeated_names_are_numbered_by_pid():
    name = unique_name()
    a, b = NamedChild(name), NamedChild(name)
    try:
        low, high = sorted([a.pid, b.pid])
        q = Query(rf"\Process({name})\ID Process", rf"\Process({name}#1)\ID Process")
        q.collect()
        assert q.value(rf"\Process({name})\ID Process", FMT_LARGE) == low
        assert q.value(rf"\Process({name}#1)\ID Process", FMT_LARGE) == high
        q.close()
        _, instances = win32pdh.EnumObjectItems(None, None, "Process", win32pdh.PERF_DETAIL_WIZARD)
        assert instances.count(name) == 2
        paths = win32pdh.ExpandCounterPath(rf"\Process({name}*)\ID Process")
        assert paths == [rf"\Process({name})\ID Process", rf"\Process({name}#1)\ID Process"]
        h = win32pdh.OpenQuery()
        c = win32pdh.AddCounter(h, r"\Process(*)\ID Process")
        win32pdh.CollectQueryData(h)
        pids = win32pdh.GetFormattedCounterArray(c, FMT_LARGE)
        assert pids[name] == low and pids[name + "#1"] == high
        win32pdh.CloseQuery(h)
    finally:
        a.close()
        b.close()


def test_a_gone_process_has_no_data(child):
    q = Query(rf"\Process({child.name})\ID Process")
    q.collect()
    assert q.value(rf"\Process({child.name})\ID Process", FMT_LARGE) == child.pid
    child.close()
    q.collect()
    with pytest.raises(win32pdh.error) as e:
        q.value(rf"\Process({child.name})\ID Process")
    assert e.value.winerror == win32pdh.PDH_INVALID_DATA
    q.close()


def test_threads_of_a_process(child):
    h = win32pdh.OpenQuery()
    c = win32pdh.AddCounter(h, rf"\Thread({child.name}/*)\ID Thread")
    win32pdh.CollectQueryData(h)
    tids = win32pdh.GetFormattedCounterArray(c, FMT_LARGE)
    assert sorted(tids.values()) == sorted(t.id for t in child.ps.threads())
    assert tids[f"{child.name}/0"] == child.pid  # the main thread comes first
    switches = win32pdh.AddCounter(h, rf"\Thread({child.name}/0)\Context Switches/sec")
    win32pdh.CollectQueryData(h)
    child.do("write", 10)  # the main thread wakes: a switch or two
    win32pdh.CollectQueryData(h)
    assert win32pdh.GetFormattedCounterValue(switches, FMT_DOUBLE)[1] > 0
    win32pdh.CloseQuery(h)


def test_processor_matches_psutil():
    paths = [r"\Processor(_Total)\% Processor Time", r"\Processor(_Total)\% User Time",
             r"\Processor(_Total)\% Privileged Time", r"\Processor(_Total)\% Idle Time",
             r"\Processor(_Total)\Interrupts/sec", r"\Processor(0)\% Processor Time"]
    q = Query(*paths)
    q.collect()
    psutil.cpu_percent()
    time.sleep(0.5)
    q.collect()
    ps = psutil.cpu_percent()
    busy = q.value(paths[0])
    assert near(busy, ps, 0, absolute=10)
    parts = q.value(paths[1]) + q.value(paths[2]) + q.value(paths[3])
    assert near(parts, 100, 0, absolute=3)  # steal time is in none of them
    assert q.value(paths[4]) > 0
    assert 0 <= q.value(paths[5]) <= 100
    _, instances = win32pdh.EnumObjectItems(None, None, "Processor", win32pdh.PERF_DETAIL_WIZARD)
    assert instances == [str(i) for i in range(psutil.cpu_count())] + ["_Total"]
    q.close()


def test_memory_matches_meminfo_and_psutil():
    paths = [r"\Memory\Available Bytes", r"\Memory\Available MBytes", r"\Memory\Committed Bytes",
             r"\Memory\Commit Limit", r"\Memory\% Committed Bytes In Use", r"\Memory\Cache Bytes",
             r"\Memory\Pages/sec", r"\Memory\Page Faults/sec"]
    q = Query(*paths)
    q.collect()
    avail = q.value(paths[0], FMT_LARGE)
    assert near(avail, meminfo("MemAvailable"), 0.05)
    assert near(avail, psutil.virtual_memory().available, 0.05)
    assert near(q.value(paths[1], FMT_LARGE), avail >> 20, 0.05)
    assert near(q.value(paths[2], FMT_LARGE), meminfo("Committed_AS"), 0.05)
    assert q.value(paths[3], FMT_LARGE) == meminfo("CommitLimit")
    assert near(q.value(paths[4]), 100 * q.value(paths[2]) / q.value(paths[3]), 0.01)
    cache = meminfo("Cached") + meminfo("Buffers") + meminfo("SReclaimable")
    assert near(q.value(paths[5], FMT_LARGE), cache, 0.05)
    # Fresh pages, written: page faults. On a loaded machine a collect may
    # come before the kernel's counter moves: touch more until it does.
    deadline = time.monotonic() + 10
    while True:
        touched = bytearray(8 << 20)
        touched[::4096] = b"x" * len(touched[::4096])
        q.collect()
        del touched
        if q.value(paths[7]) > 0 or time.monotonic() > deadline:
            break
    assert q.value(paths[6]) >= 0
    assert q.value(paths[7]) > 0
    q.close()


def test_system_matches_proc():
    paths = [r"\System\Processes", r"\System\Threads", r"\System\System Up Time",
             r"\System\Context Switches/sec", r"\System\Processor Queue Length"]
    q = Query(*paths)
    q.collect()
    time.sleep(0.1)
    q.collect()
    assert near(q.value(paths[0], FMT_LARGE), len(psutil.pids()), 0.1, absolute=10)
    with open("/proc/loadavg") as f:
        threads = int(f.read().split()[3].split("/")[1])
    assert near(q.value(paths[1], FMT_LARGE), threads, 0.1, absolute=20)
    assert near(q.value(paths[2]), time.time() - psutil.boot_time(), 0, absolute=2)
    assert q.value(paths[3]) > 0
    assert q.value(paths[4], FMT_LARGE) >= 0
    q.close()


def test_disks_match_diskstats_and_statvfs(tmp_path):
    _, instances = win32pdh.EnumObjectItems(None, None, "PhysicalDisk", win32pdh.PERF_DETAIL_WIZARD)
    disks = [i.split(" ", 1)[1] for i in instances if i != "_Total"]
    assert instances[-1] == "_Total"
    for d in disks:
        assert os.path.exists(f"/sys/block/{d}/device")
    st = os.statvfs("/")
    q = Query(r"\LogicalDisk(/)\% Free Space", r"\LogicalDisk(/)\Free Megabytes",
              r"\PhysicalDisk(_Total)\Disk Write Bytes/sec", r"\PhysicalDisk(_Total)\% Disk Time",
              r"\LogicalDisk(_Total)\Free Megabytes")
    q.collect()
    assert near(q.value(r"\LogicalDisk(/)\% Free Space"), 100 * st.f_bavail / st.f_blocks, 0.01)
    assert near(q.value(r"\LogicalDisk(/)\Free Megabytes", FMT_LARGE), st.f_bavail * st.f_frsize >> 20, 0.01)
    assert q.value(r"\LogicalDisk(_Total)\Free Megabytes", FMT_LARGE) >= q.value(
        r"\LogicalDisk(/)\Free Megabytes", FMT_LARGE) - 64
    if not disks:
        pytest.skip("no physical disk")

    def write_blob():
        with open(tmp_path / "blob", "wb") as f:
            f.write(os.urandom(4 << 20))
            f.flush()
            os.fsync(f.fileno())

    written = lambda: sum(v.write_bytes for k, v in psutil.disk_io_counters(perdisk=True).items()  # noqa: E731
                          if k in disks)
    inner, outer, short, long = bracketed(q, write_blob, written)
    rate = q.value(r"\PhysicalDisk(_Total)\Disk Write Bytes/sec")
    assert inner >= 4 << 20
    assert inner / long * 0.999 <= rate <= outer / short * 1.001
    assert 0 <= q.value(r"\PhysicalDisk(_Total)\% Disk Time") <= 100
    q.close()


def test_network_loopback_matches_psutil():
    path = r"\Network Interface(lo)\Bytes Received/sec"
    q = Query(path, r"\Network Interface(lo)\Packets/sec")
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", 0))
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # PDH's interval lies between the inner and the outer one measured here;
    # psutil reads the counts at both ends of the outer one.
    t0, before = time.monotonic(), psutil.net_io_counters(pernic=True)["lo"].bytes_recv
    q.collect()
    t1 = time.monotonic()
    for _ in range(200):
        tx.sendto(b"x" * 1000, rx.getsockname())
    time.sleep(0.2)
    t2 = time.monotonic()
    q.collect()
    after, t3 = psutil.net_io_counters(pernic=True)["lo"].bytes_recv, time.monotonic()
    rx.close()
    tx.close()
    assert after - before >= 200_000
    rate = q.value(path)
    assert rate * (t3 - t0) >= 200_000 * 0.999  # at least what we sent
    assert rate * (t2 - t1) <= (after - before) * 1.001  # no more than the kernel counted
    assert q.value(r"\Network Interface(lo)\Packets/sec") > 0
    q.close()
