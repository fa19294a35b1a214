"""win32security: security descriptors round-tripped onto real files, as
owners, groups, mode bits and POSIX ACLs (checked with getfacl and stat)."""
import os
import shutil
import subprocess

import pytest
import pywintypes
import win32file
import win32security as s
import winerror

from w32util import assert_winerror

ALL = s.OWNER_SECURITY_INFORMATION | s.GROUP_SECURITY_INFORMATION | s.DACL_SECURITY_INFORMATION
needs_getfacl = pytest.mark.skipif(shutil.which("getfacl") is None, reason="getfacl (apt package acl) missing")


def sddl(sd, info=ALL):
    return s.ConvertSecurityDescriptorToStringSecurityDescriptor(sd, s.SDDL_REVISION_1, info)


def sd_of(text):
    return s.ConvertStringSecurityDescriptorToSecurityDescriptor(text, s.SDDL_REVISION_1)


def getfacl(path, *options):
    out = subprocess.run(["getfacl", "-n", "-p", "--omit-header", *options, str(path)], check=True,
                         capture_output=True, text=True, timeout=30).stdout
    return sorted(line for line in out.splitlines() if line)


def set_dacl(path, text):
    s.SetNamedSecurityInfo(str(path), s.SE_FILE_OBJECT, s.DACL_SECURITY_INFORMATION, None, None,
                           sd_of(text).GetSecurityDescriptorDacl(), None)


def get_dacl(path):
    return sddl(s.GetNamedSecurityInfo(str(path), s.SE_FILE_OBJECT, s.DACL_SECURITY_INFORMATION),
                s.DACL_SECURITY_INFORMATION)


@pytest.fixture
def f(tmp_path):
    path = tmp_path / "file"
    path.write_text("data")
    return path


def test_mode_bits_read_as_canonical_dacl(f):
    uid, gid = os.getuid(), os.stat(f).st_gid
    os.chmod(f, 0o640)
    assert get_dacl(f) == ("D:(A;;0x12019f;;;S-1-22-1-%d)(A;;FR;;;S-1-22-2-%d)(A;;FA;;;SY)(A;;FA;;;BA)"
                           % (uid, gid))
    # Others may read, the group may not: POSIX stops the group at its own
    # entry, Windows would add Everyone's read, so the group gets a deny ACE.
    os.chmod(f, 0o604)
    assert get_dacl(f) == ("D:(D;;CCSW;;;S-1-22-2-%d)(A;;0x12019f;;;S-1-22-1-%d)(A;;FR;;;WD)"
                           "(A;;FA;;;SY)(A;;FA;;;BA)" % (gid, uid))


def test_owner_group_and_mode_round_trip(f):
    uid, gid = os.getuid(), os.stat(f).st_gid
    # The owner may read, the group everything, others read: POSIX's
    # owner entry wins over the group's, which the deny ACE says in Windows' terms.
    text = ("O:S-1-22-1-%dG:S-1-22-2-%dD:(D;;DCLCRPCR;;;S-1-22-1-%d)(D;;WP;;;S-1-22-1-%d)"
            "(A;;FR;;;S-1-22-1-%d)(A;;0x1201bf;;;S-1-22-2-%d)(A;;FR;;;WD)(A;;FA;;;SY)(A;;FA;;;BA)"
            ) % (uid, gid, uid, uid, uid, gid)
    sd = sd_of(text)
    s.SetFileSecurity(str(f), ALL, sd)
    assert oct(os.stat(f).st_mode & 0o777) == oct(0o474)
    assert sddl(s.GetFileSecurity(str(f), ALL)) == \
        ("O:S-1-22-1-%dG:S-1-22-2-%dD:(D;;DCLCRPWPCR;;;S-1-22-1-%d)(A;;FR;;;S-1-22-1-%d)"
         "(A;;0x1201bf;;;S-1-22-2-%d)(A;;FR;;;WD)(A;;FA;;;SY)(A;;FA;;;BA)") % (uid, gid, uid, uid, gid)


