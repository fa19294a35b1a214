"""win32file: GetFinalPathNameByHandle, ReOpenFile, Get/SetFileInformation-
ByHandle(Ex), GetCompressedFileSize, ReplaceFile, and the drive table's
DefineDosDevice / QueryDosDevice / GetVolumePathName."""
import datetime
import os

import pytest

import pywintypes
import win32file as f
import winerror

RW = f.GENERIC_READ | f.GENERIC_WRITE
DELETE = 0x00010000


def winerr(e):
    return e.value.winerror


@pytest.fixture
def path(tmp_path):
    p = tmp_path / "h.txt"
    p.write_bytes(b"0123456789")
    return str(p)


def open_file(p, access=RW, share=7, flags=0):
    return f.CreateFile(p, access, share, None, f.OPEN_EXISTING, flags, None)


def test_final_path_follows_renames(path, tmp_path):
    h = open_file(path)
    win = "\\\\?\\Z:" + path.replace("/", "\\")
    assert f.GetFinalPathNameByHandle(h, f.VOLUME_NAME_DOS) == win
    os.rename(path, str(tmp_path / "moved.txt"))
    assert f.GetFinalPathNameByHandle(h, f.VOLUME_NAME_NONE) == str(tmp_path / "moved.txt").replace("/", "\\")
    with pytest.raises(pywintypes.error) as e:
        f.GetFinalPathNameByHandle(h, f.VOLUME_NAME_NT)
    assert winerr(e) == winerror.ERROR_NOT_SUPPORTED
    h.Close()


def test_reopen_file_checks_sharing(path):
    h = open_file(path, f.GENERIC_READ, f.FILE_SHARE_READ)
    r = f.ReOpenFile(h, f.GENERIC_READ, f.FILE_SHARE_READ, 0)
    assert f.ReadFile(r, 4) == (0, b"0123")
    with pytest.raises(pywintypes.error) as e:
        f.ReOpenFile(h, f.GENERIC_WRITE, 7, 0)
    assert winerr(e) == winerror.ERROR_SHARING_VIOLATION
    r.Close()
    h.Close()


def test_information_by_handle(path):
    h = open_file(path, RW | DELETE)
    basic = f.GetFileInformationByHandleEx(h, f.FileBasicInfo)
    assert basic["FileAttributes"] == f.FILE_ATTRIBUTE_NORMAL
    assert abs(basic["LastWriteTime"].timestamp() - os.stat(path).st_mtime) < 0.01
    std = f.GetFileInformationByHandleEx(h, f.FileStandardInfo)
    assert std["EndOfFile"] == 10 and std["NumberOfLinks"] == 1 and not std["Directory"]
    assert not std["DeletePending"]
    assert f.GetFileInformationByHandleEx(h, f.FileNameInfo) == path.replace("/", "\\")
    when = datetime.datetime(2021, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc)
    f.SetFileInformationByHandle(h, f.FileBasicInfo, {"LastWriteTime": when})
    assert os.stat(path).st_mtime == when.timestamp()
    f.SetFileInformationByHandle(h, f.FileEndOfFileInfo, 4)
    assert os.path.getsize(path) == 4
    f.SetFileInformationByHandle(h, f.FileAllocationInfo, 1 << 20)
    assert os.path.getsize(path) == 4
    f.SetFileInformationByHandle(h, f.FileDispositionInfo, True)
    assert f.GetFileInformationByHandleEx(h, f.FileStandardInfo)["DeletePending"]
    h.Close()
    assert not os.path.exists(path)
    with pytest.raises(pywintypes.error) as e:
        f.GetFileInformationByHandleEx(h, f.FileBasicInfo)
    assert winerr(e) == winerror.ERROR_INVALID_HANDLE


def test_rename_through_the_handle(path, tmp_path):
    h = open_file(path, RW | DELETE)
    (tmp_path / "taken").write_bytes(b"")
    with pytest.raises(pywintypes.error) as e:
        f.SetFileInformationByHandle(h, f.FileRenameInfo, {"FileName": str(tmp_path / "taken")})
    assert winerr(e) == winerror.ERROR_ALREADY_EXISTS
    f.SetFileInformationByHandle(h, f.FileRenameInfo, {"FileName": str(tmp_path / "taken"), "ReplaceIfExists": True})
    assert open(tmp_path / "taken", "rb").read() == b"0123456789"
    h.Close()
    g = open_file(str(tmp_path / "taken"), RW)
    with pytest.raises(pywintypes.error) as e:
        f.SetFileInformationByHandle(g, f.FileRenameInfo, {"FileName": str(tmp_path / "x")})
    assert winerr(e) == winerror.ERROR_ACCESS_DENIED  # no DELETE access
    with pytest.raises(pywintypes.error) as e:
        f.SetFileInformationByHandle(g, f.FileStreamInfo, 0)
    assert winerr(e) == winerror.ERROR_NOT_SUPPORTED
    with pytest.raises(TypeError):
        f.SetFileInformationByHandle(g, f.FileBasicInfo, 5)
    g.Close()


def test_compressed_size_and_replace_file(tmp_path):
    sparse = tmp_path / "sparse"
    with open(sparse, "wb") as fp:
        fp.seek(10 * 1024 * 1024)
        fp.write(b"x")
    assert f.GetCompressedFileSize(str(sparse)) < 1024 * 1024
    with pytest.raises(pywintypes.error) as e:
        f.GetCompressedFileSize(str(tmp_path / "none"))
    assert winerr(e) == winerror.ERROR_FILE_NOT_FOUND
    old, new, bak = tmp_path / "old", tmp_path / "new", tmp_path / "bak"
    old.write_bytes(b"old")
    new.write_bytes(b"new")
    os.chmod(old, 0o640)
    f.ReplaceFile(str(old), str(new), str(bak))
    assert old.read_bytes() == b"new" and bak.read_bytes() == b"old" and not new.exists()
    assert os.stat(old).st_mode & 0o777 == 0o640
    with pytest.raises(pywintypes.error) as e:
        f.ReplaceFile(str(old), str(tmp_path / "missing"))
    assert winerr(e) == winerror.ERROR_FILE_NOT_FOUND


def test_define_and_query_dos_device(tmp_path):
    f.DefineDosDevice(0, "Q:", str(tmp_path))
    try:
        assert f.QueryDosDevice("Q:") == str(tmp_path) + "\0\0"
        assert "Q:" in f.QueryDosDevice(None).split("\0")
        (tmp_path / "onq.txt").write_bytes(b"q")
        assert f.GetFileAttributes("Q:\\onq.txt") == f.FILE_ATTRIBUTE_NORMAL
        assert f.GetLogicalDrives() & (1 << 16)
    finally:
        f.DefineDosDevice(f.DDD_REMOVE_DEFINITION, "Q:", None)
    with pytest.raises(pywintypes.error) as e:
        f.QueryDosDevice("Q:")
    assert winerr(e) == winerror.ERROR_FILE_NOT_FOUND
    with pytest.raises(pywintypes.error) as e:
        f.DefineDosDevice(0, "LPT1", "/dev/null")
    assert winerr(e) == winerror.ERROR_NOT_SUPPORTED


def test_volume_path_name(tmp_path):
    mount = f.GetVolumePathName(str(tmp_path / "x"))
    assert mount.endswith("/") and str(tmp_path).startswith(mount.rstrip("/") or "/")
    # C:'s directory is no mount point of its own: the volume is reported as the drive's root.
    assert f.GetVolumePathName("C:\\some\\file") == "C:\\"


def test_file_api_code_page():
    assert f.AreFileApisANSI()
    f.SetFileApisToANSI()
    f.SetFileApisToOEM()
