"""win32file's Windows paths (the drive table) and its path functions:
attributes, copy, move, delete, directories, links, searches, drives."""
import os

import pytest

import pywintypes
import win32file as f
import winerror

RW = f.GENERIC_READ | f.GENERIC_WRITE


def winerr(e):
    return e.value.winerror


def write(path, data=b"data"):
    with open(path, "wb") as fp:
        fp.write(data)


# --- the drive table ----------------------------------------------------------------


def test_z_is_root_and_c_is_a_private_directory(session_root, tmp_path):
    write(tmp_path / "z.txt", b"via Z")
    win = "Z:" + str(tmp_path / "z.txt").replace("/", "\\")
    h = f.CreateFile(win, f.GENERIC_READ, 0, None, f.OPEN_EXISTING, 0, None)
    assert f.ReadFile(h, 10) == (0, b"via Z")
    h.Close()
    h = f.CreateFile("C:\\hello.txt", RW, 0, None, f.CREATE_ALWAYS, 0, None)
    f.WriteFile(h, b"on C")
    h.Close()
    drive_c = os.path.join(session_root, "state", "drive_c")
    with open(os.path.join(drive_c, "hello.txt"), "rb") as fp:
        assert fp.read() == b"on C"
    assert os.stat(drive_c).st_mode & 0o777 == 0o700
    # Every spelling of the same file.
    for spelling in ("c:/hello.txt", "\\\\?\\C:\\hello.txt", "\\\\localhost\\C$\\hello.txt",
                     "C:\\x\\..\\..\\hello.txt"):
        assert f.GetFileAttributes(spelling) == f.FILE_ATTRIBUTE_NORMAL, spelling


def test_logical_drives_and_drive_types(session_root):
    mask = f.GetLogicalDrives()
    assert mask & (1 << 2) and mask & (1 << 25)  # C: and Z:
    assert f.GetDriveType("Z:\\") in (f.DRIVE_FIXED, f.DRIVE_RAMDISK, f.DRIVE_REMOTE)
    assert f.GetDriveType("Q:\\") == f.DRIVE_NO_ROOT_DIR
    # A user-added drive is a symlink in the table.
    os.symlink("/tmp", os.path.join(session_root, "state", "dosdevices", "t:"))
    try:
        assert f.GetLogicalDrives() & (1 << 19)
        assert f.GetFullPathName("T:\\") == "T:\\"
    finally:
        os.unlink(os.path.join(session_root, "state", "dosdevices", "t:"))


def test_bad_windows_paths():
    with pytest.raises(pywintypes.error) as e:
        f.GetFileAttributes("Q:\\nothing")
    assert winerr(e) == winerror.ERROR_PATH_NOT_FOUND
    with pytest.raises(pywintypes.error) as e:
        f.GetFileAttributes("\\\\server\\share\\x")
    assert winerr(e) == winerror.ERROR_BAD_NETPATH
    with pytest.raises(pywintypes.error) as e:
        f.GetFileAttributes("C:\\a<b")
    assert winerr(e) == winerror.ERROR_INVALID_NAME
    with pytest.raises(pywintypes.error) as e:
        f.CreateFile("", f.GENERIC_READ, 0, None, f.OPEN_EXISTING, 0, None)
    assert winerr(e) == winerror.ERROR_PATH_NOT_FOUND


def test_full_path_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert f.GetFullPathName("a/../b") == str(tmp_path / "b")
    win = f.GetFullPathName("sub\\file.txt")
    assert win == "Z:" + str(tmp_path / "sub" / "file.txt").replace("/", "\\")
    assert f.GetFullPathName("C:\\a\\.\\b\\..\\c") == "C:\\a\\c"


# --- attributes ----------------------------------------------------------------------


