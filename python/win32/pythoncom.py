"""pythoncom: what services and other programs call outside COM proper.

There is no COM here. CoInitialize/CoInitializeEx/CoUninitialize and
OleInitialize succeed and do nothing (they are what a thread calls before
using COM, which it then will not); the message loop (PumpWaitingMessages,
PumpMessages) and CoWaitForMultipleHandles work on the thread's queue and our
kernel objects; GUIDs and times are pywintypes'. Creating or reaching COM
objects raises com_error with HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED).
"""
import threading as _threading

import pywintypes as _pywintypes
import win32event as _win32event
import win32gui as _win32gui

from pywin32_posix._errors import com_error  # noqa: F401

error = com_error

COINIT_MULTITHREADED = 0x0
COINIT_APARTMENTTHREADED = 0x2
COINIT_DISABLE_OLE1DDE = 0x4
COINIT_SPEED_OVER_MEMORY = 0x8
CLSCTX_INPROC_SERVER = 0x1
CLSCTX_INPROC_HANDLER = 0x2
CLSCTX_LOCAL_SERVER = 0x4
CLSCTX_REMOTE_SERVER = 0x10
CLSCTX_INPROC = CLSCTX_INPROC_SERVER | CLSCTX_INPROC_HANDLER
CLSCTX_SERVER = CLSCTX_INPROC_SERVER | CLSCTX_LOCAL_SERVER | CLSCTX_REMOTE_SERVER
CLSCTX_ALL = CLSCTX_SERVER | CLSCTX_INPROC_HANDLER
COWAIT_WAITALL = 0x1
COWAIT_ALERTABLE = 0x2

# The variant types (wtypes.h).
VT_EMPTY, VT_NULL, VT_I2, VT_I4, VT_R4, VT_R8, VT_CY, VT_DATE, VT_BSTR = 0, 1, 2, 3, 4, 5, 6, 7, 8
VT_DISPATCH, VT_ERROR, VT_BOOL, VT_VARIANT, VT_UNKNOWN, VT_DECIMAL = 9, 10, 11, 12, 13, 14
VT_I1, VT_UI1, VT_UI2, VT_UI4, VT_I8, VT_UI8, VT_INT, VT_UINT = 16, 17, 18, 19, 20, 21, 22, 23
VT_VOID, VT_HRESULT, VT_PTR, VT_SAFEARRAY, VT_CARRAY, VT_USERDEFINED = 24, 25, 26, 27, 28, 29
VT_LPSTR, VT_LPWSTR, VT_RECORD = 30, 31, 36
VT_FILETIME, VT_BLOB, VT_STREAM, VT_STORAGE, VT_STREAMED_OBJECT, VT_STORED_OBJECT = 64, 65, 66, 67, 68, 69
VT_BLOB_OBJECT, VT_CF, VT_CLSID = 70, 71, 72
VT_BSTR_BLOB = 0xFFF
VT_VECTOR, VT_ARRAY, VT_BYREF, VT_RESERVED = 0x1000, 0x2000, 0x4000, 0x8000
VT_ILLEGAL, VT_ILLEGALMASKED, VT_TYPEMASK = 0xFFFF, 0xFFF, 0xFFF

_E_NOT_SUPPORTED = -2147024846  # HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED), 0x80070032
_RPC_E_CHANGED_MODE = -2147417850  # 0x80010106
_initialised = _threading.local()


def _no_com(*_args, **_kwargs):
    """COM proper: creating, reaching or marshalling objects, monikers,
    storages, type libraries and class factories. Raises com_error with
    HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED) whatever the arguments.

    On POSIX: not supported (there is no COM runtime on POSIX).
    """
    raise com_error(_E_NOT_SUPPORTED, "The request is not supported.", None, None)


def CoInitialize():
    """Prepares the calling thread for COM (apartment-threaded): nothing to do here."""
    CoInitializeEx(COINIT_APARTMENTTHREADED)


def CoInitializeEx(flags):
    """As CoInitialize, with the threading model in `flags`. As on Windows,
    asking one thread for both models is RPC_E_CHANGED_MODE."""
    if not isinstance(flags, int):
        raise TypeError("flags must be an int")
    model = flags & COINIT_APARTMENTTHREADED
    count, current = getattr(_initialised, "state", (0, None))
    if count and current != model:
        raise com_error(_RPC_E_CHANGED_MODE, "Cannot change thread mode after it is set.", None, None)
    _initialised.state = (count + 1, model)


def CoUninitialize():
    """Balances a CoInitialize(Ex) of the calling thread."""
    count, model = getattr(_initialised, "state", (0, None))
    _initialised.state = (max(count - 1, 0), model if count > 1 else None)


def OleInitialize():
    """As CoInitialize (OLE needs nothing more here): succeeds and does nothing."""
    CoInitialize()


