"""Process handles and DuplicateHandle: win32api.OpenProcess,
GetCurrentProcess/GetCurrentThread/GetCurrentProcessId, waits on process
handles (signalled when the process ends), DuplicateHandle within the
process and into other processes of the session (subprocess and fork
children), and the lifetime of objects held by duplicated handles.

Every wait has a timeout and every child process a timeout, so a bug shows
as a failure rather than a hang. No test asserts on elapsed time: "this must
not happen" checks use a short bounded wait, "this must happen" checks a long
one.
"""
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

import pywintypes
import win32api
import win32event as w
from w32util import (
    CHILD_TIMEOUT,
    ERROR_ACCESS_DENIED,
    ERROR_INVALID_HANDLE,
    ERROR_INVALID_PARAMETER,
    ERROR_NOT_SUPPORTED,
    LONG_MS,
    SHORT_MS,
    WAIT_ABANDONED,
    WAIT_TIMEOUT,
    LineReader,
    assert_winerror,
    join_mp,
    objects_in_use,
    popen_py,
)

SYNCHRONIZE = 0x00100000
PROCESS_QUERY_INFORMATION = 0x0400
PROCESS_ALL_ACCESS = 0x1F0FFF
EVENT_MODIFY_STATE = 0x0002
DUPLICATE_CLOSE_SOURCE = 1
DUPLICATE_SAME_ACCESS = 2


# --- helpers --------------------------------------------------------------------


class Child(LineReader):
    """A child python process driven line by line over stdin/stdout."""

    def __init__(self, code, *args):
        super().__init__(popen_py(code, *args, stdin=subprocess.PIPE, bufsize=1), timeout=CHILD_TIMEOUT)
        self.pid = self.proc.pid

    def send(self, *values):
        self.proc.stdin.write(" ".join(map(str, values)) + "\n")
        self.proc.stdin.flush()

    def finish(self, timeout=CHILD_TIMEOUT):
        """Closes stdin (the child's cue to end where it reads it), reaps it."""
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            pytest.fail(f"child process hung: {self.proc.stderr.read()}")
        err = self.proc.stderr.read()
        assert self.proc.returncode == 0, err
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)


# Blocks until stdin is closed; then exits 0.
SLEEPER = "import sys; sys.stdin.read()"
# Blocks until it reads a line; then exits 0. For tests that fork: a fork
# child inherits the write end of the sleeper's stdin, so closing it in the
# parent alone would not end a SLEEPER.
LINE_SLEEPER = "import sys; sys.stdin.readline()"


def settled_objects(timeout=10):
    """objects_in_use() once it holds still. Closing a process handle just
    after its process ended can leave the handle's exit event to be freed a
    moment later (by the thread that signalled it): a baseline must not
    include such a leftover of an earlier test."""
    end = time.monotonic() + timeout
    prev, stable = objects_in_use(), 0
    while stable < 3:
        assert time.monotonic() < end, "object count did not settle"
        time.sleep(0.02)
        cur = objects_in_use()
        stable = stable + 1 if cur == prev else 0
        prev = cur
    return prev


def wait_objects(expected, timeout=10):
    """Polls (bounded) until objects_in_use() == expected; returns the last count."""
    end = time.monotonic() + timeout
    while True:
        cur = objects_in_use()
        if cur == expected or time.monotonic() > end:
            return cur
        time.sleep(0.01)


def wait_exited_unreaped(pid, timeout=CHILD_TIMEOUT):
    """Waits (bounded) until child `pid` has exited, leaving it a zombie."""
    end = time.monotonic() + timeout
    while True:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG)
        if info is not None:
            return info
        assert time.monotonic() < end, "child did not exit"
        time.sleep(0.01)


def dup_into(handle, process, access=0, options=DUPLICATE_SAME_ACCESS):
    """Duplicates `handle` into `process`; returns the target's value (an int)."""
    dup = win32api.DuplicateHandle(win32api.GetCurrentProcess(), handle, process, access, 0, options)
    return dup.Detach()


@pytest.fixture
def self_process_resolved():
    # The first use of GetCurrentProcess() makes this process's own process
    # object (which lives as long as the process): make it before a test
    # takes an object-count baseline.
    assert w.WaitForSingleObject(win32api.GetCurrentProcess(), 0) == WAIT_TIMEOUT


# --- pseudo-handles and ids -----------------------------------------------------


def test_pseudo_handles_and_ids():
    assert win32api.GetCurrentProcess() == -1
    assert win32api.GetCurrentThread() == -2
    assert win32api.GetCurrentProcessId() == os.getpid()


def test_waiting_on_current_process_times_out():
    cur = win32api.GetCurrentProcess()
    assert w.WaitForSingleObject(cur, 0) == WAIT_TIMEOUT
    assert w.WaitForSingleObject(cur, SHORT_MS) == WAIT_TIMEOUT
    e = w.CreateEvent(None, 0, 0, None)
    try:
        assert w.WaitForMultipleObjects([cur, e], False, SHORT_MS) == WAIT_TIMEOUT
        w.SetEvent(e)
        assert w.WaitForMultipleObjects([cur, e], False, LONG_MS) == 1
    finally:
        e.Close()