def test_attributes(tmp_path):
    p = str(tmp_path / "a.txt")
    write(p, b"12345")
    assert f.GetFileAttributes(p) == f.FILE_ATTRIBUTE_NORMAL
    assert f.GetFileAttributes(str(tmp_path)) & f.FILE_ATTRIBUTE_DIRECTORY
    f.SetFileAttributes(p, f.FILE_ATTRIBUTE_READONLY)
    assert f.GetFileAttributes(p) & f.FILE_ATTRIBUTE_READONLY
    assert not os.stat(p).st_mode & 0o222
    f.SetFileAttributes(p, f.FILE_ATTRIBUTE_NORMAL)
    assert os.stat(p).st_mode & 0o200
    attrs, ctime, atime, wtime, size = f.GetFileAttributesEx(p)
    assert size == 5 and abs(wtime.timestamp() - os.stat(p).st_mtime) < 0.01
    write(tmp_path / ".hidden")
    assert f.GetFileAttributes(str(tmp_path / ".hidden")) & f.FILE_ATTRIBUTE_HIDDEN
    with pytest.raises(pywintypes.error) as e:
        f.GetFileAttributes(str(tmp_path / "missing"))
    assert winerr(e) == winerror.ERROR_FILE_NOT_FOUND
    with pytest.raises(pywintypes.error) as e:
        f.GetFileAttributes(str(tmp_path / "no" / "missing"))
    assert winerr(e) == winerror.ERROR_PATH_NOT_FOUND


def test_stored_attributes_where_xattrs_exist(tmp_path):
    p = str(tmp_path / "s.txt")
    write(p)
    try:
        os.setxattr(p, "user.probe", b"1")
    except OSError:
        pytest.skip("no user xattrs on this file system")
    f.SetFileAttributes(p, f.FILE_ATTRIBUTE_HIDDEN | f.FILE_ATTRIBUTE_ARCHIVE)
    a = f.GetFileAttributes(p)
    assert a & f.FILE_ATTRIBUTE_HIDDEN and a & f.FILE_ATTRIBUTE_ARCHIVE


# --- delete, move, copy ------------------------------------------------------------


def test_delete_file_errors(tmp_path):
    p = str(tmp_path / "d.txt")
    write(p)
    f.DeleteFile(p)
    with pytest.raises(pywintypes.error) as e:
        f.DeleteFile(p)
    assert winerr(e) == winerror.ERROR_FILE_NOT_FOUND
    with pytest.raises(pywintypes.error) as e:
        f.DeleteFile(str(tmp_path))
    assert winerr(e) == winerror.ERROR_ACCESS_DENIED
    write(p)
    f.SetFileAttributes(p, f.FILE_ATTRIBUTE_READONLY)
    with pytest.raises(pywintypes.error) as e:
        f.DeleteFile(p)
    assert winerr(e) == winerror.ERROR_ACCESS_DENIED


def test_move_file(tmp_path):
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    write(a, b"A")
    write(b, b"B")
    with pytest.raises(pywintypes.error) as e:
        f.MoveFile(a, b)
    assert winerr(e) == winerror.ERROR_ALREADY_EXISTS
    f.MoveFileEx(a, b, f.MOVEFILE_REPLACE_EXISTING | f.MOVEFILE_WRITE_THROUGH)
    assert open(b, "rb").read() == b"A" and not os.path.exists(a)
    with pytest.raises(pywintypes.error) as e:
        f.MoveFileEx(b, a, f.MOVEFILE_DELAY_UNTIL_REBOOT)
    assert winerr(e) == winerror.ERROR_NOT_SUPPORTED
    with pytest.raises(pywintypes.error) as e:
        f.MoveFile(str(tmp_path / "missing"), a)
    assert winerr(e) == winerror.ERROR_FILE_NOT_FOUND
    # A handle that does not share delete pins the name.
    h = f.CreateFile(b, f.GENERIC_READ, f.FILE_SHARE_READ, None, f.OPEN_EXISTING, 0, None)
    with pytest.raises(pywintypes.error) as e:
        f.MoveFile(b, a)
    assert winerr(e) == winerror.ERROR_SHARING_VIOLATION
    h.Close()


