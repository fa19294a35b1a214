"""win32api's system functions against what the POSIX system reports."""
import ctypes
import getpass
import os
import pwd
import socket
import sys
import time

import pytest

import pywintypes
import win32api
from w32util import assert_winerror


def test_system_info_matches_the_machine():
    info = win32api.GetSystemInfo()
    assert info[1] == os.sysconf("SC_PAGESIZE")
    assert info[5] == os.cpu_count()
    mask = sum(1 << c for c in os.sched_getaffinity(0) if c < 64)
    assert info[4] == mask
    assert info[7] % info[1] == 0
    assert info[2] < info[3]
    assert win32api.GetNativeSystemInfo() == info


def test_memory_status_is_from_meminfo():
    with open("/proc/meminfo") as f:
        total = next(int(line.split()[1]) for line in f if line.startswith("MemTotal:")) * 1024
    m = win32api.GlobalMemoryStatusEx()
    assert m["TotalPhys"] == total
    assert 0 < m["AvailPhys"] <= m["TotalPhys"]
    assert 0 <= m["MemoryLoad"] <= 100
    assert m["TotalPageFile"] >= m["TotalPhys"]
    assert 0 < m["AvailVirtual"] <= m["TotalVirtual"]
    assert set(win32api.GlobalMemoryStatus()) == set(m) - {"AvailExtendedVirtual"}


def test_tick_count_is_time_since_boot():
    with open("/proc/uptime") as f:
        uptime_ms = float(f.read().split()[0]) * 1000
    t64 = win32api.GetTickCount64()
    assert abs(t64 - uptime_ms) < 5000
    # GetTickCount is the same clock cut to 32 bits (read a moment later).
    assert (win32api.GetTickCount() - (t64 & 0xFFFFFFFF)) % 2**32 < 5000


def test_names():
    host = socket.gethostname()
    assert win32api.GetComputerName() == host.split(".")[0].upper()[:15]
    assert win32api.GetComputerNameEx(1) == host.split(".")[0]
    assert win32api.GetComputerNameEx(3).split(".")[0] == host.split(".")[0]
    assert win32api.GetUserName() == pwd.getpwuid(os.geteuid()).pw_name
    assert win32api.GetUserNameEx(2) == win32api.GetComputerName() + "\\" + win32api.GetUserName()
    with pytest.raises(pywintypes.error) as e:
        win32api.GetUserNameEx(1)  # NameFullyQualifiedDN: a local account has none
    assert_winerror(e, 1332)
    with pytest.raises(pywintypes.error) as e:
        win32api.GetComputerNameEx(99)
    assert_winerror(e, 87)


def test_version():
    major, minor, build, platform, csd = win32api.GetVersionEx()
    assert (major, platform) == (10, 2)
    v = win32api.GetVersion()
    assert v & 0xFF == major and (v >> 8) & 0xFF == minor and v >> 16 == build
    assert len(win32api.GetVersionEx(1)) == 10


