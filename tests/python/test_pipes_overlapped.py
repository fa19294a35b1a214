"""Overlapped named pipes on win32file's I/O engine: ConnectNamedPipe,
ReadFile, WriteFile and TransactNamedPipe with an OVERLAPPED, with events
and with a completion port, against clients in other processes."""
import subprocess
import sys
import textwrap
import uuid

import pytest

import pywintypes
import win32event
import win32file
import win32pipe
import winerror

LONG = 15000


def pipe_name(tag):
    return r"\\.\pipe\w32t-ov-%s-%s" % (tag, uuid.uuid4().hex[:10])


def server(name, message=True):
    mode = win32pipe.PIPE_TYPE_MESSAGE | win32pipe.PIPE_READMODE_MESSAGE if message else 0
    return win32pipe.CreateNamedPipe(name, win32pipe.PIPE_ACCESS_DUPLEX | win32file.FILE_FLAG_OVERLAPPED,
                                     mode, 4, 4096, 4096, 0, None)


def client_process(name, code):
    prog = textwrap.dedent("""
        import sys, win32file, win32pipe
        name = sys.argv[1]
        win32pipe.WaitNamedPipe(name, 15000)
        h = win32file.CreateFile(name, win32file.GENERIC_READ | win32file.GENERIC_WRITE, 0, None,
                                 win32file.OPEN_EXISTING, 0, None)
        win32pipe.SetNamedPipeHandleState(h, win32pipe.PIPE_READMODE_MESSAGE, None, None)
    """) + textwrap.dedent(code)
    import os
    return subprocess.Popen([sys.executable, "-c", prog, name], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=os.environ["PYWIN32_POSIX_ROOT"])


def test_overlapped_connect_read_write_with_events():
    name = pipe_name("ev")
    h = server(name)
    ov = pywintypes.OVERLAPPED()
    ov.hEvent = win32event.CreateEvent(None, True, False, None)
    assert win32pipe.ConnectNamedPipe(h, ov) == winerror.ERROR_IO_PENDING
    child = client_process(name, """
        win32file.WriteFile(h, b"ping")
        print(win32file.ReadFile(h, 100)[1].decode(), flush=True)
    """)
    try:
        assert win32event.WaitForSingleObject(ov.hEvent, LONG) == win32event.WAIT_OBJECT_0
        assert win32file.GetOverlappedResult(h, ov, True) == 0
        rov = pywintypes.OVERLAPPED()
        rov.hEvent = win32event.CreateEvent(None, True, False, None)
        rc, buf = win32file.ReadFile(h, 100, rov)
        assert rc == winerror.ERROR_IO_PENDING
        n = win32file.GetOverlappedResult(h, rov, True)
        assert bytes(buf[:n]) == b"ping"
        wov = pywintypes.OVERLAPPED()
        win32file.WriteFile(h, b"pong", wov)
        assert win32file.GetOverlappedResult(h, wov, True) == 4
        out, err = child.communicate(timeout=30)
        assert out.strip() == "pong", err
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    h.Close()


def test_connect_when_the_client_came_first_is_pipe_connected():
    name = pipe_name("first")
    h = server(name)
    c = win32file.CreateFile(name, win32file.GENERIC_READ | win32file.GENERIC_WRITE, 0, None,
                             win32file.OPEN_EXISTING, 0, None)
    ov = pywintypes.OVERLAPPED()
    assert win32pipe.ConnectNamedPipe(h, ov) == winerror.ERROR_PIPE_CONNECTED
    c.Close()
    h.Close()


