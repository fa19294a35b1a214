"""Helpers of the service tests: a service manager with short timeouts,
installing the sample services under test-chosen names, and waiting."""
import os
import subprocess
import sys
import time

import pytest
import win32service
import win32serviceutil

from pywin32_posix import _session

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "service_samples.py")
ROOT = os.environ["PYWIN32_POSIX_ROOT"]

# The manager reads these when it starts (from the client that starts it).
MANAGER_ENV = {
    "PYWIN32_POSIX_SCM_START_TIMEOUT_MS": "20000",
    # Long enough for a loaded machine's handlers, short enough for the
    # test of a service that never answers.
    "PYWIN32_POSIX_SCM_CONTROL_TIMEOUT_MS": "4000",
    "PYWIN32_POSIX_SCM_DELAYED_START_MS": "300",
    "PYWIN32_POSIX_SCM_SHUTDOWN_TIMEOUT_MS": "3000",
}


@pytest.fixture(scope="module")
def manager():
    """A fresh manager for the module, started with the test timeouts;
    stopped (with its services) afterwards."""
    _session.stop_service_manager(ROOT)
    saved = {k: os.environ.get(k) for k in MANAGER_ENV}
    os.environ.update(MANAGER_ENV)
    try:
        yield
    finally:
        _session.stop_service_manager(ROOT)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def class_string(cls_name):
    return os.path.splitext(SAMPLES)[0] + "." + cls_name


def install(name, cls_name="EchoService", **kw):
    win32serviceutil.InstallService(class_string(cls_name), name, kw.pop("displayName", name), **kw)
    return name


def remove(name):
    try:
        win32serviceutil.StopService(name)
    except Exception:
        pass
    try:
        win32serviceutil.WaitForServiceStatus(name, win32service.SERVICE_STOPPED, 10)
    except Exception:
        pass
    try:
        win32serviceutil.RemoveService(name)
    except Exception:
        pass


def records(name):
    path = os.path.join(ROOT, "svc-%s.txt" % name.lower())
    try:
        with open(path) as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def wait_for(predicate, timeout=20, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.02)


def state(name):
    return win32serviceutil.QueryServiceStatus(name)[1]


def wait_state(name, wanted, timeout=20):
    wait_for(lambda: state(name) == wanted, timeout, "%s to reach state %d" % (name, wanted))


def run_sample(cls_name, *args, timeout=60):
    """`python service_samples.py CLASS args...` (HandleCommandLine)."""
    return subprocess.run([sys.executable, SAMPLES, cls_name] + list(args), capture_output=True, text=True,
                          timeout=timeout)


class Scm:
    def __init__(self):
        self.h = win32service.OpenSCManager(None, None, win32service.SC_MANAGER_ALL_ACCESS)

    def open(self, name, access=win32service.SERVICE_ALL_ACCESS):
        return win32service.OpenService(self.h, name, access)

    def close(self):
        win32service.CloseServiceHandle(self.h)
