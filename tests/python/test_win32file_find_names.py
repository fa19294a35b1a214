"""FindFileNames (a file's hard links, found on its file system) and
FindClose (win32file makes no search handles)."""
import os

import pytest

import pywintypes
import win32file as f

from w32util import assert_winerror

ERROR_FILE_NOT_FOUND = 2
ERROR_INVALID_HANDLE = 6


def volume_relative(path):
    """The path as FindFileNames spells it: relative to its mount point."""
    path = os.path.realpath(path)
    root = path
    while not os.path.ismount(root):
        root = os.path.dirname(root)
    rel = path[len(root):] if root != "/" else path
    return rel if rel.startswith("/") else "/" + rel


def test_single_name(tmp_path):
    p = tmp_path / "alone"
    p.write_text("x")
    assert f.FindFileNames(str(p)) == [volume_relative(p)]


def test_every_link_given_name_first(tmp_path):
    a = tmp_path / "a"
    a.write_text("x")
    os.link(a, tmp_path / "b")
    (tmp_path / "deeper" / "still").mkdir(parents=True)
    os.link(a, tmp_path / "deeper" / "still" / "c")
    other = tmp_path / "unrelated"
    other.write_text("y")
    want = {volume_relative(tmp_path / n) for n in ("a", "b", "deeper/still/c")}
    names = f.FindFileNames(str(tmp_path / "deeper" / "still" / "c"))
    assert names[0] == volume_relative(tmp_path / "deeper" / "still" / "c")
    assert set(names) == want and len(names) == 3
    # After one link goes, the list follows.
    os.unlink(tmp_path / "b")
    assert set(f.FindFileNames(str(a))) == want - {volume_relative(tmp_path / "b")}


def test_windows_spelling(tmp_path):
    a = tmp_path / "w"
    a.write_text("x")
    os.link(a, tmp_path / "w2")
    win = "Z:" + str(a).replace("/", "\\")
    names = f.FindFileNames(win)
    assert all("/" not in n and n.startswith("\\") for n in names)
    assert {n.replace("\\", "/") for n in names} == {volume_relative(a), volume_relative(tmp_path / "w2")}


def test_missing_file(tmp_path):
    with pytest.raises(pywintypes.error) as e:
        f.FindFileNames(str(tmp_path / "nope"))
    assert_winerror(e, ERROR_FILE_NOT_FOUND, "FindFileNames")
    with pytest.raises(TypeError):
        f.FindFileNames(123)


def test_find_close_has_no_search_handles(tmp_path):
    h = f.CreateFile(str(tmp_path / "file"), f.GENERIC_WRITE, 0, None, f.CREATE_ALWAYS, 0, None)
    for value in (h, 0, 123456):
        with pytest.raises(pywintypes.error) as e:
            f.FindClose(value)
        assert_winerror(e, ERROR_INVALID_HANDLE, "FindClose")
    h.Close()
    with pytest.raises(TypeError):
        f.FindClose("x")