def test_move_across_file_systems_needs_copy_allowed(tmp_path):
    shm = "/dev/shm"
    if not os.path.isdir(shm) or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("needs a second file system")
    a = str(tmp_path / "x")
    write(a, b"cross")
    target = os.path.join(shm, f"w32t-move-{os.getpid()}")
    try:
        with pytest.raises(pywintypes.error) as e:
            f.MoveFileEx(a, target, 0)
        assert winerr(e) == winerror.ERROR_NOT_SAME_DEVICE
        f.MoveFileEx(a, target, f.MOVEFILE_COPY_ALLOWED)
        assert open(target, "rb").read() == b"cross" and not os.path.exists(a)
    finally:
        if os.path.exists(target):
            os.unlink(target)


def test_copy_file_and_progress(tmp_path):
    src, dst = str(tmp_path / "src"), str(tmp_path / "dst")
    data = os.urandom(3 * 1024 * 1024 + 17)
    write(src, data)
    os.chmod(src, 0o640)
    f.CopyFile(src, dst, False)
    assert open(dst, "rb").read() == data
    assert os.stat(dst).st_mode & 0o777 == 0o640
    assert os.stat(dst).st_mtime == os.stat(src).st_mtime
    with pytest.raises(pywintypes.error) as e:
        f.CopyFile(src, dst, True)
    assert winerr(e) == winerror.ERROR_FILE_EXISTS
    calls = []

    def progress(total, done, stream_size, stream_done, stream, reason, hsrc, hdst, data_arg):
        calls.append((total, done, data_arg))
        return f.PROGRESS_CONTINUE

    os.unlink(dst)
    f.CopyFileEx(src, dst, progress, "tag")
    assert calls[0][1] == 0 and calls[-1][1] == len(data) and calls[-1][2] == "tag"
    assert all(c[0] == len(data) for c in calls)

    def cancel(*args):
        return f.PROGRESS_CANCEL if args[1] > 0 else f.PROGRESS_CONTINUE

    os.unlink(dst)
    with pytest.raises(pywintypes.error) as e:
        f.CopyFileEx(src, dst, cancel, None)
    assert winerr(e) == winerror.ERROR_REQUEST_ABORTED
    assert not os.path.exists(dst)

    def boom(*args):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        f.CopyFileEx(src, dst, boom, None)
    with pytest.raises(pywintypes.error) as e:
        f.CopyFile(str(tmp_path / "missing"), dst, False)
    assert winerr(e) == winerror.ERROR_FILE_NOT_FOUND


# --- directories, links, searches ---------------------------------------------------


def test_directories(tmp_path):
    d = str(tmp_path / "d")
    f.CreateDirectory(d, None)
    with pytest.raises(pywintypes.error) as e:
        f.CreateDirectory(d, None)
    assert winerr(e) == winerror.ERROR_ALREADY_EXISTS
    with pytest.raises(pywintypes.error) as e:
        f.CreateDirectory(str(tmp_path / "no" / "d"), None)
    assert winerr(e) == winerror.ERROR_PATH_NOT_FOUND
    write(os.path.join(d, "f"))
    with pytest.raises(pywintypes.error) as e:
        f.RemoveDirectory(d)
    assert winerr(e) == winerror.ERROR_DIR_NOT_EMPTY
    with pytest.raises(pywintypes.error) as e:
        f.RemoveDirectory(os.path.join(d, "f"))
    assert winerr(e) == winerror.ERROR_DIRECTORY
    os.unlink(os.path.join(d, "f"))
    f.RemoveDirectory(d)
    assert not os.path.exists(d)


def test_links(tmp_path):
    a = str(tmp_path / "a")
    write(a, b"linked")
    f.CreateHardLink(str(tmp_path / "h"), a)
    assert os.stat(str(tmp_path / "h")).st_ino == os.stat(a).st_ino
    with pytest.raises(pywintypes.error) as e:
        f.CreateHardLink(str(tmp_path / "h"), a)
    assert winerr(e) == winerror.ERROR_ALREADY_EXISTS
    f.CreateSymbolicLink(str(tmp_path / "s"), a)
    assert os.readlink(str(tmp_path / "s")) == a
    assert f.GetFileAttributes(str(tmp_path / "s")) == f.FILE_ATTRIBUTE_NORMAL  # follows the link


