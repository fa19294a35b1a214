"""win32process's threads: beginthreadex, OpenThread, thread priorities (nice
values), times, affinity, I/O-pending flag and priority boost, in this
process and across processes."""
import os
import shutil
import sys
import threading
import time

import pytest
import pywintypes
import win32api
import win32event
import win32process
import winerror

from w32util import LineReader, assert_winerror, finish, popen_py

THREAD_ALL_ACCESS = 0x1F03FF
LEVELS = [win32process.THREAD_PRIORITY_IDLE, win32process.THREAD_PRIORITY_LOWEST,
          win32process.THREAD_PRIORITY_BELOW_NORMAL, win32process.THREAD_PRIORITY_NORMAL,
          win32process.THREAD_PRIORITY_ABOVE_NORMAL, win32process.THREAD_PRIORITY_HIGHEST,
          win32process.THREAD_PRIORITY_TIME_CRITICAL]


def task_nice(pid, tid):
    """The nice value of a task, as /proc shows it (stat field 19)."""
    with open(f"/proc/{pid}/task/{tid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[19 - 3])


class Parked:
    """A threading thread that waits until released (bounded)."""

    def __init__(self, target=None):
        self.release = threading.Event()
        self.thread = threading.Thread(target=target or (lambda: self.release.wait(60)), daemon=True)
        self.thread.start()
        self.tid = self.thread.native_id

    def end(self):
        self.release.set()
        self.thread.join(30)
        assert not self.thread.is_alive()


# --- beginthreadex ---------------------------------------------------------------

def test_beginthreadex_runs_the_callable_and_its_handle_signals_at_the_end():
    seen = []
    gate = threading.Event()

    def body(a, b):
        seen.append((a, b, threading.get_native_id()))
        gate.wait(30)
        return a * b

    h, tid = win32process.beginthreadex(None, 0, body, (6, 7), 0)
    try:
        assert win32event.WaitForSingleObject(h, 50) == win32event.WAIT_TIMEOUT
        assert win32process.GetExitCodeThread(h) == win32process.STILL_ACTIVE
        gate.set()
        assert win32event.WaitForSingleObject(h, 30000) == win32event.WAIT_OBJECT_0
        assert win32process.GetExitCodeThread(h) == 42
        assert seen == [(6, 7, tid)]
        times = win32process.GetThreadTimes(h)
        assert times["ExitTime"] >= times["CreationTime"]
        assert times["KernelTime"] >= 0 and times["UserTime"] >= 0
    finally:
        win32api.CloseHandle(h)


def test_beginthreadex_exception_goes_to_unraisablehook_and_exit_code_is_1(monkeypatch):
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: reported.append(u.exc_type))

    def body():
        raise ValueError("boom")

    h, _ = win32process.beginthreadex(None, 0, body, (), 0)
    assert win32event.WaitForSingleObject(h, 30000) == win32event.WAIT_OBJECT_0
    assert win32process.GetExitCodeThread(h) == 1
    assert reported == [ValueError]


def test_beginthreadex_suspended_does_not_call_until_resumed():
    called = threading.Event()
    h, tid = win32process.beginthreadex(None, 65536, called.set, (), win32process.CREATE_SUSPENDED)
    # The thread exists (its task is in /proc) but has not run the callable.
    assert os.path.exists(f"/proc/self/task/{tid}")
    assert win32event.WaitForSingleObject(h, 100) == win32event.WAIT_TIMEOUT
    assert not called.is_set()
    assert win32process.SuspendThread(h) == 1
    assert win32process.ResumeThread(h) == 2
    assert not called.is_set()
    assert win32process.ResumeThread(h) == 1
    assert win32event.WaitForSingleObject(h, 30000) == win32event.WAIT_OBJECT_0
    assert called.is_set()
    assert win32process.ResumeThread(h) == 0


def test_suspending_a_running_thread_is_not_supported():
    gate = threading.Event()
    h, _ = win32process.beginthreadex(None, 0, gate.wait, (30,), 0)
    try:
        assert_winerror(pytest.raises(pywintypes.error, win32process.SuspendThread, h),
                        winerror.ERROR_NOT_SUPPORTED)
    finally:
        gate.set()
        assert win32event.WaitForSingleObject(h, 30000) == win32event.WAIT_OBJECT_0


def test_beginthreadex_bad_arguments():
    with pytest.raises(TypeError):
        win32process.beginthreadex(None, 0, 42, (), 0)
    with pytest.raises(TypeError):
        win32process.beginthreadex(None, 0, print, [1], 0)
    with pytest.raises(TypeError):
        win32process.beginthreadex(object(), 0, print, (), 0)
    with pytest.raises(ValueError):
        win32process.beginthreadex(None, -1, print, (), 0)
    assert_winerror(pytest.raises(pywintypes.error, win32process.beginthreadex, None, 0, print, (), 0x8),
                    winerror.ERROR_INVALID_PARAMETER)


