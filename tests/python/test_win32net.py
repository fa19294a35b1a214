"""win32net's reads: users, groups and memberships matched against getent,
id, passwd -S, who and uname run as subprocesses; paging; bad input."""
import os
import struct
import subprocess
import time

import pytest
import win32api
import win32net
import win32netcon
import win32security
import winerror

from w32util import assert_winerror


def run(*argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True).stdout


def getent(database):
    """The entries of an NSS database as lists of fields, first of each name only."""
    entries, seen = [], set()
    for line in run("getent", database).splitlines():
        fields = line.split(":")
        if fields[0] not in seen:
            seen.add(fields[0])
            entries.append(fields)
    return entries


@pytest.fixture(scope="module")
def passwd():
    return getent("passwd")


@pytest.fixture(scope="module")
def groups():
    return getent("group")


def all_pages(call, *args, pref_len=win32netcon.MAX_PREFERRED_LENGTH):
    entries, resume, pages = [], 0, 0
    while True:
        page, total, resume = call(*args, resume, pref_len)
        assert total >= len(page)
        entries += page
        pages += 1
        if not resume:
            return entries, pages
        assert pages < 10000


# --- users -------------------------------------------------------------------------

def test_user_enum_lists_getent_passwd(passwd):
    users, total, resume = win32net.NetUserEnum(None, 0)
    assert [u["name"] for u in users] == [p[0] for p in passwd]
    assert (total, resume) == (len(passwd), 0)


@pytest.mark.parametrize("level", [1, 2, 3, 10, 11, 20])
def test_user_enum_levels_hold_passwd_fields(passwd, level):
    users, _, _ = win32net.NetUserEnum(None, level, win32netcon.FILTER_NORMAL_ACCOUNT)
    by_name = {u["name"]: u for u in users}
    for name, _pw, uid, gid, gecos, home, shell in passwd:
        info = by_name[name]
        full, _, comment = gecos.partition(",")
        if "comment" in info:
            assert info["comment"] == comment.rstrip(",")
        if "full_name" in info:
            assert info["full_name"] == full
        if "home_dir" in info:
            assert info["home_dir"] == home
        if "script_path" in info:
            assert info["script_path"] == shell
        if "user_id" in info:
            assert info["user_id"] == int(uid)
        if "primary_group_id" in info:
            assert info["primary_group_id"] == int(gid)
        if level in (1, 2, 3):
            assert info["password"] is None
            assert info["flags"] & (win32netcon.UF_SCRIPT | win32netcon.UF_NORMAL_ACCOUNT) == 0x201


def test_user_info_keys_are_pywin32s():
    keys1 = {"name", "password", "password_age", "priv", "home_dir", "comment", "flags", "script_path"}
    keys2 = keys1 | {"auth_flags", "full_name", "usr_comment", "parms", "workstations", "last_logon",
                     "last_logoff", "acct_expires", "max_storage", "units_per_week", "logon_hours",
                     "bad_pw_count", "num_logons", "logon_server", "country_code", "code_page"}
    keys3 = keys2 | {"user_id", "primary_group_id", "profile", "home_dir_drive", "password_expired"}
    expected = {0: {"name"}, 1: keys1, 2: keys2, 3: keys3, 4: keys3 - {"user_id"} | {"user_sid"},
                10: {"name", "comment", "usr_comment", "full_name"},
                11: {"name", "comment", "usr_comment", "full_name", "priv", "auth_flags", "password_age",
                     "home_dir", "parms", "last_logon", "last_logoff", "bad_pw_count", "num_logons",
                     "logon_server", "country_code", "workstations", "max_storage", "units_per_week",
                     "logon_hours", "code_page"},
                20: {"name", "full_name", "comment", "flags", "user_id"},
                23: {"name", "full_name", "comment", "flags", "user_sid"}}
    for level, keys in expected.items():
        assert set(win32net.NetUserGetInfo(None, "root", level)) == keys, level
    assert len(win32net.NetUserGetInfo(None, "root", 2)["logon_hours"]) == 21


