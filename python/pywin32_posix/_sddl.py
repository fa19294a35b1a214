"""Security Descriptor Definition Language: a PySECURITY_DESCRIPTOR to and
from its SDDL text ("O:BAG:SYD:P(A;OICI;FA;;;SY)(A;;0x1200a9;;;BU)").

The SID aliases are the machine-independent ones (those that need a domain
SID, such as DA or LA, have no domain here to be relative to and are
refused as unknown). ACEs are the ones a PyACL holds: allow (A), deny (D),
audit (AU), alarm (AL) and mandatory label (ML); object ACEs (OA, OD, OU, OL)
and conditional/resource ACEs raise ERROR_NOT_SUPPORTED. Malformed text is
ERROR_INVALID_PARAMETER, as Windows reports it.
"""
from pywin32_posix import _security
from pywin32_posix._errors import error

_ERROR_NOT_SUPPORTED = 50
_ERROR_INVALID_PARAMETER = 87
_ERROR_UNKNOWN_REVISION = 1305
_ERROR_INVALID_SID = 1337
_MESSAGES = {
    _ERROR_NOT_SUPPORTED: "The request is not supported.",
    _ERROR_INVALID_PARAMETER: "The parameter is incorrect.",
    _ERROR_UNKNOWN_REVISION: "The revision level is unknown.",
    _ERROR_INVALID_SID: "The security ID structure is invalid.",
}
SDDL_REVISION_1 = 1

SID_ALIASES = {
    "AN": "S-1-5-7", "AO": "S-1-5-32-548", "AU": "S-1-5-11", "BA": "S-1-5-32-544",
    "BG": "S-1-5-32-546", "BO": "S-1-5-32-551", "BU": "S-1-5-32-545", "CD": "S-1-5-32-574",
    "CG": "S-1-3-1", "CO": "S-1-3-0", "CY": "S-1-5-32-569", "ED": "S-1-5-9",
    "ER": "S-1-5-32-573", "HI": "S-1-16-12288", "IS": "S-1-5-32-568", "IU": "S-1-5-4",
    "LS": "S-1-5-19", "LU": "S-1-5-32-559", "LW": "S-1-16-4096", "ME": "S-1-16-8192",
    "MP": "S-1-16-8448", "MU": "S-1-5-32-558", "NO": "S-1-5-32-556", "NS": "S-1-5-20",
    "NU": "S-1-5-2", "OW": "S-1-3-4", "PO": "S-1-5-32-550", "PS": "S-1-5-10",
    "PU": "S-1-5-32-547", "RC": "S-1-5-12", "RD": "S-1-5-32-555", "RE": "S-1-5-32-552",
    "RU": "S-1-5-32-554", "SI": "S-1-16-16384", "SO": "S-1-5-32-549", "SU": "S-1-5-6",
    "SY": "S-1-5-18", "WD": "S-1-1-0", "WR": "S-1-5-33", "AC": "S-1-15-2-1",
    "RA": "S-1-5-32-575", "ES": "S-1-5-32-576", "MS": "S-1-5-32-577", "HA": "S-1-5-32-578",
    "AA": "S-1-5-32-579", "RM": "S-1-5-32-580", "UD": "S-1-5-84-0-0-0-0-0",
}
_ALIAS_OF_SID = {sid: alias for alias, sid in SID_ALIASES.items()}

_ACE_TYPES = {"A": 0, "D": 1, "AU": 2, "AL": 3, "ML": 0x11}
_ACE_TYPE_NAMES = {value: name for name, value in _ACE_TYPES.items()}
_UNSUPPORTED_ACE_TYPES = {"OA", "OD", "OU", "OL", "XA", "XD", "ZA", "XU", "SP", "RA", "SC", "TL", "FL"}
# Output order is the order of this table.
_ACE_FLAGS = (("OI", 0x01), ("CI", 0x02), ("NP", 0x04), ("IO", 0x08), ("ID", 0x10),
              ("SA", 0x40), ("FA", 0x80))
# Masks written as one alias when they equal it exactly.
_RIGHT_ALIASES = (("FA", 0x1F01FF), ("FR", 0x120089), ("FW", 0x120116), ("FX", 0x1200A0),
                  ("KA", 0xF003F), ("KR", 0x20019), ("KW", 0x20006), ("KX", 0x20019))
