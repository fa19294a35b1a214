"""Python services the service tests install (each test gives its own
_svc_name_ through a subclass made by svc_helpers.install_sample).

Run as a script: `python service_samples.py CLASS command...` hands the
command line to win32serviceutil.HandleCommandLine for that class.
"""
import os
import sys
import time

import servicemanager
import win32event
import win32service
import win32serviceutil


def _record(name, line):
    # What the service saw, for the test to read (PYWIN32_POSIX_ROOT is private).
    path = os.path.join(os.environ["PYWIN32_POSIX_ROOT"], "svc-%s.txt" % name.lower())
    with open(path, "a") as f:
        f.write(line + "\n")


class EchoService(win32serviceutil.ServiceFramework):
    """Runs until stopped; pauses and continues; records what it is told."""
    _svc_name_ = "PyTestEcho"
    _svc_display_name_ = "Python test echo service"
    _svc_description_ = "Records its controls"

    def __init__(self, args):
        win32serviceutil.ServiceFramework.__init__(self, args)
        self.name = args[0]
        self.stop_event = win32event.CreateEvent(None, 0, 0, None)
        _record(self.name, "args " + " ".join(args[1:]))

    def SvcStop(self):
        _record(self.name, "stop")
        self.ReportServiceStatus(win32service.SERVICE_STOP_PENDING)
        win32event.SetEvent(self.stop_event)

    def SvcPause(self):
        _record(self.name, "pause")
        self.ReportServiceStatus(win32service.SERVICE_PAUSED)

    def SvcContinue(self):
        _record(self.name, "continue")
        self.ReportServiceStatus(win32service.SERVICE_RUNNING)

    def SvcShutdown(self):
        _record(self.name, "shutdown")
        self.SvcStop()

    def SvcOtherEx(self, control, event_type, data):
        _record(self.name, "other %d" % control)

    def SvcDoRun(self):
        servicemanager.LogMsg(servicemanager.EVENTLOG_INFORMATION_TYPE, servicemanager.PYS_SERVICE_STARTED,
                              (self.name, ""))
        _record(self.name, "running %d" % os.getpid())
        win32event.WaitForSingleObject(self.stop_event, win32event.INFINITE)
        _record(self.name, "stopped")


class StubbornService(EchoService):
    """Accepts STOP but never stops (the handler blocks)."""
    _svc_name_ = "PyTestStubborn"

    def SvcStop(self):
        _record(self.name, "ignoring stop")
        time.sleep(3600)


class FailingService(EchoService):
    """Raises in SvcDoRun."""
    _svc_name_ = "PyTestFailing"

    def SvcDoRun(self):
        raise RuntimeError("this service fails on purpose")


if __name__ == "__main__":
    cls = globals()[sys.argv[1]]
    sys.exit(win32serviceutil.HandleCommandLine(cls, argv=[sys.argv[0]] + sys.argv[2:]))
