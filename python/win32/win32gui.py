"""win32gui: the thread message loop of pywin32's win32gui.

There are no windows on POSIX: messages are thread messages (hwnd 0), posted
with PostThreadMessage/PostQuitMessage and pumped here. A module that needs
messages dispatched (the timer module's WM_TIMER) registers a handler with
pywin32_posix's `register_dispatcher`; other messages are dropped when
dispatched, as a message for no window is on Windows.
"""
from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix._w32.win32gui import GetMessage, PeekMessage, PostQuitMessage, PostThreadMessage  # noqa: F401

WM_QUIT = 0x0012
PM_NOREMOVE = 0x0000
PM_REMOVE = 0x0001

_dispatchers = {}


def register_dispatcher(message, handler):
    """Calls handler(msg_tuple) when `message` is dispatched on this process's threads."""
    _dispatchers[message] = handler


def _as_dword(value):
    return value & 0xFFFFFFFF


def TranslateMessage(msg):
    """No keyboard input exists here, so nothing is translated: returns 0."""
    return 0


def DispatchMessage(msg):
    """Runs the handler registered for the message, if any; returns its result or 0."""
    handler = _dispatchers.get(msg[1])
    return handler(msg) if handler is not None else 0


def WaitMessage():
    """Blocks until a new message is in this thread's queue."""
    from pywin32_posix._w32.win32event import MsgWaitForMultipleObjects

    MsgWaitForMultipleObjects([], 0, -1, 0x04FF)  # QS_ALLINPUT


def PumpWaitingMessages(firstMessage=0, lastMessage=-1):
    """Dispatches the messages waiting in this thread's queue; returns 1 if
    WM_QUIT was among them (and stops there), else 0."""
    first, last = _as_dword(firstMessage), _as_dword(lastMessage)
    while True:
        rc, msg = PeekMessage(None, first, last, PM_REMOVE)
        if not rc:
            return 0
        if msg[1] == WM_QUIT:
            return 1
        TranslateMessage(msg)
        DispatchMessage(msg)


def PumpMessages():
    """Dispatches this thread's messages until WM_QUIT arrives."""
    while True:
        rc, msg = GetMessage(None, 0, 0)
        if rc == 0:
            return
        TranslateMessage(msg)
        DispatchMessage(msg)
