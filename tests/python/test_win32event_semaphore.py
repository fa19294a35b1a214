"""win32event semaphores: counts, ReleaseSemaphore's previous count,
ERROR_TOO_MANY_POSTS, parameter validation, names and cross-process use.

Every wait has a timeout and every child process a timeout. No test asserts
on elapsed time.
"""
import multiprocessing
import sys
import textwrap
import threading

import pytest

import pywintypes
import win32api
import win32event as w
from w32util import (
    CHILD_TIMEOUT,
    ERROR_ACCESS_DENIED,
    ERROR_ALREADY_EXISTS,
    ERROR_FILE_NOT_FOUND,
    ERROR_INVALID_HANDLE,
    ERROR_INVALID_PARAMETER,
    ERROR_TOO_MANY_POSTS,
    LONG_MS,
    SEMAPHORE_ALL_ACCESS,
    assert_winerror,
    finish,
    join_mp,
    namer,
    popen_py,
)

SEMAPHORE_MODIFY_STATE = 0x0002

uname = namer("sem")


def drain(sem):
    """Takes every available count (non-blocking); returns how many."""
    n = 0
    while w.WaitForSingleObject(sem, 0) == w.WAIT_OBJECT_0:
        n += 1
        assert n <= 100000
    return n


# --- counts -----------------------------------------------------------------


def test_initial_count_is_available():
    s = w.CreateSemaphore(None, 2, 5, None)
    with s:
        assert w.WaitForSingleObject(s, 0) == w.WAIT_OBJECT_0
        assert w.WaitForSingleObject(s, 0) == w.WAIT_OBJECT_0
        assert w.WaitForSingleObject(s, 0) == w.WAIT_TIMEOUT
        assert w.WaitForSingleObject(s, 50) == w.WAIT_TIMEOUT


def test_release_returns_previous_count():
    s = w.CreateSemaphore(None, 0, 10, None)
    with s:
        assert w.ReleaseSemaphore(s, 1) == 0
        assert w.ReleaseSemaphore(s, 2) == 1
        assert w.ReleaseSemaphore(s, 3) == 3
        assert w.ReleaseSemaphore(s, 4) == 6
        assert drain(s) == 10
        assert w.ReleaseSemaphore(s, 10) == 0
        assert drain(s) == 10


def test_too_many_posts_leaves_count_unchanged():
    s = w.CreateSemaphore(None, 3, 5, None)
    with s:
        with pytest.raises(pywintypes.error) as exc:
            w.ReleaseSemaphore(s, 3)
        assert_winerror(exc, ERROR_TOO_MANY_POSTS, "ReleaseSemaphore")
        assert w.ReleaseSemaphore(s, 2) == 3  # exactly up to the maximum is fine
        with pytest.raises(pywintypes.error) as exc:
            w.ReleaseSemaphore(s, 1)
        assert_winerror(exc, ERROR_TOO_MANY_POSTS)
        assert drain(s) == 5


def test_too_many_posts_with_huge_count():
    s = w.CreateSemaphore(None, 1, 0x7FFFFFFF, None)
    with s:
        with pytest.raises(pywintypes.error) as exc:
            w.ReleaseSemaphore(s, 0x7FFFFFFF)
        assert_winerror(exc, ERROR_TOO_MANY_POSTS)
        assert w.ReleaseSemaphore(s, 0x7FFFFFFE) == 1
        assert w.WaitForSingleObject(s, 0) == w.WAIT_OBJECT_0
        assert w.ReleaseSemaphore(s, 1) == 0x7FFFFFFE


@pytest.mark.parametrize(
    "initial,maximum",
    [(-1, 5), (0, 0), (0, -1), (6, 5), (1, 0), (-5, -5), (-0x80000000, 1)],
)
def test_bad_counts_are_invalid_parameter(initial, maximum):
    with pytest.raises(pywintypes.error) as exc:
        w.CreateSemaphore(None, initial, maximum, None)
    assert_winerror(exc, ERROR_INVALID_PARAMETER, "CreateSemaphore")
    # Also when the name exists already: the arguments are checked first.
    name = uname("badcount")
    with w.CreateSemaphore(None, 0, 1, name):
        with pytest.raises(pywintypes.error) as exc:
            w.CreateSemaphore(None, initial, maximum, name)
        assert_winerror(exc, ERROR_INVALID_PARAMETER)


@pytest.mark.parametrize("count", [0, -1, -0x80000000])
def test_bad_release_count_is_invalid_parameter(count):
    s = w.CreateSemaphore(None, 0, 5, None)
    with s:
        with pytest.raises(pywintypes.error) as exc:
            w.ReleaseSemaphore(s, count)
        assert_winerror(exc, ERROR_INVALID_PARAMETER, "ReleaseSemaphore")
        assert w.WaitForSingleObject(s, 0) == w.WAIT_TIMEOUT


