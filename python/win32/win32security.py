"""win32security: accounts and SIDs, access tokens, privileges, logon and
impersonation, and the security of files, on POSIX users, groups,
capabilities, PAM and POSIX ACLs.

Accounts are the POSIX users and groups: a user is S-1-22-1-<uid> and a
group S-1-22-2-<gid> (the "Unix User/Group" authorities Samba and Wine use),
in the domain named by the computer; the well-known SIDs (Everyone, ...)
keep their Windows values. A file's security descriptor is its owner, group
and POSIX ACL (docs/win32security.md says how each maps); privileges are the
Linux capabilities that stand for them. What has no POSIX meaning (LSA
policy, directory services, SSPI) raises ERROR_NOT_SUPPORTED.
"""
import grp as _grp
import operator as _operator
import os as _os
import pwd as _pwd
import socket as _socket

import ntsecuritycon as _ntsecuritycon
import pywintypes as _pywintypes
import win32con as _win32con

from pywin32_posix import _privileges, _sddl, _security, _security_files, _security_tokens
from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix._security_constants import *  # noqa: F401,F403
from pywin32_posix._security_tokens import fail as _fail

_FROM_NTSECURITYCON = """
    ACCESS_ALLOWED_ACE_TYPE ACCESS_ALLOWED_OBJECT_ACE_TYPE ACCESS_DENIED_ACE_TYPE
    ACCESS_DENIED_OBJECT_ACE_TYPE CONTAINER_INHERIT_ACE DS_SPN_ADD_SPN_OP DS_SPN_DELETE_SPN_OP
    DS_SPN_DN_HOST DS_SPN_DNS_HOST DS_SPN_DOMAIN DS_SPN_NB_DOMAIN DS_SPN_NB_HOST
    DS_SPN_REPLACE_SPN_OP DS_SPN_SERVICE FAILED_ACCESS_ACE_FLAG INHERIT_ONLY_ACE
    NO_PROPAGATE_INHERIT_ACE OBJECT_INHERIT_ACE SE_DACL_DEFAULTED SE_DACL_PRESENT
    SE_GROUP_DEFAULTED SE_GROUP_ENABLED SE_GROUP_ENABLED_BY_DEFAULT SE_GROUP_LOGON_ID
    SE_GROUP_MANDATORY SE_GROUP_OWNER SE_GROUP_RESOURCE SE_GROUP_USE_FOR_DENY_ONLY
    SE_OWNER_DEFAULTED SE_PRIVILEGE_ENABLED SE_PRIVILEGE_ENABLED_BY_DEFAULT
    SE_PRIVILEGE_USED_FOR_ACCESS SE_SACL_DEFAULTED SE_SACL_PRESENT SE_SELF_RELATIVE
    SECURITY_CREATOR_SID_AUTHORITY SECURITY_LOCAL_SID_AUTHORITY SECURITY_NON_UNIQUE_AUTHORITY
    SECURITY_NT_AUTHORITY SECURITY_NULL_SID_AUTHORITY SECURITY_RESOURCE_MANAGER_AUTHORITY
    SECURITY_WORLD_SID_AUTHORITY SecurityAnonymous SecurityDelegation SecurityIdentification
    SecurityImpersonation SidTypeAlias SidTypeComputer SidTypeDeletedAccount SidTypeDomain
    SidTypeGroup SidTypeInvalid SidTypeUnknown SidTypeUser SidTypeWellKnownGroup
    SUCCESSFUL_ACCESS_ACE_FLAG SYSTEM_AUDIT_ACE_TYPE SYSTEM_AUDIT_OBJECT_ACE_TYPE
    TOKEN_ADJUST_DEFAULT TOKEN_ADJUST_GROUPS TOKEN_ADJUST_PRIVILEGES TOKEN_ALL_ACCESS
    TOKEN_ASSIGN_PRIMARY TOKEN_DUPLICATE TOKEN_EXECUTE TOKEN_IMPERSONATE TOKEN_QUERY
    TOKEN_QUERY_SOURCE TOKEN_READ TOKEN_WRITE TokenImpersonation TokenPrimary
    SE_ASSIGNPRIMARYTOKEN_NAME SE_AUDIT_NAME SE_BACKUP_NAME SE_CHANGE_NOTIFY_NAME
    SE_CREATE_PAGEFILE_NAME SE_CREATE_PERMANENT_NAME SE_CREATE_TOKEN_NAME SE_DEBUG_NAME
    SE_GROUP_INTEGRITY SE_GROUP_INTEGRITY_ENABLED SE_INCREASE_QUOTA_NAME
    SE_INC_BASE_PRIORITY_NAME SE_LOAD_DRIVER_NAME SE_LOCK_MEMORY_NAME SE_MACHINE_ACCOUNT_NAME
    SE_PROF_SINGLE_PROCESS_NAME SE_REMOTE_SHUTDOWN_NAME SE_RESTORE_NAME SE_SECURITY_NAME
    SE_SHUTDOWN_NAME SE_SYSTEMTIME_NAME SE_SYSTEM_ENVIRONMENT_NAME SE_SYSTEM_PROFILE_NAME
    SE_TAKE_OWNERSHIP_NAME SE_TCB_NAME SE_UNSOLICITED_INPUT_NAME TokenAccessInformation
    TokenAuditPolicy TokenDefaultDacl TokenElevation TokenElevationType TokenGroups
    TokenGroupsAndPrivileges TokenHasRestrictions TokenImpersonationLevel TokenIntegrityLevel
    TokenLinkedToken TokenLogonSid TokenMandatoryPolicy TokenOrigin TokenOwner TokenPrimaryGroup
    TokenPrivileges TokenRestrictedSids TokenSandBoxInert TokenSessionId TokenSessionReference
    TokenSource TokenStatistics TokenType TokenUIAccess TokenUser TokenVirtualizationAllowed
    TokenVirtualizationEnabled
""".split()
_FROM_WIN32CON = """
    ACL_REVISION DACL_SECURITY_INFORMATION GROUP_SECURITY_INFORMATION LOGON32_LOGON_BATCH
    LOGON32_LOGON_INTERACTIVE LOGON32_LOGON_NETWORK LOGON32_LOGON_NETWORK_CLEARTEXT
    LOGON32_LOGON_NEW_CREDENTIALS LOGON32_LOGON_SERVICE LOGON32_LOGON_UNLOCK
    LOGON32_PROVIDER_DEFAULT LOGON32_PROVIDER_WINNT35 LOGON32_PROVIDER_WINNT40
    LOGON32_PROVIDER_WINNT50 OWNER_SECURITY_INFORMATION SACL_SECURITY_INFORMATION
""".split()
# Not in pywin32's win32security, but this module's first part offered them.
_FROM_NTSECURITYCON += ["FILE_GENERIC_READ", "FILE_GENERIC_WRITE", "FILE_GENERIC_EXECUTE", "FILE_ALL_ACCESS"]
for _name in _FROM_NTSECURITYCON:
    globals()[_name] = getattr(_ntsecuritycon, _name)
