"""pywintypes' security objects (PySID, PyACL, PySECURITY_DESCRIPTOR,
PySECURITY_ATTRIBUTES) and the mapping of a DACL onto POSIX mode bits.

They hold Windows' own binary structures, so sizes and ``bytes()`` agree with
Windows and pywin32, and (as in pywin32) a descriptor keeps private copies.
"""

import operator as _operator
from functools import partialmethod as _partialmethod
import os as _os
import re as _re
import struct as _struct

from pywin32_posix._errors import error

__all__ = [
    "SIDType", "SID", "ACLType", "ACL", "SECURITY_DESCRIPTORType",
    "SECURITY_DESCRIPTOR", "SECURITY_ATTRIBUTESType", "SECURITY_ATTRIBUTES",
    "sid_from_string", "sid_to_string", "sid_of", "current_user_sid",
    "posix_mode_from_security_attributes", "acl_from_aces", "acl_entries",
]

_ERRORS = {
    50: "The request is not supported.",  # ERROR_NOT_SUPPORTED
    87: "The parameter is incorrect.",  # ERROR_INVALID_PARAMETER
    122: "The data area passed to a system call is too small.",  # ERROR_INSUFFICIENT_BUFFER
    1004: "Invalid flags.",  # ERROR_INVALID_FLAGS
    1306: "Indicates two revision levels are incompatible.",  # ERROR_REVISION_MISMATCH
    1337: "The security ID structure is invalid.",  # ERROR_INVALID_SID
}


def _fail(code, funcname):
    raise error(code, funcname, _ERRORS[code])


def _index(value, what):
    try:
        return int(_operator.index(value))
    except TypeError:
        raise TypeError(f"{what} must be an integer, not {type(value).__name__}") from None


def _dword(value, what):
    # pywin32 parses these as C longs; both signed and unsigned spellings work.
    number = _index(value, what)
    if not -(2**31) <= number < 2**32:
        raise OverflowError(f"{what} does not fit in 32 bits")
    return number & 0xFFFFFFFF


def _refuse_new(cls, *args, **kwargs):
    # pywin32's types have no constructor either; the factory functions are
    # the one validated way in.
    raise TypeError(f"cannot create '{cls.__name__}' instances")


# ---------------------------------------------------------------- SID

_SID_MAX_SUB_AUTHORITIES = 15


def _sid_length(raw):
    return 8 + 4 * (raw[1] if len(raw) > 1 else 0)


def _sid_valid(raw):
    return (len(raw) >= 8 and raw[0] == 1 and raw[1] <= _SID_MAX_SUB_AUTHORITIES
            and len(raw) >= _sid_length(raw))


def _sid_text(raw):
    authority = int.from_bytes(raw[2:8], "big")
    # Authorities from 2**32 up are written as 12 lower-case hex digits, as
    # pywin32's textual-SID routine does.
    text = "0x" + raw[2:8].hex() if authority >= 2**32 else str(authority)
    subs = _struct.unpack_from(f"<{raw[1]}I", raw, 8)
    return "S-1-" + text + "".join(f"-{sub}" for sub in subs)


def _sid_bytes(authority, subs):
    return bytes((1, len(subs))) + authority + _struct.pack(f"<{len(subs)}I", *subs)


def _authority_bytes(value):
    try:
        parts = [_index(part, "idAuthority item") for part in value]
    except TypeError:
        parts = []
    if len(parts) != 6:
        raise TypeError("idAuthority must be a sequence of 6 integers")
    if not all(0 <= part <= 255 for part in parts):
        raise OverflowError("idAuthority items must be in range 0-255")
    return bytes(parts)


class PySID:
    """A security identifier, kept as its binary form in a buffer."""

    __slots__ = ("_buf",)
    __new__ = _refuse_new

    def Initialize(self, idAuthority, numSubauthorities):
        """Initialize(idAuthority, numSubauthorities): sets the 6-byte
        identifier authority and the number of sub-authorities (at most 15,
        else ERROR_INVALID_PARAMETER); the sub-authorities start at 0."""
        authority = _authority_bytes(idAuthority)
        count = _index(numSubauthorities, "numSubauthorities")
        if not 0 <= count <= 255:
            raise OverflowError("numSubauthorities must be in range 0-255")
        if count > _SID_MAX_SUB_AUTHORITIES:
            _fail(87, "InitializeSid")
        # Windows would write past a too-small buffer; growing it is the
        # well-defined version of the same request.
        self._buf.extend(bytes(max(0, 8 + 4 * count - len(self._buf))))
        self._buf[0:8] = bytes((1, count)) + authority

    def IsValid(self):
        """IsValid() -> bool: whether the buffer holds a well-formed SID."""
        return _sid_valid(self._buf)

    def _offset(self, index):
        index = _index(index, "index")
        if not 0 <= index < self.GetSubAuthorityCount():
            raise ValueError("The index is out of range")
        return 8 + 4 * index

    def SetSubAuthority(self, index, val):
        """SetSubAuthority(index, val): sets one sub-authority (an index out
        of range raises ValueError)."""
        _struct.pack_into("<I", self._buf, self._offset(index), _dword(val, "val"))

    def GetSubAuthority(self, index):
        """GetSubAuthority(index) -> int: one sub-authority, unsigned."""
        return _struct.unpack_from("<I", self._buf, self._offset(index))[0]

    def GetSubAuthorityCount(self):
        """GetSubAuthorityCount() -> int: how many sub-authorities."""
        return self._buf[1] if len(self._buf) > 1 else 0

    def GetLength(self):
        """GetLength() -> int: the SID's size in bytes (8 + 4 per sub-authority)."""
        return _sid_length(self._buf)

    def GetSidIdentifierAuthority(self):
        """GetSidIdentifierAuthority() -> tuple of the 6 authority bytes."""
        if not _sid_valid(self._buf):
            raise ValueError("GetSidIdentifierAuthority: Invalid SID in object")
        return tuple(self._buf[2:8])

    def __bytes__(self):
        return bytes(self._buf[:_sid_length(self._buf)])

    def __str__(self):
        if not _sid_valid(self._buf):
            return "PySID: Invalid SID"
        return "PySID:" + _sid_text(self._buf)

    def __eq__(self, other):
        if not isinstance(other, PySID):
            return NotImplemented
        return bytes(self) == bytes(other)

    def __hash__(self):
        return hash(bytes(self))


