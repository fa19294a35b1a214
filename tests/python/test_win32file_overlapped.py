"""win32file's overlapped I/O: ReadFile/WriteFile with an OVERLAPPED and its
event, GetOverlappedResult(Ex), CancelIo(Ex), completion ports,
AllocateReadBuffer, and closing a handle with I/O in flight."""
import os
import threading

import pytest

import pywintypes
import win32event
import win32file as f
import winerror

from pywin32_posix._w32 import _diagnostics  # noqa: F401  (the package imports cleanly)

RW = f.GENERIC_READ | f.GENERIC_WRITE


def winerr(e):
    return e.value.winerror


@pytest.fixture
def data_file(tmp_path):
    p = str(tmp_path / "ov.bin")
    data = bytes(range(256)) * 64  # 16 KiB
    with open(p, "wb") as fp:
        fp.write(data)
    return p, data


def open_ov(path, access=RW):
    return f.CreateFile(path, access, 7, None, f.OPEN_EXISTING, f.FILE_FLAG_OVERLAPPED, None)


def test_overlapped_read_with_event(data_file):
    path, data = data_file
    h = open_ov(path)
    ov = pywintypes.OVERLAPPED()
    ov.hEvent = win32event.CreateEvent(None, True, True, None)  # set: the read resets it
    ov.Offset = 100
    rc, buf = f.ReadFile(h, 50, ov)
    assert rc == winerror.ERROR_IO_PENDING
    assert isinstance(buf, bytearray) and len(buf) == 50
    assert win32event.WaitForSingleObject(ov.hEvent, 10000) == win32event.WAIT_OBJECT_0
    assert f.GetOverlappedResult(h, ov, False) == 50
    assert bytes(buf) == data[100:150]
    assert ov.Internal == 0 and ov.InternalHigh == 50
    h.Close()


def test_read_into_the_callers_buffer_and_memoryview(data_file):
    path, data = data_file
    h = open_ov(path)
    ov = pywintypes.OVERLAPPED()
    buf = f.AllocateReadBuffer(32)
    assert bytes(buf) == bytes(32)
    rc, same = f.ReadFile(h, buf, ov)
    assert same is buf
    assert f.GetOverlappedResult(h, ov, True) == 32
    assert bytes(buf) == data[:32]
    target = bytearray(64)
    ov2 = pywintypes.OVERLAPPED()
    ov2.Offset = 8
    f.ReadFile(h, memoryview(target)[16:48], ov2)
    assert f.GetOverlappedResult(h, ov2, True) == 32
    assert bytes(target[16:48]) == data[8:40] and bytes(target[:16]) == bytes(16)
    h.Close()


def test_overlapped_write_then_read_back(tmp_path):
    p = str(tmp_path / "w.bin")
    h = f.CreateFile(p, RW, 0, None, f.CREATE_ALWAYS, f.FILE_FLAG_OVERLAPPED, None)
    ov = pywintypes.OVERLAPPED()
    ov.Offset = 10
    rc, n = f.WriteFile(h, b"written later", ov)
    assert rc == winerror.ERROR_IO_PENDING
    assert f.GetOverlappedResult(h, ov, True) == 13
    h.Close()
    assert open(p, "rb").read() == b"\0" * 10 + b"written later"


def test_read_at_end_of_file_is_handle_eof(data_file):
    path, data = data_file
    h = open_ov(path)
    ov = pywintypes.OVERLAPPED()
    ov.Offset = len(data) + 10
    f.ReadFile(h, 10, ov)
    with pytest.raises(pywintypes.error) as e:
        f.GetOverlappedResult(h, ov, True)
    assert winerr(e) == winerror.ERROR_HANDLE_EOF
    h.Close()


def test_large_offset_uses_offset_high(tmp_path):
    p = str(tmp_path / "sparse.bin")
    h = f.CreateFile(p, RW, 0, None, f.CREATE_ALWAYS, f.FILE_FLAG_OVERLAPPED, None)
    ov = pywintypes.OVERLAPPED()
    ov.OffsetHigh = 1  # 4 GiB
    f.WriteFile(h, b"far", ov)
    assert f.GetOverlappedResult(h, ov, True) == 3
    assert f.GetFileSize(h) == (1 << 32) + 3
    h.Close()