for _name in _FROM_WIN32CON:
    globals()[_name] = getattr(_win32con, _name)
del _name

ACL = _security.ACL
SID = _security.SID
SECURITY_DESCRIPTOR = _security.SECURITY_DESCRIPTOR
SECURITY_ATTRIBUTES = _security.SECURITY_ATTRIBUTES

_ERROR_INVALID_HANDLE = 6
_ERROR_ACCESS_DENIED = 5
_ERROR_NOT_SUPPORTED = 50
_ERROR_INVALID_PARAMETER = 87
_ERROR_NONE_MAPPED = 1332
_ERROR_INVALID_SID = 1337
_ERROR_NO_SUCH_PRIVILEGE = 1313
_CURRENT_THREAD = (-2, 0xFFFFFFFFFFFFFFFE)

# ---------------------------------------------------------------- accounts

_WELL_KNOWN = {  # name -> (SID, domain)
    "everyone": ("S-1-1-0", ""),
    "creator owner": ("S-1-3-0", ""),
    "creator group": ("S-1-3-1", ""),
    "authenticated users": ("S-1-5-11", "NT AUTHORITY"),
    "system": ("S-1-5-18", "NT AUTHORITY"),
    "users": ("S-1-5-32-545", "BUILTIN"),
    "administrators": ("S-1-5-32-544", "BUILTIN"),
}

# WELL_KNOWN_SID_TYPE -> SID text; None marks the domain-relative ones (the
# value is then the RID appended to the domain SID given).
_WELL_KNOWN_SIDS = {
    WinNullSid: "S-1-0-0", WinWorldSid: "S-1-1-0", WinLocalSid: "S-1-2-0",  # noqa: F405
    WinCreatorOwnerSid: "S-1-3-0", WinCreatorGroupSid: "S-1-3-1",  # noqa: F405
    WinCreatorOwnerServerSid: "S-1-3-2", WinCreatorGroupServerSid: "S-1-3-3",  # noqa: F405
    WinCreatorOwnerRightsSid: "S-1-3-4", WinNtAuthoritySid: "S-1-5", WinDialupSid: "S-1-5-1",  # noqa: F405
    WinNetworkSid: "S-1-5-2", WinBatchSid: "S-1-5-3", WinInteractiveSid: "S-1-5-4",  # noqa: F405
    WinServiceSid: "S-1-5-6", WinAnonymousSid: "S-1-5-7", WinProxySid: "S-1-5-8",  # noqa: F405
    WinEnterpriseControllersSid: "S-1-5-9", WinSelfSid: "S-1-5-10",  # noqa: F405
    WinAuthenticatedUserSid: "S-1-5-11", WinRestrictedCodeSid: "S-1-5-12",  # noqa: F405
    WinTerminalServerSid: "S-1-5-13", WinRemoteLogonIdSid: "S-1-5-14",  # noqa: F405
    WinThisOrganizationSid: "S-1-5-15", WinIUserSid: "S-1-5-17", WinLocalSystemSid: "S-1-5-18",  # noqa: F405
    WinLocalServiceSid: "S-1-5-19", WinNetworkServiceSid: "S-1-5-20",  # noqa: F405
    WinEnterpriseReadonlyControllersSid: "S-1-5-22", WinWriteRestrictedCodeSid: "S-1-5-33",  # noqa: F405
    WinNTLMAuthenticationSid: "S-1-5-64-10", WinSChannelAuthenticationSid: "S-1-5-64-14",  # noqa: F405
    WinDigestAuthenticationSid: "S-1-5-64-21", WinOtherOrganizationSid: "S-1-5-1000",  # noqa: F405
    WinBuiltinDomainSid: "S-1-5-32", WinBuiltinAdministratorsSid: "S-1-5-32-544",  # noqa: F405
    WinBuiltinUsersSid: "S-1-5-32-545", WinBuiltinGuestsSid: "S-1-5-32-546",  # noqa: F405
    WinBuiltinPowerUsersSid: "S-1-5-32-547", WinBuiltinAccountOperatorsSid: "S-1-5-32-548",  # noqa: F405
    WinBuiltinSystemOperatorsSid: "S-1-5-32-549", WinBuiltinPrintOperatorsSid: "S-1-5-32-550",  # noqa: F405
    WinBuiltinBackupOperatorsSid: "S-1-5-32-551", WinBuiltinReplicatorSid: "S-1-5-32-552",  # noqa: F405
    WinBuiltinPreWindows2000CompatibleAccessSid: "S-1-5-32-554",  # noqa: F405
    WinBuiltinRemoteDesktopUsersSid: "S-1-5-32-555",  # noqa: F405
    WinBuiltinNetworkConfigurationOperatorsSid: "S-1-5-32-556",  # noqa: F405
    WinBuiltinIncomingForestTrustBuildersSid: "S-1-5-32-557",  # noqa: F405
    WinBuiltinPerfMonitoringUsersSid: "S-1-5-32-558", WinBuiltinPerfLoggingUsersSid: "S-1-5-32-559",  # noqa: F405
    WinBuiltinAuthorizationAccessSid: "S-1-5-32-560",  # noqa: F405
    WinBuiltinTerminalServerLicenseServersSid: "S-1-5-32-561",  # noqa: F405
    WinBuiltinDCOMUsersSid: "S-1-5-32-562", WinBuiltinIUsersSid: "S-1-5-32-568",  # noqa: F405
    WinBuiltinCryptoOperatorsSid: "S-1-5-32-569", WinBuiltinEventLogReadersGroup: "S-1-5-32-573",  # noqa: F405
    WinUntrustedLabelSid: "S-1-16-0", WinLowLabelSid: "S-1-16-4096",  # noqa: F405
    WinMediumLabelSid: "S-1-16-8192", WinHighLabelSid: "S-1-16-12288",  # noqa: F405
    WinSystemLabelSid: "S-1-16-16384",  # noqa: F405
}
_DOMAIN_RIDS = {
    WinAccountAdministratorSid: 500, WinAccountGuestSid: 501, WinAccountKrbtgtSid: 502,  # noqa: F405
    WinAccountDomainAdminsSid: 512, WinAccountDomainUsersSid: 513,  # noqa: F405
    WinAccountDomainGuestsSid: 514, WinAccountComputersSid: 515,  # noqa: F405
    WinAccountControllersSid: 516, WinAccountCertAdminsSid: 517,  # noqa: F405
    WinAccountSchemaAdminsSid: 518, WinAccountEnterpriseAdminsSid: 519,  # noqa: F405
    WinAccountPolicyAdminsSid: 520, WinAccountReadonlyControllersSid: 521,  # noqa: F405
    WinAccountRasAndIasServersSid: 553, WinCacheablePrincipalsGroupSid: 571,  # noqa: F405
    WinNonCacheablePrincipalsGroupSid: 572,  # noqa: F405
}


