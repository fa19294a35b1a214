"""win32file: for now what pipes need.

CreateFile opens the client end of a named pipe (\\\\.\\pipe\\NAME); other
paths raise pywintypes.error(ERROR_NOT_SUPPORTED) until regular files land.
ReadFile/WriteFile are synchronous: an OVERLAPPED raises ERROR_NOT_SUPPORTED.
"""
from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix._w32.win32api import CloseHandle  # noqa: F401
from pywin32_posix._w32.win32file import *  # noqa: F401,F403

# Access rights and share modes; DWORDs spelt signed, as pywin32 does.
GENERIC_READ = -0x80000000
GENERIC_WRITE = 0x40000000
GENERIC_EXECUTE = 0x20000000
GENERIC_ALL = 0x10000000
FILE_SHARE_READ = 0x00000001
FILE_SHARE_WRITE = 0x00000002
FILE_SHARE_DELETE = 0x00000004

# Creation dispositions.
CREATE_NEW = 1
CREATE_ALWAYS = 2
OPEN_EXISTING = 3
OPEN_ALWAYS = 4
TRUNCATE_EXISTING = 5

FILE_ATTRIBUTE_NORMAL = 0x00000080
FILE_FLAG_WRITE_THROUGH = -0x80000000
FILE_FLAG_OVERLAPPED = 0x40000000

FILE_TYPE_UNKNOWN = 0
FILE_TYPE_DISK = 1
FILE_TYPE_CHAR = 2
FILE_TYPE_PIPE = 3
