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
from pywin32_posix import _evt_metadata as _meta
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
    EvtCreateBookmark,
    EvtCreateRenderContext,
    EvtQuery,
    EvtSeek,
    EvtUpdateBookmark,
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

# The Evt* API. Channels are our logs, publishers the registered event
# sources (pywin32_posix/_evt_metadata.py); values are winevt.h's.
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
EvtSeekRelativeToFirst = 1
EvtSeekRelativeToLast = 2
EvtSeekRelativeToCurrent = 3
EvtSeekRelativeToBookmark = 4
EvtSeekOriginMask = 7
EvtSeekStrict = 0x10000
EvtRenderContextValues = 0
EvtRenderContextSystem = 1
EvtRenderContextUser = 2
EvtRpcLogin = 1
EvtRpcLoginAuthDefault = 0
EvtRpcLoginAuthNegotiate = 1
EvtRpcLoginAuthKerberos = 2
EvtRpcLoginAuthNTLM = 3
EvtEventQueryIDs = 0
EvtEventPath = 1
EvtEventPropertyIdEND = 2
(EventMetadataEventID, EventMetadataEventVersion, EventMetadataEventChannel, EventMetadataEventLevel,
 EventMetadataEventOpcode, EventMetadataEventTask, EventMetadataEventKeyword, EventMetadataEventMessageID,
 EventMetadataEventTemplate, EvtEventMetadataPropertyIdEND) = range(10)
(EvtSystemProviderName, EvtSystemProviderGuid, EvtSystemEventID, EvtSystemQualifiers, EvtSystemLevel,
 EvtSystemTask, EvtSystemOpcode, EvtSystemKeywords, EvtSystemTimeCreated, EvtSystemEventRecordId,
 EvtSystemActivityID, EvtSystemRelatedActivityID, EvtSystemProcessID, EvtSystemThreadID, EvtSystemChannel,
 EvtSystemComputer, EvtSystemUserID, EvtSystemVersion, EvtSystemPropertyIdEND) = range(19)
(EvtVarTypeNull, EvtVarTypeString, EvtVarTypeAnsiString, EvtVarTypeSByte, EvtVarTypeByte, EvtVarTypeInt16,
 EvtVarTypeUInt16, EvtVarTypeInt32, EvtVarTypeUInt32, EvtVarTypeInt64, EvtVarTypeUInt64, EvtVarTypeSingle,
 EvtVarTypeDouble, EvtVarTypeBoolean, EvtVarTypeBinary, EvtVarTypeGuid, EvtVarTypeSizeT, EvtVarTypeFileTime,
 EvtVarTypeSysTime, EvtVarTypeSid, EvtVarTypeHexInt32, EvtVarTypeHexInt64) = range(22)
EvtVarTypeEvtHandle = 32
EvtVarTypeEvtXml = 35
(EvtFormatMessageEvent, EvtFormatMessageLevel, EvtFormatMessageTask, EvtFormatMessageOpcode,
 EvtFormatMessageKeyword, EvtFormatMessageChannel, EvtFormatMessageProvider, EvtFormatMessageId,
 EvtFormatMessageXml) = range(1, 10)
(EvtChannelConfigEnabled, EvtChannelConfigIsolation, EvtChannelConfigType, EvtChannelConfigOwningPublisher,
 EvtChannelConfigClassicEventlog, EvtChannelConfigAccess, EvtChannelLoggingConfigRetention,
 EvtChannelLoggingConfigAutoBackup, EvtChannelLoggingConfigMaxSize, EvtChannelLoggingConfigLogFilePath,
 EvtChannelPublishingConfigLevel, EvtChannelPublishingConfigKeywords, EvtChannelPublishingConfigControlGuid,
 EvtChannelPublishingConfigBufferSize, EvtChannelPublishingConfigMinBuffers,
 EvtChannelPublishingConfigMaxBuffers, EvtChannelPublishingConfigLatency, EvtChannelPublishingConfigClockType,
 EvtChannelPublishingConfigSidType, EvtChannelPublisherList, EvtChannelPublishingConfigFileMax,
 EvtChannelConfigPropertyIdEND) = range(22)
