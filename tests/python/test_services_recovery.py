"""What survives a kill -9: of a service (reported stopped, or restarted
per its failure actions) and of the manager itself (clients get a clean
error, the next one starts a new manager, running services reconnect)."""
import os
import signal

import pytest
import pywintypes
import win32service
import win32serviceutil
import winerror

import svc_helpers as sh
from pywin32_posix import _session
from svc_helpers import manager  # noqa: F401
from w32util import assert_winerror

pytestmark = pytest.mark.usefixtures("manager")


def service_pid(name):
    scm = sh.Scm()
    s = scm.open(name)
    try:
        return win32service.QueryServiceStatusEx(s)["ProcessId"]
    finally:
        win32service.CloseServiceHandle(s)
        scm.close()


def running_pid(name):
    sh.wait_state(name, win32service.SERVICE_RUNNING)
    return sh.wait_for(lambda: service_pid(name), what="the service's pid")


def test_killed_service_is_reported_stopped():
    name = sh.install("RecKilled")
    try:
        win32serviceutil.StartService(name)
        pid = running_pid(name)
        os.kill(pid, signal.SIGKILL)
        sh.wait_state(name, win32service.SERVICE_STOPPED)
        status = win32serviceutil.QueryServiceStatus(name)
        assert status[3] == winerror.ERROR_PROCESS_ABORTED
        # And it starts again.
        win32serviceutil.StartService(name)
        assert running_pid(name) != pid
    finally:
        sh.remove(name)


def test_failure_actions_restart_a_killed_service():
    name = sh.install("RecRestart")
    scm = sh.Scm()
    s = scm.open(name)
    win32service.ChangeServiceConfig2(s, win32service.SERVICE_CONFIG_FAILURE_ACTIONS, {
        "ResetPeriod": 3600, "Actions": ((win32service.SC_ACTION_RESTART, 200),
                                         (win32service.SC_ACTION_NONE, 0))})
    win32service.CloseServiceHandle(s)
    scm.close()
    try:
        win32serviceutil.StartService(name)
        first = running_pid(name)
        os.kill(first, signal.SIGKILL)
        second = sh.wait_for(lambda: (service_pid(name) not in (0, first)) and service_pid(name),
                             what="the restart")
        sh.wait_state(name, win32service.SERVICE_RUNNING)
        # The second failure's action is NONE: it stays stopped.
        os.kill(second, signal.SIGKILL)
        sh.wait_state(name, win32service.SERVICE_STOPPED)
        import time
        time.sleep(0.5)
        assert sh.state(name) == win32service.SERVICE_STOPPED
        # A stop asked for is not a failure: no restart.
        win32serviceutil.StartService(name)
        running_pid(name)
        win32serviceutil.StopService(name)
        sh.wait_state(name, win32service.SERVICE_STOPPED)
        time.sleep(0.5)
        assert sh.state(name) == win32service.SERVICE_STOPPED
    finally:
        sh.remove(name)


def test_killed_manager_recovers_services_and_clients_get_a_clean_error():
    name = sh.install("RecManager")
    try:
        win32serviceutil.StartService(name)
        pid = running_pid(name)
        old_client = win32service.OpenSCManager(None, None, win32service.SC_MANAGER_ALL_ACCESS)
        manager_pid = win32service._ManagerPid()
        os.kill(manager_pid, signal.SIGKILL)
        sh.wait_for(lambda: not os.path.exists("/proc/%d" % manager_pid), what="the manager to die")
        assert_winerror(pytest.raises(pywintypes.error, win32service.EnumServicesStatus, old_client),
                        winerror.RPC_S_SERVER_UNAVAILABLE)
        win32service.CloseServiceHandle(old_client)
        # The next client starts a manager, which finds the service still running.
        assert win32service._ManagerPid() != manager_pid
        assert sh.state(name) == win32service.SERVICE_RUNNING
        assert service_pid(name) == pid
        # The service's dispatcher has reconnected: controls reach it.
        sh.wait_for(lambda: _pauses(name), timeout=20, what="a control to reach the service")
        win32serviceutil.StopService(name)
        sh.wait_state(name, win32service.SERVICE_STOPPED)
        assert sh.records(name)[-1] == "stopped"
    finally:
        sh.remove(name)


def _pauses(name):
    try:
        st = win32serviceutil.ControlService(name, win32service.SERVICE_CONTROL_PAUSE)
    except pywintypes.error as exc:
        if exc.winerror == winerror.ERROR_SERVICE_CANNOT_ACCEPT_CTRL:
            return False  # not reconnected yet
        raise
    win32serviceutil.ControlService(name, win32service.SERVICE_CONTROL_CONTINUE)
    return st[1] == win32service.SERVICE_PAUSED


def test_auto_start_services_start_with_the_manager():
    auto = sh.install("RecAuto", startType=win32service.SERVICE_AUTO_START)
    delayed = sh.install("RecDelayed", startType=win32service.SERVICE_AUTO_START, delayedstart=True)
    manual = sh.install("RecManual")
    try:
        _session.stop_service_manager(sh.ROOT)
        # Any client starts the manager again; it starts the auto services.
        sh.wait_state(auto, win32service.SERVICE_RUNNING)
        sh.wait_state(delayed, win32service.SERVICE_RUNNING)
        assert sh.state(manual) == win32service.SERVICE_STOPPED
    finally:
        for name in (auto, delayed, manual):
            sh.remove(name)


def test_manager_shutdown_stops_services_with_shutdown():
    name = sh.install("RecShutdown")
    try:
        win32serviceutil.StartService(name)
        pid = running_pid(name)
        _session.stop_service_manager(sh.ROOT)
        assert "shutdown" in sh.records(name)
        sh.wait_for(lambda: not os.path.exists("/proc/%d" % pid), what="the service process to end")
        assert sh.state(name) == win32service.SERVICE_STOPPED
    finally:
        sh.remove(name)


IDLE_CHILD = """
import os, sys, time, win32service
h = win32service.OpenSCManager(None, None, win32service.SC_MANAGER_ALL_ACCESS)
first = win32service._ManagerPid()
win32service.CloseServiceHandle(h)
deadline = time.monotonic() + 20
while os.path.exists("/proc/%d" % first) and time.monotonic() < deadline:
    time.sleep(0.05)
gone = not os.path.exists("/proc/%d" % first)
h = win32service.OpenSCManager(None, None, win32service.SC_MANAGER_ALL_ACCESS)
print(gone, win32service._ManagerPid() != first)
"""


def test_an_idle_manager_leaves_and_the_next_client_starts_another(tmp_path):
    import subprocess
    import sys
    env = dict(os.environ, PYWIN32_POSIX_ROOT=str(tmp_path / "root"), PYWIN32_POSIX_SCM_IDLE_EXIT_MS="300")
    try:
        r = subprocess.run([sys.executable, "-c", IDLE_CHILD], env=env, capture_output=True, text=True, timeout=120)
        assert r.stdout.split() == ["True", "True"], r.stdout + r.stderr
    finally:
        _session.remove_private_session(str(tmp_path / "root"))
