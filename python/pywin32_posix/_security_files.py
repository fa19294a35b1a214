"""A file's security descriptor on POSIX: owner and group from its uid and
gid, the DACL from its POSIX access ACL (system.posix_acl_access, or the mode
bits when it has none) and, on a directory, the inheritable ACEs from its
default ACL (system.posix_acl_default).

Reading gives a canonical DACL that evaluates, by Windows' rules, to what
POSIX grants each ACL entry: deny ACEs first for rights a class lacks but
would get through Everyone (or through a group, for the owner and named
users), then one allow ACE per entry, then SYSTEM and BUILTIN\\Administrators
with full access, as root is never refused by POSIX permissions. Writing
computes each entry as Windows would grant its trustee, and refuses (never
drops) what a POSIX ACL cannot hold; see docs/win32security.md.
"""
import errno as _errno
import functools as _functools
import grp as _grp
import os as _os
import pwd as _pwd
import stat as _stat
import struct as _struct

from pywin32_posix import _security
from pywin32_posix._security_tokens import fail, group_sid, user_sid

ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_ACCESS_DENIED = 2, 3, 5
ERROR_NOT_SUPPORTED, ERROR_INVALID_PARAMETER = 50, 87
ERROR_INVALID_OWNER, ERROR_INVALID_PRIMARY_GROUP, ERROR_INVALID_ACL = 1307, 1308, 1336

OWNER_INFO, GROUP_INFO, DACL_INFO, SACL_INFO, LABEL_INFO = 0x1, 0x2, 0x4, 0x8, 0x10

_ACCESS_XATTR, _DEFAULT_XATTR = "system.posix_acl_access", "system.posix_acl_default"
_USER_OBJ, _USER, _GROUP_OBJ, _GROUP, _MASK, _OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
_UNDEFINED_ID = 0xFFFFFFFF
_XATTR_VERSION = 2
_ENTRY = _struct.Struct("<HHI")

_ALLOWED, _DENIED = 0, 1
_OI, _CI, _NP, _IO, _ID = 0x1, 0x2, 0x4, 0x8, 0x10
_GENERIC_READ, _GENERIC_WRITE, _GENERIC_EXECUTE, _GENERIC_ALL = 0x80000000, 0x40000000, 0x20000000, 0x10000000
_FILE_READ_DATA, _FILE_WRITE_DATA, _FILE_APPEND_DATA, _FILE_EXECUTE = 0x1, 0x2, 0x4, 0x20
FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE = 0x120089, 0x120116, 0x1200A0
FILE_ALL_ACCESS = 0x1F01FF
# Denying uses the specific rights only: the standard rights (READ_CONTROL,
# SYNCHRONIZE) in FILE_GENERIC_WRITE are needed to read, too.
_DENY_MASKS = {4: 0x9, 2: 0x116, 1: 0x20}
_ALLOW_MASKS = {4: FILE_GENERIC_READ, 2: FILE_GENERIC_WRITE, 1: FILE_GENERIC_EXECUTE}

_EVERYONE, _CREATOR_OWNER, _CREATOR_GROUP = "S-1-1-0", "S-1-3-0", "S-1-3-1"
_ROOT_SIDS = ("S-1-5-18", "S-1-5-32-544")  # SYSTEM, BUILTIN\Administrators

def os_error(exc, function):
    """Raises the pywintypes.error an OSError stands for (through the
    package's one errno map, in the C++ core)."""
    from pywin32_posix._w32 import win32security as _native
    fail(_native.win32_from_errno(exc.errno or _errno.EIO), function)


# ---------------------------------------------------------- POSIX ACLs

