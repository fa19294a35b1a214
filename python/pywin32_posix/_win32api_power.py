"""win32api's shutdown, power and file-cache functions: InitiateSystemShutdown,
AbortSystemShutdown, ExitWindows(Ex), SetSystemPowerState, GetPwrCapabilities,
Get/SetSystemFileCacheSize. win32api re-exports them.

Shutting down, rebooting and suspending go through the system's tools
(shutdown, systemctl, loginctl) and need CAP_SYS_BOOT, Linux's counterpart of
SeShutdownPrivilege. PYWIN32_POSIX_SHUTDOWN_COMMAND names a program run
instead of them, as `<program> <tool> <arguments...>` (tests use it: nothing
here may really stop the machine under test).
"""
import math as _math
import os as _os

from pywin32_posix._errors import error
from pywin32_posix._win32api_machine import _read

ERROR_ACCESS_DENIED = 5
ERROR_NOT_SUPPORTED = 50
ERROR_INVALID_PARAMETER = 87
ERROR_SHUTDOWN_IN_PROGRESS = 1115
ERROR_NO_SHUTDOWN_IN_PROGRESS = 1116
ERROR_PRIVILEGE_NOT_HELD = 1314
MAX_SHUTDOWN_TIMEOUT = 10 * 365 * 24 * 60 * 60

EWX_LOGOFF, EWX_SHUTDOWN, EWX_REBOOT, EWX_FORCE, EWX_POWEROFF, EWX_FORCEIFHUNG = 0, 1, 2, 4, 8, 0x10
_EWX_MODIFIERS = EWX_FORCE | EWX_FORCEIFHUNG | 0x40 | 0x400000  # RESTARTAPPS, HYBRID_SHUTDOWN

CAP_SYS_BOOT = 22
CAP_SYS_ADMIN = 21
OVERRIDE_VARIABLE = "PYWIN32_POSIX_SHUTDOWN_COMMAND"


def _fail(code, function, text):
    raise error(code, function, text)


