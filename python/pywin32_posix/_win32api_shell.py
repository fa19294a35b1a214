"""win32api's functions that start programs or talk to the terminal or a
debugger: ShellExecute, WinExec, SearchPath, Beep/MessageBeep, the console
title, OutputDebugString, DebugBreak, GetFileVersionInfo. win32api
re-exports them."""
import os as _os
import sys as _sys
import time as _time

from pywin32_posix._errors import error
from pywin32_posix._w32 import win32api as _native

_ERROR_INVALID_PARAMETER = 87
_ERROR_FILE_NOT_FOUND = 2
_ERROR_DIRECTORY = 267
_ERROR_NO_ASSOCIATION = 1155


def _ring_bell():
    try:
        fd = _os.open("/dev/tty", _os.O_WRONLY | _os.O_NOCTTY)
    except OSError:
        return  # no terminal: no sound device to ring
    try:
        _os.write(fd, b"\a")
    finally:
        _os.close(fd)


def Beep(freq, dur, /):
    """Rings the terminal bell (no tone generator) and, as Windows does,
    returns after `dur` milliseconds; frequency 37..32767 Hz."""
    if not 37 <= freq <= 32767 or dur < 0:
        raise error(_ERROR_INVALID_PARAMETER, "Beep", "The parameter is incorrect.")
    _ring_bell()
    _time.sleep(dur / 1000)


def MessageBeep(type=0, /):
    """Rings the terminal bell; nothing when there is no terminal."""
    _ring_bell()