def _new_sid(raw):
    sid = object.__new__(PySID)
    sid._buf = bytearray(raw)
    return sid


def SID(*args):
    """pywintypes.SID(): ``SID([bufSize=32])`` is an all-zero, uninitialised
    SID; ``SID(buffer)`` copies a SID's bytes; ``SID(idAuthority, subs)``
    builds one from 6 authority bytes and at most 8 sub-authorities (the
    limit of AllocateAndInitializeSid)."""
    if len(args) > 2:
        raise TypeError(f"SID() takes at most 2 arguments ({len(args)} given)")
    if len(args) < 2:
        arg = args[0] if args else 32
        if isinstance(arg, int):
            if arg < 0:
                raise ValueError("SID buffer size must not be negative")
            return _new_sid(bytes(arg))
        if isinstance(arg, PySID):
            return _new_sid(arg._buf)
        try:
            return _new_sid(memoryview(arg).tobytes())
        except TypeError:
            raise TypeError("Cant create a SID from these args") from None
    authority = _authority_bytes(args[0])
    try:
        subs = [_dword(sub, "sub authority") for sub in args[1]]
    except (TypeError, OverflowError):
        raise TypeError("sub authorities must be a sequence of integers.") from None
    if len(subs) > 8:
        raise TypeError("sub authorities sequence size must be <= 8")
    return _new_sid(_sid_bytes(authority, subs))


_SID_STRING = _re.compile(r"[sS]-1-(0[xX][0-9A-Fa-f]{1,12}|[0-9]+)((?:-[0-9]+)*)\Z")


def sid_from_string(text):
    """ConvertStringSidToSid for the numeric form 'S-1-<authority>-<sub>...'."""
    if not isinstance(text, str):
        raise TypeError(f"a string SID is required, not {type(text).__name__}")
    match = _SID_STRING.match(text)
    if match is None:
        _fail(1337, "ConvertStringSidToSid")
    authority_text, subs_text = match.groups()
    authority = int(authority_text, 16 if authority_text[:2] in ("0x", "0X") else 10)
    subs = [int(part) for part in subs_text.split("-")[1:]]
    if (authority >= 2**48 or len(subs) > _SID_MAX_SUB_AUTHORITIES
            or any(sub >= 2**32 for sub in subs)):
        _fail(1337, "ConvertStringSidToSid")
    return _new_sid(_sid_bytes(authority.to_bytes(6, "big"), subs))


def sid_of(authority, *subs):
    """A new PySID from an identifier authority (an int) and sub-authorities,
    e.g. sid_of(22, 1, uid) for S-1-22-1-<uid>, without parsing text."""
    return _new_sid(_sid_bytes(authority.to_bytes(6, "big"), subs))


def sid_to_string(sid):
    """ConvertSidToStringSid: the 'S-1-...' text of a valid PySID."""
    if not isinstance(sid, PySID):
        raise TypeError("The object is not a PySID object")
    if not sid.IsValid():
        _fail(1337, "ConvertSidToStringSid")
    return _sid_text(sid._buf)


def current_user_sid():
    """The SID standing for the calling POSIX user: S-1-22-1-<uid>, the
    "Unix User" authority Samba and Wine give users without a Windows
    account (groups are S-1-22-2-<gid>); the registry's HKEY_USERS uses it too."""
    return sid_from_string(f"S-1-22-1-{_os.getuid()}")


# ---------------------------------------------------------------- ACL

_ACL_HEADER = _struct.Struct("<BBHHH")  # revision, sbz1, AclSize, AceCount, sbz2
_ACE_HEADER = _struct.Struct("<BBHI")  # AceType, AceFlags, AceSize, Mask
_MIN_ACL_REVISION, _ACL_REVISION, _MAX_ACL_REVISION = 2, 2, 4
_ALLOWED, _DENIED, _AUDIT = 0, 1, 2  # ACCESS_ALLOWED/ACCESS_DENIED/SYSTEM_AUDIT_ACE_TYPE
_SID_ACE_TYPES = (0, 1, 2, 3, 0x11)  # mask then SID (incl. alarm, mandatory label)
_INHERIT_ONLY_ACE, _INHERITED_ACE, _VALID_INHERIT_FLAGS = 0x08, 0x10, 0x1F
_SUCCESSFUL_ACCESS_ACE_FLAG, _FAILED_ACCESS_ACE_FLAG = 0x40, 0x80
_ACE_STRUCT_SIZE = 12  # sizeof(ACCESS_ALLOWED_ACE), pywin32's growth step
# pywin32 re-sorts a DACL after each allow/deny add: explicit denies, object
# denies, allows, object allows, then inherited ACEs, each keeping its order.
_CANONICAL_RANK = {1: 0, 6: 1, 0: 2, 5: 3}