def test_environment_variables_ignore_case_and_reach_children():
    win32api.SetEnvironmentVariable("W32T_Var", "value")
    assert os.environ["W32T_Var"] == "value"
    assert win32api.GetEnvironmentVariable("w32t_var") == "value"
    assert win32api.ExpandEnvironmentStrings("<%W32T_VAR%> %W32T_NONE% 100%") == "<value> %W32T_NONE% 100%"
    win32api.SetEnvironmentVariable("W32T_VAR", "second")  # keeps the first spelling
    assert os.environ["W32T_Var"] == "second" and "W32T_VAR" not in os.environ
    import subprocess
    out = subprocess.run([sys.executable, "-c", "import os; print(os.environ['W32T_Var'])"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "second"
    win32api.SetEnvironmentVariable("w32t_var", None)
    assert win32api.GetEnvironmentVariable("W32T_Var") is None
    with pytest.raises(pywintypes.error) as e:
        win32api.SetEnvironmentVariable("W32T_Var", None)
    assert_winerror(e, 203)
    with pytest.raises(pywintypes.error) as e:
        win32api.SetEnvironmentVariable("A=B", "x")
    assert_winerror(e, 87)
    with pytest.raises(TypeError):
        win32api.SetEnvironmentVariable("W32T_X", 5)


def test_times():
    before = time.time()
    st = win32api.GetSystemTime()
    utc = time.gmtime(before)
    assert st[0] == utc.tm_year and st[1] == utc.tm_mon and st[2] == (utc.tm_wday + 1) % 7
    lt = win32api.GetLocalTime()
    assert lt[0] == time.localtime().tm_year
    ft = win32api.GetSystemTimeAsFileTime()
    assert abs(ft.timestamp() - before) < 5


def test_time_zone_rules(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    code, (bias, sname, sdate, sbias, dname, ddate, dbias) = win32api.GetTimeZoneInformation()
    assert code in (1, 2)
    assert (bias, sbias, dbias) == (-60, 0, -60)
    assert sdate == (0, 10, 0, 5, 3, 0, 0, 0)  # last Sunday of October, 03:00
    assert ddate == (0, 3, 0, 5, 2, 0, 0, 0)   # last Sunday of March, 02:00
    monkeypatch.setenv("TZ", "America/New_York")
    code, (bias, _, sdate, _, _, ddate, _) = win32api.GetTimeZoneInformation()
    assert bias == 300 and sdate[1:4] == (11, 0, 1) and ddate[1:4] == (3, 0, 2)
    monkeypatch.setenv("TZ", "UTC")
    assert win32api.GetTimeZoneInformation()[0] == 0
    monkeypatch.delenv("TZ")
    time.tzset()


def test_temp_files(tmp_path):
    assert win32api.GetTempPath().endswith("/")
    name, unique = win32api.GetTempFileName(str(tmp_path), "prefix")
    assert os.path.basename(name) == "pre%X.tmp" % unique and os.path.isfile(name)
    name2, unique2 = win32api.GetTempFileName(str(tmp_path), "prefix")
    assert name2 != name
    assert win32api.GetTempFileName(str(tmp_path), "x", 0x1234) == (str(tmp_path / "x1234.tmp"), 0x1234)
    with pytest.raises(pywintypes.error) as e:
        win32api.GetTempFileName(str(tmp_path / "missing"), "x")
    assert_winerror(e, 267)


def test_modules():
    h = win32api.LoadLibrary("libm.so.6")
    cos = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(win32api.GetProcAddress(h, "cos"))
    assert cos(0.0) == 1.0
    assert os.path.basename(win32api.GetModuleFileName(h)).startswith("libm")
    with pytest.raises(pywintypes.error) as e:
        win32api.GetProcAddress(h, "no_such_symbol_w32t")
    assert_winerror(e, 127, "GetProcAddress")
    win32api.FreeLibrary(h)
    assert os.path.realpath(win32api.GetModuleFileName(None)) == os.path.realpath(sys.executable)
    assert win32api.GetModuleHandle(None) != 0
    assert win32api.GetModuleHandle("libc.so.6") != 0
    with pytest.raises(pywintypes.error) as e:
        win32api.LoadLibrary("kernel32.dll")
    assert_winerror(e, 126, "LoadLibrary")
    with pytest.raises(pywintypes.error) as e:
        win32api.GetModuleHandle("libw32t-not-loaded.so")
    assert_winerror(e, 126)
    for forged in (12345, 0):
        with pytest.raises(pywintypes.error) as e:
            win32api.FreeLibrary(forged)
        assert_winerror(e, 6)
        with pytest.raises(pywintypes.error) as e:
            win32api.GetProcAddress(forged, "cos")
        assert_winerror(e, 6)
    with pytest.raises(TypeError):
        win32api.FreeLibrary("libm")
    assert win32api.GetSystemDirectory() == os.path.dirname(win32api.GetModuleFileName(win32api.GetModuleHandle("libc.so.6")))


def test_dll_directory(tmp_path):
    import shutil
    libm = win32api.GetModuleFileName(win32api.GetModuleHandle("libm.so.6"))
    shutil.copy(libm, tmp_path / "libw32tcopy.so")
    with pytest.raises(pywintypes.error):
        win32api.LoadLibrary("libw32tcopy.so")
    win32api.SetDllDirectory(str(tmp_path))
    try:
        assert win32api.GetDllDirectory() == str(tmp_path)
        h = win32api.LoadLibrary("libw32tcopy.so")
        assert win32api.GetModuleFileName(h) == str(tmp_path / "libw32tcopy.so")
        win32api.FreeLibrary(h)
    finally:
        win32api.SetDllDirectory(None)


def test_command_line():
    assert win32api.CommandLineToArgv(r'prog "a b" c\\"d e" f\g ""') == ["prog", "a b", 'c\\d e', "f\\g", ""]
    assert win32api.CommandLineToArgv(r'"C:\Program Files\x.exe" a\\\"b') == ["C:\\Program Files\\x.exe", 'a\\"b']
    argv = win32api.CommandLineToArgv(win32api.GetCommandLine())
    assert argv == open("/proc/self/cmdline").read().rstrip("\0").split("\0")


def test_helpers():
    assert win32api.HIWORD(0x12345678) == 0x1234 and win32api.LOWORD(0x12345678) == 0x5678
    assert win32api.HIBYTE(0x1234) == 0x12 and win32api.LOBYTE(0x1234) == 0x34
    assert win32api.MAKELONG(0x5678, 0x1234) == 0x12345678 and win32api.MAKEWORD(0x34, 0x12) == 0x1234
    assert win32api.RGB(1, 2, 3) == 0x030201
    assert win32api.MAKELANGID(0x09, 0x01) == 0x0409
    assert win32api.GetSystemMetrics(0) == 0  # SM_CXSCREEN: no display
    assert win32api.GetSystemMetrics(0x1000) == (1 if os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT") else 0)
    up = any(open("/sys/class/net/%s/operstate" % n).read().strip() in ("up", "unknown")
             for n in os.listdir("/sys/class/net") if n != "lo")
    assert win32api.GetSystemMetrics(63) == (1 if up else 0)  # SM_NETWORK
    assert win32api.SetErrorMode(1) == 0 and win32api.SetErrorMode(0) == 1


def test_locale_ids(monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_CTYPE", raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert win32api.GetUserDefaultLCID() == 0x0407 and win32api.GetUserDefaultLangID() == 0x0407
    monkeypatch.setenv("LANG", "C")
    assert win32api.GetSystemDefaultLCID() == 0x0409


def test_beep_validates_and_waits():
    with pytest.raises(pywintypes.error) as e:
        win32api.Beep(10, 10)
    assert_winerror(e, 87)
    win32api.Beep(440, 1)
    win32api.MessageBeep(0)


def test_shell_execute_runs_programs(tmp_path):
    out = tmp_path / "out.txt"
    script = tmp_path / "prog.sh"
    script.write_text('#!/bin/sh\nprintf "%s|" "$@" > "$PWD/out.txt"\n')
    script.chmod(0o755)
    pid = win32api.ShellExecute(0, "open", str(script), 'one "two three"', str(tmp_path), 1)
    assert pid > 0
    deadline = time.time() + 15
    while not (out.exists() and out.read_text()) and time.time() < deadline:
        time.sleep(0.02)
    assert out.read_text() == "one|two three|"
    with pytest.raises(pywintypes.error) as e:
        win32api.ShellExecute(0, "open", str(tmp_path / "missing.txt"), "", None, 1)
    assert_winerror(e, 2)
    with pytest.raises(pywintypes.error) as e:
        win32api.ShellExecute(0, "print", str(script), "", None, 1)
    assert_winerror(e, 1155)


def test_file_version_info_has_no_resources():
    with pytest.raises(pywintypes.error) as e:
        win32api.GetFileVersionInfo(sys.executable, "\\")
    assert_winerror(e, 1813)
    with pytest.raises(pywintypes.error) as e:
        win32api.GetFileVersionInfo("/no/such/w32t", "\\")
    assert_winerror(e, 2)


def test_sleep():
    win32api.Sleep(1)
    assert win32api.SleepEx(0, 0) == 0
    with pytest.raises(pywintypes.error):
        win32api.Sleep(-5)


def test_keyboard_state_is_not_supported():
    with pytest.raises(pywintypes.error) as e:
        win32api.GetKeyState(0x10)
    assert_winerror(e, 50)


def test_handle_information():
    import win32event
    e = win32event.CreateEvent(None, 0, 0, None)
    assert win32api.GetHandleInformation(e) == 0
    win32api.SetHandleInformation(e, 1, 1)  # HANDLE_FLAG_INHERIT
    assert win32api.GetHandleInformation(e) == 1
    win32api.SetHandleInformation(e, 1, 0)
    assert win32api.GetHandleInformation(e) == 0
    with pytest.raises(pywintypes.error) as ex:
        win32api.SetHandleInformation(e, 2, 2)  # HANDLE_FLAG_PROTECT_FROM_CLOSE
    assert_winerror(ex, 50)
    with pytest.raises(pywintypes.error) as ex:
        win32api.GetHandleInformation(0x7777770)
    assert_winerror(ex, 6)
    e.Close()


def test_search_path(tmp_path):
    (tmp_path / "tool.cfg").write_text("x")
    full, index = win32api.SearchPath(str(tmp_path), "tool", ".cfg")
    assert full == str(tmp_path / "tool.cfg") and full[index:] == "tool.cfg"
    assert win32api.SearchPath(None, "sh")[0] == __import__("shutil").which("sh")
    with pytest.raises(pywintypes.error) as e:
        win32api.SearchPath(str(tmp_path), "missing.cfg")
    assert_winerror(e, 2)


def test_win_exec(tmp_path):
    marker = tmp_path / "ran"
    win32api.WinExec('touch "%s"' % marker, 1)
    deadline = time.time() + 15
    while not marker.exists() and time.time() < deadline:
        time.sleep(0.02)
    assert marker.exists()
    with pytest.raises(pywintypes.error) as e:
        win32api.WinExec("w32t-no-such-program arg", 1)
    assert_winerror(e, 2)


def test_power_status_from_sysfs():
    status = win32api.GetSystemPowerStatus()
    assert set(status) == {"ACLineStatus", "BatteryFlag", "BatteryLifePercent", "SystemStatusFlag",
                           "BatteryLifeTime", "BatteryFullLifeTime"}
    base = "/sys/class/power_supply"
    has_battery = os.path.isdir(base) and any(
        open(os.path.join(base, d, "type")).read().strip() == "Battery" for d in os.listdir(base))
    assert (status["BatteryFlag"] == 128) == (not has_battery)


def test_console_title_without_terminal():
    import subprocess
    code = ("import win32api\n"
            "try:\n    win32api.SetConsoleTitle('x')\nexcept win32api.error as e:\n    print(e.winerror)\n"
            "print(win32api.GetConsoleTitle().startswith(__import__('sys').executable))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       start_new_session=True, stdin=subprocess.DEVNULL, cwd=os.environ["PYWIN32_POSIX_ROOT"])
    assert r.stdout.split() == ["6", "True"], r.stderr


# winnls.h (the generated win32con lacks them).
DATE_LONGDATE = 0x2
TIME_NOSECONDS = 0x2
TIME_NOTIMEMARKER = 0x4
TIME_FORCE24HOURFORMAT = 0x8


def test_date_and_time_pictures():
    import datetime
    t = datetime.datetime(2024, 3, 5, 14, 7, 9)
    assert win32api.GetDateFormat(0, 0, t) == "3/5/2024"
    assert win32api.GetDateFormat(0, DATE_LONGDATE, t) == "Tuesday, March 5, 2024"
    assert win32api.GetDateFormat(0, 0, t, "dd'.'MM'.'yy ddd MMM 'o''clock'") == "05.03.24 Tue Mar o'clock"
    assert win32api.GetTimeFormat(0, 0, t) == "2:07:09 PM"
    assert win32api.GetTimeFormat(0, TIME_NOSECONDS, t) == "2:07 PM"
    assert win32api.GetTimeFormat(0, TIME_FORCE24HOURFORMAT, t) == "14:07:09"
    assert win32api.GetTimeFormat(0, TIME_NOTIMEMARKER, t) == "2:07:09"
    assert win32api.GetTimeFormat(0, 0, t, "HH:mm t") == "14:07 P"
    assert win32api.GetTimeFormat(0, 0, datetime.datetime(2024, 1, 1, 0, 5)) == "12:05:00 AM"
    assert win32api.GetDateFormat(0, 0, None)  # now
    with pytest.raises(TypeError):
        win32api.GetDateFormat(0, 0, "2024-03-05")


def test_windows_paths_go_through_the_drive_table():
    c_root = win32api._native._posix_path("C:\\", "test")
    os.makedirs(os.path.join(c_root, "W32tTemp"), exist_ok=True)
    name, unique = win32api.GetTempFileName("C:\\W32tTemp", "win")
    assert name == "C:\\W32tTemp\\win%X.tmp" % unique
    assert os.path.isfile(os.path.join(c_root, "W32tTemp", "win%X.tmp" % unique))
    assert win32api.SearchPath("Z:\\usr\\bin;Z:\\bin", "sh")[0] in ("/usr/bin/sh", "/bin/sh")
    libm = win32api.GetModuleFileName(win32api.GetModuleHandle("libm.so.6"))
    h = win32api.LoadLibrary("Z:" + libm.replace("/", "\\"))
    assert win32api.GetModuleFileName(h) == os.path.realpath(libm)
    win32api.FreeLibrary(h)


def test_output_debug_string_reaches_a_monitor_process():
    import struct
    import subprocess
    import mmapfile
    import win32event
    from w32util import LineReader, finish, popen_py
    win32api.OutputDebugString("nobody listens")  # no monitor: returns at once
    monitor = popen_py("""
        import struct, mmapfile, win32event
        ready = win32event.CreateEvent(None, 0, 0, "DBWIN_BUFFER_READY")
        data = win32event.CreateEvent(None, 0, 0, "DBWIN_DATA_READY")
        view = mmapfile.mmapfile(None, "DBWIN_BUFFER", 4096)
        win32event.SetEvent(ready)
        print("listening", flush=True)
        for _ in range(2):
            assert win32event.WaitForSingleObject(data, 15000) == win32event.WAIT_OBJECT_0
            view.seek(0)
            raw = view.read(4096)
            pid = struct.unpack("<I", raw[:4])[0]
            print(pid, raw[4:raw.index(b"\\0", 4)].decode(), flush=True)
            win32event.SetEvent(ready)
        """)
    lines = LineReader(monitor)
    assert lines.get() == "listening"
    win32api.OutputDebugString("hello monitor")
    assert lines.get() == "%d hello monitor" % os.getpid()
    win32api.OutputDebugString("x" * 5000)
    pid, text = lines.get().split(" ")
    assert int(pid) == os.getpid() and text == "x" * 4091
    rc, out, err = finish(monitor)
    assert rc == 0, err


def test_std_handles():
    import subprocess
    code = """
import win32api, win32file, win32event
out = win32api.GetStdHandle(win32api.STD_OUTPUT_HANDLE)
assert out and out == win32api.GetStdHandle(win32api.STD_OUTPUT_HANDLE)
win32file.WriteFile(out, b"through the handle\\n")
ev = win32event.CreateEvent(None, 0, 0, None)
win32api.SetStdHandle(win32api.STD_ERROR_HANDLE, ev)
assert win32api.GetStdHandle(win32api.STD_ERROR_HANDLE) == int(ev)
try:
    win32api.GetStdHandle(-13)
except win32api.error as e:
    print(e.winerror)
try:
    win32api.SetStdHandle(win32api.STD_INPUT_HANDLE, 0x7777770)
except win32api.error as e:
    print(e.winerror)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       cwd=os.environ["PYWIN32_POSIX_ROOT"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:3] == ["through the handle", "6", "6"]


def test_debug_break_ends_the_process_without_a_debugger():
    import signal
    import subprocess
    r = subprocess.run([sys.executable, "-c", "import win32api; win32api.DebugBreak(); print('survived')"],
                       capture_output=True, text=True, timeout=60, cwd=os.environ["PYWIN32_POSIX_ROOT"])
    assert r.returncode == -signal.SIGTRAP and "survived" not in r.stdout


def test_apply_and_domain_name():
    assert win32api.Apply(None, lambda a, b: a + b, (2, 3)) == 5
    with pytest.raises(ZeroDivisionError):
        win32api.Apply(lambda *a: 0, lambda: 1 / 0, ())
    assert win32api.GetDomainName().isupper() or win32api.GetDomainName() == "WORKGROUP"


def test_setting_the_clock_needs_the_privilege():
    import shutil
    import subprocess
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv is not installed")
    code = ("import win32api, pywintypes, datetime\n"
            "for call in (lambda: win32api.SetSystemTime(*win32api.GetSystemTime()),\n"
            "             lambda: win32api.SetLocalTime(datetime.datetime.now())):\n"
            "    try:\n        call()\n    except win32api.error as e:\n        print(e.winerror)\n")
    # Without CAP_SYS_TIME (even as root): the call must be refused, the clock untouched.
    r = subprocess.run(["setpriv", "--inh-caps=-all", "--bounding-set=-sys_time", sys.executable, "-c", code],
                       capture_output=True, text=True, timeout=60, cwd=os.environ["PYWIN32_POSIX_ROOT"])
    if r.returncode != 0 and "setpriv" in r.stderr:
        pytest.skip("setpriv cannot drop capabilities here: " + r.stderr.strip())
    assert r.stdout.split() == ["1314", "1314"], r.stderr
    with pytest.raises(pywintypes.error) as e:
        win32api.SetSystemTime(2024, 13, 0, 1, 0, 0, 0, 0)
    assert_winerror(e, 87)
    with pytest.raises(TypeError):
        win32api.SetLocalTime("now")


def test_system_bad_input(tmp_path):
    import win32event
    with pytest.raises(pywintypes.error) as e:
        win32api.GetVersionEx(2)
    assert_winerror(e, 87)
    for name in ("", "lib\0m.so"):
        with pytest.raises(pywintypes.error) as e:
            win32api.LoadLibrary(name)
        assert_winerror(e, 87)
    ev = win32event.CreateEvent(None, 0, 0, None)
    with pytest.raises(pywintypes.error) as e:
        win32api.SetHandleInformation(ev, 4, 4)
    assert_winerror(e, 87)
    with pytest.raises(pywintypes.error) as e:
        win32api.ShellExecute(0, "open", "sh", "", str(tmp_path / "nodir"), 1)
    assert_winerror(e, 267)
    with pytest.raises(TypeError):
        win32api.ExpandEnvironmentStrings(5)
    assert win32api.GetEnvironmentVariable("") is None
    assert win32api.GetEnvironmentVariable("A=B") is None
