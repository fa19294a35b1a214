"""The Evt* API's metadata side: channels and their configuration,
publishers and their message tables, EvtFormatMessage, object arrays, and
archiving messages into an exported log.

Here a channel is one of our logs (Application, System, Security and every
log a source is registered for) and a publisher is a classic event source
registered with win32evtlogutil.AddSourceToRegistry; its messages are those
of its message file (.mc). The handles this module gives out are Python
objects with Close() (and a context manager), as pywin32's PyEVT_HANDLE.
"""
import os
import threading

from pywin32_posix import _mc
from pywin32_posix._errors import error
from pywin32_posix._w32 import win32evtlog as _raw

# EVT_VARIANT_TYPE
_NULL, _STRING, _BYTE, _UINT16, _UINT32, _UINT64, _BOOLEAN = 0, 1, 4, 6, 8, 10, 13
_EVT_HANDLE, _HEX_INT64 = 32, 21
_ARRAY = 128

_ERROR_INVALID_HANDLE = 6
_ERROR_INVALID_PARAMETER = 87
_ERROR_EVT_PUBLISHER_METADATA_NOT_FOUND = 15002
_ERROR_EVT_CHANNEL_NOT_FOUND = 15007
_ERROR_EVT_MESSAGE_NOT_FOUND = 15027
_ERROR_EVT_MESSAGE_ID_NOT_FOUND = 15028

_MESSAGES = {
    _ERROR_INVALID_HANDLE: "The handle is invalid.",
    _ERROR_INVALID_PARAMETER: "The parameter is incorrect.",
    _ERROR_EVT_PUBLISHER_METADATA_NOT_FOUND: "The publisher metadata cannot be found in the resource.",
    _ERROR_EVT_CHANNEL_NOT_FOUND: "The specified channel could not be found.",
    _ERROR_EVT_MESSAGE_NOT_FOUND: "The message resource is present but the message was not found "
                                  "in the message table.",
    _ERROR_EVT_MESSAGE_ID_NOT_FOUND: "The message ID for the desired message could not be found.",
}

# Keywords Windows gives classic events (winevt's EventLogClassic and the audits).
_KEYWORD_CLASSIC = 0x80000000000000
_KEYWORD_AUDIT_SUCCESS = 0x20000000000000
_KEYWORD_AUDIT_FAILURE = 0x10000000000000
_KEYWORDS = ((_KEYWORD_AUDIT_FAILURE, "Audit Failure"), (_KEYWORD_AUDIT_SUCCESS, "Audit Success"),
             (_KEYWORD_CLASSIC, "Classic"))
# The standard levels and opcode a classic provider has.
_LEVELS = ((1, "win:Critical", "Critical"), (2, "win:Error", "Error"), (3, "win:Warning", "Warning"),
           (4, "win:Informational", "Information"))
_LEVEL_NAMES = {0: "Information", 1: "Critical", 2: "Error", 3: "Warning", 4: "Information"}
_NO_MESSAGE = 0xFFFFFFFF

_status = threading.local()


def _fail(code, function, detail=None):
    _status.text = detail or _MESSAGES[code]
    raise error(code, function, _MESSAGES[code])


def extended_status():
    """EvtGetExtendedStatus: what the last failing call of this module on
    this thread had to add to its error code ("" when it had nothing)."""
    return getattr(_status, "text", "")


def _flags_zero(flags, function):
    if not isinstance(flags, int):
        raise TypeError("Flags must be an integer")
    if flags != 0:
        _fail(_ERROR_INVALID_PARAMETER, function)


def _no_session(session, function):
    # None or a local session from EvtOpenSession.
    _raw._CheckSession(session, function)


class _EvtObject:
    """A handle to one of this module's objects."""

    _kind = "EVT handle"

    def __init__(self):
        self._open = True

    def Close(self):
        """Releases the handle; using it afterwards is ERROR_INVALID_HANDLE."""
        self._open = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.Close()

    def __repr__(self):
        return f"<{type(self).__name__} {'open' if self._open else 'closed'}>"


def _check(obj, cls, function):
    if not isinstance(obj, cls):
        raise TypeError(f"{function}: expected a {cls._kind}, not {type(obj).__name__}")
    if not obj._open:
        _fail(_ERROR_INVALID_HANDLE, function)
    return obj


