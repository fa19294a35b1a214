"""winreg: the standard library's Windows registry module, on the registry
of pywin32-posix (the same keys win32api.Reg* reads and writes).

Opt-in (libraries probe `import winreg` to detect Windows): it is importable
only after pywin32_posix.enable_stdlib_shims() or with
PYWIN32_POSIX_STDLIB_SHIMS=1 in the environment. Errors are OSError with
`winerror` set, as CPython raises them (FileNotFoundError for a missing key
or value, PermissionError for access denied).
"""
import errno as _errno

import pywintypes as _pywintypes
import win32api as _win32api
import win32con as _win32con

error = OSError

HKEY_CLASSES_ROOT = _win32con.HKEY_CLASSES_ROOT
HKEY_CURRENT_USER = _win32con.HKEY_CURRENT_USER
HKEY_LOCAL_MACHINE = _win32con.HKEY_LOCAL_MACHINE
HKEY_USERS = _win32con.HKEY_USERS
HKEY_PERFORMANCE_DATA = _win32con.HKEY_PERFORMANCE_DATA
HKEY_CURRENT_CONFIG = _win32con.HKEY_CURRENT_CONFIG
HKEY_DYN_DATA = _win32con.HKEY_DYN_DATA

KEY_QUERY_VALUE = 0x0001
KEY_SET_VALUE = 0x0002
KEY_CREATE_SUB_KEY = 0x0004
KEY_ENUMERATE_SUB_KEYS = 0x0008
KEY_NOTIFY = 0x0010
KEY_CREATE_LINK = 0x0020
KEY_WOW64_64KEY = 0x0100
KEY_WOW64_32KEY = 0x0200
KEY_READ = 0x20019
KEY_WRITE = 0x20006
KEY_EXECUTE = KEY_READ
KEY_ALL_ACCESS = 0xF003F

REG_NONE = 0
REG_SZ = 1
REG_EXPAND_SZ = 2
REG_BINARY = 3
REG_DWORD = 4
REG_DWORD_LITTLE_ENDIAN = 4
REG_DWORD_BIG_ENDIAN = 5
REG_LINK = 6
REG_MULTI_SZ = 7
REG_RESOURCE_LIST = 8
REG_FULL_RESOURCE_DESCRIPTOR = 9
REG_RESOURCE_REQUIREMENTS_LIST = 10
REG_QWORD = 11
REG_QWORD_LITTLE_ENDIAN = 11

REG_OPTION_RESERVED = 0
REG_OPTION_NON_VOLATILE = 0
REG_OPTION_VOLATILE = 1
REG_OPTION_CREATE_LINK = 2
REG_OPTION_BACKUP_RESTORE = 4
REG_OPTION_OPEN_LINK = 8
REG_LEGAL_OPTION = 15
REG_CREATED_NEW_KEY = 1
REG_OPENED_EXISTING_KEY = 2
REG_WHOLE_HIVE_VOLATILE = 1
REG_REFRESH_HIVE = 2
REG_NO_LAZY_FLUSH = 4
REG_NOTIFY_CHANGE_NAME = 1
REG_NOTIFY_CHANGE_ATTRIBUTES = 2
REG_NOTIFY_CHANGE_LAST_SET = 4
REG_NOTIFY_CHANGE_SECURITY = 8
REG_LEGAL_CHANGE_FILTER = 15

# CPython's mapping of Windows error codes to errno (PC/errmap.h), for the
# ones the registry gives.
_ERRNO = {2: _errno.ENOENT, 3: _errno.ENOENT, 5: _errno.EACCES, 6: _errno.EBADF, 8: _errno.ENOMEM,
          14: _errno.ENOMEM, 87: _errno.EINVAL, 161: _errno.ENOENT, 183: _errno.EEXIST}


def _os_error(exc):
    code = exc.winerror & 0xFFFFFFFF
    err = OSError(_ERRNO.get(code, _errno.EINVAL), exc.strerror)
    err.winerror = code
    return err


def _call(fn, *args):
    try:
        return fn(*args)
    except _pywintypes.error as exc:
        raise _os_error(exc) from None


