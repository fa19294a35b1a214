"""win32event waits: WaitForSingleObject, WaitForMultipleObjects (any and
all), SignalObjectAndWait, waitable timers, parameter validation, the GIL
and Ctrl+C.

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
import textwrap
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
    ERROR_NOT_OWNER,
    ERROR_NOT_SUPPORTED,
    ERROR_TOO_MANY_POSTS,
    LONG_MS,
    WAIT_TIMEOUT,
    LineReader,
    Worker,
    assert_winerror,
    close_all,
    events,
    finish,
    is_set,
    join_mp,
    namer,
    popen_py,
)

# FILETIME counts 100 ns intervals from 1601-01-01.
FILETIME_UNIX_EPOCH = 116444736000000000

uname = namer("wt")


# --- constants --------------------------------------------------------------


def test_wait_constants():
    assert w.INFINITE == -1
    assert w.WAIT_OBJECT_0 == 0
    assert w.WAIT_ABANDONED == w.WAIT_ABANDONED_0 == 0x80
    assert w.WAIT_TIMEOUT == WAIT_TIMEOUT
    assert w.MAXIMUM_WAIT_OBJECTS == 64


# --- wait-any ---------------------------------------------------------------


def test_wait_any_returns_lowest_signalled_index():
    hs = events(5, manual=1)
    try:
        w.SetEvent(hs[3])
        w.SetEvent(hs[1])
        w.SetEvent(hs[4])
        assert w.WaitForMultipleObjects(hs, False, 0) == 1
        assert w.WaitForMultipleObjects(hs, False, LONG_MS) == 1
        w.ResetEvent(hs[1])
        assert w.WaitForMultipleObjects(hs, False, 0) == 3
        assert w.WaitForMultipleObjectsEx(hs, False, 0, True) == 3
    finally:
        close_all(hs)


def test_wait_any_consumes_only_the_returned_object():
    hs = events(3)
    try:
        for h in hs:
            w.SetEvent(h)
        assert w.WaitForMultipleObjects(hs, False, 0) == 0
        assert w.WaitForMultipleObjects(hs, False, 0) == 1
        assert w.WaitForMultipleObjects(hs, False, 0) == 2
        assert w.WaitForMultipleObjects(hs, False, 0) == WAIT_TIMEOUT
    finally:
        close_all(hs)


def test_wait_any_mixed_types():
    e = w.CreateEvent(None, 0, 0, None)
    s = w.CreateSemaphore(None, 0, 1, None)
    m = w.CreateMutex(None, 0, None)
    owned = w.CreateEvent(None, 1, 0, None)
    owner_done = w.CreateEvent(None, 1, 0, None)

    def hold():
        assert w.WaitForSingleObject(m, 0) == 0
        w.SetEvent(owned)
        w.WaitForSingleObject(owner_done, LONG_MS)
        w.ReleaseMutex(m)

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert w.WaitForSingleObject(owned, LONG_MS) == 0
        # m is another thread's: nothing is signalled for us.
        assert w.WaitForMultipleObjects([e, s, m], False, 0) == WAIT_TIMEOUT
        w.ReleaseSemaphore(s, 1)
        assert w.WaitForMultipleObjects([e, s, m], False, 0) == 1
        w.SetEvent(e)
        w.ReleaseSemaphore(s, 1)
        assert w.WaitForMultipleObjects([e, s, m], False, 0) == 0
        assert w.WaitForMultipleObjects([e, s, m], False, 0) == 1
    finally:
        w.SetEvent(owner_done)
        t.join(30)
    assert w.WaitForMultipleObjects([e, s, m], False, LONG_MS) == 2
    w.ReleaseMutex(m)
    close_all([e, s, m, owned, owner_done])


def test_wait_any_duplicates_allowed():
    e = w.CreateEvent(None, 1, 1, None)
    with e:
        assert w.WaitForMultipleObjects([e, e, e], False, 0) == 0


def test_wait_any_accepts_tuples_and_ints():
    hs = events(2, manual=1)
    try:
        w.SetEvent(hs[1])
        assert w.WaitForMultipleObjects(tuple(hs), False, 0) == 1
        assert w.WaitForMultipleObjects([int(h) for h in hs], False, 0) == 1
    finally:
        close_all(hs)


def test_wait_any_woken_by_other_process():
    names = [uname(f"any{i}") for i in range(4)]
    hs = [w.CreateEvent(None, 0, 0, n) for n in names]
    code = """
        import sys, win32event as w
        h = w.OpenEvent(w.EVENT_MODIFY_STATE, 0, sys.argv[1])
        w.SetEvent(h)
    """
    try:
        p = popen_py(code, names[2])
        assert w.WaitForMultipleObjects(hs, False, LONG_MS) == 2
        finish(p)
    finally:
        close_all(hs)


# --- wait-all ---------------------------------------------------------------


def test_wait_all_timeout_consumes_nothing():
    e1, e2 = events(2)
    s = w.CreateSemaphore(None, 1, 1, None)
    try:
        w.SetEvent(e1)
        assert w.WaitForMultipleObjects([e1, e2, s], True, 0) == WAIT_TIMEOUT
        assert w.WaitForMultipleObjects([e1, e2, s], True, 50) == WAIT_TIMEOUT
        assert is_set(e1)
        assert w.WaitForSingleObject(s, 0) == w.WAIT_OBJECT_0
    finally:
        close_all([e1, e2, s])


def test_wait_all_acquires_all_at_once():
    e1, e2 = events(2)
    m = w.CreateEvent(None, 1, 0, None)
    s = w.CreateSemaphore(None, 2, 2, None)
    try:
        w.SetEvent(e1)
        w.SetEvent(e2)
        w.SetEvent(m)
        assert w.WaitForMultipleObjects([e1, e2, m, s], True, 0) == w.WAIT_OBJECT_0
        assert not is_set(e1) and not is_set(e2)
        assert is_set(m)  # manual-reset stays set
        assert w.WaitForSingleObject(s, 0) == w.WAIT_OBJECT_0  # one count left
        assert w.WaitForSingleObject(s, 0) == WAIT_TIMEOUT
    finally:
        close_all([e1, e2, m, s])


def test_wait_all_does_not_consume_while_incomplete_thread():
    e1, e2 = events(2)  # auto-reset
    w.SetEvent(e1)
    waiter = Worker(lambda: w.WaitForMultipleObjects([e1, e2], True, LONG_MS))
    try:
        # Whether or not the waiter is queued yet, e1 must still be there.
        time.sleep(0.2)
        assert w.WaitForSingleObject(e1, 0) == w.WAIT_OBJECT_0
        # Now e2 alone: still incomplete for the waiter, which leaves it set.
        w.SetEvent(e2)
        time.sleep(0.2)
        assert waiter.thread.is_alive()
        assert w.WaitForSingleObject(e2, 0) == w.WAIT_OBJECT_0
        # Both set (e2 first): the waiter takes both at once.
        w.SetEvent(e2)
        w.SetEvent(e1)
        assert waiter.join() == w.WAIT_OBJECT_0
        assert not is_set(e1) and not is_set(e2)
    finally:
        w.SetEvent(e1)
        w.SetEvent(e2)
        waiter.thread.join(LONG_MS / 1000 + 5)
        close_all([e1, e2])


def test_wait_all_signalled_event_goes_to_single_waiter_first_queued():
    # The wait-all waiter queued first must not block a later single waiter.
    e1, e2 = events(2)
    ready = w.CreateEvent(None, 0, 0, None)
    try:
        all_waiter = Worker(lambda: w.WaitForMultipleObjects([e1, e2], True, LONG_MS))
        time.sleep(0.2)
        single = Worker(lambda: w.SignalObjectAndWait(ready, e1, LONG_MS, False))
        assert w.WaitForSingleObject(ready, LONG_MS) == w.WAIT_OBJECT_0
        w.SetEvent(e1)
        assert single.join() == w.WAIT_OBJECT_0
        assert all_waiter.thread.is_alive()
        w.SetEvent(e2)
        w.SetEvent(e1)
        assert all_waiter.join() == w.WAIT_OBJECT_0
    finally:
        w.SetEvent(e1)
        w.SetEvent(e2)
        close_all([e1, e2, ready])


WAIT_ALL_CHILD = """
    import sys, win32event as w
    names = sys.argv[1].split(",")
    ready = w.OpenEvent(w.EVENT_MODIFY_STATE, 0, sys.argv[2])
    hs = [w.OpenEvent(w.SYNCHRONIZE, 0, n) for n in names]
    w.SetEvent(ready)
    print(w.WaitForMultipleObjects(hs, True, 30000), flush=True)