def _canonical(aces):
    # Other ACE types (audit, alarm, ...) have no place in Windows' DACL
    # order; they keep theirs, after the explicit allows.
    groups = [[] for _ in range(6)]
    for ace in aces:
        if ace[1] & _INHERITED_ACE:
            groups[5].append(ace)
        else:
            groups[_CANONICAL_RANK.get(ace[0], 4)].append(ace)
    return [ace for group in groups for ace in group]


class PyACL:
    """An access control list: a buffer of ``GetAclSize()`` bytes of ACEs."""

    __slots__ = ("_size", "_revision", "_aces")  # _aces: each ACE's raw bytes
    __new__ = _refuse_new

    def _used(self):
        return _ACL_HEADER.size + sum(len(ace) for ace in self._aces)

    def Initialize(self):
        """Initialize(): empties the ACL (its size and revision stay)."""
        self._aces = []

    def IsValid(self):
        """IsValid() -> bool: a known revision and ACEs that fit the size."""
        return (_MIN_ACL_REVISION <= self._revision <= _MAX_ACL_REVISION
                and self._used() <= self._size)

    def _add(self, funcname, ace_type, revision, flags, mask, sid, *,
             valid_flags=_VALID_INHERIT_FLAGS, reorder=True):
        if not isinstance(sid, PySID):
            raise TypeError("The object is not a PySID object")
        revision, flags = _dword(revision, "revision"), _dword(flags, "aceflags")
        mask = _dword(mask, "access")
        if not sid.IsValid():
            _fail(1337, funcname)
        if revision > _MAX_ACL_REVISION:
            _fail(1306, funcname)
        if flags & ~valid_flags:
            _fail(1004, funcname)
        raw_sid = bytes(sid)
        ace = _ACE_HEADER.pack(ace_type, flags, 8 + len(raw_sid), mask) + raw_sid
        aces = self._aces + [ace]
        if reorder and len(aces) > 1:
            aces = _canonical(aces)
        size = self._size
        # Where Windows fails with ERROR_ALLOTTED_SPACE_EXCEEDED, pywin32
        # retries in a bigger buffer; only the 64K ACL limit is final.
        if self._used() + len(ace) > size:
            size += _ACE_STRUCT_SIZE + len(raw_sid)
            if size > 0xFFFF:
                raise OverflowError(f"{funcname}: adding ACE would put ACL over size limit")
        self._aces, self._size = aces, size
        self._revision = max(self._revision, revision)

    def _add_access(self, funcname, ace_type, *args):
        if len(args) == 2:  # the old (access, sid) form implies ACL_REVISION
            args = (_ACL_REVISION,) + args
        if len(args) != 3:
            raise TypeError(f"{funcname}() takes 2 or 3 arguments ({len(args)} given)")
        self._add(funcname, ace_type, args[0], 0, args[1], args[2], valid_flags=0)

    AddAccessAllowedAce = _partialmethod(_add_access, "AddAccessAllowedAce", _ALLOWED)
    AddAccessDeniedAce = _partialmethod(_add_access, "AddAccessDeniedAce", _DENIED)
    # (revision, aceflags, access, sid)
    AddAccessAllowedAceEx = _partialmethod(_add, "AddAccessAllowedAceEx", _ALLOWED)
    AddAccessDeniedAceEx = _partialmethod(_add, "AddAccessDeniedAceEx", _DENIED)

    def _add_audit(self, funcname, revision, flags, mask, sid, success, failure):
        flags = _dword(flags, "AceFlags")
        if _index(success, "bAuditSuccess"):
            flags |= _SUCCESSFUL_ACCESS_ACE_FLAG
        if _index(failure, "bAuditFailure"):
            flags |= _FAILED_ACCESS_ACE_FLAG
        valid = _VALID_INHERIT_FLAGS | _SUCCESSFUL_ACCESS_ACE_FLAG | _FAILED_ACCESS_ACE_FLAG
        # pywin32 leaves SACLs in the order given.
        self._add(funcname, _AUDIT, revision, flags, mask, sid, valid_flags=valid,
                  reorder=False)

    def AddAuditAccessAce(self, dwAceRevision, dwAccessMask, sid, bAuditSuccess,
                          bAuditFailure):
        """AddAuditAccessAce(dwAceRevision, dwAccessMask, sid, bAuditSuccess,
        bAuditFailure): appends a SYSTEM_AUDIT ACE (SACLs keep their order)."""
        self._add_audit("AddAuditAccessAce", dwAceRevision, 0, dwAccessMask, sid,
                        bAuditSuccess, bAuditFailure)

    def AddAuditAccessAceEx(self, dwAceRevision, AceFlags, dwAccessMask, sid,
                            bAuditSuccess, bAuditFailure):
        """AddAuditAccessAceEx(dwAceRevision, AceFlags, dwAccessMask, sid,
        bAuditSuccess, bAuditFailure): AddAuditAccessAce with inheritance flags."""
        self._add_audit("AddAuditAccessAceEx", dwAceRevision, AceFlags, dwAccessMask,
                        sid, bAuditSuccess, bAuditFailure)

    def GetAclSize(self):
        """GetAclSize() -> int: the ACL's buffer size in bytes."""
        return self._size

    def GetAclRevision(self):
        """GetAclRevision() -> int: ACL_REVISION (2) or ACL_REVISION_DS (4)."""
        return self._revision

    def GetAceCount(self):
        """GetAceCount() -> int: the number of ACEs."""
        return len(self._aces)

    def _position(self, index, funcname):
        index = _index(index, "index")
        if not 0 <= index < len(self._aces):
            _fail(87, funcname)
        return index

    def GetAce(self, index):
        """((AceType, AceFlags), Mask, sid).  The mask is signed 32-bit, as
        pywin32 returns it (GENERIC_READ comes back as -2147483648)."""
        ace = self._aces[self._position(index, "GetAce")]
        ace_type, flags, _, mask = _ACE_HEADER.unpack_from(ace)
        if ace_type not in _SID_ACE_TYPES:
            # Object ACEs carry GUIDs before the SID; reading them back is not
            # implemented yet, and says so the project's way.
            _fail(50, "GetAce")  # ERROR_NOT_SUPPORTED
        return ((ace_type, flags), mask - (mask >> 31 << 32), _new_sid(ace[8:]))

    def DeleteAce(self, index):
        """DeleteAce(index): removes one ACE (a bad index is ERROR_INVALID_PARAMETER)."""
        del self._aces[self._position(index, "DeleteAce")]

    def AddMandatoryAce(self, AceRevision, AceFlags, MandatoryPolicy, LabelSid):
        """AddMandatoryAce(AceRevision, AceFlags, MandatoryPolicy, LabelSid):
        appends a mandatory label ACE (integrity level SID, policy bits
        SYSTEM_MANDATORY_LABEL_NO_WRITE_UP etc.) as SACLs hold them."""
        self._add("AddMandatoryAce", _MANDATORY_LABEL, AceRevision, AceFlags, MandatoryPolicy,
                  LabelSid, reorder=False)

    def AddAccessAllowedObjectAce(self, AceRevision, AceFlags, AccessMask, ObjectTypeGuid,
                                  InheritedObjectTypeGuid, sid):
        """AddAccessAllowedObjectAce(...): raises ERROR_NOT_SUPPORTED.

        On POSIX: not supported (object ACEs qualify rights by directory-service object types)."""
        _fail(50, "AddAccessAllowedObjectAce")

    def AddAuditAccessObjectAce(self, dwAceRevision, AceFlags, dwAccessMask, ObjectTypeGuid,
                                InheritedObjectTypeGuid, sid, bAuditSuccess, bAuditFailure):
        """AddAuditAccessObjectAce(...): raises ERROR_NOT_SUPPORTED.

        On POSIX: not supported (object ACEs qualify rights by directory-service object types)."""
        _fail(50, "AddAuditAccessObjectAce")

    def GetExplicitEntriesFromAcl(self):
        """GetExplicitEntriesFromAcl() -> tuple of EXPLICIT_ACCESS dicts
        (AccessPermissions, AccessMode, Inheritance, Trustee) for the ACEs
        that are not inherited: allow is GRANT_ACCESS, deny DENY_ACCESS,
        audit SET_AUDIT_SUCCESS / SET_AUDIT_FAILURE."""
        entries = []
        for ace_type, flags, mask, sid in acl_entries(self):
            if sid is None or flags & _INHERITED_ACE or ace_type not in (_ALLOWED, _DENIED, _AUDIT):
                continue
            modes = [_GRANT_ACCESS] if ace_type == _ALLOWED else [_DENY_ACCESS] if ace_type == _DENIED else \
                [mode for bit, mode in ((_SUCCESSFUL_ACCESS_ACE_FLAG, _SET_AUDIT_SUCCESS),
                                        (_FAILED_ACCESS_ACE_FLAG, _SET_AUDIT_FAILURE)) if flags & bit]
            for mode in modes:
                entries.append({"AccessPermissions": mask, "AccessMode": mode,
                                "Inheritance": flags & _VALID_INHERIT_FLAGS,
                                "Trustee": {"TrusteeForm": _TRUSTEE_IS_SID, "TrusteeType": _TRUSTEE_IS_UNKNOWN,
                                            "Identifier": sid, "MultipleTrustee": None,
                                            "MultipleTrusteeOperation": 0}})
        return tuple(entries)

    def SetEntriesInAcl(self, obexpl_list):
        """SetEntriesInAcl(obexpl_list) -> a new PyACL: this one with the
        EXPLICIT_ACCESS entries merged in, as Windows merges them:
        GRANT_ACCESS adds rights to the trustee's allow ACE, SET_ACCESS
        replaces the trustee's allow and deny ACEs, DENY_ACCESS adds a deny
        ACE, REVOKE_ACCESS removes the trustee's allow ACEs, SET_AUDIT_* add
        audit ACEs. The result is in canonical order (denies, allows, then
        inherited ACEs). A trustee is a PySID or an account name
        (TRUSTEE_IS_NAME); an unknown mode is ERROR_INVALID_PARAMETER."""
        aces = acl_entries(self)
        for entry in obexpl_list:
            try:
                mask = _dword(entry["AccessPermissions"], "AccessPermissions")
                mode = _index(entry["AccessMode"], "AccessMode")
                flags = _dword(entry.get("Inheritance", 0), "Inheritance") & _VALID_INHERIT_FLAGS
                sid = _trustee_sid(entry["Trustee"])
            except (KeyError, AttributeError):
                raise TypeError("each entry must be an EXPLICIT_ACCESS dict") from None
            mine = [ace for ace in aces if ace[3] == sid and not ace[1] & _INHERITED_ACE]
            if mode == _GRANT_ACCESS:
                for i, ace in enumerate(aces):
                    if ace in mine and ace[0] == _ALLOWED and ace[1] == flags:
                        aces[i] = (ace[0], ace[1], ace[2] | mask, sid)
                        break
                else:
                    aces.append((_ALLOWED, flags, mask, sid))
            elif mode == _SET_ACCESS:
                aces = [ace for ace in aces if not (ace in mine and ace[0] in (_ALLOWED, _DENIED))]
                aces.append((_ALLOWED, flags, mask, sid))
            elif mode == _DENY_ACCESS:
                aces.append((_DENIED, flags, mask, sid))
            elif mode == _REVOKE_ACCESS:
                aces = [ace for ace in aces if not (ace in mine and ace[0] == _ALLOWED)]
            elif mode in (_SET_AUDIT_SUCCESS, _SET_AUDIT_FAILURE):
                bit = _SUCCESSFUL_ACCESS_ACE_FLAG if mode == _SET_AUDIT_SUCCESS else _FAILED_ACCESS_ACE_FLAG
                aces.append((_AUDIT, flags | bit, mask, sid))
            else:
                _fail(87, "SetEntriesInAcl")
        explicit = [ace for ace in aces if not ace[1] & _INHERITED_ACE]
        ordered = [a for a in explicit if a[0] == _DENIED] + [a for a in explicit if a[0] != _DENIED] + \
            [ace for ace in aces if ace[1] & _INHERITED_ACE]
        return acl_from_aces(ordered, self._revision)

    def GetEffectiveRightsFromAcl(self, trustee):
        """GetEffectiveRightsFromAcl(trustee) -> int: the access mask the ACL
        grants the trustee (a PySID, or a TRUSTEE dict), counting the groups
        it is in, deny ACEs taking away what earlier ACEs had not granted.
        On POSIX: a user's groups are its POSIX groups plus Everyone,
        Authenticated Users and BUILTIN\\Users (BUILTIN\\Administrators for root)."""
        sids = _trustee_and_groups(_trustee_sid(trustee))
        granted = denied = 0
        for ace_type, flags, mask, sid in acl_entries(self):
            if sid is None or flags & _INHERIT_ONLY_ACE or bytes(sid) not in sids:
                continue
            if ace_type == _ALLOWED:
                granted |= mask & ~denied
            elif ace_type == _DENIED:
                denied |= mask & ~granted
        return granted

    def GetAuditedPermissionsFromAcl(self, trustee):
        """GetAuditedPermissionsFromAcl(trustee) -> (SuccessfulAuditedRights,
        FailedAuditRights): the masks the audit ACEs for the trustee (and
        its groups) record."""
        sids = _trustee_and_groups(_trustee_sid(trustee))
        success = failure = 0
        for ace_type, flags, mask, sid in acl_entries(self):
            if ace_type != _AUDIT or flags & _INHERIT_ONLY_ACE or bytes(sid) not in sids:
                continue
            if flags & _SUCCESSFUL_ACCESS_ACE_FLAG:
                success |= mask
            if flags & _FAILED_ACCESS_ACE_FLAG:
                failure |= mask
        return success, failure

    def _to_bytes(self):
        head = _ACL_HEADER.pack(self._revision, 0, self._size, len(self._aces), 0)
        body = b"".join(self._aces)
        return head + body + bytes(self._size - len(head) - len(body))


