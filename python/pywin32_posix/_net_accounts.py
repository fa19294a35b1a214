"""The local user and group databases (NSS through pwd/grp, /etc/shadow when
readable, lastlog) read as win32net's USER_INFO_*, GROUP_INFO_*,
LOCALGROUP_INFO_* and member dicts, with pywin32's keys.

Users are S-1-22-1-<uid> and groups S-1-22-2-<gid>, as win32security maps
them, so a user's RID (user_id) is its uid and primary_group_id its gid.
"""
import grp
import os
import pwd
import struct
import time

from pywin32_posix._net_common import computer_name

UF_SCRIPT = 0x1
UF_ACCOUNTDISABLE = 0x2
UF_PASSWD_NOTREQD = 0x20
UF_NORMAL_ACCOUNT = 0x200
UF_DONT_EXPIRE_PASSWD = 0x10000
USER_PRIV_GUEST = 0
USER_PRIV_USER = 1
USER_PRIV_ADMIN = 2
SID_TYPE_USER = 1
# pywin32 returns these DWORDs unsigned: TIMEQ_FOREVER, USER_MAXSTORAGE_UNLIMITED.
FOREVER = 0xFFFFFFFF
# SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED, as Windows reports memberships.
GROUP_ATTRIBUTES = 7
# Members of these groups may administer the machine (sudo, polkit), as Administrators may.
ADMIN_GROUPS = ("sudo", "wheel", "admin")
# The kernel's overflow id: the account NFS and others map strangers to, as Windows' Guest.
GUEST_UID = 65534
NO_PASSWORD_EXPIRY_DAYS = 99999
SHADOW_PATH = "/etc/shadow"
LASTLOG_PATH = "/var/log/lastlog"
_LASTLOG_RECORD = struct.Struct("=i32s256s")  # ll_time, ll_line, ll_host

USER_LEVELS_ENUM = (0, 1, 2, 3, 10, 11, 20)
USER_LEVELS_GET = (0, 1, 2, 3, 4, 10, 11, 20, 23)
GROUP_LEVELS = (0, 1, 2, 3)
LOCALGROUP_LEVELS = (0, 1)
MEMBER_LEVELS = (0, 1, 2, 3)
GROUP_USER_LEVELS = (0, 1)


def _unique(entries, key):
    seen = set()
    result = []
    for entry in entries:
        if key(entry) not in seen:
            seen.add(key(entry))
            result.append(entry)
    return result


def all_users():
    """Every user in NSS order; the first of several with one name wins, as getpwnam."""
    return _unique(pwd.getpwall(), lambda p: p.pw_name)


def all_groups():
    """Every group in NSS order; the first of several with one name wins, as getgrnam."""
    return _unique(grp.getgrall(), lambda g: g.gr_name)


def find_user(name):
    """The passwd entry of `name` ("DOMAIN\\name" taken), or None. An exact
    match first; else the one user whose name differs only in case (Windows'
    names are case-insensitive)."""
    name = strip_domain(name)
    try:
        return pwd.getpwnam(name)
    except (KeyError, ValueError):
        return _case_insensitive(name, all_users(), lambda p: p.pw_name)


def find_group(name):
    """The group entry of `name` ("DOMAIN\\name" taken), or None; matched as find_user."""
    name = strip_domain(name)
    try:
        return grp.getgrnam(name)
    except (KeyError, ValueError):
        return _case_insensitive(name, all_groups(), lambda g: g.gr_name)


def _case_insensitive(name, entries, key):
    folded = name.casefold()
    found = [entry for entry in entries if key(entry).casefold() == folded]
    return found[0] if len(found) == 1 else None


def strip_domain(name):
    """`name` without a leading "DOMAIN\\" of this computer (or "." / "BUILTIN")."""
    if "\\" in name:
        domain, _, rest = name.partition("\\")
        if domain.lower() in ("", ".", computer_name().lower(), "builtin"):
            return rest
    return name


def sid_of_user(uid):
    """The PySID S-1-22-1-<uid>."""
    import win32security
    return win32security.ConvertStringSidToSid("S-1-22-1-%d" % uid)


def sid_of_group(gid):
    """The PySID S-1-22-2-<gid>."""
    import win32security
    return win32security.ConvertStringSidToSid("S-1-22-2-%d" % gid)


def split_gecos(gecos):
    """(full name, comment): GECOS' first field, and the fields after it."""
    full, _, rest = gecos.partition(",")
    return full, rest.rstrip(",")


def join_gecos(full_name, comment):
    """The GECOS text holding `full_name` and `comment` (see split_gecos)."""
    return full_name + ("," + comment if comment else "")


