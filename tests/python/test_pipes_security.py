"""Named pipe files are private to the user, names cannot escape the pipe
namespace, and bad arguments raise the errors pywin32 raises."""
import os
import stat

import pytest

import pywintypes
import win32file
import win32pipe

import w32util
from pipe_helpers import ERROR_BAD_PIPE, ERROR_PIPE_LISTENING, ERROR_PIPE_NOT_CONNECTED, client, pipe_name, server

ERROR_FILE_NOT_FOUND = 2


def pipes_dir(session_root):
    return os.path.join(session_root, "run", "pipes")


def files_under(path):
    out = []
    for root, dirs, files in os.walk(path):
        out += [os.path.join(root, d) for d in dirs] + [os.path.join(root, f) for f in files]
    return out


def test_pipe_directories_are_0700_and_files_0600(session_root):
    h = server(pipe_name("perm"))
    root = pipes_dir(session_root)
    assert stat.S_IMODE(os.stat(root).st_mode) == 0o700
    entries = files_under(root)
    assert entries
    for p in entries:
        st = os.lstat(p)
        assert st.st_uid == os.getuid()
        expected = 0o700 if stat.S_ISDIR(st.st_mode) else 0o600
        assert stat.S_IMODE(st.st_mode) == expected, p
    h.Close()


@pytest.mark.parametrize(
    "tail", ["..\\..\\x", "../../x", "/etc/x", "a/../../../b", "x" * 256, ".", "..", "\u00e9t\u00e9\\sub"]
)
def test_hostile_names_stay_inside_the_pipe_directory(session_root, tail):
    before = set(os.listdir(session_root))
    h = server("\\\\.\\pipe\\" + tail)
    c = client("\\\\.\\pipe\\" + tail)
    root = os.path.realpath(pipes_dir(session_root))
    for p in files_under(root):
        assert os.path.realpath(p).startswith(root + os.sep)
        assert len(os.fsencode(p)) < 108
    assert set(os.listdir(session_root)) == before
    c.Close()
    h.Close()
    assert not os.path.exists("/etc/x")


@pytest.mark.parametrize("name", ["\\\\.\\pipe\\", "\\\\.\\pipe\\" + "x" * 257, "\\\\.\\pipe\\a\0b", "plain",
                                  "\\\\server\\pipe\\x", "\\\\.\\mailslot\\x"])
def test_invalid_pipe_names(name):
    with pytest.raises(pywintypes.error) as e:
        server(name)
    w32util.assert_winerror(e, w32util.ERROR_INVALID_NAME, "CreateNamedPipe")


def test_unknown_pipe_is_file_not_found():
    name = pipe_name("none")
    for call in (lambda: client(name), lambda: win32pipe.WaitNamedPipe(name, 100),
                 lambda: win32pipe.CallNamedPipe(name, b"x", 10, 100)):
        with pytest.raises(pywintypes.error) as e:
            call()
        w32util.assert_winerror(e, ERROR_FILE_NOT_FOUND)


def test_closed_and_forged_handles_are_invalid():
    h = server(pipe_name("closed"))
    value = int(h)
    h.Close()
    event = __import__("win32event").CreateEvent(None, 0, 0, None)
    for bad in (value, 123456, int(event)):
        for call in (lambda: win32file.ReadFile(bad, 10), lambda: win32file.WriteFile(bad, b"x"),
                     lambda: win32pipe.ConnectNamedPipe(bad, None), lambda: win32pipe.DisconnectNamedPipe(bad),
                     lambda: win32pipe.PeekNamedPipe(bad, 1), lambda: win32pipe.GetNamedPipeInfo(bad),
                     lambda: win32file.GetFileType(bad)):
            with pytest.raises(pywintypes.error) as e:
                call()
            w32util.assert_winerror(e, w32util.ERROR_INVALID_HANDLE)
    event.Close()


def test_wrong_types_are_type_errors():
    name = pipe_name("types")
    h = server(name)
    c = client(name)
    win32pipe.ConnectNamedPipe(h, None)
    for call in (lambda: win32file.ReadFile("h", 10), lambda: win32file.ReadFile(c, b"immutable"),
                 lambda: win32file.ReadFile(c, 1.5), lambda: win32file.WriteFile(c, 42),
                 lambda: win32pipe.CreateNamedPipe(b"bytes", 3, 0, 1, 0, 0, 0, None),
                 lambda: win32pipe.CreateNamedPipe(name, 3, 0, 1, 0, 0, 0, "not sa"),
                 lambda: win32pipe.CreatePipe(None, "big")):
        with pytest.raises(TypeError):
            call()
    c.Close()
    h.Close()


def test_negative_and_oversized_numbers_are_value_errors():
    name = pipe_name("neg")
    h = server(name)
    c = client(name)
    for call in (lambda: win32file.ReadFile(c, -1), lambda: win32pipe.PeekNamedPipe(c, -5),
                 lambda: win32pipe.CreatePipe(None, -1), lambda: win32pipe.CallNamedPipe(name, b"x", -1, 0),
                 lambda: win32pipe.CreateNamedPipe(name, 3, 0, 1, -1, 0, 0, None),
                 lambda: win32pipe.CreateNamedPipe(name, 3, 0, 1 << 40, 0, 0, 0, None)):
        with pytest.raises(ValueError):
            call()
    c.Close()
    h.Close()


