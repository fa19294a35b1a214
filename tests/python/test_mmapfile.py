"""mmapfile: the object's methods with pywin32's behaviour, named mappings
shared between unrelated processes, file-backed mappings, views at offsets,
and the errors for bad sizes, offsets, names and arguments."""
import os
import stat

import pytest

import mmapfile
import pywintypes
from w32util import assert_winerror, finish, namer, popen_py

uname = namer("mmap")

ERROR_ACCESS_DENIED = 5
ERROR_PATH_NOT_FOUND = 3
ERROR_INVALID_PARAMETER = 87
ERROR_INVALID_NAME = 123
ERROR_NOT_ENOUGH_MEMORY = 8
ERROR_MAPPED_ALIGNMENT = 1132
PAGE = 4096
GRANULARITY = 65536


@pytest.fixture
def tmpfile(tmp_path):
    return str(tmp_path / "mapped.bin")


def test_methods_follow_pywin32():
    m = mmapfile.mmapfile(None, None, 1000)
    assert m.size() == PAGE  # the whole page, as VirtualQuery reports it
    assert m.tell() == 0
    m.write(b"line one\nline two\nrest")
    assert m.tell() == 22
    m.seek(0)
    assert m.readline() == b"line one\n"
    assert m.readline() == b"line two\n"
    assert m.read(4) == b"rest"
    m.seek(100)
    m.write_byte(b"?")
    m.seek(-1, 1)
    assert m.read_byte() == b"?"
    m.seek(1, 2)  # counted back from the end
    assert m.tell() == PAGE - 1
    assert m.read(100) == b"\0"  # clipped at the end
    assert m.read(10) == b""
    m.seek(0)
    assert m.find(b"two") == 14
    assert m.find(b"line", 1) == 9
    assert m.find(b"absent") == -1
    m.move(200, 0, 8)
    m.seek(200)
    assert m.read(8) == b"line one"
    assert m.flush() == 1
    m.close()
    m.close()  # closing twice is fine
    for call in (m.size, m.tell, m.read_byte, m.readline, lambda: m.read(1), lambda: m.write(b"x")):
        with pytest.raises(ValueError, match="closed"):
            call()


def test_position_errors_are_value_errors():
    m = mmapfile.mmapfile(None, None, PAGE)
    with pytest.raises(ValueError, match="seek out of range"):
        m.seek(PAGE)
    with pytest.raises(ValueError, match="seek out of range"):
        m.seek(-1)
    with pytest.raises(ValueError, match="unknown seek type"):
        m.seek(0, 3)
    m.seek(PAGE - 2)
    with pytest.raises(ValueError, match="data out of range"):
        m.write(b"abc")
    assert m.tell() == PAGE - 2
    m.write(b"ab")
    with pytest.raises(ValueError, match="read byte out of range"):
        m.read_byte()
    with pytest.raises(ValueError, match="write_byte past end"):
        m.write_byte(b"x")
    with pytest.raises(ValueError, match="out of range"):
        m.move(0, PAGE - 1, 2)
    with pytest.raises(ValueError, match="out of range"):
        m.move(-1, 0, 1)
    with pytest.raises(ValueError, match="flush values out of range"):
        m.flush(PAGE, 1)


def test_bad_argument_types():
    m = mmapfile.mmapfile(None, None, PAGE)
    with pytest.raises(TypeError):
        m.write("text")  # bytes only, as in pywin32
    with pytest.raises(TypeError):
        m.write_byte(b"ab")
    with pytest.raises(TypeError):
        m.write_byte(65)
    with pytest.raises(TypeError):
        m.read("1")
    with pytest.raises(TypeError):
        m.find("text")
    with pytest.raises(TypeError):
        mmapfile.mmapfile(None, 12, PAGE)
    with pytest.raises(TypeError):
        mmapfile.mmapfile(None, None, "big")
    with pytest.raises(TypeError):
        mmapfile.mmapfile(3.5, None, PAGE)


