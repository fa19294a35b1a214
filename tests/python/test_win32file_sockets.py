"""Overlapped sockets: WSASend/WSARecv through completion ports and events,
AcceptEx (with and without first data) and GetAcceptExSockaddrs, ConnectEx,
TransmitFile, cancellation by CancelIo/CancelIoEx and by closing the socket.
An IOCP echo server runs here and its clients in other processes."""
import os
import socket
import threading

import pytest

import pywintypes
import win32event
import win32file as f

from w32util import assert_winerror, finish, popen_py

LONG = 15000  # ms: "promptly" on a loaded machine
ERROR_IO_PENDING = 997
ERROR_OPERATION_ABORTED = 995
ERROR_NETNAME_DELETED = 64
ERROR_CONNECTION_REFUSED = 1225
WAIT_TIMEOUT = 258


def new_port():
    return f.CreateIoCompletionPort(-1, None, 0, 0)


def event_ol():
    ol = pywintypes.OVERLAPPED()
    ol.hEvent = win32event.CreateEvent(None, True, False, None)
    return ol


def completed(ol):
    return win32event.WaitForSingleObject(ol.hEvent, LONG) == win32event.WAIT_OBJECT_0


def listener():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s


def dequeue(port):
    rc, n, key, ol = f.GetQueuedCompletionStatus(port, LONG)
    assert ol is not None, "no completion packet in time"
    return rc, n, key, ol


# --- WSARecv / WSASend ---------------------------------------------------------


def test_recv_pending_then_completed_through_port():
    port = new_port()
    a, b = socket.socketpair()
    f.CreateIoCompletionPort(a.fileno(), port, 11, 0)
    buf = f.AllocateReadBuffer(64)
    ol = pywintypes.OVERLAPPED()
    assert f.WSARecv(a, buf, ol, 0) == (ERROR_IO_PENDING, 0)
    b.sendall(b"hello")
    rc, n, key, got = dequeue(port)
    assert (rc, n, key) == (0, 5, 11) and got is ol
    assert bytes(buf[:5]) == b"hello"
    assert f.GetOverlappedResult(a.fileno(), ol, False) == 5
    a.close(), b.close()


def test_completed_at_once_still_queues_its_packet():
    port = new_port()
    a, b = socket.socketpair()
    f.CreateIoCompletionPort(a.fileno(), port, 3, 0)
    b.sendall(b"ready")
    buf = f.AllocateReadBuffer(16)
    ol = pywintypes.OVERLAPPED()
    assert f.WSARecv(a, buf, ol, 0) == (0, 5)
    assert dequeue(port)[:3] == (0, 5, 3)
    ol2 = pywintypes.OVERLAPPED()
    assert f.WSASend(a, b"back", ol2, 0) == (0, 4)
    rc, n, key, got = dequeue(port)
    assert (rc, n, got) == (0, 4, ol2)
    assert b.recv(10) == b"back"
    a.close(), b.close()


def test_event_is_reset_at_start_and_set_at_completion():
    a, b = socket.socketpair()
    ol = event_ol()
    win32event.SetEvent(ol.hEvent)
    buf = f.AllocateReadBuffer(8)
    assert f.WSARecv(a.fileno(), buf, ol, 0)[0] == ERROR_IO_PENDING
    assert win32event.WaitForSingleObject(ol.hEvent, 0) == WAIT_TIMEOUT
    b.sendall(b"x")
    assert completed(ol)
    assert f.GetOverlappedResult(a.fileno(), ol, True) == 1
    a.close(), b.close()


def test_blocking_mode_is_left_as_the_owner_set_it():
    a, b = socket.socketpair()
    c, d = socket.socketpair()
    c.setblocking(False)
    bufs = [f.AllocateReadBuffer(8) for _ in range(2)]
    ols = [event_ol() for _ in range(2)]
    assert f.WSARecv(a, bufs[0], ols[0], 0)[0] == ERROR_IO_PENDING
    assert f.WSARecv(c, bufs[1], ols[1], 0)[0] == ERROR_IO_PENDING
    assert os.get_blocking(a.fileno()) and a.getblocking()
    assert not os.get_blocking(c.fileno())
    b.sendall(b"1"), d.sendall(b"2")
    assert completed(ols[0]) and completed(ols[1])
    assert os.get_blocking(a.fileno()) and not os.get_blocking(c.fileno())
    for s in (a, b, c, d):
        s.close()


