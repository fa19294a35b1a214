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
import sys as _sys  # noqa: E402
import time as _time  # noqa: E402

# Error codes and flags used below (private: pywin32's win32api has no such names).
_ERROR_INVALID_PARAMETER = 87
_ERROR_NOT_SUPPORTED = 50
_ERROR_FILE_NOT_FOUND = 2
_ERROR_DIRECTORY = 267
_ERROR_NO_ASSOCIATION = 1155
_ERROR_RESOURCE_TYPE_NOT_FOUND = 1813
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


# --- time ----------------------------------------------------------------------
def _systemtime(t, ns):
    # SYSTEMTIME order; wDayOfWeek counts from Sunday = 0.
    return (t.tm_year, t.tm_mon, (t.tm_wday + 1) % 7, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
            (ns // 1_000_000) % 1000)


def GetLocalTime():
    """(year, month, dayOfWeek, day, hour, minute, second, milliseconds), local."""
    ns = _time.time_ns()
    return _systemtime(_time.localtime(ns // 1_000_000_000), ns)


def GetSystemTime():
    """(year, month, dayOfWeek, day, hour, minute, second, milliseconds), UTC."""
    ns = _time.time_ns()
    return _systemtime(_time.gmtime(ns // 1_000_000_000), ns)


def GetSystemTimeAsFileTime():
    """The current time as a pywintypes.Time (from a FILETIME)."""
    return _filetime_to_time(_time.time_ns() // 100 + 116444736000000000)


def _transition_rule(when):
    """The SYSTEMTIME rule (year 0) for a DST transition at `when` (epoch
    seconds): month, weekday, its week of the month (5 = last), and the
    wall-clock time the clocks read when it happens."""
    before = _time.localtime(when - 1)
    seconds = before.tm_hour * 3600 + before.tm_min * 60 + before.tm_sec + 1
    t = _time.localtime(when)
    week = (t.tm_mday - 1) // 7 + 1
    if t.tm_mday + 7 > _days_in_month(t.tm_year, t.tm_mon):
        week = 5
    return (0, t.tm_mon, (t.tm_wday + 1) % 7, week, seconds // 3600 % 24, seconds // 60 % 60, 0, 0)


def _days_in_month(year, month):
    import calendar
    return calendar.monthrange(year, month)[1]


def _find_transitions(year):
    """Epoch seconds of this year's changes of tm_isdst, in order."""
    start = int(_time.mktime((year, 1, 1, 0, 0, 0, 0, 1, -1)))
    end = int(_time.mktime((year + 1, 1, 1, 0, 0, 0, 0, 1, -1)))
    found = []
    step = 86400
    t = start
    dst = _time.localtime(t).tm_isdst
    while t < end:
        n = min(t + step, end)
        ndst = _time.localtime(n).tm_isdst
        if ndst != dst:
            lo, hi = t, n  # the change is in (lo, hi]
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _time.localtime(mid).tm_isdst == dst:
                    lo = mid
                else:
                    hi = mid
            found.append((hi, ndst))
            dst = ndst
        t = n
    return found


def GetTimeZoneInformation(times_as_tuples=True, /):
    """(TIME_ZONE_ID_UNKNOWN/STANDARD/DAYLIGHT, (Bias, StandardName,
    StandardDate, StandardBias, DaylightName, DaylightDate, DaylightBias))
    from the C library's zone (TZ or /etc/localtime). Dates are rules
    (year 0) as SYSTEMTIME tuples; names are the zone's abbreviations."""
    _time.tzset()
    now = _time.localtime()
    bias = _time.timezone // 60
    std_name, dst_name = _time.tzname
    no_rule = (0, 0, 0, 0, 0, 0, 0, 0)
    std_date = dst_date = no_rule
    dst_bias = 0
    transitions = _find_transitions(now.tm_year) if _time.daylight else []
    for when, to_dst in transitions:
        if to_dst:
            dst_date = _transition_rule(when)
        else:
            std_date = _transition_rule(when)
    if transitions:
        dst_bias = (_time.altzone - _time.timezone) // 60
        code = 2 if now.tm_isdst > 0 else 1
    else:
        code = 0
    return code, (bias, std_name, std_date, 0, dst_name, dst_date, dst_bias)


def Sleep(time, bAlterable=0, /):
    """Sleeps `time` milliseconds (INFINITE: until a signal ends it)."""
    if time in (-1, 0xFFFFFFFF):
        while True:
            _time.sleep(3600)
    if time < 0:
        raise error(_ERROR_INVALID_PARAMETER, "Sleep", "The parameter is incorrect.")
    _time.sleep(time / 1000)


def SleepEx(time, bAlterable=0, /):
    """Sleep, returning 0 (no APCs are queued on POSIX)."""
    Sleep(time, bAlterable)
    return 0


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


# --- sound and shell -----------------------------------------------------------
def _ring_bell():
    try:
        fd = _os.open("/dev/tty", _os.O_WRONLY | _os.O_NOCTTY)
    except OSError:
        return  # no terminal: no sound device to ring
    try:
        _os.write(fd, b"\a")
    finally:
        _os.close(fd)


def Beep(freq, dur, /):
    """Rings the terminal bell (no tone generator) and, as Windows does,
    returns after `dur` milliseconds; frequency 37..32767 Hz."""
    if not 37 <= freq <= 32767 or dur < 0:
        raise error(_ERROR_INVALID_PARAMETER, "Beep", "The parameter is incorrect.")
    _ring_bell()
    _time.sleep(dur / 1000)


def MessageBeep(type=0, /):
    """Rings the terminal bell; nothing when there is no terminal."""
    _ring_bell()


def ShellExecute(hwnd, op, file, params, _dir, bShow, /):
    """'open' (or None): runs a program (found as given or on PATH) with
    `params` split by Windows' rules, else opens the document or URL with
    xdg-open; 'explore' opens a folder. Returns the started process's id
    (Windows returns a value above 32 on success)."""
    import shutil
    import subprocess
    verb = (op or "open").lower()
    if verb not in ("open", "explore"):
        raise error(_ERROR_NO_ASSOCIATION, "ShellExecute",
                    "No application is associated with the specified file for this operation.")
    cwd = _native._posix_path(_dir, "ShellExecute") if _dir else None
    if cwd and not _os.path.isdir(cwd):
        raise error(_ERROR_DIRECTORY, "ShellExecute", "The directory name is invalid.")
    target = file if "://" in file or file.startswith("mailto:") else _native._posix_path(file, "ShellExecute")
    base = cwd or _os.getcwd()
    local = target if _os.path.isabs(target) else _os.path.join(base, target)
    is_url = "://" in target or target.startswith("mailto:")
    program = None
    if verb == "open" and not is_url:
        if _os.path.isfile(local) and _os.access(local, _os.X_OK):
            program = local
        elif _os.sep not in target and not _os.path.exists(local):
            program = shutil.which(target)
    if program:
        args = CommandLineToArgv("x " + params)[1:] if params else []
        proc = subprocess.Popen([program, *args], cwd=cwd, start_new_session=True,
                                stdin=subprocess.DEVNULL)
        return proc.pid
    if not is_url and not _os.path.exists(local):
        raise error(_ERROR_FILE_NOT_FOUND, "ShellExecute", "The system cannot find the file specified.")
    opener = shutil.which("xdg-open")
    if opener is None:
        raise error(_ERROR_NO_ASSOCIATION, "ShellExecute",
                    "No application is associated with the specified file for this operation.")
    proc = subprocess.Popen([opener, target if is_url else local], cwd=cwd, start_new_session=True,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc.pid


def GetFileVersionInfo(Filename, SubBlock, /):
    """ELF and script files carry no version resource: _ERROR_RESOURCE_TYPE_NOT_FOUND
    (what Windows gives for a file without one); _ERROR_FILE_NOT_FOUND if missing."""
    if not _os.path.exists(_native._posix_path(Filename, "GetFileVersionInfo")):
        raise error(_ERROR_FILE_NOT_FOUND, "GetFileVersionInfo", "The system cannot find the file specified.")
    raise error(_ERROR_RESOURCE_TYPE_NOT_FOUND, "GetFileVersionInfo",
                "The specified resource type cannot be found in the image file.")


# --- small helpers of windef.h ---------------------------------------------------
def LOWORD(val, /):
    return val & 0xFFFF


def HIWORD(val, /):
    return (val >> 16) & 0xFFFF


def LOBYTE(val, /):
    return val & 0xFF


def HIBYTE(val, /):
    return (val >> 8) & 0xFF


def MAKEWORD(low, high, /):
    return (low & 0xFF) | ((high & 0xFF) << 8)


def MAKELONG(low, high, /):
    return (low & 0xFFFF) | ((high & 0xFFFF) << 16)


def RGB(red, green, blue, /):
    return (red & 0xFF) | ((green & 0xFF) << 8) | ((blue & 0xFF) << 16)


def MAKELANGID(PrimaryLanguage, SubLanguage, /):
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
    return GetUserDefaultLCID() & 0xFFFF


def GetSystemDefaultLangID():
    return GetSystemDefaultLCID() & 0xFFFF


def GetThreadLocale():
    return _thread_locale if _thread_locale is not None else GetUserDefaultLCID()


def SetThreadLocale(lcid, /):
    global _thread_locale
    _thread_locale = lcid


_error_mode = 0


def SetErrorMode(errorMode, /):
    """Stores the mode and returns the previous one (POSIX shows no error dialogs either way)."""
    global _error_mode
    previous, _error_mode = _error_mode, errorMode
    return previous


# --- what a headless POSIX process has no counterpart for -----------------------
def _not_supported(name):
    def unsupported(*args, **kwargs):
        raise error(_ERROR_NOT_SUPPORTED, name, "The request is not supported.")
    unsupported.__name__ = name
    unsupported.__doc__ = "Raises _ERROR_NOT_SUPPORTED: no keyboard state on POSIX (see docs/win32api.md)."
    return unsupported


GetKeyState = _not_supported("GetKeyState")
GetAsyncKeyState = _not_supported("GetAsyncKeyState")
GetKeyboardState = _not_supported("GetKeyboardState")


# --- console title, programs, search path, power ----------------------------------
_console_title = None


def SetConsoleTitle(title, /):
    """Sets the terminal's window title (the xterm OSC 0 sequence on the
    controlling terminal); ERROR_INVALID_HANDLE without one, as Windows
    fails without a console."""
    global _console_title
    if not isinstance(title, str):
        raise TypeError("title must be a string")
    try:
        fd = _os.open("/dev/tty", _os.O_WRONLY | _os.O_NOCTTY)
    except OSError:
        raise error(6, "SetConsoleTitle", "The handle is invalid.") from None
    try:
        safe = "".join(c for c in title if c >= " " and c != "\x7f")
        _os.write(fd, ("\x1b]0;%s\x07" % safe).encode("utf-8", "replace"))
    finally:
        _os.close(fd)
    _console_title = title


def GetConsoleTitle():
    """The title SetConsoleTitle last set in this process, else the command
    line (what a new Windows console shows). Terminals cannot be asked."""
    return _console_title if _console_title is not None else GetCommandLine()


def WinExec(cmdLine, arg, /):
    """Starts the program of a command line (split by Windows' rules; a name
    without a slash is looked up on PATH). _ERROR_FILE_NOT_FOUND if there is
    no such program."""
    import shutil
    import subprocess
    argv = CommandLineToArgv(cmdLine)
    if not argv or not argv[0]:
        raise error(_ERROR_FILE_NOT_FOUND, "WinExec", "The system cannot find the file specified.")
    program = argv[0] if _os.sep in argv[0] else shutil.which(argv[0])
    if not program or not _os.path.isfile(program):
        raise error(_ERROR_FILE_NOT_FOUND, "WinExec", "The system cannot find the file specified.")
    if not _os.access(program, _os.X_OK):
        raise error(5, "WinExec", "Access is denied.")
    subprocess.Popen([program, *argv[1:]], stdin=subprocess.DEVNULL)


def SearchPath(path, fileName, fileExt=None, /):
    """(full path, index of the file name in it) of the first `fileName`
    (plus `fileExt` when it has no extension) in `path` (os.pathsep
    separated) or, when None, in the program's directory, the current
    directory and PATH; _ERROR_FILE_NOT_FOUND otherwise."""
    name = _native._posix_path(fileName, "SearchPath")
    if fileExt and not _os.path.splitext(name)[1]:
        name = name + fileExt
    if _os.path.isabs(name):
        candidates = [name]
    else:
        if path is None:
            dirs = [_os.path.dirname(_os.path.abspath(_sys.argv[0] or ".")), _os.getcwd()]
            dirs += [d for d in _os.environ.get("PATH", "").split(_os.pathsep) if d]
        else:
            # Windows separates with ';' (and its paths hold ':'); POSIX with ':'.
            parts = path.split(";") if ";" in path or "\\" in path else path.split(_os.pathsep)
            dirs = [_native._posix_path(d, "SearchPath") for d in parts if d]
        candidates = [_os.path.join(d, name) for d in dirs]
    for candidate in candidates:
        if _os.path.exists(candidate):
            full = _os.path.abspath(candidate)
            return full, len(full) - len(_os.path.basename(full))
    raise error(_ERROR_FILE_NOT_FOUND, "SearchPath", "The system cannot find the file specified.")


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


# --- GetDateFormat / GetTimeFormat (Windows' picture strings) -----------------------
_DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"]
_DATE_SHORTDATE = 0x1
_DATE_LONGDATE = 0x2
_TIME_NOMINUTESORSECONDS = 0x1
_TIME_NOSECONDS = 0x2
_TIME_NOTIMEMARKER = 0x4
_TIME_FORCE24HOURFORMAT = 0x8


def _picture_runs(picture):
    """Splits a picture into (letter run) and literal parts; '...' quotes,
    '' is a quote."""
    out, i, n = [], 0, len(picture)
    while i < n:
        c = picture[i]
        if c == "'":
            j = i + 1
            text = ""
            while j < n:
                if picture[j] == "'":
                    if j + 1 < n and picture[j + 1] == "'":
                        text += "'"
                        j += 2
                        continue
                    break
                text += picture[j]
                j += 1
            out.append((None, text if j > i + 1 else "'"))
            i = j + 1
            continue
        if c.isalpha():
            j = i
            while j < n and picture[j] == c:
                j += 1
            out.append((c, j - i))
            i = j
            continue
        out.append((None, c))
        i += 1
    return out


def _when(time):
    import datetime
    if time is None:
        return datetime.datetime.now()
    if isinstance(time, datetime.datetime):
        return time
    raise TypeError("time must be a pywintypes.Time (datetime) or None")


def GetDateFormat(locale, flags, time, _format=None, /):
    """Formats a date with a Windows picture (d dd ddd dddd M MM MMM MMMM y yy
    yyyy gg, 'quoted text'); without one, en-US's short (M/d/yyyy) or long
    (dddd, MMMM d, yyyy) form. Names are English."""
    t = _when(time)
    picture = _format or ("dddd, MMMM d, yyyy" if flags & _DATE_LONGDATE else "M/d/yyyy")
    out = []
    for letter, run in _picture_runs(picture):
        if letter is None:
            out.append(run)
        elif letter == "d":
            out.append(str(t.day) if run == 1 else "%02d" % t.day if run == 2
                       else _DAY_NAMES[t.weekday()][:3] if run == 3 else _DAY_NAMES[t.weekday()])
        elif letter == "M":
            out.append(str(t.month) if run == 1 else "%02d" % t.month if run == 2
                       else _MONTH_NAMES[t.month - 1][:3] if run == 3 else _MONTH_NAMES[t.month - 1])
        elif letter == "y":
            out.append(str(t.year % 100) if run == 1 else "%02d" % (t.year % 100) if run == 2
                       else "%04d" % t.year)
        elif letter == "g":
            out.append("A.D.")
        else:
            out.append(letter * run)
    return "".join(out)


def GetTimeFormat(locale, flags, time, _format=None, /):
    """Formats a time with a Windows picture (h hh H HH m mm s ss t tt,
    'quoted text'); without one, en-US's h:mm:ss tt. The TIME_* flags drop
    minutes/seconds, the marker, or force 24 hours."""
    t = _when(time)
    picture = _format or "h:mm:ss tt"
    runs = _picture_runs(picture)
    out = []
    skip_next_literal = False
    for letter, run in runs:
        if letter is None:
            if not skip_next_literal:
                out.append(run)
            skip_next_literal = False
            continue
        skip_next_literal = False
        if letter in "ms" and (flags & _TIME_NOMINUTESORSECONDS or (letter == "s" and flags & _TIME_NOSECONDS)):
            if out and not out[-1][-1:].isalnum():
                out.pop()  # the separator before it goes too
            continue
        if letter == "t" and flags & _TIME_NOTIMEMARKER:
            if out and out[-1] == " ":
                out.pop()
            continue
        if letter == "h" and not flags & _TIME_FORCE24HOURFORMAT:
            hour = t.hour % 12 or 12
            out.append(str(hour) if run == 1 else "%02d" % hour)
        elif letter in "hH":
            out.append(str(t.hour) if run == 1 else "%02d" % t.hour)
        elif letter == "m":
            out.append(str(t.minute) if run == 1 else "%02d" % t.minute)
        elif letter == "s":
            out.append(str(t.second) if run == 1 else "%02d" % t.second)
        elif letter == "t":
            marker = "AM" if t.hour < 12 else "PM"
            if flags & _TIME_FORCE24HOURFORMAT:
                if out and out[-1] == " ":
                    out.pop()
                continue
            out.append(marker[:1] if run == 1 else marker)
        else:
            out.append(letter * run)
    return "".join(out)


# --- OutputDebugString (the DBWIN protocol debug monitors speak) ------------------
def OutputDebugString(msg, /):
    """Hands `msg` to a debug monitor of the session, as Windows does: when a
    monitor has created the DBWIN_BUFFER_READY and DBWIN_DATA_READY events
    and the 4 KiB DBWIN_BUFFER section, waits (up to 10 s) for the buffer,
    writes this process's id and the text (NUL-terminated, at most 4091
    bytes), and signals the monitor. Without a monitor it does nothing, as
    on Windows without a debugger."""
    import struct

    import mmapfile
    import win32event
    if not isinstance(msg, str):
        raise TypeError("msg must be a string")
    try:
        ready = win32event.OpenEvent(win32event.SYNCHRONIZE, False, "DBWIN_BUFFER_READY")
    except error:
        return
    try:
        data_ready = win32event.OpenEvent(win32event.EVENT_MODIFY_STATE, False, "DBWIN_DATA_READY")
    except error:
        ready.Close()
        return
    try:
        if win32event.WaitForSingleObject(ready, 10000) != win32event.WAIT_OBJECT_0:
            return
        text = msg.encode("utf-8", "replace")[:4096 - 5]
        view = mmapfile.mmapfile(None, "DBWIN_BUFFER", 4096)
        try:
            view.seek(0)
            view.write(struct.pack("<I", _os.getpid()) + text + b"\0")
        finally:
            view.close()
        win32event.SetEvent(data_ready)
    finally:
        ready.Close()
        data_ready.Close()


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


def DebugBreak():
    """A breakpoint trap (SIGTRAP): stops in an attached debugger, ends the
    process without one, as Windows' unhandled breakpoint does."""
    import signal
    _os.kill(_os.getpid(), signal.SIGTRAP)


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


# --- setting the clock --------------------------------------------------------------
_ERROR_PRIVILEGE_NOT_HELD = 1314


def _set_clock(seconds, function):
    try:
        _time.clock_settime(_time.CLOCK_REALTIME, seconds)
    except PermissionError:
        raise error(_ERROR_PRIVILEGE_NOT_HELD, function,
                    "A required privilege is not held by the client.") from None
    except (OSError, OverflowError, ValueError):
        raise error(_ERROR_INVALID_PARAMETER, function, "The parameter is incorrect.") from None


def SetSystemTime(year, month, dayOfWeek, day, hour, minute, second, milliseconds, /):
    """Sets the clock to a UTC time (dayOfWeek is ignored, as Windows ignores
    it). Needs CAP_SYS_TIME (root), as Windows needs SE_SYSTEMTIME_NAME:
    _ERROR_PRIVILEGE_NOT_HELD otherwise."""
    import calendar
    import datetime
    try:
        datetime.datetime(year, month, day, hour, minute, second, milliseconds * 1000)
    except (TypeError, ValueError):
        raise error(_ERROR_INVALID_PARAMETER, "SetSystemTime", "The parameter is incorrect.") from None
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)) + milliseconds / 1000
    _set_clock(seconds, "SetSystemTime")


def SetLocalTime(SystemTime, /):
    """Sets the clock from a local time (a pywintypes.Time or datetime; one
    carrying a time zone is converted). Needs CAP_SYS_TIME (root)."""
    import datetime
    if not isinstance(SystemTime, datetime.datetime):
        raise TypeError("SystemTime must be a pywintypes.Time (datetime)")
    _set_clock(SystemTime.timestamp(), "SetLocalTime")