"""


def test_wait_all_is_atomic_across_processes():
    n1, n2, rn = uname("wa1"), uname("wa2"), uname("ward")
    e1 = w.CreateEvent(None, 0, 1, n1)  # auto-reset, signalled
    e2 = w.CreateEvent(None, 0, 0, n2)  # auto-reset, not signalled
    ready = w.CreateEvent(None, 1, 0, rn)
    p = popen_py(WAIT_ALL_CHILD, f"{n1},{n2}", rn)
    try:
        assert w.WaitForSingleObject(ready, 30000) == w.WAIT_OBJECT_0
        time.sleep(0.3)  # the child is (almost surely) blocked in its wait-all now
        # A third process waiting on E1 alone gets it: the wait-all did not take it.
        code = """
            import sys, win32event as w
            h = w.OpenEvent(w.SYNCHRONIZE, 0, sys.argv[1])
            print(w.WaitForSingleObject(h, 5000))
        """
        rc, out, err = finish(popen_py(code, n1))
        assert rc == 0, err
        assert out.strip() == "0"
        assert p.poll() is None  # still waiting
        # Both become signalled (from another process): the wait-all completes.
        code = """
            import sys, win32event as w
            for n in sys.argv[1:]:
                w.SetEvent(w.OpenEvent(w.EVENT_MODIFY_STATE, 0, n))
        """
        rc, out, err = finish(popen_py(code, n2, n1))
        assert rc == 0, err
    finally:
        rc, out, err = finish(p)
    assert rc == 0, err
    assert out.strip() == "0"
    assert not is_set(e1) and not is_set(e2)
    close_all([e1, e2, ready])


def test_wait_all_succeeds_when_another_process_signals_everything():
    names = [uname(f"wall{i}") for i in range(5)]
    hs = [w.CreateEvent(None, 0, 0, names[0]), w.CreateEvent(None, 1, 0, names[1])]
    hs.append(w.CreateSemaphore(None, 0, 2, names[2]))
    hs.append(w.CreateMutex(None, 0, names[3]))
    hs.append(w.CreateEvent(None, 0, 0, names[4]))
    code = """
        import sys, time, win32event as w
        a, b, c, d, e = sys.argv[1:6]
        for n in (a, b, e):
            w.SetEvent(w.OpenEvent(w.EVENT_MODIFY_STATE, 0, n))
            time.sleep(0.05)
        m = w.OpenMutex(0x001F0001, 0, d)
        assert w.WaitForSingleObject(m, 5000) == 0
        s = w.OpenSemaphore(0x001F0003, 0, c)
        w.ReleaseSemaphore(s, 1)
        time.sleep(0.05)
        w.ReleaseMutex(m)
    """
    p = popen_py(code, *names)
    try:
        r = w.WaitForMultipleObjects(hs, True, LONG_MS)
    finally:
        rc, out, err = finish(p)
    assert rc == 0, err
    assert r == w.WAIT_OBJECT_0
    # All acquired: auto events reset, semaphore count taken, mutex ours.
    assert not is_set(hs[0]) and not is_set(hs[4])
    assert is_set(hs[1])
    assert w.WaitForSingleObject(hs[2], 0) == WAIT_TIMEOUT
    w.ReleaseMutex(hs[3])
    close_all(hs)


def _mp_set_events(names):
    import win32event as ww

    for n in names:
        ww.SetEvent(ww.OpenEvent(ww.EVENT_MODIFY_STATE, 0, n))
    sys.exit(0)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_wait_all_multiprocessing(method):
    names = [uname(f"mpall{i}") for i in range(3)]
    hs = [w.CreateEvent(None, 0, 0, n) for n in names]
    ctx = multiprocessing.get_context(method)
    p = ctx.Process(target=_mp_set_events, args=(names,))
    p.start()
    try:
        assert w.WaitForMultipleObjects(hs, True, 30000) == w.WAIT_OBJECT_0
    finally:
        assert join_mp(p) == 0
    close_all(hs)


def test_wait_all_duplicate_handles_invalid_parameter():
    name = uname("dup")
    e = w.CreateEvent(None, 1, 1, name)
    other = w.OpenEvent(w.SYNCHRONIZE, 0, name)
    f = w.CreateEvent(None, 1, 1, None)
    try:
        with pytest.raises(pywintypes.error) as exc:
            w.WaitForMultipleObjects([e, f, e], True, 0)
        assert_winerror(exc, ERROR_INVALID_PARAMETER, "WaitForMultipleObjects")
        # Two handles to one object count as duplicates too.
        with pytest.raises(pywintypes.error) as exc:
            w.WaitForMultipleObjects([e, other], True, 0)
        assert_winerror(exc, ERROR_INVALID_PARAMETER)
    finally:
        close_all([e, other, f])


def test_wait_all_64_objects():
    hs = events(64, manual=1)
    try:
        assert w.WaitForMultipleObjects(hs, True, 0) == WAIT_TIMEOUT
        for h in hs:
            w.SetEvent(h)
        assert w.WaitForMultipleObjects(hs, True, 0) == w.WAIT_OBJECT_0
    finally:
        close_all(hs)


# --- argument validation ----------------------------------------------------


@pytest.mark.parametrize("wait_all", [False, True])
def test_zero_and_65_handles_invalid_parameter(wait_all):
    with pytest.raises(pywintypes.error) as exc:
        w.WaitForMultipleObjects([], wait_all, 0)
    assert_winerror(exc, ERROR_INVALID_PARAMETER)
    hs = events(65, manual=1, initial=1)
    try:
        with pytest.raises(pywintypes.error) as exc:
            w.WaitForMultipleObjects(hs, wait_all, 0)
        assert_winerror(exc, ERROR_INVALID_PARAMETER)
        # 64 is the maximum and fine.
        assert w.WaitForMultipleObjects(hs[:64], wait_all, 0) == 0
    finally:
        close_all(hs)


def test_wait_any_64_last_index():
    hs = events(64)
    try:
        w.SetEvent(hs[63])
        assert w.WaitForMultipleObjects(hs, False, 0) == 63
    finally:
        close_all(hs)


def test_timeouts_return_wait_timeout():
    e = w.CreateEvent(None, 0, 0, None)
    with e:
        assert w.WaitForSingleObject(e, 0) == WAIT_TIMEOUT
        assert w.WaitForSingleObject(e, 30) == WAIT_TIMEOUT
        assert w.WaitForSingleObjectEx(e, 30, False) == WAIT_TIMEOUT
        assert w.WaitForMultipleObjects([e], False, 30) == WAIT_TIMEOUT
        assert w.WaitForMultipleObjects([e], True, 30) == WAIT_TIMEOUT


@pytest.mark.parametrize("infinite", [-1, 0xFFFFFFFF, w.INFINITE])
def test_infinite_spellings(infinite):
    e = w.CreateEvent(None, 0, 1, None)
    with e:
        assert w.WaitForSingleObject(e, infinite) == w.WAIT_OBJECT_0
        w.SetEvent(e)
        assert w.WaitForMultipleObjects([e], False, infinite) == w.WAIT_OBJECT_0
        # Woken later by another thread.
        waiter = Worker(lambda: w.WaitForSingleObject(e, infinite))
        time.sleep(0.05)
        w.SetEvent(e)
        assert waiter.join() == w.WAIT_OBJECT_0


@pytest.mark.parametrize("bad", [-2, -100, 0x100000000, 2**63])
def test_out_of_range_timeouts_raise(bad):
    e = w.CreateEvent(None, 0, 1, None)
    with e:
        with pytest.raises((ValueError, OverflowError, TypeError)):
            w.WaitForSingleObject(e, bad)
        with pytest.raises((ValueError, OverflowError, TypeError)):
            w.WaitForMultipleObjects([e], False, bad)
        assert is_set(e)  # nothing was consumed


NEVER_OPEN = 4 * 1_000_003


@pytest.mark.parametrize("value", [NEVER_OPEN, 0, 3])
def test_bad_handle_is_invalid_handle(value):
    with pytest.raises(pywintypes.error) as exc:
        w.WaitForSingleObject(value, 0)
    assert_winerror(exc, ERROR_INVALID_HANDLE, "WaitForSingleObject")
    e = w.CreateEvent(None, 1, 1, None)
    with e:
        with pytest.raises(pywintypes.error) as exc:
            w.WaitForMultipleObjects([e, value], False, 0)
        assert_winerror(exc, ERROR_INVALID_HANDLE, "WaitForMultipleObjects")


def test_closed_handle_is_invalid_handle():
    # f first: handle values are reused, so f must not get e's old value.
    f = w.CreateEvent(None, 1, 1, None)
    e = w.CreateEvent(None, 1, 1, None)
    value = int(e)
    e.Close()
    with pytest.raises(pywintypes.error) as exc:
        w.WaitForSingleObject(value, 0)
    assert_winerror(exc, ERROR_INVALID_HANDLE)
    with pytest.raises(pywintypes.error) as exc:
        w.WaitForSingleObject(e, 0)  # the closed PyHANDLE itself
    assert_winerror(exc, ERROR_INVALID_HANDLE)
    with f:
        with pytest.raises(pywintypes.error) as exc:
            w.WaitForMultipleObjects([f, value], True, 0)
        assert_winerror(exc, ERROR_INVALID_HANDLE)


@pytest.mark.parametrize("bad", ["abc", 1.5, object(), b"\x04"])
def test_wrong_type_for_handle_is_type_error(bad):
    with pytest.raises(TypeError):
        w.WaitForSingleObject(bad, 0)


@pytest.mark.parametrize("bad", ["abc", 5, None, 1.5])
def test_wrong_type_for_handle_list_is_type_error(bad):
    with pytest.raises(TypeError):
        w.WaitForMultipleObjects(bad, False, 0)


@pytest.mark.parametrize("item", ["abc", 1.5, object(), [4]])
def test_wrong_type_inside_handle_list_is_type_error(item):
    e = w.CreateEvent(None, 1, 1, None)
    with e:
        with pytest.raises(TypeError):
            w.WaitForMultipleObjects([e, item], False, 0)
        with pytest.raises(TypeError):
            w.WaitForMultipleObjects([item, e], True, 0)
        assert is_set(e)


def test_none_inside_handle_list_is_the_null_handle():
    # pywin32 converts None to a NULL handle, which is not a valid one.
    e = w.CreateEvent(None, 1, 1, None)
    with e:
        with pytest.raises(pywintypes.error) as exc:
            w.WaitForMultipleObjects([e, None], False, 0)
        assert_winerror(exc, ERROR_INVALID_HANDLE)


def test_wrong_type_for_timeout_is_type_error():
    e = w.CreateEvent(None, 1, 1, None)
    with e:
        with pytest.raises(TypeError):
            w.WaitForSingleObject(e, "1000")


# --- SignalObjectAndWait ----------------------------------------------------


def test_signal_object_and_wait_event():
    to_signal = w.CreateEvent(None, 1, 0, None)
    to_wait = w.CreateEvent(None, 0, 1, None)
    try:
        assert w.SignalObjectAndWait(to_signal, to_wait, LONG_MS, False) == w.WAIT_OBJECT_0
        assert is_set(to_signal)
        assert not is_set(to_wait)
        # Timing out still signals.
        w.ResetEvent(to_signal)
        assert w.SignalObjectAndWait(to_signal, to_wait, 30) == WAIT_TIMEOUT
        assert is_set(to_signal)
    finally:
        close_all([to_signal, to_wait])


def test_signal_object_and_wait_mutex_and_semaphore():
    m = w.CreateMutex(None, 1, None)
    s = w.CreateSemaphore(None, 0, 1, None)
    e = w.CreateEvent(None, 1, 1, None)
    try:
        assert w.SignalObjectAndWait(m, e, 0) == w.WAIT_OBJECT_0
        # Released: another thread can take it.
        assert Worker(lambda: (w.WaitForSingleObject(m, 0), w.ReleaseMutex(m))[0]).join() == 0
        with pytest.raises(pywintypes.error) as exc:
            w.SignalObjectAndWait(m, e, 0)  # not the owner any more
        assert_winerror(exc, ERROR_NOT_OWNER, "SignalObjectAndWait")
        assert w.SignalObjectAndWait(s, e, 0) == w.WAIT_OBJECT_0
        with pytest.raises(pywintypes.error) as exc:
            w.SignalObjectAndWait(s, e, 0)  # at its maximum
        assert_winerror(exc, ERROR_TOO_MANY_POSTS)
        assert w.WaitForSingleObject(s, 0) == w.WAIT_OBJECT_0
        # Signal a semaphore and wait on the very same one.
        assert w.SignalObjectAndWait(s, s, 0) == w.WAIT_OBJECT_0
        assert w.WaitForSingleObject(s, 0) == WAIT_TIMEOUT
    finally:
        close_all([m, s, e])


def test_signal_object_and_wait_recursive_mutex_keeps_ownership():
    m = w.CreateMutex(None, 1, None)
    e = w.CreateEvent(None, 1, 1, None)
    try:
        assert w.WaitForSingleObject(m, 0) == 0  # owned twice
        assert w.SignalObjectAndWait(m, e, 0) == 0  # released once
        assert Worker(lambda: w.WaitForSingleObject(m, 0)).join() == WAIT_TIMEOUT
        w.ReleaseMutex(m)
    finally:
        close_all([m, e])


def test_signal_object_and_wait_bad_arguments():
    e = w.CreateEvent(None, 0, 0, None)
    t = w.CreateWaitableTimer(None, 0, None)
    try:
        with pytest.raises(pywintypes.error) as exc:
            w.SignalObjectAndWait(NEVER_OPEN, e, 0)
        assert_winerror(exc, ERROR_INVALID_HANDLE)
        with pytest.raises(pywintypes.error) as exc:
            w.SignalObjectAndWait(e, NEVER_OPEN, 0)
        assert_winerror(exc, ERROR_INVALID_HANDLE)
        # A timer cannot be signalled this way.
        with pytest.raises(pywintypes.error) as exc:
            w.SignalObjectAndWait(t, e, 0)
        assert_winerror(exc, ERROR_INVALID_HANDLE)
        with pytest.raises(TypeError):
            w.SignalObjectAndWait("x", e, 0)
    finally:
        close_all([e, t])


def test_signal_object_and_wait_needs_modify_access():
    name = uname("soaw-access")
    e = w.CreateEvent(None, 1, 0, name)
    sync_only = w.OpenEvent(w.SYNCHRONIZE, 0, name)
    target = w.CreateEvent(None, 1, 1, None)
    try:
        with pytest.raises(pywintypes.error) as exc:
            w.SignalObjectAndWait(sync_only, target, 0)
        assert_winerror(exc, ERROR_ACCESS_DENIED)
        assert not is_set(e)
    finally:
        close_all([e, sync_only, target])


PING_PONG = """
    import sys, win32event as w
    mine, theirs, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    a = w.OpenEvent(w.EVENT_ALL_ACCESS, 0, mine)
    b = w.OpenEvent(w.EVENT_ALL_ACCESS, 0, theirs)
    assert w.WaitForSingleObject(a, 30000) == 0
    for i in range(rounds):
        r = w.SignalObjectAndWait(b, a, 10000, False)
        if r != 0:
            print("stuck", i, r); sys.exit(3)
    w.SetEvent(b)
    print("ok")
