"""win32evtlog: the classic event log API (OpenEventLog, ReportEvent,
ReadEventLog, ...).

Logs are SQLite databases (WAL) in the session's state directory
(``<state>/eventlog/<log>.log.db``, files 0600 in a 0700 directory), shared by
every process of the session: a record whose ReportEvent returned survives
the writer being killed. Only the local machine is served: another server
name raises pywintypes.error RPC_S_SERVER_UNAVAILABLE (1722).
NotifyChangeEventLog's event is set on every record any process writes.
"""
from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix import _w32
from pywin32_posix._security import SID as _SID
from pywin32_posix._time import Time as _Time
from pywin32_posix._time import filetime_to_time as _filetime_to_time

_raw = _w32.win32evtlog

from pywin32_posix._w32.win32evtlog import (  # noqa: F401,E402
    BackupEventLog,
    ClearEventLog,
    CloseEventLog,
    DeregisterEventSource,
    EvtClearLog,
    EvtExportLog,
    EvtNext,
    EvtOpenLog,
    EvtQuery,
    EvtRender,
    GetNumberOfEventLogRecords,
    GetOldestEventLogRecord,
    NotifyChangeEventLog,
    OpenBackupEventLog,
    OpenEventLog,
    RegisterEventSource,
)

EVENTLOG_SEQUENTIAL_READ = 0x0001
EVENTLOG_SEEK_READ = 0x0002
EVENTLOG_FORWARDS_READ = 0x0004
EVENTLOG_BACKWARDS_READ = 0x0008

EVENTLOG_SUCCESS = 0x0000
EVENTLOG_ERROR_TYPE = 0x0001
EVENTLOG_WARNING_TYPE = 0x0002
EVENTLOG_INFORMATION_TYPE = 0x0004
EVENTLOG_AUDIT_SUCCESS = 0x0008
EVENTLOG_AUDIT_FAILURE = 0x0010

EVENTLOG_START_PAIRED_EVENT = 0x0001
EVENTLOG_END_PAIRED_EVENT = 0x0002
EVENTLOG_END_ALL_PAIRED_EVENTS = 0x0004
EVENTLOG_PAIRED_EVENT_ACTIVE = 0x0008
EVENTLOG_PAIRED_EVENT_INACTIVE = 0x0010

# The Evt* API (only part of it so far: EvtQuery, EvtNext, EvtRender as XML,
# EvtSubscribe, EvtClearLog, EvtExportLog, EvtOpenLog, EvtGetLogInfo).
EvtQueryChannelPath = 0x1
EvtQueryFilePath = 0x2
EvtQueryForwardDirection = 0x100
EvtQueryReverseDirection = 0x200
EvtQueryTolerateQueryErrors = 0x1000
EvtRenderEventValues = 0
EvtRenderEventXml = 1
EvtRenderBookmark = 2
EvtSubscribeToFutureEvents = 1
EvtSubscribeStartAtOldestRecord = 2
EvtSubscribeStartAfterBookmark = 3
EvtSubscribeOriginMask = 0x3
EvtSubscribeTolerateQueryErrors = 0x1000
EvtSubscribeStrict = 0x10000
EvtSubscribeActionError = 0
EvtSubscribeActionDeliver = 1
EvtExportLogChannelPath = 0x1
EvtExportLogFilePath = 0x2
EvtExportLogTolerateQueryErrors = 0x1000

EvtOpenChannelPath = 0x1
EvtOpenFilePath = 0x2
EvtLogCreationTime = 0
EvtLogLastAccessTime = 1
EvtLogLastWriteTime = 2
EvtLogFileSize = 3
EvtLogAttributes = 4
EvtLogNumberOfLogRecords = 5
EvtLogOldestRecordNumber = 6
EvtLogFull = 7
EvtVarTypeNull = 0
EvtVarTypeString = 1
EvtVarTypeUInt32 = 8
EvtVarTypeUInt64 = 10
EvtVarTypeBoolean = 13
EvtVarTypeFileTime = 17

UNICODE = 1


def _field(index, doc, convert=None):
    if convert is None:
        return property(lambda self: self._raw[index], doc=doc)
    return property(lambda self: convert(self._raw[index]), doc=doc)


def _signed32(value):
    # pywin32 gives EventID as a signed int: 0xC0000001 is -1073741823.
    return value - (1 << 32) if value & 0x80000000 else value