def test_user_get_info_sid_and_priv(passwd):
    for name, _pw, uid, *_ in passwd[:8]:
        info = win32net.NetUserGetInfo(None, name, 4)
        assert win32security.ConvertSidToStringSid(info["user_sid"]) == "S-1-22-1-%s" % uid
        assert win32security.LookupAccountSid(None, info["user_sid"])[0] == name
        sid23 = win32net.NetUserGetInfo(None, name, 23)["user_sid"]
        assert win32security.ConvertSidToStringSid(sid23) == "S-1-22-1-%s" % uid
    assert win32net.NetUserGetInfo(None, "root", 1)["priv"] == win32netcon.USER_PRIV_ADMIN
    nobody = [p for p in passwd if p[2] == "65534"]
    if nobody:
        assert win32net.NetUserGetInfo(None, nobody[0][0], 1)["priv"] == win32netcon.USER_PRIV_GUEST


def test_user_name_with_domain_prefix():
    name = win32api.GetComputerName() + "\\root"
    assert win32net.NetUserGetInfo(None, name, 0) == {"name": "root"}
    assert win32net.NetUserGetInfo("\\\\" + win32api.GetComputerName(), "root", 0) == {"name": "root"}
    assert win32net.NetUserGetInfo(".", "root", 0) == {"name": "root"}


@pytest.mark.skipif(os.geteuid() != 0, reason="reading /etc/shadow needs root")
def test_user_flags_match_passwd_status(passwd):
    for name, *_ in passwd:
        status = run("passwd", "-S", name).split()
        info = win32net.NetUserGetInfo(None, name, 3)
        if status[1] == "L":
            assert info["flags"] & win32netcon.UF_ACCOUNTDISABLE, name
        if status[1] == "NP":
            assert info["flags"] & win32netcon.UF_PASSWD_NOTREQD, name
        max_days = int(status[4])
        assert bool(info["flags"] & win32netcon.UF_DONT_EXPIRE_PASSWD) == (max_days < 0 or max_days >= 99999), name


def test_user_enum_pages_with_pref_len(passwd):
    full = [u["name"] for u in win32net.NetUserEnum(None, 0)[0]]
    for pref_len in (0, 1, 40, 100):
        entries, pages = all_pages(lambda *a: win32net.NetUserEnum(None, 0, 0, *a), pref_len=pref_len)
        assert [u["name"] for u in entries] == full
        assert pages > 1
    page, total, resume = win32net.NetUserEnum(None, 1, 0, 0, 200)
    assert 0 < len(page) < len(full) and total == len(full) and resume == len(page)
    rest, total2, _ = win32net.NetUserEnum(None, 1, 0, resume)
    assert total2 == len(full) - resume
    assert [u["name"] for u in page + rest] == full


def test_user_enum_resume_past_the_end():
    count = win32net.NetUserEnum(None, 0)[1]
    assert win32net.NetUserEnum(None, 0, 0, count + 5) == ([], 0, 0)
    assert win32net.NetUserEnum(None, 0, 0, None)[1] == count


def test_user_enum_filters():
    assert win32net.NetUserEnum(None, 0, win32netcon.FILTER_WORKSTATION_TRUST_ACCOUNT) == ([], 0, 0)
    assert win32net.NetUserEnum(None, 0, 0)[1] == win32net.NetUserEnum(None, 0)[1]


def test_user_groups_match_id(passwd):
    for name, *_ in passwd[:10]:
        expected = run("id", "-Gn", name).split()
        assert win32net.NetUserGetLocalGroups(None, name) == expected
        assert win32net.NetUserGetLocalGroups(None, name, 0) == expected
        assert win32net.NetUserGetGroups(None, name) == [(g, 7) for g in expected]


# --- groups ------------------------------------------------------------------------

