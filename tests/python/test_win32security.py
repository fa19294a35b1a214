"""win32security, first part: accounts and SIDs, this process's token, and
file security as POSIX owners and modes."""
import grp
import os
import pwd

import pytest
import pywintypes
import win32api
import win32security as s
import winerror

from w32util import assert_winerror


def test_accounts_and_sids():
    me = pwd.getpwuid(os.getuid()).pw_name
    sid, domain, kind = s.LookupAccountName(None, me)
    assert s.ConvertSidToStringSid(sid) == "S-1-22-1-%d" % os.getuid() and kind == s.SidTypeUser
    assert s.LookupAccountSid(None, sid) == (me, domain, s.SidTypeUser)
    assert s.LookupAccountName(None, domain + "\\" + me)[0] == sid
    group = grp.getgrgid(os.getgid()).gr_name
    gsid, _, gkind = s.LookupAccountName(None, group)
    if gkind == s.SidTypeGroup:  # a user and a group may share a name; the user wins, as on Windows
        assert s.ConvertSidToStringSid(gsid) == "S-1-22-2-%d" % os.getgid()
    everyone, _, kind = s.LookupAccountName(None, "Everyone")
    assert s.ConvertSidToStringSid(everyone) == "S-1-1-0" and kind == s.SidTypeWellKnownGroup
    assert s.LookupAccountSid(None, everyone)[0] == "Everyone"
    assert s.ConvertStringSidToSid("S-1-5-32-544") == s.LookupAccountName(None, "Administrators")[0]
    # The SID of this user is the one the rest of the package uses.
    from pywin32_posix import _security
    assert sid == _security.current_user_sid()


def test_account_errors():
    assert_winerror(pytest.raises(pywintypes.error, s.LookupAccountName, None, "no-such-user-xyz"),
                    winerror.ERROR_NONE_MAPPED)
    assert_winerror(pytest.raises(pywintypes.error, s.LookupAccountSid, None, s.ConvertStringSidToSid("S-1-5-99")),
                    winerror.ERROR_NONE_MAPPED)
    assert_winerror(pytest.raises(pywintypes.error, s.ConvertStringSidToSid, "not a sid"), winerror.ERROR_INVALID_SID)
    assert_winerror(pytest.raises(pywintypes.error, s.LookupAccountName, "otherhost.invalid", "root"),
                    winerror.ERROR_NOT_SUPPORTED)
    with pytest.raises(TypeError):
        s.ConvertStringSidToSid(5)
    with pytest.raises(TypeError):
        s.LookupAccountName(None, 5)


def test_token_of_this_process():
    tok = s.OpenProcessToken(win32api.GetCurrentProcess(), s.TOKEN_QUERY)
    user, attributes = s.GetTokenInformation(tok, s.TokenUser)
    assert s.ConvertSidToStringSid(user) == "S-1-22-1-%d" % os.geteuid()
    groups = [s.ConvertSidToStringSid(g) for g, _ in s.GetTokenInformation(tok, s.TokenGroups)]
    assert "S-1-22-2-%d" % os.getegid() in groups and "S-1-1-0" in groups
    assert s.ConvertSidToStringSid(s.GetTokenInformation(tok, s.TokenPrimaryGroup)) == "S-1-22-2-%d" % os.getegid()
    assert s.GetTokenInformation(tok, s.TokenElevation) == int(os.geteuid() == 0)
    assert_winerror(pytest.raises(pywintypes.error, s.GetTokenInformation, tok, 999), winerror.ERROR_INVALID_PARAMETER)
    no_query = s.OpenProcessToken(win32api.GetCurrentProcess(), 0)
    assert_winerror(pytest.raises(pywintypes.error, s.GetTokenInformation, no_query, s.TokenUser),
                    winerror.ERROR_ACCESS_DENIED)


def test_file_security_is_owner_group_and_mode(tmp_path):
    path = tmp_path / "f"
    path.write_text("x")
    os.chmod(path, 0o640)
    sd = s.GetFileSecurity(str(path))
    assert s.ConvertSidToStringSid(sd.GetSecurityDescriptorOwner()) == "S-1-22-1-%d" % os.getuid()
    assert s.ConvertSidToStringSid(sd.GetSecurityDescriptorGroup()) == "S-1-22-2-%d" % os.stat(path).st_gid
    dacl = sd.GetSecurityDescriptorDacl()
    aces = [dacl.GetAce(i) for i in range(dacl.GetAceCount())]
    assert [(mask, s.ConvertSidToStringSid(sid)) for _, mask, sid in aces] == [
        (s.FILE_GENERIC_READ | s.FILE_GENERIC_WRITE, "S-1-22-1-%d" % os.getuid()),
        (s.FILE_GENERIC_READ, "S-1-22-2-%d" % os.stat(path).st_gid),
        (s.FILE_ALL_ACCESS, "S-1-5-18"), (s.FILE_ALL_ACCESS, "S-1-5-32-544")]
    # A DACL back to mode bits: the owner reads and writes, Everyone reads.
    acl = pywintypes.ACL()
    acl.AddAccessAllowedAce(s.ACL_REVISION, s.FILE_GENERIC_READ | s.FILE_GENERIC_WRITE,
                            sd.GetSecurityDescriptorOwner())
    acl.AddAccessAllowedAce(s.ACL_REVISION, s.FILE_GENERIC_READ, s.ConvertStringSidToSid("S-1-1-0"))
    new = pywintypes.SECURITY_DESCRIPTOR()
    new.SetSecurityDescriptorDacl(True, acl, False)
    s.SetFileSecurity(str(path), s.DACL_SECURITY_INFORMATION, new)
    assert os.stat(path).st_mode & 0o777 == 0o644
    assert_winerror(pytest.raises(pywintypes.error, s.GetFileSecurity, str(tmp_path / "missing")),
                    winerror.ERROR_FILE_NOT_FOUND)
    with pytest.raises(TypeError):
        s.SetFileSecurity(str(path), s.DACL_SECURITY_INFORMATION, "not a descriptor")


