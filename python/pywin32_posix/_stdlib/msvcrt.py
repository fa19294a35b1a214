"""msvcrt: the standard library's C-runtime module, on this package's
handles and the terminal.

Opt-in, like winreg (see pywin32_posix.enable_stdlib_shims). get_osfhandle
and open_osfhandle map between C descriptors and handles of win32file (the
same file underneath, so win32file.LockFileEx on get_osfhandle(f.fileno())
locks that file, between processes as on Windows); locking() takes
byte-range locks with the C runtime's rules; the console functions read and
write the terminal.
"""
import errno as _errno
import os as _os
import sys as _sys
import time as _time

import pywintypes as _pywintypes
import win32file as _win32file

LK_UNLCK = 0
LK_LOCK = 1
LK_NBLCK = 2
LK_RLCK = 3
LK_NBRLCK = 4

SEM_FAILCRITICALERRORS = 0x0001
SEM_NOALIGNMENTFAULTEXCEPT = 0x0004
SEM_NOGPFAULTERRORBOX = 0x0002
SEM_NOOPENFILEERRORBOX = 0x8000

_O_TEXT = 0x4000
_O_BINARY = 0x8000
_modes = {}  # fd -> translation mode asked for (there is no translation here)
_error_mode = 0
_pushed_back = []


def _os_error(exc, default=_errno.EBADF):
    err = OSError(default, exc.strerror)
    err.winerror = exc.winerror
    return err


def get_osfhandle(fd):
    """The handle of descriptor `fd` (the same value while it is open)."""
    try:
        return _win32file._get_osfhandle(fd)
    except _pywintypes.error as exc:
        raise _os_error(exc) from None


def open_osfhandle(handle, flags):
    """A new descriptor for a file or pipe handle."""
    try:
        return _win32file._open_osfhandle(handle, flags)
    except _pywintypes.error as exc:
        raise _os_error(exc) from None


def locking(fd, mode, nbytes):
    """Locks or unlocks `nbytes` from the file's current position: LK_LOCK and
    LK_RLCK try for 10 seconds (once a second, as the C runtime does) and then
    raise OSError(EDEADLOCK); LK_NBLCK and LK_NBRLCK try once (EACCES)."""
    if nbytes < 0:
        raise OSError(_errno.EINVAL, "Invalid argument")
    handle = get_osfhandle(fd)
    offset = _os.lseek(fd, 0, _os.SEEK_CUR)
    low, high = offset & 0xFFFFFFFF, offset >> 32
    n_low, n_high = nbytes & 0xFFFFFFFF, nbytes >> 32
    if mode == LK_UNLCK:
        try:
            _win32file.UnlockFile(handle, low, high, n_low, n_high)
        except _pywintypes.error as exc:
            raise _os_error(exc, _errno.EACCES) from None
        return
    if mode not in (LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK):
        raise OSError(_errno.EINVAL, "Invalid argument")
    attempts = 10 if mode in (LK_LOCK, LK_RLCK) else 1
    for attempt in range(attempts):
        try:
            _win32file.LockFile(handle, low, high, n_low, n_high)
            return
        except _pywintypes.error as exc:
            if exc.winerror != 33:  # ERROR_LOCK_VIOLATION
                raise _os_error(exc, _errno.EACCES) from None
        if attempt + 1 < attempts:
            _time.sleep(1)
    raise OSError(_errno.EDEADLOCK if attempts > 1 else _errno.EACCES, "Resource deadlock avoided"
                  if attempts > 1 else "Permission denied")


def setmode(fd, flags):
    """Sets text or binary mode; returns the previous one. There is no
    newline translation on POSIX: every descriptor reads and writes bytes as
    they are, whatever the mode says."""
    if flags not in (_O_TEXT, _O_BINARY):
        raise OSError(_errno.EINVAL, "Invalid argument")
    _os.fstat(fd)  # EBADF for a closed descriptor
    previous = _modes.get(fd, _O_BINARY)
    _modes[fd] = flags
    return previous


def heapmin():
    """Returns unused heap to the system: the C library does that itself."""


def SetErrorMode(mode):
    """Records the process's error mode (there are no error dialog boxes
    here); returns the previous one."""
    global _error_mode
    previous, _error_mode = _error_mode, mode
    return previous


def GetErrorMode():
    """The error mode SetErrorMode last set (SEM_* flags), 0 at first.

    On POSIX: the mode is only kept: there are no critical-error dialogs to hide.
    """
    return _error_mode


# --- the console ---------------------------------------------------------------


_console_saved = None


def _console():
    """stdin's descriptor, switched (once, until exit) to reading keys as they
    are typed, without echo: the console's key input that kbhit and getch
    see on Windows. A key typed in line mode would wait for Enter."""
    global _console_saved
    fd = _sys.stdin.fileno()
    if _console_saved is None and _os.isatty(fd):
        import atexit
        import termios
        import tty
        _console_saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
        new = termios.tcgetattr(fd)
        new[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSANOW, new)
        atexit.register(termios.tcsetattr, fd, termios.TCSADRAIN, _console_saved)
    return fd


def _read_key(echo):
    if _pushed_back:
        return _pushed_back.pop()
    fd = _console()
    first = _os.read(fd, 1)
    if not first:
        return "\x1a"  # Ctrl+Z at the end of input, as the console gives
    # One UTF-8 character, however many bytes it takes.
    need = 0 if first[0] < 0x80 else 1 if first[0] < 0xE0 else 2 if first[0] < 0xF0 else 3
    data = first + (_os.read(fd, need) if need else b"")
    ch = data.decode("utf-8", "replace")
    if echo:
        putwch(ch)
    return ch


def kbhit():
    """True when a key is waiting."""
    if _pushed_back:
        return True
    import select
    return bool(select.select([_console()], [], [], 0)[0])


def getwch():
    """A key, as a str, without echo."""
    return _read_key(False)


def getwche():
    """A key, as a str, echoed to the terminal (getwch with echo)."""
    return _read_key(True)


def getch():
    """A key, as bytes, without echo."""
    return getwch().encode("latin-1", "replace")


def getche():
    """A key, as bytes, echoed to the terminal (getch with echo)."""
    return getwche().encode("latin-1", "replace")


def putwch(unicode_char):
    """Writes one character (a str of length 1) to the terminal (stdout) at once;
    TypeError for anything else.
    """
    if not isinstance(unicode_char, str) or len(unicode_char) != 1:
        raise TypeError("putwch() argument must be a unicode character")
    _os.write(_sys.stdout.fileno(), unicode_char.encode("utf-8"))


def putch(char):
    """Writes one byte (bytes of length 1) to the terminal (stdout) at once;
    TypeError for anything else.
    """
    if not isinstance(char, (bytes, bytearray)) or len(char) != 1:
        raise TypeError("putch() argument must be a byte string of length 1")
    _os.write(_sys.stdout.fileno(), bytes(char))


def ungetwch(unicode_char):
    """Pushes one character back: the next getwch/getch returns it; OSError
    (EINVAL) when one is pushed back already.
    """
    if not isinstance(unicode_char, str) or len(unicode_char) != 1:
        raise TypeError("ungetwch() argument must be a unicode character")
    if _pushed_back:
        raise OSError(_errno.EINVAL, "only one character can be pushed back")
    _pushed_back.append(unicode_char)


def ungetch(char):
    """ungetwch for one byte (bytes of length 1, read as Latin-1)."""
    if not isinstance(char, (bytes, bytearray)) or len(char) != 1:
        raise TypeError("ungetch() argument must be a byte string of length 1")
    ungetwch(bytes(char).decode("latin-1"))