def test_beginthreadex_inheritable_handle_from_security_attributes():
    import win32con
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.bInheritHandle = True
    h, _ = win32process.beginthreadex(sa, 0, int, (), 0)
    assert win32event.WaitForSingleObject(h, 30000) == win32event.WAIT_OBJECT_0
    assert win32api.GetHandleInformation(h) & win32con.HANDLE_FLAG_INHERIT


# --- OpenThread --------------------------------------------------------------------

def test_open_thread_of_this_process_waits_for_its_end():
    parked = Parked()
    h = win32api.OpenThread(THREAD_ALL_ACCESS, False, parked.tid)
    assert win32event.WaitForSingleObject(h, 50) == win32event.WAIT_TIMEOUT
    assert win32process.GetExitCodeThread(h) == win32process.STILL_ACTIVE
    parked.end()
    assert win32event.WaitForSingleObject(h, 30000) == win32event.WAIT_OBJECT_0


def test_open_thread_of_a_beginthreadex_thread_knows_its_exit_code():
    gate = threading.Event()
    h, tid = win32process.beginthreadex(None, 0, lambda: gate.wait(30) and 7, (), 0)
    other = win32api.OpenThread(THREAD_ALL_ACCESS, False, tid)
    gate.set()
    assert win32event.WaitForSingleObject(other, 30000) == win32event.WAIT_OBJECT_0
    assert win32process.GetExitCodeThread(other) == 7


def test_open_thread_bad_ids():
    for tid in (0, 0x7FFFFFF0):
        assert_winerror(pytest.raises(pywintypes.error, win32api.OpenThread, THREAD_ALL_ACCESS, False, tid),
                        winerror.ERROR_INVALID_PARAMETER)
    with pytest.raises(TypeError):
        win32api.OpenThread(THREAD_ALL_ACCESS, False, "1")


# --- priorities ----------------------------------------------------------------------

def test_every_level_round_trips_and_is_the_tasks_nice_value():
    parked = Parked()
    try:
        h = win32api.OpenThread(THREAD_ALL_ACCESS, False, parked.tid)
        nices = []
        for level in LEVELS:
            win32process.SetThreadPriority(h, level)
            assert win32process.GetThreadPriority(h) == level
            nices.append(task_nice(os.getpid(), parked.tid))
        # Each level up is a lower (or, at the ends, equal) nice value.
        assert nices == sorted(nices, reverse=True)
        assert nices[0] == 19 and nices[-1] == -20
        assert win32process.GetPriorityClass(-1) == win32process.NORMAL_PRIORITY_CLASS
    finally:
        parked.end()


def test_a_nice_value_set_elsewhere_reads_as_the_nearest_level():
    parked = Parked()
    try:
        h = win32api.OpenThread(THREAD_ALL_ACCESS, False, parked.tid)
        os.setpriority(os.PRIO_PROCESS, parked.tid, 7)
        assert win32process.GetThreadPriority(h) == win32process.THREAD_PRIORITY_LOWEST
        os.setpriority(os.PRIO_PROCESS, parked.tid, 17)
        assert win32process.GetThreadPriority(h) == win32process.THREAD_PRIORITY_IDLE
    finally:
        parked.end()


def test_bad_level_and_bad_handle():
    assert_winerror(pytest.raises(pywintypes.error, win32process.SetThreadPriority, -2, 3),
                    winerror.ERROR_INVALID_PARAMETER)
    ev = win32event.CreateEvent(None, 0, 0, None)
    for call in (lambda: win32process.GetThreadPriority(ev), lambda: win32process.SetThreadPriority(ev, 0),
                 lambda: win32process.GetThreadTimes(ev), lambda: win32process.GetThreadIOPendingFlag(ev),
                 lambda: win32process.SetThreadAffinityMask(ev, 1)):
        assert_winerror(pytest.raises(pywintypes.error, call), winerror.ERROR_INVALID_HANDLE)
    with pytest.raises(TypeError):
        win32process.SetThreadPriority(-2, "high")


CHILD_THREAD = """
import sys, threading
ev = threading.Event()
t = threading.Thread(target=lambda: ev.wait(60), daemon=True)
t.start()
print(t.native_id, flush=True)
sys.stdin.readline()
ev.set(); t.join(30)
print("ended", flush=True)
sys.stdin.readline()
"""


