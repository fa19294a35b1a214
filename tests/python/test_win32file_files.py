"""win32file: CreateFile's dispositions, access and flags, share modes
between handles and between processes, and the synchronous file functions
with the error codes Windows gives."""
import os
import subprocess
import sys
import textwrap

import pytest

import pywintypes
import win32file as f
import winerror

RW = f.GENERIC_READ | f.GENERIC_WRITE
SHARE_ALL = f.FILE_SHARE_READ | f.FILE_SHARE_WRITE | f.FILE_SHARE_DELETE


def winerr(exc_info):
    return exc_info.value.winerror


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "data.bin")


def create(path, access=RW, share=SHARE_ALL, disposition=None, flags=0):
    if disposition is None:
        disposition = f.OPEN_ALWAYS
    return f.CreateFile(path, access, share, None, disposition, flags, None)


# --- dispositions -----------------------------------------------------------------


def test_create_new_fails_when_the_file_exists(path):
    create(path, disposition=f.CREATE_NEW).Close()
    with pytest.raises(pywintypes.error) as e:
        create(path, disposition=f.CREATE_NEW)
    assert winerr(e) == winerror.ERROR_FILE_EXISTS
    assert e.value.funcname == "CreateFile"


def test_open_existing_missing_file_and_missing_directory(tmp_path):
    with pytest.raises(pywintypes.error) as e:
        create(str(tmp_path / "nope"), disposition=f.OPEN_EXISTING)
    assert winerr(e) == winerror.ERROR_FILE_NOT_FOUND
    with pytest.raises(pywintypes.error) as e:
        create(str(tmp_path / "no-dir" / "x"), disposition=f.OPEN_EXISTING)
    assert winerr(e) == winerror.ERROR_PATH_NOT_FOUND
    with pytest.raises(pywintypes.error) as e:
        create(str(tmp_path / "no-dir" / "x"), disposition=f.CREATE_ALWAYS)
    assert winerr(e) == winerror.ERROR_PATH_NOT_FOUND


def test_create_always_truncates_and_reports_already_exists(path):
    import win32api

    h = create(path, disposition=f.CREATE_ALWAYS)
    assert win32api.GetLastError() == 0
    f.WriteFile(h, b"0123456789")
    h.Close()
    h = create(path, disposition=f.CREATE_ALWAYS)
    assert win32api.GetLastError() == winerror.ERROR_ALREADY_EXISTS
    assert f.GetFileSize(h) == 0
    h.Close()


def test_open_always_keeps_contents(path):
    with open(path, "wb") as fp:
        fp.write(b"keep")
    h = create(path, disposition=f.OPEN_ALWAYS)
    assert f.ReadFile(h, 10) == (0, b"keep")
    h.Close()


def test_truncate_existing(path):
    with open(path, "wb") as fp:
        fp.write(b"abc")
    h = create(path, disposition=f.TRUNCATE_EXISTING)
    assert f.GetFileSize(h) == 0
    h.Close()
    with pytest.raises(pywintypes.error) as e:
        create(path + ".missing", disposition=f.TRUNCATE_EXISTING)
    assert winerr(e) == winerror.ERROR_FILE_NOT_FOUND
    with pytest.raises(pywintypes.error) as e:
        create(path, access=f.GENERIC_READ, disposition=f.TRUNCATE_EXISTING)
    assert winerr(e) == winerror.ERROR_INVALID_PARAMETER


def test_bad_disposition(path):
    with pytest.raises(pywintypes.error) as e:
        create(path, disposition=9)
    assert winerr(e) == winerror.ERROR_INVALID_PARAMETER


# --- access -----------------------------------------------------------------------


def test_access_is_enforced_per_handle(path):
    h = create(path, access=f.GENERIC_READ)
    with pytest.raises(pywintypes.error) as e:
        f.WriteFile(h, b"x")
    assert winerr(e) == winerror.ERROR_ACCESS_DENIED
    h.Close()
    w = create(path, access=f.GENERIC_WRITE)
    with pytest.raises(pywintypes.error) as e:
        f.ReadFile(w, 1)
    assert winerr(e) == winerror.ERROR_ACCESS_DENIED
    w.Close()


def test_readonly_file_refuses_write_access(path):
    create(path, disposition=f.CREATE_NEW, flags=f.FILE_ATTRIBUTE_READONLY).Close()
    assert f.GetFileAttributes(path) & f.FILE_ATTRIBUTE_READONLY
    # Refused for root too, as FILE_ATTRIBUTE_READONLY binds administrators on Windows.
    with pytest.raises(pywintypes.error) as e:
        create(path, access=f.GENERIC_WRITE, disposition=f.OPEN_EXISTING)
    assert winerr(e) == winerror.ERROR_ACCESS_DENIED