_MANDATORY_LABEL = 0x11
_GRANT_ACCESS, _SET_ACCESS, _DENY_ACCESS, _REVOKE_ACCESS = 1, 2, 3, 4
_SET_AUDIT_SUCCESS, _SET_AUDIT_FAILURE = 5, 6
_TRUSTEE_IS_SID, _TRUSTEE_IS_NAME, _TRUSTEE_IS_UNKNOWN = 0, 1, 0


def _trustee_sid(trustee):
    """The PySID a trustee (a PySID or a TRUSTEE dict) names."""
    if isinstance(trustee, PySID):
        return trustee
    if not isinstance(trustee, dict):
        raise TypeError("a trustee must be a PySID or a TRUSTEE dict")
    form, identifier = trustee.get("TrusteeForm", _TRUSTEE_IS_SID), trustee.get("Identifier")
    if form == _TRUSTEE_IS_SID and isinstance(identifier, PySID):
        return identifier
    if form == _TRUSTEE_IS_NAME and isinstance(identifier, str):
        import win32security
        return win32security.LookupAccountName(None, identifier)[0]
    raise TypeError("a TRUSTEE dict needs TrusteeForm TRUSTEE_IS_SID with a PySID Identifier, "
                    "or TRUSTEE_IS_NAME with a str")


