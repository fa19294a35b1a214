"""win32api: CPU sets, idle time, the computer's directory name, file
associations, registered messages, the time zone, and the functions with no
window system to ask."""
import os
import pty
import subprocess
import sys
import time

import pytest
import pywintypes
import win32api
import winerror

from w32util import assert_winerror, finish, popen_py


def test_cpu_sets_are_the_online_processors():
    sets = win32api.GetSystemCpuSetInformation()
    with open("/sys/devices/system/cpu/online") as f:
        text = f.read().strip()
    online = []
    for part in text.split(","):
        a, _, b = part.partition("-")
        online += range(int(a), int(b or a) + 1)
    assert [s.LogicalProcessorIndex for s in sets] == online
    for s in sets:
        assert s.Id == 0x100 + s.LogicalProcessorIndex
        assert s.CoreIndex <= s.LogicalProcessorIndex and s.LastLevelCacheIndex <= s.LogicalProcessorIndex
        assert s.Parked is False and s.Group == 0


def test_computer_object_name_off_domain():
    assert_winerror(pytest.raises(pywintypes.error, win32api.GetComputerObjectName, win32api.NameSamCompatible),
                    winerror.ERROR_NONE_MAPPED)
    assert_winerror(pytest.raises(pywintypes.error, win32api.GetComputerObjectName, win32api.NameUnknown),
                    winerror.ERROR_INVALID_PARAMETER)
    with pytest.raises(TypeError):
        win32api.GetComputerObjectName("2")


# --- FindExecutable ------------------------------------------------------------------------

@pytest.fixture
def xdg(tmp_path, monkeypatch):
    config, data = tmp_path / "config", tmp_path / "data"
    (data / "applications").mkdir(parents=True)
    config.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "none"))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path / "none"))
    return config, data


def test_find_executable_follows_mimeapps_list(tmp_path, xdg):
    config, data = xdg
    (data / "applications" / "viewer.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=Viewer\nExec=\"%s\" -q %%f\n" % sys.executable)
    (config / "mimeapps.list").write_text("[Default Applications]\napplication/pdf=missing.desktop;viewer.desktop;\n")
    doc = tmp_path / "paper.pdf"
    doc.write_bytes(b"%PDF-1.4\n")
    assert win32api.FindExecutable("paper.pdf", str(tmp_path)) == (42, sys.executable)
    assert win32api.FindExecutable(str(doc), None) == (42, sys.executable)


def test_find_executable_of_a_program_is_itself(tmp_path, xdg):
    prog = tmp_path / "tool"
    prog.write_text("#!/bin/sh\n")
    prog.chmod(0o755)
    assert win32api.FindExecutable("tool", str(tmp_path)) == (42, str(prog))


def test_find_executable_errors(tmp_path, xdg):
    assert_winerror(pytest.raises(pywintypes.error, win32api.FindExecutable, "absent.txt", str(tmp_path)),
                    winerror.ERROR_FILE_NOT_FOUND)
    (tmp_path / "data.w32unknown").write_bytes(b"x")
    assert_winerror(pytest.raises(pywintypes.error, win32api.FindExecutable, "data.w32unknown", str(tmp_path)),
                    31)  # SE_ERR_NOASSOC
    with pytest.raises(TypeError):
        win32api.FindExecutable(5, None)


# --- RegisterWindowMessage -----------------------------------------------------------------

def test_registered_messages_agree_across_processes():
    mine = win32api.RegisterWindowMessage("W32T_Shared_Message")
    assert 0xC000 <= mine <= 0xFFFF
    assert win32api.RegisterWindowMessage("w32t_shared_MESSAGE") == mine
    other = win32api.RegisterWindowMessage("W32T_Other_Message")
    assert other != mine
    rc, out, err = finish(popen_py(
        "import win32api; print(win32api.RegisterWindowMessage('W32T_SHARED_MESSAGE'), "
        "win32api.RegisterWindowMessage('W32T_Third'))"))
    assert rc == 0, err
    shared, third = map(int, out.split())
    assert shared == mine and third not in (mine, other)
    assert win32api.RegisterWindowMessage("W32T_Third") == third


def test_register_window_message_bad_input():
    assert_winerror(pytest.raises(pywintypes.error, win32api.RegisterWindowMessage, ""),
                    winerror.ERROR_INVALID_PARAMETER)
    with pytest.raises(TypeError):
        win32api.RegisterWindowMessage(None)


# --- time zone ------------------------------------------------------------------------------

def has_cap(bit):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) >> bit & 1)
    return False


EASTERN = (300, "Eastern Standard Time", (0, 11, 0, 1, 2, 0, 0, 0), 0,
           "Eastern Daylight Time", (0, 3, 0, 2, 2, 0, 0, 0), -60)


