"""BackupRead / BackupSeek / BackupWrite: a file as Windows' backup stream
format, read in pieces and written back into another file."""
import os
import struct

import pytest

import pywintypes
import win32file as f
import winerror

BACKUP_DATA = 1


def open_file(p, access, disposition=f.OPEN_EXISTING):
    return f.CreateFile(str(p), access, 7, None, disposition, 0, None)


def read_all(h, chunk):
    ctx, out = None, b""
    while True:
        n, buf, ctx = f.BackupRead(h, chunk, None, False, False, ctx)
        if n == 0:
            break
        out += bytes(buf[:n])
    f.BackupRead(h, 0, None, True, False, ctx)
    return out


def test_round_trip(tmp_path):
    data = os.urandom(100_000)
    (tmp_path / "src").write_bytes(data)
    src = open_file(tmp_path / "src", f.GENERIC_READ)
    stream = read_all(src, 7777)
    src.Close()
    stream_id, attrs, size, name_size = struct.unpack_from("<IIqI", stream)
    assert (stream_id, size, name_size) == (BACKUP_DATA, len(data), 0)
    assert stream[20:] == data
    # Written back in pieces that split the header, with a foreign stream first.
    foreign = struct.pack("<IIqI", 4, 0, 3, 4) + "ab".encode("utf-16-le") + b"xyz"
    whole = foreign + stream
    dst = open_file(tmp_path / "dst", f.GENERIC_WRITE, f.CREATE_ALWAYS)
    ctx = None
    for i in range(0, len(whole), 13):
        piece = whole[i:i + 13]
        n, ctx = f.BackupWrite(dst, len(piece), piece, False, False, ctx)
        assert n == len(piece)
    f.BackupWrite(dst, 0, b"", True, False, ctx)
    dst.Close()
    assert (tmp_path / "dst").read_bytes() == data


def test_seek_skips_data_not_headers(tmp_path):
    (tmp_path / "s").write_bytes(b"0123456789")
    h = open_file(tmp_path / "s", f.GENERIC_READ)
    n, buf, ctx = f.BackupRead(h, 20, None, False, False, None)
    assert n == 20
    assert f.BackupSeek(h, 4, ctx) == 4
    n, buf, ctx = f.BackupRead(h, 100, None, False, False, ctx)
    assert bytes(buf[:n]) == b"456789"
    assert f.BackupSeek(h, 5, ctx) == 0  # at the end
    f.BackupRead(h, 0, None, True, False, ctx)
    # A fresh context is at a header: nothing to skip.
    n, buf, ctx = f.BackupRead(h, 4, None, False, False, None)
    assert f.BackupSeek(h, 4, ctx) == 0
    f.BackupRead(h, 0, None, True, False, ctx)
    h.Close()


def test_directory_and_bad_input(tmp_path):
    d = f.CreateFile(str(tmp_path), f.GENERIC_READ, 7, None, f.OPEN_EXISTING, f.FILE_FLAG_BACKUP_SEMANTICS, None)
    assert f.BackupRead(d, 100, None, False, False, None)[0] == 0
    d.Close()
    (tmp_path / "r").write_bytes(b"x")
    r = open_file(tmp_path / "r", f.GENERIC_READ)
    with pytest.raises(pywintypes.error) as e:
        f.BackupWrite(r, 1, b"x", False, False, None)
    assert e.value.winerror == winerror.ERROR_ACCESS_DENIED
    with pytest.raises(pywintypes.error) as e:
        f.BackupRead(r, 10, bytearray(4), False, False, None)  # asks more than the buffer holds
    assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    with pytest.raises(pywintypes.error) as e:
        f.BackupSeek(r, 1, 123456)  # no such context
    assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    r.Close()