def test_group_enum_lists_getent_group(groups):
    entries, total, resume = win32net.NetGroupEnum(None, 2)
    assert [(g["name"], g["group_id"]) for g in entries] == [(g[0], int(g[2])) for g in groups]
    assert (total, resume) == (len(groups), 0)
    local = win32net.NetLocalGroupEnum(None, 1)[0]
    assert [g["name"] for g in local] == [g[0] for g in groups]
    assert all(g["comment"] == "" for g in local)
    sids = win32net.NetGroupEnum(None, 3)[0]
    assert [win32security.ConvertSidToStringSid(g["group_sid"]) for g in sids] == \
        ["S-1-22-2-%s" % g[2] for g in groups]


def test_group_enum_pages(groups):
    for call in (lambda *a: win32net.NetGroupEnum(None, 0, *a), lambda *a: win32net.NetLocalGroupEnum(None, 0, *a)):
        entries, pages = all_pages(call, pref_len=50)
        assert [g["name"] for g in entries] == [g[0] for g in groups] and pages > 1


def expected_members(group, passwd):
    members = [m for m in dict.fromkeys(group[3].split(",")) if m]
    members += [p[0] for p in passwd if p[3] == group[2] and p[0] not in members]
    return members


def test_local_group_members_match_getent(groups, passwd):
    domain = win32api.GetComputerName()
    for group in groups:
        expected = expected_members(group, passwd)
        members, total, resume = win32net.NetLocalGroupGetMembers(None, group[0], 2, 0, -1)
        assert [m["domainandname"] for m in members] == ["%s\\%s" % (domain, n) for n in expected]
        assert (total, resume) == (len(expected), 0)
        for member in members:
            name = member["domainandname"].split("\\")[1]
            uid = [p[2] for p in passwd if p[0] == name][0]
            assert win32security.ConvertSidToStringSid(member["sid"]) == "S-1-22-1-" + uid
            assert member["sidusage"] == win32security.SidTypeUser
        users = win32net.NetGroupGetUsers(None, group[0], 1, 0, -1)[0]
        assert users == [{"name": n, "attributes": 7} for n in expected]


def test_local_group_member_levels(groups, passwd):
    group = next(g for g in groups if g[0] == "root")
    for level, keys in ((0, {"sid"}), (1, {"sid", "sidusage", "name"}), (3, {"domainandname"})):
        members = win32net.NetLocalGroupGetMembers(None, "root", level)[0]
        assert members and all(set(m) == keys for m in members)
    assert win32net.NetLocalGroupGetMembers(None, "root", 1)[0][0]["name"] == expected_members(group, passwd)[0]


def test_group_get_info(groups):
    for name, _x, gid, _members in groups[:10]:
        assert win32net.NetGroupGetInfo(None, name, 2) == {"name": name, "comment": "", "group_id": int(gid),
                                                           "attributes": 7}
        assert win32net.NetLocalGroupGetInfo(None, name, 1) == {"name": name, "comment": ""}
        assert win32net.NetLocalGroupGetInfo(None, name, 0) == {"name": name}


# --- bad input ---------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: win32net.NetUserEnum(None, 4),
    lambda: win32net.NetUserEnum(None, 23),
    lambda: win32net.NetUserGetInfo(None, "root", 5),
    lambda: win32net.NetUserGetInfo(None, "root", 24),
    lambda: win32net.NetGroupEnum(None, 4),
    lambda: win32net.NetGroupGetInfo(None, "root", 7),
    lambda: win32net.NetGroupGetUsers(None, "root", 2),
    lambda: win32net.NetLocalGroupEnum(None, 2),
    lambda: win32net.NetLocalGroupGetInfo(None, "root", 2),
    lambda: win32net.NetLocalGroupGetMembers(None, "root", 4),
    lambda: win32net.NetServerGetInfo(None, 99),
    lambda: win32net.NetServerEnum(None, 102),
    lambda: win32net.NetWkstaGetInfo(None, 103),
    lambda: win32net.NetWkstaUserEnum(None, 2),
    lambda: win32net.NetShareEnum(None, 3),
    lambda: win32net.NetShareGetInfo(None, "IPC$", 3),
    lambda: win32net.NetUserModalsGet(None, 4),
    lambda: win32net.NetServerDiskEnum(None, 1),
    lambda: win32net.NetUseEnum(None, 3),
])
def test_bad_level(call):
    with pytest.raises(win32net.error) as excinfo:
        call()
    assert_winerror(excinfo, winerror.ERROR_INVALID_LEVEL)