"""


def test_signal_object_and_wait_ping_pong_between_processes():
    # Two auto-reset events passed back and forth: a signal seen before the
    # signaller is queued on its own event would be lost and stall the game.
    rounds = 2000
    na, nb = uname("ping"), uname("pong")
    a = w.CreateEvent(None, 0, 0, na)
    b = w.CreateEvent(None, 0, 0, nb)
    p1 = popen_py(PING_PONG, na, nb, rounds)
    p2 = popen_py(PING_PONG, nb, na, rounds)
    try:
        w.SetEvent(a)
    finally:
        r1, r2 = finish(p1), finish(p2)
    assert r1[0] == 0 and r1[1].strip() == "ok", r1
    assert r2[0] == 0 and r2[1].strip() == "ok", r2
    close_all([a, b])


# --- waitable timers --------------------------------------------------------


def rel(ms):
    """A relative due time of `ms` milliseconds (negative, 100 ns units)."""
    return -int(ms * 10_000)


def filetime_in(seconds):
    return int((time.time() + seconds) * 10_000_000) + FILETIME_UNIX_EPOCH


def test_timer_starts_unsignalled():
    t = w.CreateWaitableTimer(None, 0, None)
    with t:
        assert w.WaitForSingleObject(t, 50) == WAIT_TIMEOUT


def test_relative_timer_auto_reset():
    t = w.CreateWaitableTimer(None, 0, None)
    with t:
        w.SetWaitableTimer(t, rel(50), 0, None, None, 0)
        assert win32api.GetLastError() == 0
        assert w.WaitForSingleObject(t, LONG_MS) == w.WAIT_OBJECT_0
        # One-shot and auto-reset: gone after one wait, never fires again.
        assert w.WaitForSingleObject(t, 200) == WAIT_TIMEOUT


def test_relative_timer_does_not_fire_early():
    t = w.CreateWaitableTimer(None, 1, None)
    with t:
        w.SetWaitableTimer(t, rel(60_000), 0, None, None, 0)
        assert w.WaitForSingleObject(t, 50) == WAIT_TIMEOUT
        w.CancelWaitableTimer(t)


def test_absolute_timer():
    t = w.CreateWaitableTimer(None, 0, None)
    with t:
        w.SetWaitableTimer(t, filetime_in(0.1), 0, None, None, 0)
        assert w.WaitForSingleObject(t, LONG_MS) == w.WAIT_OBJECT_0
        assert w.WaitForSingleObject(t, 0) == WAIT_TIMEOUT


def test_absolute_timer_far_future_not_signalled():
    t = w.CreateWaitableTimer(None, 1, None)
    with t:
        w.SetWaitableTimer(t, filetime_in(3600), 0, None, None, 0)
        assert w.WaitForSingleObject(t, 50) == WAIT_TIMEOUT


def test_absolute_timer_in_the_past_is_signalled_at_once():
    t = w.CreateWaitableTimer(None, 1, None)
    with t:
        w.SetWaitableTimer(t, filetime_in(-10), 0, None, None, 0)
        assert w.WaitForSingleObject(t, 0) == w.WAIT_OBJECT_0


def test_relative_timer_zero_ish_due_fires():
    t = w.CreateWaitableTimer(None, 0, None)
    with t:
        w.SetWaitableTimer(t, -1, 0, None, None, 0)
        assert w.WaitForSingleObject(t, LONG_MS) == w.WAIT_OBJECT_0


def test_periodic_timer():
    t = w.CreateWaitableTimer(None, 0, None)
    with t:
        w.SetWaitableTimer(t, rel(20), 30, None, None, 0)
        for _ in range(4):
            assert w.WaitForSingleObject(t, LONG_MS) == w.WAIT_OBJECT_0
        w.CancelWaitableTimer(t)
        # Cancelled: no more periods (a pending signal may be left over).
        w.WaitForSingleObject(t, 0)
        assert w.WaitForSingleObject(t, 200) == WAIT_TIMEOUT


def test_manual_reset_timer_stays_signalled_and_releases_everyone():
    t = w.CreateWaitableTimer(None, 1, None)
    with t:
        waiters = [Worker(lambda: w.WaitForSingleObject(t, LONG_MS)) for _ in range(3)]
        w.SetWaitableTimer(t, rel(50), 0, None, None, 0)
        assert [x.join() for x in waiters] == [w.WAIT_OBJECT_0] * 3
        for _ in range(3):
            assert w.WaitForSingleObject(t, 0) == w.WAIT_OBJECT_0
        # Re-arming makes it non-signalled until the new due time.
        w.SetWaitableTimer(t, rel(60_000), 0, None, None, 0)
        assert w.WaitForSingleObject(t, 0) == WAIT_TIMEOUT
        w.CancelWaitableTimer(t)


def test_create_waitable_timer_ex_manual_flag():
    t = w.CreateWaitableTimerEx(None, None, w.CREATE_WAITABLE_TIMER_MANUAL_RESET, w.TIMER_ALL_ACCESS)
    with t:
        w.SetWaitableTimer(t, rel(10), 0, None, None, 0)
        assert w.WaitForSingleObject(t, LONG_MS) == w.WAIT_OBJECT_0
        assert w.WaitForSingleObject(t, 0) == w.WAIT_OBJECT_0
    t = w.CreateWaitableTimerEx(None, None, w.CREATE_WAITABLE_TIMER_HIGH_RESOLUTION, w.TIMER_ALL_ACCESS)
    with t:
        w.SetWaitableTimer(t, rel(10), 0, None, None, 0)
        assert w.WaitForSingleObject(t, LONG_MS) == w.WAIT_OBJECT_0
        assert w.WaitForSingleObject(t, 0) == WAIT_TIMEOUT
    with pytest.raises(pywintypes.error) as exc:
        w.CreateWaitableTimerEx(None, None, 0x10, w.TIMER_ALL_ACCESS)
    assert_winerror(exc, ERROR_INVALID_PARAMETER)


def test_cancel_timer():
    t = w.CreateWaitableTimer(None, 0, None)
    with t:
        w.SetWaitableTimer(t, rel(100), 0, None, None, 0)
        w.CancelWaitableTimer(t)
        assert w.WaitForSingleObject(t, 400) == WAIT_TIMEOUT


def test_cancel_does_not_reset_a_signalled_timer():
    t = w.CreateWaitableTimer(None, 1, None)
    with t:
        w.SetWaitableTimer(t, -1, 0, None, None, 0)
        assert w.WaitForSingleObject(t, LONG_MS) == w.WAIT_OBJECT_0
        w.CancelWaitableTimer(t)
        assert w.WaitForSingleObject(t, 0) == w.WAIT_OBJECT_0


def test_cancel_while_a_thread_waits():
    t = w.CreateWaitableTimer(None, 0, None)
    with t:
        w.SetWaitableTimer(t, rel(200), 0, None, None, 0)
        waiter = Worker(lambda: w.WaitForSingleObject(t, 600))
        w.CancelWaitableTimer(t)
        assert waiter.join() == WAIT_TIMEOUT


def test_timer_armed_while_a_thread_is_already_waiting():
    # The waiter went to sleep with no due time; arming must wake it at the
    # new due time, not when something else (or its own timeout) wakes it.
    t = w.CreateWaitableTimer(None, 0, None)
    late = w.CreateEvent(None, 0, 0, None)
    with t, late:
        waiter = Worker(lambda: w.WaitForMultipleObjects([t, late], False, LONG_MS))
        time.sleep(0.2)  # let it block
        w.SetWaitableTimer(t, rel(50), 0, None, None, 0)
        # Ten times the due time later, something else is signalled. (Half a
        # second: less than the engine's 1 s sleep slice, so a waiter that only
        # notices the new due time when its slice ends is caught.)
        time.sleep(0.5)
        w.SetEvent(late)
        assert waiter.join() == 0, "woken by the later event, not by the timer"


def test_timer_rearmed_earlier_while_a_thread_is_already_waiting():
    t = w.CreateWaitableTimer(None, 0, None)
    late = w.CreateEvent(None, 0, 0, None)
    with t, late:
        w.SetWaitableTimer(t, rel(60_000), 0, None, None, 0)
        waiter = Worker(lambda: w.WaitForMultipleObjects([t, late], False, LONG_MS))
        time.sleep(0.2)
        w.SetWaitableTimer(t, rel(50), 0, None, None, 0)
        time.sleep(0.5)
        w.SetEvent(late)
        assert waiter.join() == 0, "woken by the later event, not by the timer"


def test_timer_armed_by_other_process_while_waiting():
    name, late_name, ready_name = uname("xtimer"), uname("xtlate"), uname("xtready")
    t = w.CreateWaitableTimer(None, 0, name)
    late = w.CreateEvent(None, 0, 0, late_name)
    ready = w.CreateEvent(None, 0, 0, ready_name)
    code = """
        import sys, win32event as w
        t = w.OpenWaitableTimer(w.SYNCHRONIZE, 0, sys.argv[1])
        late = w.OpenEvent(w.SYNCHRONIZE, 0, sys.argv[2])
        ready = w.OpenEvent(w.EVENT_MODIFY_STATE, 0, sys.argv[3])
        w.SetEvent(ready)
        print(w.WaitForMultipleObjects([t, late], False, 15000))
    """
    p = popen_py(code, name, late_name, ready_name)
    try:
        assert w.WaitForSingleObject(ready, 30000) == w.WAIT_OBJECT_0
        time.sleep(0.3)
        w.SetWaitableTimer(t, rel(50), 0, None, None, 0)
        time.sleep(0.5)
        w.SetEvent(late)
    finally:
        rc, out, err = finish(p)
    assert rc == 0, err
    assert out.strip() == "0", "woken by the later event, not by the timer"
    close_all([t, late, ready])


def test_named_timer_fired_by_other_process(run_py):
    name = uname("ntimer")
    t = w.CreateWaitableTimer(None, 1, name)
    with t:
        code = textwrap.dedent("""
            import sys, win32event as w
            t = w.OpenWaitableTimer(w.TIMER_MODIFY_STATE, 0, sys.argv[1])
            w.SetWaitableTimer(t, -1, 0, None, None, 0)
        """)
        r = run_py(code, name, timeout=CHILD_TIMEOUT)
        assert r.returncode == 0, r.stderr
        assert w.WaitForSingleObject(t, LONG_MS) == w.WAIT_OBJECT_0


def test_timer_errors():
    t = w.CreateWaitableTimer(None, 0, None)
    e = w.CreateEvent(None, 0, 0, None)
    name = uname("tacc")
    named = w.CreateWaitableTimer(None, 0, name)
    sync = w.OpenWaitableTimer(w.SYNCHRONIZE, 0, name)
    try:
        with pytest.raises(pywintypes.error) as exc:
            w.SetWaitableTimer(t, rel(10), -1, None, None, 0)
        assert_winerror(exc, ERROR_INVALID_PARAMETER)
        with pytest.raises(pywintypes.error) as exc:
            w.SetWaitableTimer(e, rel(10), 0, None, None, 0)
        assert_winerror(exc, ERROR_INVALID_HANDLE)
        with pytest.raises(pywintypes.error) as exc:
            w.CancelWaitableTimer(e)
        assert_winerror(exc, ERROR_INVALID_HANDLE)
        with pytest.raises(pywintypes.error) as exc:
            w.SetWaitableTimer(sync, rel(10), 0, None, None, 0)
        assert_winerror(exc, ERROR_ACCESS_DENIED)
        with pytest.raises(pywintypes.error) as exc:
            w.CancelWaitableTimer(sync)
        assert_winerror(exc, ERROR_ACCESS_DENIED)
        # Completion routines (APCs) do not exist on POSIX.
        with pytest.raises(pywintypes.error) as exc:
            w.SetWaitableTimer(t, rel(10), 0, lambda *a: None, None, 0)
        assert_winerror(exc, ERROR_NOT_SUPPORTED)
        # resume_state cannot be honoured: success, last error says so.
        w.SetWaitableTimer(t, rel(10), 0, None, None, 1)
        assert win32api.GetLastError() == ERROR_NOT_SUPPORTED
        assert w.WaitForSingleObject(t, LONG_MS) == w.WAIT_OBJECT_0
    finally:
        close_all([t, e, named, sync])


# --- the GIL ----------------------------------------------------------------


@pytest.mark.parametrize("how", ["single", "multiple", "all", "signal_and_wait", "mutex"])
def test_wait_releases_the_gil(how):
    e = w.CreateEvent(None, 0, 0, None)
    other = w.CreateEvent(None, 0, 0, None)
    m = w.CreateMutex(None, 1, None)  # owned by this (main) thread
    started = threading.Event()

    def wait():
        started.set()
        if how == "single":
            return w.WaitForSingleObject(e, 5000)
        if how == "multiple":
            return w.WaitForMultipleObjects([other, e], False, 5000)
        if how == "all":
            return w.WaitForMultipleObjects([other, e], True, 5000)
        if how == "signal_and_wait":
            return w.SignalObjectAndWait(other, e, 5000, False)
        r = w.WaitForSingleObject(m, 5000)
        w.ReleaseMutex(m)
        return r

    waiter = Worker(wait)
    assert started.wait(10)
    # Python work in this thread while the other one waits. If the wait
    # held the GIL, this loop could not run until the wait timed out, and
    # the wait would then return WAIT_TIMEOUT instead of being satisfied.
    total = 0
    for i in range(100):
        time.sleep(0.002)
        total += sum(range(1000))
    assert total == 100 * sum(range(1000))
    if how == "all":
        w.SetEvent(other)
    if how == "mutex":
        w.ReleaseMutex(m)
    else:
        w.SetEvent(e)
    expected = 1 if how == "multiple" else 0
    assert waiter.join() == expected
    close_all([e, other, m])


def test_many_threads_waiting_while_python_runs():
    e = w.CreateEvent(None, 1, 0, None)
    waiters = [Worker(lambda: w.WaitForSingleObject(e, LONG_MS)) for _ in range(8)]
    counter = 0
    for _ in range(200):
        counter += 1
        time.sleep(0.001)
    w.SetEvent(e)
    assert [x.join() for x in waiters] == [0] * 8
    e.Close()


# --- signals: Ctrl+C --------------------------------------------------------
#
# Each scenario runs in a driver process of its own, in a nested private
# session (its own PYWIN32_POSIX_ROOT): a bug in the interrupt path can leave
# that session's arena inconsistent (or a process spinning with its lock),
# which must fail this test only, not hang the rest of the suite. The driver
# reports each step on stdout; a driver that hangs is killed (with its
# children) and the test fails showing how far it got.

SIGINT_CHILD = r"""
import signal, sys, win32event as w
# A normal interactive process: Ctrl+C raises KeyboardInterrupt. (A test
# runner started in the background may hand SIGINT down as ignored.)
signal.signal(signal.SIGINT, signal.default_int_handler)
how, name = sys.argv[1], sys.argv[2]
if how == "mutex":
    h = w.OpenMutex(0x001F0001, 0, name)