class HKEYType:
    """An open registry key: Close(), Detach(), int(), a context manager."""

    __slots__ = ("_key",)

    def __init__(self, key):
        self._key = key

    @property
    def handle(self):
        """The key's handle value (0 once closed or detached)."""
        return int(self._key) if self._key is not None else 0

    def Close(self):
        """Closes the key (closing twice is harmless)."""
        if self._key is not None:
            key, self._key = self._key, None
            _call(key.Close)

    def Detach(self):
        """Gives the key up: returns its handle value, which this object no longer
        closes (0 when it was closed).
        """
        if self._key is None:
            return 0
        key, self._key = self._key, None
        return key.Detach()

    def __int__(self):
        return self.handle

    def __bool__(self):
        return self.handle != 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.Close()
        return False

    def __del__(self):
        try:
            self.Close()
        except Exception:
            pass

    def __hash__(self):
        return hash(self.handle)

    def __eq__(self, other):
        return isinstance(other, HKEYType) and other.handle == self.handle

    def __repr__(self):
        return "<PyHKEY at %#x (%#x)>" % (id(self), self.handle)


def _key(key):
    if isinstance(key, HKEYType):
        if key._key is None:
            raise OSError(_errno.EBADF, "the key is closed")
        return key._key
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    raise TypeError("The object is not a PyHKEY object")


def _sub_key(sub_key):
    if sub_key is None:
        return ""
    if not isinstance(sub_key, str):
        raise TypeError("sub_key must be a str or None")
    return sub_key


def CloseKey(hkey):
    """Closes a key opened by this module (an int handle is accepted and left alone);
    TypeError for anything else.
    """
    if isinstance(hkey, HKEYType):
        hkey.Close()
    elif not isinstance(hkey, int):
        raise TypeError("The object is not a PyHKEY object")


def ConnectRegistry(computer_name, key):
    """A handle to a predefined key (HKEY_LOCAL_MACHINE, HKEY_USERS, ...) of this
    computer (computer_name None, "" or ".").

    On POSIX: another computer's registry is OSError with winerror
    ERROR_NOT_SUPPORTED: there is no remote registry service.
    """
    if computer_name not in (None, "", "."):
        raise _os_error(_pywintypes.error(50, "RegConnectRegistry", "The request is not supported."))
    return HKEYType(_call(_win32api.RegConnectRegistry, None, _key(key)))


def CreateKey(key, sub_key):
    """Opens sub_key of key, creating it (and missing parents) if needed;
    returns an HKEYType. OSError (winerror set) on failure.
    """
    return HKEYType(_call(_win32api.RegCreateKey, _key(key), _sub_key(sub_key)))


def CreateKeyEx(key, sub_key, reserved=0, access=KEY_WRITE):
    """CreateKey with the access rights wanted (KEY_WRITE by default)."""
    hkey, _disposition = _call(_win32api.RegCreateKeyEx, _key(key), _sub_key(sub_key), access, None, 0, None,
                               None)
    return HKEYType(hkey)


def DeleteKey(key, sub_key):
    """Deletes sub_key of key, which must have no subkeys (OSError with
    ERROR_ACCESS_DENIED otherwise); FileNotFoundError when it does not exist.
    """
    _call(_win32api.RegDeleteKey, _key(key), _sub_key(sub_key))


def DeleteKeyEx(key, sub_key, access=KEY_WOW64_64KEY, reserved=0):
    """DeleteKey; the access (registry view) flags are accepted.

    On POSIX: there is one registry view, so KEY_WOW64_32KEY and
    KEY_WOW64_64KEY name the same keys.
    """
    _call(_win32api.RegDeleteKeyEx, _key(key), _sub_key(sub_key), access, reserved)


def DeleteValue(key, value):
    """Deletes a named value of key; FileNotFoundError when there is none."""
    _call(_win32api.RegDeleteValue, _key(key), value)


def EnumKey(key, index):
    """The name of key's index-th subkey; OSError (ERROR_NO_MORE_ITEMS) past the last."""
    return _call(_win32api.RegEnumKey, _key(key), index)


def EnumValue(key, index):
    """(name, data, type) of key's index-th value; OSError (ERROR_NO_MORE_ITEMS)
    past the last.
    """
    return _call(_win32api.RegEnumValue, _key(key), index)


