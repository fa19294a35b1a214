"""win32ras: Remote Access Service, pywin32's names.

- The phonebook: EnumEntries lists the entries (sections) of a phonebook in
  Windows' rasphone.pbk (INI) format, by default <state dir>/ras/rasphone.pbk;
  GetEntryDialParams/SetEntryDialParams keep an entry's dial parameters in
  <state dir>/ras/dialparams.json (mode 0600), apart from the phonebook as on
  Windows.
- Dialling: Dial runs a real dialer for the entry, pppd (its port and phone
  number through chat, or its PosixPty command), under a supervisor process
  of the connection's own that turns pppd's progress into the RASCS_*
  states; synchronous, or asynchronous with a RasDialFunc1 callback or an
  event handle. Connections are the system's (the state root's): every
  process sees them in EnumConnections and GetConnectStatus, and HangUp
  ends them.
- GetErrorString: the texts of the RAS errors (600 on) and of Win32 errors
  below RASBASE.
CreatePhonebookEntry, EditPhonebookEntry and GetEapUserIdentity (dialogs)
and RASDIALEXTENSIONS raise pywintypes.error(ERROR_NOT_SUPPORTED).
See docs/win32ras.md.
"""
import fcntl
import json
import os

import winerror
from pywin32_posix import _ras_connections, _ras_errors
from pywin32_posix._errors import error

# ras.h: connection states.
# The states the dialler reports are defined with it (_ras_link).
from pywin32_posix._ras_link import (  # noqa: E402,F401
    RASCS_AllDevicesConnected, RASCS_Authenticate, RASCS_Authenticated, RASCS_ConnectDevice, RASCS_Connected,
    RASCS_DeviceConnected, RASCS_Disconnected, RASCS_OpenPort, RASCS_PortOpened, RASCS_Projected)

RASCS_PAUSED = 0x1000
RASCS_DONE = 0x2000
RASCS_AuthNotify = 6
RASCS_AuthRetry = 7
RASCS_AuthCallback = 8
RASCS_AuthChangePassword = 9
RASCS_AuthProject = 10
RASCS_AuthLinkSpeed = 11
RASCS_AuthAck = 12
RASCS_ReAuthenticate = 13
RASCS_PrepareForCallback = 15
RASCS_WaitForModemReset = 16
RASCS_WaitForCallback = 17
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
# ras.h: RasGetEapUserIdentity flags.
RASEAPF_NonInteractive = 0x00000002
RASEAPF_Logon = 0x00000004
RASEAPF_Preview = 0x00000008

# raserror.h: the RAS error codes, as module constants.
globals().update(_ras_errors.CODES)
RASBASE = _ras_errors.RASBASE
RASBASEEND = _ras_errors.RASBASEEND

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


def _phonebook(fileName, function):
    """The entries of a phonebook ({name: {lower-cased key: value}}, in file
    order; a key's first value counts) and its path. A missing default
    phonebook is empty; a named one that does not open is
    ERROR_CANNOT_OPEN_PHONEBOOK."""
    path, default = _phonebook_path(fileName, function)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        if default:
            return {}, path
        _raise(ERROR_CANNOT_OPEN_PHONEBOOK, function)
    except OSError:
        _raise(ERROR_CANNOT_OPEN_PHONEBOOK, function)
    if raw.startswith(b"\xff\xfe"):
        text = raw[2:].decode("utf-16-le", "replace")
    else:
        text = raw.decode("utf-8-sig", "replace")
    entries = {}
    keys = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]") and len(line) > 2:
            keys = entries.setdefault(line[1:-1], {"": line[1:-1]})
        elif keys is not None and "=" in line and not line.startswith(";"):
            key, value = line.split("=", 1)
            keys.setdefault(key.strip().lower(), value.strip())
    return entries, path


def _entries(fileName, function):
    """The entry names of a phonebook (in file order) and its path."""
    entries, path = _phonebook(fileName, function)
    return list(entries), path


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
    """The handle's number (None is 0); TypeError for anything else."""
    import pywintypes

    if h is None:
        return 0
    if isinstance(h, (int, pywintypes.HANDLEType)) and not isinstance(h, bool):
        return int(h)
    raise TypeError(f"{function}: a handle must be an int, a PyHANDLE or None, not {type(h).__name__}")


