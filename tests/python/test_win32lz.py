"""win32lz: LZ32's OpenFile/Init/Copy/Close/GetExpandedName on SZDD and KWAJ
files, plain files passing through, Windows paths, LZERROR_* failures, and
interoperability both ways with Debian's mscompress/msexpand."""
import os
import random
import shutil
import subprocess
import threading

import pytest

import pywintypes
import win32con
import win32file
import win32lz

MSEXPAND = shutil.which("msexpand")
MSCOMPRESS = shutil.which("mscompress")
needs_mscompress = pytest.mark.skipif(not (MSEXPAND and MSCOMPRESS), reason="Debian's mscompress is not installed")

KWAJ_MAGIC = b"KWAJ\x88\xf0\x27\xd1"


def samples():
    rng = random.Random(42)
    words = [b"alpha ", b"beta ", b"gamma\n", b"\x00\x00", b"delta ", b"\r\n"]
    text = b"".join(rng.choice(words) for _ in range(120000))
    noise = bytes(rng.getrandbits(8) for _ in range(70000))
    return {
        "empty.txt": b"",
        "one.txt": b"x",
        "text.txt": text,
        "noise.bin": noise,
        "zeros.dat": bytes(300000),
        "mixed.dat": text[:50000] + noise[:20000] + text[50000:90000],
    }


def expand(src, dest):
    """OpenFile the source for reading, Copy to a created dest; bytes written."""
    h, _ = win32lz.OpenFile(str(src), win32con.OF_READ)
    try:
        out, _ = win32lz.OpenFile(str(dest), win32con.OF_CREATE | win32con.OF_WRITE)
        try:
            return win32lz.Copy(h, out)
        finally:
            win32lz.Close(out)
    finally:
        win32lz.Close(h)


def lz_code(excinfo):
    return excinfo.value.winerror


# --- expansion and names -------------------------------------------------------------


def test_compressed_file_expands_through_an_lz_handle(tmp_path):
    data = samples()["text.txt"]
    (tmp_path / "plain.txt").write_bytes(data)
    size = win32lz.CompressFile(str(tmp_path / "plain.txt"), str(tmp_path / "doc.tx_"))
    assert size == os.path.getsize(tmp_path / "doc.tx_") < len(data) // 2
    h, ofs = win32lz.OpenFile(str(tmp_path / "doc.tx_"), win32con.OF_READ)
    assert h >= 0x400  # an LZ handle, as LZ32 numbers them
    fixed, err, date, time_, path = ofs
    assert (fixed, err, path) == (1, 0, str(tmp_path / "doc.tx_"))
    assert date >> 9 >= 2020 - 1980  # FAT date of the file's last write
    out, _ = win32lz.OpenFile(str(tmp_path / "out.txt"), win32con.OF_CREATE | win32con.OF_WRITE)
    assert out < 0x400
    assert win32lz.Copy(h, out) == len(data)
    win32lz.Close(h)
    win32lz.Close(out)
    assert (tmp_path / "out.txt").read_bytes() == data


def test_open_finds_the_compressed_name(tmp_path):
    (tmp_path / "setup.exe").write_bytes(b"MZ" + bytes(1000))
    win32lz.CompressFile(str(tmp_path / "setup.exe"), str(tmp_path / "setup.ex_"))
    os.remove(tmp_path / "setup.exe")
    h, ofs = win32lz.OpenFile(str(tmp_path / "setup.exe"), win32con.OF_READ)
    assert ofs[4] == str(tmp_path / "setup.ex_")
    win32lz.Close(h)
    assert win32lz.GetExpandedName(str(tmp_path / "setup.ex_")) == str(tmp_path / "setup.exe")


def test_plain_file_passes_through_copy_unchanged(tmp_path):
    data = samples()["noise.bin"]
    (tmp_path / "raw.bin").write_bytes(data)
    h, _ = win32lz.OpenFile(str(tmp_path / "raw.bin"), win32con.OF_READ)
    assert h < 0x400  # not compressed: the file handle itself
    assert win32lz.Init(h) == h
    out, _ = win32lz.OpenFile(str(tmp_path / "copy.bin"), win32con.OF_CREATE | win32con.OF_WRITE)
    assert win32lz.Copy(h, out) == len(data)
    win32lz.Close(h)
    win32lz.Close(out)
    assert (tmp_path / "copy.bin").read_bytes() == data
    assert win32lz.GetExpandedName(str(tmp_path / "raw.bin")) == str(tmp_path / "raw.bin")


