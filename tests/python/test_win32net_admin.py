"""win32net's changes to the account databases (root only: CI runs as root)
checked with getent and passwd -S in other processes; a user and a group of
unique names are made per test module and always removed; what a non-root
process gets; Samba shares on a private smb.conf."""
import json
import os
import secrets
import signal
import subprocess
import sys
import time

import pytest
import win32api
import win32net
import win32netcon
import win32security
import winerror

from w32util import assert_winerror

ROOT = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="changing the account databases needs root")


def run(*argv, check=True):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=check)


def getent(database, name):
    done = run("getent", database, name, check=False)
    return done.stdout.strip().split(":") if done.returncode == 0 else None


def status(name):
    return run("passwd", "-S", name).stdout.split()[1]


def unique(prefix):
    return "%s%d%s" % (prefix, os.getpid() % 100000, secrets.token_hex(3))


def remove_user(name):
    run("userdel", name, check=False)
    run("groupdel", name, check=False)  # useradd's group of the same name, if it made one


@pytest.fixture
def user():
    name = unique("w32nu")
    try:
        win32net.NetUserAdd(None, 1, {"name": name, "password": "First-pass-1", "priv": win32netcon.USER_PRIV_USER,
                                      "home_dir": "/nonexistent/" + name, "comment": "made by a test",
                                      "flags": win32netcon.UF_SCRIPT | win32netcon.UF_NORMAL_ACCOUNT,
                                      "script_path": "/bin/sh"})
        yield name
    finally:
        remove_user(name)


@pytest.fixture
def group():
    name = unique("w32ng")
    try:
        win32net.NetLocalGroupAdd(None, 1, {"name": name, "comment": "not stored"})
        yield name
    finally:
        run("groupdel", name, check=False)


def raises(code, call, *args):
    with pytest.raises(win32net.error) as excinfo:
        call(*args)
    assert_winerror(excinfo, code)


# --- users -------------------------------------------------------------------------

@needs_root
def test_user_add_is_seen_by_getent_and_passwd(user):
    entry = getent("passwd", user)
    assert entry[4] == ",made by a test" and entry[5] == "/nonexistent/" + user and entry[6] == "/bin/sh"
    assert status(user) == "P"
    assert not os.path.exists("/nonexistent/" + user)  # no profile made, as Windows
    info = win32net.NetUserGetInfo(None, user, 3)
    assert (info["comment"], info["full_name"], info["user_id"]) == ("made by a test", "", int(entry[2]))
    assert info["flags"] & win32netcon.UF_ACCOUNTDISABLE == 0 and info["priv"] == win32netcon.USER_PRIV_USER
    assert user in [u["name"] for u in win32net.NetUserEnum(None, 0)[0]]
    raises(2224, win32net.NetUserAdd, None, 1, {"name": user, "priv": 1})


@needs_root
def test_user_set_info_levels(user):
    win32net.NetUserSetInfo(None, user, 1011, {"full_name": "Test Person"})
    assert getent("passwd", user)[4] == "Test Person,made by a test"
    win32net.NetUserSetInfo(None, user, 1007, {"comment": "room 5"})
    assert getent("passwd", user)[4] == "Test Person,room 5"
    info = win32net.NetUserGetInfo(None, user, 2)
    info["comment"] = "round trip"
    win32net.NetUserSetInfo(None, user, 2, info)  # a whole level-2 dict back, as pywin32 code does
    assert getent("passwd", user)[4] == "Test Person,round trip"
    win32net.NetUserSetInfo(None, user, 1006, {"home_dir": "/var/empty-" + user})
    win32net.NetUserSetInfo(None, user, 1009, {"script_path": "/bin/bash"})
    assert getent("passwd", user)[5:] == ["/var/empty-" + user, "/bin/bash"]
    win32net.NetUserSetInfo(None, user, 1051, {"primary_group_id": 0})
    assert getent("passwd", user)[3] == "0"


@needs_root
def test_user_disable_and_enable(user):
    flags = win32net.NetUserGetInfo(None, user, 1)["flags"]
    win32net.NetUserSetInfo(None, user, 1008, {"flags": flags | win32netcon.UF_ACCOUNTDISABLE})
    assert status(user) == "L"
    assert win32net.NetUserGetInfo(None, user, 20)["flags"] & win32netcon.UF_ACCOUNTDISABLE
    win32net.NetUserSetInfo(None, user, 1008, {"flags": flags})
    assert status(user) == "P"
    assert not win32net.NetUserGetInfo(None, user, 20)["flags"] & win32netcon.UF_ACCOUNTDISABLE