@pytest.mark.parametrize("call, code", [
    (lambda: win32net.NetUserGetInfo(None, "no-such-user-w32net", 0), 2221),
    (lambda: win32net.NetUserGetGroups(None, "no-such-user-w32net"), 2221),
    (lambda: win32net.NetUserGetLocalGroups(None, "no-such-user-w32net", 0), 2221),
    (lambda: win32net.NetGroupGetInfo(None, "no-such-group-w32net", 0), 2220),
    (lambda: win32net.NetGroupGetUsers(None, "no-such-group-w32net", 0), 2220),
    (lambda: win32net.NetLocalGroupGetInfo(None, "no-such-group-w32net", 0), 2220),
    (lambda: win32net.NetLocalGroupGetMembers(None, "no-such-group-w32net", 0), 2220),
    (lambda: win32net.NetUserGetInfo(None, "OTHERBOX\\root", 0), 2221),
    (lambda: win32net.NetShareGetInfo(None, "no-such-share-w32net", 0), 2310),
    (lambda: win32net.NetUseGetInfo(None, "no-such-use-w32net"), 2250),
    (lambda: win32net.NetUserEnum(None, 0, 0x40), winerror.ERROR_INVALID_PARAMETER),
    (lambda: win32net.NetUserEnum(None, 0, 0, -1), winerror.ERROR_INVALID_PARAMETER),
    (lambda: win32net.NetUserGetLocalGroups(None, "root", 2), winerror.ERROR_INVALID_PARAMETER),
    (lambda: win32net.NetUserEnum("\\\\some-other-server", 0), winerror.ERROR_NOT_SUPPORTED),
    (lambda: win32net.NetUserGetInfo("elsewhere", "root", 0), winerror.ERROR_NOT_SUPPORTED),
    (lambda: win32net.NetGetDCName(), 2453),
    (lambda: win32net.NetGetAnyDCName(None, "SOMEDOMAIN"), 2453),
])
def test_errors(call, code):
    with pytest.raises(win32net.error) as excinfo:
        call()
    assert_winerror(excinfo, code)
    assert excinfo.value.strerror and "%1" not in excinfo.value.strerror


@pytest.mark.parametrize("call", [
    lambda: win32net.NetUserEnum(None, "0"),
    lambda: win32net.NetUserEnum(None, 0, "2"),
    lambda: win32net.NetUserEnum(None, 0, 0, "x"),
    lambda: win32net.NetUserEnum(None, 0, 0, 0, 1.5),
    lambda: win32net.NetUserEnum(5, 0),
    lambda: win32net.NetUserGetInfo(None, b"root", 0),
    lambda: win32net.NetUserGetInfo(None, None, 0),
    lambda: win32net.NetUserGetInfo(None, "root", None),
    lambda: win32net.NetGroupGetInfo(None, 0, 0),
    lambda: win32net.NetLocalGroupGetMembers(None, ["root"], 0),
    lambda: win32net.NetUserGetGroups(None, 1),
    lambda: win32net.NetShareEnum(None, 0, 0, 0, 0),
])
def test_wrong_types(call):
    with pytest.raises(TypeError):
        call()


