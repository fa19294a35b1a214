"""win32process: creating processes and asking about them.

CreateProcess starts any program (Windows command-line rules, PATH search,
"python.exe" finds "python"); with STARTF_USESTDHANDLES its stdin, stdout and
stderr are file or pipe handles of ours. Exit codes are known for the
processes this process created (POSIX tells only the parent). See
docs/win32process.md for what differs from Windows.
"""
from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix._time import filetime_to_time as _filetime_to_time
from pywin32_posix._w32 import win32process as _raw
from pywin32_posix._w32.win32process import *  # noqa: F401,F403

CREATE_BREAKAWAY_FROM_JOB = 0x01000000
CREATE_DEFAULT_ERROR_MODE = 0x04000000
CREATE_NEW_CONSOLE = 0x00000010
CREATE_NEW_PROCESS_GROUP = 0x00000200
CREATE_NO_WINDOW = 0x08000000
CREATE_PRESERVE_CODE_AUTHZ_LEVEL = 0x02000000
CREATE_SEPARATE_WOW_VDM = 0x00000800
CREATE_SHARED_WOW_VDM = 0x00001000
CREATE_SUSPENDED = 0x00000004
CREATE_UNICODE_ENVIRONMENT = 0x00000400
DEBUG_ONLY_THIS_PROCESS = 0x00000002
DEBUG_PROCESS = 0x00000001
DETACHED_PROCESS = 0x00000008
ABOVE_NORMAL_PRIORITY_CLASS = 0x00008000
BELOW_NORMAL_PRIORITY_CLASS = 0x00004000
HIGH_PRIORITY_CLASS = 0x00000080
IDLE_PRIORITY_CLASS = 0x00000040
NORMAL_PRIORITY_CLASS = 0x00000020
REALTIME_PRIORITY_CLASS = 0x00000100
STARTF_FORCEOFFFEEDBACK = 0x00000080
STARTF_FORCEONFEEDBACK = 0x00000040
STARTF_RUNFULLSCREEN = 0x00000020
STARTF_USECOUNTCHARS = 0x00000008
STARTF_USEFILLATTRIBUTE = 0x00000010
STARTF_USEPOSITION = 0x00000004
STARTF_USESHOWWINDOW = 0x00000001
STARTF_USESIZE = 0x00000002
STARTF_USESTDHANDLES = 0x00000100
STILL_ACTIVE = 259
THREAD_MODE_BACKGROUND_BEGIN = 0x00010000
THREAD_MODE_BACKGROUND_END = 0x00020000
THREAD_PRIORITY_ABOVE_NORMAL = 1
THREAD_PRIORITY_BELOW_NORMAL = -1
THREAD_PRIORITY_HIGHEST = 2
THREAD_PRIORITY_IDLE = -15
THREAD_PRIORITY_LOWEST = -2
THREAD_PRIORITY_NORMAL = 0
THREAD_PRIORITY_TIME_CRITICAL = 15
LIST_MODULES_32BIT = 0x01
LIST_MODULES_64BIT = 0x02
LIST_MODULES_ALL = 0x03
LIST_MODULES_DEFAULT = 0x00
MAXIMUM_PROCESSORS = 64


def GetProcessTimes(hProcess):
    """CreationTime and ExitTime (pywintypes.Time), KernelTime and UserTime
    (100 ns units)."""
    creation, exit_time, kernel, user = _raw._ProcessTimes(hProcess)
    return {"CreationTime": _filetime_to_time(creation), "ExitTime": _filetime_to_time(exit_time),
            "KernelTime": kernel, "UserTime": user}


STACK_SIZE_PARAM_IS_A_RESERVATION = 0x00010000
UNICODE = 1  # pywin32 is built for the wide-character API; so is this
SHUTDOWN_NORETRY = 0x00000001


def GetThreadTimes(Thread, /):
    """CreationTime and ExitTime (pywintypes.Time; ExitTime is 1601-01-01
    while the thread runs), KernelTime and UserTime (100 ns units).

    On POSIX they come from /proc/PID/task/TID/stat; a beginthreadex thread
    that has ended keeps its times (getrusage at its end)."""
    creation, exit_time, kernel, user = _raw._ThreadTimes(Thread)
    return {"CreationTime": _filetime_to_time(creation), "ExitTime": _filetime_to_time(exit_time),
            "KernelTime": kernel, "UserTime": user}


# --- what a process is and was started with --------------------------------------
import os as _os  # noqa: E402