@needs_root
def test_user_password_change(user):
    raises(winerror.ERROR_INVALID_PASSWORD, win32net.NetUserChangePassword, None, user, "wrong", "Second-pass-2")
    win32net.NetUserChangePassword(None, user, "First-pass-1", "Second-pass-2")
    raises(winerror.ERROR_INVALID_PASSWORD, win32net.NetUserChangePassword, None, user, "First-pass-1", "x-3")
    win32net.NetUserSetInfo(None, user, 1003, {"password": "Third-pass-3"})
    win32net.NetUserChangePassword(None, user, "Third-pass-3", "Fourth-pass-4")
    raises(2221, win32net.NetUserChangePassword, None, "no-such-user-w32net", "a", "b")


@needs_root
def test_user_rename_and_delete(user):
    new = user + "r"
    win32net.NetUserSetInfo(None, user, 0, {"name": new})
    try:
        assert getent("passwd", user) is None and getent("passwd", new) is not None
        raises(2221, win32net.NetUserGetInfo, None, user, 0)
        win32net.NetUserDel(None, new)
        assert getent("passwd", new) is None
        raises(2221, win32net.NetUserDel, None, new)
    finally:
        remove_user(new)


@needs_root
def test_user_add_and_set_bad_input(user):
    name = unique("w32nb")
    try:
        raises(winerror.ERROR_INVALID_PARAMETER, win32net.NetUserAdd, None, 1,
               {"name": name, "priv": win32netcon.USER_PRIV_ADMIN})
        raises(winerror.ERROR_INVALID_PARAMETER, win32net.NetUserAdd, None, 1,
               {"name": name, "priv": 1, "script_path": "logon.bat"})
        raises(winerror.ERROR_INVALID_PARAMETER, win32net.NetUserAdd, None, 1, {"name": name + ":x", "priv": 1})
        raises(winerror.ERROR_INVALID_PARAMETER, win32net.NetUserAdd, None, 1,
               {"name": name, "priv": 1, "comment": "two\nlines"})
        raises(winerror.ERROR_INVALID_LEVEL, win32net.NetUserAdd, None, 0, {"name": name})
        raises(winerror.ERROR_NOT_SUPPORTED, win32net.NetUserAdd, "\\\\elsewhere", 1, {"name": name})
        with pytest.raises(TypeError):
            win32net.NetUserAdd(None, 1, [name])
        with pytest.raises(TypeError):
            win32net.NetUserAdd(None, 1, {"name": 5})
        assert getent("passwd", name) is None
    finally:
        remove_user(name)
    raises(winerror.ERROR_INVALID_PARAMETER, win32net.NetUserSetInfo, None, user, 1005,
           {"priv": win32netcon.USER_PRIV_ADMIN})
    raises(winerror.ERROR_INVALID_PARAMETER, win32net.NetUserSetInfo, None, user, 1007, {})
    raises(winerror.ERROR_INVALID_LEVEL, win32net.NetUserSetInfo, None, user, 1004, {"x": 1})
    raises(2221, win32net.NetUserSetInfo, None, "no-such-user-w32net", 1007, {"comment": "x"})
    raises(2224, win32net.NetUserSetInfo, None, user, 0, {"name": "root"})
    with pytest.raises(TypeError):
        win32net.NetUserSetInfo(None, user, 1007, {"comment": 7})


# --- groups ------------------------------------------------------------------------