def test_open_own_process_is_never_signalled():
    h = win32api.OpenProcess(SYNCHRONIZE, 0, os.getpid())
    try:
        assert isinstance(h, pywintypes.HANDLEType)
        assert w.WaitForSingleObject(h, SHORT_MS) == WAIT_TIMEOUT
    finally:
        h.Close()


# --- OpenProcess on children ------------------------------------------------------


def test_open_process_on_child_signalled_when_it_exits():
    child = Child(SLEEPER)
    try:
        h = win32api.OpenProcess(SYNCHRONIZE, 0, child.pid)
        try:
            assert w.WaitForSingleObject(h, 0) == WAIT_TIMEOUT
            assert w.WaitForSingleObject(h, SHORT_MS) == WAIT_TIMEOUT
            child.proc.stdin.close()  # the child ends
            assert w.WaitForSingleObject(h, LONG_MS) == w.WAIT_OBJECT_0
            # A process handle stays signalled.
            assert w.WaitForSingleObject(h, 0) == w.WAIT_OBJECT_0
            assert w.WaitForSingleObject(h, LONG_MS) == w.WAIT_OBJECT_0
        finally:
            h.Close()
        assert child.proc.wait(CHILD_TIMEOUT) == 0
    finally:
        child.kill()


def test_thread_waiting_on_process_handle_wakes_when_child_exits():
    child = Child(SLEEPER)
    try:
        h = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        results = []
        t = threading.Thread(target=lambda: results.append(w.WaitForSingleObject(h, LONG_MS)), daemon=True)
        t.start()
        t.join(SHORT_MS / 1000)
        assert t.is_alive(), "wait on a running child's process handle returned"
        child.proc.stdin.close()
        t.join(LONG_MS / 1000 + 10)
        assert not t.is_alive()
        assert results == [w.WAIT_OBJECT_0]
        h.Close()
    finally:
        child.kill()


def test_killed_child_signals_its_process_handle():
    child = Child(SLEEPER)
    try:
        h = win32api.OpenProcess(SYNCHRONIZE, 0, child.pid)
        assert w.WaitForSingleObject(h, SHORT_MS) == WAIT_TIMEOUT
        os.kill(child.pid, signal.SIGKILL)
        assert w.WaitForSingleObject(h, LONG_MS) == w.WAIT_OBJECT_0
        h.Close()
    finally:
        child.kill()


def test_open_process_on_exited_unreaped_child_is_signalled():
    child = Child("pass")
    try:
        wait_exited_unreaped(child.pid)
        # Popen still holds the child (not reaped): it can be opened, and it has ended.
        h = win32api.OpenProcess(SYNCHRONIZE, 0, child.pid)
        assert w.WaitForSingleObject(h, LONG_MS) == w.WAIT_OBJECT_0
        h.Close()
    finally:
        child.kill()


def test_two_handles_to_one_child():
    child = Child(SLEEPER)
    try:
        h1 = win32api.OpenProcess(SYNCHRONIZE, 0, child.pid)
        h2 = win32api.OpenProcess(SYNCHRONIZE, 0, child.pid)
        assert int(h1) != int(h2)
        h1.Close()  # closing one leaves the other working
        child.proc.stdin.close()
        assert w.WaitForSingleObject(h2, LONG_MS) == w.WAIT_OBJECT_0
        h2.Close()
    finally:
        child.kill()


def test_wait_for_multiple_objects_event_and_process():
    child = Child(SLEEPER)
    e = w.CreateEvent(None, 0, 0, None)
    try:
        h = win32api.OpenProcess(SYNCHRONIZE, 0, child.pid)
        assert w.WaitForMultipleObjects([e, h], False, SHORT_MS) == WAIT_TIMEOUT
        w.SetEvent(e)
        assert w.WaitForMultipleObjects([e, h], False, LONG_MS) == 0
        assert w.WaitForMultipleObjects([h, e], False, SHORT_MS) == WAIT_TIMEOUT
        child.proc.stdin.close()
        assert w.WaitForMultipleObjects([e, h], False, LONG_MS) == 1
        assert w.WaitForMultipleObjects([h, e], False, LONG_MS) == 0
        h.Close()
    finally:
        e.Close()
        child.kill()


def test_wait_all_event_and_process():
    child = Child(SLEEPER)
    e = w.CreateEvent(None, 0, 1, None)  # auto-reset, signalled
    try:
        h = win32api.OpenProcess(SYNCHRONIZE, 0, child.pid)
        assert w.WaitForMultipleObjects([e, h], True, SHORT_MS) == WAIT_TIMEOUT
        # The failed wait-all took nothing.
        child.proc.stdin.close()
        assert w.WaitForMultipleObjects([e, h], True, LONG_MS) == 0
        # ... and the successful one took the auto-reset event.
        assert w.WaitForSingleObject(e, 0) == WAIT_TIMEOUT
        assert w.WaitForSingleObject(h, 0) == w.WAIT_OBJECT_0
        h.Close()
    finally:
        e.Close()
        child.kill()