@needs_getfacl
def test_named_users_and_groups_become_posix_acl_entries(f):
    uid, gid = os.getuid(), os.stat(f).st_gid
    text = ("D:(A;;0x12019f;;;S-1-22-1-%d)(A;;FR;;;S-1-22-1-4242)(A;;0x12019f;;;S-1-22-1-4243)"
            "(A;;FR;;;S-1-22-2-%d)(A;;FX;;;S-1-22-2-4244)(A;;FA;;;SY)(A;;FA;;;BA)") % (uid, gid)
    set_dacl(f, text)
    assert getfacl(f) == sorted(["user::rw-", "user:4242:r--", "user:4243:rw-", "group::r--",
                                 "group:4244:--x", "mask::rwx", "other::---"])
    back = get_dacl(f)
    # Same rights for every trustee, in canonical form (the denies POSIX's
    # first-match order implies are spelled out).
    assert back == ("D:(D;;WP;;;S-1-22-1-%d)(D;;WP;;;S-1-22-1-4242)(D;;WP;;;S-1-22-1-4243)"
                    "(A;;0x12019f;;;S-1-22-1-%d)(A;;FR;;;S-1-22-1-4242)(A;;0x12019f;;;S-1-22-1-4243)"
                    "(A;;FR;;;S-1-22-2-%d)(A;;FX;;;S-1-22-2-4244)(A;;FA;;;SY)(A;;FA;;;BA)") % (uid, uid, gid)
    # The canonical form is a fixed point: setting it changes nothing.
    before = getfacl(f)
    set_dacl(f, back)
    assert getfacl(f) == before and get_dacl(f) == back


@needs_getfacl
def test_acl_set_by_setfacl_reads_back_and_round_trips(f):
    os.chmod(f, 0o640)
    subprocess.run(["setfacl", "-m", "u:4250:rwx,g:4251:r,m::r", str(f)], check=True, timeout=30)
    dacl = get_dacl(f)
    assert "(A;;FR;;;S-1-22-1-4250)" in dacl  # the mask leaves read only
    assert "(A;;FR;;;S-1-22-2-4251)" in dacl
    set_dacl(f, dacl)
    assert get_dacl(f) == dacl
    assert "user:4250:r--" in getfacl(f)


@needs_getfacl
def test_back_to_plain_mode_bits_removes_the_acl(f):
    uid = os.getuid()
    set_dacl(f, "D:(A;;FA;;;S-1-22-1-%d)(A;;FR;;;S-1-22-1-4242)" % uid)
    assert "user:4242:r--" in getfacl(f)
    set_dacl(f, "D:(A;;FA;;;S-1-22-1-%d)(A;;FR;;;WD)" % uid)
    assert getfacl(f) == sorted(["user::rwx", "group::r--", "other::r--"])
    assert os.stat(f).st_mode & 0o777 == 0o744


@needs_getfacl
def test_directory_inheritable_aces_are_the_default_acl(tmp_path):
    d = tmp_path / "dir"
    d.mkdir()
    uid, gid = os.getuid(), os.stat(d).st_gid
    text = ("D:(A;;FA;;;S-1-22-1-%d)(A;;FR;;;WD)(A;OICIIO;FA;;;CO)(A;OICIIO;FR;;;CG)"
            "(A;OICIIO;FR;;;S-1-22-1-4242)") % uid
    set_dacl(d, text)
    assert getfacl(d, "-d") == sorted(["user::rwx", "user:4242:r--", "group::r--", "mask::r--", "other::---"])
    child = d / "child"
    child.write_text("x")  # the kernel applies the default ACL
    assert "user:4242:r--" in getfacl(child)
    assert "(A;OICIIO;0x1201bf;;;CO)" in get_dacl(d)  # rights are rwx and "(A;OICIIO;FR;;;S-1-22-1-4242)" in get_dacl(d)
    again = get_dacl(d)
    set_dacl(d, again)
    assert get_dacl(d) == again
    # OI|CI without IO applies to the directory and its children alike.
    set_dacl(d, "D:(A;OICI;FA;;;S-1-22-1-%d)(A;OICI;FR;;;S-1-22-2-%d)" % (uid, gid))
    assert os.stat(d).st_mode & 0o777 == 0o740
    # Inherited ACEs keep their SIDs (not CREATOR OWNER/GROUP): named entries.
    assert "group:%d:r--" % gid in getfacl(d, "-d") and "user:%d:rwx" % uid in getfacl(d, "-d")


