"""SetConsoleCtrlHandler and GenerateConsoleCtrlEvent on POSIX signals.

Windows delivers console control events to a chain of handlers, the last
added first, until one returns True; if none does, the default handler
ends the process. Here the events are the signals a POSIX terminal or
system sends:

    SIGINT  -> CTRL_C_EVENT (0)        (Ctrl+C)
    SIGQUIT -> CTRL_BREAK_EVENT (1)    (Ctrl+\\, the terminal's "break")
    SIGHUP  -> CTRL_CLOSE_EVENT (2)    (the terminal went away)
    SIGTERM -> CTRL_SHUTDOWN_EVENT (6) (the system or a service manager stops us)

The chain runs in the main thread (Python runs signal handlers there;
Windows uses a new thread). At the end of the chain comes what the process
had before: Python's own SIGINT handler (KeyboardInterrupt), another
handler, or the signal's default action. As on Windows, a handled
CTRL_CLOSE_EVENT or CTRL_SHUTDOWN_EVENT still ends the process once the
handler returns (by SystemExit, so `finally` blocks run).
"""
import os
import signal
import threading

from pywin32_posix._errors import error

CTRL_C_EVENT = 0
CTRL_BREAK_EVENT = 1
CTRL_CLOSE_EVENT = 2
CTRL_LOGOFF_EVENT = 5
CTRL_SHUTDOWN_EVENT = 6

_EVENT_OF_SIGNAL = {
    signal.SIGINT: CTRL_C_EVENT,
    signal.SIGQUIT: CTRL_BREAK_EVENT,
    signal.SIGHUP: CTRL_CLOSE_EVENT,
    signal.SIGTERM: CTRL_SHUTDOWN_EVENT,
}
_SIGNAL_OF_EVENT = {CTRL_C_EVENT: signal.SIGINT, CTRL_BREAK_EVENT: signal.SIGQUIT}
_ENDING_EVENTS = (CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT)

ERROR_INVALID_PARAMETER = 87
ERROR_NOT_SUPPORTED = 50
STATUS_CONTROL_C_EXIT = 0xC000013A

_lock = threading.RLock()
_handlers = []  # the chain, first added first
_ignore_ctrl_c = False
_previous = {}  # signal -> the handler installed before ours


def _dispatch(signum, frame):
    event = _EVENT_OF_SIGNAL[signum]
    if event == CTRL_C_EVENT and _ignore_ctrl_c:
        return
    with _lock:
        chain = list(reversed(_handlers))
    for handler in chain:
        if handler(event):
            if event in _ENDING_EVENTS:
                raise SystemExit(0)
            return
    previous = _previous.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
    elif previous == signal.SIG_IGN:
        return
    else:
        # The default action, as Windows' default handler ends the process.
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def _install():
    if _previous:
        return
    if threading.current_thread() is not threading.main_thread():
        raise error(ERROR_NOT_SUPPORTED, "SetConsoleCtrlHandler",
                    "The first handler must be set from the main thread (POSIX signals).")
    for signum in _EVENT_OF_SIGNAL:
        _previous[signum] = signal.signal(signum, _dispatch)


def _uninstall():
    if not _previous or _handlers or _ignore_ctrl_c:
        return
    if threading.current_thread() is not threading.main_thread():
        return  # left in place: it passes everything to the previous handlers
    for signum, previous in _previous.items():
        signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
    _previous.clear()


def SetConsoleCtrlHandler(ctrlHandler, bAdd, /):
    """Adds (bAdd true) or removes a handler called with the CTRL_* event;
    a handler that returns True ends the chain. None with bAdd true makes
    the process ignore Ctrl+C, with bAdd false restores it."""
    global _ignore_ctrl_c
    with _lock:
        if ctrlHandler is None:
            _ignore_ctrl_c = bool(bAdd)
            if bAdd:
                _install()
            else:
                _uninstall()
            return
        if not callable(ctrlHandler):
            raise TypeError("ctrlHandler must be callable or None")
        if bAdd:
            _install()
            _handlers.append(ctrlHandler)
            return
        for i in range(len(_handlers) - 1, -1, -1):
            if _handlers[i] is ctrlHandler or _handlers[i] == ctrlHandler:
                del _handlers[i]
                _uninstall()
                return
        raise error(ERROR_INVALID_PARAMETER, "SetConsoleCtrlHandler", "The parameter is incorrect.")


def GenerateConsoleCtrlEvent(controlEvent, processGroupId, /):
    """Sends CTRL_C_EVENT (SIGINT) or CTRL_BREAK_EVENT (SIGQUIT) to a process
    group: 0 is the caller's own group (every process of its console, the
    caller included), else the group whose leader has that id."""
    signum = _SIGNAL_OF_EVENT.get(controlEvent)
    if signum is None:
        raise error(ERROR_INVALID_PARAMETER, "GenerateConsoleCtrlEvent", "The parameter is incorrect.")
    group = os.getpgrp() if processGroupId == 0 else processGroupId
    try:
        os.killpg(group, signum)
    except (ProcessLookupError, PermissionError, OverflowError, ValueError):
        raise error(ERROR_INVALID_PARAMETER, "GenerateConsoleCtrlEvent", "The parameter is incorrect.") from None
