"""GetFileVersionInfo on Windows executables (PE files) kept on a POSIX
file system: the RT_VERSION resource (VS_VERSIONINFO) read from the file
(the resource directory is _pe_resources').

Only the file is read; nothing is loaded. ELF files and scripts carry no
such resource.
"""
import struct

from pywin32_posix._errors import error
from pywin32_posix._pe_resources import ResourceTree

ERROR_BAD_FORMAT = 11
ERROR_RESOURCE_TYPE_NOT_FOUND = 1813
RT_VERSION = 16
FIXED_FILE_INFO_SIGNATURE = 0xFEEF04BD
_FIXED_FIELDS = ("Signature", "StrucVersion", "FileVersionMS", "FileVersionLS", "ProductVersionMS",
                 "ProductVersionLS", "FileFlagsMask", "FileFlags", "FileOS", "FileType", "FileSubtype",
                 "FileDateMS", "FileDateLS")


def _bad():
    return error(ERROR_BAD_FORMAT, "GetFileVersionInfo", "An attempt was made to load a program with an incorrect format.")


def _not_found():
    return error(ERROR_RESOURCE_TYPE_NOT_FOUND, "GetFileVersionInfo",
                 "The specified resource type cannot be found in the image file.")


def version_resource(data):
    """The VS_VERSIONINFO bytes of a PE image (its RT_VERSION resource: the
    first name, in its first language), or raises."""
    tree = ResourceTree(data, "GetFileVersionInfo")
    names = (tree.types or {}).get(RT_VERSION)
    for languages in (names or {}).values():
        for block in languages.values():
            return block
    raise _not_found()


def _align4(n):
    return (n + 3) & ~3


def _parse_block(buf, at):
    """(key, value bytes, value is text, children, end) of one version block."""
    length, value_length, kind = struct.unpack_from("<HHH", buf, at)
    end = at + length
    if length < 6 or end > len(buf):
        raise _bad()
    pos = at + 6
    key_end = pos
    while key_end + 1 < end and buf[key_end:key_end + 2] != b"\0\0":
        key_end += 2
    key = buf[pos:key_end].decode("utf-16-le", "replace")
    pos = _align4(key_end + 2)
    value_bytes = value_length * 2 if kind == 1 else value_length
    value = buf[pos:min(pos + value_bytes, end)]
    pos = _align4(pos + value_bytes)
    children = []
    while pos + 6 <= end:
        child = _parse_block(buf, pos)
        children.append(child)
        if child[4] <= pos:
            break
        pos = _align4(child[4])
    return key, value, kind == 1, children, end


def query(block, sub_block):
    """VerQueryValue on a VS_VERSIONINFO block, returning pywin32's forms."""
    try:
        key, value, _, children, _ = _parse_block(block, 0)
    except struct.error:
        raise _bad() from None
    if key != "VS_VERSION_INFO":
        raise _bad()
    parts = [p for p in sub_block.split("\\") if p]
    if not parts:
        if len(value) < 52:
            raise _not_found()
        fields = dict(zip(_FIXED_FIELDS, struct.unpack_from("<13I", value)))
        if fields["Signature"] != FIXED_FILE_INFO_SIGNATURE:
            raise _bad()
        date = (fields.pop("FileDateMS") << 32) | fields.pop("FileDateLS")
        fields["FileDate"] = None if date == 0 else date
        return fields
    node_children = children
    found = None
    for part in parts:
        found = next((c for c in node_children if c[0].casefold() == part.casefold()), None)
        if found is None:
            return None
        node_children = found[3]
    key, value, is_text, _, _ = found
    if parts[0].casefold() == "varfileinfo":
        return [struct.unpack_from("<HH", value, i) for i in range(0, len(value) - 3, 4)]
    if is_text:
        return value.decode("utf-16-le", "replace").split("\0", 1)[0]
    return value