def test_thread_of_another_process_priority_is_its_nice_and_its_end_is_waitable():
    import subprocess
    child = popen_py(CHILD_THREAD, stdin=subprocess.PIPE, bufsize=1)
    lines = LineReader(child)
    try:
        tid = int(lines.get())
        h = win32api.OpenThread(THREAD_ALL_ACCESS, False, tid)
        win32process.SetThreadPriority(h, win32process.THREAD_PRIORITY_LOWEST)
        assert task_nice(child.pid, tid) == 2
        assert win32process.GetThreadPriority(h) == win32process.THREAD_PRIORITY_LOWEST
        times = win32process.GetThreadTimes(h)
        assert times["ExitTime"].year == 1601
        assert win32event.WaitForSingleObject(h, 50) == win32event.WAIT_TIMEOUT
        child.stdin.write("\n")
        assert lines.get() == "ended"
        assert win32event.WaitForSingleObject(h, 30000) == win32event.WAIT_OBJECT_0
        # Its exit code is the other process's to know.
        assert_winerror(pytest.raises(pywintypes.error, win32process.GetExitCodeThread, h),
                        winerror.ERROR_NOT_SUPPORTED)
        child.stdin.write("\n")
    finally:
        finish(child)


def test_main_thread_handle_of_a_created_process():
    si = win32process.STARTUPINFO()
    hp, ht, pid, tid = win32process.CreateProcess(
        None, f'"{sys.executable}" -c "import time; time.sleep(60)"', None, None, False, 0, None, None, si)
    try:
        win32process.SetThreadPriority(ht, win32process.THREAD_PRIORITY_BELOW_NORMAL)
        assert task_nice(pid, tid) == 1
        assert win32process.GetThreadPriority(ht) == win32process.THREAD_PRIORITY_BELOW_NORMAL
        # Still in the normal class: the level moved the main thread within its band.
        assert win32process.GetPriorityClass(hp) == win32process.NORMAL_PRIORITY_CLASS
    finally:
        win32process.TerminateProcess(hp, 1)
        win32event.WaitForSingleObject(hp, 30000)


PRIORITY_CLASS_CHILD = """
import os, threading, win32api, win32process
ev = threading.Event()
t = threading.Thread(target=lambda: ev.wait(60)); t.start()
h = win32api.OpenThread(0x1F03FF, False, t.native_id)
win32process.SetThreadPriority(h, win32process.THREAD_PRIORITY_LOWEST)
win32process.SetPriorityClass(-1, win32process.BELOW_NORMAL_PRIORITY_CLASS)
print(win32process.GetPriorityClass(-1) == win32process.BELOW_NORMAL_PRIORITY_CLASS,
      win32process.GetThreadPriority(h), os.getpriority(os.PRIO_PROCESS, t.native_id),
      win32process.GetThreadPriority(-2), flush=True)
ev.set(); t.join()
"""


def test_priority_class_moves_every_thread_keeping_its_level():
    rc, out, err = finish(popen_py(PRIORITY_CLASS_CHILD))
    assert rc == 0, err
    assert out.split() == ["True", str(win32process.THREAD_PRIORITY_LOWEST), "12",
                           str(win32process.THREAD_PRIORITY_NORMAL)]


UNPRIVILEGED_CHILD = """
import win32process, pywintypes
win32process.SetThreadPriority(-2, win32process.THREAD_PRIORITY_LOWEST)
try:
    win32process.SetThreadPriority(-2, win32process.THREAD_PRIORITY_NORMAL)
    print("raised")
except pywintypes.error as e:
    print(e.winerror)
"""


def test_raising_a_priority_without_cap_sys_nice_is_privilege_not_held():
    import subprocess
    code = UNPRIVILEGED_CHILD
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("setpriv is needed to drop CAP_SYS_NICE as root")
        cmd = ["setpriv", "--inh-caps=-sys_nice", "--bounding-set=-sys_nice", sys.executable, "-c", code]
    else:
        cmd = [sys.executable, "-c", code]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                         cwd=os.environ["PYWIN32_POSIX_ROOT"])
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(winerror.ERROR_PRIVILEGE_NOT_HELD)


# --- times, affinity, I/O, boost, ideal processor ----------------------------------------

def test_thread_times_of_the_calling_thread():
    before = time.time()
    t = win32process.GetThreadTimes(win32api.GetCurrentThread())
    assert t["ExitTime"].year == 1601
    assert t["CreationTime"].timestamp() <= before + 1
    assert t["KernelTime"] >= 0 and t["UserTime"] >= 0


