"""win32event mutexes: ownership, recursion, ERROR_NOT_OWNER, and
abandonment (WAIT_ABANDONED) when the owning thread or process goes away,
including an owner SIGKILLed while another process is already blocked
waiting for the mutex.

Every wait has a timeout and every child process a timeout, so a bug shows
as a failure rather than a hang. No test asserts on elapsed time.
"""
import multiprocessing
import os
import signal
import subprocess
import sys
import threading

import pytest

import pywintypes
import win32api
import win32event as w
from w32util import (
    ERROR_ALREADY_EXISTS,
    ERROR_FILE_NOT_FOUND,
    ERROR_INVALID_HANDLE,
    ERROR_NOT_OWNER,
    LONG_MS,
    MUTEX_ALL_ACCESS,
    assert_winerror,
    finish,
    in_thread,
    join_mp,
    namer,
    popen_py,
    read_line,
)

MUTEX_MODIFY_STATE = 0x0001

uname = namer("mx")


# --- ownership and recursion ------------------------------------------------


def test_initial_owner_and_recursion():
    m = w.CreateMutex(None, 1, None)
    try:
        # Recursive acquisition by the owner never blocks.
        for _ in range(3):
            assert w.WaitForSingleObject(m, 0) == w.WAIT_OBJECT_0
        # Owned 4 times: 4 releases needed.
        for _ in range(3):
            w.ReleaseMutex(m)
            assert in_thread(lambda: w.WaitForSingleObject(m, 0)) == w.WAIT_TIMEOUT
        w.ReleaseMutex(m)
        with pytest.raises(pywintypes.error) as exc:
            w.ReleaseMutex(m)
        assert_winerror(exc, ERROR_NOT_OWNER, "ReleaseMutex")
    finally:
        m.Close()


def test_unowned_mutex_is_acquirable_by_any_thread():
    m = w.CreateMutex(None, 0, None)
    try:
        def take_and_release():
            r = w.WaitForSingleObject(m, 0)
            w.ReleaseMutex(m)
            return r

        assert in_thread(take_and_release) == w.WAIT_OBJECT_0
        assert w.WaitForSingleObject(m, 0) == w.WAIT_OBJECT_0
        w.ReleaseMutex(m)
    finally:
        m.Close()


def test_recursion_depth_many():
    m = w.CreateMutex(None, 0, None)
    with m:
        for _ in range(1000):
            assert w.WaitForSingleObject(m, 0) == w.WAIT_OBJECT_0
        for _ in range(1000):
            w.ReleaseMutex(m)
        with pytest.raises(pywintypes.error) as exc:
            w.ReleaseMutex(m)
        assert_winerror(exc, ERROR_NOT_OWNER)
        assert in_thread(lambda: w.WaitForSingleObject(m, 0)) in (w.WAIT_OBJECT_0, w.WAIT_ABANDONED)


def test_release_by_non_owner_thread_is_not_owner():
    m = w.CreateMutex(None, 1, None)
    try:
        def release():
            with pytest.raises(pywintypes.error) as exc:
                w.ReleaseMutex(m)
            return exc.value.winerror

        assert in_thread(release) == ERROR_NOT_OWNER
        # Still owned by this thread.
        assert in_thread(lambda: w.WaitForSingleObject(m, 0)) == w.WAIT_TIMEOUT
        w.ReleaseMutex(m)
    finally:
        m.Close()


def test_release_unowned_mutex_is_not_owner():
    m = w.CreateMutex(None, 0, None)
    with m:
        with pytest.raises(pywintypes.error) as exc:
            w.ReleaseMutex(m)
        assert_winerror(exc, ERROR_NOT_OWNER)


def test_blocked_thread_gets_mutex_on_release():
    m = w.CreateMutex(None, 1, None)
    ready = w.CreateEvent(None, 0, 0, None)
    result = []

    def waiter():
        r = w.SignalObjectAndWait(ready, m, LONG_MS, False)
        result.append(r)
        if r == w.WAIT_OBJECT_0:
            w.ReleaseMutex(m)

    t = threading.Thread(target=waiter)
    t.start()
    try:
        assert w.WaitForSingleObject(ready, LONG_MS) == w.WAIT_OBJECT_0
        w.ReleaseMutex(m)
    finally:
        t.join(LONG_MS / 1000 + 5)
    assert result == [w.WAIT_OBJECT_0]
    m.Close()
    ready.Close()


