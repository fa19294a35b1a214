"""WSAEventSelect / WSAEnumNetworkEvents: sockets waited for through event
objects (FD_ACCEPT, FD_CONNECT, FD_WRITE, FD_READ, FD_CLOSE)."""
import socket

import pytest

import pywintypes
import win32event
import win32file as f

LONG = 10000
WSAECONNREFUSED = 10061
WSAENOTSOCK = 10038


def wait(event):
    return win32event.WaitForSingleObject(event, LONG) == win32event.WAIT_OBJECT_0


def test_accept_connect_read_close():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    ev_l = win32event.CreateEvent(None, True, False, None)
    f.WSAEventSelect(listener, ev_l, f.FD_ACCEPT)
    assert win32event.WaitForSingleObject(ev_l, 0) == win32event.WAIT_TIMEOUT

    client = socket.socket()
    ev_c = win32event.CreateEvent(None, True, False, None)
    f.WSAEventSelect(client, ev_c, f.FD_CONNECT | f.FD_WRITE | f.FD_READ | f.FD_CLOSE)
    with pytest.raises(BlockingIOError):  # the socket is non-blocking now
        client.connect(listener.getsockname())
    assert wait(ev_l)
    assert f.WSAEnumNetworkEvents(listener, ev_l) == {f.FD_ACCEPT: 0}
    assert win32event.WaitForSingleObject(ev_l, 0) == win32event.WAIT_TIMEOUT  # reset
    server, _ = listener.accept()
    assert wait(ev_c)
    got = f.WSAEnumNetworkEvents(client, ev_c)
    assert got.get(f.FD_CONNECT) == 0

    server.sendall(b"hello")
    assert wait(ev_c)
    assert f.WSAEnumNetworkEvents(client, ev_c) == {f.FD_READ: 0}
    assert client.recv(10) == b"hello"
    server.close()
    assert wait(ev_c)
    events = f.WSAEnumNetworkEvents(client, ev_c)
    assert f.FD_CLOSE in events
    f.WSAEventSelect(client, None, 0)
    for s in (client, listener):
        s.close()


def test_refused_connect_reports_its_error():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nobody listens there now
    s = socket.socket()
    ev = win32event.CreateEvent(None, True, False, None)
    f.WSAEventSelect(s, ev, f.FD_CONNECT)
    try:
        s.connect(("127.0.0.1", port))
    except (BlockingIOError, ConnectionRefusedError):
        pass
    assert wait(ev)
    assert f.WSAEnumNetworkEvents(s.fileno()) == {f.FD_CONNECT: WSAECONNREFUSED}
    s.close()


def test_bad_arguments(tmp_path):
    ev = win32event.CreateEvent(None, True, False, None)
    with open(tmp_path / "file", "w") as fp:
        with pytest.raises(pywintypes.error) as e:
            f.WSAEventSelect(fp.fileno(), ev, f.FD_READ)
        assert e.value.winerror == WSAENOTSOCK
    s = socket.socket()
    with pytest.raises(pywintypes.error) as e:
        f.WSAEventSelect(s, 123456, f.FD_READ)  # not an event handle
    assert e.value.winerror == 6
    with pytest.raises(TypeError):
        f.WSAEventSelect("nope", ev, f.FD_READ)
    assert f.WSAEnumNetworkEvents(s) == {}  # nothing selected, nothing recorded
    s.close()


def test_fd_write_after_a_send_would_block():
    a, b = socket.socketpair()
    ev = win32event.CreateEvent(None, True, False, None)
    f.WSAEventSelect(a, ev, f.FD_WRITE)
    assert wait(ev)  # writable at once
    assert f.WSAEnumNetworkEvents(a, ev) == {f.FD_WRITE: 0}
    chunk = b"x" * 65536
    with pytest.raises(BlockingIOError):
        while True:
            a.send(chunk)
    assert win32event.WaitForSingleObject(ev, 50) == win32event.WAIT_TIMEOUT
    b.setblocking(False)
    try:
        while True:
            b.recv(1 << 20)
    except BlockingIOError:
        pass
    assert wait(ev)
    assert f.WSAEnumNetworkEvents(a, ev) == {f.FD_WRITE: 0}
    a.close()
    b.close()