class PosixAcl:
    """owner, group and other permissions (rwx as 0-7), named users and
    groups {id: perms}, and the mask (None when the ACL has no named
    entries)."""

    __slots__ = ("owner", "group", "other", "users", "groups", "mask")

    def __init__(self, owner, group, other, users=None, groups=None, mask=None):
        self.owner, self.group, self.other = owner, group, other
        self.users, self.groups, self.mask = dict(users or {}), dict(groups or {}), mask

    @classmethod
    def from_mode(cls, mode):
        """The minimal ACL of mode bits."""
        return cls(mode >> 6 & 7, mode >> 3 & 7, mode & 7)

    @classmethod
    def from_xattr(cls, data):
        """Parses the kernel's system.posix_acl_* value."""
        if len(data) < 4 or _struct.unpack_from("<I", data)[0] != _XATTR_VERSION or (len(data) - 4) % 8:
            raise ValueError("not a POSIX ACL")
        acl = cls(0, 0, 0)
        for offset in range(4, len(data), 8):
            tag, perm, ident = _ENTRY.unpack_from(data, offset)
            perm &= 7
            if tag == _USER_OBJ:
                acl.owner = perm
            elif tag == _USER:
                acl.users[ident] = perm
            elif tag == _GROUP_OBJ:
                acl.group = perm
            elif tag == _GROUP:
                acl.groups[ident] = perm
            elif tag == _MASK:
                acl.mask = perm
            elif tag == _OTHER:
                acl.other = perm
        return acl

    def to_xattr(self):
        """The kernel's form: entries sorted by tag, then id."""
        entries = [(_USER_OBJ, self.owner, _UNDEFINED_ID)]
        entries += [(_USER, perm, uid) for uid, perm in sorted(self.users.items())]
        entries.append((_GROUP_OBJ, self.group, _UNDEFINED_ID))
        entries += [(_GROUP, perm, gid) for gid, perm in sorted(self.groups.items())]
        if self.mask is not None:
            entries.append((_MASK, self.mask, _UNDEFINED_ID))
        entries.append((_OTHER, self.other, _UNDEFINED_ID))
        return _struct.pack("<I", _XATTR_VERSION) + b"".join(_ENTRY.pack(*entry) for entry in entries)

    def is_minimal(self):
        """True when mode bits alone can hold it."""
        return not self.users and not self.groups

    def effective(self, perm):
        """What the mask leaves of a group-class entry's permissions."""
        return perm if self.mask is None else perm & self.mask


def _read_acl(target, name):
    try:
        return PosixAcl.from_xattr(_os.getxattr(target, name))
    except OSError as exc:
        if exc.errno in (_errno.ENODATA, _errno.EOPNOTSUPP):
            return None
        raise


# ---------------------------------------------------------- ACL -> DACL

def _rwx_of(mask):
    bits = 0
    if mask & (_FILE_READ_DATA | _GENERIC_READ | _GENERIC_ALL):
        bits |= 4
    if mask & (_FILE_WRITE_DATA | _FILE_APPEND_DATA | _GENERIC_WRITE | _GENERIC_ALL):
        bits |= 2
    if mask & (_FILE_EXECUTE | _GENERIC_EXECUTE | _GENERIC_ALL):
        bits |= 1
    return bits


def _mask_of(bits, table):
    mask = 0
    for bit, value in table.items():
        if bits & bit:
            mask |= value
    return mask


@_functools.lru_cache(maxsize=None)
def _sid_bytes(text):
    return bytes(_security.sid_from_string(text))


def _sid(text):
    # The well-known SIDs are parsed once; each caller gets its own PySID.
    return _security.SID(_sid_bytes(text))


def _canonical_aces(acl, owner_sid, group_sid_, everyone, flags):
    """(denies, allows) for one POSIX ACL; trustees given as PySIDs."""
    groups = [(group_sid_, acl.effective(acl.group))] + \
        [(group_sid(gid), acl.effective(perm)) for gid, perm in sorted(acl.groups.items())]
    group_union = 0
    for _, perm in groups:
        group_union |= perm
    users = [(owner_sid, acl.owner)] + [(user_sid(uid), acl.effective(perm)) for uid, perm in sorted(acl.users.items())]
    denies, allows = [], []
    for sid, perm in users:
        missing = (group_union | acl.other) & ~perm
        if missing:
            denies.append((_DENIED, flags, _mask_of(missing, _DENY_MASKS), sid))
    for sid, perm in groups:
        missing = acl.other & ~perm
        if missing:
            denies.append((_DENIED, flags, _mask_of(missing, _DENY_MASKS), sid))
    for sid, perm in users + groups + [(everyone, acl.other)]:
        if perm:
            allows.append((_ALLOWED, flags, _mask_of(perm, _ALLOW_MASKS), sid))
    return denies, allows