def test_completion_port_server_with_several_instances():
    name = pipe_name("port")
    port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
    instances = []
    for key in range(3):
        h = server(name)
        win32file.CreateIoCompletionPort(h, port, key, 0)
        ov = pywintypes.OVERLAPPED()
        ov.object = ("connect", key)
        assert win32pipe.ConnectNamedPipe(h, ov) == winerror.ERROR_IO_PENDING
        instances.append(h)
    children = [client_process(name, """
        import os
        print(win32pipe.TransactNamedPipe(h, b"hello %d" % os.getpid(), 100, None).decode(), flush=True)
    """) for _ in range(3)]
    try:
        answered = 0
        while answered < 3:
            rc, n, key, ov = win32file.GetQueuedCompletionStatus(port, LONG)
            assert rc == 0, rc
            kind = ov.object[0]
            h = instances[key]
            if kind == "connect":
                rov = pywintypes.OVERLAPPED()
                rov.object = ("read", key)
                buf = win32file.AllocateReadBuffer(100)
                rov.object = ("read", key, buf)
                win32file.ReadFile(h, buf, rov)
            elif kind == "read":
                wov = pywintypes.OVERLAPPED()
                wov.object = ("write", key)
                win32file.WriteFile(h, b"re:" + bytes(ov.object[2][:n]), wov)
            else:
                answered += 1
        for c in children:
            out, err = c.communicate(timeout=30)
            assert out.startswith("re:hello "), err
    finally:
        for c in children:
            if c.poll() is None:
                c.kill()
                c.wait()
    for h in instances:
        h.Close()
    port.Close()


def test_overlapped_transact_and_cancelled_connect():
    name = pipe_name("tx")
    h = server(name)
    child = client_process(name, """
        data = win32file.ReadFile(h, 100)[1]
        win32file.WriteFile(h, data.upper() * 40)
    """)
    try:
        win32pipe.ConnectNamedPipe(h, None)
        ov = pywintypes.OVERLAPPED()
        buf = win32pipe.TransactNamedPipe(h, b"abc", 64, ov)
        with pytest.raises(pywintypes.error) as e:
            win32file.GetOverlappedResult(h, ov, True)
        assert e.value.winerror == winerror.ERROR_MORE_DATA
        assert bytes(buf) == (b"ABC" * 40)[:64]
        assert ov.InternalHigh == 64
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    h.Close()
    # A pending connect that is cancelled.
    h = server(pipe_name("cancel"))
    ov = pywintypes.OVERLAPPED()
    assert win32pipe.ConnectNamedPipe(h, ov) == winerror.ERROR_IO_PENDING
    win32file.CancelIoEx(h, ov)
    with pytest.raises(pywintypes.error) as e:
        win32file.GetOverlappedResult(h, ov, True)
    assert e.value.winerror == winerror.ERROR_OPERATION_ABORTED
    h.Close()


def test_overlapped_pipe_bad_input():
    h = server(pipe_name("bad"))
    with pytest.raises(TypeError):
        win32pipe.ConnectNamedPipe(h, "nope")
    ov = pywintypes.OVERLAPPED()
    win32pipe.ConnectNamedPipe(h, ov)
    with pytest.raises(pywintypes.error) as e:
        win32pipe.ConnectNamedPipe(h, ov)  # the same OVERLAPPED while busy
    assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    h.Close()
    with pytest.raises(pywintypes.error):
        win32file.GetOverlappedResult(h, ov, True)


def test_win32pipe_has_get_overlapped_result():
    r, w = win32pipe.CreatePipe(None, 0)
    ov = pywintypes.OVERLAPPED()
    rc, buf = win32file.ReadFile(r, 5, ov)
    win32file.WriteFile(w, b"12345")
    assert win32pipe.GetOverlappedResult(r, ov, True) == 5
    assert bytes(buf) == b"12345"
    r.Close()
    w.Close()


def test_session_ids_are_the_login_sessions():
    name = pipe_name("sid")
    h = server(name)
    c = win32file.CreateFile(name, win32file.GENERIC_READ | win32file.GENERIC_WRITE, 0, None,
                             win32file.OPEN_EXISTING, 0, None)
    win32pipe.ConnectNamedPipe(h, pywintypes.OVERLAPPED())
    with open("/proc/self/sessionid") as fp:
        mine = int(fp.read())
    assert win32pipe.GetNamedPipeClientSessionId(h) == mine
    assert win32pipe.GetNamedPipeServerSessionId(c) == mine
    c.Close()
    h.Close()
