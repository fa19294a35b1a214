"""Changes to the local user and group databases through the system's own
tools (useradd, usermod, userdel, groupadd, groupmod, groupdel, gpasswd,
chpasswd), so that their locking, nscd/sssd cache flushes and PAM policy
apply. Only root may run them; win32net checks that first.
"""
import ctypes
import ctypes.util
import os
import pty
import select
import shutil
import signal
import subprocess
import time

from pywin32_posix import _net_accounts as accounts
from pywin32_posix._net_common import (ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER, ERROR_INVALID_PASSWORD,
                                       ERROR_MEMBERS_PRIMARY_GROUP, NERR_GroupExists, NERR_GroupNotFound,
                                       NERR_PasswordTooShort, NERR_UserExists, NERR_UserNotFound, error, net_error)

ERROR_INTERNAL_ERROR = 1359
_SBIN = "/usr/local/sbin:/usr/sbin:/sbin"
# Exit statuses the shadow-utils tools document, as Windows' codes.
_USER_TOOL_EXITS = {3: ERROR_INVALID_PARAMETER, 6: NERR_UserNotFound, 9: NERR_UserExists, 19: ERROR_INVALID_PARAMETER}
_GROUP_TOOL_EXITS = {3: ERROR_INVALID_PARAMETER, 6: NERR_GroupNotFound, 8: ERROR_MEMBERS_PRIMARY_GROUP,
                     9: NERR_GroupExists}
LOGIN_DEFS = "/etc/login.defs"
# The tools wait for each other's locks (shadow-utils retries for about 15 s).
TOOL_TIMEOUT = 120


def _tool(name):
    path = shutil.which(name, path=os.environ.get("PATH", "") + ":" + _SBIN)
    if path is None:
        raise FileNotFoundError(name)
    return path


def run(argv, function, exits, stdin=None):
    """Runs a tool; a failure becomes the Windows error its exit status
    means (the tool's own message is the error's text otherwise)."""
    try:
        argv = [_tool(argv[0])] + argv[1:]
    except FileNotFoundError:
        raise error(ERROR_INTERNAL_ERROR, function, "%s is not installed" % argv[0]) from None
    env = dict(os.environ, LC_ALL="C")
    try:
        done = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env, check=False,
                              timeout=TOOL_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise error(ERROR_INTERNAL_ERROR, function, "%s did not finish in %d s" % (argv[0], TOOL_TIMEOUT)) from None
    if done.returncode != 0:
        code = exits.get(done.returncode)
        if code is not None:
            raise net_error(code, function)
        message = (done.stderr or done.stdout).strip() or "%s exited with status %d" % (argv[0], done.returncode)
        raise error(ERROR_INTERNAL_ERROR, function, message)