def test_expanded_name_restores_the_lost_character_in_the_names_case(tmp_path):
    for name, stored, expected in [("README.TXT", "README.TX_", "README.TXT"), ("notes.txt", "notes.tx_", "notes.txt")]:
        (tmp_path / name).write_bytes(b"abc" * 100)
        win32lz.CompressFile(str(tmp_path / name), str(tmp_path / stored))
        assert win32lz.GetExpandedName(str(tmp_path / stored)) == str(tmp_path / expected)


def test_init_and_copy_take_win32file_handles(tmp_path):
    data = samples()["mixed.dat"]
    (tmp_path / "m.dat").write_bytes(data)
    win32lz.CompressFile(str(tmp_path / "m.dat"), str(tmp_path / "m.da_"))
    src = win32file.CreateFile(str(tmp_path / "m.da_"), win32file.GENERIC_READ, 0, None, win32file.OPEN_EXISTING, 0, None)
    dst = win32file.CreateFile(str(tmp_path / "m.out"), win32file.GENERIC_WRITE, 0, None, win32file.CREATE_ALWAYS, 0, None)
    lzh = win32lz.Init(int(src.Detach()))  # the LZ handle owns the file now
    assert lzh >= 0x400
    assert win32lz.Copy(lzh, dst) == len(data)
    win32lz.Close(lzh)
    dst.Close()
    assert (tmp_path / "m.out").read_bytes() == data


def test_copy_expands_a_compressed_file_given_as_a_file_handle(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"hello " * 5000)
    win32lz.CompressFile(str(tmp_path / "a.txt"), str(tmp_path / "a.tx_"))
    h, _ = win32lz.OpenFile(str(tmp_path / "a.tx_"), win32con.OF_READWRITE)  # not OF_READ: no LZInit
    assert h < 0x400
    out, _ = win32lz.OpenFile(str(tmp_path / "a.out"), win32con.OF_CREATE | win32con.OF_WRITE)
    assert win32lz.Copy(h, out) == 30000
    win32lz.Close(h)
    win32lz.Close(out)
    assert (tmp_path / "a.out").read_bytes() == b"hello " * 5000


def test_copy_reads_pipes_and_init_refuses_them(tmp_path):
    import win32pipe

    data = samples()["text.txt"][:200000]
    (tmp_path / "p.txt").write_bytes(data)
    win32lz.CompressFile(str(tmp_path / "p.txt"), str(tmp_path / "p.tx_"))
    for payload, expected in (((tmp_path / "p.tx_").read_bytes(), data), (data, data)):
        r, w = win32pipe.CreatePipe(None, 0)
        writer = threading.Thread(target=lambda: (win32file.WriteFile(w, payload), w.Close()))
        writer.start()
        out, _ = win32lz.OpenFile(str(tmp_path / "p.out"), win32con.OF_CREATE | win32con.OF_WRITE)
        assert win32lz.Copy(r, out) == len(expected)
        win32lz.Close(out)
        writer.join()
        assert (tmp_path / "p.out").read_bytes() == expected
        with pytest.raises(pywintypes.error) as e:
            win32lz.Init(r)
        assert lz_code(e) == win32lz.LZERROR_BADINHANDLE
        r.Close()


def test_windows_paths_go_through_the_drive_table(tmp_path):
    (tmp_path / "w.txt").write_bytes(b"windows path " * 50)
    win = "Z:" + str(tmp_path).replace("/", "\\")
    win32lz.CompressFile(win + "\\w.txt", win + "\\w.tx_")
    h, ofs = win32lz.OpenFile(win + "\\w.tx_", win32con.OF_READ)
    assert ofs[4].lower() == (win + "\\w.tx_").lower()
    out, _ = win32lz.OpenFile(win + "\\w.out", win32con.OF_CREATE | win32con.OF_WRITE)
    assert win32lz.Copy(h, out) == 13 * 50
    win32lz.Close(h)
    win32lz.Close(out)
    assert (tmp_path / "w.out").read_bytes() == b"windows path " * 50
    assert win32lz.GetExpandedName(win + "\\w.tx_") == win + "\\w.txt"