class PyEventLogRecord:
    """One record, as ReadEventLog returns it (read-only attributes). It holds
    the raw row; times and SIDs become objects when asked for."""

    __slots__ = ("_raw",)

    Reserved = _field(0, "The record signature, 0x654C664C ('LfLe').")
    RecordNumber = _field(1, "The record's number in its log.")
    TimeGenerated = _field(2, "When it was reported (pywintypes.Time).", _Time)
    TimeWritten = _field(3, "When it was written (pywintypes.Time).", _Time)
    EventID = _field(4, "The event identifier (signed, as pywin32 gives it).", _signed32)
    EventType = _field(5, "EVENTLOG_ERROR_TYPE, ...")
    EventCategory = _field(6, "The source-specific category.")
    ReservedFlags = _field(7, "Always 0.")
    ClosingRecordNumber = _field(8, "Always 0.")
    SourceName = _field(9, "The source that reported it.")
    StringInserts = _field(10, "A tuple of strings, or None.")
    Sid = _field(11, "The user's PySID, or None.", lambda raw: None if raw is None else _SID(raw))
    Data = _field(12, "The binary data (bytes).")
    ComputerName = _field(13, "The computer that reported it.")

    def __init__(self, raw):
        object.__setattr__(self, "_raw", raw)

    def __setattr__(self, name, value):
        raise AttributeError(f"readonly attribute '{name}'")

    def __repr__(self):
        return (f"<PyEventLogRecord {self.RecordNumber} {self.SourceName!r} "
                f"EventID={self.EventID} EventType={self.EventType}>")


def ReadEventLog(Handle, Flags, Offset, Size=0x7FFFF, /):
    """The next batch of records (about `Size` bytes worth, at least one);
    [] at the end of the log."""
    return [PyEventLogRecord(raw) for raw in _raw.ReadEventLog(Handle, Flags, Offset, Size)]


_LOG_INFO_TYPES = (EvtVarTypeFileTime, EvtVarTypeFileTime, EvtVarTypeFileTime, EvtVarTypeUInt64,
                   EvtVarTypeUInt32, EvtVarTypeUInt64, EvtVarTypeUInt64, EvtVarTypeBoolean)


def EvtGetLogInfo(Log, PropertyId, /):
    """(value, EvtVarType*) of a log property (EvtLogNumberOfLogRecords, ...);
    times are pywintypes.Time values."""
    if not isinstance(PropertyId, int):
        raise TypeError("PropertyId must be an integer")
    if not 0 <= PropertyId < len(_LOG_INFO_TYPES):
        raise error(87, "EvtGetLogInfo", "The parameter is incorrect.")
    value = _raw._EvtGetLogInfo(Log)[PropertyId]
    kind = _LOG_INFO_TYPES[PropertyId]
    if kind == EvtVarTypeFileTime:
        value = _filetime_to_time(value)
    return value, kind


def EvtSubscribe(ChannelPath, Flags, SignalEvent=None, Callback=None, Context=None, Query=None,
                 Session=None, Bookmark=None):
    """A subscription to a channel's new (or all) events matching Query. Pull
    mode: SignalEvent is set as records come; read them with EvtNext. Push
    mode: Callback(EvtSubscribeActionDeliver, Context, event) is called on a
    thread of its own for each event; Close() the returned object to stop."""
    if Callback is None:
        return _raw.EvtSubscribe(ChannelPath, Flags, SignalEvent, None, Context, Query, Session,
                                 Bookmark)
    if not callable(Callback):
        raise TypeError("Callback must be callable")
    if SignalEvent is not None or Session is not None or Bookmark is not None:
        raise error(87, "EvtSubscribe", "The parameter is incorrect.")
    from pywin32_posix._evt_push import PushSubscription
    return PushSubscription(ChannelPath, Flags, Callback, Context, Query)


def _dword(value, what):
    if not isinstance(value, int):
        raise TypeError(f"{what} must be an integer")
    if not -(1 << 31) <= value < (1 << 32):
        raise OverflowError(f"{what} must fit in a DWORD")
    return value & 0xFFFFFFFF


def _word(value, what):
    if not isinstance(value, int):
        raise TypeError(f"{what} must be an integer")
    if not -(1 << 15) <= value < (1 << 16):
        raise OverflowError(f"{what} must fit in a WORD")
    return value & 0xFFFF


def ReportEvent(EventLog, Type, Category, EventID, UserSid, Strings, RawData, /):
    """Writes a record through a handle from RegisterEventSource. When this
    returns, the record is in the log (it survives the process being killed)."""
    sid = None
    if UserSid is not None:
        try:
            if isinstance(UserSid, (int, str)):
                raise TypeError  # bytes(int) would be a buffer of zeros
            sid = bytes(UserSid)
        except TypeError:
            raise TypeError("UserSid must be a PySID or None") from None
    strings = None
    if Strings is not None:
        if isinstance(Strings, (str, bytes)):
            raise TypeError("Strings must be a sequence of strings")
        strings = list(Strings)
        for item in strings:
            if not isinstance(item, str):
                raise TypeError("Strings must be a sequence of strings")
    data = None
    if RawData is not None:
        if isinstance(RawData, str):
            raise TypeError("RawData must be bytes (a buffer), not str")
        data = bytes(memoryview(RawData))
    _raw.ReportEvent(EventLog, _word(Type, "Type"), _word(Category, "Category"),
                     _dword(EventID, "EventID"), sid, strings, data)