def _dial_params(RasDialParams, function):
    """RASDIALPARAMS (1 to 6 strings) as a dict of the six fields."""
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
    return dict(zip(_DIAL_FIELDS, values + [""] * (len(_DIAL_FIELDS) - len(values))))


# --- the phonebook ---------------------------------------------------------------------


def EnumEntries(reserved=None, fileName=None, /):
    """The entry names of a phonebook (RasEnumEntries), in file order.
    fileName None is the user's phonebook; a named phonebook that does not
    open: ERROR_CANNOT_OPEN_PHONEBOOK.
    On POSIX: the user's phonebook is <state dir>/ras/rasphone.pbk."""
    if reserved is not None and not isinstance(reserved, str):
        raise TypeError("EnumEntries: reserved must be None")
    return tuple(_entries(fileName, "RasEnumEntries")[0])


def GetEntryDialParams(fileName, entryName, /):
    """((entryName, "", callbackNumber, userName, password, domain),
    passwordSaved): the entry's saved dial parameters
    (RasGetEntryDialParams). An entry not in the phonebook:
    ERROR_CANNOT_FIND_PHONEBOOK_ENTRY."""
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
    """Saves an entry's dial parameters (RasSetEntryDialParams), the password
    only with bSavePassword; Dial uses them when its own are empty.
    On POSIX: kept in <state dir>/ras/dialparams.json (mode 0600)."""
    function = "RasSetEntryDialParams"
    params = _dial_params(RasDialParams, function)
    if not isinstance(bSavePassword, (bool, int)):
        raise TypeError(f"{function}: bSavePassword must be a bool")
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


# --- dialling and connections -------------------------------------------------------------


def Dial(dialExtensions, fileName, RasDialParams, callback, /):
    """Dials a phonebook entry (RasDial): returns (hrasconn, retcode).

    RasDialParams: (entryName, phoneNumber, callbackNumber, userName,
    password, domain), 1 to 6 strings; an empty phoneNumber takes the
    entry's PhoneNumber, an empty userName/password the saved dial
    parameters. callback None dials synchronously: retcode is 0 once
    connected, else the RAS error (the handle stays valid: HangUp it, as on
    Windows). A callable makes the dial asynchronous: it is called as
    callback(hrasconn, WM_RASDIALEVENT, state, error, 0) on a thread of
    ours for each RASCS_* state entered, with error nonzero for the failure
    that ends the dial, and with RASCS_Disconnected when a link that was up
    goes down. An int or PyHANDLE is an event handle set at each state
    change (read the state with GetConnectStatus). An entry that does not
    exist gives (0, ERROR_CANNOT_FIND_PHONEBOOK_ENTRY), one without a port
    or pty (0, ERROR_PORT_NOT_CONFIGURED).
    On POSIX: the dialer is pppd (see docs/win32ras.md for the entry keys),
    run by a supervisor process of the connection's own; dialExtensions must
    be None (RASDIALEXTENSIONS does not exist here).
    """
    import pywintypes

    function = "RasDial"
    if dialExtensions is not None:
        raise TypeError(f"{function}: dialExtensions must be None")
    params = _dial_params(RasDialParams, function)
    if not (callback is None or callable(callback)
            or (isinstance(callback, (int, pywintypes.HANDLEType)) and not isinstance(callback, bool))):
        raise TypeError("The callback object must be an integer handle, None, or a callable object")
    try:
        entries, path = _phonebook(fileName, function)
    except error as exc:
        return 0, exc.winerror
    entry = entries.get(params["entryName"])
    if entry is None:
        return 0, ERROR_CANNOT_FIND_PHONEBOOK_ENTRY
    saved = _DialParamStore().get(_key(path, params["entryName"])) or {}
    number = params["phoneNumber"] or entry.get("phonenumber", "")
    user = params["userName"] or saved.get("userName", "")
    password = params["password"] or saved.get("password", "")
    handle, rc, dialling = _ras_connections.start_dial(_ras_dir(), params["entryName"], entry, number, user,
                                                      password)
    if dialling is None:
        return 0, rc
    if callback is None:
        return handle, dialling.wait_connected()
    dialling.notify(callback)
    return handle, 0