def test_handles_give_the_same_descriptor(f):
    h = win32file.CreateFile(str(f), win32file.GENERIC_READ, 0, None, win32file.OPEN_EXISTING, 0, None)
    try:
        by_handle = s.GetSecurityInfo(h, s.SE_FILE_OBJECT, ALL)
        assert sddl(by_handle) == sddl(s.GetNamedSecurityInfo(str(f), s.SE_FILE_OBJECT, ALL))
        s.SetSecurityInfo(h, s.SE_FILE_OBJECT, s.DACL_SECURITY_INFORMATION, None, None,
                          sd_of("D:(A;;FA;;;S-1-22-1-%d)" % os.getuid()).GetSecurityDescriptorDacl(), None)
        assert os.stat(f).st_mode & 0o777 == 0o700
        assert sddl(s.GetKernelObjectSecurity(h, ALL)) == sddl(s.GetFileSecurity(str(f), ALL))
    finally:
        h.Close()


def test_null_dacl_is_full_access_for_everybody(f):
    s.SetNamedSecurityInfo(str(f), s.SE_FILE_OBJECT, s.DACL_SECURITY_INFORMATION, None, None, None, None)
    assert os.stat(f).st_mode & 0o777 == 0o777


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
def test_owner_and_group_change_is_chown(f):
    s.SetNamedSecurityInfo(str(f), s.SE_FILE_OBJECT, s.OWNER_SECURITY_INFORMATION | s.GROUP_SECURITY_INFORMATION,
                           s.ConvertStringSidToSid("S-1-22-1-4260"), s.ConvertStringSidToSid("S-1-22-2-4261"),
                           None, None)
    st = os.stat(f)
    assert (st.st_uid, st.st_gid) == (4260, 4261)
    sd = s.GetNamedSecurityInfo(str(f), s.SE_FILE_OBJECT, ALL)
    assert s.ConvertSidToStringSid(sd.GetSecurityDescriptorOwner()) == "S-1-22-1-4260"


@pytest.mark.parametrize("text, code", [
    ("D:(A;;FA;;;AU)", winerror.ERROR_NOT_SUPPORTED),  # no POSIX entry can hold Authenticated Users
    ("D:(A;;FR;;;SY)", winerror.ERROR_NOT_SUPPORTED),  # root cannot be limited
    ("D:(D;;FA;;;BA)", winerror.ERROR_NOT_SUPPORTED),
    ("D:(A;OI;FA;;;WD)", None),  # on a file, inheritance flags do nothing (Windows either)
    # Groups nobody is in both of: the deny is exact.
    ("D:(D;;FW;;;S-1-22-2-4270)(A;;FA;;;S-1-22-2-4271)(A;;FA;;;WD)", None),
])
def test_what_posix_cannot_hold_is_refused(f, text, code):
    before = os.stat(f).st_mode
    if code is None:
        set_dacl(f, text)
        return
    assert_winerror(pytest.raises(pywintypes.error, set_dacl, f, text), code)
    assert os.stat(f).st_mode == before  # nothing half-applied


