"""The machine as win32net describes it: server and workstation info from
uname, logged-on users from utmp, the account policy from /etc/login.defs
and pam_faillock, Samba's shares (testparm), and SMB mounts as "uses".
"""
import os
import shutil
import struct
import subprocess

from pywin32_posix._net_common import computer_name

PLATFORM_ID_NT = 500
SV_TYPE_WORKSTATION = 0x1
SV_TYPE_SERVER = 0x2
SV_TYPE_SERVER_UNIX = 0x800
STYPE_DISKTREE = 0
STYPE_PRINTQ = 1
STYPE_IPC = 3
STYPE_SPECIAL = -0x80000000
USE_OK = 0
USE_DISKDEV = 0
UAS_ROLE_STANDALONE = 0
FOREVER = 0xFFFFFFFF
NO_PASSWORD_EXPIRY_DAYS = 99999
DEFAULT_WORKGROUP = "WORKGROUP"  # a Windows machine in no domain is in this workgroup

UTMP_PATH = "/var/run/utmp"
USER_PROCESS = 7
# glibc's struct utmp on 64-bit Linux: type, pid, line, id, user, host, exit,
# session, tv_sec, tv_usec, addr_v6, reserved.
UTMP_RECORD = struct.Struct("=hxxi32s4s32s256shhiii16s20s")
SMB_CONF_ENV = "PYWIN32_POSIX_SMB_CONF"
SMB_FILESYSTEMS = ("cifs", "smb3", "smbfs")
FAILLOCK_CONF = "/etc/security/faillock.conf"
PAM_AUTH_FILES = ("/etc/pam.d/common-auth", "/etc/pam.d/system-auth")


def kernel_version():
    """(major, minor) of the running kernel."""
    numbers = []
    for part in os.uname().release.split(".")[:2]:
        digits = "".join(c for c in part if c.isdigit()) if part else ""
        numbers.append(int(digits) if digits else 0)
    return tuple((numbers + [0, 0])[:2])


def _text(raw):
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def utmp_sessions(path=UTMP_PATH):
    """(user, line, host, login time) of each login session utmp records."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return []
    sessions = []
    for offset in range(0, len(data) - UTMP_RECORD.size + 1, UTMP_RECORD.size):
        record = UTMP_RECORD.unpack_from(data, offset)
        if record[0] == USER_PROCESS and record[4][:1] not in (b"", b"\0"):
            sessions.append((_text(record[4]), _text(record[2]), _text(record[5]), record[9]))
    return sessions


def wksta_user_info(user, level):
    """The WKSTA_USER_INFO_<level> dict of a logged-on user."""
    if level == 0:
        return {"username": user}
    return {"username": user, "logon_domain": computer_name(), "oth_domains": "", "logon_server": computer_name()}


# --- Samba ----------------------------------------------------------------

def samba_present():
    """Whether Samba's testparm is installed (its configuration is readable)."""
    return shutil.which("testparm") is not None


def samba_conf_path():
    """The smb.conf in use: $PYWIN32_POSIX_SMB_CONF, else Samba's default."""
    return os.environ.get(SMB_CONF_ENV) or None


_config_cache = {"key": None, "value": None}


def _config_key():
    """What the configuration's text depends on: the stat of smb.conf and of
    the files its include lines name (testparm takes ~20 ms; this ~20 us)."""
    path = samba_conf_path() or "/etc/samba/smb.conf"
    key = [path]
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            includes = [line.partition("=")[2].strip() for line in f
                        if line.strip().lower().replace(" ", "").startswith("include=")]
    except OSError:
        return None
    for name in [path] + includes:
        try:
            st = os.stat(name)
            key.append((name, st.st_mtime_ns, st.st_size, st.st_ino))
        except OSError:
            key.append((name, None))
    return tuple(key)


def samba_config():
    """Samba's effective configuration as [(section, {parameter: value})]
    (testparm -s), or [] when Samba is absent or its configuration broken.
    Read again when smb.conf or a file it includes changes."""
    if not samba_present():
        return []
    key = _config_key()
    if key is not None and _config_cache["key"] == key:
        return _config_cache["value"]
    _config_cache.update(key=key, value=_read_samba_config())
    return _config_cache["value"]