def test_end_of_stream_completes_with_zero_bytes():
    a, b = socket.socketpair()
    ol = event_ol()
    buf = f.AllocateReadBuffer(8)
    f.WSARecv(a, buf, ol, 0)
    b.close()
    assert completed(ol)
    assert f.GetOverlappedResult(a.fileno(), ol, True) == 0
    a.close()


def test_zero_byte_receive_waits_without_taking_data():
    a, b = socket.socketpair()
    ol = event_ol()
    assert f.WSARecv(a, bytearray(0), ol, 0) == (ERROR_IO_PENDING, 0)
    b.sendall(b"kept")
    assert completed(ol)
    assert f.GetOverlappedResult(a.fileno(), ol, True) == 0
    assert a.recv(10) == b"kept"
    a.close(), b.close()


def test_peek_leaves_the_data():
    a, b = socket.socketpair()
    b.sendall(b"peek")
    buf = bytearray(8)
    assert f.WSARecv(a, buf, event_ol(), socket.MSG_PEEK) == (0, 4)
    assert a.recv(8) == b"peek"
    a.close(), b.close()


def test_synchronous_without_overlapped():
    a, b = socket.socketpair()
    assert f.WSASend(a, b"plain", None, 0) == (0, 5)
    buf = bytearray(8)
    assert f.WSARecv(b, buf, None, 0) == (0, 5)
    assert bytes(buf[:5]) == b"plain"
    a.close(), b.close()


def test_large_sends_keep_their_order():
    a, b = socket.socketpair()
    a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    chunks = [bytes([i]) * 200_000 for i in range(1, 5)]
    ols = [event_ol() for _ in chunks]
    for c, ol in zip(chunks, ols):
        assert f.WSASend(a, c, ol, 0)[0] in (0, ERROR_IO_PENDING)
    got = bytearray()
    b.settimeout(LONG / 1000)
    while len(got) < sum(map(len, chunks)):
        got += b.recv(65536)
    assert bytes(got) == b"".join(chunks)
    for c, ol in zip(chunks, ols):
        assert completed(ol) and f.GetOverlappedResult(a.fileno(), ol, True) == len(c)
    a.close(), b.close()


def test_many_pending_receives_hold_no_thread_each():
    pairs = [socket.socketpair() for _ in range(300)]
    port = new_port()
    threads_before = len(os.listdir("/proc/self/task"))
    keep = []
    for i, (a, _) in enumerate(pairs):
        f.CreateIoCompletionPort(a.fileno(), port, i, 0)
        buf = f.AllocateReadBuffer(4)
        ol = pywintypes.OVERLAPPED()
        assert f.WSARecv(a, buf, ol, 0)[0] == ERROR_IO_PENDING
        keep.append((buf, ol))
    assert len(os.listdir("/proc/self/task")) <= threads_before + 2
    for _, b in pairs:
        b.sendall(b"ping")
    keys = set()
    for _ in pairs:
        rc, n, key, _ol = dequeue(port)
        assert (rc, n) == (0, 4)
        keys.add(key)
    assert keys == set(range(len(pairs)))
    assert all(bytes(buf) == b"ping" for buf, _ in keep)
    for a, b in pairs:
        a.close(), b.close()


# --- cancellation and closing ----------------------------------------------------


def test_cancel_io_aborts_a_pending_receive():
    port = new_port()
    a, b = socket.socketpair()
    f.CreateIoCompletionPort(a.fileno(), port, 5, 0)
    ol = pywintypes.OVERLAPPED()
    f.WSARecv(a, f.AllocateReadBuffer(8), ol, 0)
    f.CancelIo(a.fileno())
    rc, n, key, got = dequeue(port)
    assert (rc, n, key, got) == (ERROR_OPERATION_ABORTED, 0, 5, ol)
    with pytest.raises(pywintypes.error) as e:
        f.GetOverlappedResult(a.fileno(), ol, True)
    assert_winerror(e, ERROR_OPERATION_ABORTED)
    # The socket still works, and the data sent after is not lost.
    b.sendall(b"after")
    assert a.recv(8) == b"after"
    a.close(), b.close()