class _NameEnum(_EvtObject):
    def __init__(self, names, kind):
        super().__init__()
        self._names = list(names)
        self._kind = kind

    def next(self, function):
        return self._names.pop(0) if self._names else None


def open_channel_enum(session=None, flags=0):
    _no_session(session, "EvtOpenChannelEnum")
    _flags_zero(flags, "EvtOpenChannelEnum")
    return _NameEnum(_raw._Logs(), "channel enumeration")


def next_channel_path(channel_enum):
    """The next channel's name; None after the last."""
    return _check(channel_enum, _NameEnum, "EvtNextChannelPath").next("EvtNextChannelPath")


def open_publisher_enum(session=None, flags=0):
    _no_session(session, "EvtOpenPublisherEnum")
    _flags_zero(flags, "EvtOpenPublisherEnum")
    return _NameEnum([row[0] for row in _raw._Sources()], "publisher enumeration")


def next_publisher_id(publisher_enum):
    """The next publisher's name; None after the last."""
    return _check(publisher_enum, _NameEnum, "EvtNextPublisherId").next("EvtNextPublisherId")


# ----------------------------------------------------------------- channels

class _ChannelConfig(_EvtObject):
    _kind = "channel configuration handle"

    def __init__(self, name):
        super().__init__()
        self.name = name


def _canonical_log(name, function):
    if not isinstance(name, str):
        raise TypeError(f"{function}: ChannelPath must be a string")
    for log in _raw._Logs():
        if log.lower() == name.lower():
            return log
    _fail(_ERROR_EVT_CHANNEL_NOT_FOUND, function, f"{name}: no such channel")


def open_channel_config(channel_path, session=None, flags=0):
    _no_session(session, "EvtOpenChannelConfig")
    _flags_zero(flags, "EvtOpenChannelConfig")
    return _ChannelConfig(_canonical_log(channel_path, "EvtOpenChannelConfig"))


def _log_file(name):
    # Opening the log (as EvtOpenLog does) creates its file, 0600, if new.
    _raw.EvtOpenLog(name, 1).Close()
    return _raw._LogFilePath(name)


def _access_sddl(path):
    # Who may read and write the log, from its file: the owner always, the
    # group and others by their mode bits (FILE_GENERIC_READ/WRITE).
    st = os.stat(path)
    owner, group = f"S-1-22-1-{st.st_uid}", f"S-1-22-2-{st.st_gid}"
    aces = [f"(A;;0x{_rights(st.st_mode >> 6):x};;;{owner})"]
    if st.st_mode & 0o070:
        aces.append(f"(A;;0x{_rights(st.st_mode >> 3):x};;;{group})")
    if st.st_mode & 0o007:
        aces.append(f"(A;;0x{_rights(st.st_mode):x};;;WD)")
    return f"O:{owner}G:{group}D:" + "".join(aces)


def _rights(bits):
    return (0x120089 if bits & 4 else 0) | (0x120116 if bits & 2 else 0)


def channel_config_property(config, property_id, flags=0):
    function = "EvtGetChannelConfigProperty"
    _check(config, _ChannelConfig, function)
    _flags_zero(flags, function)
    if not isinstance(property_id, int):
        raise TypeError("PropertyId must be an integer")
    name = config.name
    if property_id == 0:  # Enabled
        return True, _BOOLEAN
    if property_id == 1:  # Isolation: Application, System, or Custom (Security)
        return {"application": 0, "system": 1, "security": 2}.get(name.lower(), 0), _UINT32
    if property_id == 2:  # Type: every log here is an Admin channel
        return 0, _UINT32
    if property_id == 3:  # OwningPublisher: classic logs have none
        return None, _NULL
    if property_id == 4:  # ClassicEventlog
        return True, _BOOLEAN
    path = _log_file(name)
    if property_id == 5:  # Access
        return _access_sddl(path), _STRING
    max_size, retention, _forward = _raw._GetLogPolicy(name)
    if property_id == 6:  # Retention: True when records are kept rather than overwritten
        return retention != 0, _BOOLEAN
    if property_id == 7:  # AutoBackup: never done here
        return False, _BOOLEAN
    if property_id == 8:  # MaxSize (0: no limit)
        return max_size, _UINT64
    if property_id == 9:  # LogFilePath
        return path, _STRING
    if 10 <= property_id <= 18 or property_id == 20:
        # Publishing settings exist for debug and analytic channels only.
        return None, _NULL
    if property_id == 19:  # PublisherList
        return [row[0] for row in _raw._Sources() if row[1].lower() == name.lower()], _STRING | _ARRAY
    _fail(_ERROR_INVALID_PARAMETER, function)