def test_completion_port(data_file):
    path, data = data_file
    h = open_ov(path)
    port = f.CreateIoCompletionPort(h, None, 42, 0)
    ovs = []
    for i in range(8):
        ov = pywintypes.OVERLAPPED()
        ov.Offset = i * 1000
        ov.object = i
        f.ReadFile(h, 100, ov)
        ovs.append(ov)
    seen = set()
    for _ in range(8):
        rc, n, key, ov = f.GetQueuedCompletionStatus(port, 10000)
        assert (rc, n, key) == (0, 100, 42)
        assert ov in ovs  # the very object passed to ReadFile
        seen.add(ov.object)
    assert seen == set(range(8))
    assert f.GetQueuedCompletionStatus(port, 10) == (win32event.WAIT_TIMEOUT, 0, 0, None)
    h.Close()
    port.Close()


def test_post_queued_completion_status_and_ex():
    port = f.CreateIoCompletionPort(f.INVALID_HANDLE_VALUE, None, 0, 0)
    ov = pywintypes.OVERLAPPED()
    f.PostQueuedCompletionStatus(port, 5, 9, ov)
    f.PostQueuedCompletionStatus(port, 6, 10, None)
    rc, n, key, got = f.GetQueuedCompletionStatus(port, 1000)
    assert (rc, n, key) == (0, 5, 9) and got is ov
    assert f.GetQueuedCompletionStatusEx(port, 4, 1000) == [(0, 6, 10, None)]
    with pytest.raises(pywintypes.error) as e:
        f.GetQueuedCompletionStatusEx(port, 4, 0)
    assert winerr(e) == win32event.WAIT_TIMEOUT
    port.Close()


def test_completion_port_waiter_in_another_thread():
    port = f.CreateIoCompletionPort(f.INVALID_HANDLE_VALUE, None, 0, 0)
    got = []
    t = threading.Thread(target=lambda: got.append(f.GetQueuedCompletionStatus(port, 10000)))
    t.start()
    f.PostQueuedCompletionStatus(port, 1, 2, None)
    t.join(15)
    assert got == [(0, 1, 2, None)]
    port.Close()


def test_a_port_closed_with_undelivered_packets_releases_them():
    import sys

    port = f.CreateIoCompletionPort(f.INVALID_HANDLE_VALUE, None, 0, 0)
    ov = pywintypes.OVERLAPPED()
    before = sys.getrefcount(ov)
    f.PostQueuedCompletionStatus(port, 0, 0, ov)
    assert sys.getrefcount(ov) == before + 1
    port.Close()
    assert sys.getrefcount(ov) == before


def test_pending_operation_on_a_pipe_is_cancelled():
    # A pipe read waits for data: CancelIo ends it with ERROR_OPERATION_ABORTED.
    import win32pipe

    r, w = win32pipe.CreatePipe(None, 0)
    ov = pywintypes.OVERLAPPED()
    ov.hEvent = win32event.CreateEvent(None, True, False, None)
    f.ReadFile(r, 10, ov)
    with pytest.raises(pywintypes.error) as e:
        f.GetOverlappedResult(r, ov, False)
    assert winerr(e) == winerror.ERROR_IO_INCOMPLETE
    with pytest.raises(pywintypes.error) as e:
        f.GetOverlappedResultEx(r, ov, 20, False)
    assert winerr(e) == win32event.WAIT_TIMEOUT
    f.CancelIo(r)
    assert win32event.WaitForSingleObject(ov.hEvent, 10000) == win32event.WAIT_OBJECT_0
    with pytest.raises(pywintypes.error) as e:
        f.GetOverlappedResult(r, ov, True)
    assert winerr(e) == winerror.ERROR_OPERATION_ABORTED
    # CancelIoEx with nothing pending: ERROR_NOT_FOUND.
    with pytest.raises(pywintypes.error) as e:
        f.CancelIoEx(r, None)
    assert winerr(e) == winerror.ERROR_NOT_FOUND
    # A read the other end answers completes with the data.
    ov2 = pywintypes.OVERLAPPED()
    rc, buf = f.ReadFile(r, 10, ov2)
    f.WriteFile(w, b"hi")
    assert f.GetOverlappedResult(r, ov2, True) == 2 and bytes(buf[:2]) == b"hi"
    r.Close()
    w.Close()


