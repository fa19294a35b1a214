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


def enable_stdlib_shims():
    """Makes the standard library's Windows-only modules importable on our
    state: `winreg` (on the registry of win32api) and `msvcrt` (where it
    exists). Off by default, because libraries probe `import winreg` /
    `import msvcrt` to detect Windows; PYWIN32_POSIX_STDLIB_SHIMS=1 turns it
    on at interpreter start (see pywin32_posix.pth)."""
    import sys

    # subprocess decides it runs on Windows when `import msvcrt` works, once,
    # when first imported: it must be imported before msvcrt can be.
    import subprocess  # noqa: F401

    path = _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "_stdlib")
    if path not in sys.path:
        sys.path.append(path)
