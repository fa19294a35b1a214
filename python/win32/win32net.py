"""win32net: the local user and group databases, this machine as a LAN
Manager server and workstation, and Samba's shares.

Users and groups are the POSIX ones (NSS: files, LDAP, sssd ...), with the
SIDs win32security gives them (S-1-22-1-<uid>, S-1-22-2-<gid>); a POSIX group
is both a "group" (NetGroup*) and a "local group" (NetLocalGroup*). Changes
go through the system's tools (useradd, usermod, gpasswd, ...) and need
root. Only this computer can be named as the server. What differs from
Windows, and what raises ERROR_NOT_SUPPORTED, is in docs/win32net.md.
"""
from pywin32_posix import _net_accounts as _accounts
from pywin32_posix import _net_host as _host
from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix import _net_common as _net

SERVICE_SERVER = "LanmanServer"
SERVICE_WORKSTATION = "LanmanWorkstation"
USE_NOFORCE = 0
USE_FORCE = 1
USE_LOTS_OF_FORCE = 2

_MAX_PREFERRED_LENGTH = -1
_FILTER_NORMAL_ACCOUNT = 2
_FILTERS = 0x1 | 0x2 | 0x8 | 0x10 | 0x20  # the FILTER_* bits
_LG_INCLUDE_INDIRECT = 1
_SV_TYPE_ALL = -1
_ERROR_UNKNOWN_DEV_DIR = 2116
_ERROR_NO_SUCH_DOMAIN = 1355
_NET_SETUP_MACHINE, _NET_SETUP_WORKGROUP, _NET_SETUP_DOMAIN = 1, 2, 3
_NET_SETUP_NON_EXISTENT_DOMAIN, _NET_SETUP_DNS_MACHINE = 4, 5
_NET_SETUP_WORKGROUP_NAME = 2


def _level(level, allowed, function):
    _net.check_int(level, "the level", function)
    if level not in allowed:
        raise _net.net_error(_net.ERROR_INVALID_LEVEL, function)
    return level


def _user(name, function):
    _net.check_str(name, "the user name", function)
    pw = _accounts.find_user(name)
    if pw is None:
        raise _net.net_error(_net.NERR_UserNotFound, function)
    return pw


def _group(name, function):
    _net.check_str(name, "the group name", function)
    gr = _accounts.find_group(name)
    if gr is None:
        raise _net.net_error(_net.NERR_GroupNotFound, function)
    return gr


def _admin(server, function):
    _net.check_local(server, function)
    if not _net.is_root():
        raise _net.net_error(_net.ERROR_ACCESS_DENIED, function)
    from pywin32_posix import _net_admin
    return _net_admin


def _unsupported(function):
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, function)


# --- Users -----------------------------------------------------------------------

def NetUserEnum(server, level, filter=_FILTER_NORMAL_ACCOUNT, resumeHandle=0, prefLen=_MAX_PREFERRED_LENGTH, /):
    """Enumerates the users: ([USER_INFO_<level> dict, ...], total, resume handle).

    server: None or this computer's name. level: 0, 1, 2, 3, 10, 11 or 20.
    filter: FILTER_* bits (0: all); every POSIX user is a normal account.
    resumeHandle/prefLen: pass the returned handle back until it is 0;
    prefLen bounds the bytes of a page as Windows counts them.
    Errors: ERROR_INVALID_LEVEL, ERROR_INVALID_PARAMETER (unknown filter bits).
    On POSIX: the users of NSS (getent passwd order); the info of each is
    described in docs/win32net.md (uid as user_id, GECOS as full_name/comment).
    """
    _net.check_local(server, "NetUserEnum")
    _level(level, _accounts.USER_LEVELS_ENUM, "NetUserEnum")
    _net.check_int(filter, "the filter", "NetUserEnum")
    if filter & ~_FILTERS:
        raise _net.net_error(_net.ERROR_INVALID_PARAMETER, "NetUserEnum")
    users = _accounts.all_users() if filter == 0 or filter & _FILTER_NORMAL_ACCOUNT else []
    ctx = _accounts.UserContext()
    return _net.paged(users, lambda pw: _accounts.user_info(pw, level, ctx), resumeHandle, prefLen, "NetUserEnum")


def NetUserGetInfo(server, username, level, /):
    """The USER_INFO_<level> dict of a user (levels 0-4, 10, 11, 20, 23).

    Errors: NERR_UserNotFound, ERROR_INVALID_LEVEL, TypeError.
    On POSIX: user_id is the uid, user_sid S-1-22-1-<uid>, primary_group_id
    the gid; flags, password_age and password_expired come from /etc/shadow
    when this process may read it (root).
    """
    _net.check_local(server, "NetUserGetInfo")
    _net.check_str(username, "the user name", "NetUserGetInfo")
    _level(level, _accounts.USER_LEVELS_GET, "NetUserGetInfo")
    pw = _user(username, "NetUserGetInfo")
    return _accounts.user_info(pw, level, _accounts.UserContext(only=pw.pw_name))


def NetUserGetGroups(serverName, userName, /):
    """[(group name, attributes), ...] of the groups a user belongs to.

    Errors: NERR_UserNotFound. On POSIX: the primary group first, then the
    supplementary ones (initgroups' view); attributes are always 7.
    """
    _net.check_local(serverName, "NetUserGetGroups")
    pw = _user(userName, "NetUserGetGroups")
    return [(name, _accounts.GROUP_ATTRIBUTES) for name in _accounts.groups_of_user(pw)]


