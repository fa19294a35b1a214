"""win32ras: Remote Access Service, pywin32's names.

RAS dial-up has no counterpart here: Dial, CreatePhonebookEntry,
EditPhonebookEntry, GetEapUserIdentity and RASDIALEXTENSIONS raise
pywintypes.error(ERROR_NOT_SUPPORTED). What remains meaningful works:
- the phonebook: EnumEntries lists the entries (sections) of a phonebook in
  Windows' rasphone.pbk (INI) format, by default
  <state dir>/ras/rasphone.pbk; GetEntryDialParams/SetEntryDialParams keep
  an entry's dial parameters (user, domain, callback number, and the
  password when asked to) in <state dir>/ras/dialparams.json (mode 0600),
  as Windows keeps them apart from the phonebook;
- connections: none can exist, so EnumConnections is empty, IsHandleValid
  is False, and GetConnectStatus/HangUp report ERROR_INVALID_HANDLE, as
  Windows does for a handle that names no connection;
- GetErrorString: the texts of the RAS errors this module raises and of
  Win32 errors below RASBASE (600).
See docs/win32ras.md.
"""
import fcntl
import json
import os

import winerror
from pywin32_posix._errors import error

# ras.h: connection states.
RASCS_PAUSED = 0x1000
RASCS_DONE = 0x2000
RASCS_OpenPort = 0
RASCS_PortOpened = 1
RASCS_ConnectDevice = 2
RASCS_DeviceConnected = 3
RASCS_AllDevicesConnected = 4
RASCS_Authenticate = 5
RASCS_AuthNotify = 6
RASCS_AuthRetry = 7
RASCS_AuthCallback = 8
RASCS_AuthChangePassword = 9
RASCS_AuthProject = 10
RASCS_AuthLinkSpeed = 11
RASCS_AuthAck = 12
RASCS_ReAuthenticate = 13
RASCS_Authenticated = 14
RASCS_PrepareForCallback = 15
RASCS_WaitForModemReset = 16
RASCS_WaitForCallback = 17
RASCS_Projected = 18
RASCS_StartAuthentication = 19
RASCS_CallbackComplete = 20
RASCS_LogonNetwork = 21
RASCS_SubEntryConnected = 22
RASCS_SubEntryDisconnected = 23
RASCS_Interactive = RASCS_PAUSED
RASCS_RetryAuthentication = RASCS_PAUSED + 1
RASCS_CallbackSetByCaller = RASCS_PAUSED + 2
RASCS_PasswordExpired = RASCS_PAUSED + 3
RASCS_InvokeEapUI = RASCS_PAUSED + 4
RASCS_Connected = RASCS_DONE
RASCS_Disconnected = RASCS_DONE + 1
# ras.h: RasGetEapUserIdentity flags.
RASEAPF_NonInteractive = 0x00000002
RASEAPF_Logon = 0x00000004
RASEAPF_Preview = 0x00000008

# raserror.h: the codes this module raises.
RASBASE = 600
ERROR_CANNOT_OPEN_PHONEBOOK = RASBASE + 21
ERROR_CANNOT_LOAD_PHONEBOOK = RASBASE + 22
ERROR_CANNOT_FIND_PHONEBOOK_ENTRY = RASBASE + 23
ERROR_CANNOT_WRITE_PHONEBOOK = RASBASE + 24
ERROR_CORRUPT_PHONEBOOK = RASBASE + 25
ERROR_NO_CONNECTION = RASBASE + 68
RASBASEEND = RASBASE + 235

_RAS_MESSAGES = {
    ERROR_CANNOT_OPEN_PHONEBOOK: "The system could not open the phone book file.",
    ERROR_CANNOT_LOAD_PHONEBOOK: "The system could not load the phone book file.",
    ERROR_CANNOT_FIND_PHONEBOOK_ENTRY: "The system could not find the phone book entry for this connection.",
    ERROR_CANNOT_WRITE_PHONEBOOK: "The system could not update the phone book file.",
    ERROR_CORRUPT_PHONEBOOK: "The system found invalid information in the phone book file.",
    ERROR_NO_CONNECTION: "The connection was terminated.",
}

# RASDIALPARAMS as pywin32 spells it: these six strings, in this order.
_DIAL_FIELDS = ("entryName", "phoneNumber", "callbackNumber", "userName", "password", "domain")


def _raise(code, function):
    raise error(code, function, GetErrorString(code))


def _not_supported(function):
    raise error(winerror.ERROR_NOT_SUPPORTED, function, "The request is not supported.")


def _native():
    from pywin32_posix._w32 import win32api

    return win32api


def _ras_dir():
    directory = os.path.join(_native()._state_dir(), "ras")
    os.makedirs(directory, mode=0o700, exist_ok=True)
    return directory


def _phonebook_path(fileName, function):
    if fileName is None:
        return os.path.join(_ras_dir(), "rasphone.pbk"), True
    if not isinstance(fileName, str):
        raise TypeError(f"{function}: the phonebook name must be a string or None")
    return _native()._posix_path(fileName, function), False


def _entries(fileName, function):
    """The entry names of a phonebook (its sections, in file order) and its
    path. A missing default phonebook is empty; a named one that does not
    open is ERROR_CANNOT_OPEN_PHONEBOOK."""
    path, default = _phonebook_path(fileName, function)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        if default:
            return [], path
        _raise(ERROR_CANNOT_OPEN_PHONEBOOK, function)
    except OSError:
        _raise(ERROR_CANNOT_OPEN_PHONEBOOK, function)
    if raw.startswith(b"\xff\xfe"):
        text = raw[2:].decode("utf-16-le", "replace")
    else:
        text = raw.decode("utf-8-sig", "replace")
    names = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]") and len(line) > 2 and line[1:-1] not in names:
            names.append(line[1:-1])
    return names, path


