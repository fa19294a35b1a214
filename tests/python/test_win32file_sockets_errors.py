"""Bad input to the overlapped socket calls: not a socket, wrong types, an
unbound ConnectEx, AcceptEx buffers too small for the addresses, sockets
that do not fit together, and the calls with no POSIX meaning."""
import os
import socket

import pytest

import pywintypes
import win32event
import win32file as f

from w32util import assert_winerror

WSAENOTSOCK = 10038
WSAEINVAL = 10022
WSAEFAULT = 10014
WSAEISCONN = 10056
WSAEOPNOTSUPP = 10045
ERROR_NOT_SUPPORTED = 50
ERROR_INVALID_HANDLE = 6
ERROR_INVALID_PARAMETER = 87


def ol():
    o = pywintypes.OVERLAPPED()
    o.hEvent = win32event.CreateEvent(None, True, False, None)
    return o


def test_not_a_socket(tmp_path):
    r, w = os.pipe()
    path = tmp_path / "plain"
    path.write_bytes(b"x")
    fd = os.open(path, os.O_RDONLY)
    try:
        for bad in (r, fd, 10**6):
            with pytest.raises(pywintypes.error) as e:
                f.WSARecv(bad, bytearray(4), ol(), 0)
            assert_winerror(e, WSAENOTSOCK, "WSARecv")
            with pytest.raises(pywintypes.error) as e:
                f.WSASend(bad, b"x", ol(), 0)
            assert_winerror(e, WSAENOTSOCK, "WSASend")
        with pytest.raises(pywintypes.error) as e:
            f.CalculateSocketEndPointSize(fd)
        assert_winerror(e, WSAENOTSOCK)
        with pytest.raises(pywintypes.error) as e:
            f.WSARecv(-1, bytearray(4), ol(), 0)
        assert_winerror(e, WSAENOTSOCK)
    finally:
        os.close(r), os.close(w), os.close(fd)


def test_closed_socket_object_is_not_a_socket():
    s = socket.socket()
    s.close()  # fileno() is -1 now
    with pytest.raises(pywintypes.error) as e:
        f.WSASend(s, b"x", ol(), 0)
    assert_winerror(e, WSAENOTSOCK)


def test_wrong_types():
    a, b = socket.socketpair()
    with pytest.raises(TypeError):
        f.WSARecv("not a socket", bytearray(4), ol(), 0)
    with pytest.raises(TypeError):
        f.WSARecv(a, b"read-only bytes", ol(), 0)
    with pytest.raises(TypeError):
        f.WSARecv(a, bytearray(4), "not an overlapped", 0)
    with pytest.raises(TypeError):
        f.WSASend(a, 12345, ol(), 0)
    with pytest.raises(TypeError):
        f.ConnectEx(a, 12345, ol())
    with pytest.raises(TypeError):
        f.ConnectEx(a, ("127.0.0.1", "80"), ol())
    with pytest.raises(TypeError):
        f.AcceptEx(a, b, bytearray(100), None)
    with pytest.raises(TypeError):
        f.TransmitFile(a, 0, 0, 0, ol(), 0, 123)
    with pytest.raises((TypeError, ValueError, OverflowError)):
        f.WSARecv(a, bytearray(4), ol(), 2**40)
    a.close(), b.close()


def test_unsupported_flags():
    a, b = socket.socketpair()
    with pytest.raises(pywintypes.error) as e:
        f.WSARecv(a, bytearray(4), ol(), 0x8000)
    assert_winerror(e, WSAEOPNOTSUPP)
    a.close(), b.close()


def test_overlapped_still_in_use():
    a, b = socket.socketpair()
    o = ol()
    f.WSARecv(a, f.AllocateReadBuffer(4), o, 0)
    with pytest.raises(pywintypes.error) as e:
        f.WSARecv(a, f.AllocateReadBuffer(4), o, 0)
    assert_winerror(e, ERROR_INVALID_PARAMETER)
    b.sendall(b"1")
    assert win32event.WaitForSingleObject(o.hEvent, 15000) == 0
    a.close(), b.close()


def test_connect_ex_unbound_and_connected():
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    s = socket.socket()
    with pytest.raises(pywintypes.error) as e:
        f.ConnectEx(s, lst.getsockname(), ol())
    assert_winerror(e, WSAEINVAL, "ConnectEx")
    c = socket.create_connection(lst.getsockname())
    with pytest.raises(pywintypes.error) as e:
        f.ConnectEx(c, lst.getsockname(), ol())
    assert_winerror(e, WSAEISCONN)
    s6 = socket.socket()
    s6.bind(("127.0.0.1", 0))
    with pytest.raises(pywintypes.error) as e:
        f.ConnectEx(s6, ("no-such-host.invalid", 80), ol())
    assert e.value.winerror == 11001
    for x in (s, c, s6, lst):
        x.close()


