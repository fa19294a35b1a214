"""win32api: assorted Win32 functions.

The registry functions (Reg*) work on a durable store of our own (one SQLite
database per hive, shared by every process of the user); see docs/registry.md.
"""
from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix._time import filetime_to_time as _filetime_to_time
from pywin32_posix._w32 import win32api as _native
from pywin32_posix._w32.win32api import *  # noqa: F401,F403

REG_NOTIFY_CHANGE_NAME = 0x1
REG_NOTIFY_CHANGE_ATTRIBUTES = 0x2
REG_NOTIFY_CHANGE_LAST_SET = 0x4
REG_NOTIFY_CHANGE_SECURITY = 0x8

# EXTENDED_NAME_FORMAT (secext.h), for GetUserNameEx.
NameUnknown = 0
NameFullyQualifiedDN = 1
NameSamCompatible = 2
NameDisplay = 3
NameUniqueId = 6
NameCanonical = 7
NameUserPrincipal = 8
NameCanonicalEx = 9
NameServicePrincipal = 10

# GetStdHandle's handle ids (winbase.h).
STD_INPUT_HANDLE = -10
STD_OUTPUT_HANDLE = -11
STD_ERROR_HANDLE = -12

# VS_FIXEDFILEINFO fields (verrsrc.h).
VS_FF_DEBUG = 0x01
VS_FF_PRERELEASE = 0x02
VS_FF_PATCHED = 0x04
VS_FF_PRIVATEBUILD = 0x08
VS_FF_INFOINFERRED = 0x10
VS_FF_SPECIALBUILD = 0x20
VOS_UNKNOWN = 0x00000000
VOS_DOS = 0x00010000
VOS_OS216 = 0x00020000
VOS_OS232 = 0x00030000
VOS_NT = 0x00040000
VOS__WINDOWS16 = 0x0001
VOS__PM16 = 0x0002
VOS__PM32 = 0x0003
VOS__WINDOWS32 = 0x0004
VOS_DOS_WINDOWS16 = 0x00010001
VOS_DOS_WINDOWS32 = 0x00010004
VOS_OS216_PM16 = 0x00020002
VOS_OS232_PM32 = 0x00030003
VOS_NT_WINDOWS32 = 0x00040004
VFT_UNKNOWN = 0
VFT_APP = 1
VFT_DLL = 2
VFT_DRV = 3
VFT_FONT = 4
VFT_VXD = 5
VFT_STATIC_LIB = 7


def RegEnumKeyEx(Key, /):
    """[(name, reserved, class, last write time as pywintypes.Time)] for every subkey."""
    return [(name, reserved, cls, _filetime_to_time(ft))
            for name, reserved, cls, ft in _native._RegEnumKeyEx(Key)]


RegEnumKeyExW = RegEnumKeyEx


def RegQueryInfoKeyW(Key, /):
    """The key's counts, maximum lengths, class and last write time (a dict)."""
    info = _native._RegQueryInfoKeyW(Key)
    info["LastWriteTime"] = _filetime_to_time(info["LastWriteTime"])
    return info


# --- console control events (see pywin32_posix._console_ctrl) -----------------
from pywin32_posix._console_ctrl import (  # noqa: E402,F401
    GenerateConsoleCtrlEvent,
    SetConsoleCtrlHandler,
)

# --- environment ---------------------------------------------------------------
import os as _os  # noqa: E402
import time as _time  # noqa: E402

# Error codes and flags used below (private: pywin32's win32api has no such names).
_ERROR_INVALID_PARAMETER = 87
_ERROR_NOT_SUPPORTED = 50
_ERROR_DIRECTORY = 267
_ERROR_ENVVAR_NOT_FOUND = 203


def _existing_name(name):
    """The spelling under which `name` is set (Windows' names ignore case)."""
    if name in _os.environ:
        return name
    upper = name.upper()
    for key in _os.environ:
        if key.upper() == upper:
            return key
    return name