def _trustee_and_groups(sid):
    """The binary SIDs an access check for ``sid`` matches: itself, and for
    a POSIX user its groups and the groups every local user is in."""
    from pywin32_posix import _security_tokens
    text = sid_to_string(sid)
    found = {bytes(sid), bytes(sid_from_string("S-1-1-0"))}
    parts = text.split("-")
    if len(parts) == 5 and parts[1:4] == ["1", "22", "1"] and parts[4].isdigit():
        import pwd
        uid = int(parts[4])
        try:
            entry = pwd.getpwuid(uid)
            gids = _os.getgrouplist(entry.pw_name, entry.pw_gid)
            gid = entry.pw_gid
        except KeyError:
            gids, gid = [], None
        if gid is not None:
            credentials = _security_tokens.Credentials(uid, gid, gids, 0, 0, 0, 0o22)
            found |= {bytes(group) for group, _ in _security_tokens.token_groups(credentials)}
    return found


def _new_acl(size, revision, aces):
    acl = object.__new__(PyACL)
    acl._size, acl._revision, acl._aces = size, revision, list(aces)
    return acl


def acl_from_aces(aces, revision=_ACL_REVISION):
    """A PyACL holding exactly ``aces`` in the order given: each is
    (AceType, AceFlags, Mask, PySID) of an ACE type whose body is a mask then
    a SID (allow, deny, audit, alarm, mandatory label)."""
    raw = []
    for ace_type, flags, mask, sid in aces:
        sid_raw = bytes(sid)
        raw.append(_ACE_HEADER.pack(ace_type, flags, 8 + len(sid_raw), mask & 0xFFFFFFFF) + sid_raw)
    size = _ACL_HEADER.size + sum(len(ace) for ace in raw)
    if size > 0xFFFF:
        raise OverflowError("an ACL cannot exceed 64K")
    return _new_acl(size, revision, raw)


