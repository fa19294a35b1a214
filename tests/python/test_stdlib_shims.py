"""The opt-in stand-ins for the standard library's Windows modules: off by
default (libraries probe `import winreg` to detect Windows), on with
PYWIN32_POSIX_STDLIB_SHIMS=1 or pywin32_posix.enable_stdlib_shims()."""
import os
import subprocess
import sys

import pytest
import pywintypes
import win32api
import win32con

import pywin32_posix
from w32util import read_line


def run(code, **env):
    e = dict(os.environ)
    for k in ("PYWIN32_POSIX_STDLIB_SHIMS", "PYWIN32_POSIX_DISABLE"):
        e.pop(k, None)
    e.update(env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=e, timeout=60)


def test_off_by_default_and_with_the_off_switch():
    r = run("import winreg")
    assert r.returncode == 1 and "No module named 'winreg'" in r.stderr
    r = run("import winreg", PYWIN32_POSIX_STDLIB_SHIMS="0")
    assert "No module named 'winreg'" in r.stderr
    r = run("import winreg", PYWIN32_POSIX_STDLIB_SHIMS="1", PYWIN32_POSIX_DISABLE="1")
    assert "No module named 'winreg'" in r.stderr


def test_environment_variable_turns_winreg_on_for_a_process():
    code = ("import winreg\n"
            "k = winreg.CreateKey(winreg.HKEY_CURRENT_USER, r'Software\\ShimEnv')\n"
            "winreg.SetValueEx(k, 'FromChild', 0, winreg.REG_SZ, 'set by winreg')\n"
            "k.Close()\n")
    r = run(code, PYWIN32_POSIX_STDLIB_SHIMS="1")
    assert r.returncode == 0, r.stderr
    k = win32api.RegOpenKey(win32con.HKEY_CURRENT_USER, r"Software\ShimEnv")
    assert win32api.RegQueryValueEx(k, "FromChild") == ("set by winreg", win32con.REG_SZ)
    k.Close()


SUBPROCESS_STILL_POSIX = (
    "import msvcrt, winreg, subprocess, asyncio, sys\n"
    "subprocess.run([sys.executable, '-c', 'pass'], check=True)\n"
    "print(subprocess._mswindows, msvcrt.__name__, winreg.__name__)\n")


def test_shims_do_not_make_subprocess_think_it_runs_on_windows():
    # subprocess (3.11) decides on Windows by whether `import msvcrt` works.
    r = run(SUBPROCESS_STILL_POSIX, PYWIN32_POSIX_STDLIB_SHIMS="1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "msvcrt", "winreg"]
    r = run("import pywin32_posix; pywin32_posix.enable_stdlib_shims()\n" + SUBPROCESS_STILL_POSIX)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "msvcrt", "winreg"]


@pytest.fixture(scope="module")
def winreg():
    pywin32_posix.enable_stdlib_shims()
    import winreg
    return winreg


