"""pywintypes.HANDLE (PyHANDLE), win32api.CloseHandle and pywintypes.OVERLAPPED."""
import gc
import operator
import sys
import weakref

import pytest

import pywintypes
import win32api

ERROR_INVALID_HANDLE = 6

# A handle value no test ever opens: the table hands out the lowest free
# multiple of 4, so this one is never live, and closing it must fail.
NEVER_OPEN = 4 * 1_000_000


def assert_invalid_handle(excinfo):
    err = excinfo.value
    assert type(err) is pywintypes.error
    assert err.winerror == ERROR_INVALID_HANDLE
    assert err.funcname == "CloseHandle"
    assert err.strerror == "The handle is invalid."
    assert err.args == (ERROR_INVALID_HANDLE, "CloseHandle", "The handle is invalid.")


# --- value semantics ------------------------------------------------------


def test_default_handle_is_null():
    h = pywintypes.HANDLE()
    assert int(h) == 0
    assert h.handle == 0
    assert not h
    assert h == 0
    assert repr(h) == "<PyHANDLE:0>"


def test_handle_is_int_like():
    h = pywintypes.HANDLE(NEVER_OPEN)
    try:
        assert int(h) == NEVER_OPEN
        assert h.handle == NEVER_OPEN
        assert operator.index(h) == NEVER_OPEN
        assert bool(h)
        assert repr(h) == f"<PyHANDLE:{NEVER_OPEN}>"
        assert isinstance(h, pywintypes.HANDLEType)
        assert type(h) is pywintypes.HANDLEType
    finally:
        h.Detach()


def test_handle_compares_and_hashes_like_its_int():
    h = pywintypes.HANDLE(NEVER_OPEN)
    same = pywintypes.HANDLE(NEVER_OPEN)
    try:
        assert h == NEVER_OPEN
        assert NEVER_OPEN == h
        assert h != NEVER_OPEN + 4
        assert not (h != NEVER_OPEN)
        assert h == same
        assert h != pywintypes.HANDLE(0)
        assert h != "x"
        assert hash(h) == hash(NEVER_OPEN)
        # Usable as a dict key interchangeably with the int.
        assert {h: "v"}[NEVER_OPEN] == "v"
        assert {NEVER_OPEN: "v"}[h] == "v"
    finally:
        h.Detach()
        same.Detach()


def test_handle_rejects_non_integers():
    for bad in ("x", 1.5, b"4"):
        with pytest.raises(TypeError):
            pywintypes.HANDLE(bad)


# --- Close, Detach, with ---------------------------------------------------


def test_close_of_a_handle_that_is_not_open_raises_and_zeroes():
    h = pywintypes.HANDLE(NEVER_OPEN)
    with pytest.raises(pywintypes.error) as excinfo:
        h.Close()
    assert_invalid_handle(excinfo)
    # The object let go of the value: a second Close() is harmless.
    assert int(h) == 0
    assert not h
    h.Close()
    h.close()
    assert int(h) == 0


def test_close_twice_on_null_handle_is_harmless():
    h = pywintypes.HANDLE()
    h.Close()
    h.Close()
    assert int(h) == 0


def test_detach_returns_value_and_gives_up_ownership():
    h = pywintypes.HANDLE(NEVER_OPEN)
    assert h.Detach() == NEVER_OPEN
    assert int(h) == 0
    assert repr(h) == "<PyHANDLE:0>"
    # Had the object kept the value, Close() would try it and fail.
    h.Close()
    assert h.Detach() == 0


def test_with_closes_on_exit():
    # __exit__ closes: on a value that is not open, that close fails loudly.
    with pytest.raises(pywintypes.error) as excinfo:
        with pywintypes.HANDLE(NEVER_OPEN) as h:
            assert int(h) == NEVER_OPEN
    assert_invalid_handle(excinfo)
    assert int(h) == 0


def test_with_returns_the_handle_itself():
    h = pywintypes.HANDLE()
    with h as entered:
        assert entered is h


def test_with_does_not_swallow_exceptions():
    with pytest.raises(KeyError):
        with pywintypes.HANDLE():
            raise KeyError("inside")


def test_collecting_an_unclosed_handle_is_quiet():
    # A handle collected without Close() is released silently, even when the
    # value is no longer open (already closed through CloseHandle(int)).
    unraisable = []
    old_hook = sys.unraisablehook
    sys.unraisablehook = unraisable.append
    try:
        h = pywintypes.HANDLE(NEVER_OPEN)
        del h
        gc.collect()
    finally:
        sys.unraisablehook = old_hook
    assert unraisable == []


# --- win32api.CloseHandle ---------------------------------------------------


@pytest.mark.parametrize("value", [NEVER_OPEN, 7, 2**40])
def test_closehandle_bad_int_raises_invalid_handle(value):
    with pytest.raises(pywintypes.error) as excinfo:
        win32api.CloseHandle(value)
    assert_invalid_handle(excinfo)


def test_closehandle_of_a_value_just_closed_raises_invalid_handle():
    # A small value that was valid a moment ago (whatever else this process
    # holds, the one just closed is free).
    import win32event

    value = win32event.CreateEvent(None, 0, 0, None).Detach()
    win32api.CloseHandle(value)
    with pytest.raises(pywintypes.error) as excinfo:
        win32api.CloseHandle(value)
    assert_invalid_handle(excinfo)


