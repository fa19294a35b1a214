"""The profile (.ini) functions: Windows' rules, files kept intact, and
writers in several processes."""
import os

import pytest

import pywintypes
import win32api
from w32util import assert_winerror, finish, popen_py


def test_values_sections_and_case(tmp_path):
    ini = str(tmp_path / "app.ini")
    assert win32api.GetProfileVal("Main", "Name", "default", ini) == "default"
    win32api.WriteProfileVal("Main", "Name", "first", ini)
    win32api.WriteProfileVal("MAIN", "name", "second", ini)  # same key, any case
    win32api.WriteProfileVal("Main", "Other", "x", ini)
    assert win32api.GetProfileVal("main", "NAME", "", ini) == "second"
    assert win32api.GetProfileSection("Main", ini) == ["Name=second", "Other=x"]
    win32api.WriteProfileVal("Main", "Other", None, ini)  # removes the key
    assert win32api.GetProfileSection("Main", ini) == ["Name=second"]
    win32api.WriteProfileVal("Main", None, None, ini)  # removes the section
    assert win32api.GetProfileSection("Main", ini) == []


def test_existing_file_keeps_comments_and_quotes_are_dropped(tmp_path):
    ini = tmp_path / "legacy.ini"
    ini.write_text("; a comment\n[Paths]\nhome = \"C:\\Users\\x\"\n\n[Other]\nk=v\n")
    assert win32api.GetProfileVal("Paths", "home", "", str(ini)) == "C:\\Users\\x"
    win32api.WriteProfileVal("Paths", "new", "1", str(ini))
    text = ini.read_text()
    assert text.startswith("; a comment\n[Paths]\nhome = \"C:\\Users\\x\"\nnew=1\n")
    assert "[Other]\nk=v" in text


def test_write_section_and_default_file():
    win32api.WriteProfileSection("W32tSection", "a=1\0b=2\0")
    assert win32api.GetProfileSection("w32tsection") == ["a=1", "b=2"]
    assert win32api.GetProfileVal("W32tSection", "b", "") == "2"
    win32api.WriteProfileSection("W32tSection", "c=3")
    assert win32api.GetProfileSection("W32tSection") == ["c=3"]
    win32api.WriteProfileVal("W32tSection", None, None)


def test_writers_in_several_processes_lose_nothing(tmp_path):
    ini = str(tmp_path / "shared.ini")
    children = [popen_py("""
        import sys, win32api
        for i in range(25):
            win32api.WriteProfileVal("S" + sys.argv[2], "k%d" % i, str(i), sys.argv[1])
        """, ini, p) for p in range(4)]
    for c in children:
        rc, _, err = finish(c)
        assert rc == 0, err
    for p in range(4):
        assert len(win32api.GetProfileSection("S%d" % p, ini)) == 25


def test_bad_input(tmp_path):
    ini = str(tmp_path / "bad.ini")
    with pytest.raises(TypeError):
        win32api.GetProfileVal(5, "k", "", ini)
    with pytest.raises(pywintypes.error) as e:
        win32api.WriteProfileVal("S", "k", "two\nlines", ini)
    assert_winerror(e, 87)
    with pytest.raises(pywintypes.error) as e:
        win32api.WriteProfileVal("S", "k", "v", str(tmp_path / "missing" / "x.ini"))
    assert_winerror(e, 3)
    assert not os.path.exists(ini)
