"""Access tokens on POSIX credentials: the token of a process (its effective
uid, gid, supplementary groups and capabilities), tokens from LogonUser
(PAM), duplicates, and per-thread impersonation through the thread's
file-system credentials (setfsuid/setfsgid and the thread's own groups).

A token is a handle (a PyHANDLE subclass) whose number is reserved in the
handle table by a placeholder kernel object, so that CloseHandle and `with`
work on it as on Windows; what the token says lives in this process.
"""
import ctypes as _ctypes
import itertools as _itertools
import os as _os
import pwd as _pwd
import threading as _threading
import weakref as _weakref

import pywintypes as _pywintypes

from pywin32_posix import _privileges, _security

ERROR_INVALID_HANDLE = 6
ERROR_ACCESS_DENIED = 5
ERROR_NOT_SUPPORTED = 50
ERROR_INVALID_PARAMETER = 87
ERROR_NO_TOKEN = 1008
ERROR_NOT_ALL_ASSIGNED = 1300
ERROR_PRIVILEGE_NOT_HELD = 1314
ERROR_NO_SUCH_PRIVILEGE = 1313
ERROR_LOGON_FAILURE = 1326
ERROR_ACCOUNT_RESTRICTION = 1327
ERROR_NO_IMPERSONATION_TOKEN = 1309
ERROR_BAD_IMPERSONATION_LEVEL = 1346
ERROR_ACCOUNT_EXPIRED = 1793
ERROR_PASSWORD_MUST_CHANGE = 1907

TOKEN_ASSIGN_PRIMARY, TOKEN_DUPLICATE, TOKEN_IMPERSONATE, TOKEN_QUERY = 0x1, 0x2, 0x4, 0x8
TOKEN_ADJUST_PRIVILEGES = 0x20
MAXIMUM_ALLOWED = 0x02000000
TOKEN_ALL_ACCESS = 0xF01FF
TokenPrimary, TokenImpersonation = 1, 2
SecurityAnonymous, SecurityIdentification, SecurityImpersonation, SecurityDelegation = 0, 1, 2, 3
_GROUP_ENABLED = 0x7  # mandatory, enabled by default, enabled
_GROUP_OWNER = 0x8
_GROUP_INTEGRITY = 0x60  # SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED
_GENERIC_READ, _GENERIC_WRITE, _GENERIC_EXECUTE, _GENERIC_ALL = 0x80000000, 0x40000000, 0x20000000, 0x10000000
_TOKEN_READ, _TOKEN_WRITE, _TOKEN_EXECUTE = 0x20008, 0x200E0, 0x20000
_NEVER = 0x7FFFFFFFFFFFFFFF  # a token's ExpirationTime when it does not expire


def fail(code, function):
    """Raises pywintypes.error(code, function, Windows' message)."""
    import win32api
    raise _pywintypes.error(code, function, win32api.FormatMessage(code).rstrip("\r\n"))


# ------------------------------------------------------------ identifiers

_luid_counter = _itertools.count(1)
_luid_lock = _threading.Lock()


def allocate_luid():
    """A locally unique identifier: this process's id in the high 32 bits and
    a counter in the low ones, so that no two live processes hand out the
    same value."""
    with _luid_lock:
        return (_os.getpid() << 32) | (next(_luid_counter) & 0xFFFFFFFF)


def user_sid(uid):
    """S-1-22-1-<uid>: the SID of a POSIX user."""
    return _security.sid_of(22, 1, uid)


def group_sid(gid):
    """S-1-22-2-<gid>: the SID of a POSIX group."""
    return _security.sid_of(22, 2, gid)


# ------------------------------------------------------------ token state

class Credentials:
    """Who a token stands for: uid, primary gid, supplementary gids, the
    capability sets (effective, permitted) and the login session."""

    __slots__ = ("uid", "gid", "groups", "effective", "permitted", "session", "umask")

    def __init__(self, uid, gid, groups, effective, permitted, session, umask):
        self.uid, self.gid, self.groups = uid, gid, tuple(groups)
        self.effective, self.permitted = effective, permitted
        self.session, self.umask = session, umask


def _proc_status(pid):
    fields = {}
    try:
        with open("/proc/%d/status" % pid) as status:
            for line in status:
                key, _, value = line.partition(":")
                fields[key] = value.split()
    except FileNotFoundError:
        return None
    return fields


def _session_of(pid):
    try:
        with open("/proc/%d/sessionid" % pid) as f:
            value = int(f.read())
    except (OSError, ValueError):
        return 0
    return 0 if value == 0xFFFFFFFF else value


