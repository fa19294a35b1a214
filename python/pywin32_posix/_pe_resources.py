"""The resources of Windows executables (PE files) kept on a POSIX file
system: the resource directory (type / name / language) read from the file,
for GetFileVersionInfo, LoadResource, LoadString and EnumResource*.

Only the file is read; nothing is loaded or run. LoadLibraryEx with
LOAD_LIBRARY_AS_DATAFILE (or AS_IMAGE_RESOURCE) gives a module handle for
such a file: odd values, as Windows marks data-file modules, which never
collide with dlopen's (aligned) handles.
"""
import os as _os
import struct
import threading as _threading

from pywin32_posix._errors import error

ERROR_INVALID_HANDLE = 6
ERROR_BAD_FORMAT = 11
ERROR_BAD_EXE_FORMAT = 193
ERROR_RESOURCE_DATA_NOT_FOUND = 1812
ERROR_RESOURCE_TYPE_NOT_FOUND = 1813
ERROR_RESOURCE_NAME_NOT_FOUND = 1814
ERROR_RESOURCE_LANG_NOT_FOUND = 1815
RT_STRING = 6

_MESSAGES = {
    ERROR_BAD_FORMAT: "An attempt was made to load a program with an incorrect format.",
    ERROR_BAD_EXE_FORMAT: "The file is not a valid Win32 application.",
    ERROR_RESOURCE_DATA_NOT_FOUND: "The specified image file did not contain a resource section.",
    ERROR_RESOURCE_TYPE_NOT_FOUND: "The specified resource type cannot be found in the image file.",
    ERROR_RESOURCE_NAME_NOT_FOUND: "The specified resource name cannot be found in the image file.",
    ERROR_RESOURCE_LANG_NOT_FOUND: "The specified resource language ID cannot be found in the image file.",
}


def fail(code, function):
    raise error(code, function, _MESSAGES.get(code, "The handle is invalid."))


