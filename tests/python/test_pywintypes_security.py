"""pywintypes security objects: SID, ACL, SECURITY_DESCRIPTOR, SECURITY_ATTRIBUTES,
and the mapping of a SECURITY_ATTRIBUTES' DACL onto POSIX permission bits."""

import os
import struct

import pytest

import pywintypes
from pywin32_posix import _security

ERROR_INVALID_PARAMETER, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_FLAGS = 87, 122, 1004
ERROR_REVISION_MISMATCH, ERROR_INVALID_SID = 1306, 1337

ACL_REVISION, ACL_REVISION_DS = 2, 4
ACCESS_ALLOWED_ACE_TYPE, ACCESS_DENIED_ACE_TYPE, SYSTEM_AUDIT_ACE_TYPE = 0, 1, 2
OBJECT_INHERIT_ACE, CONTAINER_INHERIT_ACE, INHERIT_ONLY_ACE, INHERITED_ACE = 0x1, 0x2, 0x8, 0x10
SUCCESSFUL_ACCESS_ACE_FLAG, FAILED_ACCESS_ACE_FLAG = 0x40, 0x80

SE_OWNER_DEFAULTED, SE_GROUP_DEFAULTED, SE_DACL_PRESENT, SE_DACL_DEFAULTED = 0x1, 0x2, 0x4, 0x8
SE_SACL_PRESENT, SE_DACL_PROTECTED, SE_SELF_RELATIVE = 0x10, 0x1000, 0x8000

GENERIC_READ = -2147483648  # 0x80000000, as pywin32 spells it
GENERIC_WRITE, GENERIC_EXECUTE, GENERIC_ALL = 0x40000000, 0x20000000, 0x10000000
FILE_READ_DATA, FILE_WRITE_DATA = 0x1, 0x2
FILE_GENERIC_READ, FILE_GENERIC_WRITE, FILE_GENERIC_EXECUTE = 0x120089, 0x120116, 0x1200A0
FILE_ALL_ACCESS = 0x1F01FF

NT_AUTHORITY = (0, 0, 0, 0, 0, 5)
WORLD_AUTHORITY = (0, 0, 0, 0, 0, 1)


# Fresh copies come from pywintypes.SID(ADMINS) where a test needs its own.
ADMINS = pywintypes.SID(NT_AUTHORITY, [32, 544])
EVERYONE = pywintypes.SID(WORLD_AUTHORITY, [0])
USERS = _security.sid_from_string("S-1-5-32-545")
ME = _security.current_user_sid()
STRANGER = _security.sid_from_string("S-1-5-21-1-2-3-1001")


def win32_error(excinfo, code, funcname):
    assert isinstance(excinfo.value, pywintypes.error)
    assert excinfo.value.winerror == code
    assert excinfo.value.funcname == funcname


# --- SID ---------------------------------------------------------------------

def test_new_sid_is_uninitialised():
    sid = pywintypes.SID()
    assert isinstance(sid, pywintypes.SIDType)
    assert not sid.IsValid()
    assert sid.GetSubAuthorityCount() == 0
    assert sid.GetLength() == 8
    assert str(sid) == "PySID: Invalid SID"


def test_initialize_and_set_sub_authorities():
    sid = pywintypes.SID()
    sid.Initialize(NT_AUTHORITY, 2)
    sid.SetSubAuthority(0, 32)
    sid.SetSubAuthority(1, 544)
    assert sid.IsValid()
    assert str(sid) == "PySID:S-1-5-32-544"
    assert sid.GetLength() == 16
    assert sid.GetSubAuthorityCount() == 2
    assert sid.GetSubAuthority(1) == 544
    assert sid.GetSidIdentifierAuthority() == NT_AUTHORITY
    assert bytes(sid) == bytes.fromhex("0102 000000000005 20000000 20020000")
    assert sid == ADMINS


def test_initialize_grows_a_small_buffer():
    sid = pywintypes.SID(8)
    sid.Initialize(NT_AUTHORITY, 5)
    for index, value in enumerate([21, 1, 2, 3, 500]):
        sid.SetSubAuthority(index, value)
    assert str(sid) == "PySID:S-1-5-21-1-2-3-500"