def process_credentials(pid):
    """The credentials of a live process (this one when pid is ours: the
    calling thread's capabilities, as capset(2) changes them per thread)."""
    if pid == _os.getpid():
        effective, permitted = _privileges.capability_sets()
        groups = getattr(_thread_state, "saved_groups", None)
        if groups is None:
            groups = _os.getgroups()
        fields = _proc_status(pid) or {}
        umask = int(fields["Umask"][0], 8) if "Umask" in fields else 0o22
        return Credentials(_os.geteuid(), _os.getegid(), groups, effective, permitted,
                           _session_of(pid), umask)
    fields = _proc_status(pid)
    if fields is None:
        return None
    return Credentials(int(fields["Uid"][1]), int(fields["Gid"][1]),
                       [int(g) for g in fields.get("Groups", [])],
                       int(fields["CapEff"][0], 16), int(fields["CapPrm"][0], 16),
                       _session_of(pid), int(fields["Umask"][0], 8) if "Umask" in fields else 0o22)


class TokenState:
    """What a token holds. A process token is live (read from the process
    each time); LogonUser tokens and duplicates are snapshots, whose
    privileges AdjustTokenPrivileges changes in the snapshot, as on Windows."""

    def __init__(self, kind, level, pid=None, credentials=None, privileges=None):
        self.kind, self.level = kind, level
        self.pid = pid  # the live process, or None for a snapshot
        self.credentials = credentials
        self.privileges = privileges  # {luid: attributes} of a snapshot
        self.token_id = allocate_luid()
        self.modified_id = self.token_id
        self.authentication_id = credentials.session if credentials else _session_of(pid)

    def current(self, function):
        """The credentials now."""
        if self.pid is None:
            return self.credentials
        credentials = process_credentials(self.pid)
        if credentials is None:
            fail(ERROR_INVALID_HANDLE, function)  # the process has gone
        return credentials

    def privilege_list(self, function):
        """((LUID, attributes), ...) held by the token."""
        if self.pid is None:
            return tuple(sorted(self.privileges.items()))
        credentials = self.current(function)
        return _privileges.token_privileges(credentials.effective, credentials.permitted)

    def snapshot(self, kind, level, function):
        """A duplicate: the credentials and privileges as they are now."""
        return TokenState(kind, level, None, self.current(function), dict(self.privilege_list(function)))


class PyTokenHandle(_pywintypes.HANDLE(0).__class__):
    """An access token handle (pywin32 returns a PyHANDLE)."""

    def Close(self):
        """Closes the token handle."""
        _TOKENS.pop(int(self), None)
        super().Close()

    close = Close


_TOKENS = {}  # handle value -> (weak reference to PyTokenHandle)


def new_token_handle(state, access):
    """A token handle for ``state`` with ``access`` rights."""
    import win32event
    placeholder = win32event.CreateEvent(None, 0, 0, None)
    handle = PyTokenHandle(placeholder.Detach())
    handle.state, handle.access = state, access
    _TOKENS[int(handle)] = _weakref.ref(handle)
    return handle


def token_of(handle, function, access=0):
    """The PyTokenHandle a token argument (PyHANDLE or int) stands for,
    checked for ``access``."""
    if isinstance(handle, PyTokenHandle):
        token = handle if int(handle) in _TOKENS else None
    else:
        try:
            ref = _TOKENS.get(int(handle))
        except (TypeError, ValueError):
            raise TypeError("a token handle (PyHANDLE or int) is required") from None
        token = ref() if ref is not None else None
    if token is None or not _still_open(token):
        fail(ERROR_INVALID_HANDLE, function)
    if access and (token.access & access) != access and not token.access & MAXIMUM_ALLOWED:
        fail(ERROR_ACCESS_DENIED, function)
    return token


def _still_open(token):
    # win32api.CloseHandle(token) closes the number behind our back.
    import win32api
    try:
        win32api.GetHandleInformation(int(token))
        return True
    except _pywintypes.error:
        _TOKENS.pop(int(token), None)
        return False


def map_token_access(access):
    """The token rights ``access`` asks for, generic rights mapped."""
    for generic, specific in ((_GENERIC_READ, _TOKEN_READ), (_GENERIC_WRITE, _TOKEN_WRITE),
                              (_GENERIC_EXECUTE, _TOKEN_EXECUTE), (_GENERIC_ALL, TOKEN_ALL_ACCESS)):
        if access & generic:
            access = (access & ~generic) | specific
    if access & MAXIMUM_ALLOWED:
        access |= TOKEN_ALL_ACCESS
    return access


# ------------------------------------------------------ token information