def _read_samba_config():
    argv = ["testparm", "-s", "--suppress-prompt"]
    if samba_conf_path():
        argv.append(samba_conf_path())
    try:
        done = subprocess.run(argv, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C"), check=False,
                              timeout=60)
    except subprocess.TimeoutExpired:
        return []
    if done.returncode != 0:
        return []
    sections = []
    for line in done.stdout.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            sections.append((line[1:-1], {}))
        elif "=" in line and sections and not line.startswith(("#", ";")):
            key, _, value = line.partition("=")
            sections[-1][1][key.strip().lower()] = value.strip()
    return sections


def samba_global(config, name, default=""):
    """A [global] parameter of a configuration read by samba_config."""
    for section, params in config:
        if section.lower() == "global":
            return params.get(name, default)
    return default


def workgroup(config=None):
    """The workgroup (Samba's, else Windows' default name)."""
    config = samba_config() if config is None else config
    return samba_global(config, "workgroup", DEFAULT_WORKGROUP).upper() or DEFAULT_WORKGROUP


def shares(config=None):
    """[(netname, type, remark, path, max uses)] of Samba's shares, IPC$ first
    as Samba serves it; [] without Samba."""
    config = samba_config() if config is None else config
    if not config:
        return []
    server_string = samba_global(config, "server string", "")
    remark = "IPC Service (%s)" % server_string if server_string else "IPC Service"
    result = [("IPC$", STYPE_IPC | STYPE_SPECIAL, remark, "", FOREVER)]
    for section, params in config:
        if section.lower() == "global":
            continue
        kind = STYPE_PRINTQ if params.get("printable", "no").lower() in ("yes", "true", "1") else STYPE_DISKTREE
        try:
            max_uses = int(params.get("max connections", "0")) or FOREVER
        except ValueError:
            max_uses = FOREVER
        result.append((section, kind, params.get("comment", ""), params.get("path", ""), max_uses))
    return result


def share_info(share, level):
    """The SHARE_INFO_<level> dict of a share from shares()."""
    netname, kind, remark, path, max_uses = share
    if level == 0:
        return {"netname": netname}
    info = {"netname": netname, "type": kind, "remark": remark}
    if level == 1:
        return info
    if level == 501:
        info["flags"] = 0
        return info
    info.update({"permissions": 0, "max_uses": max_uses, "current_uses": 0, "path": path, "passwd": None})
    if level == 502:
        info.update({"reserved": 0, "security_descriptor": None})
    return info


def _conf_file():
    return samba_conf_path() or "/etc/samba/smb.conf"


