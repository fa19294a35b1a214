"""What every win32net call shares: its errors (with the LAN Manager texts
the system message table lacks), the check that a server name is this
computer, argument checks, and Windows' paged enumeration (resume handle and
preferred buffer length).
"""
import os
import socket

from pywin32_posix._errors import error

ERROR_ACCESS_DENIED = 5
ERROR_NOT_SUPPORTED = 50
ERROR_INVALID_PASSWORD = 86
ERROR_INVALID_PARAMETER = 87
ERROR_INVALID_LEVEL = 124
ERROR_MEMBERS_PRIMARY_GROUP = 1374
ERROR_MEMBER_NOT_IN_ALIAS = 1377
ERROR_MEMBER_IN_ALIAS = 1378
ERROR_NO_SUCH_MEMBER = 1387
ERROR_INVALID_MEMBER = 1388
ERROR_INVALID_COMPUTERNAME = 1210
NERR_GroupNotFound = 2220
NERR_UserNotFound = 2221
NERR_GroupExists = 2223
NERR_UserExists = 2224
NERR_UserInGroup = 2236
NERR_UserNotInGroup = 2237
NERR_PasswordTooShort = 2245
NERR_UseNotFound = 2250
NERR_NetNameNotFound = 2310
NERR_DuplicateShare = 2118
NERR_DCNotFound = 2453
NERR_InvalidWorkgroupName = 2695

# The texts Windows' netmsg table gives these codes (system codes come from
# win32api.FormatMessage).
_NERR_TEXTS = {
    NERR_GroupNotFound: "The group name could not be found.",
    NERR_UserNotFound: "The user name could not be found.",
    NERR_GroupExists: "The group already exists.",
    NERR_UserExists: "The account already exists.",
    NERR_UserInGroup: "The user already belongs to this group.",
    NERR_UserNotInGroup: "The user does not belong to this group.",
    NERR_PasswordTooShort: "The password does not meet the password policy requirements. Check the minimum "
                           "password length, password complexity and password history requirements.",
    NERR_UseNotFound: "The network connection could not be found.",
    NERR_NetNameNotFound: "The share name does not exist.",
    NERR_DuplicateShare: "The share name is already in use on this server.",
    NERR_DCNotFound: "Could not find domain controller for this domain.",
    NERR_InvalidWorkgroupName: "The specified workgroup name is not valid.",
}


def net_error(code, function):
    """A pywintypes.error for `code` raised by `function`, with Windows' text."""
    text = _NERR_TEXTS.get(code)
    if text is None:
        import win32api
        try:
            text = win32api.FormatMessage(code).rstrip("\r\n")
        except error:
            text = "Error %d" % code
    return error(code, function, text)


def computer_name():
    """This computer's name as Windows reports it (win32api.GetComputerName)."""
    import win32api
    return win32api.GetComputerName()


def check_local(server, function):
    """Raises unless `server` (None, "", ".", a name or "\\\\name") is this
    computer: only the local account databases are reachable."""
    if server is None:
        return
    if not isinstance(server, str):
        raise TypeError("%s: the server name must be a str or None" % function)
    name = server.lstrip("\\").lower()
    if name in ("", ".", "localhost", "127.0.0.1", "::1"):
        return
    host = socket.gethostname().lower()
    if name in (host, host.split(".")[0], computer_name().lower()):
        return
    raise net_error(ERROR_NOT_SUPPORTED, function)


def check_str(value, what, function, none_ok=False):
    """`value` when it is a str (or None when allowed), else TypeError."""
    if value is None and none_ok:
        return None
    if not isinstance(value, str):
        raise TypeError("%s: %s must be a str%s" % (function, what, " or None" if none_ok else ""))
    return value


def check_int(value, what, function):
    """`value` as an int, else TypeError (bool is an int, as in pywin32)."""
    if not isinstance(value, int):
        raise TypeError("%s: %s must be an int" % (function, what))
    return value


def check_dict(value, function):
    """`value` when it is a mapping of the info fields, else TypeError."""
    if not isinstance(value, dict):
        raise TypeError("%s: the data must be a dict" % function)
    return value


def entry_bytes(entry):
    """The bytes one entry takes in a Windows result buffer (64-bit layout):
    a pointer or a DWORD per field plus the UTF-16 text of its strings."""
    size = 0
    for value in entry.values():
        if isinstance(value, str):
            size += 8 + 2 * (len(value) + 1)
        elif isinstance(value, (bytes, bytearray)):
            size += 8 + len(value)
        elif isinstance(value, int) or value is None:
            size += 4 if isinstance(value, int) else 8
        else:  # a SID
            size += 8 + 28
    return size


def paged(records, build, resume, pref_len, function):
    """One page of an enumeration as (entries, total, resume handle).

    `records` are the items to enumerate, `build` makes an info dict of
    one. The resume handle is the position of the next record (0 when the
    enumeration is done); `total` counts the records from the resume
    position on, as Windows' totalentries. At least one entry is returned
    so that every call makes progress, then entries while the buffer of
    `pref_len` bytes (MAX_PREFERRED_LENGTH, -1: no limit) holds them.
    """
    if resume is None:
        resume = 0
    check_int(resume, "the resume handle", function)
    check_int(pref_len, "the preferred length", function)
    if resume < 0:
        raise net_error(ERROR_INVALID_PARAMETER, function)
    limit = None if pref_len < 0 or pref_len >= 0xFFFFFFFF else pref_len
    total = max(0, len(records) - resume)
    entries = []
    used = 0
    position = resume
    while position < len(records):
        entry = build(records[position])
        size = entry_bytes(entry) if limit is not None else 0
        if entries and limit is not None and used + size > limit:
            break
        entries.append(entry)
        used += size
        position += 1
    return entries, total, (position if position < len(records) else 0)


def is_root():
    """Whether this process may change the account databases."""
    return os.geteuid() == 0
