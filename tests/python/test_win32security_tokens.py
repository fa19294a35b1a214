"""win32security: tokens on POSIX credentials, privileges as capabilities,
LogonUser through PAM, and per-thread impersonation."""
import os
import pathlib
import shutil
import subprocess
import tempfile
import threading
import uuid

import pytest
import pywintypes
import win32api
import win32con
import win32security as s
import winerror

from w32util import assert_winerror, in_thread

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
CAP_CHOWN, CAP_SYS_BOOT = 0, 22


def thread_caps(field):
    with open("/proc/thread-self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1], 16)
    raise AssertionError(field)


def token(access=s.TOKEN_QUERY):
    return s.OpenProcessToken(win32api.GetCurrentProcess(), access)


def privileges(tok):
    return dict(s.GetTokenInformation(tok, s.TokenPrivileges))


def test_privileges_are_the_capabilities_held():
    held = privileges(token())
    permitted, effective = thread_caps("CapPrm"), thread_caps("CapEff")
    for name, cap in (("SeShutdownPrivilege", CAP_SYS_BOOT), ("SeTakeOwnershipPrivilege", CAP_CHOWN),
                      ("SeBackupPrivilege", 2), ("SeDebugPrivilege", 19)):
        luid = s.LookupPrivilegeValue(None, name)
        assert (luid in held) == bool(permitted >> cap & 1)
        if luid in held:
            assert bool(held[luid] & s.SE_PRIVILEGE_ENABLED) == bool(effective >> cap & 1)
    # Privileges no capability stands for are never held.
    assert s.LookupPrivilegeValue(None, s.SE_CREATE_TOKEN_NAME) not in held


def test_privilege_names_values_and_display_names():
    assert s.LookupPrivilegeValue(None, s.SE_SHUTDOWN_NAME) == 19
    assert s.LookupPrivilegeValue("", "sebackupprivilege") == 17
    assert s.LookupPrivilegeName(None, 20) == "SeDebugPrivilege"
    assert s.LookupPrivilegeName(None, (0, 9)) == "SeTakeOwnershipPrivilege"
    assert s.LookupPrivilegeDisplayName(None, s.SE_SHUTDOWN_NAME) == "Shut down the system"
    for call in (lambda: s.LookupPrivilegeValue(None, "SeNoSuchPrivilege"), lambda: s.LookupPrivilegeName(None, 999),
                 lambda: s.LookupPrivilegeDisplayName(None, "SeNoSuchPrivilege")):
        assert_winerror(pytest.raises(pywintypes.error, call), winerror.ERROR_NO_SUCH_PRIVILEGE)
    assert_winerror(pytest.raises(pywintypes.error, s.LookupPrivilegeValue, "otherhost.invalid", s.SE_DEBUG_NAME),
                    winerror.ERROR_NOT_SUPPORTED)
    with pytest.raises(TypeError):
        s.LookupPrivilegeValue(None, 19)


@root_only
def test_adjusting_a_privilege_moves_its_capability_and_the_kernel_obeys(tmp_path):
    path = tmp_path / "f"
    path.write_text("x")
    luid = s.LookupPrivilegeValue(None, s.SE_TAKE_OWNERSHIP_NAME)

    def in_own_thread():  # capabilities are per thread: the test's other threads keep theirs
        tok = token(s.TOKEN_QUERY | s.TOKEN_ADJUST_PRIVILEGES)
        previous = s.AdjustTokenPrivileges(tok, False, [(luid, 0)])
        assert previous == ((luid, s.SE_PRIVILEGE_ENABLED),) and win32api.GetLastError() == 0
        assert not thread_caps("CapEff") >> CAP_CHOWN & 1 and thread_caps("CapPrm") >> CAP_CHOWN & 1
        assert privileges(tok)[luid] == 0
        with pytest.raises(PermissionError):
            os.chown(path, 4242, -1)
        assert s.AdjustTokenPrivileges(tok, False, [(luid, s.SE_PRIVILEGE_ENABLED)]) == ((luid, 0),)
        os.chown(path, 4242, -1)
        # A privilege that is not held: success, with ERROR_NOT_ALL_ASSIGNED.
        create_token = s.LookupPrivilegeValue(None, s.SE_CREATE_TOKEN_NAME)
        assert s.AdjustTokenPrivileges(tok, False, [(create_token, s.SE_PRIVILEGE_ENABLED)]) == ()
        assert win32api.GetLastError() == winerror.ERROR_NOT_ALL_ASSIGNED
        # Removed for good: it leaves the permitted set and cannot come back.
        s.AdjustTokenPrivileges(tok, False, [(luid, s.SE_PRIVILEGE_REMOVED)])
        assert not thread_caps("CapPrm") >> CAP_CHOWN & 1 and luid not in privileges(tok)
        s.AdjustTokenPrivileges(tok, False, [(luid, s.SE_PRIVILEGE_ENABLED)])
        assert win32api.GetLastError() == winerror.ERROR_NOT_ALL_ASSIGNED
        return True

    assert in_thread(in_own_thread, 30)
    assert thread_caps("CapEff") >> CAP_CHOWN & 1  # this thread was not touched
    assert os.stat(path).st_uid == 4242


@root_only
def test_disable_all_privileges_in_a_thread():
    def in_own_thread():
        tok = token(s.TOKEN_QUERY | s.TOKEN_ADJUST_PRIVILEGES)
        before = privileges(tok)
        previous = dict(s.AdjustTokenPrivileges(tok, True, None))
        assert set(previous) == {luid for luid, attrs in before.items() if attrs & s.SE_PRIVILEGE_ENABLED}
        assert all(not attrs & s.SE_PRIVILEGE_ENABLED for attrs in privileges(tok).values())
        assert not thread_caps("CapEff") >> CAP_SYS_BOOT & 1
        return True

    assert in_thread(in_own_thread, 30)


def test_adjust_needs_the_access_right_and_good_arguments():
    tok = token(s.TOKEN_QUERY)
    assert_winerror(pytest.raises(pywintypes.error, s.AdjustTokenPrivileges, tok, False, [(19, 2)]),
                    winerror.ERROR_ACCESS_DENIED)
    with pytest.raises(TypeError):
        s.AdjustTokenPrivileges(token(s.TOKEN_ALL_ACCESS), False, [("SeShutdownPrivilege", 2)])
    assert_winerror(pytest.raises(pywintypes.error, s.GetTokenInformation, 123456, s.TokenUser),
                    winerror.ERROR_INVALID_HANDLE)


def test_token_is_a_handle_and_closes():
    tok = token()
    assert isinstance(tok, pywintypes.HANDLEType) and int(tok) > 0
    value = int(tok)
    assert s.GetTokenInformation(value, s.TokenType) == s.TokenPrimary  # by number, as pywin32 code does
    tok.Close()
    assert_winerror(pytest.raises(pywintypes.error, s.GetTokenInformation, value, s.TokenUser),
                    winerror.ERROR_INVALID_HANDLE)
    other = token()
    win32api.CloseHandle(int(other))  # closed by number, as pywin32 code often does
    assert_winerror(pytest.raises(pywintypes.error, s.GetTokenInformation, other, s.TokenUser),
                    winerror.ERROR_INVALID_HANDLE)
    with token() as scoped:
        assert s.GetTokenInformation(scoped, s.TokenType) == s.TokenPrimary


def test_token_information_classes():
    tok = token()
    stats = s.GetTokenInformation(tok, s.TokenStatistics)
    assert stats["TokenType"] == s.TokenPrimary and stats["PrivilegeCount"] == len(privileges(tok))
    assert stats["GroupCount"] == len(s.GetTokenInformation(tok, s.TokenGroups))
    assert stats["TokenId"] != s.GetTokenInformation(token(), s.TokenStatistics)["TokenId"]
    with open("/proc/self/sessionid") as f:
        session = int(f.read())
    assert s.GetTokenInformation(tok, s.TokenSessionId) == (0 if session == 0xFFFFFFFF else session)
    sid, attrs = s.GetTokenInformation(tok, s.TokenIntegrityLevel)
    assert s.ConvertSidToStringSid(sid) == ("S-1-16-12288" if os.geteuid() == 0 else "S-1-16-8192")
    # The default DACL is what the umask leaves for new files.
    umask = os.umask(0o22)
    os.umask(umask)
    dacl = s.GetTokenInformation(tok, s.TokenDefaultDacl)
    owner_mask = dacl.GetAce(0)[1] & 0xFFFFFFFF
    assert bool(owner_mask & 0x80000000) == (not umask & 0o400)
    assert_winerror(pytest.raises(pywintypes.error, s.GetTokenInformation, tok, s.TokenImpersonationLevel),
                    winerror.ERROR_INVALID_PARAMETER)
    assert_winerror(pytest.raises(pywintypes.error, s.GetTokenInformation, tok, s.TokenLinkedToken),
                    winerror.ERROR_NOT_SUPPORTED)
    assert s.IsTokenRestricted(tok) is False
    groups = {s.ConvertSidToStringSid(g) for g, _ in s.GetTokenInformation(tok, s.TokenGroups)}
    assert {"S-1-1-0", "S-1-5-11", "S-1-5-32-545"} <= groups
    assert ("S-1-5-32-544" in groups) == (os.geteuid() == 0)


def test_check_token_membership_and_duplicates():
    everyone = s.CreateWellKnownSid(s.WinWorldSid)
    admins = s.CreateWellKnownSid(s.WinBuiltinAdministratorsSid)
    assert s.CheckTokenMembership(None, everyone) is True
    assert s.CheckTokenMembership(None, admins) == (os.geteuid() == 0)
    assert s.CheckTokenMembership(None, s.ConvertStringSidToSid("S-1-22-1-%d" % os.geteuid()))
    primary = token(s.TOKEN_QUERY | s.TOKEN_DUPLICATE)
    assert_winerror(pytest.raises(pywintypes.error, s.CheckTokenMembership, primary, everyone),
                    winerror.ERROR_NO_IMPERSONATION_TOKEN)
    dup = s.DuplicateToken(primary, s.SecurityImpersonation)
    assert s.GetTokenInformation(dup, s.TokenType) == s.TokenImpersonation
    assert s.GetTokenInformation(dup, s.TokenImpersonationLevel) == s.SecurityImpersonation
    assert s.CheckTokenMembership(dup, everyone) is True
    assert not s.CheckTokenMembership(dup, s.ConvertStringSidToSid("S-1-22-2-987654"))
    # A duplicate is a copy: adjusting it leaves the process alone.
    full = s.DuplicateTokenEx(primary, s.SecurityImpersonation, s.TOKEN_ALL_ACCESS, s.TokenPrimary)
    s.AdjustTokenPrivileges(full, True, None)
    assert all(not a & s.SE_PRIVILEGE_ENABLED for a in privileges(full).values())
    assert privileges(token()) == privileges(primary)
    assert_winerror(pytest.raises(pywintypes.error, s.DuplicateToken, token(s.TOKEN_QUERY), 2),
                    winerror.ERROR_ACCESS_DENIED)
    assert_winerror(pytest.raises(pywintypes.error, s.DuplicateTokenEx, primary, 2, 0, 7),
                    winerror.ERROR_INVALID_PARAMETER)
    with pytest.raises(TypeError):
        s.CheckTokenMembership(None, "S-1-1-0")


def test_thread_tokens_exist_only_while_impersonating():
    def body():
        here = win32api.GetCurrentThread()
        assert_winerror(pytest.raises(pywintypes.error, s.OpenThreadToken, here, s.TOKEN_QUERY, False),
                        winerror.ERROR_NO_TOKEN)
        s.ImpersonateSelf(s.SecurityIdentification)
        tok = s.OpenThreadToken(here, s.TOKEN_QUERY, True)
        assert s.GetTokenInformation(tok, s.TokenType) == s.TokenImpersonation
        assert s.GetTokenInformation(tok, s.TokenImpersonationLevel) == s.SecurityIdentification
        assert s.GetTokenInformation(tok, s.TokenUser)[0] == s.ConvertStringSidToSid("S-1-22-1-%d" % os.geteuid())
        s.RevertToSelf()
        assert_winerror(pytest.raises(pywintypes.error, s.OpenThreadToken, here, s.TOKEN_QUERY, False),
                        winerror.ERROR_NO_TOKEN)
        s.SetThreadToken(None, s.DuplicateToken(token(s.TOKEN_QUERY | s.TOKEN_DUPLICATE), 2))
        assert s.OpenThreadToken(here, s.TOKEN_QUERY, False)
        s.SetThreadToken(None, None)
        return True

    assert in_thread(body, 30)
    assert_winerror(pytest.raises(pywintypes.error, s.OpenThreadToken, 1234, s.TOKEN_QUERY, False),
                    winerror.ERROR_NOT_SUPPORTED)


@root_only
def test_token_of_a_child_process_of_another_user():
    child = subprocess.Popen(["sleep", "60"], user=65534, group=65534, extra_groups=[])
    try:
        h = win32api.OpenProcess(win32con.PROCESS_QUERY_INFORMATION, False, child.pid)
        tok = s.OpenProcessToken(h, s.TOKEN_QUERY)
        user, _ = s.GetTokenInformation(tok, s.TokenUser)
        assert s.ConvertSidToStringSid(user) == "S-1-22-1-65534"
        assert s.ConvertSidToStringSid(s.GetTokenInformation(tok, s.TokenPrimaryGroup)) == "S-1-22-2-65534"
        assert s.GetTokenInformation(tok, s.TokenPrivileges) == ()  # a non-root process has no capabilities
        assert s.GetTokenInformation(tok, s.TokenElevation) == 0
        tok_adjust = s.OpenProcessToken(h, s.TOKEN_ADJUST_PRIVILEGES)
        assert_winerror(pytest.raises(pywintypes.error, s.AdjustTokenPrivileges, tok_adjust, True, None),
                        winerror.ERROR_NOT_SUPPORTED)
    finally:
        child.kill()
        child.wait(30)


# ------------------------------------------------------- logon + impersonation

@pytest.fixture(scope="module")
def test_user():
    if os.geteuid() != 0:
        pytest.skip("creating a local test user needs root")
    name = "w32s" + uuid.uuid4().hex[:10]
    password = "pw-" + uuid.uuid4().hex
    subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name], check=True, timeout=60)
    try:
        subprocess.run(["chpasswd"], input="%s:%s\n" % (name, password), text=True, check=True, timeout=60)
        import pwd
        yield name, password, pwd.getpwnam(name)
    finally:
        subprocess.run(["userdel", name], timeout=60)