(EvtPublisherMetadataPublisherGuid, EvtPublisherMetadataResourceFilePath,
 EvtPublisherMetadataParameterFilePath, EvtPublisherMetadataMessageFilePath, EvtPublisherMetadataHelpLink,
 EvtPublisherMetadataPublisherMessageID, EvtPublisherMetadataChannelReferences,
 EvtPublisherMetadataChannelReferencePath, EvtPublisherMetadataChannelReferenceIndex,
 EvtPublisherMetadataChannelReferenceID, EvtPublisherMetadataChannelReferenceFlags,
 EvtPublisherMetadataChannelReferenceMessageID, EvtPublisherMetadataLevels, EvtPublisherMetadataLevelName,
 EvtPublisherMetadataLevelValue, EvtPublisherMetadataLevelMessageID, EvtPublisherMetadataTasks,
 EvtPublisherMetadataTaskName, EvtPublisherMetadataTaskEventGuid, EvtPublisherMetadataTaskValue,
 EvtPublisherMetadataTaskMessageID, EvtPublisherMetadataOpcodes, EvtPublisherMetadataOpcodeName,
 EvtPublisherMetadataOpcodeValue, EvtPublisherMetadataOpcodeMessageID, EvtPublisherMetadataKeywords,
 EvtPublisherMetadataKeywordName, EvtPublisherMetadataKeywordValue, EvtPublisherMetadataKeywordMessageID,
 EvtPublisherMetadataPropertyIdEND) = range(30)

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


def EvtGetLogInfo(Log, PropertyId):
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


def _value(raw, kind):
    if kind == EvtVarTypeFileTime:
        return _filetime_to_time(raw)
    if kind == EvtVarTypeSid:
        return _SID(raw)
    return raw


def EvtRender(Event, Flags, Context=None):
    """EvtRenderEventXml: the event as XML; EvtRenderBookmark: a bookmark
    (from EvtCreateBookmark) as XML; EvtRenderEventValues: the properties a
    render context selects, as a list of (value, EvtVarType*) pairs (times
    are pywintypes.Time, SIDs PySID)."""
    out = _raw._EvtRender(Event, Flags, Context)
    if isinstance(out, str):
        return out
    return [(_value(raw, kind), kind) for raw, kind in out]


def EvtGetEventInfo(Event, PropertyId):
    """(value, EvtVarType*): EvtEventQueryIDs, the IDs of the queries the
    event matched (one query here: [0]); EvtEventPath, its channel or file."""
    value, kind = _raw._EvtGetEventInfo(Event, PropertyId)
    if PropertyId == EvtEventQueryIDs:
        return [value], kind | 128  # EVT_VARIANT_TYPE_ARRAY
    return value, kind


def EvtOpenSession(Login, LoginClass, Timeout=0, Flags=0):
    """A session on a server: Login is (Server, User, Domain, Password,
    Flags). On POSIX: only this machine serves logs; its names (None, ".",
    "localhost", the host name) give a local session that the other Evt*
    functions accept as Session; another server is RPC_S_SERVER_UNAVAILABLE."""
    if isinstance(Login, dict):
        server = Login.get("Server")
    elif isinstance(Login, (tuple, list)) and 1 <= len(Login) <= 5:
        server = Login[0]
    else:
        raise TypeError("Login must be a tuple (Server, User, Domain, Password, Flags)")
    if server is not None and not isinstance(server, str):
        raise TypeError("Server must be a string or None")
    if not all(isinstance(v, int) for v in (LoginClass, Timeout, Flags)):
        raise TypeError("LoginClass, Timeout and Flags must be integers")
    if LoginClass != EvtRpcLogin or Flags != 0:
        raise error(87, "EvtOpenSession", "The parameter is incorrect.")
    return _raw._EvtOpenSession(server or "")


def EvtGetExtendedStatus():
    """More about the last Evt* failure on this thread, or ""."""
    return _meta.extended_status()


def EvtOpenChannelEnum(Session=None, Flags=0):
    """An enumeration of the channels: the built-in logs and every log a
    source is registered for. Read it with EvtNextChannelPath."""
    return _meta.open_channel_enum(Session, Flags)


