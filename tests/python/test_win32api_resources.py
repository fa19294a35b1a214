"""Reading the resources of Windows images (PE files built here):
LoadLibraryEx as a data file, EnumResource*, LoadResource, LoadString; ELF
modules, damaged images and bad arguments."""
import struct
import sys

import pytest
import pywintypes
import win32api
import winerror

from w32util import assert_winerror

RT_STRING, RT_RCDATA = 6, 10


def string_block(strings):
    """An RT_STRING block: 16 counted UTF-16 strings."""
    out = b""
    for i in range(16):
        s = strings.get(i, "")
        out += struct.pack("<H", len(s)) + s.encode("utf-16-le")
    return out


def build_pe(resources):
    """A PE32+ image whose .rsrc holds {type: {name: {lang: bytes}}}; names
    may be ints or str."""
    section_rva, section_raw = 0x1000, 0x400
    strings = []  # (name, patch position) written after the directories
    blobs = []

    def directory(entries):
        named = [e for e in entries if isinstance(e[0], str)]
        ids = sorted(e for e in entries if isinstance(e[0], int))
        return named + ids, struct.pack("<IIHHHH", 0, 0, 0, 0, len(named), len(ids))

    # Lay the tree out breadth-first: root, type dirs, name dirs, data entries.
    layout = bytearray()
    pending = []

    def emit_dir(tree, depth):
        entries, header = directory(list(tree.items()))
        at = len(layout)
        layout.extend(header + b"\0" * (8 * len(entries)))
        pending.append((at, entries, depth))
        return at

    emit_dir(resources, 0)
    i = 0
    while i < len(pending):
        at, entries, depth = pending[i]
        i += 1
        for n, (name, sub) in enumerate(entries):
            slot = at + 16 + 8 * n
            if depth < 2:
                target = emit_dir(sub, depth + 1) | 0x80000000
            else:
                target = len(layout)
                layout.extend(b"\0" * 16)
                blobs.append((target, sub))
            struct.pack_into("<I", layout, slot + 4, target)
            if isinstance(name, str):
                strings.append((slot, name))
            else:
                struct.pack_into("<I", layout, slot, name)
    for slot, name in strings:
        struct.pack_into("<I", layout, slot, len(layout) | 0x80000000)
        layout.extend(struct.pack("<H", len(name)) + name.encode("utf-16-le"))
        layout.extend(b"\0" * (-len(layout) % 4))
    for entry, data in blobs:
        struct.pack_into("<II", layout, entry, section_rva + len(layout), len(data))
        layout.extend(data + b"\0" * (-len(data) % 4))
    rsrc = bytes(layout)
    dos = b"MZ" + b"\0" * 58 + struct.pack("<I", 0x40)
    coff = b"PE\0\0" + struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 240, 0x22)
    optional = bytearray(240)
    struct.pack_into("<H", optional, 0, 0x20B)
    struct.pack_into("<I", optional, 108, 16)
    struct.pack_into("<II", optional, 112 + 16, section_rva, len(rsrc))
    section = struct.pack("<8sIIIIIIHHI", b".rsrc", len(rsrc), section_rva, len(rsrc), section_raw, 0, 0, 0, 0, 0)
    head = dos + coff + bytes(optional) + section
    return head + b"\0" * (section_raw - len(head)) + rsrc


RESOURCES = {
    RT_STRING: {1: {0x409: string_block({1: "Hello", 2: "Two"}), 0x407: string_block({1: "Hallo"})},
                7: {0x409: string_block({5: "Hundred and one"})}},
    RT_RCDATA: {"CONFIG": {0: b"neutral-data"}, 3: {0x409: b"three"}},
    "MYTYPE": {"THING": {0x40C: b"chose"}},
}


@pytest.fixture
def module(tmp_path):
    path = tmp_path / "strings.dll"
    path.write_bytes(build_pe(RESOURCES))
    h = win32api.LoadLibraryEx(str(path), 0, win32api.LOAD_LIBRARY_AS_DATAFILE)
    yield h
    win32api.FreeLibrary(h)


def test_data_file_handle_is_odd_and_counted(tmp_path, module):
    assert module & 1
    path = tmp_path / "strings.dll"
    again = win32api.LoadLibraryEx(str(path), None, win32api.LOAD_LIBRARY_AS_IMAGE_RESOURCE)
    assert again == module
    win32api.FreeLibrary(again)
    assert win32api.LoadResource(module, RT_RCDATA, 3, 0x409) == b"three"  # still open