def test_mutex_excludes_threads():
    m = w.CreateMutex(None, 0, None)
    inside = [0]
    overlaps = []
    errors = []

    def worker():
        try:
            for _ in range(300):
                r = w.WaitForSingleObject(m, LONG_MS)
                assert r == w.WAIT_OBJECT_0, r
                inside[0] += 1
                if inside[0] != 1:
                    overlaps.append(inside[0])
                inside[0] -= 1
                w.ReleaseMutex(m)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert overlaps == []
    m.Close()


# --- names ------------------------------------------------------------------


def test_named_mutex_already_exists_ignores_initial_owner():
    name = uname("exists")
    m = w.CreateMutex(None, 1, name)
    assert win32api.GetLastError() == 0
    try:
        def create_again():
            h = w.CreateMutex(None, 1, name)
            err = win32api.GetLastError()
            try:
                # bInitialOwner is ignored for an existing mutex: not ours.
                return err, w.WaitForSingleObject(h, 0)
            finally:
                h.Close()

        assert in_thread(create_again) == (ERROR_ALREADY_EXISTS, w.WAIT_TIMEOUT)
        w.ReleaseMutex(m)
    finally:
        m.Close()


def test_open_mutex_errors():
    with pytest.raises(pywintypes.error) as exc:
        w.OpenMutex(MUTEX_ALL_ACCESS, 0, uname("missing"))
    assert_winerror(exc, ERROR_FILE_NOT_FOUND, "OpenMutex")
    name = uname("clash")
    with w.CreateEvent(None, 0, 0, name):
        with pytest.raises(pywintypes.error) as exc:
            w.OpenMutex(MUTEX_ALL_ACCESS, 0, name)
        assert_winerror(exc, ERROR_INVALID_HANDLE, "OpenMutex")
        with pytest.raises(pywintypes.error) as exc:
            w.CreateMutex(None, 0, name)
        assert_winerror(exc, ERROR_INVALID_HANDLE, "CreateMutex")


def test_mutex_handle_rejected_by_other_functions():
    m = w.CreateMutex(None, 0, None)
    with m:
        with pytest.raises(pywintypes.error) as exc:
            w.ReleaseSemaphore(m, 1)
        assert_winerror(exc, ERROR_INVALID_HANDLE)
        e = w.CreateEvent(None, 0, 0, None)
        with e:
            with pytest.raises(pywintypes.error) as exc:
                w.ReleaseMutex(e)
            assert_winerror(exc, ERROR_INVALID_HANDLE)


def test_release_closed_handle_is_invalid():
    m = w.CreateMutex(None, 1, None)
    value = int(m)
    m.Close()
    with pytest.raises(pywintypes.error) as exc:
        w.ReleaseMutex(value)
    assert_winerror(exc, ERROR_INVALID_HANDLE)


# --- cross-process ----------------------------------------------------------

OWNER_CHILD = """
    import sys, time, win32event as w
    m = w.CreateMutex(None, 0, sys.argv[1])
    r = w.WaitForSingleObject(m, 30000)
    print(r, flush=True)
    mode = sys.argv[2]
    if mode == "hold":
        time.sleep(120)          # killed by the test
    elif mode == "release_on_input":
        sys.stdin.readline()
        w.ReleaseMutex(m)
        print("released", flush=True)
        sys.stdin.readline()
    elif mode == "exit":
        sys.exit(0)              # exits owning it
    elif mode == "exit_hard":
        import os; os._exit(0)   # no destructors at all
"""


def popen_owner(name, mode):
    p = popen_py(OWNER_CHILD, name, mode, stdin=subprocess.PIPE)
    assert read_line(p) == "0", "owner could not take the mutex"
    return p


def test_mutex_owned_by_other_process_blocks_until_released():
    name = uname("xproc")
    m = w.CreateMutex(None, 0, name)
    p = popen_owner(name, "release_on_input")
    try:
        assert w.WaitForSingleObject(m, 0) == w.WAIT_TIMEOUT
        assert w.WaitForSingleObject(m, 100) == w.WAIT_TIMEOUT
        p.stdin.write("\n")
        p.stdin.flush()
        assert read_line(p) == "released"
        assert w.WaitForSingleObject(m, LONG_MS) == w.WAIT_OBJECT_0
        w.ReleaseMutex(m)
    finally:
        p.stdin.write("\n")
        p.stdin.flush()
        rc, out, err = finish(p)
    assert rc == 0, err
    m.Close()