def NetUserGetLocalGroups(serverName, userName, flags=_LG_INCLUDE_INDIRECT, /):
    """[group name, ...] of the local groups a user belongs to.

    flags: 0 or LG_INCLUDE_INDIRECT (the same here: POSIX groups do not nest).
    Errors: NERR_UserNotFound, ERROR_INVALID_PARAMETER (other flags).
    """
    _net.check_local(serverName, "NetUserGetLocalGroups")
    _net.check_int(flags, "flags", "NetUserGetLocalGroups")
    pw = _user(userName, "NetUserGetLocalGroups")
    if flags & ~_LG_INCLUDE_INDIRECT:
        raise _net.net_error(_net.ERROR_INVALID_PARAMETER, "NetUserGetLocalGroups")
    return _accounts.groups_of_user(pw)


def NetUserAdd(server, level, data, /):
    """Creates a user from a USER_INFO_1/2/3/4 dict (name required).

    Uses: name, password, home_dir, comment, full_name (the GECOS field),
    script_path (the login shell: an absolute path to an executable, or
    empty), flags (UF_ACCOUNTDISABLE, UF_DONT_EXPIRE_PASSWD), priv (must be
    USER_PRIV_USER, as Windows requires), primary_group_id (a gid).
    Errors: ERROR_ACCESS_DENIED (not root), NERR_UserExists,
    NERR_PasswordTooShort (PASS_MIN_LEN), ERROR_INVALID_PARAMETER,
    ERROR_INVALID_LEVEL, TypeError.
    On POSIX: useradd (no home directory is created, as Windows creates
    profiles at first logon) and chpasswd; no password leaves it locked.
    """
    admin = _admin(server, "NetUserAdd")
    _level(level, (1, 2, 3, 4), "NetUserAdd")
    _net.check_dict(data, "NetUserAdd")
    if not isinstance(data.get("name"), str):
        raise TypeError("NetUserAdd: data['name'] must be a str")
    if data.get("priv", _accounts.USER_PRIV_USER) != _accounts.USER_PRIV_USER:
        raise _net.net_error(_net.ERROR_INVALID_PARAMETER, "NetUserAdd")
    fields = dict(data)
    if level < 3:
        fields.pop("primary_group_id", None)
    admin.add_user(fields, "NetUserAdd")


def NetUserDel(server, username, /):
    """Deletes a user (userdel; its home directory stays, as a Windows profile).

    Errors: ERROR_ACCESS_DENIED (not root), NERR_UserNotFound.
    """
    admin = _admin(server, "NetUserDel")
    pw = _user(username, "NetUserDel")
    admin.delete_user(pw.pw_name, "NetUserDel")


_USER_SET_FIELDS = {1003: "password", 1006: "home_dir", 1007: "comment", 1008: "flags", 1009: "script_path",
                    1011: "full_name", 1051: "primary_group_id"}


def NetUserSetInfo(server, username, level, data, /):
    """Changes a user: level 0 renames; 1-4 set the fields they hold;
    1003 password, 1005 priv, 1006 home_dir, 1007 comment, 1008 flags,
    1009 script_path, 1011 full_name, 1051 primary_group_id.

    Errors: ERROR_ACCESS_DENIED (not root), NERR_UserNotFound,
    NERR_UserExists (rename), ERROR_INVALID_PARAMETER (priv changed: on
    Windows too it follows group membership), ERROR_INVALID_LEVEL, TypeError.
    On POSIX: usermod, chage and chpasswd.
    """
    admin = _admin(server, "NetUserSetInfo")
    _net.check_str(username, "the user name", "NetUserSetInfo")
    _level(level, (0, 1, 2, 3, 4, 1005) + tuple(_USER_SET_FIELDS), "NetUserSetInfo")
    _net.check_dict(data, "NetUserSetInfo")
    pw = _user(username, "NetUserSetInfo")
    if level == 0:
        fields = {"name": data.get("name")}
    elif level in _USER_SET_FIELDS:
        key = _USER_SET_FIELDS[level]
        if key not in data:
            raise _net.net_error(_net.ERROR_INVALID_PARAMETER, "NetUserSetInfo")
        fields = {key: data[key]}
    else:
        keys = ("password", "home_dir", "comment", "flags", "script_path", "full_name", "primary_group_id")
        fields = {k: data[k] for k in keys if k in data and (level >= 3 or k != "primary_group_id")}
        if level == 1:
            fields.pop("full_name", None)
    if "priv" in data and data["priv"] != _accounts.UserContext().priv(pw):
        raise _net.net_error(_net.ERROR_INVALID_PARAMETER, "NetUserSetInfo")
    admin.set_user(pw, fields, "NetUserSetInfo")


def NetUserChangePassword(server, username, oldPassword, newPassword, /):
    """Changes a user's password given the old one (username None: this process's user).

    Errors: ERROR_INVALID_PASSWORD (old password wrong), NERR_UserNotFound,
    NERR_PasswordTooShort (the policy refuses the new one), ERROR_ACCESS_DENIED
    (another user's password, without root).
    On POSIX: root's process checks the old password against /etc/shadow and
    sets the new one with chpasswd; a user's own process answers passwd's
    prompts (PAM checks both passwords).
    """
    _net.check_local(server, "NetUserChangePassword")
    if username is None:
        import os
        import pwd
        username = pwd.getpwuid(os.geteuid()).pw_name
    pw = _user(username, "NetUserChangePassword")
    _net.check_str(oldPassword, "the old password", "NetUserChangePassword")
    _net.check_str(newPassword, "the new password", "NetUserChangePassword")
    import os
    if not _net.is_root() and pw.pw_uid == os.geteuid():
        from pywin32_posix import _net_admin
        _net_admin.change_own_password(oldPassword, newPassword, "NetUserChangePassword")
        return
    admin = _admin(server, "NetUserChangePassword")
    admin.change_password(pw.pw_name, oldPassword, newPassword, "NetUserChangePassword")


