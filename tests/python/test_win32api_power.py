"""win32api's shutdown, power-state and file-cache functions.

Nothing here may stop the machine: every test runs with
PYWIN32_POSIX_SHUTDOWN_COMMAND pointing at a script that only records what it
was asked (set for the whole module, children included, before any test)."""
import os
import shutil
import subprocess
import sys

import pytest
import pywintypes
import win32api
import win32con
import winerror

from w32util import assert_winerror

CAP_SYS_BOOT = 22


@pytest.fixture(autouse=True)
def recorder(tmp_path, monkeypatch):
    log = tmp_path / "shutdown.log"
    script = tmp_path / "record-shutdown"
    script.write_text('#!/bin/sh\nprintf "%%s\\n" "$*" >> "%s"\n' % log)
    script.chmod(0o755)
    monkeypatch.setenv("PYWIN32_POSIX_SHUTDOWN_COMMAND", str(script))
    yield log
    # A scheduled shutdown recorded by a test is the session's; drop it.
    record = os.path.join(win32api._native._state_dir(), "shutdown-scheduled")
    if os.path.exists(record):
        os.unlink(record)


def has_cap(bit):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) >> bit & 1)
    return False


needs_boot = pytest.mark.skipif(not has_cap(CAP_SYS_BOOT), reason="needs CAP_SYS_BOOT")


def recorded(log):
    return log.read_text().splitlines() if log.exists() else []


@needs_boot
def test_initiate_and_abort_run_shutdown(recorder):
    win32api.InitiateSystemShutdown(None, "going down", 90, False, True)
    assert recorded(recorder) == ["shutdown -r +2 going down"]
    assert_winerror(pytest.raises(pywintypes.error, win32api.InitiateSystemShutdown, None, "", 0, True, False),
                    winerror.ERROR_SHUTDOWN_IN_PROGRESS)
    win32api.AbortSystemShutdown(win32api.GetComputerName())
    assert recorded(recorder)[-1] == "shutdown -c"
    assert_winerror(pytest.raises(pywintypes.error, win32api.AbortSystemShutdown, None),
                    winerror.ERROR_NO_SHUTDOWN_IN_PROGRESS)
    win32api.InitiateSystemShutdown("", None, 0, True, False)
    assert recorded(recorder)[-1] == "shutdown -P +0"


@needs_boot
def test_exit_windows_ex_actions(recorder):
    win32api.ExitWindowsEx(win32con.EWX_REBOOT | win32con.EWX_FORCE)
    win32api.ExitWindowsEx(win32con.EWX_POWEROFF)
    win32api.ExitWindowsEx(win32con.EWX_SHUTDOWN | win32con.EWX_FORCEIFHUNG)
    assert recorded(recorder) == ["shutdown -r now", "shutdown -P now", "shutdown -h now"]
    assert_winerror(pytest.raises(pywintypes.error, win32api.ExitWindowsEx,
                                  win32con.EWX_REBOOT | win32con.EWX_SHUTDOWN),
                    winerror.ERROR_INVALID_PARAMETER)


def test_logoff_ends_the_login_session(recorder, monkeypatch):
    monkeypatch.setenv("XDG_SESSION_ID", "c42")
    win32api.ExitWindows()
    assert recorded(recorder) == ["loginctl terminate-session c42"]


@needs_boot
def test_set_system_power_state(recorder):
    with open("/sys/power/state") as f:
        states = f.read().split()
    for suspend, state, verb in ((True, "mem", "suspend"), (False, "disk", "hibernate")):
        if state in states:
            win32api.SetSystemPowerState(suspend, False)
            assert recorded(recorder)[-1] == "systemctl " + verb
        else:
            assert_winerror(pytest.raises(pywintypes.error, win32api.SetSystemPowerState, suspend, False),
                            winerror.ERROR_NOT_SUPPORTED)


def test_bad_arguments(recorder):
    for timeout in (-1, 10 * 365 * 24 * 3600 + 1):
        assert_winerror(pytest.raises(pywintypes.error, win32api.InitiateSystemShutdown, None, "", timeout, 0, 0),
                        winerror.ERROR_INVALID_PARAMETER)
    with pytest.raises(TypeError):
        win32api.InitiateSystemShutdown(None, 5, 0, 0, 0)
    with pytest.raises(TypeError):
        win32api.ExitWindowsEx("reboot")
    assert_winerror(pytest.raises(pywintypes.error, win32api.InitiateSystemShutdown, "\\\\otherhost", "", 0, 0, 0),
                    winerror.ERROR_NOT_SUPPORTED)
    assert recorded(recorder) == []


WITHOUT_BOOT = r"""
import win32api, win32con, pywintypes
out = []
for call in (lambda: win32api.InitiateSystemShutdown(None, "x", 0, True, True),
             lambda: win32api.AbortSystemShutdown(None),
             lambda: win32api.ExitWindowsEx(win32con.EWX_REBOOT),
             lambda: win32api.SetSystemPowerState(True, True)):
    try:
        call()
        out.append("ran")
    except pywintypes.error as e:
        out.append(str(e.winerror))
print(" ".join(out))
"""


def test_without_cap_sys_boot_privilege_not_held(recorder):
    cmd = [sys.executable, "-c", WITHOUT_BOOT]
    if has_cap(CAP_SYS_BOOT):
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            pytest.skip("cannot drop CAP_SYS_BOOT here")
        cmd = ["setpriv", "--inh-caps=-sys_boot", "--bounding-set=-sys_boot"] + cmd
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=os.environ["PYWIN32_POSIX_ROOT"])
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(winerror.ERROR_PRIVILEGE_NOT_HELD)] * 4
    assert recorded(recorder) == []


def test_pwr_capabilities_follow_sys_power_state():
    caps = win32api.GetPwrCapabilities()
    with open("/sys/power/state") as f:
        states = f.read().split()
    assert caps["SystemS3"] == ("mem" in states) and caps["SystemS4"] == ("disk" in states)
    assert caps["SystemS5"] is True
    assert len(caps["BatteryScale"]) == 3
    assert 0 < caps["ProcessorMinThrottle"] <= caps["ProcessorMaxThrottle"] == 100


def test_file_cache_size():
    low, high, flags = win32api.GetSystemFileCacheSize()
    with open("/proc/meminfo") as f:
        assert high == int(f.readline().split()[1]) * 1024
    assert (low, flags) == (0, 0)
    for args in ((10, 5, 0), (-5, 10, 0), (0, 10, 3), (0, 10, 0x10)):
        assert_winerror(pytest.raises(pywintypes.error, win32api.SetSystemFileCacheSize, *args),
                        winerror.ERROR_INVALID_PARAMETER)
    with pytest.raises(TypeError):
        win32api.SetSystemFileCacheSize("1", 2)
    expected = winerror.ERROR_NOT_SUPPORTED if has_cap(21) else winerror.ERROR_PRIVILEGE_NOT_HELD
    assert_winerror(pytest.raises(pywintypes.error, win32api.SetSystemFileCacheSize, 1 << 20, 1 << 30,
                                  win32con.FILE_CACHE_MAX_HARD_ENABLE if hasattr(win32con, "FILE_CACHE_MAX_HARD_ENABLE") else 1),
                    expected)