def test_logon_user_checks_the_password_with_pam(test_user):
    name, password, entry = test_user
    tok = s.LogonUser(name, None, password, s.LOGON32_LOGON_INTERACTIVE, s.LOGON32_PROVIDER_DEFAULT)
    assert s.ConvertSidToStringSid(s.GetTokenInformation(tok, s.TokenUser)[0]) == "S-1-22-1-%d" % entry.pw_uid
    assert s.GetTokenInformation(tok, s.TokenType) == s.TokenPrimary
    assert s.GetTokenInformation(tok, s.TokenPrivileges) == ()
    assert s.LogonUser(name, ".", password, s.LOGON32_LOGON_NETWORK, s.LOGON32_PROVIDER_DEFAULT)
    assert_winerror(pytest.raises(pywintypes.error, s.LogonUser, name, None, "wrong" + password,
                                  s.LOGON32_LOGON_INTERACTIVE, s.LOGON32_PROVIDER_DEFAULT),
                    winerror.ERROR_LOGON_FAILURE)


def test_logon_user_bad_arguments():
    assert_winerror(pytest.raises(pywintypes.error, s.LogonUser, "nobody-xyz-missing", None, "x",
                                  s.LOGON32_LOGON_INTERACTIVE, s.LOGON32_PROVIDER_DEFAULT),
                    winerror.ERROR_LOGON_FAILURE)
    assert_winerror(pytest.raises(pywintypes.error, s.LogonUser, "root", None, "x", 99, 0),
                    winerror.ERROR_INVALID_PARAMETER)
    assert_winerror(pytest.raises(pywintypes.error, s.LogonUser, "root", None, "x",
                                  s.LOGON32_LOGON_NEW_CREDENTIALS, 0), winerror.ERROR_NOT_SUPPORTED)
    with pytest.raises(TypeError):
        s.LogonUser(b"root", None, "x", 2, 0)