# ---------------------------------------------------------------- publishers

class _ObjectArray(_EvtObject):
    _kind = "object array handle"

    def __init__(self, items):
        super().__init__()
        self.items = items  # [{property id: (value, type)}]


class _PublisherMetadata(_EvtObject):
    _kind = "publisher metadata handle"

    def __init__(self, name, log, message_files, category_files, category_count, archive=None):
        super().__init__()
        self.name, self.log = name, log
        self.message_files, self.category_files = message_files, category_files
        self.category_count = category_count
        self.archive = archive  # {message id: text} from an exported log

    def message(self, message_id, category=False):
        """The message text for an id, or None."""
        if self.archive is not None:
            return self.archive.get((1 if category else 0, message_id & 0xFFFFFFFF))
        import win32evtlogutil
        for path in (self.category_files if category else self.message_files):
            text = win32evtlogutil._message_table(path).get(message_id)
            if text is not None:
                return text
        return None

    def messages(self):
        """{message id: text} of the message files."""
        if self.archive is not None:
            return {mid: text for (kind, mid), text in self.archive.items() if kind == 0}
        import win32evtlogutil
        out = {}
        for path in self.message_files:
            for mid in win32evtlogutil._message_table(path).messages:
                out.setdefault(mid, self.message(mid))
        return out


def _split_files(value):
    return [os.path.expandvars(p.strip()) for p in value.split(";") if p.strip()]


def _archive_table(log_file_path, source):
    rows = _raw._ArchivedMessages(log_file_path, source)
    if not rows:
        _fail(_ERROR_EVT_PUBLISHER_METADATA_NOT_FOUND, "EvtOpenPublisherMetadata",
              f"{source}: no messages archived in {log_file_path}")
    return {(kind, mid): text for kind, mid, text in rows}


def open_publisher_metadata(publisher, session=None, log_file_path=None, locale=0, flags=0):
    function = "EvtOpenPublisherMetadata"
    if not isinstance(publisher, str):
        raise TypeError("PublisherIdentity must be a string")
    _no_session(session, function)
    _flags_zero(flags, function)
    if log_file_path is not None:
        if not isinstance(log_file_path, str):
            raise TypeError("LogFilePath must be a string or None")
        archive = _archive_table(log_file_path, publisher)
        return _PublisherMetadata(publisher, "", [], [], 0, archive)
    info = _raw._SourceInfo(publisher)
    if info is None:
        _fail(_ERROR_EVT_PUBLISHER_METADATA_NOT_FOUND, function, f"{publisher}: no such publisher")
    name, log, message_file, category_file, category_count, _types = info
    return _PublisherMetadata(name, log, _split_files(message_file), _split_files(category_file),
                              category_count)


def _levels():
    return [{13: (n, _STRING), 14: (v, _UINT32), 15: (_NO_MESSAGE, _UINT32)} for v, n, _ in _LEVELS]


def _keywords():
    return [{26: (n, _STRING), 27: (v, _UINT64), 28: (_NO_MESSAGE, _UINT32)} for v, n in _KEYWORDS]


def _tasks(meta):
    tasks = []
    for value in range(1, meta.category_count + 1):
        text = meta.message(value, category=True)
        tasks.append({17: ((text or f"({value})").strip(), _STRING), 18: (None, _NULL),
                      19: (value, _UINT32), 20: (value if text else _NO_MESSAGE, _UINT32)})
    return tasks