def _domain():
    return _socket.gethostname().split(".")[0].upper()


def _local(system, function):
    if system not in (None, "", ".") and system.lstrip("\\").split(".")[0].lower() != \
            _socket.gethostname().split(".")[0].lower():
        _fail(_ERROR_NOT_SUPPORTED, function)


def _not_supported(function):
    _fail(_ERROR_NOT_SUPPORTED, function)


def ConvertSidToStringSid(Sid):
    """ConvertSidToStringSid(Sid) -> str: the "S-1-..." text of a PySID.
    An invalid SID raises ERROR_INVALID_SID."""
    if not isinstance(Sid, _security.PySID) or not Sid.IsValid():
        _fail(_ERROR_INVALID_SID, "ConvertSidToStringSid")
    return _security.sid_to_string(Sid)


def ConvertStringSidToSid(StringSid):
    """ConvertStringSidToSid(StringSid) -> PySID from "S-1-..." text; a bad
    string raises ERROR_INVALID_SID."""
    if not isinstance(StringSid, str):
        raise TypeError("StringSid must be a str")
    try:
        return _security.sid_from_string(StringSid)
    except (ValueError, _pywintypes.error):
        _fail(_ERROR_INVALID_SID, "ConvertStringSidToSid")


def GetBinarySid(SID):
    """GetBinarySid(SID) -> PySID: pywin32's name for ConvertStringSidToSid."""
    return ConvertStringSidToSid(SID)


def CreateWellKnownSid(WellKnownSidType, DomainSid=None):
    """CreateWellKnownSid(WellKnownSidType, DomainSid=None) -> PySID.
    The domain-relative types (WinAccount*Sid) need DomainSid, whose RID
    they append, as on Windows; others ignore it. An unknown type, or a
    missing DomainSid, raises ERROR_INVALID_PARAMETER."""
    kind = _operator.index(WellKnownSidType)
    if DomainSid is not None and not isinstance(DomainSid, _security.PySID):
        raise TypeError("DomainSid must be a PySID or None")
    if kind in _WELL_KNOWN_SIDS:
        return _security.sid_from_string(_WELL_KNOWN_SIDS[kind])
    if kind in _DOMAIN_RIDS and DomainSid is not None and DomainSid.IsValid():
        return _security.sid_from_string(_security.sid_to_string(DomainSid) + "-%d" % _DOMAIN_RIDS[kind])
    _fail(_ERROR_INVALID_PARAMETER, "CreateWellKnownSid")


def LookupAccountName(systemName, accountName):
    """LookupAccountName(systemName, accountName) -> (PySID, domain, SID
    type) of a user, group or well-known account; "DOMAIN\\name" and
    "name@domain" spellings are taken. A remote system raises
    ERROR_NOT_SUPPORTED, an unknown name ERROR_NONE_MAPPED.
    On POSIX: users and groups come from the system's databases (NSS)."""
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
        return ConvertStringSidToSid(known[0]), known[1], SidTypeWellKnownGroup  # noqa: F405
    try:
        return _security_tokens.user_sid(_pwd.getpwnam(name).pw_uid), _domain(), SidTypeUser  # noqa: F405
    except KeyError:
        pass
    try:
        return _security_tokens.group_sid(_grp.getgrnam(name).gr_gid), _domain(), SidTypeGroup  # noqa: F405
    except KeyError:
        _fail(_ERROR_NONE_MAPPED, "LookupAccountName")


def LookupAccountSid(systemName, sid):
    """LookupAccountSid(systemName, sid) -> (name, domain, SID type).
    An unknown SID raises ERROR_NONE_MAPPED."""
    _local(systemName, "LookupAccountSid")
    text = ConvertSidToStringSid(sid)
    for name, (known, domain) in _WELL_KNOWN.items():
        if known == text:
            shown = {"system": "SYSTEM", "creator owner": "CREATOR OWNER",
                     "creator group": "CREATOR GROUP"}.get(name, name.title())
            return shown, domain, SidTypeWellKnownGroup  # noqa: F405
    parts = text.split("-")
    if len(parts) == 5 and parts[1:3] == ["1", "22"] and parts[3] in ("1", "2") and parts[4].isdigit():
        number = int(parts[4])
        try:
            if parts[3] == "1":
                return _pwd.getpwuid(number).pw_name, _domain(), SidTypeUser  # noqa: F405
            return _grp.getgrgid(number).gr_name, _domain(), SidTypeGroup  # noqa: F405
        except KeyError:
            pass
    _fail(_ERROR_NONE_MAPPED, "LookupAccountSid")


def MapGenericMask(AccessMask, GenericMapping):
    """MapGenericMask(AccessMask, (read, write, execute, all)) -> int: the
    mask with its generic rights replaced by the mapping's specific ones."""
    mask = _operator.index(AccessMask) & 0xFFFFFFFF
    try:
        read, write, execute, everything = (_operator.index(v) & 0xFFFFFFFF for v in GenericMapping)
    except (TypeError, ValueError):
        raise TypeError("GenericMapping must be a tuple of 4 integers") from None
    for generic, specific in ((0x80000000, read), (0x40000000, write), (0x20000000, execute),
                              (0x10000000, everything)):
        if mask & generic:
            mask = (mask & ~generic) | specific
    return mask


def AllocateLocallyUniqueId():
    """AllocateLocallyUniqueId() -> int: a LUID no other live process on this
    machine hands out (pid in the high half, a counter in the low)."""
    return _security_tokens.allocate_luid()