@pytest.mark.skipif(not has_cap(25), reason="needs CAP_SYS_TIME")
def test_time_zone_written_is_read_back_by_another_process(tmp_path, monkeypatch):
    target = tmp_path / "localtime"
    monkeypatch.setenv("PYWIN32_POSIX_LOCALTIME", str(target))
    win32api.SetTimeZoneInformation(EASTERN)
    env = dict(os.environ, TZ=":" + str(target))
    out = subprocess.run([sys.executable, "-c", "import win32api; print(repr(win32api.GetTimeZoneInformation()[1]))"],
                         capture_output=True, text=True, timeout=60, env=env, cwd=os.environ["PYWIN32_POSIX_ROOT"])
    assert out.returncode == 0, out.stderr
    bias, std_name, std_date, std_bias, dst_name, dst_date, dst_bias = eval(out.stdout)
    assert (bias, std_name, std_date, std_bias, dst_name, dst_date, dst_bias) == (
        300, "EST", (0, 11, 0, 1, 2, 0, 0, 0), 0, "EDT", (0, 3, 0, 2, 2, 0, 0, 0), -60)
    # A zone without daylight time.
    win32api.SetTimeZoneInformation((-330, "India Standard Time", (0,) * 8, 0, "", (0,) * 8, 0))
    out = subprocess.run([sys.executable, "-c", "import win32api; print(repr(win32api.GetTimeZoneInformation()))"],
                         capture_output=True, text=True, timeout=60, env=env, cwd=os.environ["PYWIN32_POSIX_ROOT"])
    code, info = eval(out.stdout)
    assert code == 0 and info[0] == -330 and info[1] == "IST"


def test_time_zone_bad_input_and_privilege(tmp_path, monkeypatch):
    monkeypatch.setenv("PYWIN32_POSIX_LOCALTIME", str(tmp_path / "localtime"))
    bad_date = EASTERN[:2] + ((0, 13, 0, 1, 2, 0, 0, 0),) + EASTERN[3:]
    half_rule = EASTERN[:5] + ((0,) * 8,) + EASTERN[6:]
    for tzi in (bad_date, half_rule, (5000, "X", (0,) * 8, 0, "Y", (0,) * 8, 0)):
        assert_winerror(pytest.raises(pywintypes.error, win32api.SetTimeZoneInformation, tzi),
                        winerror.ERROR_INVALID_PARAMETER)
    with pytest.raises(TypeError):
        win32api.SetTimeZoneInformation((1, 2))
    code = ("import win32api, pywintypes\ntry:\n    win32api.SetTimeZoneInformation(%r)\n    print('set')\n"
            "except pywintypes.error as e:\n    print(e.winerror)" % (EASTERN,))
    cmd = [sys.executable, "-c", code]
    if has_cap(25):
        if os.geteuid() != 0:
            pytest.skip("cannot drop CAP_SYS_TIME")
        cmd = ["setpriv", "--inh-caps=-sys_time", "--bounding-set=-sys_time"] + cmd
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=os.environ["PYWIN32_POSIX_ROOT"])
    assert out.stdout.strip() == str(winerror.ERROR_PRIVILEGE_NOT_HELD), out.stderr
    assert not (tmp_path / "localtime").exists()


# --- idle time --------------------------------------------------------------------------------

IDLE_CHILD = r"""
import os, time, win32api
tty = os.ttyname(0)
now = time.time()
os.utime(tty, (now - 100, os.stat(tty).st_mtime))
print(win32api.GetTickCount64() - win32api.GetLastInputInfo(), flush=True)
"""


def test_last_input_is_the_terminals_last_read():
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(os.environ["PYWIN32_POSIX_ROOT"])
        os.execv(sys.executable, [sys.executable, "-c", IDLE_CHILD])
    out = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, out
    idle_ms = int(out.split()[-1])
    assert 100000 <= idle_ms <= 160000, out


def test_last_input_without_a_terminal():
    proc = subprocess.run(
        [sys.executable, "-c", "import win32api, pywintypes\ntry:\n    print(win32api.GetLastInputInfo())\n"
                               "except pywintypes.error as e:\n    print('error', e.winerror)"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60, start_new_session=True,
        cwd=os.environ["PYWIN32_POSIX_ROOT"])
    words = proc.stdout.split()
    who = subprocess.run(["who"], capture_output=True, text=True).stdout if os.path.exists("/usr/bin/who") else ""
    if not who.strip():
        assert words == ["error", str(winerror.ERROR_NOT_SUPPORTED)]
    else:
        assert words and (words[0] == "error" or int(words[0]) >= 0)


# --- no window system ---------------------------------------------------------------------------

UNSUPPORTED = ["GetCursorPos", "SetCursorPos", "ClipCursor", "ShowCursor", "SetCursor", "LoadCursor", "GetFocus",
               "GetWindowLong", "SetWindowLong", "SetWindowWord", "SetClassLong", "SetClassWord", "PostMessage",
               "SendMessage", "MessageBox", "MessageBoxEx", "EnumDisplaySettings", "EnumDisplaySettingsEx",
               "ChangeDisplaySettings", "ChangeDisplaySettingsEx", "EnumDisplayDevices", "EnumDisplayMonitors",
               "GetMonitorInfo", "MonitorFromPoint", "MonitorFromRect", "MonitorFromWindow", "GetSysColor",
               "SetSysColors", "DragFinish", "DragQueryFile", "WinHelp", "keybd_event", "mouse_event",
               "LoadKeyboardLayout", "GetKeyState", "GetAsyncKeyState", "GetKeyboardState",
               "BeginUpdateResource", "UpdateResource", "EndUpdateResource"]


@pytest.mark.parametrize("name", UNSUPPORTED)
def test_no_window_system_functions_raise_not_supported(name):
    fn = getattr(win32api, name)
    assert "On POSIX: not supported (" in fn.__doc__
    for args in ((), (0,), (None, "text", "title", 0)):
        assert_winerror(pytest.raises(pywintypes.error, fn, *args), winerror.ERROR_NOT_SUPPORTED, name)