def test_find_files(tmp_path):
    for name in ("one.txt", "two.TXT", "three.log"):
        write(tmp_path / name, b"x" * len(name))
    os.mkdir(tmp_path / "sub")
    names = sorted(t[8] for t in f.FindFilesW(str(tmp_path / "*.txt")))
    assert names == ["one.txt", "two.TXT"]  # matched without regard to case
    every = {t[8]: t for t in f.FindFilesW(str(tmp_path / "*"))}
    assert {".", "..", "one.txt", "sub"} <= set(every)
    assert every["sub"][0] & f.FILE_ATTRIBUTE_DIRECTORY
    assert every["three.log"][5] == len("three.log")
    assert list(t[8] for t in f.FindFilesIterator(str(tmp_path / "one.*"))) == ["one.txt"]
    assert f.FindFilesW(str(tmp_path / "*.none")) == []
    with pytest.raises(pywintypes.error) as e:
        f.FindFilesW(str(tmp_path / "missing" / "*"))
    assert winerr(e) == winerror.ERROR_PATH_NOT_FOUND


def test_disk_and_volume(tmp_path):
    spc, bps, free, total = f.GetDiskFreeSpace(str(tmp_path))
    assert bps == 512 and spc >= 1 and total >= free
    caller, tot, fr = f.GetDiskFreeSpaceEx(str(tmp_path))
    st = os.statvfs(str(tmp_path))
    assert tot == st.f_blocks * st.f_frsize
    label, serial, maxlen, flags, fsname = f.GetVolumeInformation(str(tmp_path))
    assert maxlen == st.f_namemax and serial == os.stat(tmp_path).st_dev & 0xFFFFFFFF and fsname
    with pytest.raises(pywintypes.error) as e:
        f.GetDiskFreeSpaceEx(str(tmp_path / "missing"))
    assert winerr(e) == winerror.ERROR_FILE_NOT_FOUND


def test_long_path_name(tmp_path):
    write(tmp_path / "long_name.txt")
    assert f.GetLongPathName(str(tmp_path / "long_name.txt")) == str(tmp_path / "long_name.txt")
    with pytest.raises(pywintypes.error) as e:
        f.GetLongPathName(str(tmp_path / "nope"))
    assert winerr(e) == winerror.ERROR_FILE_NOT_FOUND


def test_device_names():
    for name in ("NUL", "nul", "\\\\.\\NUL", "C:\\some\\dir\\NUL"):
        h = f.CreateFile(name, RW, 7, None, f.OPEN_EXISTING, 0, None)
        assert f.GetFileType(h) == f.FILE_TYPE_CHAR
        assert f.WriteFile(h, b"gone") == (0, 4)
        assert f.ReadFile(h, 10) == (0, b"")
        h.Close()
    # CREATE_ALWAYS on NUL opens the device: nothing is created or truncated,
    # and two exclusive opens do not conflict.
    a = f.CreateFile("NUL", RW, 0, None, f.CREATE_ALWAYS, 0, None)
    b = f.CreateFile("nul", RW, 0, None, f.OPEN_ALWAYS, 0, None)
    assert not os.path.exists("NUL") and not os.path.exists("nul")
    a.Close()
    b.Close()


def test_find_files_with_windows_patterns(session_root):
    drive_c = os.path.join(session_root, "state", "drive_c")
    os.makedirs(os.path.join(drive_c, "found"), exist_ok=True)
    for name in ("a.txt", "b.TXT", "c.log"):
        write(os.path.join(drive_c, "found", name))
    names = sorted(t[8] for t in f.FindFilesW("C:\\found\\*.txt"))
    assert names == ["a.txt", "b.TXT"]
    at_root = [t[8] for t in f.FindFilesW("C:\\*")]
    assert "found" in at_root and "." not in at_root and ".." not in at_root
    assert [t[8] for t in f.FindFilesW("c:/found/c.*")] == ["c.log"]
    assert f.FindFilesW("C:\\found\\*.none") == []
    with pytest.raises(pywintypes.error) as e:
        f.FindFilesW("C:\\missing\\*")
    assert winerr(e) == winerror.ERROR_PATH_NOT_FOUND