@pytest.mark.parametrize("name, args", [
    ("NetMessageBufferSend", (None, "root", None, "hi")), ("NetMessageNameAdd", (None, "x")),
    ("NetMessageNameDel", (None, "x")), ("NetMessageNameEnum", (None,)), ("NetServerSetInfo", (None, 100, {})),
    ("NetWkstaSetInfo", (None, 100, {})), ("NetWkstaTransportEnum", (None, 0)),
    ("NetWkstaTransportAdd", (None, 0, {})), ("NetWkstaTransportDel", (None, "x")), ("NetUseAdd", (None, 1, {})),
    ("NetUseDel", (None, "x")), ("NetSessionEnum", (10,)), ("NetSessionDel", (None,)),
    ("NetSessionGetInfo", (10, None, "c", "u")), ("NetFileEnum", (3,)), ("NetFileClose", (None, 1)),
    ("NetFileGetInfo", (3, None, 1)), ("NetStatisticsGet", (None, win32net.SERVICE_SERVER, 0, 0)),
    ("NetServerComputerNameAdd", (None, None, "X")), ("NetServerComputerNameDel", (None, "X")),
    ("NetValidatePasswordPolicy", (None, None, 1, {})), ("NetUserModalsSet", (None, 0, {})),
    ("NetShareSetInfo", (None, "x", 2, {})), ("NetServerGetInfo", (None, 502)), ("NetWkstaGetInfo", (None, 302)),
])
def test_not_supported(name, args):
    with pytest.raises(win32net.error) as excinfo:
        getattr(win32net, name)(*args)
    assert_winerror(excinfo, winerror.ERROR_NOT_SUPPORTED, name)


# --- machine -----------------------------------------------------------------------

def kernel_version():
    release = run("uname", "-r").strip().split(".")
    return int(release[0]), int("".join(c for c in release[1] if c.isdigit()))


def test_server_info():
    name = win32api.GetComputerName()
    assert win32net.NetServerGetInfo(None, 100) == {"platform_id": win32netcon.PLATFORM_ID_NT, "name": name}
    info = win32net.NetServerGetInfo(name, 102)
    assert (info["version_major"], info["version_minor"]) == kernel_version()
    assert info["type"] & win32netcon.SV_TYPE_WORKSTATION and info["type"] & win32netcon.SV_TYPE_SERVER_UNIX
    assert {"comment", "users", "disc", "hidden", "announce", "anndelta", "userpath"} <= set(info)
    servers, total, resume = win32net.NetServerEnum(None, 101)
    assert servers == [win32net.NetServerGetInfo(None, 101)] and (total, resume) == (1, 0)
    assert win32net.NetServerEnum(None, 100, win32netcon.SV_TYPE_DOMAIN_CTRL) == ([], 0, 0)
    assert win32net.NetServerEnum(None, 100, win32netcon.SV_TYPE_ALL, "NOT-OUR-GROUP") == ([], 0, 0)


def test_wksta_info():
    info = win32net.NetWkstaGetInfo(None, 102)
    assert info["computername"] == win32api.GetComputerName()
    assert (info["ver_major"], info["ver_minor"]) == kernel_version()
    assert info["langroup"] == win32net.NetGetJoinInformation()[0]
    assert win32net.NetGetJoinInformation()[1] == win32netcon.NetSetupWorkgroupName
    assert info["logged_on_users"] == len(run("who").splitlines())
    assert set(win32net.NetWkstaGetInfo(None, 100)) == {"platform_id", "computername", "langroup", "ver_major",
                                                         "ver_minor"}


def test_wksta_user_enum_matches_who():
    users, total, resume = win32net.NetWkstaUserEnum(None, 1)
    assert [u["username"] for u in users] == [line.split()[0] for line in run("who").splitlines()]
    assert (total, resume) == (len(users), 0)


def utmp_record(kind, user, line, host, when):
    return struct.pack("=hxxi32s4s32s256shhiii16s20s", kind, 4242, line.encode(), b"ts/1", user.encode(),
                       host.encode(), 0, 0, 0, when, 0, b"", b"")


def test_utmp_reader_agrees_with_who(tmp_path):
    from pywin32_posix import _net_host
    path = tmp_path / "utmp"
    now = int(time.time())
    path.write_bytes(utmp_record(2, "reboot", "~", "", now) + utmp_record(7, "alice", "pts/3", "10.0.0.2", now)
                     + utmp_record(8, "gone", "pts/4", "", now) + utmp_record(7, "bob", "tty2", "", now))
    sessions = _net_host.utmp_sessions(str(path))
    assert [(s[0], s[1]) for s in sessions] == [tuple(line.split()[:2]) for line in run("who", str(path)).splitlines()]