def test_closing_a_handle_with_io_in_flight_cancels_it():
    import win32pipe

    r, w = win32pipe.CreatePipe(None, 0)
    port = f.CreateIoCompletionPort(r, None, 1, 0)
    ov = pywintypes.OVERLAPPED()
    f.ReadFile(r, 10, ov)
    r.Close()
    rc, n, key, got = f.GetQueuedCompletionStatus(port, 10000)
    assert rc == winerror.ERROR_OPERATION_ABORTED and got is ov
    w.Close()
    port.Close()


def test_reusing_a_busy_overlapped_is_refused():
    import win32pipe

    r, w = win32pipe.CreatePipe(None, 0)
    ov = pywintypes.OVERLAPPED()
    f.ReadFile(r, 10, ov)
    with pytest.raises(pywintypes.error) as e:
        f.ReadFile(r, 10, ov)
    assert winerr(e) == winerror.ERROR_INVALID_PARAMETER
    f.CancelIoEx(r, ov)
    with pytest.raises(pywintypes.error):
        f.GetOverlappedResult(r, ov, True)
    r.Close()
    w.Close()


def test_bad_overlapped_arguments(data_file):
    path, _ = data_file
    h = open_ov(path, f.GENERIC_READ)
    with pytest.raises(TypeError):
        f.ReadFile(h, 10, "not an overlapped")
    with pytest.raises(pywintypes.error) as e:
        f.WriteFile(h, b"x", pywintypes.OVERLAPPED())
    assert winerr(e) == winerror.ERROR_ACCESS_DENIED
    with pytest.raises(pywintypes.error) as e:
        f.GetQueuedCompletionStatus(h, 0)
    assert winerr(e) == winerror.ERROR_INVALID_HANDLE
    h.Close()


def test_many_reads_and_cancellations_leak_no_threads_or_fds(data_file):
    path, data = data_file
    h = open_ov(path)
    port = f.CreateIoCompletionPort(h, None, 0, 0)
    fds_before = len(os.listdir("/proc/self/fd"))
    threads_before = len(os.listdir("/proc/self/task"))
    done = 0
    for i in range(10000):
        ov = pywintypes.OVERLAPPED()
        ov.Offset = (i * 97) % len(data)
        f.ReadFile(h, 64, ov)
        if i % 3 == 0:
            try:
                f.CancelIoEx(h, ov)
            except pywintypes.error as e:
                assert e.winerror == winerror.ERROR_NOT_FOUND  # already done
        if i % 64 == 63:
            while True:
                rc, n, key, got = f.GetQueuedCompletionStatus(port, 0 if done == i + 1 else 10000)
                if got is None:
                    break
                assert rc in (0, winerror.ERROR_OPERATION_ABORTED)
                done += 1
                if done == i + 1:
                    break
    while done < 10000:
        rc, n, key, got = f.GetQueuedCompletionStatus(port, 10000)
        assert got is not None
        done += 1
    h.Close()
    port.Close()
    assert len(os.listdir("/proc/self/fd")) <= fds_before
    # File requests run on a small fixed pool: it never grows per request.
    assert len(os.listdir("/proc/self/task")) <= threads_before + 8


def test_an_overlapped_dropped_with_its_read_pending_cancels_it():
    import gc

    import win32pipe

    r, w = win32pipe.CreatePipe(None, 0)
    for _ in range(20):
        ov = pywintypes.OVERLAPPED()
        f.ReadFile(r, 10, ov)
        del ov  # the read is cancelled and waited for: nothing writes into freed memory
        gc.collect()
    f.WriteFile(w, b"after")
    assert f.ReadFile(r, 10) == (0, b"after")  # no cancelled read took the data
    r.Close()
    w.Close()


def test_ctrl_c_interrupts_a_completion_port_wait(run_py):
    code = """
import os, signal, threading, time, win32file
port = win32file.CreateIoCompletionPort(win32file.INVALID_HANDLE_VALUE, None, 0, 0)
threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
try:
    win32file.GetQueuedCompletionStatus(port, -1)
except KeyboardInterrupt:
    print("interrupted")
"""
    r = run_py(code, timeout=30)
    assert r.stdout.strip() == "interrupted", r.stderr