class ResourceTree:
    """The resource directory of a PE image: {type: {name: {language:
    bytes}}}, names and types being ints (ids) or str (names, upper case as
    the resource compiler stores them)."""

    def __init__(self, data, function):
        self.types = self._parse(data, function)

    def _parse(self, data, fn):
        if data[:2] != b"MZ" or len(data) < 0x40:
            fail(ERROR_BAD_EXE_FORMAT if fn != "GetFileVersionInfo" else ERROR_RESOURCE_TYPE_NOT_FOUND, fn)
        try:
            pe = struct.unpack_from("<I", data, 0x3C)[0]
            if data[pe:pe + 4] != b"PE\0\0":
                fail(ERROR_BAD_EXE_FORMAT if fn != "GetFileVersionInfo" else ERROR_RESOURCE_TYPE_NOT_FOUND, fn)
            sections, opt_size = struct.unpack_from("<H", data, pe + 6)[0], struct.unpack_from("<H", data, pe + 20)[0]
            opt = pe + 24
            magic = struct.unpack_from("<H", data, opt)[0]
            if magic == 0x10B:
                count_at, dirs_at = opt + 92, opt + 96
            elif magic == 0x20B:
                count_at, dirs_at = opt + 108, opt + 112
            else:
                fail(ERROR_BAD_FORMAT, fn)
            if struct.unpack_from("<I", data, count_at)[0] <= 2:
                return None
            res_rva, _ = struct.unpack_from("<II", data, dirs_at + 2 * 8)
            if not res_rva:
                return None
            table = []
            for i in range(sections):
                at = opt + opt_size + 40 * i
                vsize, va, raw_size, raw_ptr = struct.unpack_from("<IIII", data, at + 8)
                table.append((va, max(vsize, raw_size), raw_ptr))

            def offset(rva):
                for va, size, raw in table:
                    if va <= rva < va + size:
                        return raw + rva - va
                fail(ERROR_BAD_FORMAT, fn)

            base = offset(res_rva)

            def key(name):
                if not name & 0x80000000:
                    return name
                at = base + (name & 0x7FFFFFFF)
                length = struct.unpack_from("<H", data, at)[0]
                return data[at + 2:at + 2 + 2 * length].decode("utf-16-le", "replace")

            def directory(at, depth, seen):
                if at in seen or depth > 2:
                    fail(ERROR_BAD_FORMAT, fn)  # a loop or a tree deeper than type/name/language
                seen = seen | {at}
                named, ids = struct.unpack_from("<HH", data, base + at + 12)
                out = {}
                for i in range(named + ids):
                    name, target = struct.unpack_from("<II", data, base + at + 16 + 8 * i)
                    if target & 0x80000000:
                        if depth == 2:
                            fail(ERROR_BAD_FORMAT, fn)
                        out[key(name)] = directory(target & 0x7FFFFFFF, depth + 1, seen)
                    else:
                        if depth != 2:
                            fail(ERROR_BAD_FORMAT, fn)
                        data_rva, size = struct.unpack_from("<II", data, base + target)
                        start = offset(data_rva)
                        block = data[start:start + size]
                        if len(block) != size:
                            fail(ERROR_BAD_FORMAT, fn)
                        out[key(name)] = block
                return out

            return directory(0, 0, frozenset())
        except struct.error:
            fail(ERROR_BAD_FORMAT, fn)

    # -- lookups, with Windows' errors ------------------------------------------------
    def require(self, function):
        if self.types is None:
            fail(ERROR_RESOURCE_DATA_NOT_FOUND, function)
        return self.types

    def names(self, resource_type, function):
        types = self.require(function)
        if resource_type not in types:
            fail(ERROR_RESOURCE_TYPE_NOT_FOUND, function)
        return types[resource_type]

    def languages(self, resource_type, name, function):
        names = self.names(resource_type, function)
        if name not in names:
            fail(ERROR_RESOURCE_NAME_NOT_FOUND, function)
        return names[name]

    def find(self, resource_type, name, language, function):
        """The resource's bytes in `language`; with None (or LANG_NEUTRAL
        when absent) the first of neutral, the user's language, US English,
        then whatever comes first, as FindResource picks."""
        languages = self.languages(resource_type, name, function)
        if language not in (None, 0):
            if language not in languages:
                fail(ERROR_RESOURCE_LANG_NOT_FOUND, function)
            return languages[language]
        import win32api
        for preferred in (0, win32api.GetUserDefaultLangID(), 0x409):
            if preferred in languages:
                return languages[preferred]
        if not languages:
            fail(ERROR_RESOURCE_LANG_NOT_FOUND, function)
        return next(iter(languages.values()))


def resource_id(value, what, function):
    """A PyResourceId: an int id, or a name (str; "#123" is the id 123); names compare in upper case."""
    if isinstance(value, bool):
        raise TypeError("%s must be an int or a string" % what)
    if isinstance(value, int):
        if not 0 <= value <= 0xFFFF:
            raise error(87, function, "The parameter is incorrect.")
        return value
    if isinstance(value, str):
        if value.startswith("#") and value[1:].isdigit():
            return int(value[1:])
        return value.upper()
    raise TypeError("%s must be an int or a string" % what)


# --- data-file modules -------------------------------------------------------------------------
class _DataModules:
    def __init__(self):
        self.lock = _threading.Lock()
        self.modules = {}  # handle -> [path, tree, references]
        self.next = 0x10001

    def load(self, path, function):
        with open(path, "rb") as f:
            data = f.read()
        tree = ResourceTree(data, function)
        real = _os.path.realpath(path)
        with self.lock:
            for handle, entry in self.modules.items():
                if entry[0] == real:
                    entry[2] += 1
                    return handle
            handle = self.next
            self.next += 0x10000  # odd values, a 64 KiB apart as mapped images are
            self.modules[handle] = [real, tree, 1]
            return handle

    def free(self, handle):
        with self.lock:
            entry = self.modules.get(handle)
            if entry is None:
                return False
            entry[2] -= 1
            if entry[2] == 0:
                del self.modules[handle]
            return True

    def tree(self, handle):
        with self.lock:
            entry = self.modules.get(handle)
            return entry[1] if entry else None