@pytest.fixture
def shared_dir():
    # pytest's tmp_path sits in a root-only directory the test user cannot traverse.
    path = tempfile.mkdtemp(prefix="w32sec-", dir="/tmp")
    os.chmod(path, 0o777)
    yield pathlib.Path(path)
    shutil.rmtree(path, ignore_errors=True)


def test_impersonation_changes_file_access_of_the_calling_thread_only(test_user, shared_dir):
    tmp_path = shared_dir
    name, password, entry = test_user
    tok = s.LogonUser(name, None, password, s.LOGON32_LOGON_INTERACTIVE, s.LOGON32_PROVIDER_DEFAULT)
    os.chmod(tmp_path, 0o777)
    secret = tmp_path / "secret"
    secret.write_text("root only")
    os.chmod(secret, 0o600)
    impersonating, reverted = threading.Event(), threading.Event()

    def body():
        s.ImpersonateLoggedOnUser(tok)
        try:
            (tmp_path / "made-as-user").write_text("x")
            with pytest.raises(PermissionError):
                secret.read_text()
            assert s.CheckTokenMembership(None, s.ConvertStringSidToSid("S-1-22-1-%d" % entry.pw_uid)) is True
            assert s.CheckTokenMembership(None, s.CreateWellKnownSid(s.WinBuiltinAdministratorsSid)) is False
            thread_token = s.OpenThreadToken(win32api.GetCurrentThread(), s.TOKEN_QUERY, False)
            assert s.GetTokenInformation(thread_token, s.TokenUser)[0] == \
                s.ConvertStringSidToSid("S-1-22-1-%d" % entry.pw_uid)
            assert os.geteuid() == 0  # the process's ids are untouched
            impersonating.set()
            assert reverted.wait(30)
        finally:
            impersonating.set()  # a failure above must not leave the main thread waiting
            s.RevertToSelf()
        assert secret.read_text() == "root only"
        (tmp_path / "made-after").write_text("x")
        return True

    worker = threading.Thread(target=lambda: results.append(body()))
    results = []
    worker.start()
    try:
        assert impersonating.wait(30)
        # Meanwhile this thread is still root (checked even if the worker failed: harmless).
        assert secret.read_text() == "root only"
        (tmp_path / "made-by-other-thread").write_text("x")
    finally:
        reverted.set()
        worker.join(30)
    assert results == [True]
    assert os.stat(tmp_path / "made-as-user").st_uid == entry.pw_uid
    assert os.stat(tmp_path / "made-as-user").st_gid == entry.pw_gid
    assert os.stat(tmp_path / "made-by-other-thread").st_uid == 0
    assert os.stat(tmp_path / "made-after").st_uid == 0