def acl_entries(acl):
    """The ACEs of ``acl`` as (AceType, AceFlags, Mask, PySID-or-None)
    tuples, the mask unsigned; object ACEs have no SID here (None)."""
    entries = []
    for ace in acl._aces:
        ace_type, flags, _, mask = _ACE_HEADER.unpack_from(ace)
        sid = _new_sid(ace[8:8 + _sid_length(ace[8:10])]) if ace_type in _SID_ACE_TYPES else None
        entries.append((ace_type, flags, mask, sid))
    return entries


def ACL(bufSize=64, aclrev=_ACL_REVISION):
    """pywintypes.ACL(): an empty ACL in a ``bufSize``-byte buffer.

    pywin32 ignores InitializeAcl failing here; we raise what it reports.
    """
    size, revision = _index(bufSize, "bufSize"), _index(aclrev, "aclrev")
    if size < _ACL_HEADER.size:
        _fail(122, "InitializeAcl")
    if size > 0xFFFF or not _MIN_ACL_REVISION <= revision <= _MAX_ACL_REVISION:
        _fail(87, "InitializeAcl")
    return _new_acl(size, revision, ())


def _parse_sid_at(data, offset, limit):
    raw = bytes(data[offset:offset + _sid_length(data[offset:offset + 2])])
    if offset + len(raw) > limit or not _sid_valid(raw):
        raise ValueError("bad SID")
    return raw


def _acl_from_bytes(data, offset=0):
    if offset + _ACL_HEADER.size > len(data):
        raise ValueError("truncated ACL")
    revision, _, size, count, _ = _ACL_HEADER.unpack_from(data, offset)
    end, pos, aces = offset + size, offset + _ACL_HEADER.size, []
    if (not _MIN_ACL_REVISION <= revision <= _MAX_ACL_REVISION
            or size < _ACL_HEADER.size or end > len(data)):
        raise ValueError("bad ACL header")
    for _ in range(count):
        if pos + _ACE_HEADER.size > end:
            raise ValueError("truncated ACE")
        ace_type, _, ace_size, _ = _ACE_HEADER.unpack_from(data, pos)
        if ace_size < _ACE_HEADER.size or ace_size % 4 or pos + ace_size > end:
            raise ValueError("bad ACE size")
        if ace_type in _SID_ACE_TYPES:
            _parse_sid_at(data, pos + 8, pos + ace_size)
        aces.append(bytes(data[pos:pos + ace_size]))
        pos += ace_size
    return _new_acl(size, revision, aces)


# ------------------------------------------------------ SECURITY_DESCRIPTOR

_SD_HEADER = _struct.Struct("<BBHIIII")  # rev, sbz1, control, owner, group, sacl, dacl
_SE_OWNER_DEFAULTED, _SE_GROUP_DEFAULTED = 0x0001, 0x0002
_SE_DACL_PRESENT, _SE_DACL_DEFAULTED = 0x0004, 0x0008
_SE_SACL_PRESENT, _SE_SACL_DEFAULTED = 0x0010, 0x0020
_SE_SELF_RELATIVE = 0x8000
_SE_SETTABLE_CONTROL = 0x3FC0  # the inheritance bits SetSecurityDescriptorControl may touch
_BAD_SD = "Data is not a valid security descriptor"


def _set_bit(control, bit, on):
    return (control | bit) if on else (control & ~bit)


def _part_getter(attr, build, doc):
    def getter(self):
        raw = getattr(self, attr)
        return None if raw is None else build(raw)
    getter.__doc__ = doc + ": a fresh copy each call."
    return getter