class _DialParamStore:
    """Dial parameters per (phonebook, entry), in a JSON file that only the
    user reads, changed under an exclusive lock (several processes)."""

    def __init__(self):
        self.path = os.path.join(_ras_dir(), "dialparams.json")

    def _locked(self):
        fd = os.open(self.path + ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    def _load(self):
        try:
            with open(self.path, encoding="utf-8") as f:
                data = json.load(f)
            return data if isinstance(data, dict) else {}
        except (FileNotFoundError, ValueError):
            return {}

    def get(self, key):
        fd = self._locked()
        try:
            return self._load().get(key)
        finally:
            os.close(fd)

    def put(self, key, value):
        fd = self._locked()
        try:
            data = self._load()
            data[key] = value
            tmp = self.path + ".tmp"
            with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600), "w",
                      encoding="utf-8") as f:
                json.dump(data, f)
            os.replace(tmp, self.path)
        finally:
            os.close(fd)


def _key(path, entry):
    return os.path.realpath(path) + "\0" + entry


def _check_handle(h, function):
    import pywintypes

    if h is None or isinstance(h, (int, pywintypes.HANDLEType)):
        return
    raise TypeError(f"{function}: a handle must be an int, a PyHANDLE or None, not {type(h).__name__}")


# --- the phonebook ---------------------------------------------------------------------


def EnumEntries(reserved=None, fileName=None, /):
    if reserved is not None and not isinstance(reserved, str):
        raise TypeError("EnumEntries: reserved must be None")
    return tuple(_entries(fileName, "RasEnumEntries")[0])


def GetEntryDialParams(fileName, entryName, /):
    function = "RasGetEntryDialParams"
    if not isinstance(entryName, str):
        raise TypeError(f"{function}: entryName must be a string")
    names, path = _entries(fileName, function)
    if entryName not in names:
        _raise(ERROR_CANNOT_FIND_PHONEBOOK_ENTRY, function)
    saved = _DialParamStore().get(_key(path, entryName)) or {}
    # The number lives in the phonebook entry: dial parameters leave it
    # empty, as RasGetEntryDialParams does.
    params = (entryName, "", saved.get("callbackNumber", ""), saved.get("userName", ""),
              saved.get("password", ""), saved.get("domain", ""))
    return params, bool(saved.get("passwordSaved", False))


def SetEntryDialParams(fileName, RasDialParams, bSavePassword, /):
    function = "RasSetEntryDialParams"
    if isinstance(RasDialParams, (str, bytes)):
        raise TypeError(f"{function}: RasDialParams must be a sequence of strings")
    try:
        values = list(RasDialParams)
    except TypeError:
        raise TypeError(f"{function}: RasDialParams must be a sequence of strings") from None
    if not 1 <= len(values) <= len(_DIAL_FIELDS):
        raise TypeError(f"{function}: RasDialParams takes 1 to {len(_DIAL_FIELDS)} strings")
    if not all(isinstance(v, str) for v in values):
        raise TypeError(f"{function}: RasDialParams must be a sequence of strings")
    if not isinstance(bSavePassword, (bool, int)):
        raise TypeError(f"{function}: bSavePassword must be a bool")
    params = dict(zip(_DIAL_FIELDS, values + [""] * (len(_DIAL_FIELDS) - len(values))))
    names, path = _entries(fileName, function)
    if params["entryName"] not in names:
        _raise(ERROR_CANNOT_FIND_PHONEBOOK_ENTRY, function)
    saved = {
        "callbackNumber": params["callbackNumber"],
        "userName": params["userName"],
        "domain": params["domain"],
        "password": params["password"] if bSavePassword else "",
        "passwordSaved": bool(bSavePassword),
    }
    try:
        _DialParamStore().put(_key(path, params["entryName"]), saved)
    except OSError:
        _raise(ERROR_CANNOT_WRITE_PHONEBOOK, function)


# --- connections: none can be made here --------------------------------------------------


def EnumConnections():
    return []


def IsHandleValid(hras, /):
    _check_handle(hras, "IsHandleValid")
    return False


def GetConnectStatus(hrasconn, /):
    _check_handle(hrasconn, "RasGetConnectStatus")
    _raise(winerror.ERROR_INVALID_HANDLE, "RasGetConnectStatus")


def HangUp(hras, /):
    _check_handle(hras, "RasHangUp")
    _raise(winerror.ERROR_INVALID_HANDLE, "RasHangUp")


def GetErrorString(code, /):
    if not isinstance(code, int):
        raise TypeError("GetErrorString: the error must be an int")
    if code in _RAS_MESSAGES:
        return _RAS_MESSAGES[code]
    if 0 <= code < RASBASE:
        import win32api

        try:
            return win32api.FormatMessage(code).rstrip("\r\n")
        except error:
            pass
    raise error(winerror.ERROR_INVALID_PARAMETER, "RasGetErrorString", "The parameter is incorrect.")


# --- no POSIX meaning: ERROR_NOT_SUPPORTED ---------------------------------------------


def Dial(dialExtensions, fileName, RasDialParams, callback, /):
    _not_supported("RasDial")


def CreatePhonebookEntry(hWnd, fileName=None, /):
    _not_supported("RasCreatePhonebookEntry")


def EditPhonebookEntry(hWnd, fileName, entryName, /):
    _not_supported("RasEditPhonebookEntry")


def GetEapUserIdentity(phoneBook, entry, flags, hwnd=None, /):
    _not_supported("RasGetEapUserIdentity")


def RASDIALEXTENSIONS():
    _not_supported("RASDIALEXTENSIONS")