def dacl_of(st, access, default):
    """The canonical DACL of a file with stat ``st``, access ACL ``access``
    (None: its mode) and default ACL ``default`` (directories; or None)."""
    access = access or PosixAcl.from_mode(_stat.S_IMODE(st.st_mode))
    everyone = _sid(_EVERYONE)
    denies, allows = _canonical_aces(access, user_sid(st.st_uid), group_sid(st.st_gid), everyone, 0)
    if default is not None:
        inherit = _OI | _CI | _IO
        more_denies, more_allows = _canonical_aces(default, _sid(_CREATOR_OWNER), _sid(_CREATOR_GROUP),
                                                   everyone, inherit)
        denies += more_denies
        allows += more_allows
    allows += [(_ALLOWED, 0, FILE_ALL_ACCESS, _sid(text)) for text in _ROOT_SIDS]
    return _security.acl_from_aces(denies + allows)


def security_descriptor(target, information, function):
    """The PySECURITY_DESCRIPTOR of a path or file descriptor."""
    try:
        st = _os.stat(target)
        sd = _security.SECURITY_DESCRIPTOR()
        if information & OWNER_INFO:
            sd.SetSecurityDescriptorOwner(user_sid(st.st_uid), False)
        if information & GROUP_INFO:
            sd.SetSecurityDescriptorGroup(group_sid(st.st_gid), False)
        if information & DACL_INFO:
            access = _read_acl(target, _ACCESS_XATTR)
            default = _read_acl(target, _DEFAULT_XATTR) if _stat.S_ISDIR(st.st_mode) else None
            sd.SetSecurityDescriptorDacl(True, dacl_of(st, access, default), False)
        if information & SACL_INFO:
            # POSIX files carry no audit entries: an empty SACL says so.
            sd.SetSecurityDescriptorSacl(True, _security.ACL(), False)
    except OSError as exc:
        os_error(exc, function)
    return sd


# ---------------------------------------------------------- DACL -> ACL

def _evaluate(aces, sids):
    """The rwx bits Windows grants a principal holding ``sids`` (SID texts)
    from ``aces`` in order: the first ACE that names a right decides it."""
    granted = decided = 0
    for ace_type, _, mask, sid in aces:
        if sid not in sids:
            continue
        bits = _rwx_of(mask) & ~decided
        if ace_type == _ALLOWED:
            granted |= bits
        decided |= bits
    return granted


def _groups_can_matter(aces, base, groups):
    """Whether a principal's membership in ``groups`` can change what the
    ACEs grant it: only if a group ACE names a right before the first ACE
    for ``base`` that decides it. (A canonical DACL decides every right a
    group ACE names in the user's own ACEs, so no NSS lookup is needed.)"""
    for bit in (4, 2, 1):
        for ace_type, _, mask, sid in aces:
            if not _rwx_of(mask) & bit:
                continue
            if sid in base:
                break
            if sid in groups:
                return True
    return False


class _Membership:
    """Who is in which group, read from NSS once per call (a user's own
    groups by getgrouplist, a group's members by getgrent and getpwent)."""

    def __init__(self):
        self._of_user, self._members = {}, None

    def groups_of(self, uid):
        """The gids of user ``uid`` (empty for an unknown user)."""
        if uid not in self._of_user:
            try:
                entry = _pwd.getpwuid(uid)
                self._of_user[uid] = set(_os.getgrouplist(entry.pw_name, entry.pw_gid))
            except (KeyError, OSError):
                self._of_user[uid] = set()
        return self._of_user[uid]

    def members_of(self, gid):
        """The user names in group ``gid``, as primary or supplementary group."""
        if self._members is None:
            self._members = {}
            for group in _grp.getgrall():
                self._members.setdefault(group.gr_gid, set()).update(group.gr_mem)
            for entry in _pwd.getpwall():
                self._members.setdefault(entry.pw_gid, set()).add(entry.pw_name)
        return self._members.get(gid, set())