def password_locked(hashed):
    """Whether a shadow hash can match no password ("!..." locked, "*" none set), as passwd -S's "L"."""
    return hashed[:1] in ("!", "*")


class Shadow:
    """One reading of /etc/shadow (empty when this process may not read it);
    with `only`, just that account's line is looked for."""

    def __init__(self, only=None):
        self.entries = {}
        self.readable = False
        prefix = only + ":" if only is not None else ""
        try:
            with open(SHADOW_PATH, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if not line.startswith(prefix):
                        continue
                    fields = line.rstrip("\n").split(":")
                    if len(fields) >= 8:
                        self.entries.setdefault(fields[0], fields)
                        if only is not None:
                            break
            self.readable = True
        except OSError:
            pass

    def get(self, name):
        """The shadow fields of `name`, or None."""
        return self.entries.get(name)


def shadow_day(text):
    """A day number of a shadow field (days since 1970), or None when empty."""
    try:
        return int(text)
    except ValueError:
        return None


_admin_cache = {"key": None, "value": None}
# How long the admin groups' members are trusted while /etc/group is unchanged
# (NSS asks slow sources, e.g. systemd's, for each absent group name).
ADMIN_CACHE_SECONDS = 2.0


def admin_groups():
    """(member names, gids) of the administrators' groups (ADMIN_GROUPS)."""
    try:
        st = os.stat("/etc/group")
        key = (st.st_mtime_ns, st.st_ino, st.st_size)
    except OSError:
        key = None
    cached = _admin_cache["value"]
    if cached is not None and key is not None and _admin_cache["key"] == key \
            and time.monotonic() - cached[2] < ADMIN_CACHE_SECONDS:
        return cached[0], cached[1]
    members, gids = set(), set()
    for name in ADMIN_GROUPS:
        try:
            group = grp.getgrnam(name)
        except KeyError:
            continue
        members.update(group.gr_mem)
        gids.add(group.gr_gid)
    _admin_cache.update(key=key, value=(members, gids, time.monotonic()))
    return members, gids


class UserContext:
    """What building many user dicts shares: one shadow reading (of one
    account's line when `only` names it), the admin groups' members and the
    lastlog file."""

    def __init__(self, only=None):
        self._only = only
        self._shadow = None
        self._admins = None
        self._lastlog = None
        self.today = int(time.time()) // 86400

    @property
    def shadow(self):
        if self._shadow is None:
            self._shadow = Shadow(self._only)
        return self._shadow

    def is_admin(self, pw):
        if self._admins is None:
            self._admins = admin_groups()
        members, gids = self._admins
        return pw.pw_uid == 0 or pw.pw_name in members or pw.pw_gid in gids

    def last_logon(self, uid):
        """When `uid` last logged on (seconds since 1970) from lastlog, or 0."""
        if self._lastlog is None:
            try:
                self._lastlog = open(LASTLOG_PATH, "rb", buffering=0)  # closed with the context
            except OSError:
                self._lastlog = False
        if not self._lastlog:
            return 0
        try:
            record = os.pread(self._lastlog.fileno(), _LASTLOG_RECORD.size, uid * _LASTLOG_RECORD.size)
        except (OSError, OverflowError):
            return 0
        if len(record) < _LASTLOG_RECORD.size:
            return 0
        return max(0, _LASTLOG_RECORD.unpack(record)[0])

    def priv(self, pw):
        if self.is_admin(pw):
            return USER_PRIV_ADMIN
        return USER_PRIV_GUEST if pw.pw_uid == GUEST_UID else USER_PRIV_USER

    def account_state(self, pw):
        """(flags, password age in seconds, password expired, account expiry)."""
        flags = UF_SCRIPT | UF_NORMAL_ACCOUNT
        entry = self.shadow.get(pw.pw_name)
        if entry is None:
            return flags, 0, 0, FOREVER
        hashed, changed, maximum, expire = entry[1], shadow_day(entry[2]), shadow_day(entry[4]), shadow_day(entry[7])
        if password_locked(hashed) or (expire is not None and expire <= self.today):
            flags |= UF_ACCOUNTDISABLE
        if hashed == "":
            flags |= UF_PASSWD_NOTREQD
        if maximum is None or maximum < 0 or maximum >= NO_PASSWORD_EXPIRY_DAYS:
            flags |= UF_DONT_EXPIRE_PASSWD
        age = max(0, int(time.time()) - changed * 86400) if changed else 0
        expired = int(changed == 0 or (changed is not None and not flags & UF_DONT_EXPIRE_PASSWD
                                       and changed + maximum < self.today))
        expires = expire * 86400 if expire is not None and expire >= 0 else FOREVER
        return flags, age, expired, expires


def level1(pw, ctx, flags, age, comment):
    """The USER_INFO_1 dict of a passwd entry, its account state known."""
    return {"name": pw.pw_name, "password": None, "password_age": age, "priv": ctx.priv(pw),
            "home_dir": pw.pw_dir, "comment": comment, "flags": flags, "script_path": pw.pw_shell}


def user_info(pw, level, ctx):
    """The USER_INFO_<level> dict of a passwd entry."""
    if level == 0:
        return {"name": pw.pw_name}
    full_name, comment = split_gecos(pw.pw_gecos)
    if level == 10:
        return {"name": pw.pw_name, "comment": comment, "usr_comment": "", "full_name": full_name}
    flags, age, expired, expires = ctx.account_state(pw)
    if level == 20:
        return {"name": pw.pw_name, "full_name": full_name, "comment": comment, "flags": flags,
                "user_id": pw.pw_uid}
    if level == 23:
        return {"name": pw.pw_name, "full_name": full_name, "comment": comment, "flags": flags,
                "user_sid": sid_of_user(pw.pw_uid)}
    if level == 1:
        return level1(pw, ctx, flags, age, comment)
    logon = {"last_logon": ctx.last_logon(pw.pw_uid), "last_logoff": 0, "bad_pw_count": 0, "num_logons": 0,
             "logon_server": "\\\\*", "country_code": 0, "workstations": "", "max_storage": FOREVER,
             "units_per_week": 168, "logon_hours": b"\xff" * 21, "code_page": 0}
    if level == 11:
        info = {"name": pw.pw_name, "comment": comment, "usr_comment": "", "full_name": full_name,
                "priv": ctx.priv(pw), "auth_flags": 0, "password_age": age, "home_dir": pw.pw_dir, "parms": ""}
        info.update(logon)
        return info
    info = level1(pw, ctx, flags, age, comment)
    info.update({"auth_flags": 0, "full_name": full_name, "usr_comment": "", "parms": "",
                 "acct_expires": expires})
    info.update(logon)
    if level == 2:
        return info
    if level == 3:
        info["user_id"] = pw.pw_uid
    else:
        info["user_sid"] = sid_of_user(pw.pw_uid)
    info.update({"primary_group_id": pw.pw_gid, "profile": "", "home_dir_drive": "",
                 "password_expired": expired})
    return info


def group_info(gr, level):
    """The GROUP_INFO_<level> dict of a group entry (no comment: /etc/group holds none)."""
    if level == 0:
        return {"name": gr.gr_name}
    info = {"name": gr.gr_name, "comment": ""}
    if level == 2:
        info.update({"group_id": gr.gr_gid, "attributes": GROUP_ATTRIBUTES})
    elif level == 3:
        info.update({"group_sid": sid_of_group(gr.gr_gid), "attributes": GROUP_ATTRIBUTES})
    return info


def localgroup_info(gr, level):
    """The LOCALGROUP_INFO_<level> dict of a group entry."""
    return {"name": gr.gr_name} if level == 0 else {"name": gr.gr_name, "comment": ""}


def group_members(gr, users=None):
    """Names of the users in a group: its listed members, then the users
    whose primary group it is (Windows counts both as members)."""
    names = list(dict.fromkeys(gr.gr_mem))
    listed = set(names)
    for pw in users if users is not None else all_users():
        if pw.pw_gid == gr.gr_gid and pw.pw_name not in listed:
            listed.add(pw.pw_name)
            names.append(pw.pw_name)
    return names


def member_info(name, level):
    """The LOCALGROUP_MEMBERS_INFO_<level> dict of the user `name`."""
    domain_and_name = "%s\\%s" % (computer_name(), name)
    if level == 3:
        return {"domainandname": domain_and_name}
    pw = find_user(name)
    sid = sid_of_user(pw.pw_uid) if pw is not None else None
    if level == 0:
        return {"sid": sid}
    if level == 1:
        return {"sid": sid, "sidusage": SID_TYPE_USER, "name": name}
    return {"sid": sid, "sidusage": SID_TYPE_USER, "domainandname": domain_and_name}


def group_user_info(name, level):
    """The GROUP_USERS_INFO_<level> dict of a user or group name."""
    return {"name": name} if level == 0 else {"name": name, "attributes": GROUP_ATTRIBUTES}


def groups_of_user(pw):
    """The groups `pw` belongs to (primary first), from initgroups' view."""
    names = []
    for gid in os.getgrouplist(pw.pw_name, pw.pw_gid):
        try:
            name = grp.getgrgid(gid).gr_name
        except KeyError:
            continue
        if name not in names:
            names.append(name)
    return names