def NetUserModalsGet(server, level, /):
    """The USER_MODALS_INFO_<level> dict (0: password policy from
    /etc/login.defs; 1: role; 2: domain name and SID; 3: lockout policy
    from pam_faillock when PAM uses it).

    Errors: ERROR_INVALID_LEVEL.
    On POSIX: level 2's domain_id is S-1-22-1, the authority of the users' SIDs.
    """
    _net.check_local(server, "NetUserModalsGet")
    _level(level, (0, 1, 2, 3), "NetUserModalsGet")
    from pywin32_posix import _net_admin
    domain_sid = None
    if level == 2:
        import win32security
        domain_sid = win32security.ConvertStringSidToSid("S-1-22-1")
    return _host.modals_info(level, _net_admin.login_defs(), domain_sid)


def NetUserModalsSet(server, level, data, /):
    """Sets the password and lockout policy.

    On POSIX: not supported (the password policy is /etc/login.defs and PAM's).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetUserModalsSet")


# --- Groups ----------------------------------------------------------------------

def _enum_groups(server, level, levels, build, resume, pref_len, function):
    _net.check_local(server, function)
    _level(level, levels, function)
    return _net.paged(_accounts.all_groups(), lambda gr: build(gr, level), resume, pref_len, function)


def _group_info(server, groupname, level, levels, build, function):
    _net.check_local(server, function)
    _net.check_str(groupname, "the group name", function)
    _level(level, levels, function)
    return build(_group(groupname, function), level)


def _group_members(server, group_name, level, levels, build, resume, pref_len, function):
    _net.check_local(server, function)
    _net.check_str(group_name, "the group name", function)
    _level(level, levels, function)
    members = _accounts.group_members(_group(group_name, function))
    return _net.paged(members, lambda name: build(name, level), resume, pref_len, function)


def NetGroupEnum(server, level, resumeHandle=0, prefLen=_MAX_PREFERRED_LENGTH, /):
    """Enumerates the groups: ([GROUP_INFO_<level> dict, ...], total, resume handle).

    level: 0, 1, 2 (group_id: the gid) or 3 (group_sid). Errors: ERROR_INVALID_LEVEL.
    On POSIX: the groups of NSS (getent group order); comments are empty.
    """
    return _enum_groups(server, level, _accounts.GROUP_LEVELS, _accounts.group_info, resumeHandle, prefLen,
                        "NetGroupEnum")


def NetGroupGetInfo(server, groupname, level, /):
    """The GROUP_INFO_<level> dict of a group (0-3).

    Errors: NERR_GroupNotFound, ERROR_INVALID_LEVEL, TypeError.
    """
    return _group_info(server, groupname, level, _accounts.GROUP_LEVELS, _accounts.group_info, "NetGroupGetInfo")


def NetGroupGetUsers(server, groupName, level, resumeHandle=0, prefLen=4096, /):
    """The members of a group: ([GROUP_USERS_INFO_<level> dict, ...], total, resume handle).

    level: 0 or 1. Errors: NERR_GroupNotFound, ERROR_INVALID_LEVEL.
    On POSIX: the listed members, then the users whose primary group it is.
    """
    return _group_members(server, groupName, level, _accounts.GROUP_USER_LEVELS, _accounts.group_user_info,
                          resumeHandle, prefLen, "NetGroupGetUsers")


def _add_group(server, level, data, levels, function):
    admin = _admin(server, function)
    _level(level, levels, function)
    _net.check_dict(data, function)
    if not isinstance(data.get("name"), str):
        raise TypeError("%s: data['name'] must be a str" % function)
    admin.add_group(data["name"], function)


def NetGroupAdd(server, level, data, /):
    """Creates a group from a GROUP_INFO_0/1/2/3 dict (groupadd).

    Errors: ERROR_ACCESS_DENIED (not root), NERR_GroupExists,
    ERROR_INVALID_LEVEL, TypeError. On POSIX: the comment is not stored.
    """
    _add_group(server, level, data, _accounts.GROUP_LEVELS, "NetGroupAdd")


def NetGroupDel(server, groupname, /):
    """Deletes a group (groupdel).

    Errors: ERROR_ACCESS_DENIED (not root), NERR_GroupNotFound,
    ERROR_MEMBERS_PRIMARY_GROUP (a user's primary group).
    """
    admin = _admin(server, "NetGroupDel")
    admin.delete_group(_group(groupname, "NetGroupDel").gr_name, "NetGroupDel")


def _set_group_info(server, groupname, level, data, levels, function):
    admin = _admin(server, function)
    _net.check_str(groupname, "the group name", function)
    _level(level, levels, function)
    _net.check_dict(data, function)
    gr = _group(groupname, function)
    if level in (0, 1, 2, 3) and "name" in data and data["name"] != gr.gr_name:
        if not isinstance(data["name"], str):
            raise TypeError("%s: data['name'] must be a str" % function)
        admin.rename_group(gr.gr_name, data["name"], function)


def NetGroupSetInfo(server, groupname, level, data, /):
    """Changes a group: levels 0-3 rename it (name), 1002 (comment) and
    1005 (attributes) are accepted and not stored.

    Errors: ERROR_ACCESS_DENIED, NERR_GroupNotFound, NERR_GroupExists, ERROR_INVALID_LEVEL.
    """
    _set_group_info(server, groupname, level, data, _accounts.GROUP_LEVELS + (1002, 1005), "NetGroupSetInfo")


def _member_change(server, group, username, function):
    admin = _admin(server, function)
    gr = _group(group, function)
    pw = _user(username, function)
    return admin, gr, pw


def NetGroupAddUser(server, group, username, /):
    """Adds a user to a group (gpasswd -a).

    Errors: ERROR_ACCESS_DENIED, NERR_GroupNotFound, NERR_UserNotFound, NERR_UserInGroup.
    """
    admin, gr, pw = _member_change(server, group, username, "NetGroupAddUser")
    if pw.pw_name in gr.gr_mem or pw.pw_gid == gr.gr_gid:
        raise _net.net_error(_net.NERR_UserInGroup, "NetGroupAddUser")
    admin.add_member(gr.gr_name, pw.pw_name, "NetGroupAddUser")


def NetGroupDelUser(server, group, username, /):
    """Removes a user from a group (gpasswd -d).

    Errors: ERROR_ACCESS_DENIED, NERR_GroupNotFound, NERR_UserNotFound,
    NERR_UserNotInGroup, ERROR_MEMBERS_PRIMARY_GROUP (it is the user's primary group).
    """
    admin, gr, pw = _member_change(server, group, username, "NetGroupDelUser")
    if pw.pw_name not in gr.gr_mem:
        code = _net.ERROR_MEMBERS_PRIMARY_GROUP if pw.pw_gid == gr.gr_gid else _net.NERR_UserNotInGroup
        raise _net.net_error(code, "NetGroupDelUser")
    admin.remove_member(gr.gr_name, pw.pw_name, "NetGroupDelUser")


def _member_names(members, key, function):
    if not isinstance(members, (list, tuple)):
        raise TypeError("%s: members must be a sequence of dicts" % function)
    names = []
    for member in members:
        _net.check_dict(member, function)
        names.append(member.get(key))
    return names


def NetGroupSetUsers(server, group, level, members, /):
    """Makes `members` ([{'name': ...}, ...], level 0 or 1) a group's member list.

    Errors: ERROR_ACCESS_DENIED, NERR_GroupNotFound, NERR_UserNotFound, ERROR_INVALID_LEVEL.
    """
    admin = _admin(server, "NetGroupSetUsers")
    _level(level, _accounts.GROUP_USER_LEVELS, "NetGroupSetUsers")
    gr = _group(group, "NetGroupSetUsers")
    users = [_user(name, "NetGroupSetUsers").pw_name for name in _member_names(members, "name", "NetGroupSetUsers")]
    admin.set_members(gr.gr_name, users, "NetGroupSetUsers")


# --- Local groups ----------------------------------------------------------------

def NetLocalGroupEnum(server, level, resumeHandle=0, prefLen=_MAX_PREFERRED_LENGTH, /):
    """Enumerates the local groups: ([LOCALGROUP_INFO_<level> dict, ...], total, resume handle).

    level: 0 or 1. Errors: ERROR_INVALID_LEVEL.
    On POSIX: the same POSIX groups as NetGroupEnum; comments are empty.
    """
    return _enum_groups(server, level, _accounts.LOCALGROUP_LEVELS, _accounts.localgroup_info, resumeHandle,
                        prefLen, "NetLocalGroupEnum")


def NetLocalGroupGetInfo(server, groupname, level, /):
    """The LOCALGROUP_INFO_<level> dict of a group (0 or 1).

    Errors: NERR_GroupNotFound, ERROR_INVALID_LEVEL, TypeError.
    """
    return _group_info(server, groupname, level, _accounts.LOCALGROUP_LEVELS, _accounts.localgroup_info,
                       "NetLocalGroupGetInfo")


def NetLocalGroupGetMembers(server, groupName, level, resumeHandle=0, prefLen=4096, /):
    """The members of a local group: ([LOCALGROUP_MEMBERS_INFO_<level> dict, ...], total, resume handle).

    level: 0 (sid), 1 (sid, sidusage, name), 2 (sid, sidusage,
    domainandname), 3 (domainandname). Errors: NERR_GroupNotFound, ERROR_INVALID_LEVEL.
    On POSIX: the listed members, then the users whose primary group it is;
    domainandname is "<COMPUTERNAME>\\<user>".
    """
    return _group_members(server, groupName, level, _accounts.MEMBER_LEVELS, _accounts.member_info,
                          resumeHandle, prefLen, "NetLocalGroupGetMembers")


def NetLocalGroupAdd(server, level, data, /):
    """Creates a local group from a LOCALGROUP_INFO_0/1 dict (groupadd).

    Errors: ERROR_ACCESS_DENIED (not root), NERR_GroupExists,
    ERROR_INVALID_LEVEL, TypeError. On POSIX: the comment is not stored.
    """
    _add_group(server, level, data, _accounts.LOCALGROUP_LEVELS, "NetLocalGroupAdd")


def NetLocalGroupDel(server, groupname, data=None, /):
    """Deletes a local group (groupdel); `data` is ignored (pywin32 takes two arguments).

    Errors: ERROR_ACCESS_DENIED, NERR_GroupNotFound, ERROR_MEMBERS_PRIMARY_GROUP.
    """
    admin = _admin(server, "NetLocalGroupDel")
    admin.delete_group(_group(groupname, "NetLocalGroupDel").gr_name, "NetLocalGroupDel")


def NetLocalGroupSetInfo(server, groupname, level, data, /):
    """Changes a local group: levels 0 and 1 rename it; 1002 (comment) is accepted and not stored.

    Errors: ERROR_ACCESS_DENIED, NERR_GroupNotFound, NERR_GroupExists, ERROR_INVALID_LEVEL.
    """
    _set_group_info(server, groupname, level, data, (0, 1, 1002), "NetLocalGroupSetInfo")


def _member_user(member, level, function):
    """The user a LOCALGROUP_MEMBERS_INFO_0 (sid) or _3 (domainandname) dict names."""
    _net.check_dict(member, function)
    if level == 0:
        sid = member.get("sid")
        import win32security
        try:
            text = win32security.ConvertSidToStringSid(sid)
        except (error, TypeError, AttributeError):
            raise _net.net_error(_net.ERROR_INVALID_MEMBER, function) from None
        parts = text.split("-")
        if len(parts) == 5 and parts[1:4] == ["1", "22", "1"] and parts[4].isdigit():
            import pwd
            try:
                return pwd.getpwuid(int(parts[4]))
            except KeyError:
                pass
        elif len(parts) == 5 and parts[1:4] == ["1", "22", "2"]:
            raise _net.net_error(_net.ERROR_INVALID_MEMBER, function)  # POSIX groups do not nest
        raise _net.net_error(_net.ERROR_NO_SUCH_MEMBER, function)
    name = member.get("domainandname")
    if not isinstance(name, str):
        raise TypeError("%s: domainandname must be a str" % function)
    pw = _accounts.find_user(name)
    if pw is None:
        code = _net.ERROR_INVALID_MEMBER if _accounts.find_group(name) else _net.ERROR_NO_SUCH_MEMBER
        raise _net.net_error(code, function)
    return pw


def _members_list(members, function):
    if not isinstance(members, (list, tuple)):
        raise TypeError("%s: members must be a list" % function)
    return members


def NetLocalGroupAddMembers(server, group, level, members, /):
    """Adds users to a local group: members are LOCALGROUP_MEMBERS_INFO_0
    ({'sid': PySID}) or _3 ({'domainandname': 'DOMAIN\\\\user'}) dicts.

    Errors: ERROR_ACCESS_DENIED, NERR_GroupNotFound, ERROR_NO_SUCH_MEMBER,
    ERROR_INVALID_MEMBER (a group), ERROR_MEMBER_IN_ALIAS, ERROR_INVALID_LEVEL.
    Every member is checked before any is added.
    """
    admin = _admin(server, "NetLocalGroupAddMembers")
    _level(level, (0, 3), "NetLocalGroupAddMembers")
    gr = _group(group, "NetLocalGroupAddMembers")
    users = [_member_user(m, level, "NetLocalGroupAddMembers")
             for m in _members_list(members, "NetLocalGroupAddMembers")]
    for pw in users:
        if pw.pw_name in gr.gr_mem or pw.pw_gid == gr.gr_gid:
            raise _net.net_error(_net.ERROR_MEMBER_IN_ALIAS, "NetLocalGroupAddMembers")
    for pw in users:
        admin.add_member(gr.gr_name, pw.pw_name, "NetLocalGroupAddMembers")


def NetLocalGroupDelMembers(server, group, members, /):
    """Removes users (["DOMAIN\\\\user" or "user", ...]) from a local group.

    Errors: ERROR_ACCESS_DENIED, NERR_GroupNotFound, ERROR_NO_SUCH_MEMBER,
    ERROR_MEMBER_NOT_IN_ALIAS (including a user whose primary group it is:
    POSIX keeps that membership in passwd).
    """
    admin = _admin(server, "NetLocalGroupDelMembers")
    gr = _group(group, "NetLocalGroupDelMembers")
    users = []
    for name in _members_list(members, "NetLocalGroupDelMembers"):
        if isinstance(name, dict):  # also the LOCALGROUP_MEMBERS_INFO_3 form
            name = name.get("domainandname")
        pw = _member_user({"domainandname": name}, 3, "NetLocalGroupDelMembers")
        if pw.pw_name not in gr.gr_mem:
            raise _net.net_error(_net.ERROR_MEMBER_NOT_IN_ALIAS, "NetLocalGroupDelMembers")
        users.append(pw)
    for pw in users:
        admin.remove_member(gr.gr_name, pw.pw_name, "NetLocalGroupDelMembers")


def NetLocalGroupSetMembers(server, group, level, members, /):
    """Makes `members` (LOCALGROUP_MEMBERS_INFO_0 or _3 dicts) a local group's member list.

    Errors: ERROR_ACCESS_DENIED, NERR_GroupNotFound, ERROR_NO_SUCH_MEMBER, ERROR_INVALID_LEVEL.
    """
    admin = _admin(server, "NetLocalGroupSetMembers")
    _level(level, (0, 3), "NetLocalGroupSetMembers")
    gr = _group(group, "NetLocalGroupSetMembers")
    users = [_member_user(m, level, "NetLocalGroupSetMembers").pw_name
             for m in _members_list(members, "NetLocalGroupSetMembers")]
    admin.set_members(gr.gr_name, list(dict.fromkeys(users)), "NetLocalGroupSetMembers")


# --- Server, workstation, domain -------------------------------------------------

def NetServerGetInfo(server, level, /):
    """The SERVER_INFO_<level> dict of this machine (100, 101, 102).

    Errors: ERROR_INVALID_LEVEL; ERROR_NOT_SUPPORTED for 402/403/502/503.
    On POSIX: version_major/minor are the kernel's; type is SV_TYPE_WORKSTATION
    | SV_TYPE_SERVER_UNIX (| SV_TYPE_SERVER with Samba's smbd).
    """
    _net.check_local(server, "NetServerGetInfo")
    _net.check_int(level, "the level", "NetServerGetInfo")
    if level in (402, 403, 502, 503):
        _unsupported("NetServerGetInfo")
    _level(level, (100, 101, 102), "NetServerGetInfo")
    return _host.server_info(level)


def NetServerEnum(server, level, type=_SV_TYPE_ALL, domain=None, resumeHandle=0, prefLen=_MAX_PREFERRED_LENGTH, /):
    """Servers of a type in a domain: this machine when its type matches
    (level 100 or 101). On POSIX there is no browse list: only the local
    machine is known.
    Errors: ERROR_INVALID_LEVEL, TypeError.
    """
    _net.check_local(server, "NetServerEnum")
    _level(level, (100, 101), "NetServerEnum")
    _net.check_int(type, "the type", "NetServerEnum")
    _net.check_str(domain, "the domain", "NetServerEnum", none_ok=True)
    config = _host.samba_config()
    found = []
    if type & _host.server_type() and (domain is None or domain.upper() == _host.workgroup(config)):
        found.append(None)
    return _net.paged(found, lambda _: _host.server_info(level, config), resumeHandle, prefLen, "NetServerEnum")


def NetServerSetInfo(server, level, data, /):
    """Sets a server's parameters.

    On POSIX: not supported (server parameters are not settable here).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetServerSetInfo")


def NetServerDiskEnum(server, level, /):
    """The drives of this machine (["C:", "Z:", ...]; level must be 0), from the drive table.

    Errors: ERROR_INVALID_LEVEL.
    """
    _net.check_local(server, "NetServerDiskEnum")
    _level(level, (0,), "NetServerDiskEnum")
    import win32api
    return [d.rstrip("\\") for d in win32api.GetLogicalDriveStrings().split("\0") if d]


def NetServerComputerNameAdd(ServerName, EmulatedDomainName, EmulatedServerName, /):
    """Adds an emulated server name.

    On POSIX: not supported (no NetBIOS name service here).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetServerComputerNameAdd")


def NetServerComputerNameDel(ServerName, EmulatedServerName, /):
    """Removes an emulated server name.

    On POSIX: not supported (no NetBIOS name service here).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetServerComputerNameDel")


def NetWkstaGetInfo(server, level, /):
    """The WKSTA_INFO_<level> dict of this machine (100, 101, 102).

    Errors: ERROR_INVALID_LEVEL; ERROR_NOT_SUPPORTED for 302/402/502.
    On POSIX: langroup is Samba's workgroup (else WORKGROUP), lanroot the
    Windows directory, logged_on_users the sessions of utmp.
    """
    _net.check_local(server, "NetWkstaGetInfo")
    _net.check_int(level, "the level", "NetWkstaGetInfo")
    if level in (302, 402, 502):
        _unsupported("NetWkstaGetInfo")
    _level(level, (100, 101, 102), "NetWkstaGetInfo")
    return _host.wksta_info(level)


def NetWkstaSetInfo(server, level, data, /):
    """Sets a workstation's parameters.

    On POSIX: not supported (no LAN Manager workstation to configure).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetWkstaSetInfo")


def NetWkstaUserEnum(server, level, resumeHandle=0, prefLen=_MAX_PREFERRED_LENGTH, /):
    """The logged-on users: ([WKSTA_USER_INFO_<level> dict, ...], total, resume handle).

    level: 0 or 1. Errors: ERROR_INVALID_LEVEL.
    On POSIX: one entry per login session in utmp (what `who` lists).
    """
    _net.check_local(server, "NetWkstaUserEnum")
    _level(level, (0, 1), "NetWkstaUserEnum")
    users = [session[0] for session in _host.utmp_sessions()]
    return _net.paged(users, lambda user: _host.wksta_user_info(user, level), resumeHandle, prefLen, "NetWkstaUserEnum")


def NetWkstaTransportEnum(server, level, resumeHandle=0, prefLen=_MAX_PREFERRED_LENGTH, /):
    """Lists the redirector's transports.

    On POSIX: not supported (there is no SMB redirector of ours).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetWkstaTransportEnum")


def NetWkstaTransportAdd(server, level, data, /):
    """Binds the redirector to a transport.

    On POSIX: not supported (there is no SMB redirector of ours).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetWkstaTransportAdd")


def NetWkstaTransportDel(server, TransportName, ucond=0, /):
    """Unbinds a transport from the redirector.

    On POSIX: not supported (there is no SMB redirector of ours).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetWkstaTransportDel")


def NetGetDCName(server=None, domain=None, /):
    """The primary domain controller: this machine is in no domain, so
    NERR_DCNotFound, as Windows off-domain."""
    _net.check_local(server, "NetGetDCName")
    _net.check_str(domain, "the domain", "NetGetDCName", none_ok=True)
    raise _net.net_error(_net.NERR_DCNotFound, "NetGetDCName")


def NetGetAnyDCName(server=None, domain=None, /):
    """Any domain controller: this machine is in no domain, so NERR_DCNotFound."""
    _net.check_local(server, "NetGetAnyDCName")
    _net.check_str(domain, "the domain", "NetGetAnyDCName", none_ok=True)
    raise _net.net_error(_net.NERR_DCNotFound, "NetGetAnyDCName")


def NetGetJoinInformation():
    """(workgroup name, NetSetupWorkgroupName): this machine is in a workgroup
    (Samba's, else WORKGROUP)."""
    return _host.workgroup(), _NET_SETUP_WORKGROUP_NAME


_NETBIOS_BAD = set('\\/:*?"<>|')


def NetValidateName(Server, Name, NameType, Account=None, Password=None, /):
    """Checks a name's syntax for a role: NetSetupMachine and NetSetupWorkgroup
    (NetBIOS: 1-15 characters, none of \\/:*?"<>|), NetSetupDnsMachine (DNS
    labels), NetSetupNonExistentDomain (NetBIOS syntax).

    Errors: ERROR_INVALID_COMPUTERNAME, NERR_InvalidWorkgroupName,
    ERROR_NO_SUCH_DOMAIN (NetSetupDomain: no domain can be found),
    ERROR_INVALID_PARAMETER (other types).
    """
    _net.check_local(Server, "NetValidateName")
    _net.check_str(Name, "the name", "NetValidateName")
    _net.check_int(NameType, "the name type", "NetValidateName")
    netbios_ok = 0 < len(Name) <= 15 and not _NETBIOS_BAD & set(Name) and Name.strip(".") != "" \
        and all(c.isprintable() for c in Name)
    if NameType == _NET_SETUP_MACHINE:
        if not netbios_ok or " " in Name:
            raise _net.net_error(_net.ERROR_INVALID_COMPUTERNAME, "NetValidateName")
    elif NameType == _NET_SETUP_WORKGROUP:
        if not netbios_ok:
            raise _net.net_error(_net.NERR_InvalidWorkgroupName, "NetValidateName")
    elif NameType == _NET_SETUP_DNS_MACHINE:
        labels = Name.rstrip(".").split(".")
        if not Name or len(Name) > 255 or not all(
                0 < len(label) <= 63 and label[0] != "-" and label[-1] != "-"
                and all(c.isalnum() and c.isascii() or c == "-" for c in label) for label in labels):
            raise _net.net_error(_net.ERROR_INVALID_COMPUTERNAME, "NetValidateName")
    elif NameType == _NET_SETUP_DOMAIN:
        raise _net.net_error(_ERROR_NO_SUCH_DOMAIN, "NetValidateName")
    elif NameType == _NET_SETUP_NON_EXISTENT_DOMAIN:
        if not netbios_ok:
            raise _net.net_error(_net.ERROR_INVALID_PARAMETER, "NetValidateName")
    else:
        raise _net.net_error(_net.ERROR_INVALID_PARAMETER, "NetValidateName")


def NetValidatePasswordPolicy(Server, Qualifier, ValidationType, arg, /):
    """Checks a password against the policy.

    On POSIX: not supported (password policy is PAM's).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetValidatePasswordPolicy")


# --- Shares ------------------------------------------------------------------------

_SHARE_LEVELS = (0, 1, 2, 501, 502)


def NetShareEnum(server, *args):
    """The shares: NetShareEnum(server) -> [(netname, type, remark), ...];
    NetShareEnum(server, level, resumeHandle=0, prefLen=MAX_PREFERRED_LENGTH)
    -> ([SHARE_INFO_<level> dict, ...], total, resume handle), level 0, 1, 2, 501, 502.

    Errors: ERROR_INVALID_LEVEL, TypeError.
    On POSIX: Samba's shares (testparm -s; $PYWIN32_POSIX_SMB_CONF names
    another smb.conf), with IPC$ as Samba serves it; none without Samba.
    """
    _net.check_local(server, "NetShareEnum")
    if not args:
        return [share[:3] for share in _host.shares()]
    if len(args) > 3:
        raise TypeError("NetShareEnum takes at most 4 arguments")
    level = _level(args[0], _SHARE_LEVELS, "NetShareEnum")
    resume = args[1] if len(args) > 1 else 0
    pref_len = args[2] if len(args) > 2 else _MAX_PREFERRED_LENGTH
    return _net.paged(_host.shares(), lambda share: _host.share_info(share, level), resume, pref_len, "NetShareEnum")


def _find_share(netname, function):
    _net.check_str(netname, "the share name", function)
    for share in _host.shares():
        if share[0].lower() == netname.lower():
            return share
    raise _net.net_error(_net.NERR_NetNameNotFound, function)


def NetShareGetInfo(server, netname, level, /):
    """The SHARE_INFO_<level> dict of a share (0, 1, 2, 501, 502).

    Errors: NERR_NetNameNotFound, ERROR_INVALID_LEVEL.
    """
    _net.check_local(server, "NetShareGetInfo")
    _net.check_str(netname, "the share name", "NetShareGetInfo")
    _level(level, _SHARE_LEVELS, "NetShareGetInfo")
    return _host.share_info(_find_share(netname, "NetShareGetInfo"), level)


def NetShareAdd(server, level, data, /):
    """Creates a share from a SHARE_INFO_2/502 dict (netname, path, remark, max_uses).

    Errors: ERROR_NOT_SUPPORTED (Samba is not installed), ERROR_ACCESS_DENIED
    (not root), NERR_DuplicateShare, NERR_UnknownDevDir (2116: no such
    directory), ERROR_INVALID_LEVEL, TypeError.
    On POSIX: a section appended to smb.conf; smbd reloads it if running.
    """
    _net.check_local(server, "NetShareAdd")
    _level(level, (2, 502), "NetShareAdd")
    _net.check_dict(data, "NetShareAdd")
    name = _net.check_str(data.get("netname"), "data['netname']", "NetShareAdd")
    path = _net.check_str(data.get("path"), "data['path']", "NetShareAdd")
    remark = _net.check_str(data.get("remark") or "", "data['remark']", "NetShareAdd")
    if not _host.samba_present():
        _unsupported("NetShareAdd")
    _admin(server, "NetShareAdd")
    if not name or any(c in name for c in "[]\n") or "\n" in path + remark:
        raise _net.net_error(_net.ERROR_INVALID_PARAMETER, "NetShareAdd")
    from pywin32_posix._w32 import _paths
    import os
    path = _paths.to_posix(path, "NetShareAdd")
    if not os.path.isdir(path):
        raise _net.net_error(_ERROR_UNKNOWN_DEV_DIR, "NetShareAdd")
    if any(share[0].lower() == name.lower() for share in _host.shares()):
        raise _net.net_error(_net.NERR_DuplicateShare, "NetShareAdd")
    _host.add_share(name, path, remark, data.get("max_uses"))


def NetShareDel(server, shareName, reserved=0, /):
    """Deletes a share (its smb.conf section).

    Errors: ERROR_NOT_SUPPORTED (Samba is not installed), ERROR_ACCESS_DENIED
    (not root), NERR_NetNameNotFound.
    """
    _net.check_local(server, "NetShareDel")
    _net.check_str(shareName, "the share name", "NetShareDel")
    if not _host.samba_present():
        _unsupported("NetShareDel")
    _admin(server, "NetShareDel")
    share = _find_share(shareName, "NetShareDel")
    if not _host.delete_share(share[0]):
        raise _net.net_error(_net.ERROR_ACCESS_DENIED, "NetShareDel")  # defined by an included file, not ours to edit


def NetShareSetInfo(server, netname, level, data, /):
    """Changes a share's parameters.

    On POSIX: not supported (delete and add the share instead).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetShareSetInfo")


def NetShareCheck(server, deviceName, /):
    """(1, share type) when a share exports the directory `deviceName`, else (0, None)."""
    _net.check_local(server, "NetShareCheck")
    _net.check_str(deviceName, "the device name", "NetShareCheck")
    from pywin32_posix._w32 import _paths
    import os
    try:
        path = os.path.realpath(_paths.to_posix(deviceName, "NetShareCheck"))
    except error:
        return 0, None
    for share in _host.shares():
        if share[3] and os.path.realpath(share[3]) == path:
            return 1, share[1]
    return 0, None


# --- Connections ("uses"), sessions, files, messages ----------------------------

def NetUseEnum(server, level, resumeHandle=0, prefLen=_MAX_PREFERRED_LENGTH, /):
    """The connections to shares: ([USE_INFO_<level> dict, ...], total, resume handle), level 0, 1, 2.

    On POSIX: the SMB (cifs) mounts; local is the mount point, remote "\\\\server\\share".
    Errors: ERROR_INVALID_LEVEL.
    """
    _net.check_local(server, "NetUseEnum")
    _level(level, (0, 1, 2), "NetUseEnum")
    return _net.paged(_host.smb_mounts(), lambda m: _host.use_info(m, level), resumeHandle, prefLen, "NetUseEnum")


def NetUseGetInfo(server, usename, level=0, /):
    """The USE_INFO_<level> dict of a connection named by its mount point or remote name.

    Errors: NERR_UseNotFound, ERROR_INVALID_LEVEL.
    """
    _net.check_local(server, "NetUseGetInfo")
    _net.check_str(usename, "the use name", "NetUseGetInfo")
    _level(level, (0, 1, 2), "NetUseGetInfo")
    for mount in _host.smb_mounts():
        if usename in (mount[0], mount[1]) or usename.lower() == mount[1].lower():
            return _host.use_info(mount, level)
    raise _net.net_error(_net.NERR_UseNotFound, "NetUseGetInfo")


def NetUseAdd(server, level, data, /):
    """Connects to a shared resource.

    On POSIX: not supported (mount the share with mount.cifs).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetUseAdd")


def NetUseDel(server, useName, forceCond=0, /):
    """Ends a connection to a shared resource.

    On POSIX: not supported (unmount the share with umount).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetUseDel")


def NetSessionEnum(level, server=None, client=None, username=None, /):
    """Lists a server's SMB sessions.

    On POSIX: not supported (SMB sessions are Samba's (smbstatus)).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetSessionEnum")


def NetSessionDel(server, client=None, username=None, /):
    """Ends SMB sessions.

    On POSIX: not supported (SMB sessions are Samba's (smbstatus)).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetSessionDel")


def NetSessionGetInfo(level, server, client, username, /):
    """Describes an SMB session.

    On POSIX: not supported (SMB sessions are Samba's (smbstatus)).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetSessionGetInfo")


def NetFileEnum(level, servername=None, basepath=None, username=None, /):
    """Lists files opened over SMB.

    On POSIX: not supported (files opened over SMB are Samba's).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetFileEnum")


def NetFileClose(servername, fileid, /):
    """Closes a file opened over SMB.

    On POSIX: not supported (files opened over SMB are Samba's).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetFileClose")


def NetFileGetInfo(level, servername, fileid, /):
    """Describes a file opened over SMB.

    On POSIX: not supported (files opened over SMB are Samba's).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetFileGetInfo")


def NetStatisticsGet(server, service, level, options, /):
    """A service's LAN Manager statistics.

    On POSIX: not supported (no LanmanServer/Workstation statistics).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetStatisticsGet")


def NetMessageBufferSend(domain, userName, fromName, message, /):
    """Sends a message to a messenger alias.

    On POSIX: not supported (there is no messenger service).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetMessageBufferSend")


def NetMessageNameAdd(server, msgname, /):
    """Adds a messenger alias.

    On POSIX: not supported (there is no messenger service).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetMessageNameAdd")


def NetMessageNameDel(server, msgname, /):
    """Removes a messenger alias.

    On POSIX: not supported (there is no messenger service).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetMessageNameDel")


def NetMessageNameEnum(Server, /):
    """Lists the messenger aliases.

    On POSIX: not supported (there is no messenger service).
    """
    raise _net.net_error(_net.ERROR_NOT_SUPPORTED, "NetMessageNameEnum")
