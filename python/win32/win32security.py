"""win32security, first part: SIDs and accounts, access tokens of this
process, and file security as POSIX owners and modes.

Accounts are the POSIX users and groups: a user is S-1-22-1-<uid> and a
group S-1-22-2-<gid> (the "Unix User/Group" authorities Samba and Wine use),
in the domain named by the computer; the well-known SIDs (Everyone, ...)
keep their Windows values. A file's security descriptor has its owner and
group as SIDs and a DACL made from its mode bits (owner, group, Everyone);
SetFileSecurity maps a DACL back to mode bits (docs/win32security.md).
"""
import grp as _grp
import os as _os
import pwd as _pwd
import socket as _socket
import stat as _stat

import pywintypes as _pywintypes
import win32api as _win32api

from pywin32_posix import _security
from pywin32_posix._errors import error  # noqa: F401

SidTypeUser = 1
SidTypeGroup = 2
SidTypeDomain = 3
SidTypeAlias = 4
SidTypeWellKnownGroup = 5

OWNER_SECURITY_INFORMATION = 0x1
GROUP_SECURITY_INFORMATION = 0x2
DACL_SECURITY_INFORMATION = 0x4
SACL_SECURITY_INFORMATION = 0x8

TOKEN_QUERY = 0x0008
TOKEN_ADJUST_PRIVILEGES = 0x0020
TOKEN_ALL_ACCESS = 0xF01FF
TokenUser = 1
TokenGroups = 2
TokenOwner = 4
TokenPrimaryGroup = 5
TokenElevationType = 18
TokenElevation = 20
TokenElevationTypeDefault = 1
TokenElevationTypeFull = 2

ACL_REVISION = 2
FILE_GENERIC_READ = 0x120089
FILE_GENERIC_WRITE = 0x120116
FILE_GENERIC_EXECUTE = 0x1200A0
FILE_ALL_ACCESS = 0x1F01FF

_ERROR_INVALID_SID = 1337
_ERROR_NONE_MAPPED = 1332
_ERROR_NOT_SUPPORTED = 50
_ERROR_ACCESS_DENIED = 5
_ERROR_INVALID_PARAMETER = 87
_SE_GROUP_ENABLED = 0x4 | 0x2 | 0x1  # enabled, enabled by default, mandatory

_WELL_KNOWN = {  # name -> (SID, domain)
    "everyone": ("S-1-1-0", ""),
    "authenticated users": ("S-1-5-11", "NT AUTHORITY"),
    "system": ("S-1-5-18", "NT AUTHORITY"),
    "users": ("S-1-5-32-545", "BUILTIN"),
    "administrators": ("S-1-5-32-544", "BUILTIN"),
}


def _error(code, function):
    return _pywintypes.error(code, function, _win32api.FormatMessage(code).rstrip("\r\n"))


def _domain():
    return _socket.gethostname().split(".")[0].upper()


def _local(system, function):
    if system not in (None, "", ".") and system.lstrip("\\").split(".")[0].lower() != \
            _socket.gethostname().split(".")[0].lower():
        raise _error(_ERROR_NOT_SUPPORTED, function)


def ConvertSidToStringSid(Sid):
    if not isinstance(Sid, _security.PySID) or not Sid.IsValid():
        raise _error(_ERROR_INVALID_SID, "ConvertSidToStringSid")
    return _security.sid_to_string(Sid)


def ConvertStringSidToSid(StringSid):
    if not isinstance(StringSid, str):
        raise TypeError("StringSid must be a str")
    try:
        return _security.sid_from_string(StringSid)
    except (ValueError, _pywintypes.error):
        raise _error(_ERROR_INVALID_SID, "ConvertStringSidToSid") from None


def LookupAccountName(systemName, accountName):
    """(SID, domain, SID type) of a user, group or well-known account;
    "DOMAIN\\name" and "name@domain" spellings are taken."""
    _local(systemName, "LookupAccountName")
    if not isinstance(accountName, str):
        raise TypeError("accountName must be a str")
    name = accountName
    if "\\" in name:
        name = name.split("\\", 1)[1]
    elif "@" in name:
        name = name.split("@", 1)[0]
    known = _WELL_KNOWN.get(name.lower())
    if known:
        return ConvertStringSidToSid(known[0]), known[1], SidTypeWellKnownGroup
    try:
        return ConvertStringSidToSid("S-1-22-1-%d" % _pwd.getpwnam(name).pw_uid), _domain(), SidTypeUser
    except KeyError:
        pass
    try:
        return ConvertStringSidToSid("S-1-22-2-%d" % _grp.getgrnam(name).gr_gid), _domain(), SidTypeGroup
    except KeyError:
        raise _error(_ERROR_NONE_MAPPED, "LookupAccountName") from None


def LookupAccountSid(systemName, sid):
    """(name, domain, SID type) of a SID."""
    _local(systemName, "LookupAccountSid")
    text = ConvertSidToStringSid(sid)
    for name, (known, domain) in _WELL_KNOWN.items():
        if known == text:
            return name.title() if name != "system" else "SYSTEM", domain, SidTypeWellKnownGroup
    parts = text.split("-")
    if len(parts) == 5 and parts[1:3] == ["1", "22"] and parts[3] in ("1", "2") and parts[4].isdigit():
        number = int(parts[4])
        try:
            if parts[3] == "1":
                return _pwd.getpwuid(number).pw_name, _domain(), SidTypeUser
            return _grp.getgrgid(number).gr_name, _domain(), SidTypeGroup
        except KeyError:
            pass
    raise _error(_ERROR_NONE_MAPPED, "LookupAccountSid")


def _user_sid(uid):
    return ConvertStringSidToSid("S-1-22-1-%d" % uid)


