"""win32file beyond POSIX file systems: GetBinaryType from PE headers,
streams, encryption status, and ERROR_NOT_SUPPORTED where nothing fits."""
import struct
import sys

import pytest

import pywintypes
import win32file as f
import winerror

ERROR_BAD_EXE_FORMAT = 193
SCS_32BIT_BINARY, SCS_DOS_BINARY, SCS_WOW_BINARY, SCS_64BIT_BINARY = 0, 1, 2, 6


def exe(tmp_path, name, signature=None, machine=0):
    header = bytearray(128)
    header[0:2] = b"MZ"
    if signature is not None:
        struct.pack_into("<I", header, 0x3C, 64)
        header[64:64 + len(signature)] = signature
        if signature == b"PE\0\0":
            struct.pack_into("<H", header, 68, machine)
    p = tmp_path / name
    p.write_bytes(bytes(header))
    return str(p)


def test_binary_types(tmp_path):
    assert f.GetBinaryType(exe(tmp_path, "x64.exe", b"PE\0\0", 0x8664)) == SCS_64BIT_BINARY
    assert f.GetBinaryType(exe(tmp_path, "arm64.exe", b"PE\0\0", 0xAA64)) == SCS_64BIT_BINARY
    assert f.GetBinaryType(exe(tmp_path, "x86.exe", b"PE\0\0", 0x014C)) == SCS_32BIT_BINARY
    assert f.GetBinaryType(exe(tmp_path, "win16.exe", b"NE")) == SCS_WOW_BINARY
    assert f.GetBinaryType(exe(tmp_path, "dos.exe")) == SCS_DOS_BINARY
    for bad in (sys.executable, exe(tmp_path, "odd.exe", b"PE\0\0", 0x1234)):
        with pytest.raises(pywintypes.error) as e:
            f.GetBinaryType(bad)
        assert e.value.winerror == ERROR_BAD_EXE_FORMAT
    with pytest.raises(pywintypes.error) as e:
        f.GetBinaryType(str(tmp_path / "missing.exe"))
    assert e.value.winerror == winerror.ERROR_FILE_NOT_FOUND


def test_streams_encryption_and_protection(tmp_path):
    p = tmp_path / "s.txt"
    p.write_bytes(b"12345")
    assert f.FindStreams(str(p)) == [(5, "::$DATA")]
    assert f.FindStreams(str(tmp_path)) == []
    assert f.FileEncryptionStatus(str(p)) == f.FILE_SYSTEM_NOT_SUPPORT
    with pytest.raises(pywintypes.error) as e:
        f.FileEncryptionStatus(str(tmp_path / "missing"))
    assert e.value.winerror == winerror.ERROR_FILE_NOT_FOUND
    assert not f.SfcIsFileProtected(None, str(p))
    assert f.SfcGetNextProtectedFile() == []


@pytest.mark.parametrize("call", [
    lambda: f.DeviceIoControl(1, 0x90000, None, 16),
    lambda: f.EncryptFile("/tmp/x"),
    lambda: f.SetVolumeLabel("C:\\", "label"),
    lambda: f.Wow64DisableWow64FsRedirection(),
    lambda: f.GetVolumeNameForVolumeMountPoint("C:\\"),
    lambda: f.SetFileShortName(1, "X~1"),
])
def test_no_posix_meaning_is_not_supported(call):
    with pytest.raises(pywintypes.error) as e:
        call()
    assert e.value.winerror == winerror.ERROR_NOT_SUPPORTED