def test_open_process_of_pid_that_does_not_exist():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(CHILD_TIMEOUT)  # reaped: the pid names nothing now
    for pid in (proc.pid, 0, 0x7FFFFFFF, 0xFFFFFFF0):
        with pytest.raises(pywintypes.error) as ei:
            win32api.OpenProcess(SYNCHRONIZE, 0, pid)
        assert_winerror(ei, ERROR_INVALID_PARAMETER, "OpenProcess")


def test_closed_process_handle_is_invalid():
    child = Child(SLEEPER)
    try:
        h = win32api.OpenProcess(SYNCHRONIZE, 0, child.pid)
        v = h.Detach()
        win32api.CloseHandle(v)
        with pytest.raises(pywintypes.error) as ei:
            w.WaitForSingleObject(v, 0)
        assert_winerror(ei, ERROR_INVALID_HANDLE)
    finally:
        child.kill()


def test_process_handle_without_synchronize_cannot_be_waited():
    child = Child(SLEEPER)
    try:
        h = win32api.DuplicateHandle(
            win32api.GetCurrentProcess(),
            win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid),
            win32api.GetCurrentProcess(),
            PROCESS_QUERY_INFORMATION,
            0,
            DUPLICATE_CLOSE_SOURCE,
        )
        with pytest.raises(pywintypes.error) as ei:
            w.WaitForSingleObject(h, 0)
        assert_winerror(ei, ERROR_ACCESS_DENIED)
        h.Close()
    finally:
        child.kill()


# --- DuplicateHandle within the process -------------------------------------------


def test_duplicate_current_process_pseudo_handle_gives_a_real_handle():
    cur = win32api.GetCurrentProcess()
    dup = win32api.DuplicateHandle(cur, cur, cur, 0, 0, DUPLICATE_SAME_ACCESS)
    try:
        assert isinstance(dup, pywintypes.HANDLEType)
        assert int(dup) not in (-1, -2, 0)
        assert int(dup) > 0
        assert w.WaitForSingleObject(dup, 0) == WAIT_TIMEOUT
        assert w.WaitForSingleObject(dup, SHORT_MS) == WAIT_TIMEOUT
        # It names this process: usable as source and target process handle.
        e = w.CreateEvent(None, 0, 0, None)
        e2 = win32api.DuplicateHandle(dup, e, dup, 0, 0, DUPLICATE_SAME_ACCESS)
        w.SetEvent(e2)
        assert w.WaitForSingleObject(e, LONG_MS) == w.WAIT_OBJECT_0
        e.Close()
        e2.Close()
    finally:
        v = dup.Detach()
    win32api.CloseHandle(v)
    with pytest.raises(pywintypes.error) as ei:
        w.WaitForSingleObject(v, 0)
    assert_winerror(ei, ERROR_INVALID_HANDLE)


def test_duplicate_current_process_with_explicit_access():
    cur = win32api.GetCurrentProcess()
    sync = win32api.DuplicateHandle(cur, cur, cur, SYNCHRONIZE, 0, 0)
    nosync = win32api.DuplicateHandle(cur, cur, cur, PROCESS_QUERY_INFORMATION, 0, 0)
    try:
        assert w.WaitForSingleObject(sync, SHORT_MS) == WAIT_TIMEOUT
        with pytest.raises(pywintypes.error) as ei:
            w.WaitForSingleObject(nosync, 0)
        assert_winerror(ei, ERROR_ACCESS_DENIED)
    finally:
        sync.Close()
        nosync.Close()


@pytest.mark.parametrize("kind", ["event", "mutex", "semaphore", "timer"])
def test_duplicate_same_access_names_the_same_object(kind):
    if kind == "event":
        h = w.CreateEvent(None, 1, 0, None)
    elif kind == "mutex":
        h = w.CreateMutex(None, 0, None)
    elif kind == "semaphore":
        h = w.CreateSemaphore(None, 0, 2, None)
    else:
        h = w.CreateWaitableTimer(None, True, None)
    cur = win32api.GetCurrentProcess()
    dup = win32api.DuplicateHandle(cur, h, cur, 0, 0, DUPLICATE_SAME_ACCESS)
    try:
        assert int(dup) != int(h)
        if kind == "event":
            w.SetEvent(dup)
            assert w.WaitForSingleObject(h, 0) == 0
        elif kind == "mutex":
            t_result = []
            t = threading.Thread(target=lambda: t_result.append(w.WaitForSingleObject(h, 0)))
            assert w.WaitForSingleObject(dup, 0) == 0  # this thread owns it
            t.start()
            t.join(CHILD_TIMEOUT)
            assert t_result == [WAIT_TIMEOUT]
            w.ReleaseMutex(h)  # same object, same owner
        elif kind == "semaphore":
            assert w.ReleaseSemaphore(dup, 2) == 0
            assert w.WaitForSingleObject(h, 0) == 0
            assert w.WaitForSingleObject(dup, 0) == 0
            assert w.WaitForSingleObject(h, 0) == WAIT_TIMEOUT
        else:
            w.SetWaitableTimer(dup, -10000, 0)  # 1 ms from now
            assert w.WaitForSingleObject(h, LONG_MS) == 0
        # Closing the original leaves the duplicate working.
        h.Close()
        if kind == "event":
            assert w.WaitForSingleObject(dup, 0) == 0  # manual reset: still set
        elif kind == "mutex":
            assert w.WaitForSingleObject(dup, 0) == 0
            w.ReleaseMutex(dup)
        elif kind == "semaphore":
            assert w.ReleaseSemaphore(dup, 1) == 0
            assert w.WaitForSingleObject(dup, 0) == 0
        else:
            assert w.WaitForSingleObject(dup, 0) == 0  # manual-reset timer: still signalled
    finally:
        dup.Close()