def test_closehandle_of_pyhandle_closes_the_object():
    h = pywintypes.HANDLE(NEVER_OPEN)
    with pytest.raises(pywintypes.error) as excinfo:
        win32api.CloseHandle(h)
    assert_invalid_handle(excinfo)
    # CloseHandle(PyHANDLE) is its Close(): the object no longer owns a value.
    assert int(h) == 0


def test_closehandle_of_null_pyhandle_raises():
    with pytest.raises(pywintypes.error) as excinfo:
        win32api.CloseHandle(pywintypes.HANDLE())
    assert_invalid_handle(excinfo)


@pytest.mark.parametrize("bad", ["x", 1.5, b"8", [8]])
def test_closehandle_wrong_type_is_type_error(bad):
    with pytest.raises(TypeError):
        win32api.CloseHandle(bad)


# --- with real handles (win32event) ----------------------------------------


@pytest.fixture
def win32event():
    return pytest.importorskip("win32event")


def _is_open(win32event, value):
    try:
        win32event.WaitForSingleObject(value, 0)
    except pywintypes.error as e:
        assert e.winerror == ERROR_INVALID_HANDLE
        return False
    return True


def test_real_handle_close_then_close_again(win32event):
    h = win32event.CreateEvent(None, True, False, None)
    value = int(h)
    assert value != 0 and value % 4 == 0
    assert _is_open(win32event, value)
    h.Close()
    assert not _is_open(win32event, value)
    h.Close()  # harmless
    with pytest.raises(pywintypes.error) as excinfo:
        win32api.CloseHandle(value)
    assert_invalid_handle(excinfo)


def test_real_handle_detach_keeps_it_open(win32event):
    h = win32event.CreateEvent(None, True, False, None)
    value = h.Detach()
    del h
    gc.collect()
    assert _is_open(win32event, value)
    win32api.CloseHandle(value)
    assert not _is_open(win32event, value)


def test_real_handle_with_closes(win32event):
    with win32event.CreateEvent(None, True, False, None) as h:
        value = int(h)
        assert _is_open(win32event, value)
    assert not _is_open(win32event, value)


def test_real_handle_closed_when_collected(win32event):
    h = win32event.CreateEvent(None, True, False, None)
    value = int(h)
    del h
    gc.collect()
    assert not _is_open(win32event, value)


# --- OVERLAPPED -------------------------------------------------------------


def test_overlapped_defaults():
    ov = pywintypes.OVERLAPPED()
    assert isinstance(ov, pywintypes.OVERLAPPEDType)
    assert ov.Offset == 0
    assert ov.OffsetHigh == 0
    assert ov.Internal == 0
    assert ov.InternalHigh == 0
    assert ov.dword == 0
    assert ov.hEvent is None
    assert ov.object is None


def test_overlapped_fields_are_settable():
    ov = pywintypes.OVERLAPPED()
    ov.Offset = 0xFFFFFFFF
    ov.OffsetHigh = 7
    ov.Internal = 259
    ov.InternalHigh = 4096
    ov.dword = 42
    payload = {"k": [1, 2]}
    ov.object = payload
    h = pywintypes.HANDLE(NEVER_OPEN)
    ov.hEvent = h
    assert (ov.Offset, ov.OffsetHigh, ov.Internal, ov.InternalHigh, ov.dword) == (
        0xFFFFFFFF, 7, 259, 4096, 42)
    assert ov.object is payload
    assert ov.hEvent is h
    h.Detach()


def test_overlapped_offset_out_of_range_is_rejected():
    ov = pywintypes.OVERLAPPED()
    with pytest.raises((TypeError, OverflowError, ValueError)):
        ov.Offset = 2**32
    with pytest.raises((TypeError, OverflowError, ValueError)):
        ov.Offset = -1
    assert ov.Offset == 0


def test_overlapped_is_independent_per_instance():
    a = pywintypes.OVERLAPPED()
    b = pywintypes.OVERLAPPED()
    a.Offset = 5
    a.object = "a"
    assert b.Offset == 0
    assert b.object is None


def test_overlapped_reference_cycle_is_collected():
    class Payload:
        pass

    ov = pywintypes.OVERLAPPED()
    payload = Payload()
    payload.ov = ov
    ov.object = payload  # ov -> payload -> ov
    ov.Offset = 123
    watch = weakref.ref(payload)
    del ov, payload
    gc.collect()
    assert watch() is None


def test_overlapped_survives_a_cycle_while_referenced():
    ov = pywintypes.OVERLAPPED()
    ov.object = ov  # refers to itself
    ov.Offset = 99
    ov.dword = 3
    gc.collect()
    assert ov.object is ov
    assert ov.Offset == 99
    assert ov.dword == 3


def test_devmode_is_a_plain_structure():
    dm = pywintypes.DEVMODEType(8)
    assert dm.Size == 220 and dm.DriverExtra == 8 and dm.DriverData == bytes(8)
    dm.PelsWidth, dm.DeviceName = 1920, "screen"
    assert (dm.PelsWidth, dm.DeviceName) == (1920, "screen")
    dm.Clear()
    assert dm.PelsWidth == 0 and dm.DeviceName == ""
    with pytest.raises(TypeError):
        dm.PelsWidth = "wide"
    with pytest.raises(ValueError):
        dm.DeviceName = "x" * 40
    with pytest.raises(ValueError):
        dm.DriverData = bytes(9)
    with pytest.raises(AttributeError):
        dm.NoSuchField = 1
    assert pywintypes.DEVMODEType().DriverData is None
