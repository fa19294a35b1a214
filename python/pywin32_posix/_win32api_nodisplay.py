"""win32api's functions that cannot be carried out here - about a screen,
windows, the mouse and synthetic input (a process here has no window system
to ask), and writing a Windows image's resources: each raises
pywintypes.error(ERROR_NOT_SUPPORTED). One table says why for each; win32api
re-exports the functions made from it."""
from pywin32_posix._errors import error

ERROR_NOT_SUPPORTED = 50

_NO_DISPLAY = "there is no display or window system"
_NO_WINDOWS = "there are no windows or window classes"
_NO_INPUT = "there is no window system to inject input into"

# name: (what it does on Windows, why not here)
UNSUPPORTED = {
    "GetCursorPos": ("Returns the mouse cursor's position.", _NO_DISPLAY),
    "SetCursorPos": ("Moves the mouse cursor.", _NO_DISPLAY),
    "ClipCursor": ("Confines the mouse cursor to a rectangle.", _NO_DISPLAY),
    "ShowCursor": ("Shows or hides the mouse cursor.", _NO_DISPLAY),
    "SetCursor": ("Sets the mouse cursor's shape.", _NO_DISPLAY),
    "LoadCursor": ("Loads a cursor resource.", _NO_DISPLAY),
    "GetFocus": ("Returns the window that has the keyboard focus.", _NO_WINDOWS),
    "GetWindowLong": ("Reads a value of a window's extra memory.", _NO_WINDOWS),
    "SetWindowLong": ("Sets a value of a window's extra memory.", _NO_WINDOWS),
    "SetWindowWord": ("Sets a 16-bit value of a window's extra memory.", _NO_WINDOWS),
    "SetClassLong": ("Sets a value of a window class.", _NO_WINDOWS),
    "SetClassWord": ("Sets a 16-bit value of a window class.", _NO_WINDOWS),
    "PostMessage": ("Posts a message to a window's queue (win32api.PostThreadMessage posts to a "
                    "thread's).", _NO_WINDOWS),
    "SendMessage": ("Sends a message to a window and waits for its answer.", _NO_WINDOWS),
    "MessageBox": ("Shows a message box and waits for the user's answer.",
                   "there is no display, and a prompt on a terminal could block a service forever"),
    "MessageBoxEx": ("Shows a message box in a given language and waits for the user's answer.",
                     "there is no display, and a prompt on a terminal could block a service forever"),
    "EnumDisplaySettings": ("Returns a display mode of a display device.", _NO_DISPLAY),
    "EnumDisplaySettingsEx": ("Returns a display mode of a display device.", _NO_DISPLAY),
    "ChangeDisplaySettings": ("Changes the display mode.", _NO_DISPLAY),
    "ChangeDisplaySettingsEx": ("Changes a display device's mode.", _NO_DISPLAY),
    "EnumDisplayDevices": ("Returns a display device.", _NO_DISPLAY),
    "EnumDisplayMonitors": ("Lists the display monitors.", _NO_DISPLAY),
    "GetMonitorInfo": ("Returns a monitor's rectangles and flags.", _NO_DISPLAY),
    "MonitorFromPoint": ("Returns the monitor that holds a point.", _NO_DISPLAY),
    "MonitorFromRect": ("Returns the monitor that holds most of a rectangle.", _NO_DISPLAY),
    "MonitorFromWindow": ("Returns the monitor that holds most of a window.", _NO_DISPLAY),
    "GetSysColor": ("Returns a display element's system colour.", _NO_DISPLAY),
    "SetSysColors": ("Sets display elements' system colours.", _NO_DISPLAY),
    "DragFinish": ("Frees a drag-and-drop handle.", "there is no drag and drop without a window system"),
    "DragQueryFile": ("Returns the files of a drag-and-drop handle.",
                      "there is no drag and drop without a window system"),
    "WinHelp": ("Opens a WinHelp file.", "there is no WinHelp viewer"),
    "keybd_event": ("Synthesizes a keystroke.", _NO_INPUT),
    "mouse_event": ("Synthesizes mouse motion or a click.", _NO_INPUT),
    "GetKeyState": ("Returns a virtual key's state when the thread's last input message was read.",
                    "there is no window system keeping per-thread key state"),
    "GetAsyncKeyState": ("Returns whether a key is down now.",
                         "there is no window system keeping key state"),
    "GetKeyboardState": ("Returns the 256 virtual keys' states.",
                         "there is no window system keeping per-thread key state"),
    "BeginUpdateResource": ("Opens a Windows image (PE file) to change its resources.",
                            "writing a Windows image's resources is not implemented; reading them is"),
    "UpdateResource": ("Adds, replaces or deletes a resource of an image opened by BeginUpdateResource.",
                       "writing a Windows image's resources is not implemented; reading them is"),
    "EndUpdateResource": ("Writes or discards the changes of BeginUpdateResource.",
                          "writing a Windows image's resources is not implemented; reading them is"),
    "LoadKeyboardLayout": ("Loads and activates a keyboard layout for the process.",
                           "the keyboard layout belongs to the terminal or the window system, "
                           "which a process cannot switch"),
}


def _make(name, what, why):
    def unsupported(*args, **kwargs):
        raise error(ERROR_NOT_SUPPORTED, name, "The request is not supported.")

    unsupported.__name__ = unsupported.__qualname__ = name
    unsupported.__doc__ = "%s\n\nOn POSIX: not supported (%s)." % (what, why)
    return unsupported


FUNCTIONS = {name: _make(name, what, why) for name, (what, why) in UNSUPPORTED.items()}
