"""pythoncom and win32ui: the parts programs without COM or a GUI use
(initialisation, the message loop, waits, GUIDs), and clear errors for COM
and the GUI."""
import os
import threading

import pytest
import pythoncom
import pywintypes
import win32api
import win32event
import win32ui
import winerror

from w32util import assert_winerror


def test_initialise_and_uninitialise():
    pythoncom.CoInitialize()
    pythoncom.CoInitialize()  # again on the same thread: fine
    pythoncom.CoUninitialize()
    pythoncom.CoUninitialize()
    pythoncom.CoInitializeEx(pythoncom.COINIT_MULTITHREADED)
    with pytest.raises(pythoncom.com_error) as e:
        pythoncom.CoInitializeEx(pythoncom.COINIT_APARTMENTTHREADED)
    assert e.value.hresult & 0xFFFFFFFF == 0x80010106  # RPC_E_CHANGED_MODE
    pythoncom.CoUninitialize()
    with pytest.raises(TypeError):
        pythoncom.CoInitializeEx("x")


def test_com_objects_are_not_supported():
    with pytest.raises(pythoncom.com_error) as e:
        pythoncom.CoCreateInstance(pythoncom.CreateGuid(), None, pythoncom.CLSCTX_ALL, pythoncom.CreateGuid())
    assert e.value.hresult == winerror.HRESULT_FROM_WIN32(winerror.ERROR_NOT_SUPPORTED)
    assert pythoncom.error is pythoncom.com_error is pywintypes.com_error


def test_guids_and_strings():
    g = pythoncom.CreateGuid()
    assert pythoncom.MakeIID(str(g)) == g
    assert pythoncom.GetScodeString(winerror.E_ACCESSDENIED) == win32api.FormatMessage(winerror.E_ACCESSDENIED).strip()
    assert pythoncom.GetFacilityString(winerror.E_ACCESSDENIED) == "FACILITY_WIN32"
    assert pythoncom.GetSeverityString(winerror.E_ACCESSDENIED) == "SEVERITY_ERROR"


def test_message_loop_and_waits():
    tid = win32api.GetCurrentThreadId()
    seen = []
    import win32gui
    win32gui.register_dispatcher(0x8123, lambda msg: seen.append(msg[2]))
    pythoncom.PumpWaitingMessages()  # a thread has a queue once it used a message function
    win32api.PostThreadMessage(tid, 0x8123, 7, 0)
    assert pythoncom.PumpWaitingMessages() == 0 and seen == [7]
    ev = win32event.CreateEvent(None, True, False, None)
    threading.Timer(0.1, win32event.SetEvent, (ev,)).start()
    assert pythoncom.CoWaitForMultipleHandles(0, 10000, [ev]) == 0
    other = win32event.CreateEvent(None, True, False, None)
    with pytest.raises(pythoncom.com_error) as e:
        pythoncom.CoWaitForMultipleHandles(pythoncom.COWAIT_WAITALL, 50, [ev, other])
    assert e.value.hresult & 0xFFFFFFFF == 0x80010115  # RPC_S_CALLPENDING
    win32api.PostQuitMessage(0)
    assert pythoncom.PumpWaitingMessages() == 1


def test_win32ui_without_a_gui(tmp_path):
    assert win32ui.PumpWaitingMessages(0, -1) == 0
    assert win32ui.ComparePath(str(tmp_path / "a" / ".." / "b"), str(tmp_path / "b")) == 1
    assert win32ui.ComparePath(str(tmp_path / "a"), str(tmp_path / "b")) == 0
    assert win32ui.FullPath("x") == os.path.join(os.getcwd(), "x")
    win32ui.SetAppName("tool")
    assert win32ui.GetAppName() == "tool"
    with pytest.raises(TypeError):
        win32ui.SetAppName(1)
    assert win32ui.IsWin32s() is False and win32ui.IsDebug() == 0
    win32ui.OutputDebugString("pywin32-posix test message")
    for call in (win32ui.CreateFrame, win32ui.MessageBox, win32ui.FindWindow):
        assert_winerror(pytest.raises(pywintypes.error, call, "x"), winerror.ERROR_NOT_SUPPORTED)