def test_impersonating_another_user_needs_the_privilege(test_user):
    name, password, _ = test_user
    tok = s.LogonUser(name, None, password, s.LOGON32_LOGON_INTERACTIVE, s.LOGON32_PROVIDER_DEFAULT)

    def body():
        own = token(s.TOKEN_QUERY | s.TOKEN_ADJUST_PRIVILEGES)
        s.AdjustTokenPrivileges(own, False, [(s.LookupPrivilegeValue(None, "SeImpersonatePrivilege"),
                                              s.SE_PRIVILEGE_REMOVED)])
        assert_winerror(pytest.raises(pywintypes.error, s.ImpersonateLoggedOnUser, tok),
                        winerror.ERROR_PRIVILEGE_NOT_HELD)
        assert_winerror(pytest.raises(pywintypes.error, s.OpenThreadToken, win32api.GetCurrentThread(),
                                      s.TOKEN_QUERY, False), winerror.ERROR_NO_TOKEN)
        return os.getgroups() == before

    before = os.getgroups()
    assert in_thread(body, 30)


def pipe_server():
    """(name, server end) of a new one-instance byte pipe."""
    import win32pipe
    name = r"\\.\pipe\w32sec-" + uuid.uuid4().hex[:12]
    return name, win32pipe.CreateNamedPipe(name, win32pipe.PIPE_ACCESS_DUPLEX, win32pipe.PIPE_TYPE_BYTE, 1,
                                           4096, 4096, 0, None)