class PySECURITY_DESCRIPTOR:
    """A security descriptor, kept self-relative as pywin32 keeps it."""

    __slots__ = ("_control", "_owner", "_group", "_sacl", "_dacl")
    __new__ = _refuse_new

    def Initialize(self):
        """Initialize(): empties the descriptor (no owner, group, DACL or SACL)."""
        self._control = _SE_SELF_RELATIVE
        self._owner = self._group = self._sacl = self._dacl = None

    def _sid_part(self, sid, defaulted, bit, funcname):
        if sid is not None and not isinstance(sid, PySID):
            raise TypeError("The object is not a PySID object")
        defaulted = _index(defaulted, "defaulted")
        if sid is not None and not sid.IsValid():
            # pywin32 checks the group itself; a bad owner only trips the
            # validity check of its MakeSelfRelativeSD step.
            if funcname == "SetSecurityDescriptorGroup":
                _fail(1337, funcname + " - invalid sid")
            raise ValueError("Invalid Security descriptor")
        self._control = _set_bit(self._control, bit, defaulted)
        return None if sid is None else bytes(sid)

    def SetSecurityDescriptorOwner(self, sid, bOwnerDefaulted):
        """SetSecurityDescriptorOwner(sid, bOwnerDefaulted): sets (a copy of) the owner SID, or None."""
        self._owner = self._sid_part(sid, bOwnerDefaulted, _SE_OWNER_DEFAULTED,
                                     "SetSecurityDescriptorOwner")

    def SetSecurityDescriptorGroup(self, sid, bOwnerDefaulted):
        """SetSecurityDescriptorGroup(sid, bOwnerDefaulted): sets (a copy of) the primary group SID, or None."""
        self._group = self._sid_part(sid, bOwnerDefaulted, _SE_GROUP_DEFAULTED,
                                     "SetSecurityDescriptorGroup")

    def _acl_part(self, present, acl, defaulted, present_bit, defaulted_bit):
        if acl is not None and not isinstance(acl, PyACL):
            raise TypeError("The object is not a PyACL object")
        present, defaulted = _index(present, "present"), _index(defaulted, "defaulted")
        self._control = _set_bit(self._control, present_bit, present)
        if not present:  # Windows then ignores the ACL and the defaulted flag
            return None
        self._control = _set_bit(self._control, defaulted_bit, defaulted)
        # Present with None is a NULL DACL: no protection at all.
        return None if acl is None else acl._to_bytes()

    def SetSecurityDescriptorDacl(self, bDaclPresent, DACL, bDaclDefaulted):
        """SetSecurityDescriptorDacl(bDaclPresent, DACL, bDaclDefaulted): sets
        (a copy of) the DACL; present with None is a NULL DACL (no protection)."""
        self._dacl = self._acl_part(bDaclPresent, DACL, bDaclDefaulted,
                                    _SE_DACL_PRESENT, _SE_DACL_DEFAULTED)

    SetDacl = SetSecurityDescriptorDacl

    def SetSecurityDescriptorSacl(self, bSaclPresent, SACL, bSaclDefaulted):
        """SetSecurityDescriptorSacl(bSaclPresent, SACL, bSaclDefaulted): sets (a copy of) the SACL."""
        self._sacl = self._acl_part(bSaclPresent, SACL, bSaclDefaulted,
                                    _SE_SACL_PRESENT, _SE_SACL_DEFAULTED)

    # Each call hands out a fresh copy, or None when absent (or a NULL DACL).
    GetSecurityDescriptorOwner = _part_getter("_owner", _new_sid, "GetSecurityDescriptorOwner() -> PySID or None")
    GetSecurityDescriptorGroup = _part_getter("_group", _new_sid, "GetSecurityDescriptorGroup() -> PySID or None")
    GetSecurityDescriptorDacl = _part_getter("_dacl", _acl_from_bytes,
                                             "GetSecurityDescriptorDacl() -> PyACL, or None (absent or NULL)")
    GetSecurityDescriptorSacl = _part_getter("_sacl", _acl_from_bytes, "GetSecurityDescriptorSacl() -> PyACL or None")

    def GetSecurityDescriptorControl(self):
        """GetSecurityDescriptorControl() -> (control bits, revision 1)."""
        return (self._control, 1)

    def SetSecurityDescriptorControl(self, ControlBitsOfInterest, ControlBitsToSet):
        """SetSecurityDescriptorControl(ControlBitsOfInterest, ControlBitsToSet):
        changes the inheritance control bits (SE_DACL_PROTECTED, ...); others
        raise ERROR_INVALID_PARAMETER."""
        interest = _dword(ControlBitsOfInterest, "ControlBitsOfInterest")
        to_set = _dword(ControlBitsToSet, "ControlBitsToSet")
        if (interest | to_set) & ~_SE_SETTABLE_CONTROL:
            _fail(87, "SetSecurityDescriptorControl")
        self._control = (self._control & ~interest) | (to_set & interest)

    def IsValid(self):
        """IsValid() -> True: every mutator validates, so the stored form always is."""
        return True  # every mutator validates, so the stored form always is

    def IsSelfRelative(self):
        """IsSelfRelative() -> True: descriptors are kept self-relative, as pywin32 keeps them."""
        return True

    def GetLength(self):
        """GetLength() -> int: the size of the self-relative form, bytes(sd)."""
        return len(bytes(self))

    def __bytes__(self):
        # Windows lays the parts out as SACL, DACL, owner, group.
        offsets, body = [0, 0, 0, 0], b""
        for slot, part in ((2, self._sacl), (3, self._dacl), (0, self._owner),
                           (1, self._group)):
            if part is not None:
                offsets[slot] = _SD_HEADER.size + len(body)
                body += part
        return _SD_HEADER.pack(1, 0, self._control, *offsets) + body


def SECURITY_DESCRIPTOR(data=None):
    """pywintypes.SECURITY_DESCRIPTOR(): empty, or read from self-relative
    bytes (``bytes(sd)`` or what Windows stores).  An int is pywin32's old
    buffer-size argument and is ignored."""
    sd = object.__new__(PySECURITY_DESCRIPTOR)
    sd.Initialize()
    if data is None or isinstance(data, int):
        return sd
    try:
        data = bytes(data if isinstance(data, PySECURITY_DESCRIPTOR) else memoryview(data))
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{type(data).__name__}'") from None
    if len(data) < _SD_HEADER.size or data[0] != 1:
        raise ValueError(_BAD_SD)
    _, _, control, owner, group, sacl, dacl = _SD_HEADER.unpack_from(data)
    if not control & _SE_SELF_RELATIVE:
        raise ValueError("Security descriptor created from a buffer must be self relative")
    sd._control = control
    try:
        sd._owner = _parse_sid_at(data, owner, len(data)) if owner else None
        sd._group = _parse_sid_at(data, group, len(data)) if group else None
        if sacl and control & _SE_SACL_PRESENT:
            sd._sacl = _acl_from_bytes(data, sacl)._to_bytes()
        if dacl and control & _SE_DACL_PRESENT:
            sd._dacl = _acl_from_bytes(data, dacl)._to_bytes()
    except ValueError:
        raise ValueError(_BAD_SD) from None
    return sd


# ------------------------------------------------------ SECURITY_ATTRIBUTES