@pytest.mark.parametrize("open_mode, pipe_mode, instances", [
    (0, 0, 1),                                          # no direction
    (3, win32pipe.PIPE_READMODE_MESSAGE, 1),            # message reads on a byte pipe
    (3, 0, 0),                                          # no instances
    (3, 0, 256),                                        # more than PIPE_UNLIMITED_INSTANCES
    (3, 0x100, 1),                                      # unknown pipe mode bit
])
def test_invalid_create_parameters(open_mode, pipe_mode, instances):
    with pytest.raises(pywintypes.error) as e:
        win32pipe.CreateNamedPipe(pipe_name("param"), open_mode, pipe_mode, instances, 0, 0, 0, None)
    w32util.assert_winerror(e, w32util.ERROR_INVALID_PARAMETER, "CreateNamedPipe")


def test_first_instance_flag_and_type_mismatch_are_access_denied():
    name = pipe_name("first")
    h = server(name, instances=4)
    with pytest.raises(pywintypes.error) as e:
        server(name, instances=4, open_mode=3 | win32pipe.FILE_FLAG_FIRST_PIPE_INSTANCE)
    w32util.assert_winerror(e, w32util.ERROR_ACCESS_DENIED)
    with pytest.raises(pywintypes.error) as e:
        server(name, mode=0, instances=4)
    w32util.assert_winerror(e, w32util.ERROR_ACCESS_DENIED)
    h.Close()


def test_direction_and_connection_state_errors():
    name = pipe_name("dir")
    h = server(name, open_mode=win32pipe.PIPE_ACCESS_INBOUND)
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadFile(h, 10)
    w32util.assert_winerror(e, ERROR_PIPE_LISTENING)
    c = client(name, access=win32file.GENERIC_WRITE)
    win32pipe.ConnectNamedPipe(h, None)
    with pytest.raises(pywintypes.error) as e:
        win32file.WriteFile(h, b"x")  # an inbound server only reads
    w32util.assert_winerror(e, w32util.ERROR_ACCESS_DENIED)
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadFile(c, 10)  # the client opened for writing only
    w32util.assert_winerror(e, w32util.ERROR_ACCESS_DENIED)
    with pytest.raises(pywintypes.error) as e:
        win32pipe.TransactNamedPipe(c, b"x", 10, None)  # byte read mode
    w32util.assert_winerror(e, ERROR_BAD_PIPE)
    win32pipe.DisconnectNamedPipe(h)
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadFile(h, 10)
    w32util.assert_winerror(e, ERROR_PIPE_NOT_CONNECTED)
    with pytest.raises(pywintypes.error) as e:
        win32pipe.SetNamedPipeHandleState(h, 0x80, None, None)
    w32util.assert_winerror(e, w32util.ERROR_INVALID_PARAMETER)
    c.Close()
    h.Close()


def test_nowait_mode():
    name = pipe_name("nowait")
    h = server(name)
    win32pipe.SetNamedPipeHandleState(h, win32pipe.PIPE_READMODE_MESSAGE | win32pipe.PIPE_NOWAIT, None, None)
    with pytest.raises(pywintypes.error) as e:
        win32pipe.ConnectNamedPipe(h, None)
    w32util.assert_winerror(e, ERROR_PIPE_LISTENING)
    c = client(name)
    win32pipe.ConnectNamedPipe(h, None)
    with pytest.raises(pywintypes.error) as e:
        win32file.ReadFile(h, 10)
    w32util.assert_winerror(e, 232)  # ERROR_NO_DATA: nothing to read yet
    c.Close()
    h.Close()


def test_one_way_pipes_refuse_the_wrong_direction():
    for open_mode, wrong, right in ((win32pipe.PIPE_ACCESS_INBOUND, win32file.GENERIC_READ, win32file.GENERIC_WRITE),
                                    (win32pipe.PIPE_ACCESS_OUTBOUND, win32file.GENERIC_WRITE, win32file.GENERIC_READ)):
        name = pipe_name("oneway")
        h = server(name, open_mode=open_mode)
        with pytest.raises(pywintypes.error) as e:
            client(name, access=wrong | right)
        w32util.assert_winerror(e, w32util.ERROR_ACCESS_DENIED, "CreateFile")
        client(name, access=right).Close()
        h.Close()


def test_a_message_larger_than_the_socket_buffer_is_not_enough_quota():
    name = pipe_name("huge")
    h = server(name)
    c = client(name)
    win32pipe.ConnectNamedPipe(h, None)
    big = b"b" * (1 << 20)
    reader = w32util.Worker(win32file.ReadFile, h, len(big))
    assert win32file.WriteFile(c, big) == (0, len(big))
    assert reader.join() == (0, big)
    with pytest.raises(pywintypes.error) as e:
        win32file.WriteFile(c, b"x" * (64 << 20))
    w32util.assert_winerror(e, w32util.ERROR_NOT_ENOUGH_QUOTA, "WriteFile")
    c.Close()
    h.Close()


def test_the_last_instance_takes_its_pipe_directory_away(session_root):
    root = pipes_dir(session_root)
    name = pipe_name("cleanup")
    before = set(os.listdir(root)) if os.path.isdir(root) else set()
    a = server(name, instances=2)
    b = server(name, instances=2)
    (made,) = set(os.listdir(root)) - before
    a.Close()
    assert os.path.isdir(os.path.join(root, made))  # one instance still lives
    b.Close()
    assert not os.path.exists(os.path.join(root, made))
    server(name).Close()  # and the name can be made again