def test_partial_inheritance_on_a_directory_is_not_supported(tmp_path):
    assert_winerror(pytest.raises(pywintypes.error, set_dacl, tmp_path, "D:(A;OI;FA;;;WD)"),
                    winerror.ERROR_NOT_SUPPORTED)
    assert_winerror(pytest.raises(pywintypes.error, set_dacl, tmp_path, "D:(A;OICINP;FA;;;WD)"),
                    winerror.ERROR_NOT_SUPPORTED)


def test_audit_entries_and_bad_owners_are_refused(f):
    sacl = sd_of("S:(AU;SA;FA;;;WD)").GetSecurityDescriptorSacl()
    assert_winerror(pytest.raises(pywintypes.error, s.SetNamedSecurityInfo, str(f), s.SE_FILE_OBJECT,
                                  s.SACL_SECURITY_INFORMATION, None, None, None, sacl), winerror.ERROR_NOT_SUPPORTED)
    assert_winerror(pytest.raises(pywintypes.error, s.SetNamedSecurityInfo, str(f), s.SE_FILE_OBJECT,
                                  s.OWNER_SECURITY_INFORMATION, s.ConvertStringSidToSid("S-1-5-32-544"), None,
                                  None, None), winerror.ERROR_INVALID_OWNER)
    assert_winerror(pytest.raises(pywintypes.error, s.SetNamedSecurityInfo, str(f), s.SE_FILE_OBJECT,
                                  s.GROUP_SECURITY_INFORMATION, None, s.ConvertStringSidToSid("S-1-22-1-0"),
                                  None, None), winerror.ERROR_INVALID_PRIMARY_GROUP)


def test_bad_arguments(f, tmp_path):
    assert_winerror(pytest.raises(pywintypes.error, s.GetNamedSecurityInfo, str(tmp_path / "missing"),
                                  s.SE_FILE_OBJECT, ALL), winerror.ERROR_FILE_NOT_FOUND)
    assert_winerror(pytest.raises(pywintypes.error, s.GetNamedSecurityInfo, str(f), 99, ALL),
                    winerror.ERROR_INVALID_PARAMETER)
    assert_winerror(pytest.raises(pywintypes.error, s.GetSecurityInfo, 123456, s.SE_FILE_OBJECT, ALL),
                    winerror.ERROR_INVALID_HANDLE)
    with pytest.raises(TypeError):
        s.GetNamedSecurityInfo(b"/tmp", s.SE_FILE_OBJECT, ALL)
    with pytest.raises(TypeError):
        s.SetNamedSecurityInfo(str(f), s.SE_FILE_OBJECT, ALL, "S-1-1-0", None, None, None)
    with pytest.raises(TypeError):
        s.SetNamedSecurityInfo(str(f), s.SE_FILE_OBJECT, ALL, None, None, "D:", None)


@pytest.mark.skipif(os.geteuid() != 0, reason="creating a group needs root")
def test_deny_on_a_group_sharing_members_with_a_granting_group_is_refused(f):
    name = "w32sg" + os.urandom(4).hex()
    subprocess.run(["groupadd", "-U", "root", name], check=True, timeout=60)
    try:
        import grp
        gid = grp.getgrnam(name).gr_gid
        owning = os.stat(f).st_gid
        assert "root" in grp.getgrgid(gid).gr_mem
        # root is in the file's group (its primary group) and in the new one:
        # POSIX would grant it write through the new group, Windows would not.
        text = "D:(D;;FW;;;S-1-22-2-%d)(A;;FR;;;S-1-22-2-%d)(A;;FA;;;S-1-22-2-%d)(A;;FR;;;WD)" % (owning, owning, gid)
        if owning != 0:
            pytest.skip("the file's group is not root's primary group")
        before = os.stat(f).st_mode
        assert_winerror(pytest.raises(pywintypes.error, set_dacl, f, text), winerror.ERROR_INVALID_ACL)
        assert os.stat(f).st_mode == before
    finally:
        subprocess.run(["groupdel", name], timeout=60)