def SetEnvironmentVariable(Name, Value, /):
    """Sets (or with None, removes) a variable of this process, seen by
    os.environ and by child processes. An existing variable keeps its
    spelling (names ignore case, as on Windows)."""
    if not isinstance(Name, str) or not Name or "=" in Name or "\0" in Name:
        raise error(_ERROR_INVALID_PARAMETER, "SetEnvironmentVariable", "The parameter is incorrect.")
    key = _existing_name(Name)
    if Value is None:
        if key not in _os.environ:
            raise error(_ERROR_ENVVAR_NOT_FOUND, "SetEnvironmentVariable",
                        "The system could not find the environment option that was entered.")
        del _os.environ[key]
        return
    if not isinstance(Value, str):
        raise TypeError("Value must be a string or None")
    if "\0" in Value:
        raise error(_ERROR_INVALID_PARAMETER, "SetEnvironmentVariable", "The parameter is incorrect.")
    _os.environ[key] = Value


SetEnvironmentVariableW = SetEnvironmentVariable


# --- directories and temporary files ----------------------------------------------
def GetTempPath():
    """TMPDIR (or /tmp), with a trailing separator as Windows gives."""
    path = _os.environ.get("TMPDIR") or "/tmp"
    return path if path.endswith("/") else path + "/"