def test_release_in_other_process_wakes_blocked_waiter():
    name = uname("xproc-wake")
    m = w.CreateMutex(None, 0, name)
    p = popen_owner(name, "release_on_input")
    result = []

    def waiter():
        result.append(w.WaitForSingleObject(m, LONG_MS))

    t = threading.Thread(target=waiter)
    t.start()
    try:
        p.stdin.write("\n")
        p.stdin.flush()
        t.join(LONG_MS / 1000 + 5)
    finally:
        p.stdin.write("\n")
        p.stdin.flush()
        finish(p)
    assert result == [w.WAIT_OBJECT_0]
    # The waiting thread took the mutex and ended: abandoned now.
    assert w.WaitForSingleObject(m, LONG_MS) == w.WAIT_ABANDONED
    w.ReleaseMutex(m)
    m.Close()


def _check_abandoned_then_normal(m):
    """m was abandoned: the next wait gets WAIT_ABANDONED and ownership; after
    that the mutex is an ordinary one again."""
    assert w.WaitForSingleObject(m, LONG_MS) == w.WAIT_ABANDONED
    # We own it now (recursively acquirable, not by other threads).
    assert w.WaitForSingleObject(m, 0) == w.WAIT_OBJECT_0
    assert in_thread(lambda: w.WaitForSingleObject(m, 0)) == w.WAIT_TIMEOUT
    w.ReleaseMutex(m)
    w.ReleaseMutex(m)
    with pytest.raises(pywintypes.error) as exc:
        w.ReleaseMutex(m)
    assert_winerror(exc, ERROR_NOT_OWNER)
    assert w.WaitForSingleObject(m, LONG_MS) == w.WAIT_OBJECT_0
    w.ReleaseMutex(m)


def test_abandoned_when_owner_process_sigkilled_before_wait():
    name = uname("kill-before")
    m = w.CreateMutex(None, 0, name)
    p = popen_owner(name, "hold")
    assert w.WaitForSingleObject(m, 0) == w.WAIT_TIMEOUT
    os.kill(p.pid, signal.SIGKILL)
    finish(p)
    _check_abandoned_then_normal(m)
    m.Close()


@pytest.mark.parametrize("mode", ["exit", "exit_hard"])
def test_abandoned_when_owner_process_exits_without_release(mode):
    name = uname("exit-" + mode)
    m = w.CreateMutex(None, 0, name)
    p = popen_owner(name, mode)
    rc, out, err = finish(p)
    assert rc == 0, err
    _check_abandoned_then_normal(m)
    m.Close()


def test_abandoned_for_a_process_that_opens_after_the_kill():
    name = uname("kill-open")
    keep = w.CreateMutex(None, 0, name)  # keeps the object alive
    p = popen_owner(name, "hold")
    os.kill(p.pid, signal.SIGKILL)
    finish(p)
    code = """
        import sys, win32event as w
        m = w.OpenMutex(0x001F0001, 0, sys.argv[1])
        print(w.WaitForSingleObject(m, 15000))
        print(w.WaitForSingleObject(m, 0))
        w.ReleaseMutex(m); w.ReleaseMutex(m)
    """
    rc, out, err = finish(popen_py(code, name))
    assert rc == 0, err
    assert out.split() == [str(w.WAIT_ABANDONED), "0"]
    # Released properly by that process: no longer abandoned.
    assert w.WaitForSingleObject(keep, LONG_MS) == w.WAIT_OBJECT_0
    w.ReleaseMutex(keep)
    keep.Close()


BLOCKED_WAITER = """
    import sys, win32event as w
    name, ready_name, how, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4], 0)
    m = w.OpenMutex(0x00100000 | 0x0001, 0, name)
    ready = w.OpenSemaphore(0x001F0003, 0, ready_name)
    if how == "signal_and_wait":
        # `ready` is released only once this thread is queued on the mutex.
        r = w.SignalObjectAndWait(ready, m, timeout, False)
    elif how == "multiple":
        w.ReleaseSemaphore(ready, 1)
        r = w.WaitForMultipleObjects([m], False, timeout)
    else:
        w.ReleaseSemaphore(ready, 1)
        r = w.WaitForSingleObject(m, timeout)
    print(r, flush=True)
    if r in (0, 0x80):
        print(w.WaitForSingleObject(m, 0), flush=True)
        w.ReleaseMutex(m)
        w.ReleaseMutex(m)
"""