def test_size_and_offset_errors():
    with pytest.raises(pywintypes.error) as e:
        mmapfile.mmapfile(None, None, 0)  # the paging file needs a size
    assert_winerror(e, ERROR_INVALID_PARAMETER, "CreateFileMapping")
    with pytest.raises(pywintypes.error) as e:
        mmapfile.mmapfile(None, None, GRANULARITY * 2, PAGE)
    assert_winerror(e, ERROR_MAPPED_ALIGNMENT, "MapViewOfFile")
    with pytest.raises(pywintypes.error) as e:
        mmapfile.mmapfile(None, None, GRANULARITY, GRANULARITY)
    assert_winerror(e, ERROR_ACCESS_DENIED, "MapViewOfFile")
    with pytest.raises(pywintypes.error) as e:
        mmapfile.mmapfile(None, None, PAGE, 0, PAGE + 1)
    assert_winerror(e, ERROR_ACCESS_DENIED, "MapViewOfFile")
    with pytest.raises(pywintypes.error) as e:
        mmapfile.mmapfile(None, None, 1 << 62)
    assert_winerror(e, ERROR_NOT_ENOUGH_MEMORY, "CreateFileMapping")
    with pytest.raises(pywintypes.error) as e:
        mmapfile.mmapfile(None, None, -1)  # wraps to 2**64 - 1, as pywin32 parses it
    assert_winerror(e, ERROR_NOT_ENOUGH_MEMORY, "CreateFileMapping")
    with pytest.raises(pywintypes.error) as e:
        mmapfile.mmapfile(None, None, PAGE, 0, -1)
    assert_winerror(e, ERROR_ACCESS_DENIED, "MapViewOfFile")


def test_bad_names():
    with pytest.raises(pywintypes.error) as e:
        mmapfile.mmapfile(None, "a\0b", PAGE)
    assert_winerror(e, ERROR_INVALID_NAME)
    with pytest.raises(pywintypes.error) as e:
        mmapfile.mmapfile(None, "no\\such\\dir", PAGE)
    assert_winerror(e, ERROR_PATH_NOT_FOUND)


def test_hostile_names_stay_in_the_sessions_namespace():
    before = set(os.listdir("/dev/shm"))
    maps = [mmapfile.mmapfile(None, n, PAGE) for n in ("../../../tmp/escape-" + uname("x"), "/abs/" + uname("y"), "..")]
    made = set(os.listdir("/dev/shm")) - before
    assert len(made) == 3
    from pywin32_posix._session import shm_prefix

    assert all(n.startswith(shm_prefix(os.environ["PYWIN32_POSIX_ROOT"]) + ".map.") for n in made)
    for n in made:
        st = os.stat("/dev/shm/" + n)
        assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == os.getuid()
    assert not [p for p in os.listdir("/tmp") if p.startswith("escape-")]
    for m in maps:
        m.close()
    assert not (set(os.listdir("/dev/shm")) - before)  # the last close removes the name


def test_named_mapping_is_shared_with_an_unrelated_process():
    name = uname("shared")
    m = mmapfile.mmapfile(None, name, GRANULARITY * 2)
    m.write(b"from parent")
    child = popen_py(
        """
        import sys, mmapfile
        m = mmapfile.mmapfile(None, sys.argv[1], 1)  # an existing mapping keeps its size
        print(m.size(), m.read(11).decode())
        v = mmapfile.mmapfile(None, sys.argv[1], 1, 65536)  # a view at an offset
        v.write(b"from child")
        """,
        name,
    )
    rc, out, err = finish(child)
    assert rc == 0, err
    assert out.split() == [str(GRANULARITY * 2), "from", "parent"]
    m.seek(GRANULARITY)
    assert m.read(10) == b"from child"