def accept(server):
    """ConnectNamedPipe for a client that has already opened the pipe."""
    import win32pipe
    try:
        win32pipe.ConnectNamedPipe(server, None)
    except pywintypes.error as exc:
        assert exc.winerror == winerror.ERROR_PIPE_CONNECTED


def test_impersonate_named_pipe_client_takes_the_client_process_user():
    import win32file
    name, server = pipe_server()
    client = win32file.CreateFile(name, win32file.GENERIC_READ | win32file.GENERIC_WRITE, 0, None,
                                  win32file.OPEN_EXISTING, 0, None)
    try:
        accept(server)

        def body():
            s.ImpersonateNamedPipeClient(server)
            try:
                tok = s.OpenThreadToken(win32api.GetCurrentThread(), s.TOKEN_QUERY, False)
                return s.ConvertSidToStringSid(s.GetTokenInformation(tok, s.TokenUser)[0])
            finally:
                s.RevertToSelf()

        assert in_thread(body, 30) == "S-1-22-1-%d" % os.geteuid()
    finally:
        client.Close()
        server.Close()


def test_impersonation_ends_with_its_thread():
    def impersonate_and_exit():
        s.ImpersonateSelf(s.SecurityImpersonation)
        return True

    # Thread ids are reused; a new thread must not inherit a dead one's token.
    for _ in range(3):
        assert in_thread(impersonate_and_exit, 30)
        assert_winerror(pytest.raises(pywintypes.error, in_thread,
                                      lambda: s.OpenThreadToken(win32api.GetCurrentThread(), s.TOKEN_QUERY, False), 30),
                        winerror.ERROR_NO_TOKEN)


