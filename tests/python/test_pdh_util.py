"""win32pdhutil and win32pdhquery over win32pdh, and the typeperf-style
monitor (python -m win32pdhutil) in a child process."""
import csv
import io
import os
import subprocess
import sys
import time

import pytest

import win32pdh
import win32pdhquery
import win32pdhutil
from test_pdh_values import NamedChild, unique_name


@pytest.fixture
def twins():
    name = unique_name()
    a, b = NamedChild(name), NamedChild(name)
    yield name, sorted([a.pid, b.pid])
    a.close()
    b.close()


def test_get_performance_attributes():
    own, _, index = win32pdh.ParseInstanceName(_own_instance())
    assert win32pdhutil.GetPerformanceAttributes("Process", "ID Process", own, index) == os.getpid()
    assert win32pdhutil.GetPerformanceAttributes("Memory", "Commit Limit", format=win32pdh.PDH_FMT_LARGE) > 0
    with pytest.raises(win32pdh.error) as e:  # a rate from one sample, as on Windows
        win32pdhutil.GetPerformanceAttributes("Processor", "% Processor Time", "_Total")
    assert e.value.winerror == win32pdh.PDH_INVALID_DATA


def _own_instance():
    """This process's instance name (name#n) in the Process object."""
    q = win32pdh.OpenQuery()
    c = win32pdh.AddCounter(q, r"\Process(*)\ID Process")
    win32pdh.CollectQueryData(q)
    pids = win32pdh.GetFormattedCounterArray(c, win32pdh.PDH_FMT_LARGE)
    win32pdh.CloseQuery(q)
    return [name for name, pid in pids.items() if pid == os.getpid()][0]


def test_find_performance_attributes_by_name(twins):
    name, pids = twins
    assert sorted(win32pdhutil.FindPerformanceAttributesByName(name)) == pids
    assert sorted(win32pdhutil.FindPerformanceAttributesByName(name.upper(), bRefresh=1)) == pids
    assert win32pdhutil.FindPerformanceAttributesByName("no-such-process-xyz") == []
    threads = win32pdhutil.FindPerformanceAttributesByName(name, counter="Thread Count")
    assert threads == [1, 1]
    assert win32pdhutil.find_pdh_counter_localized_name("ID Process") == "ID Process"


def test_show_all_processes(twins, capsys):
    name, pids = twins
    win32pdhutil.ShowAllProcesses()
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Process Name ID Process,")
    rows = [line.split() for line in out[1:] if line.startswith(name)]
    assert sorted(int(r[1]) for r in rows) == pids


def test_browse_callback_demo(capsys):
    assert win32pdhutil.BrowseCallBackDemo([r"\Memory\Available Bytes"]) == 0
    out = capsys.readouterr().out
    assert r"Value of '\Memory\Available Bytes' is" in out and "on object 'Memory'" in out


def test_sparkline():
    assert win32pdhutil.sparkline([0, 1, 2, 3]) == "\u2581\u2583\u2586\u2588"
    assert win32pdhutil.sparkline([5, 5]) == "\u2581\u2581"
    assert win32pdhutil.sparkline([None]) == ""


def test_base_query_collects_all_paths(twins):
    name, pids = twins
    q = win32pdhquery.BaseQuery()
    assert q.addcounter("Process", "ID Process", name, 0) == 0
    q.rawaddcounter("Process", "ID Process", name, 1)
    q.rawaddcounter("No Such Object", "x")  # skipped when the query opens
    assert q.collectdata() == pids
    q.open()
    assert q.active and len(q.curpaths) == 2
    assert q.addcounter("Memory", "Commit Limit") == -1  # not while open
    assert q.collectdata() == pids
    q.close()
    assert not q.active and q.counters == []
    assert q.__getinitargs__() == (q.paths,)


def test_query_instance_counters(twins):
    name, pids = twins
    q = win32pdhquery.Query()
    q.addinstcounter(name, "ID Process")
    assert q.getinstpaths(name, "ID Process") == [rf"\Process({name})\ID Process",
                                                  rf"\Process({name}#1)\ID Process"]
    q.open()
    assert sorted(q.collectdata()) == pids
    q.close()
    fixed = win32pdhquery.Query()
    fixed.addinstcounter(name, "ID Process", volatile=0)
    assert len(fixed.paths) == 2
    fixed.collectdatafor(0.2, 0.1)
    assert [sorted(r) for r in fixed.curresults] == [pids, pids]
    bg = win32pdhquery.Query()
    bg.addinstcounter(name, "ID Process")
    bg.collectdatawhile(0.05)
    time.sleep(0.3)
    bg.collectdatawhile_stop()
    deadline = time.time() + 10
    while not bg.curresults and time.time() < deadline:
        time.sleep(0.05)
    assert bg.curresults and sorted(bg.curresults[0]) == pids
    assert str(win32pdhquery.QueryError(q)).startswith("<Query Error in ")


def _monitor(*args):
    out = subprocess.run([sys.executable, "-m", "win32pdhutil", *args], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_typeperf_csv():
    out = _monitor(r"\Processor(_Total)\% Processor Time", r"\Memory\Available MBytes", "-si", "0.2", "-sc", "3")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0] == "(PDH-CSV 4.0)"
    assert rows[0][1].endswith(r"\Processor(_Total)\% Processor Time") and rows[0][1].startswith("\\\\")
    assert len(rows) == 4
    for row in rows[1:]:
        time.strptime(row[0].split(".")[0], "%m/%d/%Y %H:%M:%S")
        assert 0 <= float(row[1]) <= 100
        assert float(row[2]) > 0


def test_typeperf_wildcards_and_output_file(tmp_path):
    target = tmp_path / "out.csv"
    _monitor(r"\Processor(*)\% Idle Time", "-si", "0.1", "-sc", "1", "-o", str(target))
    rows = list(csv.reader(target.open()))
    assert len(rows[0]) == 1 + os.cpu_count() + 1 and len(rows) == 2


def test_live_view_and_listing():
    out = _monitor("--live", r"\Memory\Available MBytes", "-si", "0.1", "-sc", "2")
    assert out.count(r"\Memory\Available MBytes") == 2 and "\u2581" in out
    listing = _monitor("-q", "Memory")
    assert r"\Memory\Available Bytes" in listing.splitlines()
    bad = subprocess.run([sys.executable, "-m", "win32pdhutil", r"\Nope\x", "-sc", "1"], capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode != 0 and "The specified object is not found on the system." in bad.stderr