def test_sub_authorities_are_unsigned_32_bit():
    sid = pywintypes.SID()
    sid.Initialize(NT_AUTHORITY, 1)
    sid.SetSubAuthority(0, -1)
    assert sid.GetSubAuthority(0) == 0xFFFFFFFF
    with pytest.raises(OverflowError):
        sid.SetSubAuthority(0, 2**32)
    with pytest.raises(TypeError):
        sid.SetSubAuthority(0, "1")


@pytest.mark.parametrize("index", [-1, 2, 100])
def test_sub_authority_index_out_of_range_raises_valueerror(index):
    sid = pywintypes.SID(ADMINS)
    with pytest.raises(ValueError, match="out of range"):
        sid.GetSubAuthority(index)
    with pytest.raises(ValueError, match="out of range"):
        sid.SetSubAuthority(index, 1)


def test_sid_from_buffer_copies_the_bytes():
    original = ADMINS
    for source in (bytes(original), bytearray(bytes(original)), original):
        copy = pywintypes.SID(source)
        assert copy == original and copy is not original
    copy.SetSubAuthority(1, 545)
    assert str(original) == "PySID:S-1-5-32-544"


def test_sid_equality_and_hash_by_value():
    other = pywintypes.SID(NT_AUTHORITY, [32, 544])
    assert other is not ADMINS and other == ADMINS
    assert hash(other) == hash(ADMINS)
    assert ADMINS != EVERYONE
    assert len({ADMINS, other, EVERYONE}) == 2
    assert ADMINS != "S-1-5-32-544"


def test_large_identifier_authority_is_printed_in_hex():
    sid = pywintypes.SID((1, 2, 3, 4, 5, 6), [7])
    assert str(sid) == "PySID:S-1-0x010203040506-7"
    assert _security.sid_from_string("S-1-0x010203040506-7") == sid


def test_string_conversions_round_trip():
    for text in ("S-1-5-32-544", "S-1-1-0", "S-1-5", "S-1-5-21-4294967295-0-1-1000"):
        sid = _security.sid_from_string(text)
        assert sid.IsValid()
        assert _security.sid_to_string(sid) == text


@pytest.mark.parametrize("bad", [
    "", "S-1", "S-1-", "S-2-5-32", "S-1-5-", "S-1-5--1", "X-1-5", "S-1-5-a",
    "S-1-281474976710656",  # authority above 48 bits
    "S-1-5-4294967296",  # sub-authority above 32 bits
    "S-1-5" + "-1" * 16,  # 16 sub-authorities
])
def test_bad_sid_strings_raise_invalid_sid(bad):
    with pytest.raises(pywintypes.error) as info:
        _security.sid_from_string(bad)
    win32_error(info, ERROR_INVALID_SID, "ConvertStringSidToSid")


def test_current_user_sid_encodes_the_uid():
    assert _security.sid_to_string(ME) == f"S-1-22-1-{os.getuid()}"


# --- ACL ---------------------------------------------------------------------

def test_new_acl_is_empty_and_valid():
    acl = pywintypes.ACL()
    assert isinstance(acl, pywintypes.ACLType)
    assert acl.GetAceCount() == 0
    assert acl.GetAclSize() == 64
    assert acl.GetAclRevision() == ACL_REVISION
    assert acl.IsValid()


def test_add_and_get_access_allowed_ace():
    acl = pywintypes.ACL()
    acl.AddAccessAllowedAce(ACL_REVISION, GENERIC_READ, ADMINS)
    (ace_type, flags), mask, sid = acl.GetAce(0)
    assert (ace_type, flags, mask) == (ACCESS_ALLOWED_ACE_TYPE, 0, GENERIC_READ)
    assert sid == ADMINS


def test_two_argument_form_still_works():
    acl = pywintypes.ACL()
    acl.AddAccessAllowedAce(FILE_READ_DATA, EVERYONE)
    acl.AddAccessDeniedAce(FILE_WRITE_DATA, ADMINS)
    assert acl.GetAce(0) == ((ACCESS_DENIED_ACE_TYPE, 0), FILE_WRITE_DATA, ADMINS)
    assert acl.GetAce(1) == ((ACCESS_ALLOWED_ACE_TYPE, 0), FILE_READ_DATA, EVERYONE)


