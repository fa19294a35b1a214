"""win32event events: CreateEvent/OpenEvent/SetEvent/ResetEvent/PulseEvent.

Covers auto- vs manual-reset semantics, the object namespace (names shared
across processes, ERROR_ALREADY_EXISTS, Local\\ / Global\\ prefixes, names
that look like paths), PulseEvent's "release exactly the current waiters"
rule and access rights.

Every wait has a timeout and every child process a subprocess/join timeout,
so a bug shows as a failure, never as a hang. No test asserts on elapsed time.
"""
import multiprocessing
import os
import sys
import textwrap
import threading
import uuid

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
    ERROR_INVALID_NAME,
    ERROR_PATH_NOT_FOUND,
    LONG_MS,
    MUTEX_ALL_ACCESS,
    SEMAPHORE_ALL_ACCESS,
    assert_winerror,
    finish,
    is_set,
    join_mp,
    namer,
    popen_py,
)

uname = namer("ev")


# --- basic state ------------------------------------------------------------


@pytest.mark.parametrize("manual", [0, 1])
def test_initial_state(manual):
    off = w.CreateEvent(None, manual, 0, None)
    on = w.CreateEvent(None, manual, 1, None)
    try:
        assert isinstance(off, pywintypes.HANDLEType)
        assert int(off) != 0 and int(off) % 4 == 0
        assert w.WaitForSingleObject(off, 0) == w.WAIT_TIMEOUT
        assert w.WaitForSingleObject(on, 0) == w.WAIT_OBJECT_0
    finally:
        off.Close()
        on.Close()


def test_auto_reset_event_is_consumed_by_one_wait():
    e = w.CreateEvent(None, 0, 0, None)
    with e:
        w.SetEvent(e)
        assert w.WaitForSingleObject(e, 0) == w.WAIT_OBJECT_0
        assert w.WaitForSingleObject(e, 0) == w.WAIT_TIMEOUT
        # Setting twice does not count: still only one wait satisfied.
        w.SetEvent(e)
        w.SetEvent(e)
        assert w.WaitForSingleObject(e, 0) == w.WAIT_OBJECT_0
        assert w.WaitForSingleObject(e, 0) == w.WAIT_TIMEOUT


def test_manual_reset_event_stays_signalled_until_reset():
    e = w.CreateEvent(None, 1, 0, None)
    with e:
        w.SetEvent(e)
        for _ in range(5):
            assert w.WaitForSingleObject(e, 0) == w.WAIT_OBJECT_0
        w.ResetEvent(e)
        assert w.WaitForSingleObject(e, 0) == w.WAIT_TIMEOUT
        w.ResetEvent(e)  # resetting a reset event is fine
        assert w.WaitForSingleObject(e, 0) == w.WAIT_TIMEOUT


def test_reset_auto_event_before_wait():
    e = w.CreateEvent(None, 0, 1, None)
    with e:
        w.ResetEvent(e)
        assert w.WaitForSingleObject(e, 0) == w.WAIT_TIMEOUT


def test_set_event_wakes_blocked_thread():
    e = w.CreateEvent(None, 0, 0, None)
    ready = w.CreateEvent(None, 0, 0, None)
    result = []

    def waiter():
        # Signals `ready` only once it is queued on `e`.
        result.append(w.SignalObjectAndWait(ready, e, LONG_MS, False))

    t = threading.Thread(target=waiter)
    t.start()
    try:
        assert w.WaitForSingleObject(ready, LONG_MS) == w.WAIT_OBJECT_0
        w.SetEvent(e)
    finally:
        t.join(LONG_MS / 1000 + 5)
    assert not t.is_alive()
    assert result == [w.WAIT_OBJECT_0]
    # The waiter consumed the auto-reset event.
    assert w.WaitForSingleObject(e, 0) == w.WAIT_TIMEOUT
    e.Close()
    ready.Close()