def test_constants_have_windows_values():
    import ntsecuritycon
    assert s.SE_FILE_OBJECT == 1 and s.SE_REGISTRY_KEY == 4 and s.SE_KERNEL_OBJECT == 6
    assert s.WinWorldSid == 1 and s.WinBuiltinAdministratorsSid == 26 and s.WinAccountAdministratorSid == 38
    assert s.TRUSTEE_IS_SID == 0 and s.GRANT_ACCESS == 1 and s.DENY_ACCESS == 3
    assert s.SDDL_REVISION_1 == 1 and s.PROTECTED_DACL_SECURITY_INFORMATION == 0x80000000
    assert s.SE_DACL_PROTECTED == 0x1000 and s.LABEL_SECURITY_INFORMATION == 0x10
    # Shared names are ntsecuritycon's own objects, not a second table.
    assert s.TOKEN_ALL_ACCESS == ntsecuritycon.TOKEN_ALL_ACCESS and s.TokenPrivileges == 3
    assert s.SE_SHUTDOWN_NAME == "SeShutdownPrivilege" and s.SE_CREATE_SYMBOLIC_LINK_NAME == "SeCreateSymbolicLinkPrivilege"


def test_create_well_known_sid():
    assert s.ConvertSidToStringSid(s.CreateWellKnownSid(s.WinWorldSid)) == "S-1-1-0"
    assert s.ConvertSidToStringSid(s.CreateWellKnownSid(s.WinBuiltinAdministratorsSid)) == "S-1-5-32-544"
    assert s.ConvertSidToStringSid(s.CreateWellKnownSid(s.WinLocalSystemSid, None)) == "S-1-5-18"
    assert s.ConvertSidToStringSid(s.CreateWellKnownSid(s.WinHighLabelSid)) == "S-1-16-12288"
    domain = s.ConvertStringSidToSid("S-1-5-21-1-2-3")
    assert s.ConvertSidToStringSid(s.CreateWellKnownSid(s.WinAccountAdministratorSid, domain)) == "S-1-5-21-1-2-3-500"
    assert_winerror(pytest.raises(pywintypes.error, s.CreateWellKnownSid, s.WinAccountAdministratorSid),
                    winerror.ERROR_INVALID_PARAMETER)
    assert_winerror(pytest.raises(pywintypes.error, s.CreateWellKnownSid, 9999), winerror.ERROR_INVALID_PARAMETER)
    with pytest.raises(TypeError):
        s.CreateWellKnownSid("WinWorldSid")
    with pytest.raises(TypeError):
        s.CreateWellKnownSid(s.WinAccountGuestSid, "S-1-5-21-1")
    assert s.GetBinarySid("S-1-5-18") == s.CreateWellKnownSid(s.WinLocalSystemSid)


def test_map_generic_mask_and_luids():
    mapping = (s.FILE_GENERIC_READ, s.FILE_GENERIC_WRITE, s.FILE_GENERIC_EXECUTE, s.FILE_ALL_ACCESS)
    assert s.MapGenericMask(0x80000000 | 0x20000000, mapping) == s.FILE_GENERIC_READ | s.FILE_GENERIC_EXECUTE
    assert s.MapGenericMask(0x10000000 | 0x1, mapping) == s.FILE_ALL_ACCESS
    assert s.MapGenericMask(0x2, mapping) == 0x2
    with pytest.raises(TypeError):
        s.MapGenericMask(1, (1, 2))
    first, second = s.AllocateLocallyUniqueId(), s.AllocateLocallyUniqueId()
    assert first != second and first >> 32 == os.getpid()


@pytest.mark.parametrize("call", [
    lambda: s.LsaOpenPolicy(None, 0), lambda: s.DsGetDcName(), lambda: s.EnumerateSecurityPackages(),
    lambda: s.TranslateName("x", 2, 3), lambda: s.CreateRestrictedToken(None, 0, (), (), ()),
    lambda: s.GetUserObjectSecurity(0, 4), lambda: s.LogonUserEx("a", None, "b", 2, 0),
    lambda: s.ImpersonateAnonymousToken(-2),
    lambda: s.GetNamedSecurityInfo("MACHINE\\SOFTWARE", s.SE_REGISTRY_KEY, s.OWNER_SECURITY_INFORMATION),
])
def test_what_has_no_posix_meaning_is_not_supported(call):
    assert_winerror(pytest.raises(pywintypes.error, call), winerror.ERROR_NOT_SUPPORTED)


def test_every_public_function_has_a_docstring():
    for name in dir(s):
        value = getattr(s, name)
        if callable(value) and not name.startswith("_") and not isinstance(value, type):
            assert (value.__doc__ or "").strip(), name