def test_directories_need_backup_semantics(tmp_path):
    with pytest.raises(pywintypes.error) as e:
        create(str(tmp_path), access=f.GENERIC_READ, disposition=f.OPEN_EXISTING)
    assert winerr(e) == winerror.ERROR_ACCESS_DENIED
    h = create(str(tmp_path), access=f.GENERIC_READ, disposition=f.OPEN_EXISTING,
               flags=f.FILE_FLAG_BACKUP_SEMANTICS)
    info = f.GetFileInformationByHandle(h)
    assert info[0] & f.FILE_ATTRIBUTE_DIRECTORY
    h.Close()


def test_delete_on_close_removes_after_the_last_handle(path):
    h1 = create(path, flags=f.FILE_FLAG_DELETE_ON_CLOSE, disposition=f.CREATE_NEW)
    h2 = create(path, disposition=f.OPEN_EXISTING)
    h1.Close()
    assert os.path.exists(path)
    h2.Close()
    assert not os.path.exists(path)


def test_write_through_and_no_buffering_flags_open(path):
    h = create(path, flags=f.FILE_FLAG_WRITE_THROUGH | f.FILE_FLAG_SEQUENTIAL_SCAN)
    f.WriteFile(h, b"x" * 4096)
    f.FlushFileBuffers(h)
    h.Close()
    h = create(path, flags=f.FILE_FLAG_NO_BUFFERING | f.FILE_FLAG_RANDOM_ACCESS, disposition=f.OPEN_EXISTING)
    assert f.GetFileSize(h) == 4096
    h.Close()


# --- share modes ------------------------------------------------------------------


@pytest.mark.parametrize(
    "first_access,first_share,second_access,second_share,ok",
    [
        (f.GENERIC_READ, f.FILE_SHARE_READ, f.GENERIC_READ, f.FILE_SHARE_READ, True),
        (f.GENERIC_READ, f.FILE_SHARE_READ, f.GENERIC_WRITE, SHARE_ALL, False),
        (f.GENERIC_READ, 0, f.GENERIC_READ, SHARE_ALL, False),
        (f.GENERIC_WRITE, f.FILE_SHARE_READ, f.GENERIC_READ, f.FILE_SHARE_READ, False),  # 2nd denies the 1st's write
        (f.GENERIC_WRITE, f.FILE_SHARE_READ, f.GENERIC_READ, f.FILE_SHARE_READ | f.FILE_SHARE_WRITE, True),
        (f.GENERIC_READ, f.FILE_SHARE_READ | f.FILE_SHARE_WRITE, f.GENERIC_WRITE, f.FILE_SHARE_READ, True),
        (0, 0, f.GENERIC_READ, 0, True),  # no data access takes no part in sharing
    ],
)
def test_share_modes_between_handles(path, first_access, first_share, second_access, second_share, ok):
    create(path, disposition=f.CREATE_NEW).Close()
    h1 = create(path, access=first_access, share=first_share, disposition=f.OPEN_EXISTING)
    try:
        if ok:
            create(path, access=second_access, share=second_share, disposition=f.OPEN_EXISTING).Close()
        else:
            with pytest.raises(pywintypes.error) as e:
                create(path, access=second_access, share=second_share, disposition=f.OPEN_EXISTING)
            assert winerr(e) == winerror.ERROR_SHARING_VIOLATION
    finally:
        h1.Close()
    # Closing the first makes room.
    create(path, access=second_access, share=second_share, disposition=f.OPEN_EXISTING).Close()


def test_create_always_does_not_truncate_a_file_it_may_not_share(path):
    h = create(path, access=RW, share=0, disposition=f.CREATE_NEW)
    f.WriteFile(h, b"precious")
    with pytest.raises(pywintypes.error) as e:
        create(path, disposition=f.CREATE_ALWAYS)
    assert winerr(e) == winerror.ERROR_SHARING_VIOLATION
    assert f.GetFileSize(h) == 8
    h.Close()


def test_delete_needs_share_delete(path):
    h = create(path, share=f.FILE_SHARE_READ, disposition=f.CREATE_NEW)
    with pytest.raises(pywintypes.error) as e:
        f.DeleteFile(path)
    assert winerr(e) == winerror.ERROR_SHARING_VIOLATION
    h.Close()
    h = create(path, share=SHARE_ALL, disposition=f.OPEN_EXISTING)
    f.DeleteFile(path)
    h.Close()
    assert not os.path.exists(path)


def _child(code, *args):
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=os.environ["PYWIN32_POSIX_ROOT"],
    )


HOLDER = """
    import sys, win32file as f
    h = f.CreateFile(sys.argv[1], f.GENERIC_READ | f.GENERIC_WRITE, 0, None, f.OPEN_ALWAYS, 0, None)
    print("open", flush=True)
    sys.stdin.readline()
"""