def test_manual_event_releases_all_blocked_threads():
    n = 4
    e = w.CreateEvent(None, 1, 0, None)
    ready = w.CreateSemaphore(None, 0, n, None)
    results = []
    lock = threading.Lock()

    def waiter():
        r = w.SignalObjectAndWait(ready, e, LONG_MS, False)
        with lock:
            results.append(r)

    threads = [threading.Thread(target=waiter) for _ in range(n)]
    for t in threads:
        t.start()
    for _ in range(n):
        assert w.WaitForSingleObject(ready, LONG_MS) == w.WAIT_OBJECT_0
    w.SetEvent(e)
    for t in threads:
        t.join(LONG_MS / 1000 + 5)
    assert results == [w.WAIT_OBJECT_0] * n
    assert is_set(e)
    e.Close()
    ready.Close()


def test_event_handle_context_manager_closes():
    with w.CreateEvent(None, 0, 0, None) as e:
        value = int(e)
    with pytest.raises(pywintypes.error) as exc:
        w.SetEvent(value)
    assert_winerror(exc, ERROR_INVALID_HANDLE)


def test_closed_handle_is_invalid():
    e = w.CreateEvent(None, 0, 0, None)
    value = int(e)
    e.Close()
    for fn in (w.SetEvent, w.ResetEvent, w.PulseEvent):
        with pytest.raises(pywintypes.error) as exc:
            fn(value)
        assert_winerror(exc, ERROR_INVALID_HANDLE)


def test_event_functions_reject_other_object_types():
    m = w.CreateMutex(None, 0, None)
    s = w.CreateSemaphore(None, 0, 1, None)
    try:
        for h in (m, s):
            for fn in (w.SetEvent, w.ResetEvent, w.PulseEvent):
                with pytest.raises(pywintypes.error) as exc:
                    fn(h)
                assert_winerror(exc, ERROR_INVALID_HANDLE)
    finally:
        m.Close()
        s.Close()


def test_event_functions_reject_non_handles():
    for bad in ("abc", 1.5, [1]):
        with pytest.raises(TypeError):
            w.SetEvent(bad)


# --- names ------------------------------------------------------------------


def test_create_named_event_sets_last_error():
    name = uname("exists")
    first = w.CreateEvent(None, 1, 0, name)
    assert win32api.GetLastError() == 0
    second = w.CreateEvent(None, 0, 1, name)
    assert win32api.GetLastError() == ERROR_ALREADY_EXISTS
    try:
        assert int(first) != int(second)
        # The existing object's state and type win: the second call's
        # bInitialState/bManualReset are ignored.
        assert not is_set(second)
        w.SetEvent(first)
        assert is_set(second)
        assert is_set(second)  # still manual-reset
        w.ResetEvent(second)
        assert not is_set(first)
        # A new unnamed event resets the last error to 0.
        with w.CreateEvent(None, 0, 0, None):
            assert win32api.GetLastError() == 0
    finally:
        first.Close()
        second.Close()


def test_open_event_shares_the_object():
    name = uname("open")
    e = w.CreateEvent(None, 0, 0, name)
    o = w.OpenEvent(w.EVENT_ALL_ACCESS, 0, name)
    try:
        w.SetEvent(o)
        assert w.WaitForSingleObject(e, 0) == w.WAIT_OBJECT_0
        assert w.WaitForSingleObject(o, 0) == w.WAIT_TIMEOUT
    finally:
        e.Close()
        o.Close()


def test_open_missing_event_is_file_not_found():
    with pytest.raises(pywintypes.error) as exc:
        w.OpenEvent(w.EVENT_ALL_ACCESS, 0, uname("missing"))
    assert_winerror(exc, ERROR_FILE_NOT_FOUND, "OpenEvent")