def test_masks_come_back_signed_like_pywin32():
    acl = pywintypes.ACL()
    acl.AddAccessAllowedAce(ACL_REVISION, 0xFFFFFFFF, ADMINS)
    assert acl.GetAce(0)[1] == -1


def test_ace_flags_and_revision_of_ex_form():
    acl = pywintypes.ACL()
    acl.AddAccessAllowedAceEx(ACL_REVISION_DS, OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE,
                              GENERIC_ALL, ADMINS)
    assert acl.GetAce(0)[0] == (ACCESS_ALLOWED_ACE_TYPE, OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE)
    assert acl.GetAclRevision() == ACL_REVISION_DS


def test_aces_are_kept_in_canonical_order():
    acl = pywintypes.ACL()
    acl.AddAccessAllowedAce(ACL_REVISION, 1, ADMINS)
    acl.AddAccessAllowedAceEx(ACL_REVISION, INHERITED_ACE, 2, ADMINS)
    acl.AddAccessDeniedAce(ACL_REVISION, 3, EVERYONE)
    acl.AddAccessAllowedAce(ACL_REVISION, 4, EVERYONE)
    acl.AddAccessDeniedAceEx(ACL_REVISION, INHERITED_ACE, 5, EVERYONE)
    acl.AddAccessDeniedAce(ACL_REVISION, 6, ADMINS)
    assert [acl.GetAce(i)[1] for i in range(6)] == [3, 6, 1, 4, 2, 5]


def test_audit_aces_carry_success_and_failure_flags():
    acl = pywintypes.ACL()
    acl.AddAuditAccessAce(ACL_REVISION, GENERIC_WRITE, ADMINS, 1, 0)
    acl.AddAuditAccessAceEx(ACL_REVISION, CONTAINER_INHERIT_ACE, GENERIC_READ, EVERYONE, 1, 1)
    assert acl.GetAce(0) == ((SYSTEM_AUDIT_ACE_TYPE, SUCCESSFUL_ACCESS_ACE_FLAG),
                             GENERIC_WRITE, ADMINS)
    flags = CONTAINER_INHERIT_ACE | SUCCESSFUL_ACCESS_ACE_FLAG | FAILED_ACCESS_ACE_FLAG
    assert acl.GetAce(1) == ((SYSTEM_AUDIT_ACE_TYPE, flags), GENERIC_READ, EVERYONE)


def test_allow_ace_in_an_acl_holding_audit_aces_goes_before_them():
    acl = pywintypes.ACL()
    acl.AddAuditAccessAce(ACL_REVISION, GENERIC_WRITE, ADMINS, 1, 0)
    acl.AddAccessAllowedAce(ACL_REVISION, GENERIC_READ, ADMINS)
    assert acl.GetAceCount() == 2
    assert acl.GetAce(0)[0][0] == ACCESS_ALLOWED_ACE_TYPE
    assert acl.GetAce(1)[0][0] == SYSTEM_AUDIT_ACE_TYPE


def test_size_accounting_matches_windows_layout():
    acl = pywintypes.ACL(100)
    acl.AddAccessAllowedAce(ACL_REVISION, 1, ADMINS)  # 8 + 16 bytes
    acl.AddAccessAllowedAce(ACL_REVISION, 1, EVERYONE)  # 8 + 12 bytes
    assert acl.GetAclSize() == 100
    sd = pywintypes.SECURITY_DESCRIPTOR()
    sd.SetSecurityDescriptorDacl(1, acl, 0)
    raw = bytes(sd)[20:]
    assert struct.unpack_from("<BBHHH", raw) == (ACL_REVISION, 0, 100, 2, 0)
    assert struct.unpack_from("<BBHI", raw, 8) == (ACCESS_ALLOWED_ACE_TYPE, 0, 24, 1)
    assert raw[16:32] == bytes(ADMINS)
    assert struct.unpack_from("<BBHI", raw, 32) == (ACCESS_ALLOWED_ACE_TYPE, 0, 20, 1)
    assert raw[52:] == bytes(48)


