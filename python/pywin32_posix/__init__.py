"""pywin32-posix: pywin32's modules on Linux.

Every public module (win32api, pywintypes, winerror, ...) imports this
package first, so the off switch below covers them all: some libraries take
their Windows code path as soon as a pywin32 name imports, and a user running
such a library on Linux can set PYWIN32_POSIX_DISABLE=1 to hide us.
"""
import os as _os

if _os.environ.get("PYWIN32_POSIX_DISABLE", "") not in ("", "0"):
    raise ImportError("pywin32-posix is disabled by PYWIN32_POSIX_DISABLE")

__version__ = "0.1.0"