def test_local_prefix_is_the_same_mapping_and_global_another():
    name = uname("ns")
    a = mmapfile.mmapfile(None, name, PAGE)
    a.write(b"A")
    assert mmapfile.mmapfile(None, "Local\\" + name, PAGE).read(1) == b"A"
    assert mmapfile.mmapfile(None, "Global\\" + name, PAGE).read(1) == b"\0"


def test_file_mapping_maps_the_whole_file_rounded_to_a_page(tmpfile):
    with open(tmpfile, "wb") as f:
        f.write(b"0123456789" * 100)
    m = mmapfile.mmapfile(tmpfile, None)
    assert m.size() == PAGE
    assert os.path.getsize(tmpfile) == PAGE  # pywin32 asks for whole pages, which grows the file
    assert m.read(10) == b"0123456789"
    m.seek(0)
    m.write(b"ABCDEFGHIJ")
    m.flush()
    m.close()
    with open(tmpfile, "rb") as f:
        assert f.read(12) == b"ABCDEFGHIJ01"


def test_file_mapping_creates_and_extends_the_file(tmpfile):
    m = mmapfile.mmapfile(File=tmpfile, Name=None, MaximumSize=GRANULARITY * 2)
    assert os.path.getsize(tmpfile) == GRANULARITY * 2
    v = mmapfile.mmapfile(tmpfile, None, GRANULARITY * 2, GRANULARITY, 100)
    assert v.size() == 100
    v.write(b"second half")
    v.close()
    m.close()
    with open(tmpfile, "rb") as f:
        f.seek(GRANULARITY)
        assert f.read(11) == b"second half"


def test_empty_file_without_a_size_is_a_value_error(tmpfile):
    open(tmpfile, "wb").close()
    with pytest.raises(ValueError, match="empty"):
        mmapfile.mmapfile(tmpfile, None)


def test_bad_files(tmp_path):
    with pytest.raises(pywintypes.error) as e:
        mmapfile.mmapfile(str(tmp_path / "missing-dir" / "f"), None, PAGE)
    assert_winerror(e, ERROR_PATH_NOT_FOUND, "CreateFile")
    with pytest.raises(pywintypes.error) as e:
        mmapfile.mmapfile(str(tmp_path), None, PAGE)
    assert_winerror(e, ERROR_ACCESS_DENIED, "CreateFile")


def test_named_file_mapping_reaches_the_file_from_another_process(tmpfile):
    name = uname("file")
    m = mmapfile.mmapfile(tmpfile, name, PAGE * 8)
    child = popen_py(
        """
        import sys, mmapfile
        m = mmapfile.mmapfile(None, sys.argv[1], 1)  # the paging file's rule: a size, even to open
        m.seek(100)
        m.write(b"written by name")
        m.flush()
        print(m.size())
        """,
        name,
    )
    rc, out, err = finish(child)
    assert rc == 0, err
    assert out.strip() == str(PAGE * 8)
    m.close()
    with open(tmpfile, "rb") as f:
        f.seek(100)
        assert f.read(15) == b"written by name"


def test_reopened_named_mapping_has_the_original_size_and_resize(tmpfile):
    # pywin32's own test, in substance.
    fsize = 8 * PAGE
    name = uname("resize")
    m1 = mmapfile.mmapfile(File=tmpfile, Name=name, MaximumSize=fsize)
    m2 = mmapfile.mmapfile(None, name, MaximumSize=fsize * 2)
    assert m2.size() == m1.size() == fsize
    m1.write(b"s" * fsize)
    assert m2.read(fsize) == b"s" * fsize
    m2.close()
    m1.resize(fsize * 2)
    assert m1.size() == fsize * 2
    assert os.path.getsize(tmpfile) == fsize * 2
    m1.seek(fsize)
    m1.write(b"w" * fsize)
    m1.flush()
    m1.seek(0)
    assert m1.read(4) == b"ssss"  # the file's data survives the new mapping
    m1.close()


