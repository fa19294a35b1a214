"""LockFile(Ex)/UnlockFile(Ex) with Windows semantics: per handle (two
handles of one process conflict), between processes, shared/exclusive,
exact unlocks, enforcement on ReadFile/WriteFile, and overlapped waits."""
import os
import subprocess
import sys
import textwrap

import pytest

import pywintypes
import win32event
import win32file as f
import winerror

RW = f.GENERIC_READ | f.GENERIC_WRITE
EXCL = f.LOCKFILE_EXCLUSIVE_LOCK
NOW = f.LOCKFILE_FAIL_IMMEDIATELY


def winerr(e):
    return e.value.winerror


@pytest.fixture
def path(tmp_path):
    p = str(tmp_path / "locked.bin")
    with open(p, "wb") as fp:
        fp.write(b"0123456789" * 10)
    return p


def open_file(path, access=RW, flags=0):
    return f.CreateFile(path, access, 7, None, f.OPEN_EXISTING, flags, None)


def at(offset):
    ov = pywintypes.OVERLAPPED()
    ov.Offset = offset
    return ov


def test_two_handles_of_one_process_conflict(path):
    a, b = open_file(path), open_file(path)
    f.LockFile(a, 10, 0, 10, 0)
    with pytest.raises(pywintypes.error) as e:
        f.LockFile(b, 15, 0, 1, 0)
    assert winerr(e) == winerror.ERROR_LOCK_VIOLATION
    f.LockFile(b, 20, 0, 5, 0)  # adjacent: fine
    # The lock is enforced on the other handle's I/O.
    f.SetFilePointer(b, 12, f.FILE_BEGIN)
    with pytest.raises(pywintypes.error) as e:
        f.ReadFile(b, 2)
    assert winerr(e) == winerror.ERROR_LOCK_VIOLATION
    with pytest.raises(pywintypes.error) as e:
        f.WriteFile(b, b"xx")
    assert winerr(e) == winerror.ERROR_LOCK_VIOLATION
    # ...but not on the holder's.
    f.SetFilePointer(a, 12, f.FILE_BEGIN)
    assert f.ReadFile(a, 2) == (0, b"23")
    f.UnlockFile(a, 10, 0, 10, 0)
    f.SetFilePointer(b, 12, f.FILE_BEGIN)
    assert f.ReadFile(b, 2) == (0, b"23")
    a.Close()
    b.Close()


def test_shared_locks(path):
    a, b = open_file(path), open_file(path)
    f.LockFileEx(a, NOW, 10, 0, at(0))
    f.LockFileEx(b, NOW, 10, 0, at(5))  # shared locks overlap
    with pytest.raises(pywintypes.error) as e:
        f.LockFileEx(b, EXCL | NOW, 1, 0, at(0))
    assert winerr(e) == winerror.ERROR_LOCK_VIOLATION
    # A shared lock denies writing to everyone, its holder too; reading is fine.
    with pytest.raises(pywintypes.error) as e:
        f.WriteFile(a, b"x")
    assert winerr(e) == winerror.ERROR_LOCK_VIOLATION
    assert f.ReadFile(a, 3) == (0, b"012")
    f.UnlockFileEx(a, 10, 0, at(0))
    f.UnlockFileEx(b, 10, 0, at(5))
    f.LockFileEx(b, EXCL | NOW, 1, 0, at(0))
    a.Close()
    b.Close()


def test_unlock_must_match_exactly(path):
    h = open_file(path)
    f.LockFile(h, 0, 0, 10, 0)
    for off, n in ((0, 5), (1, 9), (0, 11)):
        with pytest.raises(pywintypes.error) as e:
            f.UnlockFile(h, off, 0, n, 0)
        assert winerr(e) == winerror.ERROR_NOT_LOCKED
    f.UnlockFile(h, 0, 0, 10, 0)
    with pytest.raises(pywintypes.error) as e:
        f.UnlockFile(h, 0, 0, 10, 0)
    assert winerr(e) == winerror.ERROR_NOT_LOCKED
    h.Close()


def test_exclusive_lock_cannot_overlap_own_lock(path):
    h = open_file(path)
    f.LockFile(h, 0, 0, 10, 0)
    with pytest.raises(pywintypes.error) as e:
        f.LockFileEx(h, EXCL | NOW, 1, 0, at(5))
    assert winerr(e) == winerror.ERROR_LOCK_VIOLATION
    h.Close()