def test_counts_out_of_long_range_raise():
    with pytest.raises((OverflowError, TypeError, ValueError)):
        w.CreateSemaphore(None, 0, 2**31, None)
    with pytest.raises((OverflowError, TypeError, ValueError)):
        w.CreateSemaphore(None, 2**40, 2**40, None)
    s = w.CreateSemaphore(None, 0, 5, None)
    with s:
        with pytest.raises((OverflowError, TypeError, ValueError)):
            w.ReleaseSemaphore(s, 2**31)


def test_release_wakes_exactly_count_blocked_threads():
    n = 4
    s = w.CreateSemaphore(None, 0, n, None)
    ready = w.CreateSemaphore(None, 0, n, None)
    done = w.CreateSemaphore(None, 0, n, None)
    results = []
    lock = threading.Lock()

    def waiter():
        r = w.SignalObjectAndWait(ready, s, LONG_MS, False)
        with lock:
            results.append(r)
        if r == w.WAIT_OBJECT_0:
            w.ReleaseSemaphore(done, 1)

    threads = [threading.Thread(target=waiter) for _ in range(n)]
    for t in threads:
        t.start()
    try:
        for _ in range(n):
            assert w.WaitForSingleObject(ready, LONG_MS) == w.WAIT_OBJECT_0
        assert w.ReleaseSemaphore(s, 2) == 0
        for _ in range(2):
            assert w.WaitForSingleObject(done, LONG_MS) == w.WAIT_OBJECT_0
        assert w.WaitForSingleObject(done, 300) == w.WAIT_TIMEOUT
        # The two counts went straight to the waiters.
        assert w.WaitForSingleObject(s, 0) == w.WAIT_TIMEOUT
        assert w.ReleaseSemaphore(s, 2) == 0
        for _ in range(2):
            assert w.WaitForSingleObject(done, LONG_MS) == w.WAIT_OBJECT_0
    finally:
        try:
            w.ReleaseSemaphore(s, n)
        except pywintypes.error:
            pass
        for t in threads:
            t.join(LONG_MS / 1000 + 5)
    assert results == [w.WAIT_OBJECT_0] * n
    for h in (s, ready, done):
        h.Close()


def test_semaphore_is_not_owned():
    # Any thread may release, unlike a mutex.
    s = w.CreateSemaphore(None, 1, 1, None)
    with s:
        assert w.WaitForSingleObject(s, 0) == w.WAIT_OBJECT_0
        t = threading.Thread(target=lambda: w.ReleaseSemaphore(s, 1))
        t.start()
        t.join(10)
        assert w.WaitForSingleObject(s, 0) == w.WAIT_OBJECT_0
        # Acquiring does not nest for the same thread.
        assert w.WaitForSingleObject(s, 0) == w.WAIT_TIMEOUT


# --- names and access -------------------------------------------------------


def test_named_semaphore_already_exists_ignores_counts():
    name = uname("exists")
    s = w.CreateSemaphore(None, 1, 3, name)
    assert win32api.GetLastError() == 0
    again = w.CreateSemaphore(None, 3, 10, name)
    assert win32api.GetLastError() == ERROR_ALREADY_EXISTS
    try:
        assert w.ReleaseSemaphore(again, 1) == 1
        with pytest.raises(pywintypes.error) as exc:
            w.ReleaseSemaphore(again, 2)  # maximum is still 3
        assert_winerror(exc, ERROR_TOO_MANY_POSTS)
        assert drain(s) == 2
    finally:
        s.Close()
        again.Close()


def test_open_semaphore_errors():
    with pytest.raises(pywintypes.error) as exc:
        w.OpenSemaphore(SEMAPHORE_ALL_ACCESS, 0, uname("missing"))
    assert_winerror(exc, ERROR_FILE_NOT_FOUND, "OpenSemaphore")
    name = uname("clash")
    with w.CreateMutex(None, 0, name):
        with pytest.raises(pywintypes.error) as exc:
            w.OpenSemaphore(SEMAPHORE_ALL_ACCESS, 0, name)
        assert_winerror(exc, ERROR_INVALID_HANDLE, "OpenSemaphore")
        with pytest.raises(pywintypes.error) as exc:
            w.CreateSemaphore(None, 0, 1, name)
        assert_winerror(exc, ERROR_INVALID_HANDLE, "CreateSemaphore")


def test_access_rights():
    name = uname("access")
    s = w.CreateSemaphore(None, 0, 5, name)
    sync = w.OpenSemaphore(w.SYNCHRONIZE, 0, name)
    mod = w.OpenSemaphore(SEMAPHORE_MODIFY_STATE, 0, name)
    try:
        with pytest.raises(pywintypes.error) as exc:
            w.ReleaseSemaphore(sync, 1)
        assert_winerror(exc, ERROR_ACCESS_DENIED)
        assert w.ReleaseSemaphore(mod, 1) == 0
        with pytest.raises(pywintypes.error) as exc:
            w.WaitForSingleObject(mod, 0)
        assert_winerror(exc, ERROR_ACCESS_DENIED)
        assert w.WaitForSingleObject(sync, 0) == w.WAIT_OBJECT_0
    finally:
        for h in (s, sync, mod):
            h.Close()


