"""Serial port functions on a pseudo-terminal: the DCB on termios,
COMMTIMEOUTS followed by ReadFile, purges, and what a pty lacks."""
import os
import termios
import time

import pytest

import pywintypes
import win32file as f
import winerror


@pytest.fixture
def port():
    master, slave = os.openpty()
    name = os.ttyname(slave)
    h = f.CreateFile(name, f.GENERIC_READ | f.GENERIC_WRITE, 0, None, f.OPEN_EXISTING, 0, None)
    yield h, master, slave
    h.Close()
    os.close(master)
    os.close(slave)


def test_dcb_round_trip(port):
    h, master, slave = port
    dcb = f.DCB()
    assert (dcb.BaudRate, dcb.ByteSize, dcb.Parity, dcb.StopBits) == (9600, 8, f.NOPARITY, f.ONESTOPBIT)
    dcb.BaudRate = 115200
    dcb.ByteSize = 7
    dcb.Parity = f.EVENPARITY
    dcb.StopBits = f.TWOSTOPBITS
    dcb.fRtsControl = f.RTS_CONTROL_HANDSHAKE
    f.SetCommState(h, dcb)
    got = f.GetCommState(h)
    # A pty keeps the speed, the stop bits and the flow control it is given;
    # it forces 8 bits without parity (a UART would keep them too).
    assert (got.BaudRate, got.StopBits) == (115200, f.TWOSTOPBITS)
    assert got.fOutxCtsFlow and got.fRtsControl == f.RTS_CONTROL_HANDSHAKE
    attrs = termios.tcgetattr(slave)
    assert attrs[4] == termios.B115200 and attrs[2] & termios.CSTOPB and attrs[2] & termios.CRTSCTS
    assert not attrs[3] & termios.ICANON  # raw mode: bytes as they come
    dcb.BaudRate = 12345
    with pytest.raises(pywintypes.error) as e:
        f.SetCommState(h, dcb)
    assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    dcb.BaudRate, dcb.ByteSize = 9600, 9
    with pytest.raises(pywintypes.error) as e:
        f.SetCommState(h, dcb)
    assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER


def test_read_follows_comm_timeouts(port):
    h, master, slave = port
    f.SetCommState(h, f.DCB())  # raw mode
    assert f.GetCommTimeouts(h) == (0, 0, 0, 0, 0)
    # MAXDWORD interval, no totals: return at once with what is there.
    f.SetCommTimeouts(h, (0xFFFFFFFF, 0, 0, 0, 0))
    assert f.ReadFile(h, 10) == (0, b"")
    os.write(master, b"abc")
    time.sleep(0.05)
    assert f.ReadFile(h, 10) == (0, b"abc")
    # A total timeout: what came in time, then return.
    f.SetCommTimeouts(h, (0, 0, 100, 0, 0))
    os.write(master, b"xy")
    t0 = time.monotonic()
    assert f.ReadFile(h, 10) == (0, b"xy")
    assert time.monotonic() - t0 >= 0.05  # it waited for more, as Windows does
    assert f.GetCommTimeouts(h) == (0, 0, 100, 0, 0)
    with pytest.raises(TypeError):
        f.SetCommTimeouts(h, (1, 2))


def test_purge_clear_error_and_transmit(port):
    h, master, slave = port
    f.SetCommState(h, f.DCB())
    os.write(master, b"stale")
    time.sleep(0.05)
    errors, stat = f.ClearCommError(h)
    assert errors == 0 and stat.cbInQue == 5
    f.PurgeComm(h, f.PURGE_RXCLEAR | f.PURGE_RXABORT)
    assert f.ClearCommError(h)[1].cbInQue == 0
    f.TransmitCommChar(h, "Z")
    assert os.read(master, 1) == b"Z"
    f.SetupComm(h, 4096, 4096)
    with pytest.raises(pywintypes.error) as e:
        f.PurgeComm(h, 0x100)
    assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER


def test_what_a_pty_or_a_file_lacks(port, tmp_path):
    h, master, slave = port
    with pytest.raises(pywintypes.error) as e:
        f.GetCommModemStatus(h)
    assert e.value.winerror == winerror.ERROR_NOT_SUPPORTED
    with pytest.raises(pywintypes.error) as e:
        f.EscapeCommFunction(h, f.SETDTR)
    assert e.value.winerror == winerror.ERROR_NOT_SUPPORTED
    with pytest.raises(pywintypes.error) as e:
        f.EscapeCommFunction(h, 77)
    assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    (tmp_path / "plain").write_bytes(b"")
    plain = f.CreateFile(str(tmp_path / "plain"), f.GENERIC_READ, 7, None, f.OPEN_EXISTING, 0, None)
    with pytest.raises(pywintypes.error) as e:
        f.GetCommState(plain)
    assert e.value.winerror == winerror.ERROR_INVALID_FUNCTION
    plain.Close()


def test_build_comm_dcb():
    dcb = f.BuildCommDCB("COM1: baud=19200 parity=E data=7 stop=2 xon=on rts=hs", f.DCB())
    assert (dcb.BaudRate, dcb.Parity, dcb.ByteSize, dcb.StopBits) == (19200, f.EVENPARITY, 7, f.TWOSTOPBITS)
    assert dcb.fOutX and dcb.fInX and dcb.fRtsControl == f.RTS_CONTROL_HANDSHAKE and dcb.fParity
    dcb = f.BuildCommDCB("9600,n,8,1", f.DCB())
    assert (dcb.BaudRate, dcb.Parity, dcb.ByteSize, dcb.StopBits) == (9600, f.NOPARITY, 8, f.ONESTOPBIT)
    for bad in ("baud=fast", "parity=Q", "colour=red", "9600,z,8,1", ""):
        with pytest.raises(pywintypes.error) as e:
            f.BuildCommDCB(bad, f.DCB())
        assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    with pytest.raises(TypeError):
        f.BuildCommDCB(5, f.DCB())


def test_wait_comm_event(port):
    import win32event

    h, master, slave = port
    f.SetCommState(h, f.DCB())
    with pytest.raises(pywintypes.error) as e:
        f.WaitCommEvent(h, None)  # no mask: nothing to wait for
    assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    f.SetCommMask(h, f.EV_RXCHAR)
    assert f.GetCommMask(h) == f.EV_RXCHAR
    ov = pywintypes.OVERLAPPED()
    ov.hEvent = win32event.CreateEvent(None, True, False, None)
    assert f.WaitCommEvent(h, ov) == (winerror.ERROR_IO_PENDING, 0)
    assert win32event.WaitForSingleObject(ov.hEvent, 50) == win32event.WAIT_TIMEOUT
    os.write(master, b"!")
    assert win32event.WaitForSingleObject(ov.hEvent, 10000) == win32event.WAIT_OBJECT_0
    assert ov.dword == f.EV_RXCHAR
    assert f.WaitCommEvent(h, None) == (0, f.EV_RXCHAR)  # the byte still waits
    assert f.ReadFile(h, 1) == (0, b"!")
    # A new mask ends a pending wait with 0.
    ov2 = pywintypes.OVERLAPPED()
    f.WaitCommEvent(h, ov2)
    f.SetCommMask(h, f.EV_RXCHAR | f.EV_TXEMPTY)
    f.GetOverlappedResult(h, ov2, True)
    assert ov2.dword == 0
