"""perfmon: publishing a program's own performance counters, as pywin32's
perfmon module does for Windows' Performance Monitor.

A PerfMonManager puts its objects' counters in a shared block of the
session (the runtime directory); win32pdh in any process of the session
lists them as objects and reads them. Names come from the lodctr .ini file
given to LoadPerfCounterTextStrings (its [text] NAME/HELP entries, with the
offsets of its symbol file); without them an object is named after the
service and a counter "Counter <offset>". Objects have no instances.
"""
import os
import re
import shlex

from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix._w32 import win32pdh as _pdh

PERF_DETAIL_NOVICE = 100
PERF_COUNTER_COUNTER = 0x10410400
PERF_COUNTER_RAWCOUNT = 0x00010000
PERF_COUNTER_LARGE_RAWCOUNT = 0x00010100


class PyPERF_COUNTER_DEFINITION:
    """A counter (PERF_COUNTER_DEFINITION). Set/Increment/Decrement do nothing until
    a PerfMonManager publishes the counter; Get then raises ValueError."""

    def __init__(self):
        self.DefaultScale = 0
        self.DetailLevel = PERF_DETAIL_NOVICE
        self.CounterType = 0
        self.CounterNameTitleIndex = 0
        self.CounterHelpTitleIndex = 0
        self._block = None
        self._slot = -1

    def _bind(self, block, slot):
        self._block, self._slot = block, slot

    def Increment(self):
        """Adds one to the published counter (nothing before it is published)."""
        if self._block is not None:
            self._block.add(self._slot, 1)

    def Decrement(self):
        """Takes one from the published counter (nothing before it is published)."""
        if self._block is not None:
            self._block.add(self._slot, -1)

    def Set(self, val):
        """Sets the published counter to val (an int; TypeError otherwise)."""
        if not isinstance(val, int):
            raise TypeError("the counter value must be an int")
        if self._block is not None:
            self._block.set(self._slot, val)

    def Get(self):
        """The counter's current value; ValueError before a PerfMonManager publishes it."""
        if self._block is None:
            raise ValueError("The counter does not exist in a block")
        return self._block.get(self._slot)


class PyPERF_OBJECT_TYPE:
    """An object (PERF_OBJECT_TYPE) holding counters."""

    def __init__(self):
        self.ObjectNameTitleIndex = 0
        self.ObjectHelpTitleIndex = 0
        self.DefaultCounterIndex = 0
        self._counters = []

    def AddCounter(self, counter):
        """Adds a PyPERF_COUNTER_DEFINITION to the object (TypeError for anything else)."""
        if not isinstance(counter, PyPERF_COUNTER_DEFINITION):
            raise TypeError("AddCounter needs a PyPERF_COUNTER_DEFINITION")
        self._counters.append(counter)

    def Close(self):
        """Forgets the object's counters."""
        self._counters = []


class PyPerfMonManager:
    """Publishes objects' counters for the session until Close(): win32pdh in any
    process of the session then lists and reads them. TypeError for an empty
    service name or a sequence holding anything but PyPERF_OBJECT_TYPE.

    On POSIX: the counters live in a shared block of the session's runtime
    directory, not in the registry; mappingName and eventSourceName are unused.
    """
    def __init__(self, serviceName, seqPerfObTypes, mappingName=None, eventSourceName=None):
        if not isinstance(serviceName, str) or not serviceName:
            raise TypeError("serviceName must be a non-empty string")
        objects = list(seqPerfObTypes)
        for ob in objects:
            if not isinstance(ob, PyPERF_OBJECT_TYPE):
                raise TypeError("seqPerfObTypes must hold PyPERF_OBJECT_TYPE objects")
        specs = [(ob.ObjectNameTitleIndex, ob.ObjectHelpTitleIndex,
                  [(c.CounterNameTitleIndex, c.CounterHelpTitleIndex, c.CounterType, c.DefaultScale, c.DetailLevel)
                   for c in ob._counters]) for ob in objects]
        self._block = _pdh._create_perfmon_block(serviceName, specs)
        self._counters = [c for ob in objects for c in ob._counters]
        for slot, counter in enumerate(self._counters):
            counter._bind(self._block, slot)

    def Close(self):
        """Withdraws the counters: readers see the objects go."""
        for counter in self._counters:
            counter._bind(None, -1)
        self._counters = []
        if self._block is not None:
            self._block.close()
            self._block = None


def CounterDefinition():
    """A new, unpublished counter (PyPERF_COUNTER_DEFINITION)."""
    return PyPERF_COUNTER_DEFINITION()


def ObjectType():
    """A new object to hold counters (PyPERF_OBJECT_TYPE)."""
    return PyPERF_OBJECT_TYPE()


def PerfMonManager(serviceName, seqPerfObTypes, mappingName=None, eventSourceName=None):
    """Publishes the objects' counters under serviceName: see PyPerfMonManager."""
    return PyPerfMonManager(serviceName, seqPerfObTypes, mappingName, eventSourceName)


def _ini_sections(path):
    sections, current = {}, None
    with open(path, encoding="utf-8-sig") as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith(";"):
                continue
            if line.startswith("[") and line.endswith("]"):
                current = sections.setdefault(line[1:-1].strip().lower(), {})
            elif current is not None and "=" in line:
                key, value = line.split("=", 1)
                current[key.strip()] = value.strip()
    return sections


def _symbols(path):
    symbols = {}
    with open(path, encoding="utf-8-sig") as f:
        for m in re.finditer(r"^\s*#\s*define\s+(\w+)\s+(\d+)", f.read(), re.M):
            symbols[m.group(1)] = int(m.group(2))
    return symbols


def LoadPerfCounterTextStrings(commandLine):
    """lodctr: the last word of commandLine names the .ini file ([info] drivername and
    symbolfile, [text] SYMBOL_009_NAME / SYMBOL_009_HELP); the names are registered for
    the driver (service) in the session."""
    words = shlex.split(commandLine, posix=os.sep == "/")
    if not words:
        raise ValueError("commandLine names no .ini file")
    ini = words[-1]
    sections = _ini_sections(ini)
    info = sections.get("info", {})
    driver = info.get("drivername")
    if not driver:
        raise ValueError("the .ini file has no [info] drivername")
    symbols = {}
    if info.get("symbolfile"):
        symbols = _symbols(os.path.join(os.path.dirname(os.path.abspath(ini)), info["symbolfile"]))
    texts = {}
    for key, value in sections.get("text", {}).items():
        m = re.match(r"^(\w+?)_009_(NAME|HELP)$", key, re.I)
        if not m or m.group(1) not in symbols:
            continue
        name, help_text = texts.get(symbols[m.group(1)], ("", ""))
        texts[symbols[m.group(1)]] = (value, help_text) if m.group(2).upper() == "NAME" else (name, value)
    _pdh._load_counter_text(driver, [(off, n, h) for off, (n, h) in sorted(texts.items())])


def UnloadPerfCounterTextStrings(commandLine):
    """unlodctr: the last word of commandLine is the driver (service) name."""
    words = shlex.split(commandLine, posix=os.sep == "/")
    if not words:
        raise ValueError("commandLine names no driver")
    _pdh._unload_counter_text(words[-1])