def test_named_event_dies_with_its_last_handle():
    name = uname("lifetime")
    e = w.CreateEvent(None, 1, 1, name)
    o = w.OpenEvent(w.SYNCHRONIZE, 0, name)
    e.Close()
    # Still alive through `o`.
    with w.OpenEvent(w.SYNCHRONIZE, 0, name) as again:
        assert is_set(again)
    o.Close()
    with pytest.raises(pywintypes.error) as exc:
        w.OpenEvent(w.SYNCHRONIZE, 0, name)
    assert_winerror(exc, ERROR_FILE_NOT_FOUND)
    # A new event under that name starts fresh.
    with w.CreateEvent(None, 1, 0, name) as fresh:
        assert win32api.GetLastError() == 0
        assert not is_set(fresh)


def test_name_used_by_another_type_is_invalid_handle():
    name = uname("typeclash")
    m = w.CreateMutex(None, 0, name)
    try:
        with pytest.raises(pywintypes.error) as exc:
            w.OpenEvent(w.EVENT_ALL_ACCESS, 0, name)
        assert_winerror(exc, ERROR_INVALID_HANDLE, "OpenEvent")
        with pytest.raises(pywintypes.error) as exc:
            w.CreateEvent(None, 0, 0, name)
        assert_winerror(exc, ERROR_INVALID_HANDLE, "CreateEvent")
        # And the other way round.
        ename = uname("typeclash2")
        with w.CreateEvent(None, 0, 0, ename):
            for call in (
                lambda: w.CreateMutex(None, 0, ename),
                lambda: w.CreateSemaphore(None, 0, 1, ename),
                lambda: w.CreateWaitableTimer(None, 0, ename),
                lambda: w.OpenMutex(MUTEX_ALL_ACCESS, 0, ename),
                lambda: w.OpenSemaphore(SEMAPHORE_ALL_ACCESS, 0, ename),
                lambda: w.OpenWaitableTimer(w.TIMER_ALL_ACCESS, 0, ename),
            ):
                with pytest.raises(pywintypes.error) as exc:
                    call()
                assert_winerror(exc, ERROR_INVALID_HANDLE)
    finally:
        m.Close()


def test_local_prefix_and_bare_name_are_the_same_object():
    base = uname("local")
    bare = w.CreateEvent(None, 1, 0, base)
    try:
        local = w.CreateEvent(None, 1, 0, "Local\\" + base)
        assert win32api.GetLastError() == ERROR_ALREADY_EXISTS
        with local:
            w.SetEvent(local)
            assert is_set(bare)
        with w.OpenEvent(w.EVENT_ALL_ACCESS, 0, "Local\\" + base) as o:
            w.ResetEvent(o)
            assert not is_set(bare)
    finally:
        bare.Close()
    # The other order: created as Local\, opened bare.
    base2 = uname("local2")
    with w.CreateEvent(None, 1, 1, "Local\\" + base2):
        with w.OpenEvent(w.SYNCHRONIZE, 0, base2) as o:
            assert is_set(o)


def test_global_prefix_is_a_different_namespace():
    base = uname("global")
    local = w.CreateEvent(None, 1, 0, base)
    try:
        glob = w.CreateEvent(None, 1, 1, "Global\\" + base)
        assert win32api.GetLastError() == 0  # a new object
        with glob:
            assert is_set(glob)
            assert not is_set(local)
            again = w.CreateEvent(None, 1, 0, "Global\\" + base)
            assert win32api.GetLastError() == ERROR_ALREADY_EXISTS
            with again:
                assert is_set(again)
            with w.OpenEvent(w.SYNCHRONIZE, 0, "Global\\" + base) as o:
                assert is_set(o)
        with pytest.raises(pywintypes.error) as exc:
            w.OpenEvent(w.SYNCHRONIZE, 0, "Global\\" + uname("noglobal"))
        assert_winerror(exc, ERROR_FILE_NOT_FOUND)
    finally:
        local.Close()
    # A Global\ object is not reachable through Local\ or the bare name.
    base2 = uname("global2")
    with w.CreateEvent(None, 1, 1, "Global\\" + base2):
        for n in (base2, "Local\\" + base2):
            with pytest.raises(pywintypes.error) as exc:
                w.OpenEvent(w.SYNCHRONIZE, 0, n)
            assert_winerror(exc, ERROR_FILE_NOT_FOUND)