def token_groups(credentials):
    """((PySID, attributes), ...): the POSIX groups, then the well-known
    groups every local user is in (Everyone, BUILTIN\\Users, Authenticated
    Users), then BUILTIN\\Administrators for root."""
    gids = [credentials.gid] + [g for g in credentials.groups if g != credentials.gid]
    groups = [(group_sid(g), _GROUP_ENABLED) for g in gids]
    for text in ("S-1-1-0", "S-1-5-32-545", "S-1-5-11"):
        groups.append((_security.sid_from_string(text), _GROUP_ENABLED))
    if credentials.uid == 0:
        groups.append((_security.sid_from_string("S-1-5-32-544"), _GROUP_ENABLED | _GROUP_OWNER))
    return tuple(groups)


def integrity_sid(credentials):
    """High integrity for root, medium for everybody else."""
    return _security.sid_from_string("S-1-16-12288" if credentials.uid == 0 else "S-1-16-8192")


def default_dacl(credentials):
    """The DACL objects created with default security get: the mode bits
    the umask leaves, as owner, group and Everyone ACEs."""
    mode = 0o777 & ~credentials.umask
    aces = []
    for sid, bits in ((user_sid(credentials.uid), mode >> 6), (group_sid(credentials.gid), mode >> 3),
                      (_security.sid_from_string("S-1-1-0"), mode)):
        mask = (_GENERIC_READ if bits & 4 else 0) | (_GENERIC_WRITE if bits & 2 else 0) | \
            (_GENERIC_EXECUTE if bits & 1 else 0)
        if mask:
            aces.append((0, 0, mask, sid))
    return _security.acl_from_aces(aces)


# ------------------------------------------------------------ impersonation

# Per thread (and gone with it, as the kernel's per-thread credentials are):
# token, the impersonation TokenState; saved_groups, the groups before it.
_thread_state = _threading.local()
_libc = _ctypes.CDLL(None, use_errno=True)
_SYS_SETGROUPS = {"x86_64": 116, "aarch64": 159, "riscv64": 159, "ppc64le": 81, "s390x": 206}.get(
    _os.uname().machine)


def _set_thread_groups(gids):
    # glibc's setgroups() changes every thread; the raw system call changes
    # the calling thread's groups only, which is what impersonation is.
    if _SYS_SETGROUPS is None:
        raise OSError(95, "setgroups: no per-thread system call known for this machine")
    array = (_ctypes.c_uint * max(1, len(gids)))(*gids)
    if _libc.syscall(_SYS_SETGROUPS, _ctypes.c_size_t(len(gids)), array) != 0:
        errno = _ctypes.get_errno()
        raise OSError(errno, _os.strerror(errno))


def _set_fs_ids(uid, gid):
    # setfsuid/setfsgid return the previous value and never fail loudly:
    # read the result back (an invalid id, -1, changes nothing).
    _libc.setfsgid(gid)
    _libc.setfsuid(uid)
    return _libc.setfsuid(-1) == uid and _libc.setfsgid(-1) == gid


def thread_token():
    """The calling thread's impersonation TokenState, or None."""
    return getattr(_thread_state, "token", None)


def impersonate(state, function):
    """Makes the calling thread act, for file access, as ``state``'s user."""
    credentials = state.current(function)
    if thread_token() is not None:
        revert()
    base_groups = _os.getgroups()
    try:
        if sorted(set(base_groups)) != sorted(set(credentials.groups)):
            _set_thread_groups(sorted(set(credentials.groups)))
        if not _set_fs_ids(credentials.uid, credentials.gid):
            raise PermissionError
    except OSError:
        _set_fs_ids(_os.geteuid(), _os.getegid())
        try:
            _set_thread_groups(base_groups)
        except OSError:
            pass
        fail(ERROR_PRIVILEGE_NOT_HELD, function)
    impersonation = state if state.kind == TokenImpersonation else \
        state.snapshot(TokenImpersonation, SecurityImpersonation, function)
    _thread_state.saved_groups = base_groups
    _thread_state.token = impersonation


def revert():
    """Ends the calling thread's impersonation (nothing when there is none)."""
    if thread_token() is None:
        return
    _thread_state.token = None
    _set_fs_ids(_os.geteuid(), _os.getegid())
    groups, _thread_state.saved_groups = _thread_state.saved_groups, None
    if sorted(set(groups)) != sorted(set(_os.getgroups())):
        _set_thread_groups(groups)


# ---------------------------------------------------------------- logon (PAM)

class _PamMessage(_ctypes.Structure):
    _fields_ = [("msg_style", _ctypes.c_int), ("msg", _ctypes.c_char_p)]


class _PamResponse(_ctypes.Structure):
    _fields_ = [("resp", _ctypes.c_void_p), ("resp_retcode", _ctypes.c_int)]


_CONV = _ctypes.CFUNCTYPE(_ctypes.c_int, _ctypes.c_int, _ctypes.POINTER(_ctypes.POINTER(_PamMessage)),
                          _ctypes.POINTER(_ctypes.POINTER(_PamResponse)), _ctypes.c_void_p)