def test_whole_file_and_beyond_end(path):
    a, b = open_file(path), open_file(path)
    f.LockFileEx(a, EXCL | NOW, 0xFFFFFFFF, 0xFFFFFFFF, at(0))
    with pytest.raises(pywintypes.error) as e:
        f.LockFileEx(b, NOW, 1, 0, at(1 << 30))
    assert winerr(e) == winerror.ERROR_LOCK_VIOLATION
    f.UnlockFileEx(a, 0xFFFFFFFF, 0xFFFFFFFF, at(0))
    f.LockFileEx(b, NOW, 1, 0, at(1 << 30))
    a.Close()
    b.Close()


def test_close_releases_the_handles_locks(path):
    a, b = open_file(path), open_file(path)
    f.LockFile(a, 0, 0, 100, 0)
    a.Close()
    f.LockFile(b, 0, 0, 100, 0)
    b.Close()


def test_blocking_lock_waits_for_the_holder(path):
    import threading

    a, b = open_file(path), open_file(path)
    f.LockFileEx(a, EXCL, 10, 0, at(0))
    got = threading.Event()

    def waiter():
        f.LockFileEx(b, EXCL, 10, 0, at(0))
        got.set()

    t = threading.Thread(target=waiter)
    t.start()
    assert not got.wait(0.1)
    f.UnlockFileEx(a, 10, 0, at(0))
    assert got.wait(10)
    t.join()
    a.Close()
    b.Close()


def test_overlapped_lock_completes_through_the_event(path):
    a = open_file(path)
    b = open_file(path, flags=f.FILE_FLAG_OVERLAPPED)
    f.LockFile(a, 0, 0, 10, 0)
    ov = at(0)
    ov.hEvent = win32event.CreateEvent(None, True, False, None)
    with pytest.raises(pywintypes.error) as e:
        f.LockFileEx(b, EXCL, 10, 0, ov)
    assert winerr(e) == winerror.ERROR_IO_PENDING
    assert win32event.WaitForSingleObject(ov.hEvent, 50) == win32event.WAIT_TIMEOUT
    f.UnlockFile(a, 0, 0, 10, 0)
    assert win32event.WaitForSingleObject(ov.hEvent, 10000) == win32event.WAIT_OBJECT_0
    assert f.GetOverlappedResult(b, ov, True) == 0
    with pytest.raises(pywintypes.error) as e:
        f.LockFile(a, 0, 0, 1, 0)
    assert winerr(e) == winerror.ERROR_LOCK_VIOLATION
    a.Close()
    b.Close()


def test_bad_lock_arguments(path):
    h = open_file(path)
    with pytest.raises(pywintypes.error) as e:
        f.LockFileEx(h, 0x80, 1, 0, None)
    assert winerr(e) == winerror.ERROR_INVALID_PARAMETER
    with pytest.raises(ValueError):
        f.LockFile(h, 1 << 40, 0, 1, 0)
    d = f.CreateFile(os.path.dirname(path), f.GENERIC_READ, 7, None, f.OPEN_EXISTING,
                     f.FILE_FLAG_BACKUP_SEMANTICS, None)
    with pytest.raises(pywintypes.error):
        f.LockFile(d, 0, 0, 1, 0)
    d.Close()
    h.Close()


def test_locks_between_processes(path):
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import sys, win32file as f
            h = f.CreateFile(sys.argv[1], f.GENERIC_READ, 7, None, f.OPEN_EXISTING, 0, None)
            f.LockFile(h, 0, 0, 50, 0)
            print("locked", flush=True)
            sys.stdin.readline()
            f.UnlockFile(h, 0, 0, 50, 0)
            print("unlocked", flush=True)
            sys.stdin.readline()
        """), path],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=os.environ["PYWIN32_POSIX_ROOT"])
    try:
        assert child.stdout.readline().strip() == "locked"
        h = open_file(path)
        with pytest.raises(pywintypes.error) as e:
            f.LockFile(h, 40, 0, 20, 0)
        assert winerr(e) == winerror.ERROR_LOCK_VIOLATION
        with pytest.raises(pywintypes.error) as e:
            f.ReadFile(h, 10)
        assert winerr(e) == winerror.ERROR_LOCK_VIOLATION
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "unlocked"
        f.LockFile(h, 40, 0, 20, 0)
        h.Close()
        # A killed holder's locks go with it.
        child.kill()
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
