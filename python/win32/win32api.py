"""win32api: assorted Win32 functions.

The registry functions (Reg*) work on a durable store of our own (one SQLite
database per hive, shared by every process of the user); see docs/registry.md.
"""
from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix._time import filetime_to_time as _filetime_to_time
from pywin32_posix._w32 import win32api as _native
from pywin32_posix._w32.win32api import *  # noqa: F401,F403

REG_NOTIFY_CHANGE_NAME = 0x1
REG_NOTIFY_CHANGE_ATTRIBUTES = 0x2
REG_NOTIFY_CHANGE_LAST_SET = 0x4
REG_NOTIFY_CHANGE_SECURITY = 0x8


def RegEnumKeyEx(Key, /):
    """[(name, reserved, class, last write time as pywintypes.Time)] for every subkey."""
    return [(name, reserved, cls, _filetime_to_time(ft))
            for name, reserved, cls, ft in _native._RegEnumKeyEx(Key)]


RegEnumKeyExW = RegEnumKeyEx


def RegQueryInfoKeyW(Key, /):
    """The key's counts, maximum lengths, class and last write time (a dict)."""
    info = _native._RegQueryInfoKeyW(Key)
    info["LastWriteTime"] = _filetime_to_time(info["LastWriteTime"])
    return info
