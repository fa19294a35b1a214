"""pywintypes: the types and the exception shared by every pywin32 module."""
from pywin32_posix._errors import com_error, error
from pywin32_posix._iid import IID, CreateGuid, IIDType
from pywin32_posix._security import (
    ACL,
    SECURITY_ATTRIBUTES,
    SECURITY_DESCRIPTOR,
    SID,
    ACLType,
    SECURITY_ATTRIBUTESType,
    SECURITY_DESCRIPTORType,
    SIDType,
)
from pywin32_posix._time import DosDateTimeToTime, Time, TimeStamp, TimeType
from pywin32_posix._w32.pywintypes import PyHANDLE, PyOVERLAPPED

PyHANDLE.__module__ = "pywintypes"
PyOVERLAPPED.__module__ = "pywintypes"
HANDLEType = PyHANDLE
OVERLAPPEDType = PyOVERLAPPED

FALSE = False
TRUE = True


def HANDLE(handle=0):
    """A PyHANDLE owning `handle` (0 by default: a null handle)."""
    return PyHANDLE(handle)


def OVERLAPPED():
    """A new, zeroed OVERLAPPED structure."""
    return PyOVERLAPPED()


def Unicode(text):
    """pywin32 kept this for Python 2 code: the text as a str."""
    if isinstance(text, bytes):
        return text.decode("utf-8")
    return str(text)


def UnicodeFromRaw(raw):
    """A str from raw UTF-16-LE bytes, as pywin32 reads a WCHAR buffer."""
    return bytes(raw).decode("utf-16-le")


def IsTextUnicode(data, flags):
    """Windows' heuristic, reduced to its decisive tests: a UTF-16 byte-order
    mark, or NUL high bytes in most characters. Returns (result, flags)."""
    data = bytes(data)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True, flags
    odd = data[1::2]
    if len(data) >= 2 and odd and odd.count(0) * 2 >= len(odd):
        return True, flags
    return False, 0