def test_resize_of_the_view_only_and_its_errors():
    m = mmapfile.mmapfile(None, uname("view"), GRANULARITY * 2)
    m.seek(GRANULARITY + 5)
    m.resize(0, 0, 100)  # MaximumSize 0: only the view changes
    assert m.size() == 100
    assert m.tell() == 99  # clipped into the new view
    with pytest.raises(pywintypes.error) as e:
        m.resize(0, PAGE)
    assert_winerror(e, ERROR_MAPPED_ALIGNMENT, "MapViewOfFile")
    with pytest.raises(ValueError, match="closed or invalid"):
        m.read(1)  # a failed resize leaves no view


def test_resize_keeps_a_mapping_another_process_holds():
    name = uname("held")
    m = mmapfile.mmapfile(None, name, PAGE)
    other = mmapfile.mmapfile(None, name, PAGE)
    m.write(b"kept")
    m.resize(PAGE * 4)  # the name is held: the same mapping opens again
    assert m.size() == PAGE
    m.seek(0)
    assert m.read(4) == b"kept"
    other.close()


def _shm_path_of(name):
    """Where a session-local mapping name lives (FNV-1a of the name)."""
    from pywin32_posix._session import shm_prefix

    h = 0xCBF29CE484222325
    for byte in name.encode():
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"/dev/shm/{shm_prefix(os.environ['PYWIN32_POSIX_ROOT'])}.map.{h:016x}"


def test_a_mapping_file_open_to_others_is_refused():
    name = uname("private")
    m = mmapfile.mmapfile(None, name, PAGE)
    path = _shm_path_of(name)
    assert os.path.exists(path)
    m.close()
    assert not os.path.exists(path)
    # Planted under the name, readable by others: never trusted.
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    os.fchmod(fd, 0o644)
    os.ftruncate(fd, 2 * PAGE)
    os.close(fd)
    try:
        with pytest.raises(pywintypes.error) as e:
            mmapfile.mmapfile(None, name, PAGE)
        assert_winerror(e, ERROR_ACCESS_DENIED, "CreateFileMapping")
    finally:
        os.unlink(path)


def test_windows_paths_and_share_modes_hold_with_win32file():
    import win32file

    path = "C:\\" + uname("drive") + ".bin"
    m = mmapfile.mmapfile(path, None, PAGE)
    m.write(b"via drive C")
    m.flush()
    m.close()
    h = win32file.CreateFile(path, win32file.GENERIC_READ, 0, None, win32file.OPEN_EXISTING, 0, None)
    try:
        assert win32file.ReadFile(h, 11)[1] == b"via drive C"
        # Opened without sharing: mmapfile's CreateFile is refused, as on Windows.
        with pytest.raises(pywintypes.error) as e:
            mmapfile.mmapfile(path, None, PAGE)
        assert_winerror(e, 32, "CreateFile")  # ERROR_SHARING_VIOLATION
    finally:
        h.Close()
    held = mmapfile.mmapfile(path, None)
    # ... and a mapping's file refuses a handle that does not share writing.
    with pytest.raises(pywintypes.error) as e:
        win32file.CreateFile(path, win32file.GENERIC_READ, win32file.FILE_SHARE_READ, None,
                             win32file.OPEN_EXISTING, 0, None)
    assert_winerror(e, 32, "CreateFile")
    held.close()
    win32file.DeleteFile(path)


def test_a_damaged_mapping_file_is_replaced_not_trusted():
    name = uname("damaged")
    path = _shm_path_of(name)
    for junk in (b"", b"x" * 100, os.urandom(2 * PAGE)):
        fd = os.open(path, os.O_CREAT | os.O_RDWR | os.O_TRUNC, 0o600)
        os.write(fd, junk)
        os.close(fd)
        m = mmapfile.mmapfile(None, name, PAGE)
        assert m.size() == PAGE and m.read(PAGE) == b"\0" * PAGE
        m.close()
        assert not os.path.exists(path)