def test_cancel_io_ex_aborts_only_the_one_given():
    a, b = socket.socketpair()
    ol_recv, ol_send_side = event_ol(), event_ol()
    buf = f.AllocateReadBuffer(8)
    f.WSARecv(a, buf, ol_recv, 0)
    c, d = socket.socketpair()
    f.WSARecv(c, f.AllocateReadBuffer(8), ol_send_side, 0)
    f.CancelIoEx(a.fileno(), ol_recv)
    assert completed(ol_recv)
    assert win32event.WaitForSingleObject(ol_send_side.hEvent, 0) == WAIT_TIMEOUT
    d.sendall(b"z")
    assert completed(ol_send_side)
    with pytest.raises(pywintypes.error) as e:
        f.GetOverlappedResult(a.fileno(), ol_recv, True)
    assert_winerror(e, ERROR_OPERATION_ABORTED)
    for s in (a, b, c, d):
        s.close()


def test_closing_the_socket_aborts_its_pending_receive():
    port = new_port()
    a, b = socket.socketpair()
    f.CreateIoCompletionPort(a.fileno(), port, 8, 0)
    ol = pywintypes.OVERLAPPED()
    f.WSARecv(a, f.AllocateReadBuffer(8), ol, 0)
    a.close()
    rc, n, key, got = dequeue(port)
    assert (rc, key, got) == (ERROR_OPERATION_ABORTED, 8, ol)
    # The peer sees the socket closed: nothing keeps it open.
    b.settimeout(LONG / 1000)
    assert b.recv(8) == b""
    b.close()


def test_reset_by_peer_while_pending_and_at_once():
    a, b = socket.socketpair()
    lst = listener()
    c = socket.create_connection(lst.getsockname())
    s, _ = lst.accept()
    ol = event_ol()
    f.WSARecv(s, f.AllocateReadBuffer(8), ol, 0)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    c.close()  # an abortive close: the peer gets a reset
    assert completed(ol)
    with pytest.raises(pywintypes.error) as e:
        f.GetOverlappedResult(s.fileno(), ol, True)
    assert_winerror(e, ERROR_NETNAME_DELETED)
    s.close()
    # At once: the call itself fails with WSAECONNRESET.
    c = socket.create_connection(lst.getsockname())
    s, _ = lst.accept()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    c.close()
    s.settimeout(LONG / 1000)
    import select
    select.select([s], [], [], LONG / 1000)
    with pytest.raises(pywintypes.error) as e:
        f.WSARecv(s, f.AllocateReadBuffer(8), event_ol(), 0)
    assert_winerror(e, 10054, "WSARecv")
    for x in (s, lst, a, b):
        x.close()


# --- AcceptEx / GetAcceptExSockaddrs -----------------------------------------------


def test_accept_ex_without_data_then_addresses():
    port = new_port()
    lst = listener()
    f.CreateIoCompletionPort(lst.fileno(), port, 1, 0)
    acc = socket.socket()
    size = f.CalculateSocketEndPointSize(lst)
    assert size == 16 + 16
    buf = f.AllocateReadBuffer(2 * size)
    ol = pywintypes.OVERLAPPED()
    assert f.AcceptEx(lst, acc, buf, ol) == ERROR_IO_PENDING
    c = socket.create_connection(lst.getsockname())
    rc, n, key, got = dequeue(port)
    assert (rc, n, key, got) == (0, 0, 1, ol)
    family, local, remote = f.GetAcceptExSockaddrs(acc, buf)
    assert family == socket.AF_INET
    assert local == acc.getsockname() == c.getpeername()
    assert remote == acc.getpeername() == c.getsockname()
    acc.sendall(b"hi")
    c.settimeout(LONG / 1000)
    assert c.recv(4) == b"hi"
    for s in (c, acc, lst):
        s.close()


def test_accept_ex_with_first_data():
    lst = listener()
    acc = socket.socket()
    size = f.CalculateSocketEndPointSize(lst)
    buf = f.AllocateReadBuffer(100 + 2 * size)
    ol = event_ol()
    assert f.AcceptEx(lst, acc, buf, ol) == ERROR_IO_PENDING
    c = socket.create_connection(lst.getsockname())
    c.sendall(b"first words")
    assert completed(ol)
    n = f.GetOverlappedResult(lst.fileno(), ol, True)
    assert n == len(b"first words") and bytes(buf[:n]) == b"first words"
    assert f.GetAcceptExSockaddrs(acc, buf)[1:] == (acc.getsockname(), acc.getpeername())
    for s in (c, acc, lst):
        s.close()