def test_set_thread_affinity_mask_returns_the_previous_one():
    allowed = sorted(os.sched_getaffinity(0))
    if not allowed or allowed[-1] >= 64:
        pytest.skip("needs CPUs numbered below 64")
    parked = Parked()
    try:
        h = win32api.OpenThread(THREAD_ALL_ACCESS, False, parked.tid)
        full = sum(1 << c for c in allowed)
        assert win32process.SetThreadAffinityMask(h, 1 << allowed[0]) == full
        assert os.sched_getaffinity(parked.tid) == {allowed[0]}
        assert win32process.SetThreadAffinityMask(h, full) == 1 << allowed[0]
        assert os.sched_getaffinity(parked.tid) == set(allowed)
        for bad in (0, 1 << 63):
            assert_winerror(pytest.raises(pywintypes.error, win32process.SetThreadAffinityMask, h, bad),
                            winerror.ERROR_INVALID_PARAMETER)
        with pytest.raises((TypeError, OverflowError)):
            win32process.SetThreadAffinityMask(h, -1)
    finally:
        parked.end()


def test_io_pending_flag_while_a_thread_is_blocked_in_read():
    r, w = os.pipe()
    reader = Parked(target=lambda: os.read(r, 1))
    idle = Parked()
    try:
        h = win32api.OpenThread(THREAD_ALL_ACCESS, False, reader.tid)
        deadline = time.monotonic() + 30
        while not win32process.GetThreadIOPendingFlag(h):
            assert time.monotonic() < deadline, "the reader never showed as inside read()"
            time.sleep(0.01)
        hi = win32api.OpenThread(THREAD_ALL_ACCESS, False, idle.tid)
        assert win32process.GetThreadIOPendingFlag(hi) is False
    finally:
        os.write(w, b"x")
        reader.end()
        idle.end()
        os.close(r)
        os.close(w)


def test_priority_boost_is_always_disabled():
    assert win32process.GetThreadPriorityBoost(-2) is True
    assert win32process.GetProcessPriorityBoost(-1) is True
    win32process.SetThreadPriorityBoost(-2, True)
    win32process.SetProcessPriorityBoost(-1, True)
    for call in (lambda: win32process.SetThreadPriorityBoost(-2, False),
                 lambda: win32process.SetProcessPriorityBoost(-1, False)):
        assert_winerror(pytest.raises(pywintypes.error, call), winerror.ERROR_NOT_SUPPORTED)
    assert_winerror(pytest.raises(pywintypes.error, win32process.GetProcessPriorityBoost, -2),
                    winerror.ERROR_INVALID_HANDLE)
    assert_winerror(pytest.raises(pywintypes.error, win32process.GetThreadPriorityBoost, -1),
                    winerror.ERROR_INVALID_HANDLE)


def test_ideal_processor_is_not_supported():
    assert_winerror(pytest.raises(pywintypes.error, win32process.SetThreadIdealProcessor, -2, 0),
                    winerror.ERROR_NOT_SUPPORTED)


AT_EXIT = {
    "sleeping": "def f():\n    while True: time.sleep(0.01)\n",
    "computing": "def f():\n    x = 0\n    while True: x += 1\n",
    "in_a_call": "def f():\n    time.sleep(0.3)\n",
}


@pytest.mark.parametrize("kind", sorted(AT_EXIT))
def test_interpreter_exits_cleanly_while_a_beginthreadex_thread_runs(kind):
    code = "import time, win32process\n" + AT_EXIT[kind] + \
        "win32process.beginthreadex(None, 0, f, (), 0)\ntime.sleep(0.05)\nprint('done')\n"
    rc, out, err = finish(popen_py(code))
    assert (rc, out.strip()) == (0, "done"), err


def test_thread_handle_access_rights_are_checked():
    parked = Parked()
    try:
        query_only = win32api.OpenThread(0x0800, False, parked.tid)  # THREAD_QUERY_LIMITED_INFORMATION
        assert win32process.GetThreadPriority(query_only) == win32process.THREAD_PRIORITY_NORMAL
        for call in (lambda: win32process.SetThreadPriority(query_only, 0),
                     lambda: win32process.SetThreadAffinityMask(query_only, 1),
                     lambda: win32process.SetThreadPriorityBoost(query_only, True)):
            assert_winerror(pytest.raises(pywintypes.error, call), winerror.ERROR_ACCESS_DENIED)
        set_only = win32api.OpenThread(0x0400, False, parked.tid)  # THREAD_SET_LIMITED_INFORMATION
        win32process.SetThreadPriority(set_only, win32process.THREAD_PRIORITY_LOWEST)
        for call in (lambda: win32process.GetThreadPriority(set_only),
                     lambda: win32process.GetThreadTimes(set_only),
                     lambda: win32process.GetThreadIOPendingFlag(set_only)):
            assert_winerror(pytest.raises(pywintypes.error, call), winerror.ERROR_ACCESS_DENIED)
    finally:
        parked.end()