# ------------------------------------------------------------------ SDDL

def ConvertSecurityDescriptorToStringSecurityDescriptor(SecurityDescriptor, RequestedStringSDRevision,
                                                        SecurityInformation):
    """ConvertSecurityDescriptorToStringSecurityDescriptor(sd, SDDL_REVISION_1,
    SecurityInformation) -> str: the parts SecurityInformation selects, in
    SDDL. Another revision raises ERROR_UNKNOWN_REVISION; object ACEs
    ERROR_NOT_SUPPORTED."""
    return _sddl.security_descriptor_to_string(SecurityDescriptor, _operator.index(RequestedStringSDRevision),
                                               _operator.index(SecurityInformation))


def ConvertStringSecurityDescriptorToSecurityDescriptor(StringSecurityDescriptor, StringSDRevision):
    """ConvertStringSecurityDescriptorToSecurityDescriptor(sddl,
    SDDL_REVISION_1) -> PySECURITY_DESCRIPTOR. Malformed text, unknown
    aliases or rights raise ERROR_INVALID_PARAMETER; object and conditional
    ACEs ERROR_NOT_SUPPORTED."""
    return _sddl.string_to_security_descriptor(StringSecurityDescriptor, _operator.index(StringSDRevision))

# ------------------------------------------------------------------ tokens

_tokens = _security_tokens


def _pid_of(process_handle, function):
    import win32process
    try:
        return win32process.GetProcessId(process_handle)
    except _pywintypes.error:
        _fail(_ERROR_INVALID_HANDLE, function)


def OpenProcessToken(processHandle, desiredAccess):
    """OpenProcessToken(processHandle, desiredAccess) -> PyHANDLE of the
    process's primary token. A process of another user needs root
    (else ERROR_ACCESS_DENIED).
    On POSIX: the token reads the process's credentials when asked (this
    process's: the calling thread's capabilities, which are per thread)."""
    access = _tokens.map_token_access(_operator.index(desiredAccess) & 0xFFFFFFFF)
    pid = _pid_of(processHandle, "OpenProcessToken")
    if pid != _os.getpid():
        credentials = _tokens.process_credentials(pid)
        if credentials is None:
            _fail(_ERROR_INVALID_PARAMETER, "OpenProcessToken")
        if _os.geteuid() != 0 and credentials.uid != _os.geteuid():
            _fail(_ERROR_ACCESS_DENIED, "OpenProcessToken")
    state = _tokens.TokenState(TokenPrimary, SecurityAnonymous, pid=pid)  # noqa: F405
    return _tokens.new_token_handle(state, access)


def OpenThreadToken(handle, desiredAccess, openAsSelf):
    """OpenThreadToken(handle, desiredAccess, openAsSelf) -> PyHANDLE of the
    thread's impersonation token; a thread that is not impersonating raises
    ERROR_NO_TOKEN, as on Windows.
    On POSIX: only the calling thread (GetCurrentThread()) can be named;
    another thread's handle raises ERROR_NOT_SUPPORTED."""
    access = _tokens.map_token_access(_operator.index(desiredAccess) & 0xFFFFFFFF)
    if handle is None or int(handle) not in _CURRENT_THREAD:
        _not_supported("OpenThreadToken")
    state = _tokens.thread_token()
    if state is None:
        _fail(_tokens.ERROR_NO_TOKEN, "OpenThreadToken")
    return _tokens.new_token_handle(state, access)


def _effective_token(token, function):
    if token is None:
        state = _tokens.thread_token()
        return state or _tokens.TokenState(TokenPrimary, SecurityAnonymous, pid=_os.getpid())  # noqa: F405
    return _tokens.token_of(token, function, TOKEN_QUERY).state  # noqa: F405


def GetTokenInformation(TokenHandle, TokenInformationClass):
    """GetTokenInformation(TokenHandle, TokenInformationClass): what pywin32
    returns for the class: TokenUser (PySID, attributes), TokenGroups,
    TokenPrivileges ((LUID, attributes), ...), TokenOwner, TokenPrimaryGroup,
    TokenDefaultDacl (PyACL), TokenType, TokenImpersonationLevel,
    TokenStatistics (dict), TokenSessionId, TokenElevation(Type),
    TokenIntegrityLevel, TokenRestrictedSids, TokenHasRestrictions.
    Needs TOKEN_QUERY (else ERROR_ACCESS_DENIED).
    On POSIX: groups are the POSIX groups plus Everyone, BUILTIN\\Users and
    Authenticated Users (and BUILTIN\\Administrators for root); privileges
    are the capabilities that stand for them; the session is the login
    (audit) session. Classes with no POSIX meaning raise ERROR_NOT_SUPPORTED."""
    function = "GetTokenInformation"
    token = _tokens.token_of(TokenHandle, function, TOKEN_QUERY)  # noqa: F405
    state, kind = token.state, _operator.index(TokenInformationClass)
    credentials = state.current(function)
    if kind == TokenUser:  # noqa: F405
        return _tokens.user_sid(credentials.uid), 0
    if kind == TokenOwner:  # noqa: F405
        return _tokens.user_sid(credentials.uid)
    if kind == TokenPrimaryGroup:  # noqa: F405
        return _tokens.group_sid(credentials.gid)
    if kind == TokenGroups:  # noqa: F405
        return _tokens.token_groups(credentials)
    if kind == TokenPrivileges:  # noqa: F405
        return state.privilege_list(function)
    if kind == TokenDefaultDacl:  # noqa: F405
        return _tokens.default_dacl(credentials)
    if kind == TokenType:  # noqa: F405
        return state.kind
    if kind == TokenImpersonationLevel:  # noqa: F405
        if state.kind != TokenImpersonation:  # noqa: F405
            _fail(_ERROR_INVALID_PARAMETER, function)
        return state.level
    if kind == TokenStatistics:  # noqa: F405
        return {"TokenId": state.token_id, "AuthenticationId": state.authentication_id,
                "ExpirationTime": _tokens._NEVER, "TokenType": state.kind,
                "ImpersonationLevel": state.level, "DynamicCharged": 0, "DynamicAvailable": 0,
                "GroupCount": len(_tokens.token_groups(credentials)),
                "PrivilegeCount": len(state.privilege_list(function)), "ModifiedId": state.modified_id}
    if kind == TokenSessionId:  # noqa: F405
        return credentials.session
    if kind == TokenElevation:  # noqa: F405
        return int(credentials.uid == 0)
    if kind == TokenElevationType:  # noqa: F405
        return TokenElevationTypeFull if credentials.uid == 0 else TokenElevationTypeDefault  # noqa: F405
    if kind == TokenIntegrityLevel:  # noqa: F405
        return _tokens.integrity_sid(credentials), _tokens._GROUP_INTEGRITY
    if kind == TokenRestrictedSids:  # noqa: F405
        return ()
    if kind == TokenHasRestrictions:  # noqa: F405
        return 0
    if 1 <= kind <= 47:
        _not_supported(function)
    _fail(_ERROR_INVALID_PARAMETER, function)


