"""SetConsoleCtrlHandler / GenerateConsoleCtrlEvent with real signals
between processes, and TerminateProcess."""
import os
import signal
import subprocess
import sys
import textwrap

import pytest

import pywintypes
import win32api
import win32event
from w32util import LineReader, assert_winerror, finish, popen_py

CHILD = """
import sys, time, win32api
events = []
def first(ev):
    print("first", ev, flush=True)
    return {first_result}
def second(ev):
    print("second", ev, flush=True)
    return {second_result}
win32api.SetConsoleCtrlHandler(first, True)
win32api.SetConsoleCtrlHandler(second, True)
try:
    print("ready", flush=True)
    for _ in range(3000):
        time.sleep(0.01)
    print("timeout", flush=True)
except KeyboardInterrupt:
    print("KeyboardInterrupt", flush=True)
finally:
    print("finally", flush=True)
"""


def run_child(sig, first_result, second_result):
    child = popen_py(CHILD.format(first_result=first_result, second_result=second_result))
    lines = LineReader(child)
    assert lines.get() == "ready"
    os.kill(child.pid, sig)
    return child, lines


def test_chain_runs_last_added_first_and_stops_at_true():
    child, lines = run_child(signal.SIGINT, "True", "False")
    assert lines.get() == "second 0"
    assert lines.get() == "first 0"
    child.kill()
    finish(child)


def test_unhandled_ctrl_c_falls_through_to_keyboard_interrupt():
    child, lines = run_child(signal.SIGINT, "False", "False")
    assert [lines.get() for _ in range(4)] == ["second 0", "first 0", "KeyboardInterrupt", "finally"]
    rc, _, err = finish(child)
    assert rc == 0, err


def test_handled_shutdown_still_ends_the_process_cleanly():
    child, lines = run_child(signal.SIGTERM, "False", "True")
    assert lines.get() == "second 6"
    assert lines.get() == "finally"
    rc, _, _ = finish(child)
    assert rc == 0


def test_unhandled_close_ends_by_the_signal():
    child, lines = run_child(signal.SIGHUP, "False", "False")
    assert lines.get() == "second 2"
    assert lines.get() == "first 2"
    rc, _, _ = finish(child)
    assert rc == -signal.SIGHUP


def test_ignore_ctrl_c_and_generate_event_to_own_group():
    # In a session of its own, so that its group-wide events stay there.
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import time, win32api
        seen = []
        win32api.SetConsoleCtrlHandler(None, True)  # ignore Ctrl+C
        win32api.SetConsoleCtrlHandler(lambda ev: seen.append(ev) or True, True)
        win32api.GenerateConsoleCtrlEvent(0, 0)      # to our own group: ignored
        win32api.GenerateConsoleCtrlEvent(1, 0)      # break: handled
        time.sleep(0.2)
        print(seen, flush=True)
    """)], start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
       cwd=os.environ["PYWIN32_POSIX_ROOT"])
    rc, out, err = finish(child)
    assert rc == 0, err
    assert out.strip() == "[1]"


@pytest.fixture
def own_group_child():
    child = subprocess.Popen(["sleep", "60"], start_new_session=True)
    yield child
    child.kill()
    child.wait()


def test_generate_event_to_another_group(own_group_child):
    win32api.GenerateConsoleCtrlEvent(0, own_group_child.pid)
    assert own_group_child.wait(15) == -signal.SIGINT
    with pytest.raises(pywintypes.error) as e:
        win32api.GenerateConsoleCtrlEvent(2, 0)
    assert_winerror(e, 87)
    with pytest.raises(pywintypes.error) as e:
        win32api.GenerateConsoleCtrlEvent(0, 0x7FFFFFF0)
    assert_winerror(e, 87)


def test_removing_unknown_handler_is_invalid_parameter():
    with pytest.raises(pywintypes.error) as e:
        win32api.SetConsoleCtrlHandler(lambda ev: True, False)
    assert_winerror(e, 87)
    with pytest.raises(TypeError):
        win32api.SetConsoleCtrlHandler(5, True)


def test_terminate_process(own_group_child):
    h = win32api.OpenProcess(0x1F0FFF, False, own_group_child.pid)
    win32api.TerminateProcess(h, 3)
    assert win32event.WaitForSingleObject(h, 15000) == win32event.WAIT_OBJECT_0
    assert own_group_child.wait(15) == -signal.SIGKILL
    with pytest.raises(pywintypes.error) as e:
        win32api.TerminateProcess(0x7777770, 1)
    assert_winerror(e, 6)