def ShellExecute(hwnd, op, file, params, _dir, bShow, /):
    """'open' (or None): runs a program (found as given or on PATH) with
    `params` split by Windows' rules, else opens the document or URL with
    xdg-open; 'explore' opens a folder. Returns the started process's id
    (Windows returns a value above 32 on success)."""
    import shutil
    import subprocess
    verb = (op or "open").lower()
    if verb not in ("open", "explore"):
        raise error(_ERROR_NO_ASSOCIATION, "ShellExecute",
                    "No application is associated with the specified file for this operation.")
    cwd = _native._posix_path(_dir, "ShellExecute") if _dir else None
    if cwd and not _os.path.isdir(cwd):
        raise error(_ERROR_DIRECTORY, "ShellExecute", "The directory name is invalid.")
    target = file if "://" in file or file.startswith("mailto:") else _native._posix_path(file, "ShellExecute")
    base = cwd or _os.getcwd()
    local = target if _os.path.isabs(target) else _os.path.join(base, target)
    is_url = "://" in target or target.startswith("mailto:")
    program = None
    if verb == "open" and not is_url:
        if _os.path.isfile(local) and _os.access(local, _os.X_OK):
            program = local
        elif _os.sep not in target and not _os.path.exists(local):
            program = shutil.which(target)
    if program:
        args = _native.CommandLineToArgv("x " + params)[1:] if params else []
        proc = subprocess.Popen([program, *args], cwd=cwd, start_new_session=True,
                                stdin=subprocess.DEVNULL)
        return proc.pid
    if not is_url and not _os.path.exists(local):
        raise error(_ERROR_FILE_NOT_FOUND, "ShellExecute", "The system cannot find the file specified.")
    opener = shutil.which("xdg-open")
    if opener is None:
        raise error(_ERROR_NO_ASSOCIATION, "ShellExecute",
                    "No application is associated with the specified file for this operation.")
    proc = subprocess.Popen([opener, target if is_url else local], cwd=cwd, start_new_session=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc.pid


def GetFileVersionInfo(Filename, SubBlock, /):
    """Version information of a Windows executable (a PE file) on this file
    system: SubBlock "\\" gives the VS_FIXEDFILEINFO dict,
    "\\VarFileInfo\\Translation" the (language, codepage) pairs,
    "\\StringFileInfo\\<lang><cp>\\<Name>" a string (None when absent).
    ELF files and scripts carry no version resource:
    ERROR_RESOURCE_TYPE_NOT_FOUND, as Windows says of such a file."""
    from pywin32_posix import _pe_version
    path = _native._posix_path(Filename, "GetFileVersionInfo")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise error(_ERROR_FILE_NOT_FOUND, "GetFileVersionInfo", "The system cannot find the file specified.") from None
    except IsADirectoryError:
        raise error(5, "GetFileVersionInfo", "Access is denied.") from None
    except PermissionError:
        raise error(5, "GetFileVersionInfo", "Access is denied.") from None
    return _pe_version.query(_pe_version.version_resource(data), SubBlock)


# --- console title, programs, search path ---------------------------------------
_console_title = None


def SetConsoleTitle(title, /):
    """Sets the terminal's window title (the xterm OSC 0 sequence on the
    controlling terminal); ERROR_INVALID_HANDLE without one, as Windows
    fails without a console."""
    global _console_title
    if not isinstance(title, str):
        raise TypeError("title must be a string")
    try:
        fd = _os.open("/dev/tty", _os.O_WRONLY | _os.O_NOCTTY)
    except OSError:
        raise error(6, "SetConsoleTitle", "The handle is invalid.") from None
    try:
        safe = "".join(c for c in title if c >= " " and c != "\x7f")
        _os.write(fd, ("\x1b]0;%s\x07" % safe).encode("utf-8", "replace"))
    finally:
        _os.close(fd)
    _console_title = title


def GetConsoleTitle():
    """The title SetConsoleTitle last set in this process, else the command
    line (what a new Windows console shows). Terminals cannot be asked."""
    return _console_title if _console_title is not None else _native.GetCommandLine()


def WinExec(cmdLine, arg, /):
    """Starts the program of a command line (split by Windows' rules; a name
    without a slash is looked up on PATH). _ERROR_FILE_NOT_FOUND if there is
    no such program."""
    import shutil
    import subprocess
    argv = _native.CommandLineToArgv(cmdLine)
    if not argv or not argv[0]:
        raise error(_ERROR_FILE_NOT_FOUND, "WinExec", "The system cannot find the file specified.")
    program = argv[0] if _os.sep in argv[0] else shutil.which(argv[0])
    if not program or not _os.path.isfile(program):
        raise error(_ERROR_FILE_NOT_FOUND, "WinExec", "The system cannot find the file specified.")
    if not _os.access(program, _os.X_OK):
        raise error(5, "WinExec", "Access is denied.")
    subprocess.Popen([program, *argv[1:]], stdin=subprocess.DEVNULL)


def SearchPath(path, fileName, fileExt=None, /):
    """(full path, index of the file name in it) of the first `fileName`
    (plus `fileExt` when it has no extension) in `path` (os.pathsep
    separated) or, when None, in the program's directory, the current
    directory and PATH; _ERROR_FILE_NOT_FOUND otherwise."""
    name = _native._posix_path(fileName, "SearchPath")
    if fileExt and not _os.path.splitext(name)[1]:
        name = name + fileExt
    if _os.path.isabs(name):
        candidates = [name]
    else:
        if path is None:
            dirs = [_os.path.dirname(_os.path.abspath(_sys.argv[0] or ".")), _os.getcwd()]
            dirs += [d for d in _os.environ.get("PATH", "").split(_os.pathsep) if d]
        else:
            # Windows separates with ';' (and its paths hold ':'); POSIX with ':'.
            parts = path.split(";") if ";" in path or "\\" in path else path.split(_os.pathsep)
            dirs = [_native._posix_path(d, "SearchPath") for d in parts if d]
        candidates = [_os.path.join(d, name) for d in dirs]
    for candidate in candidates:
        if _os.path.exists(candidate):
            full = _os.path.abspath(candidate)
            return full, len(full) - len(_os.path.basename(full))
    raise error(_ERROR_FILE_NOT_FOUND, "SearchPath", "The system cannot find the file specified.")


# --- OutputDebugString (the DBWIN protocol debug monitors speak) ------------------
def OutputDebugString(msg, /):
    """Hands `msg` to a debug monitor of the session, as Windows does: when a
    monitor has created the DBWIN_BUFFER_READY and DBWIN_DATA_READY events
    and the 4 KiB DBWIN_BUFFER section, waits (up to 10 s) for the buffer,
    writes this process's id and the text (NUL-terminated, at most 4091
    bytes), and signals the monitor. Without a monitor it does nothing, as
    on Windows without a debugger."""
    import struct

    import mmapfile
    import win32event
    if not isinstance(msg, str):
        raise TypeError("msg must be a string")
    try:
        ready = win32event.OpenEvent(win32event.SYNCHRONIZE, False, "DBWIN_BUFFER_READY")
    except error:
        return
    try:
        data_ready = win32event.OpenEvent(win32event.EVENT_MODIFY_STATE, False, "DBWIN_DATA_READY")
    except error:
        ready.Close()
        return
    try:
        if win32event.WaitForSingleObject(ready, 10000) != win32event.WAIT_OBJECT_0:
            return
        text = msg.encode("utf-8", "replace")[:4096 - 5]
        view = mmapfile.mmapfile(None, "DBWIN_BUFFER", 4096)
        try:
            view.seek(0)
            view.write(struct.pack("<I", _os.getpid()) + text + b"\0")
        finally:
            view.close()
        win32event.SetEvent(data_ready)
    finally:
        ready.Close()
        data_ready.Close()


def DebugBreak():
    """A breakpoint trap (SIGTRAP): stops in an attached debugger, ends the
    process without one, as Windows' unhandled breakpoint does."""
    import signal
    _os.kill(_os.getpid(), signal.SIGTRAP)