def has_capability(bit):
    """Whether this process's effective capabilities include `bit`."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("CapEff:"):
                return bool(int(line.split()[1], 16) >> bit & 1)
    return False


def _require(bit, function):
    if not has_capability(bit):
        _fail(ERROR_PRIVILEGE_NOT_HELD, function, "A required privilege is not held by the client.")


def _run(function, tool, *args):
    # Imported here, not as win32api loads: with the winreg/msvcrt shims on
    # (pywin32_posix._stdlib), subprocess imported then would take this for Windows.
    import shutil
    import subprocess
    override = _os.environ.get(OVERRIDE_VARIABLE)
    if override:
        argv = [override, tool, *args]
    else:
        path = shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin:/usr/bin:/bin")
        if path is None:
            _fail(ERROR_NOT_SUPPORTED, function, "%s is not installed." % tool)
        argv = [path, *args]
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        _fail(ERROR_NOT_SUPPORTED, function, str(e))
    if done.returncode != 0:
        # e.g. a system not run by systemd: the request cannot be carried out here.
        _fail(ERROR_NOT_SUPPORTED, function, (done.stderr or done.stdout).strip() or "%s failed" % tool)


def _is_local(name):
    if name is None:
        return True
    if not isinstance(name, str):
        raise TypeError("computerName must be a string or None")
    name = name.lstrip("\\").split(".")[0].lower()
    if name in ("", ".", "localhost"):
        return True
    import socket
    import win32api
    return name in (socket.gethostname().split(".")[0].lower(), win32api.GetComputerName().lower())


def _local_only(computer_name, function):
    if not _is_local(computer_name):
        _fail(ERROR_NOT_SUPPORTED, function, "Shutting down another machine is not supported.")


def _record_path():
    import win32api
    return _os.path.join(win32api._native._state_dir(), "shutdown-scheduled")


def _shutdown_scheduled():
    return _os.path.exists(_record_path()) or _os.path.exists("/run/systemd/shutdown/scheduled")


def InitiateSystemShutdown(computerName, message, timeOut, bForceClose, bRebootAfterShutdown, /):
    """Schedules a shutdown (or reboot) of this machine in timeOut seconds,
    showing `message` to logged-on users.

    On POSIX it runs `shutdown -P|-r +MINUTES MESSAGE` (the delay rounded up
    to whole minutes; 0 is now); processes are always ended at shutdown, so
    bForceClose changes nothing. It needs CAP_SYS_BOOT
    (ERROR_PRIVILEGE_NOT_HELD without it); another computer is
    ERROR_NOT_SUPPORTED; a delay above 10 years ERROR_INVALID_PARAMETER; one
    already scheduled ERROR_SHUTDOWN_IN_PROGRESS."""
    function = "InitiateSystemShutdown"
    if message is not None and not isinstance(message, str):
        raise TypeError("message must be a string or None")
    if not isinstance(timeOut, int) or isinstance(timeOut, bool):
        raise TypeError("timeOut must be an int")
    if not 0 <= timeOut <= MAX_SHUTDOWN_TIMEOUT:
        _fail(ERROR_INVALID_PARAMETER, function, "The parameter is incorrect.")
    _local_only(computerName, function)
    _require(CAP_SYS_BOOT, function)
    if _shutdown_scheduled():
        _fail(ERROR_SHUTDOWN_IN_PROGRESS, function, "A system shutdown is in progress.")
    args = ["-r" if bRebootAfterShutdown else "-P", "+%d" % _math.ceil(timeOut / 60)]
    if message:
        args.append(message)
    _run(function, "shutdown", *args)
    with open(_record_path(), "w") as f:
        f.write(" ".join(args[:2]))


def AbortSystemShutdown(computerName, /):
    """Cancels a shutdown scheduled by InitiateSystemShutdown (`shutdown -c`
    on POSIX). Needs CAP_SYS_BOOT; ERROR_NO_SHUTDOWN_IN_PROGRESS when none is
    scheduled (by this session or systemd); another computer is
    ERROR_NOT_SUPPORTED."""
    function = "AbortSystemShutdown"
    _local_only(computerName, function)
    _require(CAP_SYS_BOOT, function)
    if not _shutdown_scheduled():
        _fail(ERROR_NO_SHUTDOWN_IN_PROGRESS, function, "Unable to abort the system shutdown because no shutdown was in progress.")
    _run(function, "shutdown", "-c")
    try:
        _os.unlink(_record_path())
    except FileNotFoundError:
        pass


def ExitWindowsEx(flags, reserved=0, /):
    """Logs off (EWX_LOGOFF), shuts down (EWX_SHUTDOWN, EWX_POWEROFF) or
    reboots (EWX_REBOOT) now; EWX_FORCE and EWX_FORCEIFHUNG may be added.

    On POSIX: logging off ends this process's login session (`loginctl
    terminate-session`; ERROR_NOT_SUPPORTED outside one); the others run
    `shutdown -h|-P|-r now` and need CAP_SYS_BOOT (ERROR_PRIVILEGE_NOT_HELD).
    Two actions at once are ERROR_INVALID_PARAMETER."""
    function = "ExitWindowsEx"
    if not isinstance(flags, int) or isinstance(flags, bool):
        raise TypeError("flags must be an int")
    action = flags & ~_EWX_MODIFIERS
    if action not in (EWX_LOGOFF, EWX_SHUTDOWN, EWX_REBOOT, EWX_POWEROFF, EWX_POWEROFF | EWX_SHUTDOWN):
        _fail(ERROR_INVALID_PARAMETER, function, "The parameter is incorrect.")
    if action == EWX_LOGOFF:
        session = _os.environ.get("XDG_SESSION_ID")
        if not session:
            try:
                with open("/proc/self/sessionid") as f:
                    session = f.read().strip()
            except OSError:
                session = None
            if session in (None, "", "4294967295"):
                _fail(ERROR_NOT_SUPPORTED, function, "This process is in no login session.")
        _run(function, "loginctl", "terminate-session", session)
        return
    _require(CAP_SYS_BOOT, function)
    option = {EWX_SHUTDOWN: "-h", EWX_REBOOT: "-r"}.get(action, "-P")
    _run(function, "shutdown", option, "now")


def ExitWindows(reserved1=0, reserved2=0, /):
    """Logs off: ExitWindowsEx(EWX_LOGOFF) (see there)."""
    ExitWindowsEx(EWX_LOGOFF)


def _power_states():
    try:
        with open("/sys/power/state") as f:
            return f.read().split()
    except OSError:
        return []


def SetSystemPowerState(Suspend, Force, /):
    """Suspends (Suspend true: to RAM) or hibernates (false: to disk) the
    machine.

    On POSIX it runs `systemctl suspend` or `systemctl hibernate`; Force
    changes nothing (applications are not asked on Linux). It needs
    CAP_SYS_BOOT (ERROR_PRIVILEGE_NOT_HELD); a state the kernel does not
    offer (/sys/power/state) is ERROR_NOT_SUPPORTED."""
    function = "SetSystemPowerState"
    _require(CAP_SYS_BOOT, function)
    state = "mem" if Suspend else "disk"
    if state not in _power_states():
        _fail(ERROR_NOT_SUPPORTED, function, "The kernel offers no %s sleep state." % state)
    _run(function, "systemctl", "suspend" if Suspend else "hibernate")


# --- what the machine can do -----------------------------------------------------------
def _listdir(path):
    try:
        return sorted(_os.listdir(path))
    except OSError:
        return []


def _input_devices():
    text = _read("/proc/bus/input/devices") or ""
    return [line.split("=", 1)[1].strip('"') for line in text.splitlines() if line.startswith("N: Name=")]


def GetPwrCapabilities():
    """SYSTEM_POWER_CAPABILITIES as a dict, from what Linux shows: buttons
    and lid from the input devices (/proc/bus/input/devices), sleep states
    from /sys/power/state (S1 standby, S3 mem, S4 disk; S5, soft off, always),
    a resume device for HiberFilePresent, backlights, UPSes and batteries
    from /sys/class, thermal zones, CPU frequency scaling (the throttle
    range as percentages of the highest frequency), rotational disks for
    DiskSpinDown, and the RTC's wakeup setting. Wake states Linux does not
    tell are 0 (PowerSystemUnspecified)."""
    names = _input_devices()
    states = _power_states()
    supplies = {dev: _read("/sys/class/power_supply/%s/type" % dev) for dev in _listdir("/sys/class/power_supply")}
    resume = _read("/sys/power/resume")
    cpufreq = "/sys/devices/system/cpu/cpu0/cpufreq"
    min_freq, max_freq = _read(cpufreq + "/cpuinfo_min_freq"), _read(cpufreq + "/cpuinfo_max_freq")
    throttle = bool(min_freq and max_freq)
    rotational = any(_read("/sys/block/%s/queue/rotational" % d) == "1" for d in _listdir("/sys/block"))
    deepest = 5 if "disk" in states else 4 if "mem" in states else 2 if "standby" in states else 0
    rtc_wake = _read("/sys/class/rtc/rtc0/device/power/wakeup") == "enabled"
    return {
        "PowerButtonPresent": any("Power Button" in n for n in names),
        "SleepButtonPresent": any("Sleep Button" in n for n in names),
        "LidPresent": any("Lid Switch" in n for n in names) or bool(_listdir("/proc/acpi/button/lid")),
        "SystemS1": "standby" in states,
        "SystemS2": False,
        "SystemS3": "mem" in states,
        "SystemS4": "disk" in states,
        "SystemS5": True,
        "HiberFilePresent": "disk" in states and resume not in (None, "", "0:0"),
        "FullWake": False,
        "VideoDimPresent": bool(_listdir("/sys/class/backlight")),
        "ApmPresent": _os.path.exists("/proc/apm"),
        "UpsPresent": "UPS" in supplies.values(),
        "ThermalControl": any(d.startswith("thermal_zone") for d in _listdir("/sys/class/thermal")),
        "ProcessorThrottle": throttle,
        "ProcessorMinThrottle": int(int(min_freq) * 100 / int(max_freq)) if throttle else 100,
        "ProcessorMaxThrottle": 100,
        "FastSystemS4": False,
        "spare2": None,
        "DiskSpinDown": rotational,
        "spare3": None,
        "SystemBatteriesPresent": "Battery" in supplies.values(),
        "BatteriesAreShortTerm": "UPS" in supplies.values(),
        "BatteryScale": tuple({"Granularity": 0, "Capacity": 0} for _ in range(3)),
        "AcOnLineWake": 0,
        "SoftLidWake": 0,
        "RtcWake": deepest if rtc_wake else 0,
        "MinDeviceWakeState": 0,
        "DefaultLowLatencyWake": 0,
    }


# --- the file cache ---------------------------------------------------------------------
FILE_CACHE_MAX_HARD_ENABLE, FILE_CACHE_MAX_HARD_DISABLE = 0x1, 0x2
FILE_CACHE_MIN_HARD_ENABLE, FILE_CACHE_MIN_HARD_DISABLE = 0x4, 0x8
DROP_CACHES = "/proc/sys/vm/drop_caches"


def _mem_total():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    return 0


def GetSystemFileCacheSize():
    """(minimum, maximum, flags) of the file cache. Linux's page cache has no
    limits: it may shrink to nothing and grow into all physical memory, so
    this is (0, MemTotal, 0) (neither limit hard)."""
    return 0, _mem_total(), 0


def SetSystemFileCacheSize(MinimumFileCacheSize, MaximumFileCacheSize, Flags=0):
    """Sets the file cache's limits; (-1, -1) empties the cache instead.

    On POSIX emptying writes 1 to /proc/sys/vm/drop_caches (after sync),
    which needs root (ERROR_PRIVILEGE_NOT_HELD otherwise, as Windows asks
    SeIncreaseQuotaPrivilege). Linux has no page-cache limits: setting them
    is ERROR_PRIVILEGE_NOT_HELD for a user who could not, ERROR_NOT_SUPPORTED
    for root. A minimum above the maximum, negative sizes or contradictory
    flags are ERROR_INVALID_PARAMETER."""
    function = "SetSystemFileCacheSize"
    for value in (MinimumFileCacheSize, MaximumFileCacheSize, Flags):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError("SetSystemFileCacheSize takes ints")
    low, high, flags = MinimumFileCacheSize, MaximumFileCacheSize, Flags
    flush = low in (-1, 0xFFFFFFFFFFFFFFFF) and high in (-1, 0xFFFFFFFFFFFFFFFF)
    contradictory = (flags & 3) == 3 or (flags & 0xC) == 0xC or flags & ~0xF
    if contradictory or (not flush and (low < 0 or high < 0 or low > high)):
        _fail(ERROR_INVALID_PARAMETER, function, "The parameter is incorrect.")
    _require(CAP_SYS_ADMIN, function)
    if not flush:
        _fail(ERROR_NOT_SUPPORTED, function, "Linux's page cache has no size limits.")
    _os.sync()
    try:
        with open(DROP_CACHES, "w") as f:
            f.write("1")
    except PermissionError:
        _fail(ERROR_PRIVILEGE_NOT_HELD, function, "A required privilege is not held by the client.")
    except OSError as e:
        _fail(ERROR_ACCESS_DENIED, function, e.strerror or "Access is denied.")
