"""pywintypes' IID object (PyIID): an immutable GUID value.

The 16 bytes are kept in the in-memory GUID layout (Data1, Data2 and Data3
little-endian, Data4 as is), which is what ``bytes(iid)`` returns and what
``IID(raw, True)`` reads, so values round-trip with structures and files
written by Windows.
"""

import operator as _operator
import re as _re
import uuid as _uuid

from pywin32_posix._errors import com_error

__all__ = ["IIDType", "IID", "CreateGuid"]

_CO_E_CLASSSTRING = -2147221005  # 0x800401F3
_MSG_CLASSSTRING = "Invalid class string"

_GUID_BODY = _re.compile(
    r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\Z")


class PyIID:
    """A GUID/IID/CLSID.  Create one with ``IID()`` or ``CreateGuid()``."""

    __slots__ = ("_raw",)

    def __new__(cls, *args, **kwargs):
        # pywin32's type cannot be instantiated directly either; going through
        # IID() keeps the one validation path.
        raise TypeError("cannot create 'PyIID' instances; use pywintypes.IID()")

    def __bytes__(self):
        return self._raw

    def __str__(self):
        text = str(_uuid.UUID(bytes_le=self._raw)).upper()
        return "{" + text + "}"

    def __repr__(self):
        return f"IID('{self}')"

    def __eq__(self, other):
        if not isinstance(other, PyIID):
            return NotImplemented
        return self._raw == other._raw

    def __ne__(self, other):
        if not isinstance(other, PyIID):
            return NotImplemented
        return self._raw != other._raw

    def __hash__(self):
        # Same value as pywin32 (sum of the four DWORDs), so hashes agree
        # with anything that was tuned against it.
        total = sum(int.from_bytes(self._raw[i:i + 4], "little")
                    for i in range(0, 16, 4))
        return total & 0xFFFFFFFF

    def __reduce__(self):
        return (_from_raw, (self._raw,))

    def __setattr__(self, name, value):
        raise AttributeError("PyIID objects are immutable")


IIDType = PyIID


def _from_raw(raw):
    obj = object.__new__(PyIID)
    object.__setattr__(obj, "_raw", bytes(raw))
    return obj


def _parse(text):
    body = text
    if text.startswith("{") and text.endswith("}"):
        body = text[1:-1]
    # CLSIDFromString itself wants the braces; the bare form is accepted as a
    # convenience since no ProgID lookup here could give it another meaning.
    if not _GUID_BODY.match(body):
        raise com_error(_CO_E_CLASSSTRING, _MSG_CLASSSTRING, None, None)
    return _uuid.UUID(body).bytes_le


def IID(iidString, is_bytes=False):
    """pywintypes.IID: a PyIID from its string form, or from 16 raw bytes.

    ``iidString`` is '{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}' (braces
    optional, hex in either case) or an existing PyIID, returned as is.
    With ``is_bytes`` true it is a buffer of at least 16 bytes in GUID memory
    layout.  A string that is not a GUID raises com_error(CO_E_CLASSSTRING),
    as CLSIDFromString/CLSIDFromProgID do; there is no ProgID registry here.
    """
    try:
        is_bytes = _operator.index(is_bytes)
    except TypeError:
        raise TypeError(
            f"is_bytes must be an integer, not {type(is_bytes).__name__}") from None
    if is_bytes:
        if isinstance(iidString, PyIID):
            return _from_raw(iidString._raw)
        try:
            raw = memoryview(iidString).tobytes()
        except TypeError:
            raise TypeError(
                f"a bytes-like object is required, not '{type(iidString).__name__}'"
            ) from None
        if len(raw) < 16:
            raise ValueError(
                f"string too small - must be at least 16 bytes (got {len(raw)})")
        return _from_raw(raw[:16])
    if isinstance(iidString, PyIID):
        return iidString
    if isinstance(iidString, bytes):
        try:
            iidString = iidString.decode("ascii")
        except UnicodeDecodeError:
            raise com_error(_CO_E_CLASSSTRING, _MSG_CLASSSTRING, None, None) from None
    if not isinstance(iidString, str):
        raise TypeError("Only strings and iids can be converted to a CLSID.")
    return _from_raw(_parse(iidString))


def CreateGuid():
    """pywintypes.CreateGuid: a new random (version 4) GUID."""
    return _from_raw(_uuid.uuid4().bytes_le)