def EvtNextChannelPath(ChannelEnum):
    """The next channel's name; None after the last."""
    return _meta.next_channel_path(ChannelEnum)


def EvtOpenChannelConfig(ChannelPath, Session=None, Flags=0):
    """A channel's configuration, for EvtGetChannelConfigProperty
    (ERROR_EVT_CHANNEL_NOT_FOUND for an unknown channel)."""
    return _meta.open_channel_config(ChannelPath, Session, Flags)


def EvtGetChannelConfigProperty(ChannelConfig, PropertyId, Flags=0):
    """(value, EvtVarType*) of a channel property: enabled, classic, access
    (SDDL from the log file's owner and mode), retention, maximum size, log
    file path, publisher list. On POSIX: the publishing settings of debug and
    analytic channels are EvtVarTypeNull, as Windows gives for Admin logs."""
    return _meta.channel_config_property(ChannelConfig, PropertyId, Flags)


def EvtOpenPublisherEnum(Session=None, Flags=0):
    """An enumeration of the publishers (registered event sources); read it
    with EvtNextPublisherId."""
    return _meta.open_publisher_enum(Session, Flags)


def EvtNextPublisherId(PublisherEnum):
    """The next publisher's name; None after the last."""
    return _meta.next_publisher_id(PublisherEnum)


def EvtOpenPublisherMetadata(PublisherIdentity, Session=None, LogFilePath=None, Locale=0, Flags=0):
    """A publisher's metadata: its message files, levels, tasks (categories),
    opcodes and keywords. With LogFilePath, the messages archived in an
    exported log by EvtArchiveExportedLog."""
    return _meta.open_publisher_metadata(PublisherIdentity, Session, LogFilePath, Locale, Flags)


def EvtGetPublisherMetadataProperty(PublisherMetadata, PropertyId, Flags=0):
    """(value, EvtVarType*) of a publisher property; the list properties
    (channel references, levels, tasks, opcodes, keywords) are object arrays
    for EvtGetObjectArraySize / EvtGetObjectArrayProperty."""
    return _meta.publisher_metadata_property(PublisherMetadata, PropertyId, Flags)


def EvtGetObjectArraySize(ObjectArray):
    """The number of entries of an object array."""
    return _meta.object_array_size(ObjectArray)


def EvtGetObjectArrayProperty(ObjectArray, PropertyId, ArrayIndex, Flags=0):
    """(value, EvtVarType*) of one property of one entry of an object array."""
    return _meta.object_array_property(ObjectArray, PropertyId, ArrayIndex, Flags)


def EvtOpenEventMetadataEnum(PublisherMetadata, Flags=0):
    """An enumeration of the events a publisher's message file defines."""
    return _meta.open_event_metadata_enum(PublisherMetadata, Flags)


def EvtNextEventMetadata(EventMetadataEnum, Flags=0):
    """The next event's metadata; None after the last."""
    return _meta.next_event_metadata(EventMetadataEnum, Flags)


def EvtGetEventMetadataProperty(EventMetadata, PropertyId, Flags=0):
    """(value, EvtVarType*) of an event definition: ID, level (from the
    message's severity), keywords, message ID."""
    return _meta.event_metadata_property(EventMetadata, PropertyId, Flags)


def EvtFormatMessage(Metadata, Event, Flags, ResourceId=0):
    """An event's message (EvtFormatMessageEvent: its source's message with
    the inserts), level, task, opcode, keyword, channel or provider name, its
    XML with RenderingInfo (EvtFormatMessageXml), or the message ResourceId
    (EvtFormatMessageId). Metadata None: the event's own publisher."""
    return _meta.format_message(Metadata, Event, Flags, ResourceId)


def EvtArchiveExportedLog(LogFilePath, Locale, Session=None, Flags=0):
    """Stores in an exported log the messages its events need, so that it can
    be formatted where their sources are not registered."""
    _meta.archive_exported_log(LogFilePath, Locale, Session, Flags)


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
    if SignalEvent is not None:
        raise error(87, "EvtSubscribe", "The parameter is incorrect.")
    from pywin32_posix._evt_push import PushSubscription
    return PushSubscription(ChannelPath, Flags, Callback, Context, Query, Session, Bookmark)


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