@needs_root
def test_local_group_members(group, user):
    entry = getent("group", group)
    assert entry is not None and entry[3] == ""
    raises(2223, win32net.NetLocalGroupAdd, None, 0, {"name": group})
    sid = win32net.NetUserGetInfo(None, user, 4)["user_sid"]
    win32net.NetLocalGroupAddMembers(None, group, 0, [{"sid": sid}])
    win32net.NetLocalGroupAddMembers(None, group, 3, [{"domainandname": win32api.GetComputerName() + "\\root"}])
    assert getent("group", group)[3].split(",") == [user, "root"]
    members = win32net.NetLocalGroupGetMembers(None, group, 1)[0]
    assert [(m["name"], win32security.ConvertSidToStringSid(m["sid"])) for m in members] == \
        [(user, win32security.ConvertSidToStringSid(sid)), ("root", "S-1-22-1-0")]
    assert group in win32net.NetUserGetLocalGroups(None, user)
    raises(winerror.ERROR_MEMBER_IN_ALIAS, win32net.NetLocalGroupAddMembers, None, group, 0, [{"sid": sid}])
    raises(winerror.ERROR_NO_SUCH_MEMBER, win32net.NetLocalGroupAddMembers, None, group, 3,
           [{"domainandname": "no-such-user-w32net"}])
    group_sid = win32security.ConvertStringSidToSid("S-1-22-2-" + entry[2])
    raises(winerror.ERROR_INVALID_MEMBER, win32net.NetLocalGroupAddMembers, None, group, 0, [{"sid": group_sid}])
    raises(winerror.ERROR_INVALID_LEVEL, win32net.NetLocalGroupAddMembers, None, group, 1, [{"sid": sid}])
    win32net.NetLocalGroupDelMembers(None, group, ["root"])
    assert getent("group", group)[3] == user
    raises(winerror.ERROR_MEMBER_NOT_IN_ALIAS, win32net.NetLocalGroupDelMembers, None, group, ["root"])
    win32net.NetLocalGroupSetMembers(None, group, 3, [{"domainandname": "root"}])
    assert getent("group", group)[3] == "root"
    with pytest.raises(TypeError):
        win32net.NetLocalGroupAddMembers(None, group, 0, sid)


@needs_root
def test_group_users(group, user):
    win32net.NetGroupAddUser(None, group, user)
    assert getent("group", group)[3] == user
    assert win32net.NetGroupGetUsers(None, group, 0)[0] == [{"name": user}]
    raises(2236, win32net.NetGroupAddUser, None, group, user)
    raises(2221, win32net.NetGroupAddUser, None, group, "no-such-user-w32net")
    raises(2220, win32net.NetGroupAddUser, None, "no-such-group-w32net", user)
    win32net.NetGroupDelUser(None, group, user)
    assert getent("group", group)[3] == ""
    raises(2237, win32net.NetGroupDelUser, None, group, user)
    win32net.NetGroupSetUsers(None, group, 0, [{"name": user}, {"name": "root"}])
    assert getent("group", group)[3] == user + ",root"
    own = getent("passwd", user)[3]
    own_group = [g for g in win32net.NetGroupEnum(None, 2)[0] if g["group_id"] == int(own)][0]["name"]
    raises(winerror.ERROR_MEMBERS_PRIMARY_GROUP, win32net.NetGroupDelUser, None, own_group, user)


@needs_root
def test_group_rename_and_delete(group):
    new = group + "r"
    try:
        win32net.NetLocalGroupSetInfo(None, group, 0, {"name": new})
        assert getent("group", group) is None and getent("group", new) is not None
        win32net.NetGroupSetInfo(None, new, 1002, {"comment": "accepted, not stored"})
        raises(2223, win32net.NetGroupSetInfo, None, new, 0, {"name": "root"})
        win32net.NetGroupDel(None, new)
        assert getent("group", new) is None
        raises(2220, win32net.NetLocalGroupDel, None, new)
    finally:
        run("groupdel", new, check=False)
    name = unique("w32nh")
    try:
        win32net.NetGroupAdd(None, 2, {"name": name, "comment": "", "group_id": 0, "attributes": 7})
        assert getent("group", name) is not None
        win32net.NetLocalGroupDel(None, name)
        assert getent("group", name) is None
    finally:
        run("groupdel", name, check=False)