def publisher_metadata_property(meta, property_id, flags=0):
    function = "EvtGetPublisherMetadataProperty"
    _check(meta, _PublisherMetadata, function)
    _flags_zero(flags, function)
    if not isinstance(property_id, int):
        raise TypeError("PropertyId must be an integer")
    first_file = meta.message_files[0] if meta.message_files else None
    simple = {
        0: (None, _NULL),  # PublisherGuid: classic sources have none
        1: (first_file, _STRING) if first_file else (None, _NULL),  # ResourceFilePath
        2: (None, _NULL),  # ParameterFilePath
        3: (first_file, _STRING) if first_file else (None, _NULL),  # MessageFilePath
        4: (None, _NULL),  # HelpLink
        5: (_NO_MESSAGE, _UINT32),  # PublisherMessageID
    }
    if property_id in simple:
        return simple[property_id]
    arrays = {
        6: lambda: [{7: (meta.log, _STRING), 8: (0, _UINT32), 9: (0, _UINT32), 10: (0, _UINT32),
                     11: (_NO_MESSAGE, _UINT32)}] if meta.log else [],  # ChannelReferences
        12: _levels,
        16: lambda: _tasks(meta),
        21: lambda: [{22: ("win:Info", _STRING), 23: (0, _UINT32), 24: (_NO_MESSAGE, _UINT32)}],
        25: _keywords,
    }
    if property_id in arrays:
        return _ObjectArray(arrays[property_id]()), _EVT_HANDLE
    _fail(_ERROR_INVALID_PARAMETER, function)


def object_array_size(array):
    return len(_check(array, _ObjectArray, "EvtGetObjectArraySize").items)


def object_array_property(array, property_id, index, flags=0):
    function = "EvtGetObjectArrayProperty"
    _check(array, _ObjectArray, function)
    _flags_zero(flags, function)
    if not isinstance(property_id, int) or not isinstance(index, int):
        raise TypeError("PropertyId and ArrayIndex must be integers")
    if not 0 <= index < len(array.items) or property_id not in array.items[index]:
        _fail(_ERROR_INVALID_PARAMETER, function)
    return array.items[index][property_id]


# ------------------------------------------------------------ event metadata

class _EventMetadata(_EvtObject):
    _kind = "event metadata handle"

    def __init__(self, message_id):
        super().__init__()
        self.message_id = message_id


class _EventMetadataEnum(_EvtObject):
    _kind = "event metadata enumeration"

    def __init__(self, ids):
        super().__init__()
        self.ids = ids


def open_event_metadata_enum(meta, flags=0):
    _check(meta, _PublisherMetadata, "EvtOpenEventMetadataEnum")
    _flags_zero(flags, "EvtOpenEventMetadataEnum")
    return _EventMetadataEnum(sorted(meta.messages()))


def next_event_metadata(enum, flags=0):
    """The next event the publisher's message file defines; None after the last."""
    _check(enum, _EventMetadataEnum, "EvtNextEventMetadata")
    _flags_zero(flags, "EvtNextEventMetadata")
    return _EventMetadata(enum.ids.pop(0)) if enum.ids else None


def event_metadata_property(em, property_id, flags=0):
    function = "EvtGetEventMetadataProperty"
    _check(em, _EventMetadata, function)
    _flags_zero(flags, function)
    mid = em.message_id
    # A message id's top two bits are its severity: success, informational,
    # warning, error; the level follows them.
    level = {0: 4, 1: 4, 2: 3, 3: 2}[mid >> 30]
    values = {0: (mid & 0xFFFF, _UINT32), 1: (0, _BYTE), 2: (0, _BYTE), 3: (level, _BYTE), 4: (0, _BYTE),
              5: (0, _UINT16), 6: (_KEYWORD_CLASSIC, _HEX_INT64), 7: (mid, _UINT32), 8: (None, _NULL)}
    if property_id not in values:
        _fail(_ERROR_INVALID_PARAMETER, function)
    return values[property_id]


# ----------------------------------------------------------- formatting

_FORMAT_EVENT, _FORMAT_LEVEL, _FORMAT_TASK, _FORMAT_OPCODE, _FORMAT_KEYWORD = 1, 2, 3, 4, 5
_FORMAT_CHANNEL, _FORMAT_PROVIDER, _FORMAT_ID, _FORMAT_XML = 6, 7, 8, 9


def _expand(text, inserts):
    import win32api
    return win32api.FormatMessage(0x400, text, 0, 0, inserts)  # FORMAT_MESSAGE_FROM_STRING


def _level(event_type):
    return {1: 2, 2: 3, 4: 4, 0: 4, 8: 0, 16: 0}.get(event_type, 4)


