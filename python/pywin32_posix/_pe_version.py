"""GetFileVersionInfo on Windows executables (PE files) kept on a POSIX
file system: the RT_VERSION resource (VS_VERSIONINFO) read from the file.

Only the file is read; nothing is loaded. ELF files and scripts carry no
such resource.
"""
import struct

from pywin32_posix._errors import error

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
    """The VS_VERSIONINFO bytes of a PE image, or raises."""
    if data[:2] != b"MZ" or len(data) < 0x40:
        raise _not_found()
    try:
        pe = struct.unpack_from("<I", data, 0x3C)[0]
        if data[pe:pe + 4] != b"PE\0\0":
            raise _not_found()
        sections, opt_size = struct.unpack_from("<H", data, pe + 6)[0], struct.unpack_from("<H", data, pe + 20)[0]
        opt = pe + 24
        magic = struct.unpack_from("<H", data, opt)[0]
        if magic == 0x10B:
            count_at, dirs_at = opt + 92, opt + 96
        elif magic == 0x20B:
            count_at, dirs_at = opt + 108, opt + 112
        else:
            raise _bad()
        if struct.unpack_from("<I", data, count_at)[0] <= 2:
            raise _not_found()
        res_rva, res_size = struct.unpack_from("<II", data, dirs_at + 2 * 8)
        if not res_rva:
            raise _not_found()
        table = []
        for i in range(sections):
            at = opt + opt_size + 40 * i
            vsize, va, raw_size, raw_ptr = struct.unpack_from("<IIII", data, at + 8)
            table.append((va, max(vsize, raw_size), raw_ptr))

        def offset(rva):
            for va, size, raw in table:
                if va <= rva < va + size:
                    return raw + rva - va
            raise _bad()

        base = offset(res_rva)

        def entries(directory):
            named, ids = struct.unpack_from("<HH", data, base + directory + 12)
            for i in range(named + ids):
                name, target = struct.unpack_from("<II", data, base + directory + 16 + 8 * i)
                yield name, target

        def find(directory, want=None):
            for name, target in entries(directory):
                if want is None or (not name & 0x80000000 and name == want):
                    return target
            return None

        level = find(0, RT_VERSION)
        for _ in range(2):  # the name, then the language: the first of each
            if level is None or not level & 0x80000000:
                raise _not_found()
            level = find(level & 0x7FFFFFFF)
        if level is None or level & 0x80000000:
            raise _not_found()
        data_rva, size = struct.unpack_from("<II", data, base + level)
        start = offset(data_rva)
        block = data[start:start + size]
        if len(block) != size:
            raise _bad()
        return block
    except struct.error:
        raise _bad() from None


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