def test_names_are_case_sensitive():
    base = uname("Case")
    with w.CreateEvent(None, 1, 1, base):
        with w.CreateEvent(None, 1, 0, base.lower()) as lower:
            assert win32api.GetLastError() == 0
            assert not is_set(lower)


@pytest.mark.parametrize(
    "name",
    ["a\\b", "Local\\a\\b", "Global\\a\\b", "x\\", "\\x", "Foo\\Local\\x"],
)
def test_backslash_inside_name_is_path_not_found(name):
    name = name.replace("x", uname("bs")) if "x" in name else name + uname("bs")
    with pytest.raises(pywintypes.error) as exc:
        w.CreateEvent(None, 0, 0, name)
    assert_winerror(exc, ERROR_PATH_NOT_FOUND, "CreateEvent")
    with pytest.raises(pywintypes.error) as exc:
        w.OpenEvent(w.EVENT_ALL_ACCESS, 0, name)
    assert_winerror(exc, ERROR_PATH_NOT_FOUND, "OpenEvent")


def _files_mentioning(token, roots):
    found = []
    for root in roots:
        if not os.path.isdir(root):
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            for n in dirnames + filenames:
                if token in n:
                    found.append(os.path.join(dirpath, n))
            if dirpath != root and root in ("/tmp", "/dev/shm"):
                # Only the top level of shared system directories.
                dirnames[:] = []
            elif root in ("/tmp", "/dev/shm"):
                dirnames[:] = []
    return found


def test_slash_and_dotdot_names_are_plain_names(session_root, tmp_path):
    token = uuid.uuid4().hex
    names = [
        f"a/b/{token}",
        f"../{token}",
        f"../../../../tmp/{token}",
        f"/tmp/{token}",
        f"/dev/shm/{token}",
        f"./{token}",
        f"{token}/..",
        f"{token}/../..",
        f"..{token}..",
        f"Local\\../{token}-l",
        f"Global\\/{token}",
    ]
    cwd = os.getcwd()
    handles = []
    try:
        for n in names:
            h = w.CreateEvent(None, 1, 0, n)
            assert win32api.GetLastError() == 0, n
            handles.append(h)
        # Distinct objects: no normalisation of "." / ".." / "/".
        for n, h in zip(names, handles):
            with w.OpenEvent(w.EVENT_ALL_ACCESS, 0, n) as o:
                w.SetEvent(o)
            for n2, h2 in zip(names, handles):
                assert is_set(h2) == (h2 is h), (n, n2)
            w.ResetEvent(h)
        # "a/../X" is not the same object as "X".
        with w.CreateEvent(None, 1, 0, f"q/../{token}x") as a, w.CreateEvent(None, 1, 0, f"{token}x") as b:
            assert win32api.GetLastError() == 0
            w.SetEvent(a)
            assert not is_set(b)
        # Visible from another process under the same plain names.
        code = """
            import sys, win32event as w
            for n in sys.argv[1:]:
                h = w.OpenEvent(w.EVENT_ALL_ACCESS, 0, n)
                w.SetEvent(h)
                h.Close()
            print("ok")
        """
        rc, out, err = finish(popen_py(code, *names))
        assert rc == 0, err
        for n, h in zip(names, handles):
            assert is_set(h), n
        # No file anywhere carries the token.
        roots = [session_root, cwd, str(tmp_path), "/tmp", "/dev/shm",
                 os.path.dirname(session_root)]
        assert _files_mentioning(token, roots) == []
        for p in (f"/tmp/{token}", f"/dev/shm/{token}", os.path.join(cwd, "a"),
                  os.path.join(session_root, "a"), os.path.join(session_root, "run", "a")):
            assert not os.path.exists(p), p
    finally:
        for h in handles:
            h.Close()


