"""A pipe that reaches a process as a descriptor (its stdin from a shell, a
parent's subprocess, CreateProcess' redirection) is an anonymous pipe end to
win32file and win32pipe, as on Windows: PeekNamedPipe polls it without
consuming, and ReadFile at the end gives ERROR_BROKEN_PIPE."""
import subprocess
import sys
import textwrap

import pytest
import pywintypes
import win32api
import win32con
import win32event
import win32file
import win32pipe
import win32process

from w32util import finish, read_line

POLLING_CHILD = textwrap.dedent("""
    import sys, time, win32api, win32file, win32pipe, pywintypes
    h = win32api.GetStdHandle(win32api.STD_INPUT_HANDLE)
    print("type", win32file.GetFileType(h) == win32file.FILE_TYPE_PIPE, flush=True)
    print("empty", win32pipe.PeekNamedPipe(h, 0)[1], flush=True)
    deadline = time.monotonic() + 30
    while win32pipe.PeekNamedPipe(h, 0)[1] < 5 and time.monotonic() < deadline:
        time.sleep(0.01)
    data, avail, left = win32pipe.PeekNamedPipe(h, 3)
    print("peek", data.decode(), avail, flush=True)
    print("read", win32file.ReadFile(h, 100)[1].decode(), flush=True)
    try:
        win32file.ReadFile(h, 100)
    except pywintypes.error as e:
        print("end", e.winerror, flush=True)
""")


def test_stdin_pipe_of_a_subprocess_is_peekable():
    child = subprocess.Popen([sys.executable, "-c", POLLING_CHILD], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert read_line(child) == "type True"
    assert read_line(child) == "empty 0"
    child.stdin.write("hello")
    child.stdin.flush()
    assert read_line(child) == "peek hel 5"
    assert read_line(child) == "read hello"
    child.stdin.close()
    child.stdin = None  # communicate() must not flush it again
    code, out, err = finish(child)
    assert code == 0, err
    assert out.strip() == "end 109"  # ERROR_BROKEN_PIPE


def test_create_process_redirected_stdin_is_peekable():
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.bInheritHandle = True
    read_end, write_end = win32pipe.CreatePipe(sa, 0)
    out_read, out_write = win32pipe.CreatePipe(sa, 0)
    # The parent's ends stay here: a child holding the write end would never see the end.
    win32api.SetHandleInformation(write_end, win32con.HANDLE_FLAG_INHERIT, 0)
    win32api.SetHandleInformation(out_read, win32con.HANDLE_FLAG_INHERIT, 0)
    si = win32process.STARTUPINFO()
    si.dwFlags = win32process.STARTF_USESTDHANDLES
    si.hStdInput, si.hStdOutput, si.hStdError = read_end, out_write, out_write
    command = subprocess.list2cmdline([sys.executable, "-c", POLLING_CHILD])
    process, thread, pid, tid = win32process.CreateProcess(None, command, None, None, True, 0, None, None, si)
    read_end.Close()
    out_write.Close()
    win32file.WriteFile(write_end, b"world")
    write_end.Close()
    assert win32event.WaitForSingleObject(process, 60000) == win32event.WAIT_OBJECT_0
    output = b""
    while True:
        try:
            output += win32file.ReadFile(out_read, 4096)[1]
        except pywintypes.error as e:
            assert e.winerror == 109
            break
    lines = output.decode().splitlines()
    # The data may be there before the child first looks.
    assert lines[0] == "type True" and lines[1] in ("empty 0", "empty 5"), lines
    assert lines[2:] == ["peek wor 5", "read world", "end 109"], lines
    assert win32process.GetExitCodeProcess(process) == 0


def test_peek_on_a_descriptor_that_is_no_pipe(tmp_path):
    path = tmp_path / "plain"
    path.write_bytes(b"x")
    with open(path, "rb") as f:
        from pywin32_posix import _w32
        h = _w32.win32file._get_osfhandle(f.fileno())
        with pytest.raises(pywintypes.error) as exc:
            win32pipe.PeekNamedPipe(h, 0)
        assert exc.value.winerror == 6  # ERROR_INVALID_HANDLE, as for a file on Windows