def SetTokenInformation(TokenHandle, TokenInformationClass, TokenInformation):
    """SetTokenInformation(TokenHandle, TokenInformationClass, TokenInformation):
    raises ERROR_NOT_SUPPORTED.

    On POSIX: not supported (a token's owner, group, DACL and session are the process's credentials)."""
    _not_supported("SetTokenInformation")


def IsTokenRestricted(TokenHandle):
    """IsTokenRestricted(TokenHandle) -> bool: whether the token has
    restricting SIDs. On POSIX no token has (CreateRestrictedToken is not
    supported), so this is False for every valid token."""
    _tokens.token_of(TokenHandle, "IsTokenRestricted")
    return False


def CheckTokenMembership(TokenHandle, SidToCheck):
    """CheckTokenMembership(TokenHandle, SidToCheck) -> bool: whether the
    SID is the token's user or one of its enabled groups. TokenHandle None
    means the calling thread's token (its impersonation token, else the
    process's); a primary token raises ERROR_NO_IMPERSONATION_TOKEN, as on
    Windows."""
    if not isinstance(SidToCheck, _security.PySID):
        raise TypeError("SidToCheck must be a PySID")
    state = _effective_token(TokenHandle, "CheckTokenMembership")
    if TokenHandle is not None and state.kind != TokenImpersonation:  # noqa: F405
        _fail(_tokens.ERROR_NO_IMPERSONATION_TOKEN, "CheckTokenMembership")
    credentials = state.current("CheckTokenMembership")
    if SidToCheck == _tokens.user_sid(credentials.uid):
        return True
    return any(sid == SidToCheck for sid, _ in _tokens.token_groups(credentials))


def DuplicateTokenEx(ExistingToken, ImpersonationLevel, DesiredAccess, TokenType, TokenAttributes=None):
    """DuplicateTokenEx(ExistingToken, ImpersonationLevel, DesiredAccess,
    TokenType, TokenAttributes=None) -> PyHANDLE of a new token: a copy of
    the credentials and privileges as they are now (adjusting one does not
    change the other). Needs TOKEN_DUPLICATE."""
    source = _tokens.token_of(ExistingToken, "DuplicateTokenEx", _tokens.TOKEN_DUPLICATE)
    level, kind = _operator.index(ImpersonationLevel), _operator.index(TokenType)
    if kind not in (TokenPrimary, TokenImpersonation) or not 0 <= level <= 3:  # noqa: F405
        _fail(_ERROR_INVALID_PARAMETER, "DuplicateTokenEx")
    if TokenAttributes is not None and not isinstance(TokenAttributes, _security.PySECURITY_ATTRIBUTES):
        raise TypeError("TokenAttributes must be a PySECURITY_ATTRIBUTES or None")
    access = _operator.index(DesiredAccess) & 0xFFFFFFFF
    access = _tokens.map_token_access(access) if access else source.access
    state = source.state.snapshot(kind, level, "DuplicateTokenEx")
    return _tokens.new_token_handle(state, access)


def DuplicateToken(ExistingTokenHandle, ImpersonationLevel):
    """DuplicateToken(ExistingTokenHandle, ImpersonationLevel) -> PyHANDLE of
    an impersonation token copying the existing one."""
    return DuplicateTokenEx(ExistingTokenHandle, ImpersonationLevel,
                            TOKEN_IMPERSONATE | TOKEN_QUERY, TokenImpersonation)  # noqa: F405


def CreateRestrictedToken(ExistingTokenHandle, Flags, SidsToDisable, PrivilegesToDelete, SidsToRestrict):
    """CreateRestrictedToken(...): raises ERROR_NOT_SUPPORTED.

    On POSIX: not supported (access checks know no restricting SIDs)."""
    _not_supported("CreateRestrictedToken")


def AdjustTokenGroups(TokenHandle, ResetToDefault, NewState):
    """AdjustTokenGroups(...): raises ERROR_NOT_SUPPORTED.

    On POSIX: not supported (a process cannot disable one of its groups for access checks)."""
    _not_supported("AdjustTokenGroups")


# -------------------------------------------------------------- privileges

def LookupPrivilegeValue(systemName, privilegeName):
    """LookupPrivilegeValue(systemName, privilegeName) -> int: the LUID of a
    privilege (Windows' values). An unknown name raises
    ERROR_NO_SUCH_PRIVILEGE; a remote system ERROR_NOT_SUPPORTED."""
    _local(systemName, "LookupPrivilegeValue")
    if not isinstance(privilegeName, str):
        raise TypeError("privilegeName must be a str")
    for name, (luid, _, _) in _privileges.PRIVILEGES.items():
        if name.lower() == privilegeName.lower():
            return luid
    _fail(_ERROR_NO_SUCH_PRIVILEGE, "LookupPrivilegeValue")


def _luid_arg(luid):
    if isinstance(luid, tuple) and len(luid) == 2:  # pywin32's old (high, low) form
        return _operator.index(luid[0]) << 32 | _operator.index(luid[1]) & 0xFFFFFFFF
    return _operator.index(luid)


def LookupPrivilegeName(SystemName, luid):
    """LookupPrivilegeName(SystemName, luid) -> str: the name of a privilege
    LUID; an unknown one raises ERROR_NO_SUCH_PRIVILEGE."""
    _local(SystemName, "LookupPrivilegeName")
    name = _privileges.NAME_OF_LUID.get(_luid_arg(luid))
    if name is None:
        _fail(_ERROR_NO_SUCH_PRIVILEGE, "LookupPrivilegeName")
    return name


def LookupPrivilegeDisplayName(SystemName, Name):
    """LookupPrivilegeDisplayName(SystemName, Name) -> str: Windows' display
    text for a privilege ("Shut down the system")."""
    _local(SystemName, "LookupPrivilegeDisplayName")
    if not isinstance(Name, str):
        raise TypeError("Name must be a str")
    for name, (_, display, _) in _privileges.PRIVILEGES.items():
        if name.lower() == Name.lower():
            return display
    _fail(_ERROR_NO_SUCH_PRIVILEGE, "LookupPrivilegeDisplayName")