def EnumConnections():
    """The RAS connections (RasEnumConnections): a list of (hrasconn,
    entryName, deviceType, deviceName), those being dialled included, until
    they are hung up.
    On POSIX: the connections of this state root, dialled by any process."""
    return [(s["handle"], s["entry"], s["device_type"], s["device_name"])
            for s in _ras_connections.connections(_ras_dir())]


def IsHandleValid(hras, /):
    """Whether hras names a RAS connection (one not yet hung up).
    On POSIX: the connection table is looked up (pywin32 only tests hras >= 0)."""
    handle = _check_handle(hras, "IsHandleValid")
    return handle > 0 and _ras_connections.read_status(_ras_dir(), handle) is not None


def GetConnectStatus(hrasconn, /):
    """(state, error, deviceType, deviceName) of a connection
    (RasGetConnectStatus): state a RASCS_* value, error the RAS error that
    ended the dial or the link (0 while all is well). A handle that names
    no connection (never dialled, or hung up): ERROR_INVALID_HANDLE."""
    handle = _check_handle(hrasconn, "RasGetConnectStatus")
    status = _ras_connections.read_status(_ras_dir(), handle) if handle > 0 else None
    if status is None:
        _raise(winerror.ERROR_INVALID_HANDLE, "RasGetConnectStatus")
    return status["state"], status["error"], status["device_type"], status["device_name"]


def HangUp(hras, /):
    """Ends a connection (RasHangUp), being dialled or up: the dialer is
    terminated and waited for (bounded), and the handle is freed. A handle
    that names no connection: ERROR_INVALID_HANDLE.
    On POSIX: pppd gets SIGTERM, and SIGKILL if it is still there 5 s later;
    HangUp returns once it is gone (Windows returns at once)."""
    handle = _check_handle(hras, "RasHangUp")
    if handle <= 0 or not _ras_connections.hang_up(_ras_dir(), handle):
        _raise(winerror.ERROR_INVALID_HANDLE, "RasHangUp")


def GetErrorString(code, /):
    """The text of a RAS error code (RasGetErrorString), 600 on, or of a
    Win32 error below RASBASE; ERROR_INVALID_PARAMETER for other codes."""
    if not isinstance(code, int):
        raise TypeError("GetErrorString: the error must be an int")
    if code in _ras_errors.MESSAGES:
        return _ras_errors.MESSAGES[code]
    if 0 <= code < RASBASE:
        import win32api

        try:
            return win32api.FormatMessage(code).rstrip("\r\n")
        except error:
            pass
    raise error(winerror.ERROR_INVALID_PARAMETER, "RasGetErrorString", "The parameter is incorrect.")


# --- no POSIX meaning: ERROR_NOT_SUPPORTED ---------------------------------------------


def CreatePhonebookEntry(hWnd, fileName=None, /):
    """Windows' dialog for a new phonebook entry: not supported here
    (ERROR_NOT_SUPPORTED); write the entry into the phonebook file."""
    _not_supported("RasCreatePhonebookEntry")


def EditPhonebookEntry(hWnd, fileName, entryName, /):
    """Windows' dialog editing a phonebook entry: not supported here
    (ERROR_NOT_SUPPORTED); edit the phonebook file."""
    _not_supported("RasEditPhonebookEntry")


def GetEapUserIdentity(phoneBook, entry, flags, hwnd=None, /):
    """EAP's identity dialog: not supported here (ERROR_NOT_SUPPORTED)."""
    _not_supported("RasGetEapUserIdentity")


def RASDIALEXTENSIONS():
    """RASDIALEXTENSIONS objects: not supported here (ERROR_NOT_SUPPORTED);
    Dial takes None."""
    _not_supported("RASDIALEXTENSIONS")