class PySECURITY_ATTRIBUTES:
    """bInheritHandle and SECURITY_DESCRIPTOR (a descriptor or None).  As in
    pywin32 the descriptor's methods work on this object directly, e.g.
    ``sa.SetSecurityDescriptorDacl(1, None, 0)``."""

    __slots__ = ("bInheritHandle", "SECURITY_DESCRIPTOR")
    __new__ = _refuse_new

    def __setattr__(self, name, value):
        if name == "bInheritHandle":
            value = _index(value, "bInheritHandle")
            if not -(2**31) <= value < 2**31:
                raise OverflowError("bInheritHandle must fit in a C int")
        elif name == "SECURITY_DESCRIPTOR":
            if value is not None and not isinstance(value, PySECURITY_DESCRIPTOR):
                raise TypeError("The object is not a PySECURITY_DESCRIPTOR object")
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        raise AttributeError("can't delete SECURITY_ATTRIBUTES attributes")

    def __getattr__(self, name):
        # Only reached for names the object itself lacks.
        try:
            sd = object.__getattribute__(self, "SECURITY_DESCRIPTOR")
        except AttributeError:
            sd = None
        if sd is None or name.startswith("_"):
            raise AttributeError(f"'PySECURITY_ATTRIBUTES' object has no attribute '{name}'")
        return getattr(sd, name)


def SECURITY_ATTRIBUTES():
    """pywintypes.SECURITY_ATTRIBUTES(): bInheritHandle=1 and a fresh, empty
    SECURITY_DESCRIPTOR (no DACL, so default security), as pywin32 builds it."""
    sa = object.__new__(PySECURITY_ATTRIBUTES)
    sa.bInheritHandle = 1
    sa.SECURITY_DESCRIPTOR = SECURITY_DESCRIPTOR()
    return sa


SIDType, ACLType = PySID, PyACL
SECURITY_DESCRIPTORType, SECURITY_ATTRIBUTESType = PySECURITY_DESCRIPTOR, PySECURITY_ATTRIBUTES


# ------------------------------------------------------ POSIX permissions

_GENERIC_READ, _GENERIC_WRITE = 0x80000000, 0x40000000
_GENERIC_EXECUTE, _GENERIC_ALL = 0x20000000, 0x10000000
_FILE_READ_DATA, _FILE_WRITE_DATA, _FILE_APPEND_DATA = 0x1, 0x2, 0x4
_FILE_EXECUTE, _FILE_ALL_ACCESS = 0x20, 0x1F01FF
_EVERYBODY_SIDS = ("S-1-1-0", "S-1-5-11", "S-1-5-32-545")


def _rwx(mask, deny):
    full = bool(mask & _GENERIC_ALL) or mask & _FILE_ALL_ACCESS == _FILE_ALL_ACCESS
    bits = 4 if full or mask & (_GENERIC_READ | _FILE_READ_DATA) else 0
    if full or mask & (_GENERIC_WRITE | _FILE_WRITE_DATA | _FILE_APPEND_DATA):
        bits |= 2
    # Full access grants data rights only (created objects are data and an x
    # bit would surprise), but denying it must take x away as well.
    if mask & _GENERIC_EXECUTE or (deny if full else mask & _FILE_EXECUTE):
        bits |= 1
    return bits


def posix_mode_from_security_attributes(sa, default=0o600):
    """The POSIX mode bits (before umask) that ``sa`` (a SECURITY_ATTRIBUTES,
    a SECURITY_DESCRIPTOR or None) asks for on an object the caller creates.

    No descriptor, or no DACL in it, means default security: ``default``.  A
    NULL DACL (present, None) allows everyone: 0o666.  Otherwise each allow/
    deny ACE that applies to the object itself (not inherit-only) counts:

    * trustee: ``current_user_sid()`` -> owner bits; Everyone (S-1-1-0),
      Authenticated Users (S-1-5-11), BUILTIN\\Users (S-1-5-32-545) -> owner,
      group and other bits (on Windows the owner is in those groups too);
      other SIDs are ignored;
    * rights: GENERIC_READ, FILE_READ_DATA (so FILE_GENERIC_READ) -> r;
      GENERIC_WRITE, FILE_WRITE_DATA, FILE_APPEND_DATA -> w; GENERIC_EXECUTE,
      FILE_EXECUTE -> x; GENERIC_ALL, FILE_ALL_ACCESS -> rw (rwx if denied).

    Deny ACEs remove their bits wherever they sit, which matches Windows'
    in-order evaluation for canonical (deny-first) DACLs and is stricter
    otherwise.  An empty DACL gives 0.
    """
    if isinstance(sa, PySECURITY_ATTRIBUTES):
        sd = sa.SECURITY_DESCRIPTOR
    elif sa is None or isinstance(sa, PySECURITY_DESCRIPTOR):
        sd = sa
    else:
        raise TypeError("The object is not a PySECURITY_ATTRIBUTES object")
    if sd is None or not sd._control & _SE_DACL_PRESENT:
        return default
    if sd._dacl is None:
        return 0o666
    owner = bytes(current_user_sid())
    everybody = {bytes(sid_from_string(text)) for text in _EVERYBODY_SIDS}
    allowed = denied = 0
    for ace in _acl_from_bytes(sd._dacl)._aces:
        ace_type, flags, _, mask = _ACE_HEADER.unpack_from(ace)
        if ace_type not in (_ALLOWED, _DENIED) or flags & _INHERIT_ONLY_ACE:
            continue
        trustee = ace[8:8 + _sid_length(ace[8:10])]
        classes = 0o700 if trustee == owner else 0o777 if trustee in everybody else 0
        bits = _rwx(mask, ace_type == _DENIED) * 0o111 & classes
        if ace_type == _DENIED:
            denied |= bits
        else:
            allowed |= bits
    return allowed & ~denied