@pytest.mark.parametrize(
    "how,timeout",
    [
        ("signal_and_wait", "-1"),
        ("signal_and_wait", "0xFFFFFFFF"),
        ("signal_and_wait", "60000"),
        ("single", "-1"),
        ("single", "60000"),
        ("multiple", "-1"),
    ],
)
def test_abandoned_when_owner_killed_while_other_process_blocked(how, timeout):
    name, ready_name = uname("kill-blocked"), uname("ready")
    keep = w.CreateMutex(None, 0, name)
    ready = w.CreateSemaphore(None, 0, 1, ready_name)
    owner = popen_owner(name, "hold")
    waiter = popen_py(BLOCKED_WAITER, name, ready_name, how, timeout)
    try:
        assert w.WaitForSingleObject(ready, 30000) == w.WAIT_OBJECT_0
        if how != "signal_and_wait":
            # Let it reach the wait (not needed for correctness: a waiter
            # that starts after the kill must see WAIT_ABANDONED as well).
            w.WaitForSingleObject(ready, 300)
        os.kill(owner.pid, signal.SIGKILL)
        finish(owner)
    finally:
        # INFINITE waits: if the waiter is never woken, this fails (not hangs).
        rc, out, err = finish(waiter, timeout=30)
    assert rc == 0, err
    assert out.split() == [str(w.WAIT_ABANDONED), "0"]
    assert w.WaitForSingleObject(keep, LONG_MS) == w.WAIT_OBJECT_0
    w.ReleaseMutex(keep)
    keep.Close()
    ready.Close()


def test_two_blocked_processes_when_owner_killed():
    name, ready_name = uname("kill-two"), uname("ready2")
    keep = w.CreateMutex(None, 0, name)
    ready = w.CreateSemaphore(None, 0, 2, ready_name)
    owner = popen_owner(name, "hold")
    waiters = [popen_py(BLOCKED_WAITER, name, ready_name, "signal_and_wait", "-1") for _ in range(2)]
    try:
        for _ in range(2):
            assert w.WaitForSingleObject(ready, 30000) == w.WAIT_OBJECT_0
        os.kill(owner.pid, signal.SIGKILL)
        finish(owner)
    finally:
        results = [finish(p, timeout=30) for p in waiters]
    firsts = []
    for rc, out, err in results:
        assert rc == 0, err
        lines = out.split()
        assert len(lines) == 2 and lines[1] == "0", out
        firsts.append(int(lines[0]))
    # One inherits the abandoned mutex, the other gets it released normally.
    assert sorted(firsts) == [w.WAIT_OBJECT_0, w.WAIT_ABANDONED]
    keep.Close()
    ready.Close()


def test_abandoned_when_owner_killed_while_thread_of_this_process_blocked():
    name = uname("kill-thread")
    m = w.CreateMutex(None, 0, name)
    owner = popen_owner(name, "hold")
    ready = w.CreateEvent(None, 0, 0, None)
    result = []

    def waiter():
        result.append(w.SignalObjectAndWait(ready, m, w.INFINITE, False))
        if result[-1] in (w.WAIT_OBJECT_0, w.WAIT_ABANDONED):
            w.ReleaseMutex(m)

    t = threading.Thread(target=waiter, daemon=True)
    t.start()
    assert w.WaitForSingleObject(ready, 30000) == w.WAIT_OBJECT_0
    os.kill(owner.pid, signal.SIGKILL)
    finish(owner)
    t.join(30)
    assert not t.is_alive(), "waiter still blocked 30 s after the owner was killed"
    assert result == [w.WAIT_ABANDONED]
    assert w.WaitForSingleObject(m, LONG_MS) == w.WAIT_OBJECT_0
    w.ReleaseMutex(m)
    m.Close()
    ready.Close()


def test_abandoned_reported_at_its_index_in_wait_any():
    name = uname("kill-any")
    m = w.CreateMutex(None, 0, name)
    e = w.CreateEvent(None, 0, 0, None)
    p = popen_owner(name, "hold")
    os.kill(p.pid, signal.SIGKILL)
    finish(p)
    assert w.WaitForMultipleObjects([e, m], False, LONG_MS) == w.WAIT_ABANDONED_0 + 1
    w.ReleaseMutex(m)
    assert w.WaitForMultipleObjects([e, m], False, LONG_MS) == w.WAIT_OBJECT_0 + 1
    w.ReleaseMutex(m)
    m.Close()
    e.Close()


