"""win32lz: the LZ expansion functions of Windows' LZ32 (lzexpand.h).

Files compressed by Microsoft's COMPRESS.EXE (SZDD, as Windows reads them,
and KWAJ stored, XOR and LZSS data) expand through OpenFile/Init/Copy; a
plain file passes through Copy unchanged, as on Windows. Handles are ints:
a compressed file opened for reading is an LZ handle (0x400 and up, 16 at
once), anything else a file handle, as win32file's. Failures raise
pywintypes.error(LZERROR_*, "LZCopy", text), the negative code as pywin32
raises it. CompressFile (not in pywin32) writes SZDD that Windows' EXPAND and
Debian's msexpand read. See docs/win32lz.md.
"""
from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix._w32.win32lz import *  # noqa: F401,F403

# lzexpand.h: the codes LZ32's functions return, and pywin32 raises.
LZERROR_BADINHANDLE = -1
LZERROR_BADOUTHANDLE = -2
LZERROR_READ = -3
LZERROR_WRITE = -4
LZERROR_GLOBALLOC = -5
LZERROR_GLOBLOCK = -6
LZERROR_BADVALUE = -7
LZERROR_UNKNOWNALG = -8