def test_duplicate_with_restricted_access():
    e = w.CreateEvent(None, 1, 0, None)
    cur = win32api.GetCurrentProcess()
    sync_only = win32api.DuplicateHandle(cur, e, cur, SYNCHRONIZE, 0, 0)
    modify_only = win32api.DuplicateHandle(cur, e, cur, EVENT_MODIFY_STATE, 0, 0)
    try:
        with pytest.raises(pywintypes.error) as ei:
            w.SetEvent(sync_only)
        assert_winerror(ei, ERROR_ACCESS_DENIED)
        with pytest.raises(pywintypes.error) as ei:
            w.WaitForSingleObject(modify_only, 0)
        assert_winerror(ei, ERROR_ACCESS_DENIED)
        w.SetEvent(modify_only)
        assert w.WaitForSingleObject(sync_only, LONG_MS) == 0
    finally:
        sync_only.Close()
        modify_only.Close()
        e.Close()


@pytest.mark.parametrize("kind", ["event", "mutex", "semaphore", "process"])
def test_duplicate_close_source_closes_the_source(kind):
    child = None
    if kind == "event":
        src = w.CreateEvent(None, 1, 1, None)
    elif kind == "mutex":
        src = w.CreateMutex(None, 0, None)
    elif kind == "semaphore":
        src = w.CreateSemaphore(None, 1, 1, None)
    else:
        child = Child(SLEEPER)
        src = win32api.OpenProcess(SYNCHRONIZE, 0, child.pid)
    try:
        v = src.Detach()
        cur = win32api.GetCurrentProcess()
        dup = win32api.DuplicateHandle(cur, v, cur, 0, 0, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE)
        # The new handle was made while the source was still open.
        assert int(dup) != v
        with pytest.raises(pywintypes.error) as ei:
            w.WaitForSingleObject(v, 0)
        assert_winerror(ei, ERROR_INVALID_HANDLE)
        with pytest.raises(pywintypes.error) as ei:
            win32api.CloseHandle(v)
        assert_winerror(ei, ERROR_INVALID_HANDLE)
        if kind == "process":
            assert w.WaitForSingleObject(dup, SHORT_MS) == WAIT_TIMEOUT
            child.proc.stdin.close()
        assert w.WaitForSingleObject(dup, LONG_MS) == 0
        dup.Close()
    finally:
        if child is not None:
            child.kill()


def test_duplicate_close_source_source_unusable_for_waits_and_sets():
    src = w.CreateEvent(None, 1, 0, None)
    v = src.Detach()
    cur = win32api.GetCurrentProcess()
    dup = win32api.DuplicateHandle(cur, v, cur, 0, 0, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE)
    try:
        assert int(dup) != v  # the new handle was made while the source was still open
        with pytest.raises(pywintypes.error) as ei:
            w.SetEvent(v)
        assert_winerror(ei, ERROR_INVALID_HANDLE)
        with pytest.raises(pywintypes.error) as ei:
            w.WaitForSingleObject(v, 0)
        assert_winerror(ei, ERROR_INVALID_HANDLE)
        w.SetEvent(dup)
        assert w.WaitForSingleObject(dup, 0) == 0
    finally:
        dup.Close()


def test_duplicate_close_source_on_pseudo_handle_leaves_it_usable():
    cur = win32api.GetCurrentProcess()
    dup = win32api.DuplicateHandle(cur, cur, cur, 0, 0, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE)
    try:
        assert w.WaitForSingleObject(cur, 0) == WAIT_TIMEOUT
        assert w.WaitForSingleObject(dup, 0) == WAIT_TIMEOUT
    finally:
        dup.Close()


def test_duplicate_invalid_source_handle():
    cur = win32api.GetCurrentProcess()
    e = w.CreateEvent(None, 0, 0, None)
    v = e.Detach()
    win32api.CloseHandle(v)
    with pytest.raises(pywintypes.error) as ei:
        win32api.DuplicateHandle(cur, v, cur, 0, 0, DUPLICATE_SAME_ACCESS)
    assert_winerror(ei, ERROR_INVALID_HANDLE, "DuplicateHandle")
    # A non-process handle as the process argument.
    e = w.CreateEvent(None, 0, 0, None)
    try:
        with pytest.raises(pywintypes.error) as ei:
            win32api.DuplicateHandle(e, e, cur, 0, 0, DUPLICATE_SAME_ACCESS)
        assert_winerror(ei, ERROR_INVALID_HANDLE, "DuplicateHandle")
        with pytest.raises(pywintypes.error) as ei:
            win32api.DuplicateHandle(cur, e, e, 0, 0, DUPLICATE_SAME_ACCESS)
        assert_winerror(ei, ERROR_INVALID_HANDLE, "DuplicateHandle")
    finally:
        e.Close()