def test_accept_ex_waits_for_data_when_it_has_room():
    lst = listener()
    acc = socket.socket()
    buf = f.AllocateReadBuffer(10 + 2 * f.CalculateSocketEndPointSize(lst))
    ol = event_ol()
    f.AcceptEx(lst, acc, buf, ol)
    c = socket.create_connection(lst.getsockname())
    # Connected, but no data yet: the accept socket is connected, the operation still pending.
    assert win32event.WaitForSingleObject(ol.hEvent, 300) == WAIT_TIMEOUT
    c.close()  # closed without data: completes with no bytes
    assert completed(ol)
    assert f.GetOverlappedResult(lst.fileno(), ol, True) == 0
    acc.close(), lst.close()


def test_accept_ex_ipv6_addresses():
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    lst = socket.socket(socket.AF_INET6)
    try:
        lst.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback")
    lst.listen(1)
    acc = socket.socket(socket.AF_INET6)
    size = f.CalculateSocketEndPointSize(acc)
    assert size == 28 + 16
    buf = f.AllocateReadBuffer(2 * size)
    ol = event_ol()
    f.AcceptEx(lst, acc, buf, ol)
    c = socket.create_connection(lst.getsockname()[:2])
    assert completed(ol)
    family, local, remote = f.GetAcceptExSockaddrs(acc, buf)
    assert family == socket.AF_INET6
    assert local == acc.getsockname() and remote == acc.getpeername()
    for s in (c, acc, lst):
        s.close()


# --- ConnectEx ---------------------------------------------------------------------


def test_connect_ex_then_send_buffer():
    lst = listener()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    ol = event_ol()
    rc, n = f.ConnectEx(s, lst.getsockname(), ol, b"hello there")
    assert rc in (0, ERROR_IO_PENDING)
    assert completed(ol)
    assert f.GetOverlappedResult(s.fileno(), ol, True) == len(b"hello there")
    peer, addr = lst.accept()
    assert addr == s.getsockname()
    peer.settimeout(LONG / 1000)
    got = b""
    while len(got) < 11:
        got += peer.recv(64)
    assert got == b"hello there"
    for x in (peer, s, lst):
        x.close()


def test_connect_ex_refused_reports_through_the_completion():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    target = probe.getsockname()
    probe.close()
    port = new_port()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    f.CreateIoCompletionPort(s.fileno(), port, 4, 0)
    ol = pywintypes.OVERLAPPED()
    assert f.ConnectEx(s, target, ol)[0] == ERROR_IO_PENDING
    rc, n, key, got = dequeue(port)
    assert (rc, key, got) == (ERROR_CONNECTION_REFUSED, 4, ol)
    with pytest.raises(pywintypes.error) as e:
        f.GetOverlappedResult(s.fileno(), ol, True)
    assert_winerror(e, ERROR_CONNECTION_REFUSED)
    s.close()


# --- TransmitFile -------------------------------------------------------------------


def test_transmit_file_with_head_and_tail(tmp_path):
    path = tmp_path / "payload.bin"
    data = bytes(range(256)) * 4000
    path.write_bytes(data)
    h = f.CreateFile(str(path), f.GENERIC_READ, 0, None, f.OPEN_EXISTING, 0, None)
    lst = listener()
    c = socket.create_connection(lst.getsockname())
    s, _ = lst.accept()
    ol = event_ol()
    got = bytearray()

    def drain():
        c.settimeout(LONG / 1000)
        while True:
            chunk = c.recv(65536)
            if not chunk:
                return
            got.extend(chunk)

    t = threading.Thread(target=drain)
    t.start()
    rc = f.TransmitFile(s, h, 0, 4096, ol, f.TF_DISCONNECT, b"HEAD", b"TAIL")
    assert rc in (0, ERROR_IO_PENDING)
    assert completed(ol)
    assert f.GetOverlappedResult(s.fileno(), ol, True) == len(data) + 8
    t.join(LONG / 1000)
    assert not t.is_alive()
    assert bytes(got) == b"HEAD" + data + b"TAIL"
    h.Close()
    for x in (c, s, lst):
        x.close()