def _group_sid(gid):
    return ConvertStringSidToSid("S-1-22-2-%d" % gid)


class _Token:
    """An access token of this process: its user and groups."""

    def __init__(self, access):
        self.access = access

    def Close(self):
        pass


def OpenProcessToken(processHandle, desiredAccess):
    """The token of a process (this one's: POSIX answers for the caller)."""
    import win32process
    if win32process.GetProcessId(processHandle) != _os.getpid():
        raise _error(_ERROR_ACCESS_DENIED, "OpenProcessToken")
    return _Token(desiredAccess)


def GetTokenInformation(TokenHandle, TokenInformationClass):
    if not isinstance(TokenHandle, _Token):
        raise _error(6, "GetTokenInformation")  # ERROR_INVALID_HANDLE
    if not TokenHandle.access & TOKEN_QUERY:
        raise _error(_ERROR_ACCESS_DENIED, "GetTokenInformation")
    if TokenInformationClass == TokenUser:
        return _user_sid(_os.geteuid()), 0
    if TokenInformationClass == TokenOwner:
        return _user_sid(_os.geteuid())
    if TokenInformationClass == TokenPrimaryGroup:
        return _group_sid(_os.getegid())
    if TokenInformationClass == TokenGroups:
        gids = [_os.getegid()] + [g for g in _os.getgroups() if g != _os.getegid()]
        groups = [(_group_sid(g), _SE_GROUP_ENABLED) for g in gids]
        groups.append((ConvertStringSidToSid("S-1-1-0"), _SE_GROUP_ENABLED))
        return tuple(groups)
    if TokenInformationClass == TokenElevation:
        return int(_os.geteuid() == 0)
    if TokenInformationClass == TokenElevationType:
        return TokenElevationTypeFull if _os.geteuid() == 0 else TokenElevationTypeDefault
    raise _error(_ERROR_INVALID_PARAMETER, "GetTokenInformation")


def _posix(name, function):
    if not isinstance(name, str):
        raise TypeError("FileName must be a str")
    from pywin32_posix._w32 import _paths
    return _paths.to_posix(name, function)


def _mask_of(bits):
    mask = 0
    if bits & 4:
        mask |= FILE_GENERIC_READ
    if bits & 2:
        mask |= FILE_GENERIC_WRITE
    if bits & 1:
        mask |= FILE_GENERIC_EXECUTE
    return mask


def GetFileSecurity(FileName, RequestedInformation=OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |
                    DACL_SECURITY_INFORMATION):
    """The file's owner and group as SIDs and a DACL from its mode bits."""
    path = _posix(FileName, "GetFileSecurity")
    try:
        st = _os.stat(path)
    except OSError as exc:
        raise _error(2 if exc.errno == 2 else _ERROR_ACCESS_DENIED, "GetFileSecurity") from None
    sd = _pywintypes.SECURITY_DESCRIPTOR()
    if RequestedInformation & OWNER_SECURITY_INFORMATION:
        sd.SetSecurityDescriptorOwner(_user_sid(st.st_uid), False)
    if RequestedInformation & GROUP_SECURITY_INFORMATION:
        sd.SetSecurityDescriptorGroup(_group_sid(st.st_gid), False)
    if RequestedInformation & DACL_SECURITY_INFORMATION:
        mode = _stat.S_IMODE(st.st_mode)
        acl = _pywintypes.ACL()
        for sid, bits in ((_user_sid(st.st_uid), mode >> 6), (_group_sid(st.st_gid), mode >> 3),
                          (ConvertStringSidToSid("S-1-1-0"), mode)):
            if bits & 7:
                acl.AddAccessAllowedAce(ACL_REVISION, _mask_of(bits & 7), sid)
        sd.SetSecurityDescriptorDacl(True, acl, False)
    return sd


def SetFileSecurity(FileName, SecurityInformation, SecurityDescriptor):
    """Sets the mode bits a DACL asks for (the caller's own ACEs -> owner,
    Everyone -> all; see posix_mode_from_security_attributes); an owner or
    group other than the file's needs root (chown)."""
    if not isinstance(SecurityDescriptor, _security.PySECURITY_DESCRIPTOR):
        raise TypeError("SecurityDescriptor must be a PySECURITY_DESCRIPTOR")
    path = _posix(FileName, "SetFileSecurity")
    try:
        st = _os.stat(path)
        if SecurityInformation & DACL_SECURITY_INFORMATION:
            mode = _security.posix_mode_from_security_attributes(SecurityDescriptor, _stat.S_IMODE(st.st_mode))
            _os.chmod(path, mode | (st.st_mode & 0o7000))
        uid = gid = -1
        if SecurityInformation & OWNER_SECURITY_INFORMATION and SecurityDescriptor.GetSecurityDescriptorOwner():
            uid = _posix_id(SecurityDescriptor.GetSecurityDescriptorOwner(), "1")
        if SecurityInformation & GROUP_SECURITY_INFORMATION and SecurityDescriptor.GetSecurityDescriptorGroup():
            gid = _posix_id(SecurityDescriptor.GetSecurityDescriptorGroup(), "2")
        if (uid, gid) != (-1, -1) and (uid not in (-1, st.st_uid) or gid not in (-1, st.st_gid)):
            _os.chown(path, uid, gid)
    except OSError as exc:
        raise _error(2 if exc.errno == 2 else _ERROR_ACCESS_DENIED, "SetFileSecurity") from None


def _posix_id(sid, kind):
    parts = ConvertSidToStringSid(sid).split("-")
    if len(parts) != 5 or parts[1:4] != ["1", "22", kind] or not parts[4].isdigit():
        raise _error(_ERROR_INVALID_SID, "SetFileSecurity")  # not a POSIX user (group) of ours
    return int(parts[4])
