"""servicemanager: what a Python service process uses to run and to log.

StartServiceCtrlDispatcher connects the process to the session's service
manager (it must have been started by it, as on Windows) and runs the
service class; LogMsg and friends write to the Application event log under
the service's event source.
"""
import win32evtlog as _evtlog
import win32service as _win32service  # noqa: F401  (it locates the service manager)

from pywin32_posix import _service_host
from pywin32_posix._errors import error  # noqa: F401

COINIT_APARTMENTTHREADED = 0x2
COINIT_MULTITHREADED = 0x0
COINIT_DISABLE_OLE1DDE = 0x4
COINIT_SPEED_OVER_MEMORY = 0x8

EVENTLOG_SUCCESS = 0x0000
EVENTLOG_ERROR_TYPE = 0x0001
EVENTLOG_WARNING_TYPE = 0x0002
EVENTLOG_INFORMATION_TYPE = 0x0004
EVENTLOG_AUDIT_SUCCESS = 0x0008
EVENTLOG_AUDIT_FAILURE = 0x0010

# Message ids of the default message table (Severity=Informational).
PYS_SERVICE_STARTING = 0x40000001
PYS_SERVICE_STARTED = 0x40000002
PYS_SERVICE_STOPPING = 0x40000003
PYS_SERVICE_STOPPED = 0x40000004
_MSG_GENERIC_INSERT = 0x1  # "%1"


class startup_error(Exception):
    """Raised when a service class cannot be started."""


_source_name = None
_source_handle = None


def _event_source():
    global _source_handle
    if _source_handle is None:
        name = _source_name or _service_host.hosted_service_name() or "PythonService"
        _source_handle = _evtlog.RegisterEventSource(None, name)
    return _source_handle


def SetEventSourceName(sourceName, registerNow=False):
    """Names the event source LogMsg writes under; with registerNow, also
    registers it with the default message table."""
    global _source_name, _source_handle
    if not isinstance(sourceName, str):
        raise TypeError("sourceName must be a str")
    _source_name = sourceName
    if _source_handle is not None:
        _evtlog.DeregisterEventSource(_source_handle)
        _source_handle = None
    if registerNow:
        import win32evtlogutil
        win32evtlogutil.AddSourceToRegistry(sourceName)


def Initialize(eventSourceName=None, eventSourceFile=None):
    """Prepares logging: the event source (default: the service's name) and
    its message file (default: the shipped table)."""
    if eventSourceName is not None:
        SetEventSourceName(eventSourceName)
    if eventSourceFile is not None:
        import win32evtlogutil
        win32evtlogutil.AddSourceToRegistry(eventSourceName or _service_host.hosted_service_name()
                                            or "PythonService", eventSourceFile)


def Finalize():
    """Releases the event source Initialize/LogMsg opened."""
    global _source_handle
    if _source_handle is not None:
        _evtlog.DeregisterEventSource(_source_handle)
        _source_handle = None


def LogMsg(errorType, eventId, inserts=None):
    """Writes event `eventId` of the message table with `inserts`."""
    if inserts is not None:
        inserts = tuple(inserts)
        if not all(isinstance(s, str) for s in inserts):
            raise TypeError("inserts must be strings")
    _evtlog.ReportEvent(_event_source(), errorType, 0, eventId, None, inserts, None)


def LogInfoMsg(msg):
    """Writes an information record with the text `msg` to the Application log, as the
    service's event source (the generic message of the shipped table)."""
    LogMsg(EVENTLOG_INFORMATION_TYPE, _MSG_GENERIC_INSERT, (msg,))


def LogWarningMsg(msg):
    """Writes a warning record with the text `msg` to the Application log, as the
    service's event source (the generic message of the shipped table)."""
    LogMsg(EVENTLOG_WARNING_TYPE, _MSG_GENERIC_INSERT, (msg,))


def LogErrorMsg(msg):
    """Writes an error record with the text `msg` to the Application log, as the
    service's event source (the generic message of the shipped table)."""
    LogMsg(EVENTLOG_ERROR_TYPE, _MSG_GENERIC_INSERT, (msg,))


def CoInitializeEx(*args):
    """COM initialisation: there is no COM here, and services call this
    first thing; nothing to do."""


def CoUninitialize():
    """See CoInitializeEx."""


def PumpWaitingMessages(firstMessage=0, lastMessage=-1):
    """Dispatches the calling thread's waiting messages (win32gui's)."""
    import win32gui
    return win32gui.PumpWaitingMessages(firstMessage, lastMessage)


def Debugging(newVal=-1):
    """Whether the service runs in debug mode (win32serviceutil debug);
    sets it when newVal is given. Returns the previous value."""
    return int(_service_host.set_debugging(newVal))


def RunningAsService():
    """True while StartServiceCtrlDispatcher runs this process's service."""
    return _service_host.running_as_service()


def PrepareToHostSingle(klass=None):
    """Names the class StartServiceCtrlDispatcher runs (otherwise the
    installed service's PythonClass)."""
    _service_host.prepare_single(klass)


def PrepareToHostMultiple(service_name, klass):
    """Names the class of one of several services this program hosts."""
    _service_host.prepare_multiple(service_name, klass)


def RegisterServiceCtrlHandler(serviceName, callback, extra_args=False):
    """Registers the service's control handler; returns its status handle
    (for win32service.SetServiceStatus)."""
    return _service_host.register_handler(serviceName, callback, extra_args)


def StartServiceCtrlDispatcher():
    """Runs this process's service until it stops. A process that the
    service manager did not start gets ERROR_FAILED_SERVICE_CONTROLLER_CONNECT."""
    _service_host.dispatch()
