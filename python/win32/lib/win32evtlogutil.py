"""win32evtlogutil: event log helpers (pywin32's pure-Python module).

Sources are registered in the session's source registry (kept by the core
in ``<state>/eventlog/sources.db``; Windows keeps it in the registry under
SYSTEM\\CurrentControlSet\\Services\\EventLog). Message files are Message
Compiler text files (.mc); a pywin32 DLL name (win32service.pyd,
win32evtlog.pyd, servicemanager.pyd, pythonservice.exe) or none at all
means the default table shipped beside this module, whose message 1 is
its first insert (what logging.handlers.NTEventLogHandler relies on).
"""
import os

import win32evtlog
from pywin32_posix import _mc
from pywin32_posix._errors import error
from pywin32_posix._w32 import win32evtlog as _raw

__all__ = ["AddSourceToRegistry", "RemoveSourceFromRegistry", "ReportEvent",
           "FormatMessage", "SafeFormatMessage", "FeedEventLogRecords", "error", "langid"]

langid = 0  # MAKELANGID(LANG_NEUTRAL, SUBLANG_NEUTRAL)

DEFAULT_MESSAGE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "win32evtlog_messages.mc")
# pywin32's own modules, whose message tables the default file stands for.
_PYWIN32_MESSAGE_MODULES = {"win32service", "win32evtlog", "servicemanager", "pythonservice",
                            "win32evtlogutil"}

_ERROR_FILE_NOT_FOUND = 2
_ERROR_INVALID_DATA = 13
_ERROR_MR_MID_NOT_FOUND = 317
_FORMAT_MESSAGE_FROM_STRING = 0x400


def _system_error(code, funcname):
    import win32api
    return error(code, funcname, win32api.FormatMessage(code).rstrip("\r\n"))


def AddSourceToRegistry(appName, msgDLL=None, eventLogType="Application", eventLogFlags=None,
                        categoryDLL=None, categoryCount=0):
    """Registers `appName` as a source of the `eventLogType` log, with
    `msgDLL` (a .mc file, or None for the default table) for its messages."""
    if msgDLL is None:
        msgDLL = DEFAULT_MESSAGE_FILE
    if eventLogFlags is None:
        eventLogFlags = (win32evtlog.EVENTLOG_ERROR_TYPE | win32evtlog.EVENTLOG_WARNING_TYPE
                         | win32evtlog.EVENTLOG_INFORMATION_TYPE)
    if categoryCount > 0 and categoryDLL is None:
        categoryDLL = msgDLL
    _raw._AddSource(appName, eventLogType, msgDLL, categoryDLL or "", categoryCount, eventLogFlags)


def RemoveSourceFromRegistry(appName, eventLogType="Application"):
    """Removes a source; one that is not registered is not an error."""
    try:
        _raw._RemoveSource(appName, eventLogType)
    except error as exc:
        if exc.winerror != _ERROR_FILE_NOT_FOUND:
            raise


def ReportEvent(appName, eventID, eventCategory=0, eventType=win32evtlog.EVENTLOG_ERROR_TYPE,
                strings=None, data=None, sid=None):
    """Writes one record as source `appName` (Application when unregistered)."""
    handle = win32evtlog.RegisterEventSource(None, appName)
    try:
        win32evtlog.ReportEvent(handle, eventType, eventCategory, eventID, sid, strings, data)
    finally:
        win32evtlog.DeregisterEventSource(handle)


def _message_table(path):
    stem = os.path.splitext(os.path.basename(path.replace("\\", "/")))[0].lower()
    if not path.lower().endswith(".mc") and stem.split("_")[0] in _PYWIN32_MESSAGE_MODULES:
        path = DEFAULT_MESSAGE_FILE
    try:
        return _mc.load(path)
    except FileNotFoundError:
        raise _system_error(_ERROR_FILE_NOT_FOUND, "LoadLibraryEx") from None
    except _mc.MessageFileError as exc:
        raise _system_error(_ERROR_INVALID_DATA, "FormatMessage") from exc
    except OSError as exc:
        raise _system_error(_ERROR_FILE_NOT_FOUND if exc.errno is None else 5, "LoadLibraryEx") from exc


def FormatMessage(eventLogRecord, logType="Application"):
    """The record's message: its event id looked up in its source's message
    file(s), with its string inserts expanded."""
    import win32api
    info = _raw._SourceInfo(eventLogRecord.SourceName)
    if info is None or info[1].lower() != logType.lower() or not info[2]:
        raise _system_error(_ERROR_FILE_NOT_FOUND, "RegOpenKeyEx")
    for path in info[2].split(";"):
        path = os.path.expandvars(path.strip())
        if not path:
            continue
        text = _message_table(path).get(eventLogRecord.EventID)
        if text is not None:
            return win32api.FormatMessage(_FORMAT_MESSAGE_FROM_STRING, text, 0, langid,
                                          eventLogRecord.StringInserts)
    raise _system_error(_ERROR_MR_MID_NOT_FOUND, "FormatMessage")


def SafeFormatMessage(eventLogRecord, logType=None):
    """FormatMessage, or a description of the record when it cannot be formatted."""
    if logType is None:
        logType = "Application"
    try:
        return FormatMessage(eventLogRecord, logType)
    except error:
        inserts = eventLogRecord.StringInserts
        desc = "" if inserts is None else ", ".join(inserts)
        return ("<The description for Event ID ( %d ) in Source ( %r ) could not be found. "
                "It contains the following insertion string(s):%r.>"
                % (eventLogRecord.EventID & 0xFFFF, eventLogRecord.SourceName, desc))


def FeedEventLogRecords(feeder, machineName=None, logName="Application", readFlags=None):
    """Calls feeder(record) for every record of the log (newest first by default)."""
    if readFlags is None:
        readFlags = win32evtlog.EVENTLOG_BACKWARDS_READ | win32evtlog.EVENTLOG_SEQUENTIAL_READ
    handle = win32evtlog.OpenEventLog(machineName, logName)
    try:
        while True:
            records = win32evtlog.ReadEventLog(handle, readFlags, 0)
            if not records:
                break
            for record in records:
                feeder(record)
    finally:
        win32evtlog.CloseEventLog(handle)


if __name__ == "__main__":
    import sys

    from pywin32_posix.evtlog_viewer import main

    sys.exit(main())