def _acl_from_aces(aces, owner_sid, group_sid_text, function, membership=None):
    """The POSIX ACL that grants each trustee in ``aces`` (SID texts, only
    ACEs that apply) what Windows would, or an error when it cannot."""
    users, groups = {}, {}
    for ace_type, _, mask, sid in aces:
        if sid in (owner_sid, group_sid_text, _EVERYONE):
            continue
        parts = sid.split("-")
        if len(parts) == 5 and parts[1:3] == ["1", "22"] and parts[4].isdigit() and parts[3] in "12":
            (users if parts[3] == "1" else groups)[int(parts[4])] = 0
        elif sid in _ROOT_SIDS:
            if ace_type != _ALLOWED or _rwx_of(mask) != 7:
                fail(ERROR_NOT_SUPPORTED, function)  # root cannot be refused on POSIX
        else:
            fail(ERROR_NOT_SUPPORTED, function)  # no POSIX user or group stands for this SID
    # Windows adds the rights of the groups a user is in; so does the
    # user's POSIX entry here, as POSIX checks it before any group.
    membership = membership or _Membership()
    named_groups = {group_sid_text} | {"S-1-22-2-%d" % gid for gid in groups}
    if not any(ace[3] in named_groups for ace in aces):
        named_groups = set()  # no group ACE: nobody's groups can matter

    def _member_sids(user_sid_text):
        if not user_sid_text.startswith("S-1-22-1-") or \
                not _groups_can_matter(aces, {user_sid_text, _EVERYONE}, named_groups):
            return set()
        return {"S-1-22-2-%d" % gid for gid in membership.groups_of(int(user_sid_text.split("-")[4]))}

    owner = _evaluate(aces, {owner_sid, _EVERYONE} | (_member_sids(owner_sid) & named_groups))
    group = _evaluate(aces, {group_sid_text, _EVERYONE})
    other = _evaluate(aces, {_EVERYONE})
    for uid in users:
        sid = "S-1-22-1-%d" % uid
        users[uid] = _evaluate(aces, {sid, _EVERYONE} | (_member_sids(sid) & named_groups))
    for gid in groups:
        groups[gid] = _evaluate(aces, {"S-1-22-2-%d" % gid, _EVERYONE})
    acl = PosixAcl(owner, group, other, users, groups)
    if not acl.is_minimal():
        acl.mask = group
        for perm in list(users.values()) + list(groups.values()):
            acl.mask |= perm
    _check_group_denies(aces, acl, group_sid_text, function, membership)
    return acl


def _check_group_denies(aces, acl, group_sid_text, function, membership):
    # POSIX grants a user the union of its matching group entries; Windows
    # lets a deny on one group win. They agree unless someone is in both the
    # denied group and another group entry granting the right: refuse then.
    group_perms = {group_sid_text: acl.group}
    group_perms.update({"S-1-22-2-%d" % gid: perm for gid, perm in acl.groups.items()})
    for ace_type, _, mask, sid in aces:
        if ace_type != _DENIED or sid not in group_perms:
            continue
        denied = _rwx_of(mask)
        granting = [other for other, perm in group_perms.items() if other != sid and perm & denied]
        if not granting:
            continue
        members = membership.members_of(int(sid.split("-")[4]))
        for other in granting:
            if members & membership.members_of(int(other.split("-")[4])):
                fail(ERROR_INVALID_ACL, function)