@root_only
def test_impersonate_the_client_of_a_pipe_in_another_process(shared_dir):
    # The client runs with other groups (root stays its user, so that it can
    # reach this run's session): the server thread takes them on.
    import sys
    from w32util import finish, read_line
    name, server = pipe_server()
    code = ("import sys, win32file\n"
            "h = win32file.CreateFile(sys.argv[1], win32file.GENERIC_READ | win32file.GENERIC_WRITE, 0, None,"
            " win32file.OPEN_EXISTING, 0, None)\n"
            "print('connected', flush=True)\n"
            "sys.stdin.readline()\n")
    child = subprocess.Popen([sys.executable, "-c", code, name], env=os.environ.copy(),
                             cwd=os.environ["PYWIN32_POSIX_ROOT"], group=65534, extra_groups=[65533],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert read_line(child) == "connected"
        accept(server)

        def body():
            s.ImpersonateNamedPipeClient(server)
            try:
                tok = s.OpenThreadToken(win32api.GetCurrentThread(), s.TOKEN_QUERY, False)
                groups = {s.ConvertSidToStringSid(g) for g, _ in s.GetTokenInformation(tok, s.TokenGroups)}
                made = shared_dir / "made-as-client"
                made.write_text("x")
                return (s.ConvertSidToStringSid(s.GetTokenInformation(tok, s.TokenPrimaryGroup)),
                        "S-1-22-2-65533" in groups, os.stat(made).st_gid)
            finally:
                s.RevertToSelf()

        assert in_thread(body, 30) == ("S-1-22-2-65534", True, 65534)
        (shared_dir / "made-after").write_text("x")
        assert os.stat(shared_dir / "made-after").st_gid == os.getegid()
    finally:
        child.stdin.write("\n")
        child.stdin.flush()
        finish(child)
        server.Close()


def test_bad_token_arguments():
    import win32event
    assert_winerror(pytest.raises(pywintypes.error, s.OpenProcessToken, 123456, s.TOKEN_QUERY),
                    winerror.ERROR_INVALID_HANDLE)
    with pytest.raises(TypeError):
        s.OpenProcessToken(win32api.GetCurrentProcess(), "all")
    with pytest.raises(TypeError):
        s.GetTokenInformation(token(), "TokenUser")
    dup_source = token(s.TOKEN_DUPLICATE | s.TOKEN_QUERY)
    with pytest.raises(TypeError):
        s.DuplicateTokenEx(dup_source, 2, 0, s.TokenPrimary, "attributes")
    assert_winerror(pytest.raises(pywintypes.error, s.DuplicateTokenEx, dup_source, 9, 0, s.TokenPrimary),
                    winerror.ERROR_INVALID_PARAMETER)
    assert_winerror(pytest.raises(pywintypes.error, s.ImpersonateSelf, 7), winerror.ERROR_INVALID_PARAMETER)
    assert_winerror(pytest.raises(pywintypes.error, s.SetThreadToken, 1234, None), winerror.ERROR_NOT_SUPPORTED)
    assert_winerror(pytest.raises(pywintypes.error, s.SetThreadToken, None, token(s.TOKEN_QUERY)),
                    winerror.ERROR_ACCESS_DENIED)  # needs TOKEN_IMPERSONATE
    event = win32event.CreateEvent(None, 0, 0, None)
    try:
        # Only files have a security descriptor here.
        assert_winerror(pytest.raises(pywintypes.error, s.GetKernelObjectSecurity, event,
                                      s.OWNER_SECURITY_INFORMATION), winerror.ERROR_NOT_SUPPORTED)
        assert_winerror(pytest.raises(pywintypes.error, s.GetSecurityInfo, event, s.SE_FILE_OBJECT,
                                      s.OWNER_SECURITY_INFORMATION), winerror.ERROR_INVALID_HANDLE)
        assert_winerror(pytest.raises(pywintypes.error, s.GetSecurityInfo, event, s.SE_KERNEL_OBJECT,
                                      s.OWNER_SECURITY_INFORMATION), winerror.ERROR_NOT_SUPPORTED)
    finally:
        event.Close()
