"""Python services in processes of their own: started, paused, continued,
interrogated, sent user controls and stopped, through win32service, the
win32serviceutil functions and a service script's command line."""
import os
import signal
import subprocess
import sys
import time

import pytest
import pywintypes
import servicemanager
import win32service
import win32serviceutil
import winerror

import svc_helpers as sh
from svc_helpers import manager  # noqa: F401
from w32util import assert_winerror

pytestmark = pytest.mark.usefixtures("manager")


def test_api_lifecycle_in_another_process():
    name = sh.install("LifeApi", description="lifecycle")
    scm = sh.Scm()
    s = scm.open(name)
    try:
        win32service.StartService(s, ["one", "two"])
        sh.wait_state(name, win32service.SERVICE_RUNNING)
        status = win32service.QueryServiceStatusEx(s)
        pid = status["ProcessId"]
        assert pid not in (0, os.getpid())
        assert status["ControlsAccepted"] & win32service.SERVICE_ACCEPT_PAUSE_CONTINUE
        assert ("running %d" % pid) in sh.wait_for(lambda: [r for r in sh.records(name) if r.startswith("running")])
        assert "args one two" in sh.records(name)
        assert_winerror(pytest.raises(pywintypes.error, win32service.StartService, s, None),
                        winerror.ERROR_SERVICE_ALREADY_RUNNING)

        st = win32service.ControlService(s, win32service.SERVICE_CONTROL_PAUSE)
        assert st[1] == win32service.SERVICE_PAUSED  # the handler reported it before returning
        st = win32service.ControlService(s, win32service.SERVICE_CONTROL_CONTINUE)
        assert st[1] == win32service.SERVICE_RUNNING
        st = win32service.ControlService(s, win32service.SERVICE_CONTROL_INTERROGATE)
        assert st[1] == win32service.SERVICE_RUNNING
        win32service.ControlService(s, 200)  # user-defined
        assert "other 200" in sh.records(name)
        # Not accepted by this service (no SERVICE_ACCEPT_PARAMCHANGE).
        assert_winerror(pytest.raises(pywintypes.error, win32service.ControlService, s,
                                      win32service.SERVICE_CONTROL_PARAMCHANGE),
                        winerror.ERROR_INVALID_SERVICE_CONTROL)

        st = win32service.ControlService(s, win32service.SERVICE_CONTROL_STOP)
        assert st[1] in (win32service.SERVICE_STOP_PENDING, win32service.SERVICE_STOPPED)
        sh.wait_state(name, win32service.SERVICE_STOPPED)
        final = win32service.QueryServiceStatusEx(s)
        assert final["Win32ExitCode"] == 0 and final["ProcessId"] == 0
        assert sh.records(name)[-3:] == ["other 200", "stop", "stopped"]
        sh.wait_for(lambda: not os.path.exists("/proc/%d" % pid) or _zombie(pid), what="the process to end")
    finally:
        win32service.CloseServiceHandle(s)
        scm.close()
        sh.remove(name)