def test_duplicate_process_handle_within_process_is_waitable():
    child = Child(SLEEPER)
    try:
        h = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        cur = win32api.GetCurrentProcess()
        dup = win32api.DuplicateHandle(cur, h, cur, 0, 0, DUPLICATE_SAME_ACCESS)
        h.Close()
        assert w.WaitForSingleObject(dup, SHORT_MS) == WAIT_TIMEOUT
        child.proc.stdin.close()
        assert w.WaitForSingleObject(dup, LONG_MS) == 0
        dup.Close()
    finally:
        child.kill()


# --- DuplicateHandle into another process ----------------------------------------------


EVENT_CHILD = """
import sys, win32event as w
v = int(sys.stdin.readline())
print("ready", flush=True)
print("waited", w.WaitForSingleObject(v, 15000), flush=True)
w.SetEvent(v)
print("set", w.WaitForSingleObject(v, 0), flush=True)
sys.stdin.read()
"""


def test_event_duplicated_into_child():
    child = Child(EVENT_CHILD)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        e = w.CreateEvent(None, 0, 0, None)  # auto-reset
        v = dup_into(e, hp)
        assert v not in (int(e), 0)
        child.send(v)
        assert child.get() == "ready"
        w.SetEvent(e)
        assert child.get() == f"waited {w.WAIT_OBJECT_0}"
        # The child set it and then took it back itself (auto-reset)...
        assert child.get() == "set 0"
        assert w.WaitForSingleObject(e, 0) == WAIT_TIMEOUT
        child.finish()
        e.Close()
        hp.Close()
    finally:
        child.kill()


SET_CHILD = """
import sys, win32event as w
v = int(sys.stdin.readline())
w.SetEvent(v)
print("set", flush=True)
sys.stdin.read()
"""


def test_child_sets_duplicated_event_parent_waits():
    child = Child(SET_CHILD)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        e = w.CreateEvent(None, 1, 0, None)
        child.send(dup_into(e, hp))
        assert w.WaitForSingleObject(e, LONG_MS) == w.WAIT_OBJECT_0
        assert child.get() == "set"
        child.finish()
        e.Close()
        hp.Close()
    finally:
        child.kill()


def test_duplicated_value_is_not_a_handle_of_the_parent():
    child = Child(SLEEPER)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        e = w.CreateEvent(None, 1, 0, None)
        v = dup_into(e, hp)
        # The value is for the target process; here it names nothing.
        with pytest.raises(pywintypes.error) as ei:
            w.SetEvent(v)
        assert_winerror(ei, ERROR_INVALID_HANDLE)
        with pytest.raises(pywintypes.error) as ei:
            w.WaitForSingleObject(v, 0)
        assert_winerror(ei, ERROR_INVALID_HANDLE)
        assert w.WaitForSingleObject(e, 0) == WAIT_TIMEOUT
        child.finish()
        e.Close()
        hp.Close()
    finally:
        child.kill()


MUTEX_CHILD = """
import sys, win32event as w
v = int(sys.stdin.readline())
print("owned", w.WaitForSingleObject(v, 15000), flush=True)
sys.stdin.readline()
w.ReleaseMutex(v)
print("released", flush=True)
sys.stdin.read()
"""


def test_mutex_duplicated_into_child():
    child = Child(MUTEX_CHILD)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        m = w.CreateMutex(None, 0, None)
        child.send(dup_into(m, hp))
        assert child.get() == "owned 0"
        assert w.WaitForSingleObject(m, SHORT_MS) == WAIT_TIMEOUT  # the child owns it
        child.send("release")
        assert child.get() == "released"
        assert w.WaitForSingleObject(m, LONG_MS) == w.WAIT_OBJECT_0
        w.ReleaseMutex(m)
        child.finish()
        m.Close()
        hp.Close()
    finally:
        child.kill()


ABANDON_CHILD = """
import sys, win32event as w
v = int(sys.stdin.readline())
print("owned", w.WaitForSingleObject(v, 15000), flush=True)
sys.stdin.read()
"""


def test_mutex_duplicated_into_child_abandoned_when_child_exits():
    child = Child(ABANDON_CHILD)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        m = w.CreateMutex(None, 0, None)
        child.send(dup_into(m, hp))
        assert child.get() == "owned 0"
        child.finish()
        assert w.WaitForSingleObject(m, LONG_MS) == WAIT_ABANDONED
        w.ReleaseMutex(m)
        m.Close()
        hp.Close()
    finally:
        child.kill()


SEM_CHILD = """
import sys, win32event as w
v = int(sys.stdin.readline())
print("prev", w.ReleaseSemaphore(v, 2), flush=True)
print("took", w.WaitForSingleObject(v, 0), flush=True)
sys.stdin.read()
"""