@needs_root
def test_non_root_process_is_denied(user):
    """A forked child with a real unprivileged uid: changes are refused and
    the shadow-only fields read as unknown."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            codes = []
            for call in (lambda: win32net.NetUserAdd(None, 1, {"name": user + "x", "priv": 1}),
                         lambda: win32net.NetUserDel(None, user),
                         lambda: win32net.NetLocalGroupAdd(None, 0, {"name": user + "g"}),
                         lambda: win32net.NetUserChangePassword(None, user, "First-pass-1", "Other-pass-9")):
                try:
                    call()
                    codes.append(0)
                except win32net.error as exc:
                    codes.append(exc.winerror)
            info = win32net.NetUserGetInfo(None, "root", 3)
            os.write(write, json.dumps([codes, info["password_age"], info["flags"]]).encode())
        finally:
            os._exit(0)
    os.close(write)
    deadline = time.monotonic() + 60
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the unprivileged child did not finish")
        time.sleep(0.05)
    with os.fdopen(read, "rb") as f:
        codes, age, flags = json.loads(f.read())
    assert codes == [winerror.ERROR_ACCESS_DENIED] * 4
    assert age == 0 and flags == win32netcon.UF_SCRIPT | win32netcon.UF_NORMAL_ACCOUNT
    assert getent("passwd", user) is not None and getent("passwd", user + "x") is None


@needs_root
def test_users_own_process_changes_its_password(user):
    """The user's own unprivileged process changes its password (through
    PAM's passwd); root then finds the new one in effect."""
    pw = getent("passwd", user)
    other = "root"
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(int(pw[3]))
            os.setuid(int(pw[2]))
            codes = []
            for args in ((user, "wrong-one", "Qz7vLw2Rk9Tm"), (user, "First-pass-1", "ab"),
                         (other, "x", "Qz7vLw2Rk9Tm"), (None, "First-pass-1", "Qz7vLw2Rk9Tm")):
                try:
                    win32net.NetUserChangePassword(None, *args)
                    codes.append(0)
                except win32net.error as exc:
                    codes.append(exc.winerror)
                except Exception as exc:  # noqa: BLE001 - reported to the parent
                    codes.append(repr(exc))
            os.write(write, json.dumps(codes).encode())
        finally:
            os._exit(0)
    os.close(write)
    deadline = time.monotonic() + 120
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the user's child did not finish")
        time.sleep(0.05)
    with os.fdopen(read, "rb") as f:
        codes = json.loads(f.read())
    assert codes == [winerror.ERROR_INVALID_PASSWORD, 2245, winerror.ERROR_ACCESS_DENIED, 0]
    raises(winerror.ERROR_INVALID_PASSWORD, win32net.NetUserChangePassword, None, user, "First-pass-1", "Next-pass-8")
    win32net.NetUserChangePassword(None, user, "Qz7vLw2Rk9Tm", "Next-pass-8")


# --- shares ------------------------------------------------------------------------

SMB_CONF = """[global]
    workgroup = TESTGRP
    server string = test box
[data]
    path = {path}
    comment = Data share
    max connections = 7
[lp]
    path = /tmp
    printable = yes
"""


@pytest.fixture
def smb_conf(tmp_path, monkeypatch):
    if not any(os.access(os.path.join(d, "testparm"), os.X_OK) for d in os.environ["PATH"].split(":")):
        pytest.skip("Samba's testparm is not installed")
    share_dir = tmp_path / "data"
    share_dir.mkdir()
    conf = tmp_path / "smb.conf"
    conf.write_text(SMB_CONF.format(path=share_dir))
    monkeypatch.setenv("PYWIN32_POSIX_SMB_CONF", str(conf))
    return conf, share_dir


def test_shares_from_samba_config(smb_conf):
    _conf, share_dir = smb_conf
    assert win32net.NetShareEnum(None) == [("IPC$", win32netcon.STYPE_IPC | win32netcon.STYPE_SPECIAL,
                                            "IPC Service (test box)"), ("data", 0, "Data share"),
                                           ("lp", win32netcon.STYPE_PRINTQ, "")]
    shares, total, resume = win32net.NetShareEnum(None, 2)
    assert (total, resume) == (3, 0)
    data = shares[1]
    assert (data["path"], data["max_uses"], data["passwd"]) == (str(share_dir), 7, None)
    assert win32net.NetShareGetInfo(None, "DATA", 502)["netname"] == "data"
    assert set(win32net.NetShareGetInfo(None, "data", 501)) == {"netname", "type", "remark", "flags"}
    page, total, resume = win32net.NetShareEnum(None, 0, 0, 1)
    assert len(page) == 1 and total == 3 and resume == 1
    assert win32net.NetShareCheck(None, str(share_dir)) == (1, 0)
    assert win32net.NetShareCheck(None, "/no/such/dir") == (0, None)
    assert win32net.NetGetJoinInformation() == ("TESTGRP", win32netcon.NetSetupWorkgroupName)
    assert win32net.NetWkstaGetInfo(None, 100)["langroup"] == "TESTGRP"
    assert win32net.NetServerGetInfo(None, 101)["comment"] == "test box"


