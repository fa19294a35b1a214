"""win32pipe: named and anonymous pipes.

Named pipes (\\\\.\\pipe\\NAME) are AF_UNIX sockets in the session's runtime
directory, private to the user; processes of one session (see
PYWIN32_POSIX_ROOT) reach each other's pipes. ConnectNamedPipe, ReadFile,
WriteFile and TransactNamedPipe also take an OVERLAPPED (win32file's I/O
engine); GetOverlappedResult is win32file's, as pywin32 has it here too.
"""
from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix._w32.win32file import GetOverlappedResult  # noqa: F401
from pywin32_posix._w32.win32pipe import *  # noqa: F401,F403

PIPE_ACCESS_INBOUND = 0x00000001
PIPE_ACCESS_OUTBOUND = 0x00000002
PIPE_ACCESS_DUPLEX = 0x00000003
FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000

PIPE_WAIT = 0x00000000
PIPE_NOWAIT = 0x00000001
PIPE_READMODE_BYTE = 0x00000000
PIPE_READMODE_MESSAGE = 0x00000002
PIPE_TYPE_BYTE = 0x00000000
PIPE_TYPE_MESSAGE = 0x00000004
PIPE_ACCEPT_REMOTE_CLIENTS = 0x00000000
PIPE_REJECT_REMOTE_CLIENTS = 0x00000008
PIPE_UNLIMITED_INSTANCES = 255

# GetNamedPipeInfo flags.
PIPE_CLIENT_END = 0x00000000
PIPE_SERVER_END = 0x00000001

# WaitNamedPipe/CallNamedPipe timeouts; DWORDs spelt signed, as pywin32 does.
NMPWAIT_USE_DEFAULT_WAIT = 0x00000000
NMPWAIT_NOWAIT = 0x00000001
NMPWAIT_WAIT_FOREVER = -1

UNICODE = 1


def FdCreatePipe(sa, nSize, mode):
    """An anonymous pipe as C runtime file descriptors: (read fd, write fd).

    Here those are plain POSIX descriptors (os.pipe()); they are inheritable
    when sa.bInheritHandle is set. mode (O_TEXT/O_BINARY) has no meaning on
    POSIX, where every descriptor is binary, and is accepted as given.
    """
    import os

    if not isinstance(mode, int) or not isinstance(nSize, int):
        raise TypeError("nSize and mode must be ints")
    if nSize < 0:
        raise ValueError("nSize must not be negative")
    inherit = False
    if sa is not None:
        if not hasattr(sa, "bInheritHandle"):
            raise TypeError("Expected a SECURITY_ATTRIBUTES object or None")
        inherit = bool(sa.bInheritHandle)
    r, w = os.pipe()
    os.set_inheritable(r, inherit)
    os.set_inheritable(w, inherit)
    return r, w


# popen, popen2, popen3, popen4: pywin32 keeps these Python 2 era helpers.
# The command runs under /bin/sh (Windows runs cmd.exe); mode "r"/"w" picks
# the end for popen, "t" (text, the default) or "b" the kind of streams.
def _spawn(cmdstring, mode, bufsize, stdin, stdout, stderr):
    import subprocess

    if not isinstance(cmdstring, str):
        raise TypeError("cmdstring must be a str")
    text = "b" not in mode
    return subprocess.Popen(cmdstring, shell=True, stdin=stdin, stdout=stdout, stderr=stderr,
                            text=text, bufsize=bufsize)


def popen(cmdstring, mode, /):
    """A file object on the command's stdout ("r") or stdin ("w")."""
    import subprocess

    if not isinstance(mode, str) or mode[:1] not in ("r", "w"):
        raise ValueError("mode must start with 'r' or 'w'")
    reading = mode[0] == "r"
    proc = _spawn(cmdstring, mode, -1, None if reading else subprocess.PIPE,
                  subprocess.PIPE if reading else None, None)
    return proc.stdout if reading else proc.stdin


def popen2(cmdstring, mode="t", bufsize=-1, /):
    """(child's stdin, child's stdout)."""
    import subprocess

    proc = _spawn(cmdstring, mode, bufsize, subprocess.PIPE, subprocess.PIPE, None)
    return proc.stdin, proc.stdout


def popen3(cmdstring, mode="t", bufsize=-1, /):
    """(child's stdin, child's stdout, child's stderr)."""
    import subprocess

    proc = _spawn(cmdstring, mode, bufsize, subprocess.PIPE, subprocess.PIPE, subprocess.PIPE)
    return proc.stdin, proc.stdout, proc.stderr


def popen4(cmdstring, mode="t", bufsize=-1, /):
    """(child's stdin, child's stdout and stderr together)."""
    import subprocess

    proc = _spawn(cmdstring, mode, bufsize, subprocess.PIPE, subprocess.PIPE, subprocess.STDOUT)
    return proc.stdin, proc.stdout
