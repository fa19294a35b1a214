"""Shared by the pipe tests: unique pipe names, a server instance, a client
open, and child python scripts that import the pipe modules."""
import win32file
import win32pipe

import w32util

ERROR_BROKEN_PIPE = 109
ERROR_SEM_TIMEOUT = 121
ERROR_BAD_PIPE = 230
ERROR_PIPE_BUSY = 231
ERROR_NO_DATA = 232
ERROR_PIPE_NOT_CONNECTED = 233
ERROR_MORE_DATA = 234
ERROR_PIPE_CONNECTED = 535
ERROR_PIPE_LISTENING = 536

_uname = w32util.namer("pipe")

MESSAGE = win32pipe.PIPE_TYPE_MESSAGE | win32pipe.PIPE_READMODE_MESSAGE
BYTE = win32pipe.PIPE_TYPE_BYTE | win32pipe.PIPE_READMODE_BYTE


def pipe_name(tag):
    return "\\\\.\\pipe\\" + _uname(tag)


def server(name, mode=MESSAGE, instances=1, timeout=0, open_mode=win32pipe.PIPE_ACCESS_DUPLEX):
    return win32pipe.CreateNamedPipe(name, open_mode, mode, instances, 65536, 65536, timeout, None)


def client(name, access=win32file.GENERIC_READ | win32file.GENERIC_WRITE):
    return win32file.CreateFile(name, access, 0, None, win32file.OPEN_EXISTING, 0, None)


# Prefix of child scripts: the modules and the client() helper above.
CHILD_PRELUDE = """
import os, sys, time
import pywintypes, win32file, win32pipe
def client(name):
    return win32file.CreateFile(name, win32file.GENERIC_READ | win32file.GENERIC_WRITE, 0, None,
                                win32file.OPEN_EXISTING, 0, None)
"""


def popen_child(body, *args, **kw):
    """popen_py with the pipe prelude (body is dedented before joining)."""
    import textwrap

    return w32util.popen_py(CHILD_PRELUDE + textwrap.dedent(body), *args, **kw)
