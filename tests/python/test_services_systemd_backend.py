"""The service manager's systemd backend against a real systemd: a private
`systemd --user` started for this module (in a mount namespace of its own,
where /run/systemd/system says systemd runs the machine). Service processes
become transient units that systemd supervises, while the controls, status
and recovery stay the manager's."""
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time

import pytest

from w32util import finish

HERE = os.path.dirname(os.path.abspath(__file__))
SYSTEMD = "/lib/systemd/systemd"

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not os.path.exists(SYSTEMD) or not shutil.which("systemd-run")
    or not shutil.which("unshare"),
    reason="needs root (a mount namespace), systemd and systemd-run")


@pytest.fixture(scope="module")
def user_manager():
    """XDG_RUNTIME_DIR of a running private systemd user manager."""
    run = tempfile.mkdtemp(prefix="w32sd-")
    os.chmod(run, 0o700)
    log = open(os.path.join(run, "systemd.log"), "w")
    script = ("mount -t tmpfs none /run/systemd 2>/dev/null || "
              "{ mkdir -p /run/systemd && mount -t tmpfs none /run/systemd; } && "
              "mkdir -p /run/systemd/system && exec " + SYSTEMD + " --user")
    proc = subprocess.Popen(["unshare", "-m", "sh", "-c", script], env={**os.environ, "XDG_RUNTIME_DIR": run},
                            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    deadline = time.monotonic() + 20
    while not os.path.exists(os.path.join(run, "systemd", "private")):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            log.close()
            with open(os.path.join(run, "systemd.log")) as f:
                reason = f.read()[-400:]
            shutil.rmtree(run, ignore_errors=True)
            pytest.skip("a private systemd user manager does not start here: " + reason)
        time.sleep(0.1)
    try:
        yield run
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(run, ignore_errors=True)


SCENARIO = r"""
import os, signal, subprocess, sys, time
sys.path.insert(0, sys.argv[1])
import pywintypes, win32service, win32serviceutil, winerror
import svc_helpers as sh
from pywin32_posix import _session

def systemctl(*args):
    return subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True, timeout=30).stdout

def unit_of(pid):
    with open("/proc/%d/cgroup" % pid) as f:
        for line in f:
            name = line.rstrip().rsplit("/", 1)[-1]
            if name.startswith("pywin32-") and name.endswith(".service"):
                return name
    return None

def pid_of(name):
    scm = sh.Scm(); s = scm.open(name)
    try:
        return win32service.QueryServiceStatusEx(s)["ProcessId"]
    finally:
        win32service.CloseServiceHandle(s); scm.close()

name = sh.install("SdEcho")
try:
    win32serviceutil.StartService(name, ["a"])
    sh.wait_state(name, win32service.SERVICE_RUNNING)
    pid = pid_of(name)
    unit = unit_of(pid)
    print("unit", unit)
    print("show", systemctl("show", "--property=MainPID", "--property=ActiveState", unit).split())
    # Its parent is the user manager, not ours.
    ppid = int(open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[1])
    print("parent", ppid != win32service._ManagerPid())
    win32serviceutil.ControlService(name, win32service.SERVICE_CONTROL_PAUSE)
    sh.wait_state(name, win32service.SERVICE_PAUSED)
    win32serviceutil.ControlService(name, win32service.SERVICE_CONTROL_CONTINUE)
    sh.wait_state(name, win32service.SERVICE_RUNNING)
    # The manager goes; the service, systemd's, stays and is adopted by the next one.
    manager_pid = win32service._ManagerPid()
    os.kill(manager_pid, signal.SIGKILL)
    sh.wait_for(lambda: not os.path.exists("/proc/%d" % manager_pid) or
                open("/proc/%d/stat" % manager_pid).read().rsplit(")", 1)[1].split()[0] == "Z",
                what="the manager to die")
    print("manager", win32service._ManagerPid() != manager_pid)
    print("after-manager", sh.state(name) == win32service.SERVICE_RUNNING, pid_of(name) == pid)
    # Killed: the manager says it stopped, with ERROR_PROCESS_ABORTED; the unit is gone.
    before = win32service._ManagerPid()
    os.kill(pid, signal.SIGKILL)
    sh.wait_state(name, win32service.SERVICE_STOPPED)
    print("managers", before, win32service._ManagerPid(), systemctl("list-units", "--all", "--plain", "--no-legend").replace("\n", ";"), file=sys.stderr)
    scm = sh.Scm(); s = scm.open(name)
    print("exit", win32service.QueryServiceStatusEx(s)["Win32ExitCode"])
    win32service.CloseServiceHandle(s); scm.close()
    sh.wait_for(lambda: systemctl("show", "--property=ActiveState", "--value", unit).strip() != "active",
                what="the unit to end")
    # Started again (the old unit reset), then stopped through the manager.
    win32serviceutil.StartService(name)
    sh.wait_state(name, win32service.SERVICE_RUNNING)
    again = pid_of(name)
    print("again", again != pid, unit_of(again) == unit)
    win32serviceutil.StopService(name)
    sh.wait_state(name, win32service.SERVICE_STOPPED)
    print("records", sh.records(name))
finally:
    sh.remove(name)
    _session.stop_service_manager(os.environ["PYWIN32_POSIX_ROOT"])
"""


def test_services_run_as_systemd_units(user_manager):
    # Short: the manager's socket path must fit AF_UNIX's 108 bytes.
    root = tempfile.mkdtemp(prefix="w32sd-root-")
    env = {**os.environ, "PYWIN32_POSIX_ROOT": str(root), "XDG_RUNTIME_DIR": user_manager,
           "PYWIN32_POSIX_SCM_BACKEND": "systemd", "PYWIN32_POSIX_SCM_SYSTEMD_SCOPE": "user",
           "PYWIN32_POSIX_SCM_START_TIMEOUT_MS": "20000", "PYWIN32_POSIX_SCM_CONTROL_TIMEOUT_MS": "4000"}
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(SCENARIO), HERE], env=env, cwd=str(root),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    code, out, err = finish(proc, timeout=180)
    manager_log = os.path.join(root, "run", "services", "manager.log")
    if os.path.exists(manager_log):
        with open(manager_log) as f:
            err += "\nmanager.log:\n" + f.read()[-2000:]
    shutil.rmtree(root, ignore_errors=True)
    assert code == 0, out + err
    lines = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    unit = lines["unit"]
    assert unit.startswith("pywin32-") and unit.endswith("-sdecho.service"), out
    show = eval(lines["show"])  # noqa: S307 - our own child's print of a list
    assert "ActiveState=active" in show and any(s.startswith("MainPID=") and s != "MainPID=0" for s in show)
    assert lines["manager"] == "True" and lines["after-manager"] == "True True", out
    assert lines["parent"] == "True", out
    assert lines["exit"] == "1067", out + err
    assert lines["again"] == "True True", out
    assert "'stop'" in lines["records"] and "'pause'" in lines["records"], out