_ERROR_INVALID_PARAMETER = 87
_ERROR_NOT_SUPPORTED = 50
_ERROR_PRIVILEGE_NOT_HELD = 1314


def _fail(code, function, text):
    raise error(code, function, text)


def _dword(value, what):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("%s must be an int" % what)
    if not -0x80000000 <= value <= 0xFFFFFFFF:
        raise ValueError("%s must be a DWORD" % what)
    return value & 0xFFFFFFFF


def GetProcessVersion(processId, /):
    """The Windows version a process expects, as (major << 16) | minor; 0 is
    the calling process.

    On POSIX no process carries a PE subsystem version: every running
    process is given the version GetVersionEx reports (10.0, 0x000A0000),
    the system our programs are written against. A pid that names no running
    process is ERROR_INVALID_PARAMETER."""
    pid = _dword(processId, "processId")
    if pid and not _os.path.exists("/proc/%d/stat" % pid):
        _fail(_ERROR_INVALID_PARAMETER, "GetProcessVersion", "The parameter is incorrect.")
    from pywin32_posix._w32.win32api import GetVersionEx
    major, minor = GetVersionEx()[:2]
    return (major << 16) | minor


# Windows' default for a process: level 0x280, no flags.
_shutdown_parameters = {}


def GetProcessShutdownParameters():
    """(level, flags) this process set with SetProcessShutdownParameters,
    else Windows' default (0x280, 0).

    On POSIX nothing orders processes at shutdown by this level (systemd
    stops units by their dependencies): the values are kept for the process
    that set them and read back, as Windows programs expect."""
    return _shutdown_parameters.get(_os.getpid(), (0x280, 0))


def SetProcessShutdownParameters(Level, Flags, /):
    """Records this process's shutdown level (0x000-0x4FF; Windows gives
    0x100-0x3FF to applications) and flags (SHUTDOWN_NORETRY).

    Other values are ERROR_INVALID_PARAMETER. On POSIX the level orders
    nothing (see GetProcessShutdownParameters); a forked child starts again
    from the default, as a new Windows process does."""
    level, flags = _dword(Level, "Level"), _dword(Flags, "Flags")
    if level > 0x4FF or flags & ~SHUTDOWN_NORETRY:
        _fail(_ERROR_INVALID_PARAMETER, "SetProcessShutdownParameters", "The parameter is incorrect.")
    _shutdown_parameters[_os.getpid()] = (level, flags)


_STARTUP_NUMBERS = ("dwFlags", "wShowWindow", "dwX", "dwY", "dwXSize", "dwYSize", "dwXCountChars",
                    "dwYCountChars", "dwFillAttribute")


def _startup_record():
    """The STARTUPINFO fields our CreateProcess passed this process, or None."""
    record = _os.environ.get("PYWIN32_POSIX_STARTUPINFO")
    if not record:
        return None
    try:
        creator, numbers, desktop, title = record.split(";")
        if int(creator) != _os.getppid():
            return None  # passed on by a parent that was given it, not made for us
        values = [int(n, 16) for n in numbers.split(",")]
        if len(values) != len(_STARTUP_NUMBERS):
            return None
        text = [None if t == "-" else bytes.fromhex(t).decode("utf-8", "replace") for t in (desktop, title)]
    except ValueError:
        return None
    return dict(zip(_STARTUP_NUMBERS, values)), text[0], text[1]


def GetStartupInfo():
    """The PySTARTUPINFO this process was started with.

    A process our CreateProcess started gets back the fields its creator
    set (flags, window fields, title, desktop) and, with
    STARTF_USESTDHANDLES, its std handles (GetStdHandle's). Any other
    process gets what Windows gives a console program started without a
    STARTUPINFO: flags 0 and the executable's path as lpTitle. On POSIX the
    window fields mean nothing to the program's terminal."""
    si = STARTUPINFO()
    record = _startup_record()
    if record is None:
        try:
            si.lpTitle = _os.readlink("/proc/self/exe")
        except OSError:
            si.lpTitle = None
        return si
    numbers, desktop, title = record
    for name, value in numbers.items():
        setattr(si, name, value)
    si.lpDesktop = desktop
    si.lpTitle = title
    if si.dwFlags & STARTF_USESTDHANDLES:
        from pywin32_posix._w32.win32api import GetStdHandle
        si.hStdInput, si.hStdOutput, si.hStdError = (GetStdHandle(n) for n in (-10, -11, -12))
    return si


# --- working set: the memory cgroup of the process ---------------------------------
_CGROUP_ROOT = "/sys/fs/cgroup"