def _split_dacl(dacl, is_dir, function):
    """(ACEs for the object itself, ACEs its children inherit or None), as
    (type, flags, mask, SID text) tuples."""
    own, inherited = [], []
    for ace_type, flags, mask, sid in _security.acl_entries(dacl):
        if ace_type not in (_ALLOWED, _DENIED) or sid is None:
            fail(ERROR_INVALID_ACL if ace_type not in (5, 6) else ERROR_NOT_SUPPORTED, function)
        entry = (ace_type, flags, mask, _security.sid_to_string(sid))
        inheritance = flags & (_OI | _CI | _NP)
        if not is_dir:
            # Inheritance flags do nothing on a file, on Windows either.
            if not flags & _IO:
                own.append(entry)
            continue
        if inheritance and inheritance != (_OI | _CI):
            fail(ERROR_NOT_SUPPORTED, function)  # POSIX default ACLs go to files and directories alike
        if inheritance:
            inherited.append(entry)
        elif flags & _IO:
            fail(ERROR_INVALID_ACL, function)  # inherit-only but inherited by nothing
        if not flags & _IO and entry[3] not in (_CREATOR_OWNER, _CREATOR_GROUP):
            own.append(entry)
    return own, (inherited if is_dir else None)


def set_security(target, information, owner, group, dacl, sacl, function):
    """Sets owner, group and DACL of a path or file descriptor, as
    SetNamedSecurityInfo does."""
    if information & (SACL_INFO | LABEL_INFO) and sacl is not None and sacl.GetAceCount():
        fail(ERROR_NOT_SUPPORTED, function)  # POSIX files have no audit or label entries
    try:
        st = _os.stat(target)
        uid, gid = st.st_uid, st.st_gid
        if information & OWNER_INFO:
            uid = _posix_id(owner, "1", ERROR_INVALID_OWNER, function)
        if information & GROUP_INFO:
            gid = _posix_id(group, "2", ERROR_INVALID_PRIMARY_GROUP, function)
        plan = None
        if information & DACL_INFO:
            plan = _plan_dacl(dacl, st, uid, gid, function)
        if (uid, gid) != (st.st_uid, st.st_gid):
            _os.chown(target, uid, gid)
        if plan is not None:
            _apply(target, st, *plan)
    except OSError as exc:
        os_error(exc, function)


def _plan_dacl(dacl, st, uid, gid, function):
    is_dir = _stat.S_ISDIR(st.st_mode)
    if dacl is None:  # a NULL DACL: everybody may do everything
        return PosixAcl(7, 7, 7), None if is_dir else False
    if not isinstance(dacl, _security.PyACL):
        raise TypeError("Dacl must be a PyACL or None")
    own, inherited = _split_dacl(dacl, is_dir, function)
    membership = _Membership()
    access = _acl_from_aces(own, "S-1-22-1-%d" % uid, "S-1-22-2-%d" % gid, function, membership)
    default = None
    if inherited:
        default = _acl_from_aces(inherited, _CREATOR_OWNER, _CREATOR_GROUP, function, membership)
    return access, default if is_dir else False


def _apply(target, st, access, default):
    special = _stat.S_IMODE(st.st_mode) & 0o7000
    if access.is_minimal():
        try:
            _os.removexattr(target, _ACCESS_XATTR)
        except OSError as exc:
            if exc.errno not in (_errno.ENODATA, _errno.EOPNOTSUPP):
                raise
        _os.chmod(target, special | access.owner << 6 | access.group << 3 | access.other)
    else:
        _os.setxattr(target, _ACCESS_XATTR, access.to_xattr())
    if default is False:
        return
    if default is None:
        try:
            _os.removexattr(target, _DEFAULT_XATTR)
        except OSError as exc:
            if exc.errno not in (_errno.ENODATA, _errno.EOPNOTSUPP):
                raise
    else:
        _os.setxattr(target, _DEFAULT_XATTR, default.to_xattr())


def _posix_id(sid, kind, code, function):
    if not isinstance(sid, _security.PySID):
        raise TypeError("the owner and group must be PySIDs")
    parts = _security.sid_to_string(sid).split("-")
    if len(parts) != 5 or parts[1:4] != ["1", "22", kind] or not parts[4].isdigit():
        fail(code, function)  # only POSIX users (groups) can own files
    return int(parts[4])