def CoFreeUnusedLibraries():
    """No COM libraries are ever loaded: nothing to free."""


def PumpWaitingMessages(firstMessage=0, lastMessage=-1):
    """Dispatches the calling thread's waiting messages; 1 if WM_QUIT came."""
    return _win32gui.PumpWaitingMessages(firstMessage, lastMessage)


def PumpMessages():
    """Dispatches messages until WM_QUIT."""
    _win32gui.PumpMessages()


def CoWaitForMultipleHandles(Flags, Timeout, Handles):
    """Waits for the handles (all with COWAIT_WAITALL) while the thread's
    messages keep being dispatched; returns the index of the one signalled.
    A timeout is com_error RPC_S_CALLPENDING, as Windows reports it."""
    wait_all = bool(Flags & COWAIT_WAITALL)
    handles = list(Handles)
    deadline = None if Timeout in (-1, 0xFFFFFFFF) else Timeout
    import time
    start = time.monotonic()
    while True:
        left = -1 if deadline is None else max(0, int(deadline - (time.monotonic() - start) * 1000))
        rc = _win32event.MsgWaitForMultipleObjects(handles, wait_all, left, 0x04FF)  # QS_ALLINPUT
        if rc == _win32event.WAIT_OBJECT_0 + len(handles):
            PumpWaitingMessages()
            continue
        if rc == _win32event.WAIT_TIMEOUT:
            raise com_error(-2147417835, "The call is pending.", None, None)  # RPC_S_CALLPENDING
        return rc - _win32event.WAIT_OBJECT_0


def CreateGuid():
    """A new random GUID, as pywintypes.CreateGuid: a pywintypes.IIDType."""
    return _pywintypes.CreateGuid()


def MakeIID(iidString, is_bytes=False):
    """A pywintypes.IIDType from its string form "{...}" (or its 16 bytes when
    is_bytes is true), as pywintypes.IID; ValueError for a malformed one."""
    return _pywintypes.IID(iidString, is_bytes)


def MakeTime(timeRepr):
    """A pywintypes time from a number of seconds, a time tuple or a datetime,
    as pywintypes.Time."""
    return _pywintypes.Time(timeRepr)


def GetScodeString(scode):
    """The system's text for an HRESULT."""
    import win32api
    return win32api.FormatMessage(scode).rstrip("\r\n")


_FACILITIES = {0: "FACILITY_NULL", 1: "FACILITY_RPC", 2: "FACILITY_DISPATCH", 3: "FACILITY_STORAGE",
               4: "FACILITY_ITF", 7: "FACILITY_WIN32", 8: "FACILITY_WINDOWS", 9: "FACILITY_SECURITY",
               10: "FACILITY_CONTROL", 11: "FACILITY_CERT", 12: "FACILITY_INTERNET"}


def GetFacilityString(scode):
    """The name of an HRESULT's facility (FACILITY_WIN32, ...); "" for one without a name."""
    return _FACILITIES.get((scode >> 16) & 0x1FFF, "")


def GetSeverityString(scode):
    """SEVERITY_ERROR when the HRESULT's top bit is set, else SEVERITY_SUCCESS."""
    return "SEVERITY_ERROR" if scode & 0x80000000 else "SEVERITY_SUCCESS"


# COM proper: objects, monikers, storage, type libraries, class factories.
CoCreateInstance = CoCreateInstanceEx = CoGetObject = GetActiveObject = _no_com
CoInitializeSecurity = CoRegisterClassObject = CoRevokeClassObject = CoResumeClassObjects = _no_com
CoMarshalInterThreadInterfaceInStream = CoGetInterfaceAndReleaseStream = _no_com
CoMarshalInterface = CoUnmarshalInterface = CoReleaseMarshalData = CoCreateFreeThreadedMarshaler = _no_com
CreateBindCtx = CreateFileMoniker = CreateItemMoniker = CreatePointerMoniker = MkParseDisplayName = _no_com
CreateStreamOnHGlobal = CreateILockBytesOnHGlobal = CreateTypeLib = CreateTypeLib2 = _no_com
GetRunningObjectTable = LoadTypeLib = LoadRegTypeLib = RegisterTypeLib = UnRegisterTypeLib = _no_com
RegisterActiveObject = RevokeActiveObject = ProgIDFromCLSID = New = new = Connect = connect = _no_com
StgCreateDocfile = StgOpenStorage = StgOpenStorageEx = StgCreateStorageEx = StgIsStorageFile = _no_com
OleGetClipboard = OleSetClipboard = OleFlushClipboard = OleIsCurrentClipboard = _no_com
WrapObject = UnwrapObject = MakePyFactory = ObjectFromAddress = ObjectFromLresult = _no_com