def _keyword_names(event_type):
    if event_type == 8:
        return ["Audit Success", "Classic"]
    if event_type == 16:
        return ["Audit Failure", "Classic"]
    return ["Classic"]


def format_message(metadata, event, flags, resource_id=0):
    function = "EvtFormatMessage"
    if not isinstance(flags, int) or not isinstance(resource_id, int):
        raise TypeError("Flags and ResourceId must be integers")
    if not _FORMAT_EVENT <= flags <= _FORMAT_XML:
        _fail(_ERROR_INVALID_PARAMETER, function)
    if flags == _FORMAT_ID:
        if metadata is None:
            _fail(_ERROR_INVALID_PARAMETER, function)
        meta = _check(metadata, _PublisherMetadata, function)
        text = meta.message(resource_id)
        if text is None:
            _fail(_ERROR_EVT_MESSAGE_ID_NOT_FOUND, function, f"{meta.name}: no message 0x{resource_id:08X}")
        return text
    if event is None:
        _fail(_ERROR_INVALID_PARAMETER, function)
    raw, channel = _raw._EvtEventRecord(event)
    source, event_id, event_type, category = raw[9], raw[4], raw[5], raw[6]
    inserts = raw[10]
    if metadata is None:
        meta = None
        try:
            meta = open_publisher_metadata(source)
        except error:
            if flags in (_FORMAT_EVENT, _FORMAT_TASK, _FORMAT_XML):
                raise
    else:
        meta = _check(metadata, _PublisherMetadata, function)

    def event_text():
        text = meta.message(event_id)
        if text is None:
            _fail(_ERROR_EVT_MESSAGE_NOT_FOUND, function,
                  f"{source}: no message for event {event_id & 0xFFFF}")
        return _expand(text, inserts)

    def task_text():
        if category == 0:
            return "None"
        text = meta.message(category, category=True)
        return text.strip() if text else f"({category})"

    if flags == _FORMAT_EVENT:
        return event_text()
    if flags == _FORMAT_LEVEL:
        return _LEVEL_NAMES[_level(event_type)]
    if flags == _FORMAT_TASK:
        return task_text()
    if flags == _FORMAT_OPCODE:
        return "Info"
    if flags == _FORMAT_KEYWORD:
        return _keyword_names(event_type)[0]
    if flags == _FORMAT_CHANNEL:
        return channel
    if flags == _FORMAT_PROVIDER:
        return source
    # _FORMAT_XML: the event's XML with its RenderingInfo.
    from xml.sax.saxutils import escape
    xml = _raw._EvtRender(event, 1)
    try:
        message = event_text()
    except error:
        message = None
    info = ["<RenderingInfo Culture='en-US'>"]
    if message is not None:
        info.append(f"<Message>{escape(message)}</Message>")
    info.append(f"<Level>{_LEVEL_NAMES[_level(event_type)]}</Level><Task>{escape(task_text())}</Task>"
                f"<Opcode>Info</Opcode><Channel>{escape(channel)}</Channel>"
                f"<Provider>{escape(source)}</Provider><Keywords>")
    info.extend(f"<Keyword>{k}</Keyword>" for k in _keyword_names(event_type))
    info.append("</Keywords></RenderingInfo>")
    return xml[:xml.rindex("</Event>")] + "".join(info) + "</Event>"


# ------------------------------------------------------------- archiving

def archive_exported_log(log_file_path, locale=0, session=None, flags=0):
    """Copies the messages that an exported log's events need (each
    source's event and category messages) into the file, so that
    EvtOpenPublisherMetadata(..., LogFilePath=file) can format them where
    the sources are not registered."""
    function = "EvtArchiveExportedLog"
    if not isinstance(log_file_path, str):
        raise TypeError("LogFilePath must be a string")
    if not isinstance(locale, int):
        raise TypeError("Locale must be an integer")
    _no_session(session, function)
    _flags_zero(flags, function)
    rows = []
    for source, event_id, category in _raw._ExportedEventKeys(log_file_path):
        try:
            meta = open_publisher_metadata(source)
        except error:
            continue  # an unregistered source has nothing to archive
        text = meta.message(event_id)
        if text is not None:
            rows.append((source, 0, event_id, text))
        if category:
            text = meta.message(category, category=True)
            if text is not None:
                rows.append((source, 1, category, text))
    _raw._ArchiveMessages(log_file_path, rows)
