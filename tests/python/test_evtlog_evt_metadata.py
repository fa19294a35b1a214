"""The Evt* API's metadata: channels and their configuration, publishers
with their message tables, object arrays, EvtFormatMessage, and messages
archived into an exported log."""
import os
import stat

import pytest

import pywintypes
import win32evtlog as E
import win32evtlogutil
from evtlog_helpers import log  # noqa: F401 (fixture)
from pywin32_posix import evtlog_policy

ERROR_INVALID_HANDLE = 6
ERROR_INVALID_PARAMETER = 87
ERROR_EVENTLOG_FILE_CORRUPT = 1500
ERROR_EVT_PUBLISHER_METADATA_NOT_FOUND = 15002
ERROR_EVT_CHANNEL_NOT_FOUND = 15007
ERROR_EVT_MESSAGE_NOT_FOUND = 15027
ERROR_EVT_MESSAGE_ID_NOT_FOUND = 15028

MESSAGES = """\
MessageIdTypedef=DWORD
SeverityNames=(Success=0x0 Informational=0x1 Warning=0x2 Error=0x3)
FacilityNames=(Application=0xFFF)
LanguageNames=(English=0x409:MSG00409)

MessageId=1
Language=English
Disk checks
.

MessageId=2
Language=English
Backups
.

MessageId=100
Severity=Warning
Facility=Application
SymbolicName=MSG_LOW_SPACE
Language=English
Volume %1 has only %2 MB left.
.

MessageId=101
Severity=Error
Facility=Application
Language=English
Volume %1 failed.
.
"""

LOW_SPACE = 0x8FFF0064  # warning severity, customer bit clear, facility 0xFFF, code 100


@pytest.fixture
def publisher(tmp_path):
    """(log, source, message file): a source with its own messages and two categories."""
    mc = tmp_path / "disk.mc"
    mc.write_text(MESSAGES)
    tag = os.urandom(5).hex()
    log_name, source = f"Ops{tag}", f"Disk{tag}"
    win32evtlogutil.AddSourceToRegistry(source, str(mc), log_name, categoryCount=2)
    yield log_name, source, str(mc)
    win32evtlogutil.RemoveSourceFromRegistry(source, log_name)


def report(source, event_id, **kw):
    win32evtlogutil.ReportEvent(source, event_id, **kw)


def only_event(log_name):
    [ev] = E.EvtNext(E.EvtQuery(log_name, E.EvtQueryChannelPath, "*[System[EventRecordID=1]]"), 5)
    return ev


def test_channels_are_the_logs(publisher):
    log_name, source, _ = publisher
    enum = E.EvtOpenChannelEnum()
    names = []
    while (name := E.EvtNextChannelPath(enum)) is not None:
        names.append(name)
    assert names[:3] == ["Application", "System", "Security"] and log_name in names
    assert E.EvtNextChannelPath(enum) is None
    enum.Close()
    with pytest.raises(pywintypes.error) as exc:
        E.EvtNextChannelPath(enum)
    assert exc.value.winerror == ERROR_INVALID_HANDLE
    with pytest.raises(TypeError):
        E.EvtNextChannelPath(object())
    with pytest.raises(pywintypes.error) as exc:
        E.EvtOpenChannelEnum(None, 1)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER


def test_channel_configuration_follows_the_log(publisher):
    log_name, source, _ = publisher
    report(source, LOW_SPACE, strings=["C:", "5"])
    config = E.EvtOpenChannelConfig(log_name.lower())  # names are case-insensitive
    get = lambda pid: E.EvtGetChannelConfigProperty(config, pid)  # noqa: E731
    assert get(E.EvtChannelConfigEnabled) == (True, E.EvtVarTypeBoolean)
    assert get(E.EvtChannelConfigClassicEventlog) == (True, E.EvtVarTypeBoolean)
    path, kind = get(E.EvtChannelLoggingConfigLogFilePath)
    assert kind == E.EvtVarTypeString and os.path.isfile(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    access, kind = get(E.EvtChannelConfigAccess)
    assert access == f"O:S-1-22-1-{os.getuid()}G:S-1-22-2-{os.stat(path).st_gid}D:(A;;0x12019f;;;S-1-22-1-{os.getuid()})"
    assert get(E.EvtChannelPublisherList) == ([source], E.EvtVarTypeString | 128)
    evtlog_policy.set_log_policy(log_name, max_size=1 << 20, retention=evtlog_policy.DO_NOT_OVERWRITE)
    assert get(E.EvtChannelLoggingConfigMaxSize) == (1 << 20, E.EvtVarTypeUInt64)
    assert get(E.EvtChannelLoggingConfigRetention) == (True, E.EvtVarTypeBoolean)
    evtlog_policy.set_log_policy(log_name, max_size=0, retention=0)
    assert get(E.EvtChannelLoggingConfigRetention) == (False, E.EvtVarTypeBoolean)
    assert get(E.EvtChannelPublishingConfigLevel) == (None, E.EvtVarTypeNull)
    for bad in (E.EvtChannelConfigPropertyIdEND, 99):
        with pytest.raises(pywintypes.error) as exc:
            get(bad)
        assert exc.value.winerror == ERROR_INVALID_PARAMETER
    with pytest.raises(pywintypes.error) as exc:
        E.EvtOpenChannelConfig("NoSuch" + log_name)
    assert exc.value.winerror == ERROR_EVT_CHANNEL_NOT_FOUND
    with pytest.raises(TypeError):
        E.EvtOpenChannelConfig(7)
    with pytest.raises(TypeError):
        E.EvtGetChannelConfigProperty("config", 0)


def test_publisher_metadata_and_object_arrays(publisher):
    log_name, source, mc = publisher
    enum = E.EvtOpenPublisherEnum()
    names = []
    while (name := E.EvtNextPublisherId(enum)) is not None:
        names.append(name)
    assert source in names
    meta = E.EvtOpenPublisherMetadata(source)
    assert E.EvtGetPublisherMetadataProperty(meta, E.EvtPublisherMetadataMessageFilePath) == (mc, E.EvtVarTypeString)
    assert E.EvtGetPublisherMetadataProperty(meta, E.EvtPublisherMetadataPublisherGuid) == (None, E.EvtVarTypeNull)
    channels, kind = E.EvtGetPublisherMetadataProperty(meta, E.EvtPublisherMetadataChannelReferences)
    assert kind == E.EvtVarTypeEvtHandle and E.EvtGetObjectArraySize(channels) == 1
    assert E.EvtGetObjectArrayProperty(channels, E.EvtPublisherMetadataChannelReferencePath, 0) == \
        (log_name, E.EvtVarTypeString)
    tasks, _ = E.EvtGetPublisherMetadataProperty(meta, E.EvtPublisherMetadataTasks)
    assert E.EvtGetObjectArraySize(tasks) == 2
    assert [E.EvtGetObjectArrayProperty(tasks, E.EvtPublisherMetadataTaskName, i)[0] for i in (0, 1)] == \
        ["Disk checks", "Backups"]
    keywords, _ = E.EvtGetPublisherMetadataProperty(meta, E.EvtPublisherMetadataKeywords)
    names = {E.EvtGetObjectArrayProperty(keywords, E.EvtPublisherMetadataKeywordName, i)[0]
             for i in range(E.EvtGetObjectArraySize(keywords))}
    assert names == {"Classic", "Audit Success", "Audit Failure"}
    with pytest.raises(pywintypes.error) as exc:
        E.EvtGetObjectArrayProperty(tasks, E.EvtPublisherMetadataTaskName, 2)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    with pytest.raises(pywintypes.error) as exc:  # a level property asked of a task
        E.EvtGetObjectArrayProperty(tasks, E.EvtPublisherMetadataLevelName, 0)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    with pytest.raises(pywintypes.error) as exc:
        E.EvtGetPublisherMetadataProperty(meta, E.EvtPublisherMetadataPropertyIdEND)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER
    with pytest.raises(pywintypes.error) as exc:
        E.EvtOpenPublisherMetadata("NoSuch" + source)
    assert exc.value.winerror == ERROR_EVT_PUBLISHER_METADATA_NOT_FOUND
    with pytest.raises(TypeError):
        E.EvtGetObjectArraySize(meta)


def test_event_metadata_lists_the_message_file(publisher):
    _, source, _ = publisher
    meta = E.EvtOpenPublisherMetadata(source)
    enum = E.EvtOpenEventMetadataEnum(meta)
    found = {}
    while (em := E.EvtNextEventMetadata(enum)) is not None:
        message_id = E.EvtGetEventMetadataProperty(em, E.EventMetadataEventMessageID)[0]
        found[message_id] = E.EvtGetEventMetadataProperty(em, E.EventMetadataEventLevel)[0]
    assert found[LOW_SPACE] == 3 and found[0xCFFF0065] == 2 and found[1] == 4
    with pytest.raises(pywintypes.error) as exc:
        E.EvtGetEventMetadataProperty(E.EvtNextEventMetadata(E.EvtOpenEventMetadataEnum(meta)),
                                      E.EvtEventMetadataPropertyIdEND)
    assert exc.value.winerror == ERROR_INVALID_PARAMETER


def test_format_message_for_each_flag(publisher):
    log_name, source, _ = publisher
    report(source, LOW_SPACE, eventCategory=2, eventType=E.EVENTLOG_WARNING_TYPE, strings=["D:", "12"])
    ev = only_event(log_name)
    meta = E.EvtOpenPublisherMetadata(source)
    assert E.EvtFormatMessage(meta, ev, E.EvtFormatMessageEvent) == "Volume D: has only 12 MB left.\r\n"
    assert E.EvtFormatMessage(None, ev, E.EvtFormatMessageEvent).startswith("Volume D: has only 12")
    assert E.EvtFormatMessage(meta, ev, E.EvtFormatMessageLevel) == "Warning"
    assert E.EvtFormatMessage(meta, ev, E.EvtFormatMessageTask) == "Backups"
    assert E.EvtFormatMessage(meta, ev, E.EvtFormatMessageOpcode) == "Info"
    assert E.EvtFormatMessage(meta, ev, E.EvtFormatMessageKeyword) == "Classic"
    assert E.EvtFormatMessage(meta, ev, E.EvtFormatMessageChannel) == log_name
    assert E.EvtFormatMessage(meta, ev, E.EvtFormatMessageProvider) == source
    xml = E.EvtFormatMessage(meta, ev, E.EvtFormatMessageXml)
    assert "<RenderingInfo Culture='en-US'><Message>Volume D: has only 12 MB left.\r\n</Message>" in xml
    assert xml.endswith("<Keywords><Keyword>Classic</Keyword></Keywords></RenderingInfo></Event>")
    assert E.EvtFormatMessage(meta, None, E.EvtFormatMessageId, 1).startswith("Disk checks")
    # An event whose id the table lacks, and bad arguments.
    report(source, 4242)
    [missing] = E.EvtNext(E.EvtQuery(log_name, E.EvtQueryChannelPath, "*[System[EventID=4242]]"), 5)
    with pytest.raises(pywintypes.error) as exc:
        E.EvtFormatMessage(meta, missing, E.EvtFormatMessageEvent)
    assert exc.value.winerror == ERROR_EVT_MESSAGE_NOT_FOUND
    assert "4242" in E.EvtGetExtendedStatus()
    with pytest.raises(pywintypes.error) as exc:
        E.EvtFormatMessage(meta, None, E.EvtFormatMessageId, 77)
    assert exc.value.winerror == ERROR_EVT_MESSAGE_ID_NOT_FOUND
    for flags in (0, 10):
        with pytest.raises(pywintypes.error) as exc:
            E.EvtFormatMessage(meta, ev, flags)
        assert exc.value.winerror == ERROR_INVALID_PARAMETER
    with pytest.raises(TypeError):
        E.EvtFormatMessage("meta", ev, E.EvtFormatMessageEvent)
    meta.Close()
    with pytest.raises(pywintypes.error) as exc:
        E.EvtFormatMessage(meta, ev, E.EvtFormatMessageEvent)
    assert exc.value.winerror == ERROR_INVALID_HANDLE


def test_audit_keywords_and_levels(log):
    name, source = log
    for event_type in (E.EVENTLOG_AUDIT_SUCCESS, E.EVENTLOG_AUDIT_FAILURE, E.EVENTLOG_ERROR_TYPE):
        win32evtlogutil.ReportEvent(source, 1, eventType=event_type)
    events = E.EvtNext(E.EvtQuery(name, E.EvtQueryChannelPath), 5)
    meta = E.EvtOpenPublisherMetadata(source)
    assert [E.EvtFormatMessage(meta, ev, E.EvtFormatMessageKeyword) for ev in events] == \
        ["Audit Success", "Audit Failure", "Classic"]
    assert [E.EvtFormatMessage(meta, ev, E.EvtFormatMessageLevel) for ev in events] == \
        ["Information", "Information", "Error"]


def test_archived_messages_format_an_export_elsewhere(publisher, tmp_path):
    log_name, source, mc = publisher
    report(source, LOW_SPACE, eventCategory=1, eventType=E.EVENTLOG_WARNING_TYPE, strings=["E:", "3"])
    target = str(tmp_path / "ops.evtx")
    E.EvtExportLog(log_name, target, E.EvtExportLogChannelPath)
    with pytest.raises(pywintypes.error) as exc:  # nothing archived yet
        E.EvtOpenPublisherMetadata(source, None, target)
    assert exc.value.winerror == ERROR_EVT_PUBLISHER_METADATA_NOT_FOUND
    E.EvtArchiveExportedLog(target, 0)
    # Where the source and its message file are gone, the file still formats.
    win32evtlogutil.RemoveSourceFromRegistry(source, log_name)
    os.remove(mc)
    [ev] = E.EvtNext(E.EvtQuery(target, E.EvtQueryFilePath), 5)
    meta = E.EvtOpenPublisherMetadata(source, None, target)
    assert E.EvtFormatMessage(meta, ev, E.EvtFormatMessageEvent) == "Volume E: has only 3 MB left.\r\n"
    assert E.EvtFormatMessage(meta, ev, E.EvtFormatMessageTask) == "Disk checks"
    with pytest.raises(pywintypes.error) as exc:
        E.EvtFormatMessage(None, ev, E.EvtFormatMessageEvent)
    assert exc.value.winerror == ERROR_EVT_PUBLISHER_METADATA_NOT_FOUND
    # Restore the registration for the fixture's clean-up.
    win32evtlogutil.AddSourceToRegistry(source, mc, log_name)
    bad = tmp_path / "bad.evtx"
    bad.write_bytes(b"not a log" * 100)
    with pytest.raises(pywintypes.error) as exc:
        E.EvtArchiveExportedLog(str(bad), 0)
    assert exc.value.winerror == ERROR_EVENTLOG_FILE_CORRUPT
    with pytest.raises(TypeError):
        E.EvtArchiveExportedLog(None, 0)