def test_abandoned_in_wait_all():
    name = uname("kill-all")
    m = w.CreateMutex(None, 0, name)
    e = w.CreateEvent(None, 1, 1, None)
    p = popen_owner(name, "hold")
    os.kill(p.pid, signal.SIGKILL)
    finish(p)
    r = w.WaitForMultipleObjects([e, m], True, LONG_MS)
    assert w.WAIT_ABANDONED_0 <= r < w.WAIT_ABANDONED_0 + 2
    w.ReleaseMutex(m)
    assert w.WaitForMultipleObjects([e, m], True, LONG_MS) == w.WAIT_OBJECT_0
    w.ReleaseMutex(m)
    m.Close()
    e.Close()


# --- abandonment by a thread ------------------------------------------------


def test_abandoned_when_owner_thread_exits():
    m = w.CreateMutex(None, 0, None)
    assert in_thread(lambda: w.WaitForSingleObject(m, 0)) == w.WAIT_OBJECT_0
    _check_abandoned_then_normal(m)
    m.Close()


def test_abandoned_when_owner_thread_exits_while_we_wait():
    m = w.CreateMutex(None, 0, None)
    owned = w.CreateEvent(None, 0, 0, None)
    go = w.CreateEvent(None, 0, 0, None)

    def owner():
        assert w.WaitForSingleObject(m, 0) == w.WAIT_OBJECT_0
        w.SetEvent(owned)
        w.WaitForSingleObject(go, LONG_MS)
        # returns without ReleaseMutex: the thread ends owning it

    t = threading.Thread(target=owner)
    t.start()
    try:
        assert w.WaitForSingleObject(owned, LONG_MS) == w.WAIT_OBJECT_0
        # Queued on m before the owner is told to end.
        r = w.SignalObjectAndWait(go, m, LONG_MS, False)
    finally:
        w.SetEvent(go)
        t.join(LONG_MS / 1000 + 5)
    assert r == w.WAIT_ABANDONED
    w.ReleaseMutex(m)
    assert w.WaitForSingleObject(m, 0) == w.WAIT_OBJECT_0
    w.ReleaseMutex(m)
    for h in (m, owned, go):
        h.Close()


def test_abandoned_recursive_ownership_is_reset():
    m = w.CreateMutex(None, 0, None)

    def take_three():
        for _ in range(3):
            assert w.WaitForSingleObject(m, 0) == w.WAIT_OBJECT_0

    in_thread(take_three)
    assert w.WaitForSingleObject(m, LONG_MS) == w.WAIT_ABANDONED
    # One release suffices: the dead thread's recursion count is gone.
    w.ReleaseMutex(m)
    assert in_thread(lambda: (w.WaitForSingleObject(m, 0), w.ReleaseMutex(m))[0]) == w.WAIT_OBJECT_0
    m.Close()


# --- multiprocessing (fork and spawn) ---------------------------------------


def _mp_take_and_exit(name, release):
    import win32event as ww

    m = ww.OpenMutex(MUTEX_ALL_ACCESS, 0, name)
    if ww.WaitForSingleObject(m, 30000) != ww.WAIT_OBJECT_0:
        sys.exit(3)
    if release:
        ww.ReleaseMutex(m)
    sys.exit(0)


@pytest.mark.parametrize("method", ["fork", "spawn"])
@pytest.mark.parametrize("release", [True, False], ids=["released", "abandoned"])
def test_multiprocessing_child_mutex(method, release):
    name = uname("mp")
    m = w.CreateMutex(None, 0, name)
    ctx = multiprocessing.get_context(method)
    p = ctx.Process(target=_mp_take_and_exit, args=(name, release))
    p.start()
    assert join_mp(p) == 0
    expected = w.WAIT_OBJECT_0 if release else w.WAIT_ABANDONED
    assert w.WaitForSingleObject(m, LONG_MS) == expected
    w.ReleaseMutex(m)
    m.Close()


def _mp_fork_child_not_owner(handle_value):
    import pywintypes as pt
    import win32event as ww

    # The parent's thread owns the mutex: in the child it is someone else's.
    if ww.WaitForSingleObject(handle_value, 0) != ww.WAIT_TIMEOUT:
        sys.exit(3)
    try:
        ww.ReleaseMutex(handle_value)
    except pt.error as e:
        sys.exit(0 if e.winerror == ERROR_NOT_OWNER else 4)
    sys.exit(5)