else:
    h = w.OpenEvent(w.EVENT_ALL_ACCESS, 0, name)
other = w.CreateEvent(None, 0, 0, None)
try:
    print("waiting", flush=True)
    if how in ("single", "mutex"):
        r = w.WaitForSingleObject(h, w.INFINITE)
    elif how == "multiple":
        r = w.WaitForMultipleObjects([other, h], False, w.INFINITE)
    elif how == "all":
        w.SetEvent(other)
        r = w.WaitForMultipleObjects([other, h], True, w.INFINITE)
    else:
        r = w.SignalObjectAndWait(other, h, w.INFINITE, False)
    print("returned", r, flush=True)
    sys.exit(3)
except KeyboardInterrupt:
    print("KeyboardInterrupt", flush=True)
for line in sys.stdin:
    if line.strip() == "again":
        # Still usable: a new wait gets the object once it is signalled.
        r = w.WaitForSingleObject(h, 15000)
        print("again", r, flush=True)
        if how == "mutex" and r in (0, 0x80):
            w.ReleaseMutex(h)
    elif line.strip() == "quit":
        break
"""

OTHER_WAITER = r"""
import sys, win32event as w
how, name = sys.argv[1], sys.argv[2]
if how == "mutex":
    h = w.OpenMutex(0x001F0001, 0, name)