def test_accept_ex_bad_sockets_and_buffers():
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    acc = socket.socket()
    size = f.CalculateSocketEndPointSize(lst)
    # Not listening yet.
    with pytest.raises(pywintypes.error) as e:
        f.AcceptEx(lst, acc, bytearray(2 * size), ol())
    assert_winerror(e, WSAEINVAL, "AcceptEx")
    lst.listen(1)
    # Too small for the two address areas.
    with pytest.raises(pywintypes.error) as e:
        f.AcceptEx(lst, acc, bytearray(2 * size - 1), ol())
    assert_winerror(e, WSAEFAULT)
    # Another family or type.
    for other in (socket.socket(socket.AF_INET6), socket.socket(socket.AF_INET, socket.SOCK_DGRAM)):
        with pytest.raises(pywintypes.error) as e:
            f.AcceptEx(lst, other, bytearray(2 * size), ol())
        assert_winerror(e, WSAEINVAL)
        other.close()
    # The listening socket itself.
    with pytest.raises(pywintypes.error) as e:
        f.AcceptEx(lst, lst, bytearray(2 * size), ol())
    assert_winerror(e, WSAEINVAL)
    # Read-only buffer.
    with pytest.raises(TypeError):
        f.AcceptEx(lst, acc, bytes(2 * size), ol())
    acc.close(), lst.close()


def test_get_accept_ex_sockaddrs_without_a_completed_accept():
    s = socket.socket()
    size = f.CalculateSocketEndPointSize(s)
    with pytest.raises(pywintypes.error) as e:
        f.GetAcceptExSockaddrs(s, bytearray(2 * size))
    assert_winerror(e, WSAEINVAL)
    with pytest.raises(pywintypes.error) as e:
        f.GetAcceptExSockaddrs(s, bytearray(10))
    assert_winerror(e, WSAEFAULT)
    s.close()


def test_transmit_file_bad_file_handle(tmp_path):
    a, b = socket.socketpair()
    with pytest.raises(pywintypes.error) as e:
        f.TransmitFile(a, 0x7FF0, 0, 0, ol(), 0)
    assert_winerror(e, ERROR_INVALID_HANDLE)
    path = tmp_path / "w"
    h = f.CreateFile(str(path), f.GENERIC_WRITE, 0, None, f.CREATE_ALWAYS, 0, None)
    with pytest.raises(pywintypes.error) as e:
        f.TransmitFile(a, h, 0, 0, ol(), 0)
    assert e.value.winerror == 5  # ERROR_ACCESS_DENIED: not opened for reading
    h.Close()
    a.close(), b.close()


def test_socket_handles_in_the_handle_calls():
    # A descriptor that is neither a handle nor a socket.
    with pytest.raises(pywintypes.error) as e:
        f.CreateIoCompletionPort(10**6 + 1, None, 0, 0)
    assert_winerror(e, ERROR_INVALID_HANDLE)
    a, b = socket.socketpair()
    f.WSASend(a, b"known", None, 0)
    assert f.GetFileType(a.fileno()) == f.FILE_TYPE_PIPE
    a.close(), b.close()


def test_wsa_async_select_is_not_supported():
    s = socket.socket()
    with pytest.raises(pywintypes.error) as e:
        f.WSAAsyncSelect(s, 0, 0x400, f.FD_READ)
    assert_winerror(e, ERROR_NOT_SUPPORTED, "WSAAsyncSelect")
    s.close()


def test_bad_event_handle_fails_before_any_data_moves():
    a, b = socket.socketpair()
    b.sendall(b"keep")
    o = pywintypes.OVERLAPPED()
    o.hEvent = 0x7FF0  # names nothing
    with pytest.raises(pywintypes.error) as e:
        f.WSARecv(a, bytearray(8), o, 0)
    assert_winerror(e, ERROR_INVALID_HANDLE, "WSARecv")
    assert a.recv(8) == b"keep"  # not consumed by the failed call
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    with pytest.raises(pywintypes.error) as e:
        f.ConnectEx(s, lst.getsockname(), o)
    assert_winerror(e, ERROR_INVALID_HANDLE, "ConnectEx")
    with pytest.raises(OSError):
        s.getpeername()  # no connection was started
    for x in (a, b, s, lst):
        x.close()