def test_semaphore_duplicated_into_child():
    child = Child(SEM_CHILD)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        s = w.CreateSemaphore(None, 0, 5, None)
        child.send(dup_into(s, hp))
        assert child.get() == "prev 0"
        assert child.get() == "took 0"
        # 2 released, 1 taken by the child: one left.
        assert w.WaitForSingleObject(s, 0) == 0
        assert w.WaitForSingleObject(s, 0) == WAIT_TIMEOUT
        child.finish()
        s.Close()
        hp.Close()
    finally:
        child.kill()


TIMER_CHILD = """
import sys, win32event as w
v = int(sys.stdin.readline())
print("ready", flush=True)
print("fired", w.WaitForSingleObject(v, 15000), flush=True)
sys.stdin.read()
"""


def test_timer_duplicated_into_child():
    child = Child(TIMER_CHILD)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        t = w.CreateWaitableTimer(None, True, None)
        child.send(dup_into(t, hp))
        assert child.get() == "ready"
        w.SetWaitableTimer(t, -10000, 0)  # 1 ms from now
        assert child.get() == "fired 0"
        child.finish()
        t.Close()
        hp.Close()
    finally:
        child.kill()


REUSE_CHILD = """
import sys, win32api, win32event as w, pywintypes
v = int(sys.stdin.readline())
w.SetEvent(v)
a = w.WaitForSingleObject(v, 0)
w.SetEvent(v)
b = w.WaitForSingleObject(v, 0)
win32api.CloseHandle(v)
try:
    w.SetEvent(v)
    c = "no error"
except pywintypes.error as e:
    c = e.winerror
print(a, b, c, flush=True)
sys.stdin.read()
"""


def test_child_uses_value_repeatedly_then_closes_it():
    child = Child(REUSE_CHILD)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        e = w.CreateEvent(None, 0, 0, None)
        child.send(dup_into(e, hp))
        assert child.get() == f"0 0 {ERROR_INVALID_HANDLE}"
        child.finish()
        e.Close()
        hp.Close()
    finally:
        child.kill()


TRY_SET_CHILD = """
import sys, win32event as w, pywintypes
v = int(sys.stdin.readline())
try:
    w.SetEvent(v)
    print("set", flush=True)
except pywintypes.error as e:
    print("error", e.winerror, flush=True)
try:
    print("wait", w.WaitForSingleObject(v, 0), flush=True)
except pywintypes.error as e:
    print("error", e.winerror, flush=True)
sys.stdin.read()
"""


def test_duplicated_value_works_only_in_the_target_process():
    target = Child(TRY_SET_CHILD)
    other = Child(TRY_SET_CHILD)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, target.pid)
        e = w.CreateEvent(None, 1, 0, None)
        v = dup_into(e, hp)
        other.send(v)
        assert other.get() == f"error {ERROR_INVALID_HANDLE}"
        assert other.get() == f"error {ERROR_INVALID_HANDLE}"
        assert w.WaitForSingleObject(e, 0) == WAIT_TIMEOUT
        # The other process's attempt did not use up the target's grant.
        target.send(v)
        assert target.get() == "set"
        assert target.get() == "wait 0"
        assert w.WaitForSingleObject(e, 0) == 0
        other.finish()
        target.finish()
        e.Close()
        hp.Close()
    finally:
        target.kill()
        other.kill()


def test_duplicate_into_child_with_restricted_access():
    child = Child(TRY_SET_CHILD)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        e = w.CreateEvent(None, 1, 1, None)
        child.send(dup_into(e, hp, access=SYNCHRONIZE, options=0))
        assert child.get() == f"error {ERROR_ACCESS_DENIED}"
        assert child.get() == "wait 0"
        child.finish()
        e.Close()
        hp.Close()
    finally:
        child.kill()


KEEPALIVE_CHILD = """
import sys, win32event as w
kind, v = sys.stdin.readline().split()
v = int(v)
if kind == "event":
    # Created signalled (manual reset): still so, and still settable.
    a = w.WaitForSingleObject(v, 0)
    w.ResetEvent(v)
    b = w.WaitForSingleObject(v, 0)
    print(a, b, flush=True)
else:
    # Created with a count of 3: the count survived.
    print(w.ReleaseSemaphore(v, 1), w.WaitForSingleObject(v, 0), flush=True)
sys.stdin.read()
"""


@pytest.mark.parametrize("kind", ["event", "semaphore"])
@pytest.mark.parametrize("close_how", ["close", "close_source"])
def test_duplicated_handle_keeps_object_alive_after_parent_closes(kind, close_how, self_process_resolved):
    child = Child(KEEPALIVE_CHILD)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        baseline = settled_objects()
        h = w.CreateEvent(None, 1, 1, None) if kind == "event" else w.CreateSemaphore(None, 3, 10, None)
        assert objects_in_use() == baseline + 1
        if close_how == "close":
            v = dup_into(h, hp)
            h.Close()
        else:
            src = h.Detach()
            v = dup_into(src, hp, options=DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE)
            with pytest.raises(pywintypes.error) as ei:
                win32api.CloseHandle(src)
            assert_winerror(ei, ERROR_INVALID_HANDLE)
        # No handle in this process; the pending duplicate keeps the object.
        assert objects_in_use() == baseline + 1
        child.send(kind, v)
        assert child.get() == ("0 258" if kind == "event" else "3 0")
        child.finish()
        # The child's handle was the last one: gone with the child.
        assert wait_objects(baseline) == baseline
        hp.Close()
    finally:
        child.kill()