def _privilege_requests(NewState):
    try:
        return [(_luid_arg(luid), _operator.index(attributes) & 0xFFFFFFFF) for luid, attributes in NewState]
    except (TypeError, ValueError):
        raise TypeError("NewState must be a sequence of (LUID, attributes) tuples") from None


def AdjustTokenPrivileges(TokenHandle, bDisableAllPrivileges, NewState):
    """AdjustTokenPrivileges(TokenHandle, bDisableAllPrivileges, NewState) ->
    the previous state ((LUID, attributes), ...) of the privileges changed.
    As on Windows it succeeds when some privilege is not held, and
    win32api.GetLastError() is then ERROR_NOT_ALL_ASSIGNED (else 0). Needs
    TOKEN_ADJUST_PRIVILEGES.
    On POSIX: enabling raises the privilege's capability in the calling
    thread's effective set, disabling lowers it, SE_PRIVILEGE_REMOVED drops
    it from the permitted set for good; a privilege with no capability is
    never held. Another process's token raises ERROR_NOT_SUPPORTED."""
    import win32api
    function = "AdjustTokenPrivileges"
    token = _tokens.token_of(TokenHandle, function, _tokens.TOKEN_ADJUST_PRIVILEGES)
    state = token.state
    if state.pid is not None and state.pid != _os.getpid():
        _not_supported(function)
    held = dict(state.privilege_list(function))
    if bDisableAllPrivileges:
        requests = [(luid, 0) for luid in held]
    else:
        requests = _privilege_requests(NewState)
    previous, missing = [], False
    for luid, attributes in requests:
        if luid not in held:
            missing = True
            continue
        enable = bool(attributes & _privileges.SE_PRIVILEGE_ENABLED)
        remove = bool(attributes & _privileges.SE_PRIVILEGE_REMOVED)
        was = held[luid]
        if state.pid is None:
            if remove:
                del state.privileges[luid]
            else:
                state.privileges[luid] = (was & ~_privileges.SE_PRIVILEGE_ENABLED) | \
                    (_privileges.SE_PRIVILEGE_ENABLED if enable else 0)
        else:
            try:
                _privileges.set_effective(_privileges.CAPABILITY_OF_LUID[luid], enable and not remove,
                                          drop=remove)
            except OSError:
                missing = True
                continue
        if remove or bool(was & _privileges.SE_PRIVILEGE_ENABLED) != enable:
            previous.append((luid, was))
    state.modified_id = _tokens.allocate_luid()
    win32api.SetLastError(_tokens.ERROR_NOT_ALL_ASSIGNED if missing else 0)
    return tuple(previous)


# ---------------------------------------------------- logon, impersonation

def LogonUser(Username, Domain, Password, LogonType, LogonProvider):
    """LogonUser(Username, Domain, Password, LogonType, LogonProvider) ->
    PyHANDLE of the user's primary token. A wrong password or unknown user
    raises ERROR_LOGON_FAILURE; an expired account ERROR_ACCOUNT_EXPIRED.
    On POSIX: the password is checked by PAM (service
    $PYWIN32_POSIX_PAM_SERVICE, default "pywin32-posix", i.e.
    /etc/pam.d/other unless configured), then the account (pam_acct_mgmt);
    without root, PAM can check only the caller's own password.
    LOGON32_LOGON_NEW_CREDENTIALS raises ERROR_NOT_SUPPORTED."""
    function = "LogonUser"
    for value, what in ((Username, "Username"), (Password, "Password")):
        if not isinstance(value, str):
            raise TypeError(what + " must be a str")
    if Domain is not None and not isinstance(Domain, str):
        raise TypeError("Domain must be a str or None")
    logon_type, provider = _operator.index(LogonType), _operator.index(LogonProvider)
    if logon_type == LOGON32_LOGON_NEW_CREDENTIALS:  # noqa: F405
        _not_supported(function)
    if logon_type not in (2, 3, 4, 5, 7, 8) or provider not in (0, 1, 2, 3):
        _fail(_ERROR_INVALID_PARAMETER, function)
    name = Username
    if "@" in name and Domain is None:
        name, Domain = name.split("@", 1)
    _local(Domain, function)
    state = _tokens.logon(name, Password, function)
    return _tokens.new_token_handle(state, _tokens.TOKEN_ALL_ACCESS)


def LogonUserEx(Username, Domain, Password, LogonType, LogonProvider):
    """LogonUserEx(...): raises ERROR_NOT_SUPPORTED; LogonUser gives the token.

    On POSIX: not supported (there is no logon SID or profile buffer to return)."""
    _not_supported("LogonUserEx")


def ImpersonateLoggedOnUser(handle):
    """ImpersonateLoggedOnUser(handle): the calling thread acts as the
    token's user until RevertToSelf. Needs TOKEN_QUERY|TOKEN_DUPLICATE (or
    TOKEN_IMPERSONATE on an impersonation token).
    On POSIX: the thread's file-system uid and gid (setfsuid/setfsgid) and
    its supplementary groups become the token's, so files are opened,
    created and checked as that user; the process's real and effective ids,
    signals, and other threads are unchanged. Impersonating another user
    needs root (CAP_SETUID/CAP_SETGID), else ERROR_PRIVILEGE_NOT_HELD."""
    token = _tokens.token_of(handle, "ImpersonateLoggedOnUser", TOKEN_QUERY)  # noqa: F405
    _tokens.impersonate(token.state, "ImpersonateLoggedOnUser")


def ImpersonateSelf(ImpersonationLevel):
    """ImpersonateSelf(ImpersonationLevel): gives the calling thread an
    impersonation token copying the process's."""
    level = _operator.index(ImpersonationLevel)
    if not 0 <= level <= 3:
        _fail(_ERROR_INVALID_PARAMETER, "ImpersonateSelf")
    process = _tokens.TokenState(TokenPrimary, SecurityAnonymous, pid=_os.getpid())  # noqa: F405
    _tokens.impersonate(process.snapshot(TokenImpersonation, level, "ImpersonateSelf"),  # noqa: F405
                        "ImpersonateSelf")


