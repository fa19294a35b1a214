"""win32security: security descriptors to and from SDDL text."""
import pytest
import pywintypes
import win32security as s
import winerror

from w32util import assert_winerror

ALL = (s.OWNER_SECURITY_INFORMATION | s.GROUP_SECURITY_INFORMATION | s.DACL_SECURITY_INFORMATION
       | s.SACL_SECURITY_INFORMATION)


def parse(text):
    return s.ConvertStringSecurityDescriptorToSecurityDescriptor(text, s.SDDL_REVISION_1)


def format_(sd, info=ALL):
    return s.ConvertSecurityDescriptorToStringSecurityDescriptor(sd, s.SDDL_REVISION_1, info)


@pytest.mark.parametrize("text", [
    "O:BAG:SYD:(A;;FA;;;SY)(A;;0x1200a9;;;BU)",
    "O:S-1-22-1-1000G:S-1-22-2-1000D:PAI(D;;FW;;;WD)(A;OICI;FA;;;CO)(A;OICIIO;GA;;;CG)",
    "D:(A;;CCLCSWLOCRRC;;;AU)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)",
    "D:(A;;KA;;;SY)(A;;KR;;;BU)(A;CIID;GR;;;S-1-5-21-1-2-3-1001)",
    "D:NO_ACCESS_CONTROL", "D:", "D:P", "O:AN",
    "S:(AU;SAFA;FA;;;WD)(AL;;FR;;;AU)(ML;;NW;;;LW)", "D:ARAI(A;NP;FX;;;IU)",
])
def test_round_trip(text):
    sd = parse(text)
    assert format_(sd) == text
    assert format_(pywintypes.SECURITY_DESCRIPTOR(bytes(sd))) == text  # through the binary form


def test_parsed_parts_are_real_security_descriptor_parts():
    sd = parse("O:BAG:SYD:P(A;OICI;FA;;;S-1-22-1-1000)(D;;GW;;;WD)")
    assert s.ConvertSidToStringSid(sd.GetSecurityDescriptorOwner()) == "S-1-5-32-544"
    assert s.ConvertSidToStringSid(sd.GetSecurityDescriptorGroup()) == "S-1-5-18"
    control, _ = sd.GetSecurityDescriptorControl()
    assert control & s.SE_DACL_PROTECTED and control & s.SE_DACL_PRESENT
    dacl = sd.GetSecurityDescriptorDacl()
    assert dacl.GetAceCount() == 2
    (kind, flags), mask, sid = dacl.GetAce(0)  # kept in the order written
    assert (kind, flags, mask) == (s.ACCESS_ALLOWED_ACE_TYPE, s.OBJECT_INHERIT_ACE | s.CONTAINER_INHERIT_ACE,
                                   s.FILE_ALL_ACCESS)
    assert s.ConvertSidToStringSid(sid) == "S-1-22-1-1000"
    (kind, _), mask, _ = dacl.GetAce(1)
    assert kind == s.ACCESS_DENIED_ACE_TYPE and mask & 0xFFFFFFFF == 0x40000000
    null = parse("D:NO_ACCESS_CONTROL")
    assert null.GetSecurityDescriptorDacl() is None and null.GetSecurityDescriptorControl()[0] & s.SE_DACL_PRESENT


def test_descriptors_built_with_methods_format_to_sddl():
    sd = pywintypes.SECURITY_DESCRIPTOR()
    sd.SetSecurityDescriptorOwner(s.ConvertStringSidToSid("S-1-22-1-0"), False)
    acl = pywintypes.ACL()
    acl.AddAccessAllowedAce(s.ACL_REVISION, s.FILE_GENERIC_READ, s.CreateWellKnownSid(s.WinWorldSid))
    acl.AddAccessDeniedAce(s.ACL_REVISION, 0x116, s.CreateWellKnownSid(s.WinBuiltinUsersSid))
    sd.SetSecurityDescriptorDacl(True, acl, False)
    assert format_(sd) == "O:S-1-22-1-0D:(D;;DCLCRPCR;;;BU)(A;;FR;;;WD)"
    assert format_(sd, s.DACL_SECURITY_INFORMATION) == "D:(D;;DCLCRPCR;;;BU)(A;;FR;;;WD)"
    assert format_(sd, s.OWNER_SECURITY_INFORMATION) == "O:S-1-22-1-0"


def test_label_information_selects_label_aces_only():
    sd = parse("S:(AU;SA;FA;;;WD)(ML;;NWNR;;;HI)")
    assert format_(sd, s.LABEL_SECURITY_INFORMATION) == "S:(ML;;NWNR;;;HI)"


def test_rights_aliases_hex_and_decimal():
    sd = parse("D:(A;;0x1F01FF;;;WD)(A;;2032127;;;SY)(A;;GRGX;;;BU)")
    assert format_(sd) == "D:(A;;FA;;;WD)(A;;FA;;;SY)(A;;GRGX;;;BU)"


@pytest.mark.parametrize("bad", [
    "X:BA", "O:", "O:ZZ", "O:S-1-x", "D:(A;;FA;;;)", "D:(A;;FA;;SY)", "D:(Q;;FA;;;SY)", "D:(A;ZZ;FA;;;SY)",
    "D:(A;;QQ;;;SY)", "D:(A;;FA;;;SY", "D:A;;FA;;;SY)", "D:NO_ACCESS_CONTROL(A;;FA;;;SY)",
    "O:BAO:SY", "D:(A;;0xZZ;;;SY)", "D:(A;;FA;;;SY))", "D:XX(A;;FA;;;SY)", "D:(A;;0x100000000;;;SY)",
])
def test_bad_sddl_is_invalid_parameter(bad):
    assert_winerror(pytest.raises(pywintypes.error, parse, bad), winerror.ERROR_INVALID_PARAMETER)


def test_object_aces_are_not_supported():
    assert_winerror(pytest.raises(pywintypes.error, parse,
                                  "D:(OA;;CR;ab721a53-1e2f-11d0-9819-00aa0040529b;;WD)"),
                    winerror.ERROR_NOT_SUPPORTED)


def test_bad_revision_and_types():
    assert_winerror(pytest.raises(pywintypes.error, s.ConvertStringSecurityDescriptorToSecurityDescriptor,
                                  "D:", 2), winerror.ERROR_UNKNOWN_REVISION)
    assert_winerror(pytest.raises(pywintypes.error, s.ConvertSecurityDescriptorToStringSecurityDescriptor,
                                  parse("D:"), 3, ALL), winerror.ERROR_UNKNOWN_REVISION)
    with pytest.raises(TypeError):
        s.ConvertStringSecurityDescriptorToSecurityDescriptor(b"D:", 1)
    with pytest.raises(TypeError):
        s.ConvertSecurityDescriptorToStringSecurityDescriptor("D:", 1, ALL)