def test_shares_follow_edits_of_the_config_and_its_includes(smb_conf, tmp_path):
    conf, share_dir = smb_conf
    assert "extra" not in [s[0] for s in win32net.NetShareEnum(None)]
    included = tmp_path / "extra.conf"
    included.write_text("[extra]\n    path = %s\n    comment = first\n" % share_dir)
    with open(conf, "a") as f:
        f.write("include = %s\n" % included)
    assert win32net.NetShareGetInfo(None, "extra", 1)["remark"] == "first"
    included.write_text("[extra]\n    path = %s\n    comment = second, longer\n" % share_dir)
    assert win32net.NetShareGetInfo(None, "extra", 1)["remark"] == "second, longer"


@needs_root
def test_share_add_and_delete(smb_conf, tmp_path):
    conf, _ = smb_conf
    new_dir = tmp_path / "new"
    new_dir.mkdir()
    win32net.NetShareAdd(None, 2, {"netname": "fresh", "type": 0, "remark": "made here", "permissions": 0,
                                   "max_uses": -1, "current_uses": 0, "path": str(new_dir), "passwd": None})
    seen = run("testparm", "-s", str(conf)).stdout
    assert "[fresh]" in seen and "path = %s" % new_dir in seen
    assert win32net.NetShareGetInfo(None, "fresh", 1) == {"netname": "fresh", "type": 0, "remark": "made here"}
    raises(2118, win32net.NetShareAdd, None, 2, {"netname": "FRESH", "path": str(new_dir)})
    raises(2116, win32net.NetShareAdd, None, 2, {"netname": "other", "path": str(tmp_path / "missing")})
    raises(winerror.ERROR_INVALID_LEVEL, win32net.NetShareAdd, None, 1, {"netname": "x", "path": "/tmp"})
    win32net.NetShareDel(None, "fresh")
    assert "[fresh]" not in run("testparm", "-s", str(conf)).stdout
    assert "[data]" in run("testparm", "-s", str(conf)).stdout
    raises(2310, win32net.NetShareDel, None, "fresh")


def test_without_samba_there_are_no_shares():
    code = ("import json, win32net\n"
            "try:\n    win32net.NetShareAdd(None, 2, {'netname': 'x', 'path': '/tmp'}); add = 0\n"
            "except win32net.error as e:\n    add = e.winerror\n"
            "print(json.dumps([win32net.NetShareEnum(None), win32net.NetShareEnum(None, 1), add]))")
    env = dict(os.environ, PATH="/nonexistent")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [[], [[], 0, 0], winerror.ERROR_NOT_SUPPORTED]


@needs_root
def test_password_policy_from_login_defs(tmp_path, monkeypatch):
    from pywin32_posix import _net_admin
    defs = tmp_path / "login.defs"
    defs.write_text("# policy\nPASS_MAX_DAYS 90\nPASS_MIN_DAYS 1\nPASS_MIN_LEN 12\n")
    monkeypatch.setattr(_net_admin, "LOGIN_DEFS", str(defs))
    modals = win32net.NetUserModalsGet(None, 0)
    assert (modals["max_passwd_age"], modals["min_passwd_age"], modals["min_passwd_len"]) == (90 * 86400, 86400, 12)
    name = unique("w32np")
    try:
        raises(2245, win32net.NetUserAdd, None, 1, {"name": name, "priv": 1, "password": "short-pw"})
        assert getent("passwd", name) is None
        win32net.NetUserAdd(None, 1, {"name": name, "priv": 1, "password": "long-enough-pw",
                                      "flags": win32netcon.UF_SCRIPT})
        # Without UF_DONT_EXPIRE_PASSWD the policy's maximum age applies.
        aging = subprocess.run(["chage", "-l", name], capture_output=True, text=True, timeout=60, check=True,
                               env=dict(os.environ, LC_ALL="C")).stdout
        fields = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in aging.splitlines())}
        assert fields["Maximum number of days between password change"] == "90"
        assert not win32net.NetUserGetInfo(None, name, 1)["flags"] & win32netcon.UF_DONT_EXPIRE_PASSWD
        raises(2245, win32net.NetUserSetInfo, None, name, 1003, {"password": "tiny"})
    finally:
        remove_user(name)
