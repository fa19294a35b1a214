"""pywintypes: the types and the exception shared by every pywin32 module."""
from pywin32_posix._errors import com_error, error
from pywin32_posix._w32.pywintypes import PyHANDLE, PyOVERLAPPED

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