def test_unused_duplicate_freed_when_child_exits(self_process_resolved):
    child = Child(SLEEPER)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        baseline = settled_objects()
        e = w.CreateEvent(None, 1, 0, None)
        dup_into(e, hp)
        e.Close()
        assert objects_in_use() == baseline + 1
        child.finish()  # the child never used its handle, and is reaped
        assert w.WaitForSingleObject(hp, LONG_MS) == 0
        assert wait_objects(baseline) == baseline
        hp.Close()
    finally:
        child.kill()


def test_unused_duplicate_freed_when_child_exits_before_it_is_reaped(self_process_resolved):
    # The child has ended (its process handle is signalled) but the parent
    # has not reaped it yet: its handles are gone all the same.
    child = Child(SLEEPER)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        baseline = settled_objects()
        e = w.CreateEvent(None, 1, 0, None)
        dup_into(e, hp)
        e.Close()
        child.proc.stdin.close()
        assert w.WaitForSingleObject(hp, LONG_MS) == 0
        wait_exited_unreaped(child.pid)
        assert wait_objects(baseline) == baseline
        hp.Close()
    finally:
        child.kill()


def test_unused_duplicate_does_not_disturb_parents_object(self_process_resolved):
    child = Child(SLEEPER)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        baseline = settled_objects()
        e = w.CreateEvent(None, 1, 0, None)
        dup_into(e, hp)
        child.finish()
        assert objects_in_use() == baseline + 1  # still the parent's
        w.SetEvent(e)
        assert w.WaitForSingleObject(e, 0) == 0
        e.Close()
        assert wait_objects(baseline) == baseline
        hp.Close()
    finally:
        child.kill()


def test_duplicating_a_process_handle_into_another_process_is_not_supported():
    child = Child(SLEEPER)
    other = Child(SLEEPER)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        ho = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, other.pid)
        cur = win32api.GetCurrentProcess()
        for source in (ho, cur, hp):
            with pytest.raises(pywintypes.error) as ei:
                win32api.DuplicateHandle(cur, source, hp, 0, 0, DUPLICATE_SAME_ACCESS)
            assert_winerror(ei, ERROR_NOT_SUPPORTED, "DuplicateHandle")
        # The failed calls closed nothing.
        assert w.WaitForSingleObject(ho, 0) == WAIT_TIMEOUT
        assert w.WaitForSingleObject(hp, 0) == WAIT_TIMEOUT
        ho.Close()
        hp.Close()
        child.finish()
        other.finish()
    finally:
        child.kill()
        other.kill()


def test_source_process_other_than_self_is_not_supported():
    child = Child(SLEEPER)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        cur = win32api.GetCurrentProcess()
        e = w.CreateEvent(None, 1, 0, None)
        for target in (cur, hp):
            with pytest.raises(pywintypes.error) as ei:
                win32api.DuplicateHandle(hp, e, target, 0, 0, DUPLICATE_SAME_ACCESS)
            assert_winerror(ei, ERROR_NOT_SUPPORTED, "DuplicateHandle")
        # A real handle to this very process is fine as the source process.
        me = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, os.getpid())
        dup = win32api.DuplicateHandle(me, e, cur, 0, 0, DUPLICATE_SAME_ACCESS)
        w.SetEvent(dup)
        assert w.WaitForSingleObject(e, 0) == 0
        dup.Close()
        me.Close()
        e.Close()
        hp.Close()
        child.finish()
    finally:
        child.kill()


def test_duplicate_into_a_process_that_has_exited(self_process_resolved):
    child = Child(SLEEPER)
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, child.pid)
        child.finish()
        assert w.WaitForSingleObject(hp, LONG_MS) == 0
        baseline = settled_objects()
        e = w.CreateEvent(None, 1, 0, None)
        try:
            dup_into(e, hp)
        except pywintypes.error:
            pass  # refusing is fine too
        e.Close()
        # Whatever happened, nothing is kept for a process that is gone.
        assert wait_objects(baseline) == baseline
        hp.Close()
    finally:
        child.kill()


# --- fork-started multiprocessing children -------------------------------------


def _mp_wait_then_set(go_value, done_value):
    import win32event as ww

    if ww.WaitForSingleObject(go_value, 15000) != 0:
        sys.exit(2)
    ww.SetEvent(done_value)
    sys.exit(0)


def test_fork_child_waits_on_and_sets_parent_events():
    go = w.CreateEvent(None, 0, 0, None)
    done = w.CreateEvent(None, 1, 0, None)
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=_mp_wait_then_set, args=(int(go), int(done)))
    p.start()
    try:
        assert w.WaitForSingleObject(done, SHORT_MS) == WAIT_TIMEOUT
        w.SetEvent(go)
        assert w.WaitForSingleObject(done, LONG_MS) == 0
    finally:
        code = join_mp(p)
    assert code == 0
    # The child consumed the auto-reset go event.
    assert w.WaitForSingleObject(go, 0) == WAIT_TIMEOUT
    go.Close()
    done.Close()