def ExpandEnvironmentStrings(string):
    """The string with each %NAME% replaced by the environment variable's value
    (left as it is when unset); TypeError for a non-str.
    """
    if not isinstance(string, str):
        raise TypeError("ExpandEnvironmentStrings() argument must be str")
    return _call(_win32api.ExpandEnvironmentStrings, string)


def FlushKey(key):
    """Makes the key's hive durable against a power loss now (a full WAL
    checkpoint): a change that returned already survives its process being
    killed.
    """
    _call(_win32api.RegFlushKey, _key(key))


def LoadKey(key, sub_key, file_name):
    """Loads a hive file (one RegSaveKey/SaveKey wrote) as sub_key of
    HKEY_USERS or HKEY_LOCAL_MACHINE.
    """
    _call(_win32api.RegLoadKey, _key(key), _sub_key(sub_key), file_name)


def OpenKey(key, sub_key, reserved=0, access=KEY_READ):
    """Opens sub_key of key with the access asked (KEY_READ by default) and
    returns an HKEYType; FileNotFoundError when it does not exist,
    PermissionError when the access is refused.
    """
    return HKEYType(_call(_win32api.RegOpenKeyEx, _key(key), _sub_key(sub_key), reserved, access))


OpenKeyEx = OpenKey


def QueryInfoKey(key):
    """(number of subkeys, number of values, last write time as 100 ns units since
    1601) of key.
    """
    return _call(_win32api.RegQueryInfoKey, _key(key))


def QueryValue(key, sub_key):
    """The default (unnamed) value of sub_key of key, as a str ("" when it has
    none).
    """
    return _call(_win32api.RegQueryValue, _key(key), _sub_key(sub_key))


def QueryValueEx(key, value_name):
    """(data, type) of a named value of key, the data converted by its type
    (REG_SZ a str, REG_DWORD an int, REG_MULTI_SZ a list, REG_BINARY bytes...);
    FileNotFoundError when there is no such value.
    """
    return _call(_win32api.RegQueryValueEx, _key(key), value_name)


def SaveKey(key, file_name):
    """Writes key and its subkeys to a new hive file; OSError with
    ERROR_ALREADY_EXISTS when the file exists.
    """
    _call(_win32api.RegSaveKey, _key(key), file_name, None)


def SetValue(key, sub_key, type, value):
    """Sets the default value of sub_key of key (created if needed) to a str;
    type must be REG_SZ, else TypeError.
    """
    if type != REG_SZ:
        raise TypeError("type must be winreg.REG_SZ")
    if not isinstance(value, str):
        raise TypeError("value must be a str")
    _call(_win32api.RegSetValue, _key(key), _sub_key(sub_key), type, value)


def SetValueEx(key, value_name, reserved, type, value):
    """Stores value under value_name in key with the given REG_* type (a str for
    REG_SZ/REG_EXPAND_SZ, an int for REG_DWORD/REG_QWORD, a list of str for
    REG_MULTI_SZ, bytes for REG_BINARY); TypeError for a value of another type.
    """
    _call(_win32api.RegSetValueEx, _key(key), value_name, reserved, type, value)


def _no_reflection(function):
    # There is one registry view here: no 32-bit reflection to turn on or off.
    raise _os_error(_pywintypes.error(50, function, "The request is not supported."))


def DisableReflectionKey(key):
    """Would stop 32-bit registry reflection for key. Raises OSError with winerror
    ERROR_NOT_SUPPORTED.

    On POSIX: not supported (there is a single registry view: nothing is reflected).
    """
    _no_reflection("RegDisableReflectionKey")


def EnableReflectionKey(key):
    """Would restore 32-bit registry reflection for key. Raises OSError with
    winerror ERROR_NOT_SUPPORTED.

    On POSIX: not supported (there is a single registry view: nothing is reflected).
    """
    _no_reflection("RegEnableReflectionKey")


def QueryReflectionKey(key):
    """Would say whether reflection is disabled for key. Raises OSError with
    winerror ERROR_NOT_SUPPORTED.

    On POSIX: not supported (there is a single registry view: nothing is reflected).
    """
    _no_reflection("RegQueryReflectionKey")