def test_openfile_parse_exist_and_delete(tmp_path):
    target = tmp_path / "f.txt"
    target.write_bytes(b"x")
    assert win32lz.OpenFile(str(target), win32con.OF_PARSE) == (0, (1, 0, 0, 0, str(target)))
    handle, _ = win32lz.OpenFile(str(target), win32con.OF_EXIST)
    assert handle == 1
    assert target.exists()
    assert win32lz.OpenFile(str(target), win32con.OF_DELETE)[0] == 1
    assert not target.exists()
    with pytest.raises(pywintypes.error) as e:
        win32lz.OpenFile(str(target), win32con.OF_DELETE)
    assert lz_code(e) == win32lz.LZERROR_BADINHANDLE


def test_kwaj_files_expand_to_their_stored_name(tmp_path):
    data = b"KWAJ stored with XOR " * 200
    header = KWAJ_MAGIC + (1).to_bytes(2, "little") + (0).to_bytes(2, "little") + (0x19).to_bytes(2, "little")
    header += len(data).to_bytes(4, "little") + b"REPORT\0DOC\0"
    header = header[:10] + len(header).to_bytes(2, "little") + header[12:]
    (tmp_path / "report.do_").write_bytes(header + bytes(b ^ 0xFF for b in data))
    assert expand(tmp_path / "report.do_", tmp_path / "out") == len(data)
    assert (tmp_path / "out").read_bytes() == data
    assert win32lz.GetExpandedName(str(tmp_path / "report.do_")) == str(tmp_path / "REPORT.DOC")


# --- failures ------------------------------------------------------------------------


def test_missing_file_is_badinhandle(tmp_path):
    with pytest.raises(pywintypes.error) as e:
        win32lz.OpenFile(str(tmp_path / "nothing.txt"), win32con.OF_READ)
    assert e.value.args[:2] == (win32lz.LZERROR_BADINHANDLE, "LZOpenFile")
    with pytest.raises(pywintypes.error) as e:
        win32lz.GetExpandedName(str(tmp_path / "nothing.txt"))
    assert lz_code(e) == win32lz.LZERROR_BADINHANDLE


def test_bad_handles(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"a" * 100)
    h, _ = win32lz.OpenFile(str(tmp_path / "a.txt"), win32con.OF_READ)
    with pytest.raises(pywintypes.error) as e:
        win32lz.Copy(987654, h)
    assert e.value.args[:2] == (win32lz.LZERROR_BADINHANDLE, "LZCopy")
    with pytest.raises(pywintypes.error) as e:
        win32lz.Copy(h, 987652)
    assert lz_code(e) == win32lz.LZERROR_BADOUTHANDLE
    with pytest.raises(pywintypes.error) as e:
        win32lz.Init(987652)
    assert lz_code(e) == win32lz.LZERROR_BADINHANDLE
    win32lz.Close(h)
    win32lz.Close(987652)  # LZClose reports nothing, as on Windows


def test_wrong_types_are_typeerrors():
    with pytest.raises(TypeError):
        win32lz.OpenFile(b"bytes", 0)
    with pytest.raises(TypeError):
        win32lz.OpenFile("x", "0")
    with pytest.raises(TypeError):
        win32lz.Copy("a", 1)
    with pytest.raises(TypeError):
        win32lz.Init(1.5)
    with pytest.raises(TypeError):
        win32lz.GetExpandedName(None)