# Single rights; a mask made only of these is written as their concatenation.
_RIGHT_LETTERS = (("GA", 0x10000000), ("GR", 0x80000000), ("GW", 0x40000000),
                  ("GX", 0x20000000), ("CC", 0x1), ("DC", 0x2), ("LC", 0x4), ("SW", 0x8),
                  ("RP", 0x10), ("WP", 0x20), ("DT", 0x40), ("LO", 0x80), ("CR", 0x100),
                  ("SD", 0x10000), ("RC", 0x20000), ("WD", 0x40000), ("WO", 0x80000),
                  ("NR", 0x2), ("NW", 0x1), ("NX", 0x4))
_RIGHTS = dict(_RIGHT_ALIASES + _RIGHT_LETTERS)
_ACL_FLAGS = {"D": (("P", 0x1000), ("AR", 0x100), ("AI", 0x400)),
              "S": (("P", 0x2000), ("AR", 0x200), ("AI", 0x800))}
_OWNER_INFO, _GROUP_INFO, _DACL_INFO, _SACL_INFO, _LABEL_INFO = 0x1, 0x2, 0x4, 0x8, 0x10
_SE_DACL_PRESENT, _SE_SACL_PRESENT = 0x4, 0x10
_MANDATORY_LABEL = 0x11


class _Invalid(Exception):
    pass


class _Unsupported(Exception):
    """SDDL that is valid on Windows but names what POSIX has no form for
    (object and conditional ACEs, domain-relative SIDs): ERROR_NOT_SUPPORTED."""


def _raise(code, function):
    raise error(code, function, _MESSAGES[code])


# ------------------------------------------------------------------ parsing

def _parse_sid(text):
    if text.upper() in SID_ALIASES:
        return _security.sid_from_string(SID_ALIASES[text.upper()])
    if not text[:2].upper() == "S-":
        raise _Invalid(text)
    try:
        return _security.sid_from_string(text)
    except error:
        raise _Invalid(text) from None


def _parse_rights(text):
    if not text:
        raise _Invalid("empty rights")
    if text[:2].lower() == "0x":
        try:
            value = int(text[2:], 16)
        except ValueError:
            raise _Invalid(text) from None
    elif text.isdigit():
        value = int(text)
    else:
        if len(text) % 2:
            raise _Invalid(text)
        value = 0
        for i in range(0, len(text), 2):
            right = _RIGHTS.get(text[i:i + 2].upper())
            if right is None:
                raise _Invalid(text)
            value |= right
    if value > 0xFFFFFFFF:
        raise _Invalid(text)
    return value


def _parse_flags(text, table, what):
    flags, pos = 0, 0
    names = dict(table)
    while pos < len(text):
        name = text[pos:pos + 2].upper()
        if name not in names:
            raise _Invalid(what)
        flags |= names[name]
        pos += 2
    return flags


def _parse_ace(body):
    fields = body.split(";")
    if len(fields) != 6:
        if len(fields) > 6 and fields[0].upper() in ("XA", "XD", "XU", "ZA", "RA"):
            raise _Unsupported(fields[0])
        raise _Invalid(body)
    kind, flags, rights, object_guid, inherit_guid, sid = fields
    kind = kind.upper()
    if kind in _UNSUPPORTED_ACE_TYPES:
        raise _Unsupported(kind)
    if kind not in _ACE_TYPES or object_guid or inherit_guid:
        raise _Invalid(body)
    return (_ACE_TYPES[kind], _parse_flags(flags, _ACE_FLAGS, body),
            _parse_rights(rights), _parse_sid(sid))


def _parse_acl(text, which):
    """(control bits, null?, aces) of the text after 'D:' or 'S:'."""
    control, pos = 0, 0
    null = False
    while pos < len(text) and text[pos] != "(":
        if text.startswith("NO_ACCESS_CONTROL", pos):
            null, pos = True, pos + len("NO_ACCESS_CONTROL")
            continue
        for name, bit in _ACL_FLAGS[which]:
            if text.startswith(name, pos):
                control |= bit
                pos += len(name)
                break
        else:
            raise _Invalid(text)
    aces = []
    while pos < len(text):
        if text[pos] != "(":
            raise _Invalid(text)
        end = text.find(")", pos)
        if end < 0:
            raise _Invalid(text)
        aces.append(_parse_ace(text[pos + 1:end]))
        pos = end + 1
    if null and aces:
        raise _Invalid(text)
    return control, null, aces


def _split_parts(text):
    # A part starts at O:, G:, D: or S: outside parentheses; no SID, alias or
    # ACL flag contains a colon, so these cannot occur inside a part.
    starts, depth = [], 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise _Invalid(text)
        elif depth == 0 and ch in "OGDS" and text[i + 1:i + 2] == ":":
            starts.append(i)
    if not starts or starts[0] != 0 or depth != 0:
        raise _Invalid(text)
    parts = {}
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(text)
        if text[start] in parts:
            raise _Invalid(text)
        parts[text[start]] = text[start + 2:end]
    return parts