def _zombie(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in "ZX"
    except OSError:
        return True


def test_service_logs_to_the_event_log():
    import win32evtlog
    import win32evtlogutil
    name = sh.install("LifeLog")
    try:
        win32serviceutil.StartService(name)
        sh.wait_state(name, win32service.SERVICE_RUNNING)
        sh.wait_for(lambda: any(r.startswith("running") for r in sh.records(name)))
        h = win32evtlog.OpenEventLog(None, "Application")
        flags = win32evtlog.EVENTLOG_BACKWARDS_READ | win32evtlog.EVENTLOG_SEQUENTIAL_READ
        found = [r for r in win32evtlog.ReadEventLog(h, flags, 0) if r.SourceName == name]
        win32evtlog.CloseEventLog(h)
        assert found and found[0].EventID == servicemanager.PYS_SERVICE_STARTED
        assert win32evtlogutil.SafeFormatMessage(found[0], "Application").startswith(
            "The %s service has started" % name)
    finally:
        sh.remove(name)


def test_command_line_install_start_pause_continue_stop_remove():
    cls = "EchoService"
    name = "PyTestEcho"
    r = sh.run_sample(cls, "--startup", "manual", "install")
    assert r.returncode == 0 and "Service installed" in r.stdout, r.stdout + r.stderr
    try:
        r = sh.run_sample(cls, "install")
        # HandleCommandLine returns the Win32 code; an exit status keeps 8 bits of it.
        assert r.returncode != 0 and "(%d)" % winerror.ERROR_SERVICE_EXISTS in r.stdout, r.stdout
        r = sh.run_sample(cls, "--wait", "20", "start")
        assert r.returncode == 0, r.stdout + r.stderr
        assert sh.state(name) == win32service.SERVICE_RUNNING
        assert win32serviceutil.ControlService(name, win32service.SERVICE_CONTROL_PAUSE)[1] == \
            win32service.SERVICE_PAUSED
        assert win32serviceutil.ControlService(name, win32service.SERVICE_CONTROL_CONTINUE)[1] == \
            win32service.SERVICE_RUNNING
        r = sh.run_sample(cls, "--startup", "auto", "update")
        assert r.returncode == 0 and "Service updated" in r.stdout, r.stdout + r.stderr
        scm = sh.Scm()
        s = scm.open(name)
        assert win32service.QueryServiceConfig(s)[1] == win32service.SERVICE_AUTO_START
        win32service.CloseServiceHandle(s)
        scm.close()
        r = sh.run_sample(cls, "--wait", "20", "restart")
        assert r.returncode == 0, r.stdout + r.stderr
        assert sh.state(name) == win32service.SERVICE_RUNNING
        r = sh.run_sample(cls, "--wait", "20", "stop")
        assert r.returncode == 0, r.stdout + r.stderr
        assert sh.state(name) == win32service.SERVICE_STOPPED
        r = sh.run_sample(cls, "stop")
        assert r.returncode != 0 and "(%d)" % winerror.ERROR_SERVICE_NOT_ACTIVE in r.stdout, r.stdout
        lines = sh.records(name)
        assert lines.count("stop") == 2 and "pause" in lines and "continue" in lines
    finally:
        r = sh.run_sample(cls, "remove")
    assert r.returncode == 0 and "Service removed" in r.stdout, r.stdout + r.stderr
    assert_winerror(pytest.raises(pywintypes.error, win32serviceutil.QueryServiceStatus, name),
                    winerror.ERROR_SERVICE_DOES_NOT_EXIST)


def test_custom_options_and_class_string():
    name = sh.install("LifeOptions")
    try:
        assert win32serviceutil.GetServiceCustomOption(name, "port") is None
        assert win32serviceutil.GetServiceCustomOption(name, "port", 7) == 7
        win32serviceutil.SetServiceCustomOption(name, "port", 8080)
        win32serviceutil.SetServiceCustomOption(name, "Greeting", "hello")
        assert win32serviceutil.GetServiceCustomOption(name, "PORT") == 8080
        assert win32serviceutil.GetServiceCustomOption(name, "greeting") == "hello"
        with pytest.raises(TypeError):
            win32serviceutil.SetServiceCustomOption(name, "x", 1.5)
        import service_samples
        assert win32serviceutil.GetServiceClassString(service_samples.EchoService) == sh.class_string("EchoService")
        assert "pywin32_posix.pythonservice" in win32serviceutil.LocateSpecificServiceExe(name)
    finally:
        sh.remove(name)


def test_dependencies_start_first_and_block_stop():
    base = sh.install("LifeDepBase")
    top = sh.install("LifeDepTop", serviceDeps=["LifeDepBase"])
    try:
        win32serviceutil.StartService(top)
        sh.wait_state(top, win32service.SERVICE_RUNNING)
        assert sh.state(base) == win32service.SERVICE_RUNNING
        assert_winerror(pytest.raises(pywintypes.error, win32serviceutil.StopService, base),
                        winerror.ERROR_DEPENDENT_SERVICES_RUNNING)
        win32serviceutil.StopServiceWithDeps(base, waitSecs=20)
        assert sh.state(top) == sh.state(base) == win32service.SERVICE_STOPPED
    finally:
        sh.remove(top)
        sh.remove(base)


def test_stop_request_to_a_service_that_ignores_it_times_out():
    name = sh.install("LifeStubborn", "StubbornService")
    try:
        win32serviceutil.StartService(name)
        sh.wait_state(name, win32service.SERVICE_RUNNING)
        pid = win32service.QueryServiceStatusEx(sh.Scm().open(name))["ProcessId"]
        assert_winerror(pytest.raises(pywintypes.error, win32serviceutil.StopService, name),
                        winerror.ERROR_SERVICE_REQUEST_TIMEOUT)
        assert sh.state(name) == win32service.SERVICE_RUNNING
        # It can be terminated; the manager then reports it stopped.
        import win32api
        import win32con
        hp = win32api.OpenProcess(win32con.PROCESS_TERMINATE, False, pid)
        win32api.TerminateProcess(hp, 1)
        win32api.CloseHandle(hp)
        sh.wait_state(name, win32service.SERVICE_STOPPED)
    finally:
        sh.remove(name)


def test_a_failing_service_reports_stopped_with_an_error():
    name = sh.install("LifeFailing", "FailingService")
    try:
        win32serviceutil.StartService(name)
        sh.wait_state(name, win32service.SERVICE_STOPPED)
        status = win32serviceutil.QueryServiceStatus(name)
        assert status[3] == winerror.ERROR_SERVICE_SPECIFIC_ERROR
        log = os.path.join(sh.ROOT, "run", "services", "logs", name.lower() + ".log")
        sh.wait_for(lambda: "fails on purpose" in open(log).read(), what="the traceback in the service log")
    finally:
        sh.remove(name)


def test_dispatcher_outside_a_service_process():
    code = ("import servicemanager, sys\n"
            "try:\n    servicemanager.StartServiceCtrlDispatcher()\n"
            "except servicemanager.error as e:\n    print(e.winerror)\n"
            "print(servicemanager.RunningAsService())\n")
    env = dict(os.environ)
    env.pop("PYWIN32_POSIX_SERVICE", None)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert r.stdout.split() == [str(winerror.ERROR_FAILED_SERVICE_CONTROLLER_CONNECT), "False"], r.stderr
    # A process claiming a service the manager did not start for it.
    env["PYWIN32_POSIX_SERVICE"] = "NoSuchServiceHere"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert r.stdout.split()[0] == str(winerror.ERROR_SERVICE_DOES_NOT_EXIST), r.stdout + r.stderr


def test_debug_mode_runs_in_the_console_until_ctrl_c():
    def runs():
        return sum(r.startswith("running") for r in sh.records("PyTestEcho"))
    before = runs()  # the command-line test ran this class too
    p = subprocess.Popen([sys.executable, sh.SAMPLES, "EchoService", "debug", "extra"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        sh.wait_for(lambda: runs() > before or p.poll() is not None, what="the debug service to run")
        time.sleep(0.2)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    assert "Debugging service PyTestEcho" in out
    assert sh.records("PyTestEcho")[-2:] == ["stop", "stopped"]


def test_register_handler_outside_a_service_is_refused():
    assert_winerror(pytest.raises(pywintypes.error, servicemanager.RegisterServiceCtrlHandler, "x", print),
                    winerror.ERROR_SERVICE_NOT_IN_EXE)
    with pytest.raises(TypeError):
        servicemanager.RegisterServiceCtrlHandler("x", 42)
    assert_winerror(pytest.raises(pywintypes.error, win32service.SetServiceStatus, 999, (16, 4, 0, 0, 0, 0, 0)),
                    winerror.ERROR_INVALID_HANDLE)
