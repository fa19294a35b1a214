"""pywintypes: the types and the exception shared by every pywin32 module."""
from pywin32_posix._errors import com_error, error
from pywin32_posix._devmode import DEVMODEWType
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
from pywin32_posix._w32.pywintypes import PyHANDLE, PyHKEY, PyOVERLAPPED

for _t in (PyHANDLE, PyHKEY, PyOVERLAPPED):
    _t.__module__ = "pywintypes"
HANDLEType = PyHANDLE
HKEYType = PyHKEY
OVERLAPPEDType = PyOVERLAPPED
DEVMODEType = DEVMODEWType
WAVE_FORMAT_PCM = 1

FALSE = False
TRUE = True


def HANDLE(handle=0):
    """A PyHANDLE owning `handle` (0 by default: a null handle)."""
    return PyHANDLE(handle)


def HKEY(handle=0):
    """A PyHKEY owning `handle` (0 by default: a null key)."""
    return PyHKEY(handle)


class WAVEFORMATEXType:
    """The WAVEFORMATEX structure: the format of a PCM (or other) audio stream."""

    __slots__ = ("wFormatTag", "nChannels", "nSamplesPerSec", "nAvgBytesPerSec", "nBlockAlign", "wBitsPerSample")

    def __init__(self):
        for name in self.__slots__:
            setattr(self, name, 0)

    def __setattr__(self, name, value):
        if not isinstance(value, int):
            raise TypeError("WAVEFORMATEX.%s must be an int" % name)
        object.__setattr__(self, name, value)

    def __repr__(self):
        fields = ", ".join("%s=%d" % (n, getattr(self, n)) for n in self.__slots__)
        return "<PyWAVEFORMATEX %s>" % fields


WAVEFORMATEXType.__module__ = "pywintypes"


def WAVEFORMATEX():
    """A new, zeroed WAVEFORMATEX."""
    return WAVEFORMATEXType()


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