DATA_MODULES = _DataModules()


def tree_of_module(hmodule, function):
    """The resource tree of a module handle: a data-file module's, else
    None for the main program and dlopen'd libraries (ELF files carry no
    resources); ERROR_INVALID_HANDLE for values that name no module."""
    import win32api
    if hmodule is None:
        return None
    value = int(hmodule)
    tree = DATA_MODULES.tree(value)
    if tree is not None:
        return tree
    if value and value & 1:
        fail(ERROR_INVALID_HANDLE, function)
    win32api._native.GetModuleFileName(value)  # a module of this process, or its error
    return None


def _tree(hmodule, function):
    tree = tree_of_module(hmodule, function)
    if tree is None:
        fail(ERROR_RESOURCE_DATA_NOT_FOUND, function)
    return tree


def EnumResourceTypes(hmodule, /):
    """The resource types of a module (ints for ids, str for names).

    On POSIX only Windows images opened with LoadLibraryEx(...,
    LOAD_LIBRARY_AS_DATAFILE) carry resources; the main program and
    libraries (ELF) are ERROR_RESOURCE_DATA_NOT_FOUND."""
    return list(_tree(hmodule, "EnumResourceTypes").require("EnumResourceTypes"))


def EnumResourceNames(hmodule, resType, /):
    """The names of a module's resources of one type (ints for ids, str for
    names); ERROR_RESOURCE_TYPE_NOT_FOUND when it has none (see EnumResourceTypes)."""
    tree = _tree(hmodule, "EnumResourceNames")
    return list(tree.names(resource_id(resType, "resType", "EnumResourceNames"), "EnumResourceNames"))


def EnumResourceLanguages(hmodule, lpType, lpName, /):
    """The language ids of one resource of a module (see EnumResourceTypes)."""
    function = "EnumResourceLanguages"
    tree = _tree(hmodule, function)
    return list(tree.languages(resource_id(lpType, "lpType", function), resource_id(lpName, "lpName", function),
                               function))


def LoadResource(handle, _type, name, language=0, /):
    """A module's resource as bytes: `language` 0 (LANG_NEUTRAL) picks as
    FindResource does (neutral, the user's language, US English, the
    first); another language must be there (ERROR_RESOURCE_LANG_NOT_FOUND).
    See EnumResourceTypes for which modules have resources."""
    function = "LoadResource"
    tree = _tree(handle, function)
    if not isinstance(language, int) or isinstance(language, bool):
        raise TypeError("language must be an int")
    return tree.find(resource_id(_type, "type", function), resource_id(name, "name", function), language, function)


def LoadString(handle, stringId, numChars=1000, /):
    """A string of a module's string table (RT_STRING), in the user's
    language when present, at most numChars - 1 characters.
    ERROR_RESOURCE_NAME_NOT_FOUND when the table has no such string (or an
    empty one); see EnumResourceTypes for which modules have resources."""
    function = "LoadString"
    if not isinstance(stringId, int) or isinstance(stringId, bool) or not isinstance(numChars, int):
        raise TypeError("stringId and numChars must be ints")
    if not 0 <= stringId <= 0xFFFF or numChars < 1:
        raise error(87, function, "The parameter is incorrect.")
    tree = _tree(handle, function)
    block = tree.find(RT_STRING, stringId // 16 + 1, None, function)
    at = 0
    try:
        for _ in range(stringId % 16):
            at += 2 + 2 * struct.unpack_from("<H", block, at)[0]
        length = struct.unpack_from("<H", block, at)[0]
    except struct.error:
        fail(ERROR_BAD_FORMAT, function)
    text = block[at + 2:at + 2 + 2 * length].decode("utf-16-le", "replace")
    if not text:
        fail(ERROR_RESOURCE_NAME_NOT_FOUND, function)
    return text[:numChars - 1]
