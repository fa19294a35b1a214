"""win32pdh: performance counters (the Performance Data Helper API).

Objects and counters come from /proc and /sys under Windows' names and
units: Processor, Memory, System, Process, Thread, PhysicalDisk, LogicalDisk,
Network Interface. Rate counters need two CollectQueryData calls, as on
Windows. Handles are ints. Counter logs (a DataSource other than None) raise
pywintypes.error(ERROR_NOT_SUPPORTED). BrowseCounters is a console chooser.
See docs/pdh.md.
"""
import sys as _sys

from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix._w32.win32pdh import *  # noqa: F401,F403
from pywin32_posix._w32 import win32pdh as _pdh


class counter_status_error(Exception):
    """Raised by pywin32 helpers when a counter's CStatus is not valid."""


# Formatting flags (PDH_FMT_*).
PDH_FMT_RAW = 0x00000010
PDH_FMT_ANSI = 0x00000020
PDH_FMT_UNICODE = 0x00000040
PDH_FMT_LONG = 0x00000100
PDH_FMT_DOUBLE = 0x00000200
PDH_FMT_LARGE = 0x00000400
PDH_FMT_NOSCALE = 0x00001000
PDH_FMT_1000 = 0x00002000
PDH_FMT_NODATA = 0x00004000
PDH_FMT_NOCAP100 = 0x00008000

PDH_MAX_SCALE = 7
PDH_MIN_SCALE = -7
PDH_PATH_WBEM_RESULT = 0x00000001
PDH_PATH_WBEM_INPUT = 0x00000002
PDH_VERSION = 0x00000503

PERF_DETAIL_NOVICE = 100
PERF_DETAIL_ADVANCED = 200
PERF_DETAIL_EXPERT = 300
PERF_DETAIL_WIZARD = 400
PERF_DETAIL_COSTLY = 0x00010000
PERF_DETAIL_STANDARD = 0x0000FFFF

PDH_NOEXPANDCOUNTERS = 1
PDH_NOEXPANDINSTANCES = 2
PDH_REFRESHCOUNTERS = 4
PDH_OBJECT_HAS_INSTANCES = 0x00000001

# Status codes (pdhmsg.h): what pywintypes.error.winerror holds for PDH failures,
# signed 32-bit as pywin32 gives them (and as winerror spells HRESULTs).
PDH_CSTATUS_VALID_DATA = 0x00000000
PDH_CSTATUS_NEW_DATA = 0x00000001
PDH_CSTATUS_NO_MACHINE = -2147481648  # 0x800007D0
PDH_CSTATUS_NO_INSTANCE = -2147481647  # 0x800007D1
PDH_MORE_DATA = -2147481646  # 0x800007D2
PDH_CSTATUS_ITEM_NOT_VALIDATED = -2147481645  # 0x800007D3
PDH_RETRY = -2147481644  # 0x800007D4
PDH_NO_DATA = -2147481643  # 0x800007D5
PDH_CALC_NEGATIVE_DENOMINATOR = -2147481642  # 0x800007D6
PDH_CALC_NEGATIVE_TIMEBASE = -2147481641  # 0x800007D7
PDH_CALC_NEGATIVE_VALUE = -2147481640  # 0x800007D8
PDH_DIALOG_CANCELLED = -2147481639  # 0x800007D9
PDH_END_OF_LOG_FILE = -2147481638  # 0x800007DA
PDH_ASYNC_QUERY_TIMEOUT = -2147481637  # 0x800007DB
PDH_CANNOT_SET_DEFAULT_REALTIME_DATASOURCE = -2147481636  # 0x800007DC
PDH_CSTATUS_NO_OBJECT = -1073738824  # 0xC0000BB8
PDH_CSTATUS_NO_COUNTER = -1073738823  # 0xC0000BB9
PDH_CSTATUS_INVALID_DATA = -1073738822  # 0xC0000BBA
PDH_MEMORY_ALLOCATION_FAILURE = -1073738821  # 0xC0000BBB
PDH_INVALID_HANDLE = -1073738820  # 0xC0000BBC
PDH_INVALID_ARGUMENT = -1073738819  # 0xC0000BBD
PDH_FUNCTION_NOT_FOUND = -1073738818  # 0xC0000BBE
PDH_CSTATUS_NO_COUNTERNAME = -1073738817  # 0xC0000BBF
PDH_CSTATUS_BAD_COUNTERNAME = -1073738816  # 0xC0000BC0
PDH_INVALID_BUFFER = -1073738815  # 0xC0000BC1
PDH_INSUFFICIENT_BUFFER = -1073738814  # 0xC0000BC2
PDH_CANNOT_CONNECT_MACHINE = -1073738813  # 0xC0000BC3
PDH_INVALID_PATH = -1073738812  # 0xC0000BC4
PDH_INVALID_INSTANCE = -1073738811  # 0xC0000BC5
PDH_INVALID_DATA = -1073738810  # 0xC0000BC6
PDH_NO_DIALOG_DATA = -1073738809  # 0xC0000BC7
PDH_CANNOT_READ_NAME_STRINGS = -1073738808  # 0xC0000BC8
PDH_NO_MORE_DATA = -1073738804  # 0xC0000BCC
PDH_NOT_IMPLEMENTED = -1073738797  # 0xC0000BD3
PDH_STRING_NOT_FOUND = -1073738796  # 0xC0000BD4
def _cancelled():
    from pywin32_posix._w32 import win32api as _api

    text = _api.FormatMessage(PDH_DIALOG_CANCELLED).rstrip("\r\n")
    return error(PDH_DIALOG_CANCELLED, "BrowseCounters", text)