def string_to_security_descriptor(text, revision):
    """ConvertStringSecurityDescriptorToSecurityDescriptor."""
    function = "ConvertStringSecurityDescriptorToSecurityDescriptor"
    if not isinstance(text, str):
        raise TypeError("StringSecurityDescriptor must be a str")
    if revision != SDDL_REVISION_1:
        _raise(_ERROR_UNKNOWN_REVISION, function)
    sd = _security.SECURITY_DESCRIPTOR()
    try:
        parts = _split_parts(text.strip()) if text.strip() else {}
        if "O" in parts:
            sd.SetSecurityDescriptorOwner(_parse_sid(parts["O"]), False)
        if "G" in parts:
            sd.SetSecurityDescriptorGroup(_parse_sid(parts["G"]), False)
        control = 0
        for which, setter in (("D", sd.SetSecurityDescriptorDacl), ("S", sd.SetSecurityDescriptorSacl)):
            if which in parts:
                bits, null, aces = _parse_acl(parts[which], which)
                control |= bits
                setter(True, None if null else _security.acl_from_aces(aces), False)
        if control:
            sd.SetSecurityDescriptorControl(control, control)
    except _Invalid:
        _raise(_ERROR_INVALID_PARAMETER, function)
    except _Unsupported:
        _raise(_ERROR_NOT_SUPPORTED, function)
    return sd


# --------------------------------------------------------------- formatting

def _format_sid(sid):
    text = _security.sid_to_string(sid)
    return _ALIAS_OF_SID.get(text, text)


def _format_rights(mask):
    for name, value in _RIGHT_ALIASES:
        if mask == value:
            return name
    letters, rest = [], mask
    for name, value in _RIGHT_LETTERS[:17]:  # NR/NW/NX alias CC/DC/LC bits
        if rest & value:
            letters.append(name)
            rest &= ~value
    if rest or not letters:
        return "0x%x" % mask
    return "".join(letters)


def _format_ace(ace_type, flags, mask, sid, function):
    if sid is None or ace_type not in _ACE_TYPE_NAMES:
        _raise(_ERROR_NOT_SUPPORTED, function)
    flag_text = "".join(name for name, bit in _ACE_FLAGS if flags & bit)
    rights = _format_rights(mask)
    if ace_type == _MANDATORY_LABEL:
        rights = "".join(name for name, bit in (("NW", 1), ("NR", 2), ("NX", 4)) if mask & bit) or "0x0"
    return "(%s;%s;%s;;;%s)" % (_ACE_TYPE_NAMES[ace_type], flag_text, rights, _format_sid(sid))


def _format_acl(which, control, acl, keep, function):
    flags = "".join(name for name, bit in _ACL_FLAGS[which] if control & bit)
    if acl is None:
        return which + ":" + flags + "NO_ACCESS_CONTROL"
    aces = [_format_ace(*entry, function) for entry in _security.acl_entries(acl) if keep(entry)]
    return which + ":" + flags + "".join(aces)


def security_descriptor_to_string(sd, revision, information):
    """ConvertSecurityDescriptorToStringSecurityDescriptor."""
    function = "ConvertSecurityDescriptorToStringSecurityDescriptor"
    if not isinstance(sd, _security.PySECURITY_DESCRIPTOR):
        raise TypeError("SecurityDescriptor must be a PySECURITY_DESCRIPTOR")
    if revision != SDDL_REVISION_1:
        _raise(_ERROR_UNKNOWN_REVISION, function)
    control = sd.GetSecurityDescriptorControl()[0]
    text = ""
    owner, group = sd.GetSecurityDescriptorOwner(), sd.GetSecurityDescriptorGroup()
    if information & _OWNER_INFO and owner is not None:
        text += "O:" + _format_sid(owner)
    if information & _GROUP_INFO and group is not None:
        text += "G:" + _format_sid(group)
    if information & _DACL_INFO and control & _SE_DACL_PRESENT:
        text += _format_acl("D", control, sd.GetSecurityDescriptorDacl(), lambda entry: True, function)
    if information & (_SACL_INFO | _LABEL_INFO) and control & _SE_SACL_PRESENT:
        full = information & _SACL_INFO
        labels = information & _LABEL_INFO
        text += _format_acl("S", control if full else 0, sd.GetSecurityDescriptorSacl(),
                            lambda entry: full or labels and entry[0] == _MANDATORY_LABEL, function)
    return text