def test_nul_in_name_is_an_error():
    base = uname("nul")
    with pytest.raises((pywintypes.error, ValueError)) as exc:
        w.CreateEvent(None, 0, 0, base + "\0suffix")
    if isinstance(exc.value, pywintypes.error):
        assert exc.value.winerror == ERROR_INVALID_NAME
    with pytest.raises((pywintypes.error, ValueError)):
        w.OpenEvent(w.EVENT_ALL_ACCESS, 0, base + "\0suffix")
    # Nothing was created under the part before the NUL.
    with pytest.raises(pywintypes.error) as exc2:
        w.OpenEvent(w.EVENT_ALL_ACCESS, 0, base)
    assert_winerror(exc2, ERROR_FILE_NOT_FOUND)


def test_empty_name_is_unnamed():
    a = w.CreateEvent(None, 1, 0, "")
    b = w.CreateEvent(None, 1, 0, "")
    try:
        assert win32api.GetLastError() == 0
        w.SetEvent(a)
        assert not is_set(b)
    finally:
        a.Close()
        b.Close()


def test_unicode_name_shared_with_another_process():
    name = "évènement-Ω-事件-" + uuid.uuid4().hex[:8]
    with w.CreateEvent(None, 1, 0, name) as e:
        code = """
            import sys, win32event as w
            h = w.OpenEvent(w.EVENT_MODIFY_STATE, 0, sys.argv[1])
            w.SetEvent(h)
        """
        rc, out, err = finish(popen_py(code, name))
        assert rc == 0, err
        assert is_set(e)


def test_very_long_name_is_rejected():
    with pytest.raises(pywintypes.error):
        w.CreateEvent(None, 0, 0, "n" * 5000)


# --- access rights ----------------------------------------------------------


def test_open_with_synchronize_only_cannot_modify():
    name = uname("access")
    e = w.CreateEvent(None, 1, 0, name)
    sync = w.OpenEvent(w.SYNCHRONIZE, 0, name)
    try:
        for fn in (w.SetEvent, w.ResetEvent, w.PulseEvent):
            with pytest.raises(pywintypes.error) as exc:
                fn(sync)
            assert_winerror(exc, ERROR_ACCESS_DENIED)
        assert not is_set(e)
        # Waiting needs only SYNCHRONIZE.
        w.SetEvent(e)
        assert w.WaitForSingleObject(sync, 0) == w.WAIT_OBJECT_0
    finally:
        e.Close()
        sync.Close()


def test_open_with_modify_state_only_cannot_wait():
    name = uname("access2")
    e = w.CreateEvent(None, 1, 0, name)
    mod = w.OpenEvent(w.EVENT_MODIFY_STATE, 0, name)
    try:
        w.SetEvent(mod)
        w.ResetEvent(mod)
        w.PulseEvent(mod)
        w.SetEvent(mod)
        assert is_set(e)
        with pytest.raises(pywintypes.error) as exc:
            w.WaitForSingleObject(mod, 0)
        assert_winerror(exc, ERROR_ACCESS_DENIED)
        with pytest.raises(pywintypes.error) as exc:
            w.WaitForMultipleObjects([e, mod], False, 0)
        assert_winerror(exc, ERROR_ACCESS_DENIED)
    finally:
        e.Close()
        mod.Close()


def test_open_with_generic_rights():
    GENERIC_ALL = 0x10000000
    name = uname("generic")
    with w.CreateEvent(None, 1, 0, name):
        with w.OpenEvent(GENERIC_ALL, 0, name) as g:
            w.SetEvent(g)
            assert is_set(g)


# --- PulseEvent -------------------------------------------------------------