def add_share(name, path, remark, max_uses):
    """Appends a share section to smb.conf (then smbd reloads, if running)."""
    lines = ["", "[%s]" % name, "\tpath = %s" % path]
    if remark:
        lines.append("\tcomment = %s" % remark)
    if max_uses not in (None, -1, FOREVER):
        lines.append("\tmax connections = %d" % max_uses)
    with open(_conf_file(), "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    _reload_smbd()


def delete_share(name):
    """Removes a share's section from smb.conf; False when it has none there."""
    path = _conf_file()
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    kept, inside, found = [], False, False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            inside = stripped[1:-1].strip().lower() == name.lower()
            found = found or inside
        if not inside:
            kept.append(line)
    if found:
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.writelines(kept)
        os.replace(path + ".tmp", path)
        _reload_smbd()
    return found


def _reload_smbd():
    if shutil.which("smbcontrol"):
        try:
            subprocess.run(["smbcontrol", "smbd", "reload-config"], capture_output=True, check=False, timeout=30)
        except subprocess.TimeoutExpired:
            pass  # smbd rereads its configuration on its own, every minute


# --- SMB mounts ("uses") ------------------------------------------------------

def _unescape_mount(field):
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")


def smb_mounts(mounts="/proc/self/mounts"):
    """(mount point, "\\\\server\\share", options) of each SMB mount."""
    result = []
    try:
        with open(mounts, encoding="utf-8", errors="replace") as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 4 and fields[2] in SMB_FILESYSTEMS:
                    remote = _unescape_mount(fields[0]).replace("/", "\\")
                    result.append((_unescape_mount(fields[1]), remote, fields[3]))
    except OSError:
        pass
    return result


def use_info(mount, level):
    """The USE_INFO_<level> dict of an SMB mount."""
    local, remote, options = mount
    info = {"local": local, "remote": remote}
    if level == 0:
        return info
    info.update({"password": None, "status": USE_OK, "asg_type": USE_DISKDEV, "refcount": 1, "usecount": 1})
    if level == 2:
        opts = dict(o.partition("=")[::2] for o in options.split(","))
        info.update({"username": opts.get("username", opts.get("user", "")), "domainname": opts.get("domain", "")})
    return info


# --- Account policy -----------------------------------------------------------

def _faillock():
    """(threshold, duration, window) of pam_faillock when PAM uses it, else None."""
    used = False
    for path in PAM_AUTH_FILES:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                used = used or any("pam_faillock" in line and not line.lstrip().startswith("#") for line in f)
        except OSError:
            pass
    if not used:
        return None
    values = {"deny": 3, "unlock_time": 600, "fail_interval": 900}  # pam_faillock's defaults
    try:
        with open(FAILLOCK_CONF, encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition("=")
                if key.strip() in values and value.strip().isdigit():
                    values[key.strip()] = int(value.strip())
    except OSError:
        pass
    return values["deny"], values["unlock_time"], values["fail_interval"]


def modals_info(level, login_defs, domain_sid):
    """The USER_MODALS_INFO_<level> dict of this machine's password policy."""
    if level == 0:
        def days(name, default):
            try:
                return int(login_defs.get(name, default))
            except ValueError:
                return default
        max_days = days("PASS_MAX_DAYS", NO_PASSWORD_EXPIRY_DAYS)
        return {"min_passwd_len": days("PASS_MIN_LEN", 0),
                "max_passwd_age": FOREVER if max_days < 0 or max_days >= NO_PASSWORD_EXPIRY_DAYS else max_days * 86400,
                "min_passwd_age": max(0, days("PASS_MIN_DAYS", 0)) * 86400,
                "force_logoff": FOREVER, "password_hist_len": 0}
    if level == 1:
        return {"role": UAS_ROLE_STANDALONE, "primary": ""}
    if level == 2:
        return {"domain_name": computer_name(), "domain_id": domain_sid}
    policy = _faillock()
    threshold, duration, window = policy if policy else (0, 1800, 1800)  # Windows' defaults: no lockout
    return {"lockout_duration": duration, "lockout_observation_window": window,
            "usrmod3_lockout_threshold": threshold}


# --- Server and workstation ---------------------------------------------------

def server_type():
    """SV_TYPE_* bits: a Unix workstation, and a server when Samba's smbd is installed."""
    kind = SV_TYPE_WORKSTATION | SV_TYPE_SERVER_UNIX
    if shutil.which("smbd", path=os.environ.get("PATH", "") + ":/usr/sbin:/sbin"):
        kind |= SV_TYPE_SERVER
    return kind


def server_info(level, config=None):
    """The SERVER_INFO_<level> dict of this machine (100, 101, 102)."""
    info = {"platform_id": PLATFORM_ID_NT, "name": computer_name()}
    if level == 100:
        return info
    config = samba_config() if config is None else config
    major, minor = kernel_version()
    info.update({"version_major": major, "version_minor": minor, "type": server_type(),
                 "comment": samba_global(config, "server string", "")})
    if level == 101:
        return info
    info.update({"users": FOREVER, "disc": FOREVER, "hidden": False, "announce": 0, "anndelta": 0,
                 "userpath": home_base()})
    return info


def home_base():
    """Where new users' home directories go (useradd's HOME default)."""
    try:
        with open("/etc/default/useradd", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.strip().startswith("HOME="):
                    return line.strip()[5:].strip('"') or "/home"
    except OSError:
        pass
    return "/home"


def wksta_info(level):
    """The WKSTA_INFO_<level> dict of this machine (100, 101, 102)."""
    major, minor = kernel_version()
    info = {"platform_id": PLATFORM_ID_NT, "computername": computer_name(), "langroup": workgroup(),
            "ver_major": major, "ver_minor": minor}
    if level == 100:
        return info
    import win32api
    info["lanroot"] = win32api.GetWindowsDirectory()
    if level == 102:
        info["logged_on_users"] = len(utmp_sessions())
    return info