def login_defs():
    """The settings of /etc/login.defs as a dict of str."""
    values = {}
    try:
        with open(LOGIN_DEFS, encoding="utf-8", errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 2 and not parts[0].startswith("#"):
                    values[parts[0]] = parts[1]
    except OSError:
        pass
    return values


def login_defs_int(name, default):
    """An integer setting of /etc/login.defs, or `default`."""
    try:
        return int(login_defs().get(name, default))
    except ValueError:
        return default


def _check_field(value, what, function):
    if not isinstance(value, str):
        raise TypeError("%s: %s must be a str" % (function, what))
    if ":" in value or "\n" in value:
        raise net_error(ERROR_INVALID_PARAMETER, function)  # would break the passwd line
    return value


def _check_password(password, function):
    if not isinstance(password, str):
        raise TypeError("%s: the password must be a str" % function)
    if "\n" in password or "\0" in password:
        raise net_error(ERROR_INVALID_PARAMETER, function)
    if len(password) < login_defs_int("PASS_MIN_LEN", 0):
        raise net_error(NERR_PasswordTooShort, function)


def _check_shell(shell, function):
    _check_field(shell, "script_path", function)
    if shell and not (os.path.isabs(shell) and os.access(shell, os.X_OK)):
        raise net_error(ERROR_INVALID_PARAMETER, function)  # the login program must be an executable


def set_password(name, password, function):
    """Sets `name`'s password with chpasswd (hashed as PAM/login.defs say)."""
    _check_password(password, function)
    run(["chpasswd"], function, {}, stdin="%s:%s\n" % (name, password))


def add_user(fields, function):
    """Creates a user from USER_INFO fields: name, password, home_dir,
    comment/full_name (GECOS), script_path (login shell), flags,
    primary_group_id (a gid, when one exists)."""
    name = _check_field(fields["name"], "name", function)
    if not name:
        raise net_error(ERROR_INVALID_PARAMETER, function)
    gecos = accounts.join_gecos(_check_field(fields.get("full_name") or "", "full_name", function),
                                _check_field(fields.get("comment") or "", "comment", function))
    argv = ["useradd", "-M", "-c", gecos]
    home = _check_field(fields.get("home_dir") or "", "home_dir", function)
    if home:
        argv += ["-d", home]
    shell = fields.get("script_path") or ""
    _check_shell(shell, function)
    if shell:
        argv += ["-s", shell]
    gid = fields.get("primary_group_id")
    if isinstance(gid, int) and not isinstance(gid, bool) and gid >= 0:
        import grp
        try:
            grp.getgrgid(gid)
            argv += ["-g", str(gid)]
        except KeyError:
            pass  # Windows' own RIDs (513, Domain Users) have no POSIX group
    password = fields.get("password")
    if password is not None:
        _check_password(password, function)
    if accounts.find_user(name) is not None:
        raise net_error(NERR_UserExists, function)
    run(argv + ["--", name], function, _USER_TOOL_EXITS)
    try:
        if password:
            set_password(name, password, function)
        set_flags(name, fields.get("flags", 0), function)
    except BaseException:
        run(["userdel", name], function, {})
        raise


def set_flags(name, flags, function):
    """Applies UF_ACCOUNTDISABLE (the account's expiry date in the past,
    password locked) and UF_DONT_EXPIRE_PASSWD (no maximum password age)."""
    if not isinstance(flags, int):
        raise TypeError("%s: flags must be an int" % function)
    entry = accounts.Shadow(name).get(name)
    if entry is None:
        return
    disabled = accounts.password_locked(entry[1]) or (accounts.shadow_day(entry[7]) is not None
                                            and accounts.shadow_day(entry[7]) <= accounts.UserContext().today)
    if flags & accounts.UF_ACCOUNTDISABLE and not disabled:
        run(["usermod", "-L", "-e", "1", name], function, _USER_TOOL_EXITS)
    elif not flags & accounts.UF_ACCOUNTDISABLE and disabled:
        run(["usermod", "-e", "", name], function, _USER_TOOL_EXITS)
        if entry[1].startswith("!") and len(entry[1]) > 1 and entry[1] not in ("!!", "!*"):
            run(["usermod", "-U", name], function, _USER_TOOL_EXITS)
    maximum = accounts.shadow_day(entry[4])
    no_expiry = maximum is None or maximum < 0 or maximum >= accounts.NO_PASSWORD_EXPIRY_DAYS
    if flags & accounts.UF_DONT_EXPIRE_PASSWD and not no_expiry:
        run(["chage", "-M", "-1", name], function, _USER_TOOL_EXITS)
    elif not flags & accounts.UF_DONT_EXPIRE_PASSWD and no_expiry:
        days = login_defs_int("PASS_MAX_DAYS", accounts.NO_PASSWORD_EXPIRY_DAYS)
        if days < accounts.NO_PASSWORD_EXPIRY_DAYS:
            run(["chage", "-M", str(days), name], function, _USER_TOOL_EXITS)


def set_user(pw, fields, function):
    """Changes the USER_INFO fields present in `fields` of an existing user."""
    name = pw.pw_name
    full, comment = accounts.split_gecos(pw.pw_gecos)
    if "full_name" in fields or "comment" in fields:
        gecos = accounts.join_gecos(_check_field(fields.get("full_name", full) or "", "full_name", function),
                                    _check_field(fields.get("comment", comment) or "", "comment", function))
        if gecos != pw.pw_gecos:
            run(["usermod", "-c", gecos, name], function, _USER_TOOL_EXITS)
    if "home_dir" in fields and fields["home_dir"] != pw.pw_dir:
        run(["usermod", "-d", _check_field(fields["home_dir"], "home_dir", function), name], function,
            _USER_TOOL_EXITS)
    if "script_path" in fields and fields["script_path"] != pw.pw_shell:
        _check_shell(fields["script_path"], function)
        run(["usermod", "-s", fields["script_path"], name], function, _USER_TOOL_EXITS)
    if "primary_group_id" in fields and fields["primary_group_id"] != pw.pw_gid:
        gid = fields["primary_group_id"]
        if not isinstance(gid, int):
            raise TypeError("%s: primary_group_id must be an int" % function)
        run(["usermod", "-g", str(gid), name], function, {**_USER_TOOL_EXITS, 6: NERR_GroupNotFound})
    if fields.get("password") is not None:
        set_password(name, fields["password"], function)
    if "flags" in fields:
        set_flags(name, fields["flags"], function)
    if "name" in fields and fields["name"] != name:
        new = _check_field(fields["name"], "name", function)
        if accounts.find_user(new) is not None:
            raise net_error(NERR_UserExists, function)
        run(["usermod", "-l", new, name], function, _USER_TOOL_EXITS)


def delete_user(name, function):
    """Removes a user (not its home directory: Windows keeps profiles too)."""
    run(["userdel", name], function, {**_USER_TOOL_EXITS, 8: ERROR_ACCESS_DENIED})


def _crypt(password, setting):
    name = ctypes.util.find_library("crypt")
    if name is None:
        return None
    crypt = ctypes.CDLL(name).crypt
    crypt.restype = ctypes.c_char_p
    crypt.argtypes = (ctypes.c_char_p, ctypes.c_char_p)
    result = crypt(password.encode(), setting.encode())
    return result.decode() if result else None


def change_password(name, old, new, function):
    """Sets `new` after checking `old` against the shadow hash (libcrypt)."""
    entry = accounts.Shadow(name).get(name)
    if entry is None:
        raise net_error(ERROR_ACCESS_DENIED, function)
    hashed = entry[1]
    if hashed.startswith("!") or hashed in ("*", "x") or _crypt(old, hashed) != hashed:
        if not (hashed == "" and old == ""):
            raise net_error(ERROR_INVALID_PASSWORD, function)
    set_password(name, new, function)


def _reap(pid, grace):
    """The wait status of child `pid`, killed if it is still running after `grace` seconds."""
    end = time.monotonic() + grace
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() >= end:
            os.kill(pid, signal.SIGKILL)
            return os.waitpid(pid, 0)[1]
        time.sleep(0.02)


def change_own_password(old, new, function):
    """Changes this (unprivileged) process's user's password by answering
    passwd's prompts on a pseudo-terminal, as the user would: PAM checks the
    old password and the policy."""
    for text in (old, new):
        if "\n" in text or "\r" in text or "\0" in text:
            raise net_error(ERROR_INVALID_PARAMETER, function)
    try:
        program = _tool("passwd")
    except FileNotFoundError:
        raise error(ERROR_INTERNAL_ERROR, function, "passwd is not installed") from None
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execve(program, ["passwd"], dict(os.environ, LC_ALL="C"))
        finally:
            os._exit(127)
    answers = [old, new, new]
    transcript = since_answer = b""
    deadline = time.monotonic() + 30
    rejected = False
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: passwd closed the terminal
                break
            if not chunk:
                break
            transcript += chunk
            since_answer += chunk
            if since_answer.rstrip().lower().endswith(b"password:"):
                if not answers:
                    rejected = True  # asked again: the new password broke the policy
                    break
                os.write(fd, answers.pop(0).encode() + b"\n")
                since_answer = b""
    finally:
        os.close(fd)
        status = _reap(pid, 0 if rejected or time.monotonic() >= deadline else 5)
    if not rejected and os.waitstatus_to_exitcode(status) == 0:
        return
    text = transcript.decode("utf-8", "replace")
    if rejected:
        raise net_error(NERR_PasswordTooShort, function)  # Windows' code for any policy refusal
    if "new password:" not in text.lower() and "authentication token manipulation error" in text.lower():
        raise net_error(ERROR_INVALID_PASSWORD, function)  # refused at the current password
    # passwd's last words, never a line that could echo a password back
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and (not old or old not in line) and (not new or new not in line)]
    raise error(ERROR_INTERNAL_ERROR, function, lines[-1] if lines else "passwd failed")


def add_group(name, function):
    """Creates a group."""
    _check_field(name, "name", function)
    if not name:
        raise net_error(ERROR_INVALID_PARAMETER, function)
    if accounts.find_group(name) is not None:
        raise net_error(NERR_GroupExists, function)
    run(["groupadd", "--", name], function, _GROUP_TOOL_EXITS)


def rename_group(old, new, function):
    """Renames a group."""
    _check_field(new, "name", function)
    if accounts.find_group(new) is not None:
        raise net_error(NERR_GroupExists, function)
    run(["groupmod", "-n", new, old], function, _GROUP_TOOL_EXITS)


def delete_group(name, function):
    """Removes a group (not one that is a user's primary group)."""
    run(["groupdel", name], function, _GROUP_TOOL_EXITS)


def add_member(group, user, function):
    """Adds a user to a group's member list."""
    run(["gpasswd", "-a", user, group], function, _GROUP_TOOL_EXITS)


def remove_member(group, user, function):
    """Removes a user from a group's member list."""
    run(["gpasswd", "-d", user, group], function, _GROUP_TOOL_EXITS)


def set_members(group, users, function):
    """Makes `users` the group's member list."""
    run(["gpasswd", "-M", ",".join(users), group], function, _GROUP_TOOL_EXITS)
