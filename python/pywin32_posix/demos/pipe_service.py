"""A service that answers clients over a named pipe.

Each request (one message) gets the reply "<request> (served by process N,
request #M)". Clients use win32pipe.CallNamedPipe, or CreateFile +
TransactNamedPipe, on \\\\.\\pipe\\PyPipeService:

    python -m pywin32_posix.demos.pipe_service install
    python -m pywin32_posix.demos.pipe_service --wait 10 start
    python -c "import win32pipe; print(win32pipe.CallNamedPipe(r'\\\\.\\pipe\\PyPipeService', b'hi', 512, 0))"
    python -m pywin32_posix.demos.pipe_service --wait 10 stop
    python -m pywin32_posix.demos.pipe_service remove
"""
import os
import sys

import pywintypes
import servicemanager
import win32event
import win32file
import win32pipe
import win32service
import win32serviceutil
import winerror

PIPE_NAME = r"\\.\pipe\PyPipeService"


class PipeService(win32serviceutil.ServiceFramework):
    _svc_name_ = "PyPipeService"
    _svc_display_name_ = "Python named pipe service"
    _svc_description_ = "Answers each message sent to \\\\.\\pipe\\PyPipeService"

    def __init__(self, args):
        win32serviceutil.ServiceFramework.__init__(self, args)
        self.stop_event = win32event.CreateEvent(None, True, False, None)
        self.served = 0

    def SvcStop(self):
        self.ReportServiceStatus(win32service.SERVICE_STOP_PENDING)
        win32event.SetEvent(self.stop_event)
        # The service thread may be waiting in ConnectNamedPipe: a client
        # of our own that connects and leaves wakes it to see the stop event.
        try:
            win32file.CloseHandle(win32file.CreateFile(PIPE_NAME, win32file.GENERIC_READ, 0, None,
                                                       win32file.OPEN_EXISTING, 0, None))
        except pywintypes.error:
            pass  # busy: the service thread is serving and sees the event next

    def SvcRun(self):
        # RUNNING means ready: the first instance of the pipe exists before
        # the base class reports it.
        self.pipe = self.new_instance()
        win32serviceutil.ServiceFramework.SvcRun(self)

    def new_instance(self):
        mode = win32pipe.PIPE_TYPE_MESSAGE | win32pipe.PIPE_READMODE_MESSAGE | win32pipe.PIPE_WAIT
        return win32pipe.CreateNamedPipe(PIPE_NAME, win32pipe.PIPE_ACCESS_DUPLEX, mode,
                                         win32pipe.PIPE_UNLIMITED_INSTANCES, 4096, 4096, 5000, None)

    def SvcDoRun(self):
        servicemanager.LogMsg(servicemanager.EVENTLOG_INFORMATION_TYPE, servicemanager.PYS_SERVICE_STARTED,
                              (self._svc_name_, ""))
        pipe = self.pipe
        while win32event.WaitForSingleObject(self.stop_event, 0) != win32event.WAIT_OBJECT_0:
            try:
                win32pipe.ConnectNamedPipe(pipe, None)  # ERROR_PIPE_CONNECTED comes back as a value
            except pywintypes.error as exc:
                if exc.winerror != winerror.ERROR_NO_DATA:  # a client came and went
                    raise
            # The next instance listens while this one is served; between
            # the two a client may find the pipe busy, and waits.
            current, pipe = pipe, self.new_instance()
            try:
                self.answer(current)
            finally:
                # Closed, not disconnected: DisconnectNamedPipe would make the
                # instance listen again, and a client arriving before the
                # close would find its pipe broken.
                win32file.CloseHandle(current)
        win32file.CloseHandle(pipe)
        servicemanager.LogMsg(servicemanager.EVENTLOG_INFORMATION_TYPE, servicemanager.PYS_SERVICE_STOPPED,
                              (self._svc_name_, " after %d requests" % self.served))

    def answer(self, pipe):
        try:
            _, request = win32file.ReadFile(pipe, 4096)
        except pywintypes.error as exc:
            if exc.winerror in (winerror.ERROR_BROKEN_PIPE, winerror.ERROR_PIPE_NOT_CONNECTED):
                return
            raise
        if not request:
            return
        self.served += 1
        reply = b"%s (served by process %d, request #%d)" % (request, os.getpid(), self.served)
        win32file.WriteFile(pipe, reply)
        win32file.FlushFileBuffers(pipe)


if __name__ == "__main__":
    sys.exit(win32serviceutil.HandleCommandLine(PipeService))