def test_pulse_without_waiters_leaves_event_reset():
    for manual in (0, 1):
        e = w.CreateEvent(None, manual, 1, None)
        with e:
            w.PulseEvent(e)
            assert w.WaitForSingleObject(e, 0) == w.WAIT_TIMEOUT
            w.PulseEvent(e)
            assert w.WaitForSingleObject(e, 0) == w.WAIT_TIMEOUT


@pytest.mark.parametrize("manual", [0, 1], ids=["auto", "manual"])
def test_pulse_releases_exactly_the_current_waiters_threads(manual):
    n = 4
    e = w.CreateEvent(None, manual, 0, None)
    ready = w.CreateSemaphore(None, 0, n, None)
    done = w.CreateSemaphore(None, 0, n, None)
    results = []
    lock = threading.Lock()

    def waiter():
        # SignalObjectAndWait: `ready` is signalled only once this thread
        # is queued on `e`, so all n are waiting when the pulse happens.
        r = w.SignalObjectAndWait(ready, e, LONG_MS, False)
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
        w.PulseEvent(e)
        released = 1 if not manual else n
        for _ in range(released):
            assert w.WaitForSingleObject(done, LONG_MS) == w.WAIT_OBJECT_0
        # Nobody else was released by the pulse ...
        assert w.WaitForSingleObject(done, 500) == w.WAIT_TIMEOUT
        # ... and the event was left reset.
        assert w.WaitForSingleObject(e, 0) == w.WAIT_TIMEOUT
        # The rest are still waiting: release them one SetEvent at a time.
        for _ in range(n - released):
            w.SetEvent(e)
            assert w.WaitForSingleObject(done, LONG_MS) == w.WAIT_OBJECT_0
    finally:
        for _ in range(n):
            w.SetEvent(e)
        for t in threads:
            t.join(LONG_MS / 1000 + 5)
    assert results == [w.WAIT_OBJECT_0] * n
    for h in (e, ready, done):
        h.Close()


PULSE_CHILD = """
    import sys, win32event as w
    ev_name, ready_name, done_name = sys.argv[1:4]
    e = w.OpenEvent(w.SYNCHRONIZE, 0, ev_name)
    ready = w.OpenSemaphore(0x001F0003, 0, ready_name)
    done = w.OpenSemaphore(0x001F0003, 0, done_name)
    r = w.SignalObjectAndWait(ready, e, 30000, False)
    print(r, flush=True)
    if r == 0:
        w.ReleaseSemaphore(done, 1)
    sys.exit(0 if r == 0 else 3)
"""


@pytest.mark.parametrize("manual", [0, 1], ids=["auto", "manual"])
def test_pulse_releases_exactly_the_current_waiters_processes(manual):
    n = 3
    en, rn, dn = uname("pulse-e"), uname("pulse-r"), uname("pulse-d")
    e = w.CreateEvent(None, manual, 0, en)
    ready = w.CreateSemaphore(None, 0, n, rn)
    done = w.CreateSemaphore(None, 0, n, dn)
    procs = [popen_py(PULSE_CHILD, en, rn, dn) for _ in range(n)]
    try:
        for _ in range(n):
            assert w.WaitForSingleObject(ready, 30000) == w.WAIT_OBJECT_0
        w.PulseEvent(e)
        released = 1 if not manual else n
        for _ in range(released):
            assert w.WaitForSingleObject(done, LONG_MS) == w.WAIT_OBJECT_0
        assert w.WaitForSingleObject(done, 500) == w.WAIT_TIMEOUT
        assert w.WaitForSingleObject(e, 0) == w.WAIT_TIMEOUT
        for _ in range(n - released):
            w.SetEvent(e)
            assert w.WaitForSingleObject(done, LONG_MS) == w.WAIT_OBJECT_0
    finally:
        for _ in range(n):
            w.SetEvent(e)
        results = [finish(p) for p in procs]
    for rc, out, err in results:
        assert rc == 0, (out, err)
        assert out.strip() == "0"
    for h in (e, ready, done):
        h.Close()


