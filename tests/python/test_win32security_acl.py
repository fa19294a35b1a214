"""PyACL's EXPLICIT_ACCESS and evaluation methods, as win32security code
uses them (SetEntriesInAcl, GetExplicitEntriesFromAcl,
GetEffectiveRightsFromAcl, GetAuditedPermissionsFromAcl, AddMandatoryAce)."""
import os

import ntsecuritycon
import pytest
import pywintypes
import win32security as s
import winerror

from w32util import assert_winerror


def sid(text):
    return s.ConvertStringSidToSid(text)


def ea(mask, mode, who, inheritance=0):
    return {"AccessPermissions": mask, "AccessMode": mode, "Inheritance": inheritance,
            "Trustee": {"TrusteeForm": s.TRUSTEE_IS_SID, "TrusteeType": s.TRUSTEE_IS_USER, "Identifier": who}}


def sddl_of(acl):
    sd = pywintypes.SECURITY_DESCRIPTOR()
    sd.SetSecurityDescriptorDacl(True, acl, False)
    return s.ConvertSecurityDescriptorToStringSecurityDescriptor(sd, s.SDDL_REVISION_1, s.DACL_SECURITY_INFORMATION)


def test_set_entries_merges_like_windows():
    user, other = sid("S-1-22-1-4300"), sid("S-1-22-1-4301")
    acl = pywintypes.ACL().SetEntriesInAcl([ea(s.FILE_GENERIC_READ, s.GRANT_ACCESS, user),
                                            ea(0x116, s.DENY_ACCESS, other)])
    assert sddl_of(acl) == "D:(D;;DCLCRPCR;;;S-1-22-1-4301)(A;;FR;;;S-1-22-1-4300)"
    acl = acl.SetEntriesInAcl([ea(s.FILE_GENERIC_EXECUTE, s.GRANT_ACCESS, user)])  # rights add up
    assert sddl_of(acl) == "D:(D;;DCLCRPCR;;;S-1-22-1-4301)(A;;0x1200a9;;;S-1-22-1-4300)"
    acl = acl.SetEntriesInAcl([ea(s.FILE_ALL_ACCESS, s.SET_ACCESS, other)])  # replaces the deny
    assert sddl_of(acl) == "D:(A;;0x1200a9;;;S-1-22-1-4300)(A;;FA;;;S-1-22-1-4301)"
    acl = acl.SetEntriesInAcl([ea(0, s.REVOKE_ACCESS, user)])
    assert sddl_of(acl) == "D:(A;;FA;;;S-1-22-1-4301)"
    named = acl.SetEntriesInAcl([{"AccessPermissions": s.FILE_GENERIC_READ, "AccessMode": s.GRANT_ACCESS,
                                  "Inheritance": s.SUB_CONTAINERS_AND_OBJECTS_INHERIT,
                                  "Trustee": {"TrusteeForm": s.TRUSTEE_IS_NAME, "Identifier": "Everyone"}}])
    assert sddl_of(named) == "D:(A;;FA;;;S-1-22-1-4301)(A;OICI;FR;;;WD)"
    entries = named.GetExplicitEntriesFromAcl()
    assert [(e["AccessPermissions"], e["AccessMode"], e["Inheritance"], s.ConvertSidToStringSid(e["Trustee"]["Identifier"]))
            for e in entries] == [(s.FILE_ALL_ACCESS, s.GRANT_ACCESS, 0, "S-1-22-1-4301"),
                                  (s.FILE_GENERIC_READ, s.GRANT_ACCESS, 3, "S-1-1-0")]
    assert_winerror(pytest.raises(pywintypes.error, acl.SetEntriesInAcl, [ea(1, 99, user)]),
                    winerror.ERROR_INVALID_PARAMETER)
    with pytest.raises(TypeError):
        acl.SetEntriesInAcl([{"AccessMode": 1}])
    with pytest.raises(TypeError):
        acl.SetEntriesInAcl([ea(1, 1, "S-1-1-0")])


def test_effective_rights_count_groups_and_deny_order():
    me = sid("S-1-22-1-%d" % os.getuid())
    my_group = sid("S-1-22-2-%d" % os.getgid())
    acl = s.ConvertStringSecurityDescriptorToSecurityDescriptor(
        "D:(D;;0x2;;;S-1-22-2-%d)(A;;0x1;;;WD)(A;;0x3;;;S-1-22-1-%d)(A;IO;0x20;;;WD)" % (os.getgid(), os.getuid()),
        1).GetSecurityDescriptorDacl()
    assert acl.GetEffectiveRightsFromAcl(me) == 0x1  # the group's deny comes first; inherit-only is skipped
    assert acl.GetEffectiveRightsFromAcl(sid("S-1-5-18")) == 0x1  # Everyone
    assert acl.GetEffectiveRightsFromAcl({"TrusteeForm": s.TRUSTEE_IS_SID, "Identifier": my_group}) == 0x1
    with pytest.raises(TypeError):
        acl.GetEffectiveRightsFromAcl("S-1-1-0")


def test_audited_permissions_and_mandatory_labels():
    sacl = pywintypes.ACL()
    sacl.AddAuditAccessAce(s.ACL_REVISION, s.FILE_GENERIC_WRITE, sid("S-1-1-0"), True, False)
    sacl.AddAuditAccessAce(s.ACL_REVISION, 0x10000, sid("S-1-1-0"), False, True)
    assert sacl.GetAuditedPermissionsFromAcl(sid("S-1-22-1-%d" % os.getuid())) == (s.FILE_GENERIC_WRITE, 0x10000)
    sacl.AddMandatoryAce(s.ACL_REVISION, 0, s.SYSTEM_MANDATORY_LABEL_NO_WRITE_UP, sid("S-1-16-12288"))
    (kind, _), mask, label = sacl.GetAce(2)
    assert kind == ntsecuritycon.SYSTEM_MANDATORY_LABEL_ACE_TYPE and mask == 1 and s.ConvertSidToStringSid(label) == "S-1-16-12288"
    assert_winerror(pytest.raises(pywintypes.error, sacl.AddAccessAllowedObjectAce, 2, 0, 1, None, None,
                                  sid("S-1-1-0")), winerror.ERROR_NOT_SUPPORTED)