def test_round_trip_read_back_through_win32api(winreg):
    with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, r"Software\ShimTest", 0, winreg.KEY_ALL_ACCESS) as k:
        winreg.SetValueEx(k, "Text", 0, winreg.REG_SZ, "hello")
        winreg.SetValueEx(k, "Number", 0, winreg.REG_DWORD, 42)
        winreg.SetValueEx(k, "Big", 0, winreg.REG_QWORD, 1 << 40)
        winreg.SetValueEx(k, "Lines", 0, winreg.REG_MULTI_SZ, ["a", "b"])
        winreg.SetValueEx(k, "Blob", 0, winreg.REG_BINARY, b"\x00\x01")
        winreg.SetValue(k, "Sub", winreg.REG_SZ, "default of Sub")
    h = win32api.RegOpenKey(win32con.HKEY_CURRENT_USER, r"Software\ShimTest")
    assert win32api.RegQueryValueEx(h, "Text") == ("hello", win32con.REG_SZ)
    assert win32api.RegQueryValueEx(h, "Number") == (42, win32con.REG_DWORD)
    assert win32api.RegQueryValueEx(h, "Lines") == (["a", "b"], win32con.REG_MULTI_SZ)
    h.Close()
    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, r"Software\ShimTest") as k:
        assert winreg.QueryValueEx(k, "Big") == (1 << 40, winreg.REG_QWORD)
        assert winreg.QueryValueEx(k, "Blob") == (b"\x00\x01", winreg.REG_BINARY)
        assert winreg.QueryValue(k, "Sub") == "default of Sub"
        subkeys, values, modified = winreg.QueryInfoKey(k)
        assert (subkeys, values) == (1, 5) and modified > 0
        assert winreg.EnumKey(k, 0) == "Sub"
        names = {winreg.EnumValue(k, i)[0] for i in range(values)}
        assert names == {"Text", "Number", "Big", "Lines", "Blob"}
        with pytest.raises(OSError) as e:
            winreg.EnumValue(k, values)
        assert e.value.winerror == 259  # ERROR_NO_MORE_ITEMS
    winreg.DeleteKey(winreg.HKEY_CURRENT_USER, r"Software\ShimTest\Sub")
    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, r"Software\ShimTest", 0, winreg.KEY_SET_VALUE) as k:
        winreg.DeleteValue(k, "Text")
    winreg.DeleteKey(winreg.HKEY_CURRENT_USER, r"Software\ShimTest")


def test_errors_are_oserror_with_winerror(winreg):
    with pytest.raises(FileNotFoundError) as e:
        winreg.OpenKey(winreg.HKEY_CURRENT_USER, r"Software\NoSuchKeyHere")
    assert e.value.winerror == 2
    with pytest.raises(OSError):
        winreg.QueryValueEx(winreg.HKEY_CURRENT_USER, "NoSuchValue")
    with pytest.raises(TypeError):
        winreg.OpenKey("HKEY_CURRENT_USER", "Software")
    with pytest.raises(TypeError):
        winreg.SetValue(winreg.HKEY_CURRENT_USER, "x", winreg.REG_DWORD, 5)
    with pytest.raises(OSError) as e:
        winreg.DisableReflectionKey(winreg.HKEY_CURRENT_USER)
    assert e.value.winerror == 50  # ERROR_NOT_SUPPORTED
    k = winreg.CreateKey(winreg.HKEY_CURRENT_USER, r"Software\ShimClosed")
    k.Close()
    assert not k and k.handle == 0
    with pytest.raises(OSError):
        winreg.QueryInfoKey(k)
    k.Close()  # twice is harmless, as in CPython
    winreg.DeleteKey(winreg.HKEY_CURRENT_USER, r"Software\ShimClosed")
    assert winreg.error is OSError
    assert winreg.ExpandEnvironmentStrings("%PATH%") == os.environ["PATH"]


@pytest.fixture(scope="module")
def msvcrt():
    pywin32_posix.enable_stdlib_shims()
    import msvcrt
    return msvcrt


def test_msvcrt_descriptors_and_handles_are_the_same_file(msvcrt):
    import win32file
    import win32pipe
    r, w = os.pipe()
    h = msvcrt.get_osfhandle(w)
    assert msvcrt.get_osfhandle(w) == h  # the same value while it is open
    win32file.WriteFile(h, b"through the handle")
    assert os.read(r, 100) == b"through the handle"
    os.close(r)
    os.close(w)
    hr, hw = win32pipe.CreatePipe(None, 0)
    fd = msvcrt.open_osfhandle(int(hw), os.O_WRONLY)
    os.write(fd, b"through the descriptor")
    os.close(fd)
    assert win32file.ReadFile(hr, 100)[1] == b"through the descriptor"
    with pytest.raises(OSError) as e:
        msvcrt.get_osfhandle(987654)
    assert e.value.errno == 9  # EBADF