def test_fork_child_does_not_inherit_ownership():
    m = w.CreateMutex(None, 1, None)
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=_mp_fork_child_not_owner, args=(int(m),))
    p.start()
    assert join_mp(p) == 0
    # Still ours.
    w.ReleaseMutex(m)
    m.Close()


def _mp_kill_holder(name, ready_name):
    import time

    import win32event as ww

    m = ww.OpenMutex(MUTEX_ALL_ACCESS, 0, name)
    ready = ww.OpenEvent(ww.EVENT_MODIFY_STATE, 0, ready_name)
    if ww.WaitForSingleObject(m, 30000) != ww.WAIT_OBJECT_0:
        sys.exit(3)
    ww.SetEvent(ready)
    time.sleep(120)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_multiprocessing_owner_sigkilled_while_parent_blocked(method):
    name, ready_name = uname("mpkill"), uname("mpready")
    m = w.CreateMutex(None, 0, name)
    ready = w.CreateEvent(None, 0, 0, ready_name)
    ctx = multiprocessing.get_context(method)
    p = ctx.Process(target=_mp_kill_holder, args=(name, ready_name))
    p.start()
    try:
        assert w.WaitForSingleObject(ready, 30000) == w.WAIT_OBJECT_0
        result = []

        def waiter():
            result.append(w.WaitForSingleObject(m, w.INFINITE))

        t = threading.Thread(target=waiter, daemon=True)
        t.start()
        w.WaitForSingleObject(ready, 200)  # let the thread block
        os.kill(p.pid, signal.SIGKILL)
        t.join(30)
        assert not t.is_alive(), "waiter not woken after the owner was SIGKILLed"
        assert result == [w.WAIT_ABANDONED]
    finally:
        if p.is_alive():
            p.kill()
        p.join(10)
    m.Close()
    ready.Close()


HANDOFF_CHILD = """
    import sys, time, win32event as w
    m = w.OpenMutex(0x001F0001, 0, sys.argv[1])
    ready = w.OpenEvent(w.EVENT_MODIFY_STATE, 0, sys.argv[2])
    # Queued on the mutex before `ready` is seen.
    r = w.SignalObjectAndWait(ready, m, 30000, False)
    print("got", r, flush=True)
    time.sleep(120)  # killed by the test, owning the mutex
"""


def test_abandoned_promptly_when_mutex_changed_owner_while_we_waited():
    # This thread's wait starts while the mutex belongs to its first owner
    # (us, the main thread). Ownership then passes to a process queued ahead
    # of the waiter, and that process is SIGKILLed: the waiter must get
    # WAIT_ABANDONED then, not only when something else wakes it. The wait
    # is on [mutex, late]; `late` is set half a second after the kill, so a
    # waiter that slept through the owner's death returns 1 instead of 0x80.
    name, ready_name = uname("handoff"), uname("handoff-ready")
    m = w.CreateMutex(None, 1, name)  # owned by this thread
    late = w.CreateEvent(None, 0, 0, None)
    ready = w.CreateEvent(None, 0, 0, ready_name)
    child = popen_py(HANDOFF_CHILD, name, ready_name)
    result = []
    try:
        assert w.WaitForSingleObject(ready, 30000) == w.WAIT_OBJECT_0  # child queued first

        def waiter():
            result.append(w.WaitForMultipleObjects([m, late], False, 20000))
            if result[-1] in (0, w.WAIT_ABANDONED):
                w.ReleaseMutex(m)

        t = threading.Thread(target=waiter, daemon=True)
        t.start()
        w.WaitForSingleObject(ready, 100)  # let the thread block (queued second)
        w.ReleaseMutex(m)  # FIFO: the child gets it
        assert read_line(child) == "got 0"
        os.kill(child.pid, signal.SIGKILL)
        finish(child)
        w.WaitForSingleObject(ready, 500)  # half a second after the kill
        w.SetEvent(late)
        t.join(30)
        assert not t.is_alive()
    finally:
        if child.poll() is None:
            child.kill()
            finish(child)
    assert result == [w.WAIT_ABANDONED], "the waiter did not notice the new owner's death"
    m.Close()
    late.Close()
    ready.Close()