def test_truncated_and_corrupt_data_are_lzerror_read(tmp_path):
    data = samples()["text.txt"]
    (tmp_path / "t.txt").write_bytes(data)
    win32lz.CompressFile(str(tmp_path / "t.txt"), str(tmp_path / "t.tx_"))
    packed = (tmp_path / "t.tx_").read_bytes()
    (tmp_path / "cut.tx_").write_bytes(packed[: len(packed) // 3])
    with pytest.raises(pywintypes.error) as e:
        expand(tmp_path / "cut.tx_", tmp_path / "cut.out")
    assert e.value.args[:2] == (win32lz.LZERROR_READ, "LZCopy")


def test_unknown_algorithm(tmp_path):
    (tmp_path / "b.tx_").write_bytes(b"SZDD\x88\xf0\x27\x33B\x00\x05\x00\x00\x00abcde")
    (tmp_path / "m5.kwj").write_bytes(KWAJ_MAGIC + b"\x05\x00\x0e\x00\x00\x00" + b"zz")  # no method 5
    for name in ("b.tx_", "m5.kwj"):
        with pytest.raises(pywintypes.error) as e:
            expand(tmp_path / name, tmp_path / "x.out")
        assert lz_code(e) == win32lz.LZERROR_UNKNOWNALG


def test_sixteen_lz_handles_then_globalloc(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"abc" * 10)
    win32lz.CompressFile(str(tmp_path / "a.txt"), str(tmp_path / "a.tx_"))
    handles = [win32lz.OpenFile(str(tmp_path / "a.tx_"), win32con.OF_READ)[0] for _ in range(16)]
    assert len(set(handles)) == 16 and all(0x400 <= h < 0x410 for h in handles)
    plain, _ = win32lz.OpenFile(str(tmp_path / "a.tx_"), win32con.OF_READ)
    assert plain < 0x400
    with pytest.raises(pywintypes.error) as e:
        win32lz.Init(plain)
    assert e.value.args[:2] == (win32lz.LZERROR_GLOBALLOC, "LZInit")
    win32lz.Close(plain)
    for h in handles:
        win32lz.Close(h)


def test_mutated_files_give_clean_errors(tmp_path):
    """Bounded mutation fuzzing through the module: every malformed file
    expands or raises LZERROR_*, never crashes or hangs."""
    rng = random.Random(7)
    data = samples()["mixed.dat"][:20000]
    (tmp_path / "s.dat").write_bytes(data)
    win32lz.CompressFile(str(tmp_path / "s.dat"), str(tmp_path / "s.da_"))
    seed = (tmp_path / "s.da_").read_bytes()
    codes = set()
    for run in range(150):
        x = bytearray(seed)
        for _ in range(rng.randint(1, 6)):
            op = rng.randrange(3)
            if op == 0:
                x[rng.randrange(len(x))] ^= 1 << rng.randrange(8)
            elif op == 1:
                del x[rng.randrange(1, len(x)):]
            else:
                x.insert(rng.randrange(len(x)), rng.randrange(256))
        (tmp_path / "m.da_").write_bytes(bytes(x))
        try:
            expand(tmp_path / "m.da_", tmp_path / "m.out")
            codes.add(0)
        except pywintypes.error as e:
            assert e.winerror in (win32lz.LZERROR_READ, win32lz.LZERROR_UNKNOWNALG), e
            codes.add(e.winerror)
    assert win32lz.LZERROR_READ in codes and 0 in codes


# --- interoperability with Debian's mscompress ------------------------------------------


@needs_mscompress
@pytest.mark.parametrize("name", sorted(samples()))
def test_msexpand_reads_our_szdd(tmp_path, name):
    data = samples()[name]
    (tmp_path / name).write_bytes(data)
    win32lz.CompressFile(str(tmp_path / name), str(tmp_path / "ours.lz"))
    with open(tmp_path / "ours.lz", "rb") as src:
        out = subprocess.run([MSEXPAND], stdin=src, capture_output=True, timeout=60, check=True).stdout
    assert out == data


@needs_mscompress
@pytest.mark.parametrize("name", sorted(samples()))
def test_we_read_mscompress_output(tmp_path, name):
    data = samples()[name]
    (tmp_path / name).write_bytes(data)
    subprocess.run([MSCOMPRESS, name], cwd=tmp_path, check=True, timeout=60, capture_output=True)
    packed = tmp_path / (name + "_")
    assert packed.read_bytes()[:4] == b"SZDD"
    assert expand(packed, tmp_path / "back") == len(data)
    with open(packed, "rb") as src:
        theirs = subprocess.run([MSEXPAND], stdin=src, capture_output=True, timeout=60, check=True).stdout
    if len(data) >= 17:
        assert theirs == data
        assert (tmp_path / "back").read_bytes() == data
    else:
        # mscompress 0.4 loses inputs under 17 bytes (its own msexpand gets
        # the same wrong bytes back): we read what it wrote, as msexpand
        # does, up to the length in the header, as LZ32 does.
        assert (tmp_path / "back").read_bytes() == theirs[: len(data)]
    assert win32lz.GetExpandedName(str(packed)) == str(tmp_path / name)