def ImpersonateNamedPipeClient(handle):
    """ImpersonateNamedPipeClient(handle): the calling thread acts as the
    user of the client process connected to the pipe.
    On POSIX: the client's credentials are read from its process
    (/proc/<pid>/status) by its process id; see ImpersonateLoggedOnUser."""
    import win32pipe
    pid = win32pipe.GetNamedPipeClientProcessId(handle)
    if _tokens.process_credentials(pid) is None:
        _fail(1368, "ImpersonateNamedPipeClient")  # ERROR_CANNOT_IMPERSONATE
    state = _tokens.TokenState(TokenPrimary, SecurityAnonymous, pid=pid)  # noqa: F405
    _tokens.impersonate(state.snapshot(TokenImpersonation, SecurityImpersonation,  # noqa: F405
                                       "ImpersonateNamedPipeClient"), "ImpersonateNamedPipeClient")


def ImpersonateAnonymousToken(ThreadHandle):
    """ImpersonateAnonymousToken(ThreadHandle): raises ERROR_NOT_SUPPORTED.

    On POSIX: not supported (there is no anonymous identity)."""
    _not_supported("ImpersonateAnonymousToken")


def RevertToSelf():
    """RevertToSelf(): ends the calling thread's impersonation (its file-
    system ids and groups become the process's again)."""
    _tokens.revert()


def SetThreadToken(Thread, Token):
    """SetThreadToken(Thread, Token): impersonate Token on the thread, or
    revert when Token is None. On POSIX only the calling thread (None or
    GetCurrentThread()) can be named; another raises ERROR_NOT_SUPPORTED."""
    if Thread is not None and int(Thread) not in _CURRENT_THREAD:
        _not_supported("SetThreadToken")
    if Token is None:
        _tokens.revert()
        return
    token = _tokens.token_of(Token, "SetThreadToken", _tokens.TOKEN_IMPERSONATE)
    _tokens.impersonate(token.state, "SetThreadToken")

# ---------------------------------------------------------- file security

_ALL_INFORMATION = 0x1F


def _path(name, function):
    if not isinstance(name, str):
        raise TypeError("the object name must be a str")
    from pywin32_posix._w32 import _paths
    return _paths.to_posix(name, function)


def _information(value):
    return _operator.index(value) & 0xFFFFFFFF


def _object_type(ObjectType, function):
    kind = _operator.index(ObjectType)
    if kind == SE_FILE_OBJECT:  # noqa: F405
        return kind
    if 0 <= kind <= SE_REGISTRY_WOW64_32KEY:  # noqa: F405
        _not_supported(function)  # registry keys, services, printers, kernel objects, ...
    _fail(_ERROR_INVALID_PARAMETER, function)


def _parts(sd):
    if not isinstance(sd, _security.PySECURITY_DESCRIPTOR):
        raise TypeError("the security descriptor must be a PySECURITY_DESCRIPTOR")
    return (sd.GetSecurityDescriptorOwner(), sd.GetSecurityDescriptorGroup(),
            sd.GetSecurityDescriptorDacl(), sd.GetSecurityDescriptorSacl())


def _check_sid_or_none(value, what):
    if value is not None and not isinstance(value, _security.PySID):
        raise TypeError(what + " must be a PySID or None")


def _check_acl_or_none(value, what):
    if value is not None and not isinstance(value, _security.PyACL):
        raise TypeError(what + " must be a PyACL or None")


def GetFileSecurity(filename, info=OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION |  # noqa: F405
                    DACL_SECURITY_INFORMATION):  # noqa: F405
    """GetFileSecurity(filename, info) -> PySECURITY_DESCRIPTOR of a file or
    directory: owner, group and DACL as GetNamedSecurityInfo gives them."""
    return _security_files.security_descriptor(_path(filename, "GetFileSecurity"), _information(info),
                                               "GetFileSecurity")


def SetFileSecurity(filename, info, security):
    """SetFileSecurity(filename, info, security): sets the parts ``info``
    selects from a security descriptor, as SetNamedSecurityInfo does (a
    DACL the descriptor lacks is a NULL DACL: full access for everybody)."""
    owner, group, dacl, sacl = _parts(security)
    _security_files.set_security(_path(filename, "SetFileSecurity"), _information(info), owner, group,
                                 dacl, sacl, "SetFileSecurity")


def GetNamedSecurityInfo(ObjectName, ObjectType, SecurityInfo):
    """GetNamedSecurityInfo(ObjectName, ObjectType, SecurityInfo) ->
    PySECURITY_DESCRIPTOR. SE_FILE_OBJECT: a file or directory; other object
    types raise ERROR_NOT_SUPPORTED.
    On POSIX: owner S-1-22-1-<uid>, group S-1-22-2-<gid>, and a canonical
    DACL from the POSIX ACL (or mode bits): deny ACEs where POSIX's first-
    match order withholds a right Windows' union would give, one allow ACE
    per ACL entry (named users and groups too, as the mask leaves them),
    Everyone for "other", full access for SYSTEM and Administrators (root),
    and, on a directory, the default ACL as OI|CI|IO ACEs with CREATOR OWNER
    and CREATOR GROUP. A SACL, if asked for, is empty."""
    _object_type(ObjectType, "GetNamedSecurityInfo")
    return _security_files.security_descriptor(_path(ObjectName, "GetNamedSecurityInfo"),
                                               _information(SecurityInfo), "GetNamedSecurityInfo")


def SetNamedSecurityInfo(ObjectName, ObjectType, SecurityInfo, Owner, Group, Dacl, Sacl):
    """SetNamedSecurityInfo(ObjectName, ObjectType, SecurityInfo, Owner,
    Group, Dacl, Sacl). Sets a file's owner and group (chown: another owner
    needs root) and DACL.
    On POSIX: the DACL becomes a POSIX ACL granting each trustee what
    Windows would (mode bits alone when there are no named users or
    groups); inheritable (OI|CI) ACEs on a directory become its default
    ACL. What POSIX cannot hold raises instead of being dropped: a SID that
    is no POSIX user or group (ERROR_NOT_SUPPORTED; Everyone, CREATOR OWNER/
    GROUP and full-access SYSTEM/Administrators excepted), partial
    inheritance flags (ERROR_NOT_SUPPORTED), a deny on one group for a right
    another group entry grants (ERROR_INVALID_ACL), audit or label ACEs
    (ERROR_NOT_SUPPORTED)."""
    function = "SetNamedSecurityInfo"
    _object_type(ObjectType, function)
    _check_sid_or_none(Owner, "Owner")
    _check_sid_or_none(Group, "Group")
    _check_acl_or_none(Dacl, "Dacl")
    _check_acl_or_none(Sacl, "Sacl")
    _security_files.set_security(_path(ObjectName, function), _information(SecurityInfo), Owner, Group,
                                 Dacl, Sacl, function)


