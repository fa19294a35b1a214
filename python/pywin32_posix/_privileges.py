"""Windows privileges and the Linux capabilities that stand for them.

A privilege is "held" when its capability is in the thread's permitted set
and "enabled" when it is in the effective set, which is what the kernel
checks. Enabling raises the effective capability with capset(2), disabling
lowers it; like every capability change on Linux this affects the calling
thread only (a process's other threads keep theirs).
"""
import ctypes as _ctypes
import os as _os

# name: (LUID, display name, Linux capability number or None). The LUIDs are
# Windows' fixed values (SE_*_PRIVILEGE), the display names Windows' own.
PRIVILEGES = {
    "SeCreateTokenPrivilege": (2, "Create a token object", None),
    "SeAssignPrimaryTokenPrivilege": (3, "Replace a process level token", None),
    "SeLockMemoryPrivilege": (4, "Lock pages in memory", 14),  # CAP_IPC_LOCK
    "SeIncreaseQuotaPrivilege": (5, "Adjust memory quotas for a process", 24),  # CAP_SYS_RESOURCE
    "SeMachineAccountPrivilege": (6, "Add workstations to domain", None),
    "SeTcbPrivilege": (7, "Act as part of the operating system", 21),  # CAP_SYS_ADMIN
    "SeSecurityPrivilege": (8, "Manage auditing and security log", 30),  # CAP_AUDIT_CONTROL
    "SeTakeOwnershipPrivilege": (9, "Take ownership of files or other objects", 0),  # CAP_CHOWN
    "SeLoadDriverPrivilege": (10, "Load and unload device drivers", 16),  # CAP_SYS_MODULE
    "SeSystemProfilePrivilege": (11, "Profile system performance", 38),  # CAP_PERFMON
    "SeSystemtimePrivilege": (12, "Change the system time", 25),  # CAP_SYS_TIME
    "SeProfileSingleProcessPrivilege": (13, "Profile single process", None),
    "SeIncreaseBasePriorityPrivilege": (14, "Increase scheduling priority", 23),  # CAP_SYS_NICE
    "SeCreatePagefilePrivilege": (15, "Create a pagefile", None),
    "SeCreatePermanentPrivilege": (16, "Create permanent shared objects", None),
    "SeBackupPrivilege": (17, "Back up files and directories", 2),  # CAP_DAC_READ_SEARCH
    "SeRestorePrivilege": (18, "Restore files and directories", 1),  # CAP_DAC_OVERRIDE
    "SeShutdownPrivilege": (19, "Shut down the system", 22),  # CAP_SYS_BOOT
    "SeDebugPrivilege": (20, "Debug programs", 19),  # CAP_SYS_PTRACE
    "SeAuditPrivilege": (21, "Generate security audits", 29),  # CAP_AUDIT_WRITE
    "SeSystemEnvironmentPrivilege": (22, "Modify firmware environment values", None),
    "SeChangeNotifyPrivilege": (23, "Bypass traverse checking", None),
    "SeRemoteShutdownPrivilege": (24, "Force shutdown from a remote system", None),
    "SeUndockPrivilege": (25, "Remove computer from docking station", None),
    "SeSyncAgentPrivilege": (26, "Synchronize directory service data", None),
    "SeEnableDelegationPrivilege": (27, "Enable computer and user accounts to be trusted for delegation", None),
    "SeManageVolumePrivilege": (28, "Perform volume maintenance tasks", None),
    "SeImpersonatePrivilege": (29, "Impersonate a client after authentication", 7),  # CAP_SETUID
    "SeCreateGlobalPrivilege": (30, "Create global objects", None),
    "SeTrustedCredManAccessPrivilege": (31, "Access Credential Manager as a trusted caller", None),
    "SeRelabelPrivilege": (32, "Modify an object label", 33),  # CAP_MAC_ADMIN
    "SeIncreaseWorkingSetPrivilege": (33, "Increase a process working set", None),
    "SeTimeZonePrivilege": (34, "Change the time zone", None),
    "SeCreateSymbolicLinkPrivilege": (35, "Create symbolic links", None),
    "SeDelegateSessionUserImpersonatePrivilege": (
        36, "Obtain an impersonation token for another user in the same session", None),
}
NAME_OF_LUID = {luid: name for name, (luid, _, _) in PRIVILEGES.items()}
CAPABILITY_OF_LUID = {luid: cap for luid, _, cap in PRIVILEGES.values() if cap is not None}
SE_PRIVILEGE_ENABLED_BY_DEFAULT, SE_PRIVILEGE_ENABLED, SE_PRIVILEGE_REMOVED = 0x1, 0x2, 0x4

_CAP_VERSION_3 = 0x20080522


class _CapHeader(_ctypes.Structure):
    _fields_ = [("version", _ctypes.c_uint32), ("pid", _ctypes.c_int)]


class _CapData(_ctypes.Structure):
    _fields_ = [("effective", _ctypes.c_uint32), ("permitted", _ctypes.c_uint32),
                ("inheritable", _ctypes.c_uint32)]


_libc = _ctypes.CDLL(None, use_errno=True)
_libc.capget.argtypes = _libc.capset.argtypes = [_ctypes.POINTER(_CapHeader), _ctypes.POINTER(_CapData)]


def _sets(pid=0):
    header, data = _CapHeader(_CAP_VERSION_3, pid), (_CapData * 2)()
    if _libc.capget(_ctypes.byref(header), data) != 0:
        errno = _ctypes.get_errno()
        raise OSError(errno, _os.strerror(errno))
    return header, data


def _join(data, field):
    return getattr(data[0], field) | getattr(data[1], field) << 32


def capability_sets(pid=0):
    """(effective, permitted) capability bit masks of the calling thread, or
    of process ``pid`` (read from /proc/<pid>/status, CapEff/CapPrm)."""
    if pid == 0:
        _, data = _sets()
        return _join(data, "effective"), _join(data, "permitted")
    values = {}
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("CapEff", "CapPrm"):
                values[key] = int(value.strip(), 16)
    return values["CapEff"], values["CapPrm"]


def set_effective(capability, enabled, drop=False):
    """Raises (or lowers) one capability in the calling thread's effective
    set; raising needs it in the permitted set (else OSError EPERM). With
    ``drop`` it leaves the permitted set too, for good."""
    header, data = _sets()
    word, bit = divmod(capability, 32)
    if enabled:
        data[word].effective |= 1 << bit
    else:
        data[word].effective &= ~(1 << bit)
    if drop:
        data[word].permitted &= ~(1 << bit)
        data[word].inheritable &= ~(1 << bit)
    if _libc.capset(_ctypes.byref(header), data) != 0:
        errno = _ctypes.get_errno()
        raise OSError(errno, _os.strerror(errno))


def token_privileges(effective, permitted):
    """The ((LUID, attributes), ...) a token with these capability sets
    holds: every mapped privilege whose capability is permitted."""
    result = []
    for name, (luid, _, cap) in PRIVILEGES.items():
        if cap is not None and permitted >> cap & 1:
            result.append((luid, SE_PRIVILEGE_ENABLED if effective >> cap & 1 else 0))
    return tuple(result)
