"""win32trace: out-of-process tracing, as pywin32's.

Any number of processes write (InitWrite, write, or setprint to send
sys.stdout/sys.stderr there); one collector reads (InitRead, read,
blockingread). The text goes through one 64 KiB buffer shared by every
process of the session (see PYWIN32_POSIX_ROOT): when it fills with nobody
reading, it is emptied and filled again from the start, so older output is
lost. `python -m win32traceutil` is a collector. See docs/win32trace.md.
"""
import sys as _sys

from pywin32_posix._errors import error
from pywin32_posix._w32.win32trace import PyTraceObject as _PyTraceObject
from pywin32_posix._w32.win32trace import _data_event

# pywin32 keeps the process's tracer in the sys module under this name.
_TRACER_ATTR = "__win32traceObject__"


def GetTracer():
    """The process's tracer object (made on first use): it has write, read,
    blockingread, flush and isatty, so it can stand in for sys.stdout."""
    tracer = getattr(_sys, _TRACER_ATTR, None)
    if tracer is None:
        tracer = _PyTraceObject()
        setattr(_sys, _TRACER_ATTR, tracer)
    return tracer


def _existing_tracer(side):
    tracer = getattr(_sys, _TRACER_ATTR, None)
    if tracer is None:
        raise error(0, None, f"The module has not been setup for {side}")
    return tracer


def InitRead():
    """Opens the trace buffer for reading (once per process)."""
    GetTracer()._init_read()


def InitWrite():
    """Opens the trace buffer for writing (once per process)."""
    GetTracer()._init_write()


def TermRead():
    """Closes the reading side."""
    _existing_tracer("reading")._term_read()


def TermWrite():
    """Closes the writing side."""
    _existing_tracer("writing")._term_write()


def write(data, /):
    """Appends text (str or bytes) to the session's trace buffer, where a
    reader in any process takes it (after InitWrite).

    On POSIX: text travels as UTF-8, so any str is taken (pywin32 encodes
    Latin-1); the buffer holds 64 KiB, and a writer waits only while a
    reader is draining it.
    """
    _existing_tracer("writing").write(data)


def read():
    """Takes everything in the trace buffer, '' if nothing (after InitRead).

    On POSIX: bytes that are not UTF-8 read as U+FFFD (pywin32 decodes Latin-1).
    """
    return _existing_tracer("reading").read()


def blockingread(milliSeconds=-1, /):
    """Waits up to milliSeconds (default: for ever) for output, then takes
    what is there ('' after a timeout). Ctrl+C interrupts the wait."""
    return _existing_tracer("reading").blockingread(milliSeconds)


def setprint():
    """Sends sys.stdout and sys.stderr to the trace buffer."""
    tracer = _existing_tracer("writing")
    _sys.stdout = tracer
    _sys.stderr = tracer


def flush():
    """Does nothing: writes reach the buffer at once."""


def GetHandle():
    """The handle (an int) of the auto-reset event set when output arrives;
    wait on it with win32event, then read().

    On POSIX: the handle is one of this package's handle table, usable with
    win32event, not a Windows HANDLE value.
    """
    return _data_event()