def test_semaphore_functions_reject_wrong_handles():
    e = w.CreateEvent(None, 0, 0, None)
    with e:
        with pytest.raises(pywintypes.error) as exc:
            w.ReleaseSemaphore(e, 1)
        assert_winerror(exc, ERROR_INVALID_HANDLE)
    with pytest.raises(pywintypes.error) as exc:
        w.ReleaseSemaphore(int(e), 1)  # closed
    assert_winerror(exc, ERROR_INVALID_HANDLE)
    with pytest.raises(TypeError):
        w.ReleaseSemaphore("sem", 1)


# --- cross-process ----------------------------------------------------------

WAITER_CHILD = """
    import sys, win32event as w
    s = w.OpenSemaphore(w.SYNCHRONIZE, 0, sys.argv[1])
    ready = w.OpenSemaphore(0x001F0003, 0, sys.argv[2])
    r = w.SignalObjectAndWait(ready, s, 30000, False)
    print(r)
    sys.exit(0 if r == 0 else 3)
"""


def test_children_blocked_on_semaphore_released_by_parent():
    n = 4
    name, ready_name = uname("xproc"), uname("xready")
    s = w.CreateSemaphore(None, 0, n, name)
    ready = w.CreateSemaphore(None, 0, n, ready_name)
    procs = [popen_py(WAITER_CHILD, name, ready_name) for _ in range(n)]
    try:
        for _ in range(n):
            assert w.WaitForSingleObject(ready, 30000) == w.WAIT_OBJECT_0
        assert w.ReleaseSemaphore(s, n - 1) == 0
        assert w.ReleaseSemaphore(s, 1) in (0, 1, 2, 3)
    finally:
        results = [finish(p) for p in procs]
    for rc, out, err in results:
        assert rc == 0, (out, err)
    # All n counts were consumed by the children.
    assert w.WaitForSingleObject(s, 0) == w.WAIT_TIMEOUT
    s.Close()
    ready.Close()


def test_child_release_reports_previous_count(run_py):
    name = uname("prev")
    s = w.CreateSemaphore(None, 2, 7, name)
    with s:
        code = textwrap.dedent("""
            import sys, pywintypes, win32event as w
            s = w.OpenSemaphore(0x001F0003, 0, sys.argv[1])
            print(w.ReleaseSemaphore(s, 3))
            try:
                w.ReleaseSemaphore(s, 3)
            except pywintypes.error as e:
                print(e.winerror)
        """)
        r = run_py(code, name, timeout=CHILD_TIMEOUT)
        assert r.returncode == 0, r.stderr
        assert r.stdout.split() == ["2", str(ERROR_TOO_MANY_POSTS)]
        assert drain(s) == 5


def _mp_sem_worker(name, rounds):
    import win32event as ww

    s = ww.OpenSemaphore(SEMAPHORE_ALL_ACCESS, 0, name)
    for _ in range(rounds):
        if ww.WaitForSingleObject(s, 30000) != ww.WAIT_OBJECT_0:
            sys.exit(3)
        ww.ReleaseSemaphore(s, 1)
    sys.exit(0)


def _mp_sem_release(name, count):
    import win32event as ww

    s = ww.OpenSemaphore(SEMAPHORE_MODIFY_STATE, 0, name)
    ww.ReleaseSemaphore(s, count)
    sys.exit(0)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_multiprocessing_semaphore(method):
    name = uname("mp")
    s = w.CreateSemaphore(None, 0, 3, name)
    ctx = multiprocessing.get_context(method)
    p = ctx.Process(target=_mp_sem_release, args=(name, 3))
    p.start()
    assert join_mp(p) == 0
    assert drain(s) == 3
    # Workers passing two counts around.
    w.ReleaseSemaphore(s, 2)
    workers = [ctx.Process(target=_mp_sem_worker, args=(name, 200)) for _ in range(3)]
    for q in workers:
        q.start()
    codes = [join_mp(q) for q in workers]
    assert codes == [0, 0, 0]
    assert drain(s) == 2
    s.Close()


def _mp_sem_hold_and_exit(name):
    import win32event as ww

    s = ww.OpenSemaphore(SEMAPHORE_ALL_ACCESS, 0, name)
    sys.exit(0 if ww.WaitForSingleObject(s, 30000) == ww.WAIT_OBJECT_0 else 3)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_count_taken_by_exiting_process_is_not_returned(method):
    # Unlike a mutex, a semaphore has no owner: a process that exits holding
    # a count does not give it back.
    name = uname("noreturn")
    s = w.CreateSemaphore(None, 1, 1, name)
    ctx = multiprocessing.get_context(method)
    p = ctx.Process(target=_mp_sem_hold_and_exit, args=(name,))
    p.start()
    assert join_mp(p) == 0
    assert w.WaitForSingleObject(s, 100) == w.WAIT_TIMEOUT
    assert w.ReleaseSemaphore(s, 1) == 0
    s.Close()