def test_enumerations(module):
    assert sorted(win32api.EnumResourceTypes(module), key=str) == sorted([RT_STRING, RT_RCDATA, "MYTYPE"], key=str)
    assert win32api.EnumResourceNames(module, RT_RCDATA) == ["CONFIG", 3]
    assert win32api.EnumResourceNames(module, "mytype") == ["THING"]
    assert sorted(win32api.EnumResourceLanguages(module, RT_STRING, 1)) == [0x407, 0x409]
    assert win32api.EnumResourceLanguages(module, "#10", "config") == [0]


def test_load_resource_and_languages(module):
    assert win32api.LoadResource(module, RT_RCDATA, "CONFIG") == b"neutral-data"
    assert win32api.LoadResource(module, "MYTYPE", "THING", 0) == b"chose"  # the only language
    assert win32api.LoadResource(module, RT_RCDATA, 3, 0x409) == b"three"
    assert_winerror(pytest.raises(pywintypes.error, win32api.LoadResource, module, RT_RCDATA, 3, 0x407),
                    winerror.ERROR_RESOURCE_LANG_NOT_FOUND)
    assert_winerror(pytest.raises(pywintypes.error, win32api.LoadResource, module, RT_RCDATA, 99, 0),
                    winerror.ERROR_RESOURCE_NAME_NOT_FOUND)
    assert_winerror(pytest.raises(pywintypes.error, win32api.LoadResource, module, 23, 1, 0),
                    winerror.ERROR_RESOURCE_TYPE_NOT_FOUND)


def test_load_string(module, monkeypatch):
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert win32api.LoadString(module, 1) == "Hello"
    assert win32api.LoadString(module, 2) == "Two"
    assert win32api.LoadString(module, 101) == "Hundred and one"
    assert win32api.LoadString(module, 101, 8) == "Hundred"
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    assert win32api.LoadString(module, 1) == "Hallo"
    for missing in (3, 500):
        assert_winerror(pytest.raises(pywintypes.error, win32api.LoadString, module, missing),
                        winerror.ERROR_RESOURCE_NAME_NOT_FOUND)


def test_elf_modules_have_no_resources():
    for h in (None, win32api.GetModuleHandle(None)):
        assert_winerror(pytest.raises(pywintypes.error, win32api.EnumResourceTypes, h),
                        winerror.ERROR_RESOURCE_DATA_NOT_FOUND)
    assert_winerror(pytest.raises(pywintypes.error, win32api.LoadString, None, 1),
                    winerror.ERROR_RESOURCE_DATA_NOT_FOUND)


def test_bad_images_and_arguments(tmp_path, module):
    pe = tmp_path / "tool.dll"
    pe.write_bytes(build_pe(RESOURCES))
    assert_winerror(pytest.raises(pywintypes.error, win32api.LoadLibrary, str(pe)), winerror.ERROR_BAD_EXE_FORMAT)
    assert_winerror(pytest.raises(pywintypes.error, win32api.LoadLibraryEx, sys.executable, 0,
                                  win32api.LOAD_LIBRARY_AS_DATAFILE), winerror.ERROR_BAD_EXE_FORMAT)
    assert_winerror(pytest.raises(pywintypes.error, win32api.LoadLibraryEx, str(tmp_path / "none.dll"), 0,
                                  win32api.LOAD_LIBRARY_AS_DATAFILE), winerror.ERROR_FILE_NOT_FOUND)
    damaged = tmp_path / "damaged.dll"
    damaged.write_bytes(build_pe(RESOURCES)[:0x410])
    assert_winerror(pytest.raises(pywintypes.error, win32api.LoadLibraryEx, str(damaged), 0,
                                  win32api.LOAD_LIBRARY_AS_DATAFILE), winerror.ERROR_BAD_FORMAT)
    assert_winerror(pytest.raises(pywintypes.error, win32api.EnumResourceTypes, 0x12345671),
                    winerror.ERROR_INVALID_HANDLE)
    with pytest.raises(TypeError):
        win32api.LoadResource(module, 1.5, 1)
    with pytest.raises(TypeError):
        win32api.LoadString(module, "1")
    assert_winerror(pytest.raises(pywintypes.error, win32api.LoadResource, module, 0x10000, 1),
                    winerror.ERROR_INVALID_PARAMETER)
