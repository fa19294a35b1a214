"""CreatePipe: an anonymous pipe pair."""
import pytest

import pywintypes
import win32file
import win32pipe

import w32util
from pipe_helpers import ERROR_BROKEN_PIPE, ERROR_NO_DATA


def test_data_flows_and_peek_does_not_consume():
    r, w = win32pipe.CreatePipe(None, 0)
    assert win32file.WriteFile(w, b"hello") == (0, 5)
    assert win32pipe.PeekNamedPipe(r, 3) == (b"hel", 5, 0)
    assert win32file.ReadFile(r, 100) == (0, b"hello")
    assert win32file.GetFileType(r) == win32file.FILE_TYPE_PIPE
    buf = bytearray(4)
    win32file.WriteFile(w, "\u00e9a")  # a str is written as UTF-8
    assert win32file.ReadFile(r, buf) == (0, "\u00e9a".encode())
    r.Close()
    w.Close()


def test_closed_ends_give_windows_errors():
    r, w = win32pipe.CreatePipe(None, 4096)
    w.Close()
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadFile(r, 10)
    w32util.assert_winerror(e, ERROR_BROKEN_PIPE, "ReadFile")
    r2, w2 = win32pipe.CreatePipe(None, 0)
    r2.Close()
    with pytest.raises(pywintypes.error) as e:
        win32file.WriteFile(w2, b"x")
    w32util.assert_winerror(e, ERROR_NO_DATA, "WriteFile")
    r.Close()
    w2.Close()


def test_ends_have_one_direction_each():
    r, w = win32pipe.CreatePipe(None, 0)
    with pytest.raises(pywintypes.error) as e:
        win32file.WriteFile(r, b"x")
    w32util.assert_winerror(e, w32util.ERROR_ACCESS_DENIED)
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadFile(w, 1)
    w32util.assert_winerror(e, w32util.ERROR_ACCESS_DENIED)
    r.Close()
    w.Close()


def test_inheritable_flag_is_accepted():
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.bInheritHandle = 1
    r, w = win32pipe.CreatePipe(sa, 0)
    r.Close()
    w.Close()


def test_security_attributes_with_inherit_set_are_read():
    # bInheritHandle is an int in pywintypes; reading it once failed with
    # RuntimeError (std::bad_cast) in every Create* call given such an sa.
    import win32event

    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.bInheritHandle = True
    win32event.CreateEvent(sa, 0, 0, None).Close()


def test_fd_create_pipe_gives_posix_descriptors():
    import os

    r, w = win32pipe.FdCreatePipe(None, 0, 0x8000)  # O_BINARY
    os.write(w, b"fd")
    assert os.read(r, 10) == b"fd"
    assert not os.get_inheritable(r)
    os.close(r)
    os.close(w)
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.bInheritHandle = 1
    r, w = win32pipe.FdCreatePipe(sa, 0, 0)
    assert os.get_inheritable(r) and os.get_inheritable(w)
    os.close(r)
    os.close(w)
    with pytest.raises(TypeError):
        win32pipe.FdCreatePipe("sa", 0, 0)
    with pytest.raises(ValueError):
        win32pipe.FdCreatePipe(None, -1, 0)


def test_popen_family():
    import win32pipe

    out = win32pipe.popen("echo hello", "r")
    assert out.read() == "hello\n"
    out.close()
    w = win32pipe.popen("cat > /dev/null", "w")
    w.write("data")
    w.close()
    i, o = win32pipe.popen2("cat", "b")
    i.write(b"round trip")
    i.close()
    assert o.read() == b"round trip"
    o.close()
    i, o, e = win32pipe.popen3("echo out; echo err 1>&2")
    i.close()
    assert o.read() == "out\n" and e.read() == "err\n"
    o.close()
    e.close()
    i, oe = win32pipe.popen4("echo out; echo err 1>&2")
    i.close()
    assert sorted(oe.read().split()) == ["err", "out"]
    oe.close()
    with pytest.raises(ValueError):
        win32pipe.popen("true", "x")
    with pytest.raises(TypeError):
        win32pipe.popen(["true"], "r")
