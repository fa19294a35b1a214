"""win32api: assorted Win32 functions."""
from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix._w32.win32api import *  # noqa: F401,F403