def test_msvcrt_setmode_and_bad_input(msvcrt, tmp_path):
    with open(tmp_path / "f", "wb") as f:
        assert msvcrt.setmode(f.fileno(), os.O_BINARY if hasattr(os, "O_BINARY") else 0x8000) == 0x8000
        assert msvcrt.setmode(f.fileno(), 0x4000) == 0x8000
        assert msvcrt.setmode(f.fileno(), 0x8000) == 0x4000
        with pytest.raises(OSError):
            msvcrt.setmode(f.fileno(), 12345)
        with pytest.raises(OSError):
            msvcrt.locking(f.fileno(), 99, 10)
        with pytest.raises(OSError):
            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, -1)
    with pytest.raises(TypeError):
        msvcrt.putch("a")
    with pytest.raises(TypeError):
        msvcrt.putwch(b"a")
    assert msvcrt.SetErrorMode(msvcrt.SEM_FAILCRITICALERRORS) == 0
    assert msvcrt.GetErrorMode() == msvcrt.SEM_FAILCRITICALERRORS
    msvcrt.heapmin()


def test_msvcrt_reads_keys_from_the_terminal():
    import pty
    # Keys typed before the first console call wait in the terminal's line
    # mode: the child asks once before it says it is ready.
    code = ("import pywin32_posix; pywin32_posix.enable_stdlib_shims(); import msvcrt, sys, time\n"
            "msvcrt.kbhit()\n"
            "print('ready', flush=True)\n"
            "while not msvcrt.kbhit(): time.sleep(0.01)\n"
            "a = msvcrt.getwch(); b = msvcrt.getch(); msvcrt.ungetwch('z')\n"
            "print(repr((a, b, msvcrt.getwch())), flush=True)\n")
    master, slave = pty.openpty()
    p = subprocess.Popen([sys.executable, "-c", code], stdin=slave, stdout=subprocess.PIPE, text=True)
    os.close(slave)
    try:
        assert read_line(p) == "ready"
        os.write(master, "éq".encode())
        out = read_line(p)
        assert out == repr(("é", b"q", "z")), out
        assert p.wait(30) == 0
    finally:
        if p.poll() is None:
            p.kill()
        os.close(master)


LOCKER = """
import pywin32_posix, sys
pywin32_posix.enable_stdlib_shims()
import msvcrt, win32file, pywintypes
f = open(sys.argv[1], "r+b")
f.seek(10)
try:
    msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 5)
    print("locked")
except OSError as e:
    print("refused", e.errno)
h = msvcrt.get_osfhandle(f.fileno())
try:
    win32file.LockFileEx(h, win32file.LOCKFILE_EXCLUSIVE_LOCK | win32file.LOCKFILE_FAIL_IMMEDIATELY, 20, 0,
                         pywintypes.OVERLAPPED())  # bytes 0-19
    print("whole-file lock")
except pywintypes.error as e:
    print("refused", e.winerror)
"""


def test_msvcrt_locks_block_another_process(msvcrt, tmp_path):
    import errno
    import win32file
    path = tmp_path / "locked"
    path.write_bytes(b"0123456789abcdefghij")
    at_10 = pywintypes.OVERLAPPED()
    at_10.Offset = 10
    with open(path, "r+b") as f:
        h = msvcrt.get_osfhandle(f.fileno())
        win32file.LockFileEx(h, win32file.LOCKFILE_EXCLUSIVE_LOCK, 5, 0, at_10)
        r = subprocess.run([sys.executable, "-c", LOCKER, str(path)], capture_output=True, text=True, timeout=60)
        assert r.stdout.split("\n")[:2] == ["refused %d" % errno.EACCES, "refused 33"], r.stdout + r.stderr
        win32file.UnlockFileEx(h, 5, 0, at_10)
        f.seek(10)
        msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 5)
        r = subprocess.run([sys.executable, "-c", LOCKER, str(path)], capture_output=True, text=True, timeout=60)
        assert r.stdout.split("\n")[0] == "refused %d" % errno.EACCES, r.stdout + r.stderr
        f.seek(10)
        msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 5)
        r = subprocess.run([sys.executable, "-c", LOCKER, str(path)], capture_output=True, text=True, timeout=60)
        # Its own lock on 10-14 refuses its lock on 0-19: Windows' locks do
        # not merge as POSIX ones do within a process.
        assert r.stdout.split("\n")[:2] == ["locked", "refused 33"], r.stdout + r.stderr