else:
    h = w.OpenEvent(w.SYNCHRONIZE, 0, name)
ready = w.OpenEvent(w.EVENT_MODIFY_STATE, 0, "sigint-ready")
r = w.SignalObjectAndWait(ready, h, 10000, False)
print(r, flush=True)
if how == "mutex" and r in (0, 0x80):
    w.ReleaseMutex(h)
"""

SIGINT_DRIVER = r"""
import os, queue, signal, subprocess, sys, threading, time
import win32event as w
how, scenario, child_code, other_code = sys.argv[1:5]

def say(*a):
    print(*a, flush=True)

def release(h):
    if how == "mutex":
        w.ReleaseMutex(h)
    else:
        w.SetEvent(h)

name = "sigint-obj"
h = w.CreateMutex(None, 1, name) if how == "mutex" else w.CreateEvent(None, 0, 0, name)
child = subprocess.Popen([sys.executable, "-c", child_code, how, name],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
lines = queue.Queue()
def pump():
    for line in child.stdout:
        lines.put(line.strip())
    lines.put("<eof>")
threading.Thread(target=pump, daemon=True).start()

say("child:", lines.get(timeout=20))          # waiting
time.sleep(0.3)                                # let it block in the wait
line = "<no reaction to SIGINT>"
for _ in range(40):                            # repeated, in case one came too early
    os.kill(child.pid, signal.SIGINT)
    try:
        line = lines.get(timeout=0.5)
        break
    except queue.Empty:
        pass
say("child:", line)                            # KeyboardInterrupt
if scenario == "again":
    child.stdin.write("again\n"); child.stdin.flush()
    release(h)
    say("child:", lines.get(timeout=30))       # again 0
elif scenario == "swallow":
    # The interrupted thread is alive but no longer waiting: a signal must
    # go to a real waiter, not to its stale queue entry.
    ready = w.CreateEvent(None, 0, 0, "sigint-ready")
    other = subprocess.Popen([sys.executable, "-c", other_code, how, name],
                             stdout=subprocess.PIPE, text=True)
    say("ready:", w.WaitForSingleObject(ready, 20000))
    release(h)
    say("other:", other.communicate(timeout=30)[0].strip())
child.stdin.write("quit\n"); child.stdin.flush()
child.stdin.close()
say("child-exit:", child.wait(30))
h.Close()
say("closed")
with w.CreateEvent(None, 0, 0, "sigint-after") as again:
    say("arena-usable")
"""


def run_sigint_driver(session_root, how, scenario, timeout=90):
    import tempfile

    from pywin32_posix._session import remove_private_session

    nested = tempfile.mkdtemp(prefix="n", dir=session_root)
    env = os.environ.copy()
    env["PYWIN32_POSIX_ROOT"] = nested
    proc = subprocess.Popen(
        [sys.executable, "-c", SIGINT_DRIVER, how, scenario, SIGINT_CHILD, OTHER_WAITER],
        env=env,
        cwd=nested,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
        hung = False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        hung = True
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        remove_private_session(nested)
    return hung, proc.returncode, out.splitlines(), err


def expected_sigint_report(how, scenario):
    lines = ["child: waiting", "child: KeyboardInterrupt"]
    if scenario == "again":
        lines.append("child: again 0")
    else:
        lines += ["ready: 0", "other: 0"]
    return lines + ["child-exit: 0", "closed", "arena-usable"]


@pytest.mark.parametrize("how", ["single", "multiple", "all", "signal_and_wait", "mutex"])
def test_sigint_interrupts_infinite_wait(session_root, how):
    hung, rc, report, err = run_sigint_driver(session_root, how, "again")
    assert report == expected_sigint_report(how, "again"), (
        f"hung={hung} rc={rc}\n" + "\n".join(report) + "\n" + err)
    assert not hung and rc == 0, err


@pytest.mark.parametrize("how", ["single", "mutex"])
def test_interrupted_waiter_does_not_swallow_a_later_signal(session_root, how):
    hung, rc, report, err = run_sigint_driver(session_root, how, "swallow")
    assert report == expected_sigint_report(how, "swallow"), (
        f"hung={hung} rc={rc}\n" + "\n".join(report) + "\n" + err)
    assert not hung and rc == 0, err


def test_signal_handler_that_does_not_raise_does_not_abort_wait():
    name = uname("sigusr")
    h = w.CreateEvent(None, 0, 0, name)
    code = """
        import signal, sys, win32event as w
        hits = []
        signal.signal(signal.SIGUSR1, lambda *a: hits.append(1))
        h = w.OpenEvent(w.SYNCHRONIZE, 0, sys.argv[1])
        print("waiting", flush=True)
        r = w.WaitForSingleObject(h, 30000)
        print(r, len(hits) > 0, flush=True)
    """
    p = popen_py(code, name)
    lines = LineReader(p)
    try:
        assert lines.get() == "waiting"
        time.sleep(0.3)
        for _ in range(3):
            os.kill(p.pid, signal.SIGUSR1)
            time.sleep(0.05)
        w.SetEvent(h)
        assert lines.get() == "0 True"
    finally:
        rc, out, err = finish(p)
    assert rc == 0, err
    h.Close()