def test_server_disk_enum():
    drives = win32net.NetServerDiskEnum(None, 0)
    assert drives == [d.rstrip("\\") for d in win32api.GetLogicalDriveStrings().split("\0") if d]
    assert all(len(d) == 2 and d[1] == ":" for d in drives)


def login_defs(name, default):
    for line in open("/etc/login.defs"):
        parts = line.split()
        if len(parts) >= 2 and parts[0] == name:
            return int(parts[1])
    return default


def test_user_modals():
    info = win32net.NetUserModalsGet(None, 0)
    max_days = login_defs("PASS_MAX_DAYS", 99999)
    assert info["max_passwd_age"] == (0xFFFFFFFF if max_days >= 99999 else max_days * 86400)
    assert info["min_passwd_age"] == login_defs("PASS_MIN_DAYS", 0) * 86400
    assert info["min_passwd_len"] == login_defs("PASS_MIN_LEN", 0)
    assert win32net.NetUserModalsGet(None, 1) == {"role": win32netcon.UAS_ROLE_STANDALONE, "primary": ""}
    domain = win32net.NetUserModalsGet(None, 2)
    assert domain["domain_name"] == win32api.GetComputerName()
    assert win32security.ConvertSidToStringSid(domain["domain_id"]) == "S-1-22-1"
    assert set(win32net.NetUserModalsGet(None, 3)) == {"lockout_duration", "lockout_observation_window",
                                                        "usrmod3_lockout_threshold"}


def test_validate_name():
    win32net.NetValidateName(None, "MYBOX", win32netcon.NetSetupMachine)
    win32net.NetValidateName(None, "WORKGROUP", win32netcon.NetSetupWorkgroup)
    win32net.NetValidateName(None, "host-1.example.org", win32netcon.NetSetupDnsMachine)
    for name, kind, code in (("A" * 16, win32netcon.NetSetupMachine, winerror.ERROR_INVALID_COMPUTERNAME),
                             ("a*b", win32netcon.NetSetupMachine, winerror.ERROR_INVALID_COMPUTERNAME),
                             ("bad|grp", win32netcon.NetSetupWorkgroup, 2695),
                             ("-bad.example", win32netcon.NetSetupDnsMachine, winerror.ERROR_INVALID_COMPUTERNAME),
                             ("CORP", win32netcon.NetSetupDomain, winerror.ERROR_NO_SUCH_DOMAIN),
                             ("X", 99, winerror.ERROR_INVALID_PARAMETER)):
        with pytest.raises(win32net.error) as excinfo:
            win32net.NetValidateName(None, name, kind)
        assert_winerror(excinfo, code)


def test_constants_have_windows_values():
    assert (win32netcon.MAX_PREFERRED_LENGTH, win32netcon.FILTER_NORMAL_ACCOUNT, win32netcon.UF_ACCOUNTDISABLE,
            win32netcon.USER_PRIV_ADMIN, win32netcon.SV_TYPE_ALL, win32netcon.STYPE_SPECIAL,
            win32netcon.LG_INCLUDE_INDIRECT) == (-1, 2, 2, 2, -1, -0x80000000, 1)
    assert (win32net.USE_NOFORCE, win32net.USE_FORCE, win32net.USE_LOTS_OF_FORCE) == (0, 1, 2)


def test_names_match_without_case_as_windows(passwd, groups):
    names = [p[0] for p in passwd]
    for name in names[:10]:
        if sum(n.casefold() == name.casefold() for n in names) == 1:
            assert win32net.NetUserGetInfo(None, name.upper(), 0) == {"name": name}
    group = groups[0][0]
    if sum(g[0].casefold() == group.casefold() for g in groups) == 1:
        assert win32net.NetLocalGroupGetInfo(None, group.upper(), 0) == {"name": group}
