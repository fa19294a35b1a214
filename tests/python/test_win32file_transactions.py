"""The wide-character functions that take a Transaction (transactional NTFS):
they work with Transaction=None, keyword arguments included, and refuse a
transaction with ERROR_NOT_SUPPORTED."""
import pytest
import pywintypes
import win32file
import winerror


def test_create_file_w_by_keyword_and_without_a_transaction(tmp_path):
    path = str(tmp_path / "f.txt")
    h = win32file.CreateFileW(FileName=path, DesiredAccess=win32file.GENERIC_WRITE, ShareMode=0,
                              SecurityAttributes=None, CreationDisposition=win32file.CREATE_NEW,
                              FlagsAndAttributes=0, TemplateFile=None, Transaction=None)
    win32file.WriteFile(h, b"data")
    h.Close()
    assert open(path, "rb").read() == b"data"
    with pytest.raises(pywintypes.error) as exc:
        win32file.CreateFileW(path, win32file.GENERIC_READ, 0, None, win32file.OPEN_EXISTING, 0, None, 1234)
    assert exc.value.winerror == winerror.ERROR_NOT_SUPPORTED
    with pytest.raises(TypeError):
        win32file.CreateFileW(5, win32file.GENERIC_READ, 0, None, win32file.OPEN_EXISTING, 0)


def test_create_directory_ex_w(tmp_path):
    target = str(tmp_path / "made")
    win32file.CreateDirectoryExW(TemplateDirectory=str(tmp_path), NewDirectory=target, Transaction=None)
    assert (tmp_path / "made").is_dir()
    with pytest.raises(pywintypes.error) as exc:
        win32file.CreateDirectoryExW(str(tmp_path), str(tmp_path / "other"), None, 99)
    assert exc.value.winerror == winerror.ERROR_NOT_SUPPORTED
    assert not (tmp_path / "other").exists()