def _meminfo_total():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    return 0


def _memory_cgroup(pid, function):
    """("v1" or "v2", directory) of the process's memory cgroup, or None."""
    try:
        with open("/proc/%d/cgroup" % pid) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        _fail(6, function, "The handle is invalid.")
    unified = None
    for line in lines:
        hierarchy, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            directory = _os.path.join(_CGROUP_ROOT, "memory", path.lstrip("/"))
            if _os.path.exists(_os.path.join(directory, "memory.soft_limit_in_bytes")):
                return "v1", directory
        if hierarchy == "0" and controllers == "":
            unified = path
    if unified is not None:
        for base in (_CGROUP_ROOT, _os.path.join(_CGROUP_ROOT, "unified")):
            directory = _os.path.join(base, unified.lstrip("/"))
            if _os.path.exists(_os.path.join(directory, "memory.high")):
                return "v2", directory
    return None


def _read_limit(path, unlimited):
    with open(path) as f:
        text = f.read().strip()
    if text == "max":
        return unlimited
    value = int(text)
    # cgroup v1 spells "no limit" as the largest page-aligned long.
    return unlimited if value >= 0x7FFFFFFFFFFFF000 else value


def GetProcessWorkingSetSize(hProcess, /):
    """(minimum, maximum) working set of the process, in bytes.

    On POSIX these are the soft limits of the process's memory cgroup:
    cgroup v2's memory.low (protected from reclaim) and memory.high (reclaimed
    above); cgroup v1 has no protection, so the minimum is 0, and its
    maximum is memory.soft_limit_in_bytes. No limit (or no memory cgroup)
    reads as the machine's physical memory. The limits are the cgroup's,
    shared by the processes in it."""
    pid = GetProcessId(hProcess)
    total = _meminfo_total()
    found = _memory_cgroup(pid, "GetProcessWorkingSetSize")
    if found is None:
        return 0, total
    version, directory = found
    if version == "v1":
        return 0, _read_limit(_os.path.join(directory, "memory.soft_limit_in_bytes"), total)
    return (_read_limit(_os.path.join(directory, "memory.low"), total),
            _read_limit(_os.path.join(directory, "memory.high"), total))


def SetProcessWorkingSetSize(hProcess, MinimumWorkingSetSize, MaximumWorkingSetSize, /):
    """Sets the process's working-set limits: its memory cgroup's
    memory.low and memory.high (v2), or memory.soft_limit_in_bytes (v1,
    where a minimum other than 0 is ERROR_NOT_SUPPORTED: v1 protects nothing).

    A minimum above the maximum or a negative size is ERROR_INVALID_PARAMETER;
    (-1, -1), Windows' "trim the working set now", is ERROR_NOT_SUPPORTED, as
    is a process in no memory cgroup. A cgroup this user may not write is
    ERROR_PRIVILEGE_NOT_HELD (Windows asks SeIncreaseQuotaPrivilege). On
    POSIX the limits hold for every process of that cgroup."""
    function = "SetProcessWorkingSetSize"
    for value in (MinimumWorkingSetSize, MaximumWorkingSetSize):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError("working set sizes must be ints")
    low, high = MinimumWorkingSetSize, MaximumWorkingSetSize
    if low in (-1, 0xFFFFFFFFFFFFFFFF) and high in (-1, 0xFFFFFFFFFFFFFFFF):
        _fail(_ERROR_NOT_SUPPORTED, function, "Trimming a working set is not supported on POSIX.")
    if low < 0 or high < 0 or low > high:
        _fail(_ERROR_INVALID_PARAMETER, function, "The parameter is incorrect.")
    pid = GetProcessId(hProcess)
    found = _memory_cgroup(pid, function)
    if found is None:
        _fail(_ERROR_NOT_SUPPORTED, function, "The process is in no memory cgroup.")
    version, directory = found
    if version == "v1":
        if low:
            _fail(_ERROR_NOT_SUPPORTED, function, "cgroup v1 has no minimum working set.")
        writes = [("memory.soft_limit_in_bytes", high)]
    else:
        writes = [("memory.high", high), ("memory.low", low)]
    for leaf, value in writes:
        try:
            with open(_os.path.join(directory, leaf), "w") as f:
                f.write(str(value))
        except PermissionError:
            _fail(_ERROR_PRIVILEGE_NOT_HELD, function, "A required privilege is not held by the client.")
        except OSError as e:
            _fail(_ERROR_INVALID_PARAMETER, function, e.strerror or "The parameter is incorrect.")