def test_share_violation_between_processes(path):
    child = _child(HOLDER, path)
    try:
        assert child.stdout.readline().strip() == "open"
        with pytest.raises(pywintypes.error) as e:
            create(path, access=f.GENERIC_READ, share=SHARE_ALL, disposition=f.OPEN_EXISTING)
        assert winerr(e) == winerror.ERROR_SHARING_VIOLATION
        # And the other way round: this process holds, another one is refused.
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.wait(30) == 0
        h = create(path, share=0, disposition=f.OPEN_EXISTING)
        probe = _child("""
            import sys, win32file as f, pywintypes
            try:
                f.CreateFile(sys.argv[1], f.GENERIC_READ, 7, None, f.OPEN_EXISTING, 0, None)
            except pywintypes.error as e:
                print(e.winerror)
        """, path)
        out, err = probe.communicate(timeout=30)
        assert out.strip() == str(winerror.ERROR_SHARING_VIOLATION), err
        h.Close()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_a_killed_holder_releases_its_share(path):
    child = _child(HOLDER, path)
    assert child.stdout.readline().strip() == "open"
    child.kill()
    child.wait()
    create(path, share=0, disposition=f.OPEN_EXISTING).Close()


# --- synchronous I/O and file functions -------------------------------------------


def test_read_write_seek_and_end_of_file(path):
    h = create(path, disposition=f.CREATE_ALWAYS)
    assert f.WriteFile(h, b"0123456789") == (0, 10)
    assert f.SetFilePointer(h, 2, f.FILE_BEGIN) == 2
    assert f.ReadFile(h, 3) == (0, b"234")
    assert f.SetFilePointer(h, -1, f.FILE_END) == 9
    assert f.SetFilePointer(h, (4, 0), f.FILE_BEGIN) == 4
    assert f.SetFilePointerEx(h, 0, f.FILE_CURRENT) == 4
    f.SetEndOfFile(h)
    assert f.GetFileSize(h) == 4
    assert f.SetFilePointer(h, 0, f.FILE_END) == 4
    assert f.ReadFile(h, 10) == (0, b"")  # end of file: no error, no bytes
    buf = bytearray(3)
    f.SetFilePointer(h, 1, f.FILE_BEGIN)
    assert f.ReadFile(h, buf) == (0, b"123")
    assert buf == bytearray(b"123")
    with pytest.raises(pywintypes.error) as e:
        f.SetFilePointer(h, -100, f.FILE_CURRENT)
    assert winerr(e) == winerror.ERROR_NEGATIVE_SEEK
    with pytest.raises(pywintypes.error) as e:
        f.SetFilePointer(h, 0, 7)
    assert winerr(e) == winerror.ERROR_INVALID_PARAMETER
    assert f.GetFileType(h) == f.FILE_TYPE_DISK
    h.Close()


def test_file_times(path):
    import datetime

    h = create(path, disposition=f.CREATE_ALWAYS)
    when = datetime.datetime(2020, 5, 17, 10, 30, 0, tzinfo=datetime.timezone.utc)
    f.SetFileTime(h, None, when, when)
    ctime, atime, wtime = f.GetFileTime(h)
    assert wtime == when and atime == when
    assert abs(os.stat(path).st_mtime - when.timestamp()) < 1e-3
    h.Close()


def test_closed_and_bogus_handles(path):
    h = create(path)
    value = int(h)
    h.Close()
    for fn, args in [(f.ReadFile, (value, 1)), (f.WriteFile, (value, b"x")), (f.GetFileSize, (value,)),
                     (f.SetEndOfFile, (value,)), (f.GetFileInformationByHandle, (value,))]:
        with pytest.raises(pywintypes.error) as e:
            fn(*args)
        assert winerr(e) == winerror.ERROR_INVALID_HANDLE


def test_bad_argument_types(path):
    with pytest.raises(TypeError):
        f.CreateFile(42, RW, 0, None, f.OPEN_ALWAYS, 0, None)
    h = create(path)
    with pytest.raises(TypeError):
        f.WriteFile(h, 12)
    with pytest.raises(TypeError):
        f.ReadFile(h, b"immutable")
    with pytest.raises(ValueError):
        f.ReadFile(h, -1)
    h.Close()


def test_osfhandle_round_trip(path):
    with open(path, "wb") as fp:
        fp.write(b"from python")
    fd = os.open(path, os.O_RDONLY)
    try:
        h = f._get_osfhandle(fd)
        assert f._get_osfhandle(fd) == h
        assert f.ReadFile(h, 4) == (0, b"from")
        fd2 = f._open_osfhandle(h, 0)
        assert os.read(fd2, 5) == b" pyth"
        os.close(fd2)
    finally:
        os.close(fd)
    with pytest.raises(pywintypes.error) as e:
        f._get_osfhandle(9999)
    assert winerr(e) == winerror.ERROR_INVALID_HANDLE


def test_a_forked_child_closing_its_copy_keeps_the_parents_share(path):
    h = create(path, share=0, disposition=f.CREATE_ALWAYS)
    pid = os.fork()
    if pid == 0:
        try:
            h.Close()  # the child's copy of the handle
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    with pytest.raises(pywintypes.error) as e:
        create(path, disposition=f.OPEN_EXISTING)
    assert winerr(e) == winerror.ERROR_SHARING_VIOLATION
    h.Close()
    create(path, disposition=f.OPEN_EXISTING).Close()