def test_pulse_does_not_release_a_waiter_that_starts_afterwards():
    e = w.CreateEvent(None, 1, 0, None)
    with e:
        w.PulseEvent(e)
        assert w.WaitForSingleObject(e, 100) == w.WAIT_TIMEOUT


# --- cross-process ----------------------------------------------------------


def test_child_process_sets_named_event(run_py):
    name = uname("xproc")
    with w.CreateEvent(None, 0, 0, name) as e:
        code = textwrap.dedent("""
            import sys, win32api, win32event as w
            h = w.CreateEvent(None, 0, 0, sys.argv[1])
            assert win32api.GetLastError() == 183, win32api.GetLastError()
            w.SetEvent(h)
        """)
        r = run_py(code, name, timeout=CHILD_TIMEOUT)
        assert r.returncode == 0, r.stderr
        assert w.WaitForSingleObject(e, LONG_MS) == w.WAIT_OBJECT_0
        assert w.WaitForSingleObject(e, 0) == w.WAIT_TIMEOUT


def test_child_process_waits_for_event_set_by_parent():
    go, started = uname("go"), uname("started")
    e = w.CreateEvent(None, 1, 0, go)
    s = w.CreateEvent(None, 1, 0, started)
    code = """
        import sys, win32event as w
        e = w.OpenEvent(w.SYNCHRONIZE, 0, sys.argv[1])
        s = w.OpenEvent(w.EVENT_MODIFY_STATE, 0, sys.argv[2])
        print(w.SignalObjectAndWait(s, e, 30000, False))
    """
    p = popen_py(code, go, started)
    try:
        assert w.WaitForSingleObject(s, 30000) == w.WAIT_OBJECT_0
        w.SetEvent(e)
    finally:
        rc, out, err = finish(p)
    assert rc == 0, err
    assert out.strip() == "0"
    e.Close()
    s.Close()


def test_named_event_created_in_child_lives_while_child_holds_it():
    name, quit_name = uname("childowned"), uname("quit")
    q = w.CreateEvent(None, 1, 0, quit_name)
    code = """
        import sys, win32event as w
        h = w.CreateEvent(None, 1, 1, sys.argv[1])
        q = w.OpenEvent(w.SYNCHRONIZE, 0, sys.argv[2])
        print("ready", flush=True)
        sys.exit(0 if w.WaitForSingleObject(q, 30000) == 0 else 3)
    """
    p = popen_py(code, name, quit_name)
    try:
        assert p.stdout.readline().strip() == "ready"
        with w.OpenEvent(w.SYNCHRONIZE, 0, name) as h:
            assert is_set(h)
        w.SetEvent(q)
    finally:
        rc, out, err = finish(p)
    assert rc == 0, err
    with pytest.raises(pywintypes.error) as exc:
        w.OpenEvent(w.SYNCHRONIZE, 0, name)
    assert_winerror(exc, ERROR_FILE_NOT_FOUND)
    q.Close()


def test_named_event_of_killed_process_is_collected():
    name = uname("killed")
    code = """
        import sys, time, win32event as w
        h = w.CreateEvent(None, 1, 1, sys.argv[1])
        print("ready", flush=True)
        time.sleep(60)
    """
    p = popen_py(code, name)
    try:
        assert p.stdout.readline().strip() == "ready"
        with w.OpenEvent(w.SYNCHRONIZE, 0, name) as h:
            assert is_set(h)
    finally:
        p.kill()
        finish(p)
    with pytest.raises(pywintypes.error) as exc:
        w.OpenEvent(w.SYNCHRONIZE, 0, name)
    assert_winerror(exc, ERROR_FILE_NOT_FOUND)


