"""A service that writes to the Application event log on a schedule and
reacts to pause and continue (no entries while paused).

The interval is the service's custom option "IntervalMs" (default 1000):
    python -m pywin32_posix.demos.log_service install
    python -c "import win32serviceutil as u; u.SetServiceCustomOption('PyLogService', 'IntervalMs', 200)"
    python -m pywin32_posix.demos.log_service start
"""
import sys

import servicemanager
import win32event
import win32service
import win32serviceutil


class LogService(win32serviceutil.ServiceFramework):
    _svc_name_ = "PyLogService"
    _svc_display_name_ = "Python scheduled logging service"
    _svc_description_ = "Writes a numbered entry to the Application log on a schedule"

    def __init__(self, args):
        win32serviceutil.ServiceFramework.__init__(self, args)
        self.stop_event = win32event.CreateEvent(None, True, False, None)
        self.running_event = win32event.CreateEvent(None, True, True, None)  # reset while paused

    def SvcStop(self):
        self.ReportServiceStatus(win32service.SERVICE_STOP_PENDING)
        win32event.SetEvent(self.stop_event)

    def SvcPause(self):
        self.ReportServiceStatus(win32service.SERVICE_PAUSE_PENDING)
        win32event.ResetEvent(self.running_event)
        servicemanager.LogInfoMsg("%s paused" % self._svc_name_)
        self.ReportServiceStatus(win32service.SERVICE_PAUSED)

    def SvcContinue(self):
        self.ReportServiceStatus(win32service.SERVICE_CONTINUE_PENDING)
        servicemanager.LogInfoMsg("%s continues" % self._svc_name_)
        win32event.SetEvent(self.running_event)
        self.ReportServiceStatus(win32service.SERVICE_RUNNING)

    def SvcDoRun(self):
        interval = win32serviceutil.GetServiceCustomOption(self._svc_name_, "IntervalMs", 1000)
        servicemanager.LogMsg(servicemanager.EVENTLOG_INFORMATION_TYPE, servicemanager.PYS_SERVICE_STARTED,
                              (self._svc_name_, " (an entry every %d ms)" % interval))
        tick = 0
        while True:
            # While paused, wait for either continue or stop.
            if win32event.WaitForMultipleObjects([self.stop_event, self.running_event], False,
                                                 win32event.INFINITE) == win32event.WAIT_OBJECT_0:
                break
            if win32event.WaitForSingleObject(self.stop_event, interval) == win32event.WAIT_OBJECT_0:
                break
            if win32event.WaitForSingleObject(self.running_event, 0) == win32event.WAIT_OBJECT_0:
                tick += 1
                servicemanager.LogInfoMsg("%s tick %d" % (self._svc_name_, tick))
        servicemanager.LogMsg(servicemanager.EVENTLOG_INFORMATION_TYPE, servicemanager.PYS_SERVICE_STOPPED,
                              (self._svc_name_, " after %d ticks" % tick))


if __name__ == "__main__":
    sys.exit(win32serviceutil.HandleCommandLine(LogService))