def GetTempFileName(path, prefix, nUnique=0, /):
    """(name, unique): path/<3 chars of prefix><hex>.tmp. With nUnique 0 a
    new unique number is chosen and the empty file created (exclusively);
    otherwise the name is only formed."""
    windows_spelling = path
    path = _native._posix_path(path, "GetTempFileName")
    if not _os.path.isdir(path):
        raise error(_ERROR_DIRECTORY, "GetTempFileName", "The directory name is invalid.")
    stem = (prefix or "")[:3]

    def spelled(leaf):
        # In the caller's spelling: a Windows directory gives a Windows name.
        if windows_spelling != path:
            return windows_spelling.rstrip("\\/") + "\\" + leaf
        return _os.path.join(path, leaf)

    if nUnique:
        unique = nUnique & 0xFFFF
        return spelled("%s%X.tmp" % (stem, unique)), unique
    unique = (_time.monotonic_ns() // 1_000_000) & 0xFFFF
    for _ in range(0x10000):
        unique = unique or 1
        name = _os.path.join(path, "%s%X.tmp" % (stem, unique))
        try:
            fd = _os.open(name, _os.O_CREAT | _os.O_EXCL | _os.O_WRONLY, 0o600)
        except FileExistsError:
            unique = (unique + 1) & 0xFFFF
            continue
        except OSError as e:
            raise error(5 if isinstance(e, PermissionError) else _ERROR_DIRECTORY, "GetTempFileName",
                        e.strerror or "") from None
        _os.close(fd)
        return spelled(_os.path.basename(name)), unique
    raise error(80, "GetTempFileName", "The file exists.")  # ERROR_FILE_EXISTS


def GetSystemDirectory():
    """Where the system's shared libraries are (the C library's directory):
    what LoadLibrary finds there is what Windows keeps in System32."""
    return _os.path.dirname(GetModuleFileName(GetModuleHandle("libc.so.6")))


def GetWindowsDirectory():
    """The operating system's installation (/usr)."""
    return "/usr"


# --- small helpers of windef.h ---------------------------------------------------
def LOWORD(val, /):
    """The low 16 bits of a value."""
    return val & 0xFFFF


def HIWORD(val, /):
    """Bits 16-31 of a value."""
    return (val >> 16) & 0xFFFF


def LOBYTE(val, /):
    """The low 8 bits of a value."""
    return val & 0xFF


def HIBYTE(val, /):
    """Bits 8-15 of a value."""
    return (val >> 8) & 0xFF


def MAKEWORD(low, high, /):
    """A 16-bit value of two bytes (low, high)."""
    return (low & 0xFF) | ((high & 0xFF) << 8)


def MAKELONG(low, high, /):
    """A 32-bit value of two 16-bit halves (low, high)."""
    return (low & 0xFFFF) | ((high & 0xFFFF) << 16)


def RGB(red, green, blue, /):
    """A COLORREF (0x00BBGGRR) of three 8-bit components."""
    return (red & 0xFF) | ((green & 0xFF) << 8) | ((blue & 0xFF) << 16)


def MAKELANGID(PrimaryLanguage, SubLanguage, /):
    """A language id of a primary language and a sublanguage (winnt.h)."""
    return ((SubLanguage & 0x3F) << 10) | (PrimaryLanguage & 0x3FF)


# --- locale ----------------------------------------------------------------------
_LCID_OF_LOCALE = {
    "en_US": 0x0409, "en_GB": 0x0809, "en_AU": 0x0C09, "en_CA": 0x1009, "de_DE": 0x0407,
    "de_AT": 0x0C07, "de_CH": 0x0807, "fr_FR": 0x040C, "fr_CA": 0x0C0C, "fr_BE": 0x080C,
    "es_ES": 0x0C0A, "es_MX": 0x080A, "it_IT": 0x0410, "pt_BR": 0x0416, "pt_PT": 0x0816,
    "nl_NL": 0x0413, "sv_SE": 0x041D, "da_DK": 0x0406, "nb_NO": 0x0414, "fi_FI": 0x040B,
    "pl_PL": 0x0415, "cs_CZ": 0x0405, "hu_HU": 0x040E, "ru_RU": 0x0419, "uk_UA": 0x0422,
    "tr_TR": 0x041F, "el_GR": 0x0408, "ja_JP": 0x0411, "ko_KR": 0x0412, "zh_CN": 0x0804,
    "zh_TW": 0x0404, "he_IL": 0x040D, "ar_SA": 0x0401, "hi_IN": 0x0439,
}
_thread_locale = None


def _locale_lcid(variables):
    for var in variables:
        value = _os.environ.get(var)
        if value:
            name = value.split(".")[0].split("@")[0]
            # C and POSIX have no Windows counterpart: en-US, what Windows' C locale formats as.
            return _LCID_OF_LOCALE.get(name, 0x0409)
    return 0x0409


def GetUserDefaultLCID():
    """The LCID of the user's locale (LC_ALL, LC_CTYPE, LANG); en-US for C/POSIX or unknown ones."""
    return _locale_lcid(("LC_ALL", "LC_CTYPE", "LANG"))


def GetSystemDefaultLCID():
    """As GetUserDefaultLCID, from the system's LANG."""
    return _locale_lcid(("LANG",))


def GetUserDefaultLangID():
    """The language id of the user's locale (GetUserDefaultLCID's low 16 bits)."""
    return GetUserDefaultLCID() & 0xFFFF


def GetSystemDefaultLangID():
    """The language id of the system's locale (GetSystemDefaultLCID's low 16 bits)."""
    return GetSystemDefaultLCID() & 0xFFFF


def GetThreadLocale():
    """The LCID SetThreadLocale set, else the user's (GetUserDefaultLCID).
    On POSIX it is kept for the process, not per thread, and changes no
    formatting of the C library."""
    return _thread_locale if _thread_locale is not None else GetUserDefaultLCID()


def SetThreadLocale(lcid, /):
    """Sets the LCID GetThreadLocale returns (see there)."""
    global _thread_locale
    _thread_locale = lcid


_error_mode = 0


def SetErrorMode(errorMode, /):
    """Stores the mode and returns the previous one (POSIX shows no error dialogs either way)."""
    global _error_mode
    previous, _error_mode = _error_mode, errorMode
    return previous


# --- what a headless POSIX process has no counterpart for -----------------------
# One table (pywin32_posix._win32api_nodisplay): screen, windows, cursor,
# synthetic input, key state.
from pywin32_posix._win32api_nodisplay import FUNCTIONS as _UNSUPPORTED  # noqa: E402

globals().update(_UNSUPPORTED)


def GetSystemPowerStatus():
    """SYSTEM_POWER_STATUS from /sys/class/power_supply: mains online, the
    batteries' charge and state (255 / -1 = unknown, as Windows says when
    there is no battery: BatteryFlag 128)."""
    base = "/sys/class/power_supply"

    def read(dev, field):
        try:
            with open(_os.path.join(base, dev, field)) as f:
                return f.read().strip()
        except OSError:
            return None

    ac = 255
    batteries = []
    for dev in sorted(_os.listdir(base)) if _os.path.isdir(base) else []:
        kind = read(dev, "type")
        if kind == "Mains":
            online = read(dev, "online")
            if online is not None:
                ac = 1 if online == "1" or ac == 1 else 0
        elif kind == "Battery" and read(dev, "present") != "0":
            batteries.append(dev)
    status = {"ACLineStatus": ac, "BatteryFlag": 128, "BatteryLifePercent": 255,
              "SystemStatusFlag": 0, "BatteryLifeTime": -1, "BatteryFullLifeTime": -1}
    if batteries:
        levels = [int(read(b, "capacity") or 0) for b in batteries]
        percent = sum(levels) // len(levels)
        charging = any(read(b, "status") == "Charging" for b in batteries)
        flag = 1 if percent > 66 else 4 if percent < 5 else 2 if percent < 33 else 0
        status.update(BatteryFlag=flag | (8 if charging else 0), BatteryLifePercent=percent)
        # Seconds left at the present draw, when the battery reports both.
        energy = sum(int(read(b, "energy_now") or 0) for b in batteries)
        power = sum(int(read(b, "power_now") or 0) for b in batteries)
        if energy and power and not charging:
            status["BatteryLifeTime"] = int(energy / power * 3600)
        if ac == 255:
            status["ACLineStatus"] = 1 if charging else 0
    return status


# --- profile (.ini) files (see pywin32_posix._profile) ------------------------------
from pywin32_posix._profile import (  # noqa: E402,F401
    GetProfileSection,
    GetProfileVal,
    WriteProfileSection,
    WriteProfileVal,
)


def Apply(exceptionHandler, func, args, /):
    """Calls func(*args). pywin32 calls exceptionHandler for a Win32
    structured exception raised inside; POSIX has none, so it is not called
    (Python exceptions propagate, as they do with pywin32)."""
    return func(*args)


def GetDomainName():
    """The workgroup or domain of this machine: Samba's `workgroup` when
    smb.conf sets one, else WORKGROUP (Windows' name for a machine in no domain)."""
    try:
        with open("/etc/samba/smb.conf", encoding="utf-8", errors="replace") as f:
            section = None
            for line in f:
                s = line.strip()
                if s.startswith("[") and "]" in s:
                    section = s[1:s.index("]")].strip().lower()
                elif section == "global" and "=" in s and not s.startswith((";", "#")):
                    key, value = s.split("=", 1)
                    if key.strip().lower() == "workgroup" and value.strip():
                        return value.strip().upper()
    except OSError:
        pass
    return "WORKGROUP"


# --- clock and calendar (see pywin32_posix._win32api_time) ----------------------------
from pywin32_posix._win32api_time import (  # noqa: E402,F401
    GetDateFormat,
    GetLocalTime,
    GetSystemTime,
    GetSystemTimeAsFileTime,
    GetTimeFormat,
    GetTimeZoneInformation,
    SetLocalTime,
    SetSystemTime,
    Sleep,
    SleepEx,
)

# --- programs, terminal, debugger (see pywin32_posix._win32api_shell) -----------------
from pywin32_posix._win32api_shell import (  # noqa: E402,F401
    Beep,
    DebugBreak,
    GetConsoleTitle,
    GetFileVersionInfo,
    MessageBeep,
    OutputDebugString,
    SearchPath,
    SetConsoleTitle,
    ShellExecute,
    WinExec,
)

# --- threads, shutdown and power, the machine, keyboard layouts, resources ---------------
from pywin32_posix._win32api_power import (  # noqa: E402,F401
    AbortSystemShutdown,
    ExitWindows,
    ExitWindowsEx,
    GetPwrCapabilities,
    GetSystemFileCacheSize,
    InitiateSystemShutdown,
    SetSystemFileCacheSize,
    SetSystemPowerState,
)
from pywin32_posix._win32api_machine import (  # noqa: E402,F401
    FindExecutable,
    GetComputerObjectName,
    GetLastInputInfo,
    GetSystemCpuSetInformation,
    RegisterWindowMessage,
    SetTimeZoneInformation,
)
from pywin32_posix._win32api_keyboard import (  # noqa: E402,F401
    GetKeyboardLayout,
    GetKeyboardLayoutList,
    GetKeyboardLayoutName,
    MapVirtualKey,
    ToAsciiEx,
    VkKeyScan,
    VkKeyScanEx,
)
from pywin32_posix._pe_resources import (  # noqa: E402,F401
    EnumResourceLanguages,
    EnumResourceNames,
    EnumResourceTypes,
    LoadResource,
    LoadString,
)
from pywin32_posix import _pe_resources  # noqa: E402

# LoadLibraryEx flags (libloaderapi.h) that load an image's data only.
DONT_RESOLVE_DLL_REFERENCES = 0x00000001
LOAD_LIBRARY_AS_DATAFILE = 0x00000002
LOAD_LIBRARY_AS_IMAGE_RESOURCE = 0x00000020
LOAD_LIBRARY_AS_DATAFILE_EXCLUSIVE = 0x00000040
_DATA_ONLY = LOAD_LIBRARY_AS_DATAFILE | LOAD_LIBRARY_AS_IMAGE_RESOURCE | LOAD_LIBRARY_AS_DATAFILE_EXCLUSIVE


def _is_pe_file(path):
    try:
        with open(path, "rb") as f:
            return f.read(2) == b"MZ"
    except OSError:
        return False


def LoadLibrary(fileName, /):
    """dlopen()s a shared library and returns its handle; ERROR_MOD_NOT_FOUND
    when it cannot be loaded. A Windows image (PE file) cannot run here:
    ERROR_BAD_EXE_FORMAT, as Windows says of a DLL built for another machine
    (LoadLibraryEx with LOAD_LIBRARY_AS_DATAFILE reads its resources)."""
    if isinstance(fileName, str):
        path = _native._posix_path(fileName, "LoadLibrary")
        if _os.path.isfile(path) and _is_pe_file(path):
            raise error(193, "LoadLibrary", "%1 is not a valid Win32 application.")
    return _native.LoadLibrary(fileName)


def LoadLibraryEx(fileName, handle, flags=0, /):
    """LoadLibrary with flags. With LOAD_LIBRARY_AS_DATAFILE(_EXCLUSIVE) or
    LOAD_LIBRARY_AS_IMAGE_RESOURCE a Windows image (PE file) is opened for
    its resources only (LoadResource, LoadString, EnumResource*): the handle
    is odd, as Windows marks data-file modules, and FreeLibrary releases it;
    a file that is no PE image is ERROR_BAD_EXE_FORMAT. Other flags are
    ignored (dlopen has one way to load)."""
    if not isinstance(flags, int) or isinstance(flags, bool):
        raise TypeError("flags must be an int")
    if flags & _DATA_ONLY:
        if not isinstance(fileName, str):
            raise TypeError("fileName must be a string")
        path = _native._posix_path(fileName, "LoadLibraryEx")
        if not _os.path.isfile(path):
            raise error(2, "LoadLibraryEx", "The system cannot find the file specified.")
        return _pe_resources.DATA_MODULES.load(path, "LoadLibraryEx")
    return LoadLibrary(fileName) if isinstance(fileName, str) else _native.LoadLibraryEx(fileName, handle, flags)


def FreeLibrary(hModule, /):
    """Drops one reference to a module: a data-file module of LoadLibraryEx
    is closed at the last; a library is dlclose()d (see LoadLibrary)."""
    if isinstance(hModule, int) and not isinstance(hModule, bool) and _pe_resources.DATA_MODULES.free(hModule):
        return
    return _native.FreeLibrary(hModule)