def _mp_event_child(go_name, done_name):
    import win32event as ww

    go = ww.OpenEvent(ww.SYNCHRONIZE, 0, go_name)
    done = ww.OpenEvent(ww.EVENT_MODIFY_STATE, 0, done_name)
    if ww.WaitForSingleObject(go, 30000) != ww.WAIT_OBJECT_0:
        sys.exit(3)
    ww.SetEvent(done)
    # The auto-reset `go` was consumed by this wait.
    sys.exit(0 if ww.WaitForSingleObject(go, 0) == ww.WAIT_TIMEOUT else 4)


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_multiprocessing_event_ping(method):
    go_name, done_name = uname("mp-go"), uname("mp-done")
    go = w.CreateEvent(None, 0, 0, go_name)
    done = w.CreateEvent(None, 0, 0, done_name)
    ctx = multiprocessing.get_context(method)
    p = ctx.Process(target=_mp_event_child, args=(go_name, done_name))
    p.start()
    try:
        w.SetEvent(go)
        assert w.WaitForSingleObject(done, 30000) == w.WAIT_OBJECT_0
    finally:
        code = join_mp(p)
    assert code == 0
    go.Close()
    done.Close()


def _mp_inherited_handle_child(handle_value):
    import win32event as ww

    # The forked child's handle table is a copy of the parent's.
    ww.SetEvent(handle_value)
    sys.exit(0)


def test_fork_child_can_use_parent_handle():
    e = w.CreateEvent(None, 1, 0, None)
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=_mp_inherited_handle_child, args=(int(e),))
    p.start()
    assert join_mp(p) == 0
    assert w.WaitForSingleObject(e, LONG_MS) == w.WAIT_OBJECT_0
    e.Close()


def _hold_until_told(ready_fd, quit_fd, unused):
    os.close(unused)
    os.write(ready_fd, b"r")
    os.read(quit_fd, 1)  # returns when the parent closes its end
    sys.exit(0)


def _fork_holder(ctx):
    """Forks a child that holds (copies of) all of this process's handles
    until released; returns (process, ready_read_fd, quit_write_fd)."""
    ready_r, ready_w = os.pipe()
    quit_r, quit_w = os.pipe()
    p = ctx.Process(target=_hold_until_told, args=(ready_w, quit_r, quit_w))
    p.start()
    os.close(ready_w)
    os.close(quit_r)
    return p, ready_r, quit_w


def test_object_held_by_fork_child_outlives_parent_handle():
    name = uname("forkheld")
    e = w.CreateEvent(None, 1, 1, name)
    ctx = multiprocessing.get_context("fork")
    p, ready_r, quit_w = _fork_holder(ctx)
    try:
        assert os.read(ready_r, 1) == b"r"
        e.Close()
        # The child still holds its inherited copy of the handle.
        with w.OpenEvent(w.SYNCHRONIZE, 0, name) as again:
            assert is_set(again)
    finally:
        os.close(quit_w)
        os.close(ready_r)
        join_mp(p)
    with pytest.raises(pywintypes.error) as exc:
        w.OpenEvent(w.SYNCHRONIZE, 0, name)
    assert_winerror(exc, ERROR_FILE_NOT_FOUND)


def test_parent_closing_right_after_fork_keeps_object_for_child():
    # As with an inherited handle on Windows, the child's copy exists from
    # the moment the child exists: the parent closing its handle at once,
    # before the child has run at all, must not destroy the object.
    ctx = multiprocessing.get_context("fork")
    lost = []
    for i in range(20):
        name = uname(f"forkrace{i}")
        e = w.CreateEvent(None, 1, 1, name)
        p, ready_r, quit_w = _fork_holder(ctx)
        e.Close()  # immediately: the child may not have run yet
        try:
            assert os.read(ready_r, 1) == b"r"
            try:
                with w.OpenEvent(w.SYNCHRONIZE, 0, name) as again:
                    assert is_set(again)
            except pywintypes.error as err:
                lost.append((i, err.winerror))
        finally:
            os.close(quit_w)
            os.close(ready_r)
            join_mp(p)
    assert lost == [], f"object destroyed while a forked child held a handle: {lost}"
