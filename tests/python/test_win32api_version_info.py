"""GetFileVersionInfo on a Windows executable built here (a minimal PE32+
image with an RT_VERSION resource), on ELF files, and on damaged images."""
import struct
import sys

import pytest

import pywintypes
import win32api
from w32util import assert_winerror


def _block(key, value=b"", text=False, children=()):
    """One VS_VERSIONINFO block, laid out as Windows' resource compiler does."""
    def pad(b):
        return b + b"\0" * (-len(b) % 4)
    body = pad(b"\0" * 6 + (key + "\0").encode("utf-16-le"))[6:]
    value_length = len(value) // 2 if text else len(value)
    body += pad(value)
    for child in children:
        body += pad(child)
    length = 6 + len(body)
    return struct.pack("<HHH", length, value_length, 1 if text else 0) + body


def _text(s):
    return (s + "\0").encode("utf-16-le")


def version_info_block():
    fixed = struct.pack("<13I", 0xFEEF04BD, 0x10000, 0x00020003, 0x00040005, 0x00020003, 0x00040005,
                        0x3F, 0, 0x40004, 1, 0, 0, 0)
    strings = _block("040904B0", children=[
        _block("ProductName", _text("W32t Product"), text=True),
        _block("FileVersion", _text("2.3.4.5"), text=True),
    ], text=True)
    return _block("VS_VERSION_INFO", fixed, children=[
        _block("StringFileInfo", children=[strings], text=True),
        _block("VarFileInfo", children=[_block("Translation", struct.pack("<HH", 0x409, 1200))], text=True),
    ])


def build_pe(resource_payload):
    """A PE32+ image with one .rsrc section: type 16 / name 1 / language 0x409."""
    section_rva, section_raw = 0x1000, 0x200
    directory = lambda n: struct.pack("<IIHHHH", 0, 0, 0, 0, 0, n)  # noqa: E731
    # root -> type dir -> name dir -> data entry -> payload
    root = directory(1) + struct.pack("<II", 16, 0x80000000 | 24)
    types = directory(1) + struct.pack("<II", 1, 0x80000000 | 48)
    names = directory(1) + struct.pack("<II", 0x409, 72)
    entry = struct.pack("<IIII", section_rva + 88, len(resource_payload), 0, 0)
    rsrc = root + types + names + entry + resource_payload
    dos = b"MZ" + b"\0" * 58 + struct.pack("<I", 0x40)
    coff = b"PE\0\0" + struct.pack("<HHIIIHH", 0x8664, 1, 0, 0, 0, 240, 0x22)
    optional = bytearray(240)
    struct.pack_into("<H", optional, 0, 0x20B)
    struct.pack_into("<I", optional, 108, 16)
    struct.pack_into("<II", optional, 112 + 16, section_rva, len(rsrc))
    section = struct.pack("<8sIIIIIIHHI", b".rsrc", len(rsrc), section_rva, len(rsrc), section_raw, 0, 0, 0, 0, 0)
    head = dos + coff + bytes(optional) + section
    return head + b"\0" * (section_raw - len(head)) + rsrc


@pytest.fixture
def exe(tmp_path):
    path = tmp_path / "tool.exe"
    path.write_bytes(build_pe(version_info_block()))
    return str(path)


def test_fixed_file_info(exe):
    info = win32api.GetFileVersionInfo(exe, "\\")
    assert info["Signature"] == 0xFEEF04BD
    assert (info["FileVersionMS"] >> 16, info["FileVersionMS"] & 0xFFFF,
            info["FileVersionLS"] >> 16, info["FileVersionLS"] & 0xFFFF) == (2, 3, 4, 5)
    assert info["FileOS"] == 0x40004 and info["FileType"] == 1  # VOS_NT_WINDOWS32, VFT_APP
    assert info["FileDate"] is None


def test_translations_and_strings(exe):
    assert win32api.GetFileVersionInfo(exe, "\\VarFileInfo\\Translation") == [(0x409, 1200)]
    lang, codepage = win32api.GetFileVersionInfo(exe, "\\VarFileInfo\\Translation")[0]
    key = "\\StringFileInfo\\%04X%04X\\" % (lang, codepage)
    assert win32api.GetFileVersionInfo(exe, key + "ProductName") == "W32t Product"
    assert win32api.GetFileVersionInfo(exe, key + "FileVersion") == "2.3.4.5"
    assert win32api.GetFileVersionInfo(exe, key + "Missing") is None


def test_files_without_version_information(tmp_path, exe):
    with pytest.raises(pywintypes.error) as e:
        win32api.GetFileVersionInfo(sys.executable, "\\")
    assert_winerror(e, 1813)
    no_resources = tmp_path / "plain.exe"
    no_resources.write_bytes(build_pe(b"")[:0x200])
    with pytest.raises(pywintypes.error) as e:
        win32api.GetFileVersionInfo(str(no_resources), "\\")
    assert e.value.winerror in (11, 1813)
    with pytest.raises(pywintypes.error) as e:
        win32api.GetFileVersionInfo(str(tmp_path / "missing.exe"), "\\")
    assert_winerror(e, 2)


def test_damaged_images_are_errors_not_crashes(tmp_path, exe):
    data = open(exe, "rb").read()
    for cut in (0x40, 0x90, 0x1F0, 0x210, 0x260, len(data) - 10):
        damaged = tmp_path / ("cut%d.exe" % cut)
        damaged.write_bytes(data[:cut])
        with pytest.raises(pywintypes.error) as e:
            win32api.GetFileVersionInfo(str(damaged), "\\")
        assert e.value.winerror in (11, 1813), cut
    # A block length pointing past the end.
    bad = bytearray(data)
    struct.pack_into("<H", bad, 0x200 + 88, 0xFFFF)
    (tmp_path / "badlen.exe").write_bytes(bytes(bad))
    with pytest.raises(pywintypes.error) as e:
        win32api.GetFileVersionInfo(str(tmp_path / "badlen.exe"), "\\")
    assert e.value.winerror in (11, 1813)