class _PamConv(_ctypes.Structure):
    _fields_ = [("conv", _CONV), ("appdata_ptr", _ctypes.c_void_p)]


_PAM_SUCCESS, _PAM_BUF_ERR, _PAM_CONV_ERR = 0, 5, 19
_PAM_PERM_DENIED, _PAM_ACCT_EXPIRED, _PAM_NEW_AUTHTOK_REQD = 6, 13, 12
_PAM_PROMPT_ECHO_OFF, _PAM_PROMPT_ECHO_ON = 1, 2
_PAM_SERVICE_DEFAULT = "pywin32-posix"
_pam = None


def _libpam():
    global _pam
    if _pam is None:
        lib = _ctypes.CDLL("libpam.so.0")
        lib.pam_start.argtypes = [_ctypes.c_char_p, _ctypes.c_char_p, _ctypes.POINTER(_PamConv),
                                  _ctypes.POINTER(_ctypes.c_void_p)]
        lib.pam_authenticate.argtypes = lib.pam_acct_mgmt.argtypes = [_ctypes.c_void_p, _ctypes.c_int]
        lib.pam_end.argtypes = [_ctypes.c_void_p, _ctypes.c_int]
        _libc.calloc.restype = _ctypes.c_void_p
        _libc.calloc.argtypes = [_ctypes.c_size_t, _ctypes.c_size_t]
        _libc.strdup.restype = _ctypes.c_void_p
        _libc.strdup.argtypes = [_ctypes.c_char_p]
        _pam = lib
    return _pam


def pam_check(user, password):
    """The PAM result of authenticating ``user`` with ``password`` and then
    checking the account (PAM service $PYWIN32_POSIX_PAM_SERVICE, default
    "pywin32-posix", which PAM resolves to /etc/pam.d/other unless an
    administrator configures it)."""
    lib = _libpam()
    secret = password.encode()
    login = user.encode()

    def converse(count, messages, responses, _):
        # PAM frees the answers, so they must come from malloc.
        answers = _libc.calloc(count, _ctypes.sizeof(_PamResponse))
        if not answers:
            return _PAM_BUF_ERR
        array = _ctypes.cast(answers, _ctypes.POINTER(_PamResponse))
        for i in range(count):
            style = messages[i].contents.msg_style
            if style == _PAM_PROMPT_ECHO_OFF:
                array[i].resp = _libc.strdup(secret)
            elif style == _PAM_PROMPT_ECHO_ON:
                array[i].resp = _libc.strdup(login)
        responses[0] = array
        return _PAM_SUCCESS

    conversation = _PamConv(_CONV(converse), None)
    handle = _ctypes.c_void_p()
    service = _os.environ.get("PYWIN32_POSIX_PAM_SERVICE", _PAM_SERVICE_DEFAULT).encode()
    result = lib.pam_start(service, login, _ctypes.byref(conversation), _ctypes.byref(handle))
    if result != _PAM_SUCCESS:
        return result
    try:
        result = lib.pam_authenticate(handle, 0)
        if result == _PAM_SUCCESS:
            result = lib.pam_acct_mgmt(handle, 0)
    finally:
        lib.pam_end(handle, result)
    return result


def logon(user, password, function):
    """The primary TokenState of a user whose password PAM accepts."""
    try:
        entry = _pwd.getpwnam(user)
    except KeyError:
        entry = None
    result = pam_check(user, password)
    if entry is None or result in (_PAM_CONV_ERR,) or result not in (
            _PAM_SUCCESS, _PAM_ACCT_EXPIRED, _PAM_NEW_AUTHTOK_REQD, _PAM_PERM_DENIED):
        fail(ERROR_LOGON_FAILURE, function)
    if result == _PAM_ACCT_EXPIRED:
        fail(ERROR_ACCOUNT_EXPIRED, function)
    if result == _PAM_NEW_AUTHTOK_REQD:
        fail(ERROR_PASSWORD_MUST_CHANGE, function)
    if result == _PAM_PERM_DENIED:
        fail(ERROR_ACCOUNT_RESTRICTION, function)
    groups = _os.getgrouplist(entry.pw_name, entry.pw_gid)
    # A root logon holds what this process may hold; other users hold no
    # capability, as their processes start without any.
    _, permitted = _privileges.capability_sets()
    held = permitted if entry.pw_uid == 0 else 0
    credentials = Credentials(entry.pw_uid, entry.pw_gid, groups, 0, held, _session_of(_os.getpid()), 0o22)
    privileges = dict(_privileges.token_privileges(0, held))
    state = TokenState(TokenPrimary, SecurityAnonymous, None, credentials, privileges)
    state.authentication_id = allocate_luid()  # each logon is a new logon session, as on Windows
    return state