def _mp_wait_process(process_value, conn):
    import win32api as wa
    import win32event as ww

    try:
        conn.send(("self", wa.GetCurrentProcessId() == os.getpid(), ww.WaitForSingleObject(-1, 0)))
        conn.send(("waited", ww.WaitForSingleObject(process_value, 15000)))
    finally:
        conn.close()


def test_fork_child_waits_on_inherited_process_handle():
    sleeper = Child(LINE_SLEEPER)
    try:
        hs = win32api.OpenProcess(SYNCHRONIZE, 0, sleeper.pid)
        ctx = multiprocessing.get_context("fork")
        r, wconn = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_mp_wait_process, args=(int(hs), wconn))
        p.start()
        wconn.close()
        try:
            assert r.poll(CHILD_TIMEOUT)
            assert r.recv() == ("self", True, WAIT_TIMEOUT)
            assert not r.poll(SHORT_MS / 1000), "child's wait ended while the process still ran"
            sleeper.send("quit")
            assert r.poll(CHILD_TIMEOUT)
            assert r.recv() == ("waited", 0)
        finally:
            assert join_mp(p) is not None
        assert p.exitcode == 0
        assert w.WaitForSingleObject(hs, LONG_MS) == 0
        hs.Close()
    finally:
        sleeper.kill()


def _mp_use_granted(conn):
    import win32event as ww

    try:
        kind, value = conn.recv()
        if kind == "set":
            ww.SetEvent(value)
            conn.send("done")
        else:  # "check": created signalled, manual reset
            conn.send(ww.WaitForSingleObject(value, 0))
    finally:
        conn.close()


def test_duplicate_into_fork_child():
    ctx = multiprocessing.get_context("fork")
    parent_end, child_end = ctx.Pipe()
    p = ctx.Process(target=_mp_use_granted, args=(child_end,))
    p.start()
    child_end.close()
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, p.pid)
        e = w.CreateEvent(None, 1, 0, None)  # made after the fork: not inherited
        parent_end.send(("set", dup_into(e, hp)))
        assert w.WaitForSingleObject(e, LONG_MS) == 0
        assert parent_end.poll(CHILD_TIMEOUT) and parent_end.recv() == "done"
    finally:
        code = join_mp(p)
    assert code == 0
    assert w.WaitForSingleObject(hp, LONG_MS) == 0
    e.Close()
    hp.Close()


def test_duplicate_into_fork_child_keeps_object_alive(self_process_resolved):
    # Counted before the fork: a fork child pins whatever this process
    # references when it forks.
    baseline = settled_objects()
    ctx = multiprocessing.get_context("fork")
    parent_end, child_end = ctx.Pipe()
    p = ctx.Process(target=_mp_use_granted, args=(child_end,))
    p.start()
    child_end.close()
    try:
        hp = win32api.OpenProcess(PROCESS_ALL_ACCESS, 0, p.pid)  # +1: its exit event
        e = w.CreateEvent(None, 1, 1, None)
        v = dup_into(e, hp)
        e.Close()
        assert objects_in_use() == baseline + 2
        parent_end.send(("check", v))
        assert parent_end.poll(CHILD_TIMEOUT) and parent_end.recv() == 0
    finally:
        code = join_mp(p)
    assert code == 0
    # The event went with the child's handle; hp's exit event remains.
    assert wait_objects(baseline + 1) == baseline + 1
    hp.Close()
    assert wait_objects(baseline) == baseline


def _mp_exit_with(code):
    sys.exit(code)


def test_open_process_on_fork_child():
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=_mp_exit_with, args=(3,))
    p.start()
    try:
        h = win32api.OpenProcess(SYNCHRONIZE, 0, p.pid)
    except pywintypes.error as e:
        # Only if the child was already gone and reaped.
        assert e.winerror == ERROR_INVALID_PARAMETER
        assert join_mp(p) == 3
        return
    assert w.WaitForSingleObject(h, LONG_MS) == 0
    assert join_mp(p) == 3
    h.Close()


FORK_SELF_HANDLE = """
import os, sys, win32api, win32event as w
me = win32api.OpenProcess(0x00100000, 0, os.getpid())
cur = win32api.GetCurrentProcess()
dup = win32api.DuplicateHandle(cur, cur, cur, 0, 0, 2)
r, wr = os.pipe()
pid = os.fork()
if pid:
    os._exit(0)  # the parent ends at once
os.close(wr)
os.read(r, 1)  # EOF: the parent has gone
# In the child these handles still name the parent, which has ended.
a = w.WaitForSingleObject(me, 15000)
b = w.WaitForSingleObject(dup, 15000 if a == 0 else 0)  # the same process: ended already
print(a, b, w.WaitForSingleObject(cur, 0), flush=True)
"""


def test_fork_child_handles_to_the_parent_name_the_parent(run_py):
    r = run_py(FORK_SELF_HANDLE, timeout=CHILD_TIMEOUT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["0", "0", str(WAIT_TIMEOUT)], r.stderr