def _choose(prompt, items, multiple, stdin, stdout):
    """Numbered list on stdout, a choice from stdin: an index, a name, or '*' (all) when multiple."""
    for i, item in enumerate(items):
        stdout.write("%4d  %s\n" % (i, item))
    stdout.write(prompt + (" (number, name%s): " % (", list or *" if multiple else "")))
    stdout.flush()
    line = stdin.readline()
    if not line or not line.strip():
        raise _cancelled()
    answer = line.strip()
    if multiple and answer == "*":
        return list(items)
    chosen = []
    for part in answer.split(",") if multiple else [answer]:
        part = part.strip()
        if part.isdigit() and int(part) < len(items):
            chosen.append(items[int(part)])
            continue
        match = [x for x in items if x.lower() == part.lower()]
        if not match:
            raise _cancelled()
        chosen.append(match[0])
    return chosen


def BrowseCounters(Flags, hWndOwner, CallBack, DefaultDetailLevel, DialogBoxCaption=None, InitialPath=None,
                   DataSource=None, ReturnMultiple=False, CallBackArg=None):
    """Lets the user pick counters on the console (stdin/stdout): an object, counters, instances.

    CallBack gets the list of chosen paths when ReturnMultiple is true, else the one path;
    the first chosen path is returned. No answer (end of input, an empty line, an unknown
    name) raises pywintypes.error(PDH_DIALOG_CANCELLED).
    """
    if Flags is not None and not isinstance(Flags, tuple):
        raise TypeError("Flags must be a tuple or None")
    if not callable(CallBack):
        raise TypeError("CallBack must be callable")
    if DataSource:
        EnumObjects(DataSource, None, DefaultDetailLevel)  # raises ERROR_NOT_SUPPORTED
    stdin, stdout = _sys.stdin, _sys.stdout
    if stdin is None:
        raise _cancelled()
    stdout.write((DialogBoxCaption or "Browse Performance Counters") + "\n")
    objects = EnumObjects(None, None, DefaultDetailLevel)
    obj = _choose("Object", objects, False, stdin, stdout)[0]
    counters, instances = EnumObjectItems(None, None, obj, DefaultDetailLevel)
    chosen_counters = _choose("Counter", counters, ReturnMultiple, stdin, stdout)
    chosen_instances = [None]
    if instances:
        chosen_instances = _choose("Instance", ["*"] + _numbered(instances), ReturnMultiple, stdin, stdout)
    paths = []
    for inst in chosen_instances:
        for ctr in chosen_counters:
            parts = ParseInstanceName(inst) if inst else (None, None, 0)
            paths.append(MakeCounterPath((None, obj, parts[0], parts[1], parts[2], ctr)))
    if CallBackArg is not None:
        CallBack(paths if ReturnMultiple else paths[0], CallBackArg)
    else:
        CallBack(paths if ReturnMultiple else paths[0])
    return paths[0]


def _numbered(names):
    """Instance names with #n for repeats, as paths spell them."""
    seen = {}
    out = []
    for name in names:
        n = seen.get(name.lower(), 0)
        seen[name.lower()] = n + 1
        out.append(name if n == 0 else "%s#%d" % (name, n))
    return out
