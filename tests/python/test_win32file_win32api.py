"""win32api's file functions share win32file's core: the same paths, share
modes and error codes under win32api's names."""
import os

import pytest

import pywintypes
import win32api
import win32event
import win32file
import winerror


def test_win32api_file_functions(tmp_path):
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    with open(a, "wb") as fp:
        fp.write(b"api")
    win32api.CopyFile(a, b)
    with pytest.raises(pywintypes.error) as e:
        win32api.CopyFile(a, b, 1)
    assert e.value.winerror == winerror.ERROR_FILE_EXISTS
    assert win32api.GetFileAttributes(b) == win32file.FILE_ATTRIBUTE_NORMAL
    win32api.SetFileAttributes(b, win32file.FILE_ATTRIBUTE_READONLY)
    assert win32api.GetFileAttributes(b) & win32file.FILE_ATTRIBUTE_READONLY
    win32api.SetFileAttributes(b, win32file.FILE_ATTRIBUTE_NORMAL)
    win32api.MoveFileEx(b, a, win32file.MOVEFILE_REPLACE_EXISTING)
    win32api.MoveFile(a, b)
    assert [t[8] for t in win32api.FindFiles(str(tmp_path / "*"))if t[8] not in (".", "..")] == ["b"]
    h = win32file.CreateFile(b, win32file.GENERIC_READ, 0, None, win32file.OPEN_EXISTING, 0, None)
    with pytest.raises(pywintypes.error) as e:
        win32api.DeleteFile(b)
    assert e.value.winerror == winerror.ERROR_SHARING_VIOLATION
    h.Close()
    win32api.DeleteFile(b)
    assert not os.path.exists(b)
    assert win32api.GetShortPathName(str(tmp_path)) == str(tmp_path)
    assert win32api.GetLongPathName(str(tmp_path)) == str(tmp_path)
    with pytest.raises(pywintypes.error) as e:
        win32api.GetLongPathName(str(tmp_path / "gone"))
    assert e.value.winerror == winerror.ERROR_FILE_NOT_FOUND


def test_win32api_drives_and_volumes(tmp_path, monkeypatch):
    drives = win32api.GetLogicalDriveStrings().split("\0")
    assert "C:\\" in drives and "Z:\\" in drives and drives[-1] == ""
    assert win32api.GetLogicalDrives() == win32file.GetLogicalDrives()
    monkeypatch.chdir(tmp_path)
    assert win32api.GetDiskFreeSpaceEx() == win32api.GetDiskFreeSpaceEx(str(tmp_path))
    assert len(win32api.GetDiskFreeSpace(None)) == 4
    assert win32api.GetVolumeInformation(str(tmp_path))[4]
    assert win32api.GetFullPathName("x\\y") == "Z:" + str(tmp_path / "x" / "y").replace("/", "\\")


def test_win32api_change_notifications(tmp_path):
    h = win32api.FindFirstChangeNotification(str(tmp_path), 0, win32file.FILE_NOTIFY_CHANGE_FILE_NAME)
    (tmp_path / "n").write_bytes(b"")
    assert win32event.WaitForSingleObject(h, 10000) == win32event.WAIT_OBJECT_0
    win32api.FindNextChangeNotification(h)
    assert win32event.WaitForSingleObject(h, 0) == win32event.WAIT_TIMEOUT
    win32api.FindCloseChangeNotification(h)