class _HandleFile:
    """A descriptor of a file handle's file, for the length of a call."""

    def __init__(self, handle, function, other=_ERROR_INVALID_HANDLE):
        import win32file
        try:
            self.fd = win32file._open_osfhandle(handle, 0)
        except (_pywintypes.error, TypeError, OverflowError):
            _fail(other, function)

    def __enter__(self):
        return self.fd

    def __exit__(self, *exc):
        _os.close(self.fd)


def GetSecurityInfo(handle, ObjectType, SecurityInfo):
    """GetSecurityInfo(handle, ObjectType, SecurityInfo) ->
    PySECURITY_DESCRIPTOR of a file handle's file (SE_FILE_OBJECT), as
    GetNamedSecurityInfo describes; other object types raise
    ERROR_NOT_SUPPORTED, a handle that is no file ERROR_INVALID_HANDLE."""
    _object_type(ObjectType, "GetSecurityInfo")
    with _HandleFile(handle, "GetSecurityInfo") as fd:
        return _security_files.security_descriptor(fd, _information(SecurityInfo), "GetSecurityInfo")


def SetSecurityInfo(handle, ObjectType, SecurityInfo, Owner, Group, Dacl, Sacl):
    """SetSecurityInfo(handle, ObjectType, SecurityInfo, Owner, Group, Dacl,
    Sacl): SetNamedSecurityInfo for a file handle's file."""
    function = "SetSecurityInfo"
    _object_type(ObjectType, function)
    _check_sid_or_none(Owner, "Owner")
    _check_sid_or_none(Group, "Group")
    _check_acl_or_none(Dacl, "Dacl")
    _check_acl_or_none(Sacl, "Sacl")
    with _HandleFile(handle, function) as fd:
        _security_files.set_security(fd, _information(SecurityInfo), Owner, Group, Dacl, Sacl, function)


def GetKernelObjectSecurity(handle, info):
    """GetKernelObjectSecurity(handle, info) -> PySECURITY_DESCRIPTOR.
    On POSIX: a file handle's file only (as GetSecurityInfo); events,
    mutexes and other objects of the session raise ERROR_NOT_SUPPORTED."""
    with _HandleFile(handle, "GetKernelObjectSecurity", _ERROR_NOT_SUPPORTED) as fd:
        return _security_files.security_descriptor(fd, _information(info), "GetKernelObjectSecurity")


def SetKernelObjectSecurity(handle, info, security):
    """SetKernelObjectSecurity(handle, info, security): for a file handle's
    file, as SetSecurityInfo; other objects raise ERROR_NOT_SUPPORTED."""
    owner, group, dacl, sacl = _parts(security)
    with _HandleFile(handle, "SetKernelObjectSecurity", _ERROR_NOT_SUPPORTED) as fd:
        _security_files.set_security(fd, _information(info), owner, group, dacl, sacl,
                                     "SetKernelObjectSecurity")


def GetUserObjectSecurity(handle, info):
    """GetUserObjectSecurity(handle, info): raises ERROR_NOT_SUPPORTED.

    On POSIX: not supported (there are no window stations or desktops)."""
    _not_supported("GetUserObjectSecurity")


def SetUserObjectSecurity(handle, info, security):
    """SetUserObjectSecurity(handle, info, security): raises ERROR_NOT_SUPPORTED.

    On POSIX: not supported (there are no window stations or desktops)."""
    _not_supported("SetUserObjectSecurity")

# ------------------------------------------- what has no POSIX meaning

def _unsupported(name, reason):
    def function(*args, **kwargs):
        _not_supported(name)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = "%s(...): raises ERROR_NOT_SUPPORTED.\n\nOn POSIX: not supported (%s)." % (name, reason)
    return function


_NO_LSA = "there is no Local Security Authority policy database"
_NO_DS = "there is no Active Directory domain to bind to"
_NO_SSPI = "there are no SSPI security packages (use GSSAPI or TLS libraries)"
for _name, _reason in (
        ("LsaOpenPolicy", _NO_LSA), ("LsaClose", _NO_LSA), ("LsaQueryInformationPolicy", _NO_LSA),
        ("LsaSetInformationPolicy", _NO_LSA), ("LsaAddAccountRights", _NO_LSA),
        ("LsaRemoveAccountRights", _NO_LSA), ("LsaEnumerateAccountRights", _NO_LSA),
        ("LsaEnumerateAccountsWithUserRight", _NO_LSA), ("LsaStorePrivateData", _NO_LSA),
        ("LsaRetrievePrivateData", _NO_LSA), ("LsaRegisterPolicyChangeNotification", _NO_LSA),
        ("LsaUnregisterPolicyChangeNotification", _NO_LSA), ("LsaRegisterLogonProcess", _NO_LSA),
        ("LsaConnectUntrusted", _NO_LSA), ("LsaDeregisterLogonProcess", _NO_LSA),
        ("LsaLookupAuthenticationPackage", _NO_LSA), ("LsaEnumerateLogonSessions", _NO_LSA),
        ("LsaGetLogonSessionData", _NO_LSA), ("LsaCallAuthenticationPackage", _NO_LSA),
        ("DsGetSpn", _NO_DS), ("DsWriteAccountSpn", _NO_DS), ("DsBind", _NO_DS), ("DsUnBind", _NO_DS),
        ("DsGetDcName", _NO_DS), ("DsCrackNames", _NO_DS), ("DsListDomainsInSite", _NO_DS),
        ("DsListInfoForServer", _NO_DS), ("DsListRoles", _NO_DS), ("DsListServersForDomainInSite", _NO_DS),
        ("DsListServersInSite", _NO_DS), ("DsListSites", _NO_DS), ("TranslateName", _NO_DS),
        ("AcquireCredentialsHandle", _NO_SSPI), ("InitializeSecurityContext", _NO_SSPI),
        ("AcceptSecurityContext", _NO_SSPI), ("QuerySecurityPackageInfo", _NO_SSPI),
        ("EnumerateSecurityPackages", _NO_SSPI),
        ("CryptEnumProviders", "there are no CryptoAPI providers")):
    globals()[_name] = _unsupported(_name, _reason)
del _name, _reason
GetPolicyHandle = LsaOpenPolicy  # noqa: F821