def test_full_acl_grows_by_ace_struct_plus_sid_like_pywin32():
    acl = pywintypes.ACL(8)
    acl.AddAccessAllowedAce(ACL_REVISION, 1, ADMINS)
    assert acl.GetAclSize() == 8 + 12 + 16
    assert acl.GetAceCount() == 1


def test_acl_cannot_grow_past_64k():
    big_sid = pywintypes.SID()
    big_sid.Initialize(NT_AUTHORITY, 15)  # 68 bytes, so 76-byte ACEs
    acl = pywintypes.ACL(0xFFFF)
    for _ in range((0xFFFF - 8) // 76):
        acl.AddAuditAccessAce(ACL_REVISION, 1, big_sid, 1, 0)
    with pytest.raises(OverflowError, match="size limit"):
        acl.AddAuditAccessAce(ACL_REVISION, 1, big_sid, 1, 0)
    assert acl.GetAclSize() == 0xFFFF


def test_delete_ace_and_initialize():
    acl = pywintypes.ACL()
    acl.AddAccessAllowedAce(ACL_REVISION, 1, ADMINS)
    acl.AddAccessAllowedAce(ACL_REVISION, 2, EVERYONE)
    acl.DeleteAce(0)
    assert acl.GetAceCount() == 1
    assert acl.GetAce(0)[2] == EVERYONE
    acl.Initialize()
    assert acl.GetAceCount() == 0 and acl.IsValid()


@pytest.mark.parametrize("index", [-1, 1, 2**31])
def test_ace_index_out_of_range_raises_87(index):
    acl = pywintypes.ACL()
    acl.AddAccessAllowedAce(ACL_REVISION, 1, ADMINS)
    with pytest.raises(pywintypes.error) as info:
        acl.GetAce(index)
    win32_error(info, ERROR_INVALID_PARAMETER, "GetAce")
    with pytest.raises(pywintypes.error) as info:
        acl.DeleteAce(index)
    win32_error(info, ERROR_INVALID_PARAMETER, "DeleteAce")


# --- SECURITY_DESCRIPTOR -----------------------------------------------------

def test_new_security_descriptor_is_empty_and_self_relative():
    sd = pywintypes.SECURITY_DESCRIPTOR()
    assert isinstance(sd, pywintypes.SECURITY_DESCRIPTORType)
    assert sd.GetSecurityDescriptorControl() == (SE_SELF_RELATIVE, 1)
    assert sd.IsValid() and sd.IsSelfRelative()
    assert sd.GetLength() == 20
    assert bytes(sd) == struct.pack("<BBHIIII", 1, 0, SE_SELF_RELATIVE, 0, 0, 0, 0)
    for getter in (sd.GetSecurityDescriptorOwner, sd.GetSecurityDescriptorGroup,
                   sd.GetSecurityDescriptorDacl, sd.GetSecurityDescriptorSacl):
        assert getter() is None


def test_owner_and_group_with_defaulted_flags():
    sd = pywintypes.SECURITY_DESCRIPTOR()
    sd.SetSecurityDescriptorOwner(ADMINS, 1)
    sd.SetSecurityDescriptorGroup(EVERYONE, 0)
    assert sd.GetSecurityDescriptorOwner() == ADMINS
    assert sd.GetSecurityDescriptorGroup() == EVERYONE
    assert sd.GetSecurityDescriptorControl()[0] == SE_SELF_RELATIVE | SE_OWNER_DEFAULTED
    sd.SetSecurityDescriptorOwner(None, 0)
    assert sd.GetSecurityDescriptorOwner() is None
    assert sd.GetSecurityDescriptorControl()[0] == SE_SELF_RELATIVE


def test_dacl_is_copied_in_and_out():
    acl = pywintypes.ACL()
    acl.AddAccessAllowedAce(ACL_REVISION, GENERIC_READ, EVERYONE)
    sd = pywintypes.SECURITY_DESCRIPTOR()
    sd.SetSecurityDescriptorDacl(1, acl, 1)
    acl.AddAccessAllowedAce(ACL_REVISION, GENERIC_WRITE, ADMINS)
    got = sd.GetSecurityDescriptorDacl()
    assert got.GetAceCount() == 1
    assert got.GetAce(0) == ((ACCESS_ALLOWED_ACE_TYPE, 0), GENERIC_READ, EVERYONE)
    assert got.GetAclSize() == 64
    got.DeleteAce(0)
    assert sd.GetSecurityDescriptorDacl().GetAceCount() == 1
    control = SE_SELF_RELATIVE | SE_DACL_PRESENT | SE_DACL_DEFAULTED
    assert sd.GetSecurityDescriptorControl()[0] == control


def test_null_dacl_is_present_but_none():
    sd = pywintypes.SECURITY_DESCRIPTOR()
    sd.SetSecurityDescriptorDacl(1, None, 0)
    assert sd.GetSecurityDescriptorDacl() is None
    assert sd.GetSecurityDescriptorControl()[0] & SE_DACL_PRESENT
    assert sd.GetLength() == 20


def test_absent_dacl_clears_the_present_bit():
    sd = pywintypes.SECURITY_DESCRIPTOR()
    sd.SetDacl(1, pywintypes.ACL(), 0)
    sd.SetSecurityDescriptorDacl(0, pywintypes.ACL(), 0)
    assert sd.GetSecurityDescriptorDacl() is None
    assert not sd.GetSecurityDescriptorControl()[0] & SE_DACL_PRESENT


def test_sacl_round_trip():
    sacl = pywintypes.ACL()
    sacl.AddAuditAccessAce(ACL_REVISION, GENERIC_ALL, EVERYONE, 1, 1)
    sd = pywintypes.SECURITY_DESCRIPTOR()
    sd.SetSecurityDescriptorSacl(1, sacl, 0)
    assert sd.GetSecurityDescriptorSacl().GetAce(0)[2] == EVERYONE
    assert sd.GetSecurityDescriptorControl()[0] & SE_SACL_PRESENT


def test_self_relative_layout_is_sacl_dacl_owner_group():
    sd = pywintypes.SECURITY_DESCRIPTOR()
    sd.SetSecurityDescriptorOwner(ADMINS, 0)
    sd.SetSecurityDescriptorGroup(EVERYONE, 0)
    sd.SetSecurityDescriptorDacl(1, pywintypes.ACL(32), 0)
    sd.SetSecurityDescriptorSacl(1, pywintypes.ACL(16), 0)
    raw = bytes(sd)
    assert sd.GetLength() == len(raw) == 20 + 16 + 32 + 16 + 12
    _, _, _, owner, group, sacl, dacl = struct.unpack_from("<BBHIIII", raw)
    assert (sacl, dacl, owner, group) == (20, 36, 68, 84)
    assert raw[owner:owner + 16] == bytes(ADMINS)


def test_security_descriptor_from_its_bytes():
    sd = pywintypes.SECURITY_DESCRIPTOR()
    sd.SetSecurityDescriptorOwner(ME, 0)
    acl = pywintypes.ACL()
    acl.AddAccessDeniedAce(ACL_REVISION, GENERIC_WRITE, EVERYONE)
    sd.SetSecurityDescriptorDacl(1, acl, 0)
    for source in (bytes(sd), bytearray(bytes(sd)), sd):
        copy = pywintypes.SECURITY_DESCRIPTOR(source)
        assert bytes(copy) == bytes(sd)
        assert copy.GetSecurityDescriptorOwner() == ME
        assert copy.GetSecurityDescriptorDacl().GetAce(0)[2] == EVERYONE


def test_integer_argument_is_an_ignored_buffer_size():
    assert bytes(pywintypes.SECURITY_DESCRIPTOR(200)) == bytes(pywintypes.SECURITY_DESCRIPTOR())


def test_set_control_changes_only_inheritance_bits():
    sd = pywintypes.SECURITY_DESCRIPTOR()
    sd.SetSecurityDescriptorControl(SE_DACL_PROTECTED, SE_DACL_PROTECTED)
    assert sd.GetSecurityDescriptorControl()[0] == SE_SELF_RELATIVE | SE_DACL_PROTECTED
    sd.SetSecurityDescriptorControl(SE_DACL_PROTECTED, 0)
    assert sd.GetSecurityDescriptorControl()[0] == SE_SELF_RELATIVE


@pytest.mark.parametrize("data", [
    b"",
    b"junk",
    bytes(20),  # revision 0
    struct.pack("<BBHIIII", 1, 0, SE_SELF_RELATIVE, 20, 0, 0, 0),  # owner past the end
    struct.pack("<BBHIIII", 1, 0, SE_SELF_RELATIVE | SE_DACL_PRESENT, 0, 0, 0, 20)
    + struct.pack("<BBHHH", 2, 0, 64, 0, 0),  # ACL claims more bytes than there are
])
def test_malformed_descriptor_bytes_raise_valueerror(data):
    with pytest.raises(ValueError, match="not a valid security descriptor"):
        pywintypes.SECURITY_DESCRIPTOR(data)


def test_absolute_descriptor_bytes_raise_valueerror():
    data = struct.pack("<BBHIIII", 1, 0, 0, 0, 0, 0, 0)
    with pytest.raises(ValueError, match="self relative"):
        pywintypes.SECURITY_DESCRIPTOR(data)


# --- SECURITY_ATTRIBUTES -----------------------------------------------------

def test_security_attributes_defaults_like_pywin32():
    sa = pywintypes.SECURITY_ATTRIBUTES()
    assert isinstance(sa, pywintypes.SECURITY_ATTRIBUTESType)
    assert sa.bInheritHandle == 1
    assert isinstance(sa.SECURITY_DESCRIPTOR, pywintypes.SECURITY_DESCRIPTORType)
    assert sa.SECURITY_DESCRIPTOR.GetSecurityDescriptorControl() == (SE_SELF_RELATIVE, 1)


def test_descriptor_methods_work_on_the_attributes_object():
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.SetSecurityDescriptorDacl(1, None, 0)
    assert sa.SECURITY_DESCRIPTOR.GetSecurityDescriptorControl()[0] & SE_DACL_PRESENT
    assert sa.GetLength() == 20


def test_attributes_can_be_replaced():
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sd = pywintypes.SECURITY_DESCRIPTOR()
    sa.SECURITY_DESCRIPTOR = sd
    sa.bInheritHandle = False
    assert sa.SECURITY_DESCRIPTOR is sd
    assert sa.bInheritHandle == 0 and type(sa.bInheritHandle) is int
    sa.SECURITY_DESCRIPTOR = None
    assert sa.SECURITY_DESCRIPTOR is None
    with pytest.raises(AttributeError):
        sa.SetSecurityDescriptorDacl(1, None, 0)


def test_bad_attribute_values_are_rejected():
    sa = pywintypes.SECURITY_ATTRIBUTES()
    with pytest.raises(TypeError):
        sa.bInheritHandle = "yes"
    with pytest.raises(OverflowError):
        sa.bInheritHandle = 2**40
    with pytest.raises(TypeError):
        sa.SECURITY_DESCRIPTOR = pywintypes.ACL()
    with pytest.raises(AttributeError):
        del sa.bInheritHandle
    with pytest.raises(AttributeError):
        sa.nLength = 12
    with pytest.raises(AttributeError):
        sa.NoSuchMethod()


# --- POSIX permissions from SECURITY_ATTRIBUTES ------------------------------

def sa_with(*aces):
    """SECURITY_ATTRIBUTES whose DACL holds (kind, mask, sid[, flags]) ACEs."""
    acl = pywintypes.ACL()
    for kind, mask, sid, *flags in aces:
        add = acl.AddAccessAllowedAceEx if kind == "allow" else acl.AddAccessDeniedAceEx
        add(ACL_REVISION, flags[0] if flags else 0, mask, sid)
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.SetSecurityDescriptorDacl(1, acl, 0)
    return sa


mode_of = _security.posix_mode_from_security_attributes


def test_default_security_gives_the_default_mode():
    assert mode_of(None) == 0o600
    assert mode_of(pywintypes.SECURITY_ATTRIBUTES()) == 0o600
    assert mode_of(pywintypes.SECURITY_ATTRIBUTES(), default=0o640) == 0o640
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.SECURITY_DESCRIPTOR = None
    assert mode_of(sa) == 0o600


def test_null_dacl_allows_everyone_read_write():
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.SetSecurityDescriptorDacl(1, None, 0)
    assert mode_of(sa) == 0o666


def test_empty_dacl_allows_nothing():
    assert mode_of(sa_with()) == 0


@pytest.mark.parametrize("mask, mode", [
    (GENERIC_READ, 0o400),
    (GENERIC_WRITE, 0o200),
    (GENERIC_EXECUTE, 0o100),
    (GENERIC_READ | GENERIC_WRITE, 0o600),
    (GENERIC_ALL, 0o600),
    (FILE_GENERIC_READ, 0o400),
    (FILE_GENERIC_WRITE, 0o200),
    (FILE_GENERIC_EXECUTE, 0o100),
    (FILE_ALL_ACCESS, 0o600),
])
def test_rights_granted_to_the_current_user_map_to_owner_bits(mask, mode):
    assert mode_of(sa_with(("allow", mask, ME))) == mode


def test_group_sids_grant_every_class():
    assert mode_of(sa_with(("allow", GENERIC_READ, EVERYONE))) == 0o444
    assert mode_of(sa_with(("allow", FILE_ALL_ACCESS, USERS))) == 0o666


def test_deny_aces_remove_bits():
    sa = sa_with(("allow", GENERIC_ALL, ME), ("allow", GENERIC_READ, EVERYONE),
                 ("deny", FILE_WRITE_DATA, EVERYONE))
    assert mode_of(sa) == 0o444


def test_denying_full_access_removes_execute_too():
    sa = sa_with(("allow", GENERIC_READ | GENERIC_EXECUTE, ME), ("deny", GENERIC_ALL, ME))
    assert mode_of(sa) == 0


def test_inherited_deny_placed_after_allows_still_removes_bits():
    sa = sa_with(("allow", GENERIC_ALL, ME), ("deny", GENERIC_WRITE, ME, INHERITED_ACE))
    assert mode_of(sa) == 0o400


def test_inherit_only_and_unknown_trustee_aces_are_ignored():
    sa = sa_with(("allow", GENERIC_ALL, EVERYONE, INHERIT_ONLY_ACE | OBJECT_INHERIT_ACE),
                 ("allow", GENERIC_ALL, STRANGER), ("allow", GENERIC_READ, ME))
    assert mode_of(sa) == 0o400


def test_a_security_descriptor_can_be_passed_directly():
    assert mode_of(sa_with(("allow", GENERIC_READ, ME)).SECURITY_DESCRIPTOR) == 0o400


# --- bad input ---------------------------------------------------------------

SID, ACL, SD = pywintypes.SID, pywintypes.ACL, pywintypes.SECURITY_DESCRIPTOR

# Failures Windows reports through GetLastError: (call, winerror, funcname).
WIN32_FAILURES = {
    "too many sub-authorities": (lambda: SID().Initialize(NT_AUTHORITY, 16),
                                 ERROR_INVALID_PARAMETER, "InitializeSid"),
    "text of an invalid SID": (lambda: _security.sid_to_string(SID()),
                               ERROR_INVALID_SID, "ConvertSidToStringSid"),
    "ACE for an invalid SID": (lambda: ACL().AddAccessAllowedAceEx(ACL_REVISION, 0, 1, SID()),
                               ERROR_INVALID_SID, "AddAccessAllowedAceEx"),
    "unknown ACE revision": (lambda: ACL().AddAccessDeniedAce(5, 1, ADMINS),
                             ERROR_REVISION_MISMATCH, "AddAccessDeniedAce"),
    "audit flag on an access ACE": (
        lambda: ACL().AddAccessDeniedAceEx(ACL_REVISION, SUCCESSFUL_ACCESS_ACE_FLAG, 1, ADMINS),
        ERROR_INVALID_FLAGS, "AddAccessDeniedAceEx"),
    "ACL smaller than its header": (lambda: ACL(4), ERROR_INSUFFICIENT_BUFFER, "InitializeAcl"),
    "ACL over 64K": (lambda: ACL(0x10000), ERROR_INVALID_PARAMETER, "InitializeAcl"),
    "ACL revision 1": (lambda: ACL(64, 1), ERROR_INVALID_PARAMETER, "InitializeAcl"),
    "ACL revision 5": (lambda: ACL(64, 5), ERROR_INVALID_PARAMETER, "InitializeAcl"),
    "control bit SE_DACL_PRESENT": (lambda: SD().SetSecurityDescriptorControl(SE_DACL_PRESENT, 0),
                                    ERROR_INVALID_PARAMETER, "SetSecurityDescriptorControl"),
    "control bit SE_SELF_RELATIVE": (lambda: SD().SetSecurityDescriptorControl(0, SE_SELF_RELATIVE),
                                     ERROR_INVALID_PARAMETER, "SetSecurityDescriptorControl"),
    "invalid group SID": (lambda: SD().SetSecurityDescriptorGroup(SID(), 0),
                          ERROR_INVALID_SID, "SetSecurityDescriptorGroup - invalid sid"),
}


@pytest.mark.parametrize("call, code, funcname", WIN32_FAILURES.values(), ids=WIN32_FAILURES)
def test_win32_failures_raise_pywintypes_error(call, code, funcname):
    with pytest.raises(pywintypes.error) as info:
        call()
    win32_error(info, code, funcname)


# Arguments pywin32 rejects with a Python exception: (call, exception type).
PYTHON_FAILURES = {
    "SID type called directly": (lambda: pywintypes.SIDType(), TypeError),
    "SID from a string": (lambda: SID("S-1-5-32-544"), TypeError),
    "SID from a float": (lambda: SID(1.5), TypeError),
    "SID with 3 arguments": (lambda: SID(1, 2, 3), TypeError),
    "SID negative size": (lambda: SID(-1), ValueError),
    "authority of 3 bytes": (lambda: SID((0, 0, 5), [1]), TypeError),
    "authority as a string": (lambda: SID("abcdef", [1]), TypeError),
    "authority as an int": (lambda: SID(5, [1]), TypeError),
    "authority byte 256": (lambda: SID((0, 0, 0, 0, 0, 256), [1]), OverflowError),
    "9 sub-authorities": (lambda: SID(NT_AUTHORITY, list(range(9))), TypeError),
    "string sub-authority": (lambda: SID(NT_AUTHORITY, ["1"]), TypeError),
    "sub-authorities not a list": (lambda: SID(NT_AUTHORITY, 7), TypeError),
    "sub-authority over 32 bits": (lambda: SID(NT_AUTHORITY, [2**32]), TypeError),
    "authority of an invalid SID": (lambda: SID().GetSidIdentifierAuthority(), ValueError),
    "SID text from bytes": (lambda: _security.sid_from_string(b"S-1-1-0"), TypeError),
    "SID text of a string": (lambda: _security.sid_to_string("S-1-1-0"), TypeError),
    "ACE trustee as a string": (lambda: ACL().AddAccessAllowedAce(2, 1, "S-1-1-0"), TypeError),
    "ACE mask over 32 bits": (lambda: ACL().AddAccessAllowedAce(2, 2**32, ADMINS), OverflowError),
    "ACE with no arguments": (lambda: ACL().AddAccessAllowedAce(), TypeError),
    "ACE with 1 argument": (lambda: ACL().AddAccessAllowedAce(1), TypeError),
    "ACE with 4 arguments": (lambda: ACL().AddAccessAllowedAce(1, 2, 3, 4), TypeError),
    "ACL size as a string": (lambda: ACL("64"), TypeError),
    "owner as a string": (lambda: SD().SetSecurityDescriptorOwner("S-1-1-0", 0), TypeError),
    "invalid owner SID": (lambda: SD().SetSecurityDescriptorOwner(SID(), 0), ValueError),
    "DACL as a list": (lambda: SD().SetSecurityDescriptorDacl(1, [], 0), TypeError),
    "descriptor from a string": (lambda: SD("O:BA"), TypeError),
    "SECURITY_ATTRIBUTES with an argument": (lambda: pywintypes.SECURITY_ATTRIBUTES(1), TypeError),
    "mode of an int": (lambda: mode_of(0o644), TypeError),
}


@pytest.mark.parametrize("call, exception", PYTHON_FAILURES.values(), ids=PYTHON_FAILURES)
def test_bad_arguments_raise_python_exceptions(call, exception):
    with pytest.raises(exception):
        call()
