"""Change notifications on inotify: FindFirstChangeNotification's waitable
handles (with win32event waits, from another process's changes too) and
ReadDirectoryChangesW, synchronous and overlapped."""
import os
import subprocess
import sys

import pytest

import pywintypes
import win32event
import win32file as f
import winerror

ALL = (f.FILE_NOTIFY_CHANGE_FILE_NAME | f.FILE_NOTIFY_CHANGE_DIR_NAME | f.FILE_NOTIFY_CHANGE_ATTRIBUTES
       | f.FILE_NOTIFY_CHANGE_SIZE | f.FILE_NOTIFY_CHANGE_LAST_WRITE)
LONG = 10000


def winerr(e):
    return e.value.winerror


def open_dir(path, flags=0):
    return f.CreateFile(str(path), 0x0001, 7, None, f.OPEN_EXISTING, f.FILE_FLAG_BACKUP_SEMANTICS | flags, None)


def test_change_notification_handle(tmp_path):
    h = f.FindFirstChangeNotification(str(tmp_path), False, f.FILE_NOTIFY_CHANGE_FILE_NAME)
    assert win32event.WaitForSingleObject(h, 0) == win32event.WAIT_TIMEOUT
    (tmp_path / "new.txt").write_bytes(b"x")
    assert win32event.WaitForSingleObject(h, LONG) == win32event.WAIT_OBJECT_0
    assert win32event.WaitForSingleObject(h, 0) == win32event.WAIT_OBJECT_0  # stays signalled
    f.FindNextChangeNotification(h)
    assert win32event.WaitForSingleObject(h, 0) == win32event.WAIT_TIMEOUT
    # A change the filter does not ask for: nothing.
    (tmp_path / "new.txt").write_bytes(b"more")
    assert win32event.WaitForSingleObject(h, 100) == win32event.WAIT_TIMEOUT
    os.unlink(tmp_path / "new.txt")
    assert win32event.WaitForMultipleObjects([h], False, LONG) == win32event.WAIT_OBJECT_0
    f.FindCloseChangeNotification(h)
    with pytest.raises(pywintypes.error) as e:
        f.FindNextChangeNotification(h)
    assert winerr(e) == winerror.ERROR_INVALID_HANDLE


def test_change_made_by_another_process_and_subtree(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    h = f.FindFirstChangeNotification(str(tmp_path), True, f.FILE_NOTIFY_CHANGE_FILE_NAME)
    subprocess.run([sys.executable, "-c", "import sys; open(sys.argv[1], 'w').close()",
                    str(tmp_path / "a" / "b" / "deep.txt")], check=True)
    assert win32event.WaitForSingleObject(h, LONG) == win32event.WAIT_OBJECT_0
    h.Close()


def test_notification_bad_input(tmp_path):
    with pytest.raises(pywintypes.error) as e:
        f.FindFirstChangeNotification(str(tmp_path / "missing"), False, 1)
    assert winerr(e) == winerror.ERROR_FILE_NOT_FOUND
    with pytest.raises(pywintypes.error) as e:
        f.FindFirstChangeNotification(str(tmp_path), False, 0)
    assert winerr(e) == winerror.ERROR_INVALID_PARAMETER
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(pywintypes.error) as e:
        f.FindFirstChangeNotification(str(tmp_path / "file"), False, 1)
    assert winerr(e) == winerror.ERROR_DIRECTORY
    event = win32event.CreateEvent(None, True, False, None)
    with pytest.raises(pywintypes.error) as e:
        f.FindCloseChangeNotification(event)
    assert winerr(e) == winerror.ERROR_INVALID_HANDLE


def test_read_directory_changes_synchronous(tmp_path):
    d = open_dir(tmp_path)
    (tmp_path / "first").write_bytes(b"")  # before the first call: not watched yet
    # The first call starts the watch; a helper process makes the changes.
    code = ("import os, sys, time; d = sys.argv[1]; time.sleep(0.2);"
            "open(os.path.join(d, 'one.txt'), 'w').close();"
            "os.rename(os.path.join(d, 'one.txt'), os.path.join(d, 'two.txt'));"
            "os.mkdir(os.path.join(d, 'sub')); os.unlink(os.path.join(d, 'two.txt'))")
    child = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)])
    got = []
    while len(got) < 5:
        got += f.ReadDirectoryChangesW(d, 4096, False, ALL, None)
    child.wait(30)
    assert got[:5] == [
        (f.FILE_ACTION_ADDED, "one.txt"),
        (f.FILE_ACTION_RENAMED_OLD_NAME, "one.txt"),
        (f.FILE_ACTION_RENAMED_NEW_NAME, "two.txt"),
        (f.FILE_ACTION_ADDED, "sub"),
        (f.FILE_ACTION_REMOVED, "two.txt"),
    ]
    d.Close()


def test_read_directory_changes_overlapped_and_subtree(tmp_path):
    (tmp_path / "sub").mkdir()
    d = open_dir(tmp_path, f.FILE_FLAG_OVERLAPPED)
    ov = pywintypes.OVERLAPPED()
    ov.hEvent = win32event.CreateEvent(None, True, False, None)
    buf = f.AllocateReadBuffer(8192)
    assert f.ReadDirectoryChangesW(d, buf, True, ALL, ov) is None
    assert win32event.WaitForSingleObject(ov.hEvent, 50) == win32event.WAIT_TIMEOUT
    (tmp_path / "sub" / "naïve.txt").write_bytes(b"x")
    assert win32event.WaitForSingleObject(ov.hEvent, LONG) == win32event.WAIT_OBJECT_0
    n = f.GetOverlappedResult(d, ov, True)
    records = f.FILE_NOTIFY_INFORMATION(buf, n)
    assert records[0] == (f.FILE_ACTION_ADDED, "sub/naïve.txt")
    # Changes between calls are kept for the next call, as on Windows.
    (tmp_path / "later").mkdir()
    ov2 = pywintypes.OVERLAPPED()
    f.ReadDirectoryChangesW(d, buf, True, ALL, ov2)
    n = f.GetOverlappedResult(d, ov2, True)
    assert (f.FILE_ACTION_ADDED, "later") in f.FILE_NOTIFY_INFORMATION(buf, n)
    # A pending read is cancelled by closing the handle.
    ov3 = pywintypes.OVERLAPPED()
    f.ReadDirectoryChangesW(d, buf, True, ALL, ov3)
    f.CancelIo(d)
    with pytest.raises(pywintypes.error) as e:
        f.GetOverlappedResult(d, ov3, True)
    assert winerr(e) == winerror.ERROR_OPERATION_ABORTED
    d.Close()


def test_read_directory_changes_bad_input(tmp_path):
    (tmp_path / "file").write_bytes(b"")
    h = f.CreateFile(str(tmp_path / "file"), f.GENERIC_READ, 7, None, f.OPEN_EXISTING, 0, None)
    with pytest.raises(pywintypes.error) as e:
        f.ReadDirectoryChangesW(h, 1024, False, ALL, None)
    assert winerr(e) == winerror.ERROR_INVALID_PARAMETER
    h.Close()
    d = open_dir(tmp_path)
    with pytest.raises(TypeError):
        f.ReadDirectoryChangesW(d, 1024, False, ALL, pywintypes.OVERLAPPED())
    with pytest.raises(pywintypes.error) as e:
        f.FILE_NOTIFY_INFORMATION(b"\0\0\0\0\1\0\0\0\xff\0\0\0", 12)
    assert winerr(e) == winerror.ERROR_INVALID_PARAMETER
    d.Close()