def test_transmit_file_part_from_the_overlapped_offset(tmp_path):
    path = tmp_path / "part.bin"
    path.write_bytes(b"0123456789abcdef")
    h = f.CreateFile(str(path), f.GENERIC_READ, 0, None, f.OPEN_EXISTING, 0, None)
    a, b = socket.socketpair()
    ol = event_ol()
    ol.Offset = 4
    f.TransmitFile(a, h, 6, 0, ol, 0)
    assert completed(ol)
    assert f.GetOverlappedResult(a.fileno(), ol, True) == 6
    assert b.recv(16) == b"456789"
    # No OVERLAPPED: from the file pointer, which moves on.
    f.SetFilePointer(h, 10, f.FILE_BEGIN)
    assert f.TransmitFile(a, h, 0, 0, None, 0, None, b"!") == 0
    assert b.recv(16) == b"abcdef!"
    h.Close()
    a.close(), b.close()


# --- an IOCP echo server with clients in other processes ------------------------------

CLIENT = """
import socket, sys
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = socket.create_connection((host, port), timeout=30)
for i in range(n):
    msg = ("message %d from %s" % (i, sys.argv[4])).encode()
    s.sendall(msg)
    got = b""
    while len(got) < len(msg):
        chunk = s.recv(4096)
        if not chunk:
            sys.exit("closed early")
        got += chunk
    assert got == msg, (got, msg)
s.close()
print("ok")
"""


IOCP_CLIENT = """
import socket, sys
import pywintypes, win32file as f
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cp = f.CreateIoCompletionPort(-1, None, 0, 0)
s = socket.socket()
s.bind(("127.0.0.1", 0))
f.CreateIoCompletionPort(s.fileno(), cp, 1, 0)
ol = pywintypes.OVERLAPPED()
first = b"hello from ConnectEx"
f.ConnectEx(s, (host, port), ol, first)
rc, sent, key, got = f.GetQueuedCompletionStatus(cp, 15000)
assert (rc, sent, got) == (0, len(first), ol), (rc, sent, got)
buf = f.AllocateReadBuffer(4096)
def echo_of(length):
    data = b""
    while len(data) < length:
        rol = pywintypes.OVERLAPPED()
        f.WSARecv(s, buf, rol, 0)
        rc, k, key, got = f.GetQueuedCompletionStatus(cp, 15000)
        while got is not rol:  # a send's packet
            assert got is not None and rc == 0, rc
            rc, k, key, got = f.GetQueuedCompletionStatus(cp, 15000)
        assert rc == 0 and k > 0, (rc, k)
        data += bytes(buf[:k])
    return data
assert echo_of(len(first)) == first
for i in range(n):
    msg = ("overlapped %d" % i).encode()
    f.WSASend(s, msg, pywintypes.OVERLAPPED(), 0)
    assert echo_of(len(msg)) == msg
s.close()
print("ok")
"""


def test_iocp_echo_server_with_clients_in_other_processes():
    clients, rounds = 4, 25
    lst = listener()
    port = new_port()
    LISTEN_KEY = 0
    f.CreateIoCompletionPort(lst.fileno(), port, LISTEN_KEY, 0)
    size = f.CalculateSocketEndPointSize(lst)
    conns = {}  # key -> [socket, buffer, recv ol, send ol]

    def post_accept():
        acc = socket.socket()
        buf = f.AllocateReadBuffer(2 * size)
        ol = pywintypes.OVERLAPPED()
        ol.object = (acc, buf)
        f.AcceptEx(lst, acc, buf, ol)
        return ol

    pending_accept = post_accept()
    procs = [popen_py(CLIENT, "127.0.0.1", lst.getsockname()[1], rounds, i) for i in range(clients - 1)]
    procs.append(popen_py(IOCP_CLIENT, "127.0.0.1", lst.getsockname()[1], rounds))
    closed = 0
    next_key = 1
    try:
        while closed < clients:
            rc, n, key, ol = f.GetQueuedCompletionStatus(port, LONG)
            assert ol is not None, "server stalled"
            if key == LISTEN_KEY:
                assert rc == 0
                acc, _buf = ol.object
                k = next_key
                next_key += 1
                f.CreateIoCompletionPort(acc.fileno(), port, k, 0)
                rbuf = f.AllocateReadBuffer(4096)
                rol = pywintypes.OVERLAPPED()
                rol.object = "recv"
                conns[k] = [acc, rbuf, rol]
                f.WSARecv(acc, rbuf, rol, 0)
                pending_accept = post_accept()
                continue
            acc, rbuf, rol = conns[key]
            if ol.object == "recv":
                if rc != 0 or n == 0:
                    acc.close()
                    closed += 1
                    continue
                sol = pywintypes.OVERLAPPED()
                sol.object = "send"
                f.WSASend(acc, bytes(rbuf[:n]), sol, 0)
                f.WSARecv(acc, rbuf, rol, 0)
            else:
                assert rc == 0
        for p in procs:
            code, out, err = finish(p)
            assert code == 0 and out.strip() == "ok", err
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        f.CancelIo(lst.fileno())
        rc, n, key, ol = dequeue(port)
        assert (rc, key, ol) == (ERROR_OPERATION_ABORTED, LISTEN_KEY, pending_accept)
        lst.close()


