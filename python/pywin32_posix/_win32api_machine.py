"""win32api's questions about the machine and the session that have a POSIX
answer: GetLastInputInfo (terminal idle time), GetSystemCpuSetInformation
(/sys CPU topology), GetComputerObjectName (directory names), FindExecutable
(XDG MIME associations), RegisterWindowMessage (a session-wide table) and
SetTimeZoneInformation (the system zone as a TZif file). win32api re-exports
them."""
import calendar as _calendar
import configparser as _configparser
import fcntl as _fcntl
import os as _os
import re as _re
import shlex as _shlex
import struct as _struct
import time as _time

from pywin32_posix._errors import error

ERROR_FILE_NOT_FOUND = 2
ERROR_NOT_ENOUGH_MEMORY = 8
ERROR_NOT_SUPPORTED = 50
ERROR_INVALID_PARAMETER = 87
ERROR_PRIVILEGE_NOT_HELD = 1314
ERROR_NONE_MAPPED = 1332
SE_ERR_NOASSOC = 31
CAP_SYS_TIME = 25


def _fail(code, function, text):
    raise error(code, function, text)


def _int(value, what):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("%s must be an int" % what)
    return value


# --- idle time -------------------------------------------------------------------------
def _session_terminals():
    """The terminals of this process (its std streams), else the user's login terminals (utmp)."""
    ttys = []
    for fd in (0, 1, 2):
        try:
            if _os.isatty(fd):
                ttys.append(_os.ttyname(fd))
        except OSError:
            pass
    if ttys:
        return ttys
    import pwd
    import subprocess  # here, not as win32api loads (see _win32api_power._run)
    user = pwd.getpwuid(_os.geteuid()).pw_name
    try:
        out = subprocess.run(["who"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return ["/dev/" + f[1] for f in (line.split() for line in out.splitlines()) if len(f) > 1 and f[0] == user]


def GetLastInputInfo():
    """The tick count (GetTickCount's clock) of the session's last input.

    On POSIX it is the last time the session's terminal was read from (its
    access time, as `who` shows idle time; the kernel keeps it to 8 s): this
    process's terminal, else the user's login terminals. Without any,
    ERROR_NOT_SUPPORTED (a service has no session to be idle)."""
    latest = None
    for tty in _session_terminals():
        try:
            atime = _os.stat(tty).st_atime
        except OSError:
            continue
        latest = atime if latest is None else max(latest, atime)
    if latest is None:
        _fail(ERROR_NOT_SUPPORTED, "GetLastInputInfo", "This process has no terminal session.")
    import win32api
    now_ticks = win32api.GetTickCount64()
    idle_ms = max(0, int((_time.time() - latest) * 1000))
    return max(0, now_ticks - idle_ms) & 0xFFFFFFFF


# --- CPU sets ------------------------------------------------------------------------------
class PySYSTEM_CPU_SET_INFORMATION:
    """One logical processor as SYSTEM_CPU_SET_INFORMATION describes it:
    Id (0x100 + its number), Group, LogicalProcessorIndex, CoreIndex and
    LastLevelCacheIndex (the lowest processor sharing the core / the
    last-level cache), NumaNodeIndex, EfficiencyClass (from cpu_capacity on
    hybrid systems, else 0), and the flags (all False here: nothing is parked
    or allocated)."""

    Size = 32
    Type = 0  # CpuSetInformation

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __repr__(self):
        return "<PySYSTEM_CPU_SET_INFORMATION Id=0x%X LogicalProcessorIndex=%d>" % (self.Id, self.LogicalProcessorIndex)


def _cpu_list(text):
    cpus = []
    for part in (text or "").strip().split(","):
        if "-" in part:
            a, b = part.split("-")
            cpus.extend(range(int(a), int(b) + 1))
        elif part:
            cpus.append(int(part))
    return cpus


def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def GetSystemCpuSetInformation():
    """A PySYSTEM_CPU_SET_INFORMATION for each online processor, from
    /sys/devices/system/cpu (topology, caches, NUMA nodes, capacities)."""
    base = "/sys/devices/system/cpu"
    online = _cpu_list(_read(base + "/online")) or list(range(_os.cpu_count() or 1))
    capacities = {n: int(_read("%s/cpu%d/cpu_capacity" % (base, n)) or 0) for n in online}
    classes = {c: i for i, c in enumerate(sorted(set(capacities.values())))}
    out = []
    for n in online:
        cpu = "%s/cpu%d" % (base, n)
        siblings = _cpu_list(_read(cpu + "/topology/core_cpus_list") or _read(cpu + "/topology/thread_siblings_list"))
        last_level = None
        for index in sorted(_os.listdir(cpu + "/cache")) if _os.path.isdir(cpu + "/cache") else []:
            if not index.startswith("index"):
                continue
            level = int(_read("%s/cache/%s/level" % (cpu, index)) or 0)
            shared = _cpu_list(_read("%s/cache/%s/shared_cpu_list" % (cpu, index)))
            if shared and (last_level is None or level >= last_level[0]):
                last_level = (level, min(shared))
        nodes = [int(e[4:]) for e in _os.listdir(cpu) if _re.fullmatch(r"node\d+", e)] if _os.path.isdir(cpu) else []
        out.append(PySYSTEM_CPU_SET_INFORMATION(
            Id=0x100 + n, Group=0, LogicalProcessorIndex=n,
            CoreIndex=min(siblings) if siblings else n,
            LastLevelCacheIndex=last_level[1] if last_level else n,
            NumaNodeIndex=nodes[0] if nodes else 0,
            EfficiencyClass=classes[capacities[n]],
            AllFlags=0, Parked=False, Allocated=False, AllocatedToTargetProcess=False, RealTime=False,
            SchedulingClass=0, AllocationTag=0))
    return out


# --- the computer in a directory ------------------------------------------------------------
def _samba_global():
    parser = _configparser.ConfigParser(strict=False, interpolation=None, comment_prefixes=("#", ";"))
    try:
        parser.read("/etc/samba/smb.conf")
    except _configparser.Error:
        return {}
    return {k.lower(): v for k, v in parser.items("global")} if parser.has_section("global") else {}


def GetComputerObjectName(NameFormat, /):
    """This computer's name in the directory of its domain, in an
    EXTENDED_NAME_FORMAT.

    A machine in no domain has no directory object: ERROR_NONE_MAPPED, as on
    Windows. Joined to Active Directory through Samba (smb.conf: security =
    ads), NameSamCompatible is WORKGROUP\\HOST$; the other formats need the
    directory itself (LDAP), which is not asked: ERROR_NOT_SUPPORTED.
    NameUnknown and unknown formats are ERROR_INVALID_PARAMETER."""
    fmt = _int(NameFormat, "NameFormat")
    if fmt not in (1, 2, 3, 6, 7, 8, 9, 10, 12, 13, 14):
        _fail(ERROR_INVALID_PARAMETER, "GetComputerObjectName", "The parameter is incorrect.")
    samba = _samba_global()
    if samba.get("security", "").strip().lower() != "ads":
        _fail(ERROR_NONE_MAPPED, "GetComputerObjectName", "No mapping between account names and security IDs was done.")
    if fmt == 2:
        import win32api
        return "%s\\%s$" % (samba.get("workgroup", "WORKGROUP").strip().upper(), win32api.GetComputerName())
    _fail(ERROR_NOT_SUPPORTED, "GetComputerObjectName", "The directory is not queried here.")


# --- associations ----------------------------------------------------------------------------
def _xdg_dirs(home_var, home_default, dirs_var, dirs_default):
    home = _os.environ.get(home_var) or _os.path.expanduser(home_default)
    return [home] + [d for d in (_os.environ.get(dirs_var) or dirs_default).split(":") if d]


def _desktop_files_for(mime):
    """Desktop ids associated with `mime`, in XDG's order (mimeapps.list, then mimeinfo.cache)."""
    config = _xdg_dirs("XDG_CONFIG_HOME", "~/.config", "XDG_CONFIG_DIRS", "/etc/xdg")
    data = _xdg_dirs("XDG_DATA_HOME", "~/.local/share", "XDG_DATA_DIRS", "/usr/local/share:/usr/share")
    lists = [_os.path.join(d, "mimeapps.list") for d in config]
    lists += [_os.path.join(d, "applications", name) for d in data for name in ("mimeapps.list", "defaults.list")]
    ids = []
    for section in ("Default Applications", "Added Associations"):
        for path in lists:
            parser = _configparser.ConfigParser(strict=False, interpolation=None)
            parser.optionxform = str
            try:
                parser.read(path)
            except _configparser.Error:
                continue
            if parser.has_option(section, mime):
                ids += [i for i in parser.get(section, mime).split(";") if i]
    for d in data:
        parser = _configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        try:
            parser.read(_os.path.join(d, "applications", "mimeinfo.cache"))
        except _configparser.Error:
            continue
        if parser.has_option("MIME Cache", mime):
            ids += [i for i in parser.get("MIME Cache", mime).split(";") if i]
    return ids, [_os.path.join(d, "applications") for d in data]


def _program_of_desktop(desktop_id, app_dirs):
    import shutil
    for directory in app_dirs:
        path = _os.path.join(directory, desktop_id)
        if not _os.path.isfile(path):
            continue
        parser = _configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        try:
            parser.read(path)
            exec_line = parser.get("Desktop Entry", "Exec")
        except _configparser.Error:
            continue
        try:
            program = _shlex.split(exec_line)[0]
        except (ValueError, IndexError):
            continue
        found = program if "/" in program and _os.access(program, _os.X_OK) else shutil.which(program)
        if found:
            return found
    return None


def FindExecutable(filename, _dir, /):
    """(42, program) for the program that opens `filename` (relative to
    `_dir`): the file itself when it is executable, else the application XDG
    associates with its MIME type (mimeapps.list, mimeinfo.cache; the type
    from its name). A missing file is ERROR_FILE_NOT_FOUND; a file with no
    association raises error 31 (SE_ERR_NOASSOC), as Windows returns."""
    function = "FindExecutable"
    if not isinstance(filename, str) or (_dir is not None and not isinstance(_dir, str)):
        raise TypeError("filename and dir must be strings")
    import win32api
    path = win32api._native._posix_path(filename, function)
    if _dir and not _os.path.isabs(path):
        path = _os.path.join(win32api._native._posix_path(_dir, function), path)
    if not _os.path.exists(path):
        _fail(ERROR_FILE_NOT_FOUND, function, "The system cannot find the file specified.")
    if _os.path.isfile(path) and _os.access(path, _os.X_OK):
        return 42, _os.path.abspath(path)
    import mimetypes  # here: it imports winreg, which may be our shim of win32api
    mime, _ = mimetypes.guess_type(path, strict=False)
    if _os.path.isdir(path):
        mime = "inode/directory"
    if mime:
        ids, app_dirs = _desktop_files_for(mime)
        for desktop_id in ids:
            program = _program_of_desktop(desktop_id, app_dirs)
            if program:
                return 42, program
    _fail(SE_ERR_NOASSOC, function, "There is no application associated with the given file name extension.")


# --- registered messages -----------------------------------------------------------------------
def RegisterWindowMessage(msgString, /):
    """A message number (0xC000-0xFFFF) for a name, the same in every
    process of the session for names that differ only in case, as Windows'
    atom table gives. On POSIX the table is a file of the session's state
    directory; an empty name is ERROR_INVALID_PARAMETER, a full table
    ERROR_NOT_ENOUGH_MEMORY. The numbers serve PostThreadMessage and
    win32gui's message functions."""
    function = "RegisterWindowMessage"
    if not isinstance(msgString, str):
        raise TypeError("msgString must be a string")
    if not msgString or "\n" in msgString or "\0" in msgString:
        _fail(ERROR_INVALID_PARAMETER, function, "The parameter is incorrect.")
    import win32api
    path = _os.path.join(win32api._native._state_dir(), "window-messages")
    fd = _os.open(path, _os.O_RDWR | _os.O_CREAT, 0o600)
    with _os.fdopen(fd, "r+", encoding="utf-8") as f:
        _fcntl.flock(f, _fcntl.LOCK_EX)
        names = [line.rstrip("\n") for line in f]
        key = msgString.casefold()
        for i, name in enumerate(names):
            if name.casefold() == key:
                return 0xC000 + i
        if 0xC000 + len(names) > 0xFFFF:
            _fail(ERROR_NOT_ENOUGH_MEMORY, function, "Not enough memory resources are available to process this command.")
        f.write(msgString + "\n")
        return 0xC000 + len(names)


# --- the time zone -------------------------------------------------------------------------------
LOCALTIME_VARIABLE = "PYWIN32_POSIX_LOCALTIME"


def _has_capability(bit):
    from pywin32_posix._win32api_power import has_capability
    return has_capability(bit)


def _posix_name(name, fallback):
    words = _re.findall(r"[A-Za-z0-9]+", name or "")
    short = "".join(w[0] for w in words).upper() if len(words) > 1 else "".join(words)
    short = short or fallback
    return "<%s>" % short[:10] if not short.isalpha() or len(short) < 3 else short


def _posix_offset(minutes):
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    return "%s%d:%02d" % (sign, minutes // 60, minutes % 60)


def _systemtime_tuple(value, function):
    if hasattr(value, "year") and hasattr(value, "month"):
        return (value.year, value.month, (value.weekday() + 1) % 7, value.day, value.hour, value.minute, 0, 0)
    try:
        fields = tuple(int(v) for v in value)
    except (TypeError, ValueError):
        raise TypeError("%s: a date must be a SYSTEMTIME tuple of 8 ints" % function) from None
    if len(fields) != 8:
        raise TypeError("%s: a date must be a SYSTEMTIME tuple of 8 ints" % function)
    return fields


def _posix_rule(date, function):
    year, month, weekday, day, hour, minute = date[:6]
    if not 1 <= month <= 12 or not 0 <= hour <= 23 or not 0 <= minute <= 59:
        _fail(ERROR_INVALID_PARAMETER, function, "The parameter is incorrect.")
    when = "/%d:%02d" % (hour, minute)
    if year == 0:
        if not 1 <= day <= 5 or not 0 <= weekday <= 6:
            _fail(ERROR_INVALID_PARAMETER, function, "The parameter is incorrect.")
        return "M%d.%d.%d%s" % (month, day, weekday, when)
    # A date of one year: its day of the year, as a rule for every year.
    try:
        day_of_year = sum(_calendar.monthrange(2001, m)[1] for m in range(1, month)) + day
    except (ValueError, _calendar.IllegalMonthError):
        _fail(ERROR_INVALID_PARAMETER, function, "The parameter is incorrect.")
    return "J%d%s" % (day_of_year, when)


def posix_tz_string(tzi, function="SetTimeZoneInformation"):
    """The POSIX TZ rule for a TIME_ZONE_INFORMATION tuple."""
    try:
        bias, std_name, std_date, std_bias, dst_name, dst_date, dst_bias = tzi
    except (TypeError, ValueError):
        raise TypeError("%s: tzi must be (Bias, StandardName, StandardDate, StandardBias, "
                        "DaylightName, DaylightDate, DaylightBias)" % function) from None
    bias, std_bias, dst_bias = (_int(v, "a bias") for v in (bias, std_bias, dst_bias))
    if abs(bias + std_bias) > 24 * 60 or abs(bias + dst_bias) > 24 * 60:
        _fail(ERROR_INVALID_PARAMETER, function, "The parameter is incorrect.")
    std_date, dst_date = _systemtime_tuple(std_date, function), _systemtime_tuple(dst_date, function)
    # POSIX offsets count west of UTC, as Windows' biases do.
    rule = _posix_name(std_name, "STD") + _posix_offset(bias + std_bias)
    if std_date[1] == 0 and dst_date[1] == 0:
        return rule
    if std_date[1] == 0 or dst_date[1] == 0:
        _fail(ERROR_INVALID_PARAMETER, function, "The parameter is incorrect.")
    rule += _posix_name(dst_name, "DST") + _posix_offset(bias + dst_bias)
    return rule + "," + _posix_rule(dst_date, function) + "," + _posix_rule(std_date, function)


def tzif_bytes(tz_string, utc_offset_seconds, abbreviation):
    """A TZif version 2 file whose one transition (at 1901) leads to the TZ
    rule in its footer, which the C library then follows for every later
    time (with no transition it would use the first type only)."""
    abbrev = abbreviation.strip("<>").encode("ascii", "replace")[:10] + b"\0"

    def block(time_format, first):
        header = b"TZif2" + b"\0" * 15 + _struct.pack(">6I", 0, 0, 0, 1, 1, len(abbrev))
        return header + _struct.pack(time_format, first) + b"\0" + _struct.pack(">iBB", utc_offset_seconds, 0, 0) + abbrev

    return block(">i", -0x80000000) + block(">q", -0x80000000) + b"\n" + tz_string.encode("ascii") + b"\n"


def SetTimeZoneInformation(tzi, /):
    """Sets the system's time zone from a TIME_ZONE_INFORMATION tuple
    (Bias, StandardName, StandardDate, StandardBias, DaylightName,
    DaylightDate, DaylightBias), as GetTimeZoneInformation returns it.

    On POSIX the zone becomes a POSIX TZ rule (offsets from the biases,
    transitions from the dates: year 0 = "week of month", another year = that
    day of the year; names shortened to their initials) written as a TZif
    file to /etc/localtime (PYWIN32_POSIX_LOCALTIME names another path)
    atomically; this process's C library then follows it (programs with TZ
    set keep theirs). It needs CAP_SYS_TIME: ERROR_PRIVILEGE_NOT_HELD
    without it. Bad dates or biases are ERROR_INVALID_PARAMETER."""
    function = "SetTimeZoneInformation"
    rule = posix_tz_string(tzi, function)
    if not _has_capability(CAP_SYS_TIME):
        _fail(ERROR_PRIVILEGE_NOT_HELD, function, "A required privilege is not held by the client.")
    bias, std_name, _, std_bias = tzi[:4]
    data = tzif_bytes(rule, -(bias + std_bias) * 60, _posix_name(std_name, "STD"))
    target = _os.environ.get(LOCALTIME_VARIABLE) or "/etc/localtime"
    temp = "%s.w32-%d" % (target, _os.getpid())
    try:
        with open(temp, "wb") as f:
            f.write(data)
        _os.chmod(temp, 0o644)
        _os.replace(temp, target)
    except PermissionError:
        _fail(ERROR_PRIVILEGE_NOT_HELD, function, "A required privilege is not held by the client.")
    except OSError as e:
        _fail(ERROR_INVALID_PARAMETER, function, e.strerror or "The parameter is incorrect.")
    finally:
        if _os.path.exists(temp):
            _os.unlink(temp)
    _time.tzset()