BOOT = r"""
import os, subprocess, sys
sys.path.insert(0, sys.argv[1])
import win32service, win32serviceutil
import svc_helpers as sh
from pywin32_posix import _session, systemd_units

def systemctl(*args):
    r = subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True, timeout=60)
    return r.stdout.strip()

root = os.environ["PYWIN32_POSIX_ROOT"]
name = sh.install("SdBoot", startType=win32service.SERVICE_AUTO_START)
_session.stop_service_manager(root)
# As at login: the manager's unit starts, and it starts the auto-start service.
unit_dir = os.path.join(os.environ["XDG_RUNTIME_DIR"], "systemd", "user")
print("unit", os.path.basename(systemd_units.write_manager_unit(unit_dir)))
ok, output = systemd_units.verify([os.path.join(unit_dir, systemd_units.MANAGER_UNIT)])
print("verify", ok, output.replace("\n", " ")[:300])
systemctl("daemon-reload")
systemctl("start", systemd_units.MANAGER_UNIT)
print("active", systemctl("show", "--property=ActiveState", "--value", systemd_units.MANAGER_UNIT))
sh.wait_state(name, win32service.SERVICE_RUNNING, timeout=60)
manager_main = systemctl("show", "--property=MainPID", "--value", systemd_units.MANAGER_UNIT)
print("same-manager", str(win32service._ManagerPid()) == manager_main)
# Stopping the manager's unit stops the services through it.
systemctl("stop", systemd_units.MANAGER_UNIT)
print("records", sh.records(name))
os.remove(os.path.join(unit_dir, systemd_units.MANAGER_UNIT))
systemctl("daemon-reload")
sh.remove(name)
_session.stop_service_manager(root)
"""


def test_the_manager_as_a_unit_starts_auto_services(user_manager):
    root = tempfile.mkdtemp(prefix="w32sd-boot-")
    env = {**os.environ, "PYWIN32_POSIX_ROOT": root, "XDG_RUNTIME_DIR": user_manager,
           "PYWIN32_POSIX_SCM_BACKEND": "systemd", "PYWIN32_POSIX_SCM_SYSTEMD_SCOPE": "user",
           "PYWIN32_POSIX_SCM_START_TIMEOUT_MS": "20000", "PYWIN32_POSIX_SCM_CONTROL_TIMEOUT_MS": "4000"}
    proc = subprocess.Popen([sys.executable, "-c", textwrap.dedent(BOOT), HERE], env=env, cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    code, out, err = finish(proc, timeout=240)
    shutil.rmtree(root, ignore_errors=True)
    assert code == 0, out + err
    lines = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    assert lines["unit"] == "pywin32-service-manager.service"
    assert lines["verify"].startswith("True"), out
    assert lines["active"] == "active", out
    assert lines["same-manager"] == "True", out
    assert "'shutdown'" in lines["records"] or "'stop'" in lines["records"], out