# --- ReadFile / WriteFile on a socket's handle ------------------------------------------


def test_a_socket_descriptor_is_a_handle_once_the_socket_is_known():
    a, b = socket.socketpair()
    # Never used here: its number is not taken for a handle (a stale or
    # forged handle value must stay invalid).
    with pytest.raises(pywintypes.error) as e:
        f.ReadFile(a.fileno(), 8)
    assert_winerror(e, 6)
    with pytest.raises(pywintypes.error) as e:
        f.GetFileType(a.fileno())
    assert_winerror(e, 6)
    port = new_port()
    f.CreateIoCompletionPort(a.fileno(), port, 1, 0)
    assert f.GetFileType(a.fileno()) == f.FILE_TYPE_PIPE
    # Closed and the number reused by another socket: unknown again.
    fd = a.fileno()
    a.close()
    c = socket.socket()
    if c.fileno() == fd:
        with pytest.raises(pywintypes.error) as e:
            f.GetFileType(fd)
        assert_winerror(e, 6)
    c.close(), b.close()


def test_read_and_write_file_on_a_socket():
    a, b = socket.socketpair()
    f.CreateIoCompletionPort(a.fileno(), new_port(), 0, 0)
    assert f.WriteFile(a.fileno(), b"abc") == (0, 3)
    assert b.recv(8) == b"abc"
    b.sendall(b"xyz")
    assert f.ReadFile(a.fileno(), 8) == (0, b"xyz")
    ol = event_ol()
    buf = f.AllocateReadBuffer(8)
    assert f.ReadFile(a.fileno(), buf, ol)[0] == ERROR_IO_PENDING
    b.sendall(b"ov")
    assert completed(ol)
    assert f.GetOverlappedResult(a.fileno(), ol, True) == 2 and bytes(buf[:2]) == b"ov"
    # Closing the socket ends a pending ReadFile too.
    ol2 = event_ol()
    f.ReadFile(a.fileno(), buf, ol2)
    fd = a.fileno()
    a.close()
    assert completed(ol2)
    assert ol2.Internal == ERROR_OPERATION_ABORTED
    b.close()
    del fd


def test_many_cancelled_receives_leak_no_descriptor_or_thread():
    a, b = socket.socketpair()
    port = new_port()
    f.CreateIoCompletionPort(a.fileno(), port, 2, 0)
    buf = f.AllocateReadBuffer(8)
    ol = pywintypes.OVERLAPPED()

    def cycle():
        assert f.WSARecv(a, buf, ol, 0)[0] == ERROR_IO_PENDING
        f.CancelIo(a.fileno())
        assert dequeue(port)[0] == ERROR_OPERATION_ABORTED

    cycle()  # the reactor thread is up from here
    fds = len(os.listdir("/proc/self/fd"))
    threads = len(os.listdir("/proc/self/task"))
    for _ in range(2000):
        cycle()
    assert len(os.listdir("/proc/self/fd")) <= fds
    assert len(os.listdir("/proc/self/task")) <= threads
    b.sendall(b"still")
    assert a.recv(8) == b"still"
    a.close(), b.close()
