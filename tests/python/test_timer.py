"""timer: callbacks on the thread that set the timer, from its message loop
(PumpWaitingMessages, PumpMessages, MsgWaitForMultipleObjects with
QS_TIMER), one WM_TIMER at a time, kill_timer, pywin32's errors, and the
counting demo in a separate process."""
import os
import sys
import threading
import time

import pytest

import timer
import win32event
import win32gui
from w32util import Worker, finish, popen_py

DEMO = os.path.join(os.path.dirname(__file__), "..", "..", "demos", "timer_demo.py")


def pump_until(predicate, timeout=15):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timer never fired"
        win32event.MsgWaitForMultipleObjects([], 0, 100, win32event.QS_ALLINPUT)
        win32gui.PumpWaitingMessages()


def test_callback_runs_on_the_setting_thread_from_its_pump():
    calls = []
    timer_id = timer.set_timer(10, lambda i, t: calls.append((i, t, threading.get_ident())))
    try:
        time.sleep(0.1)
        assert calls == []  # nothing runs until the thread pumps
        pump_until(lambda: len(calls) >= 3)
    finally:
        assert timer.kill_timer(timer_id) is True
    for i, t, ident in calls:
        assert i == timer_id and ident == threading.get_ident()
        assert isinstance(t, int)


def test_a_late_pump_gets_one_call_not_a_backlog():
    calls = []
    timer_id = timer.set_timer(10, lambda i, t: calls.append(i))
    try:
        time.sleep(0.3)  # some 30 periods without pumping
        queued = []
        while True:
            rc, msg = win32gui.PeekMessage(None, timer.WM_TIMER, timer.WM_TIMER, win32gui.PM_REMOVE)
            if not rc:
                break
            queued.append(msg)
        assert len(queued) == 1 and queued[0][2] == timer_id
        win32gui.DispatchMessage(queued[0])
        assert calls == [timer_id]
    finally:
        timer.kill_timer(timer_id)


def test_msgwait_wakes_for_the_timer_and_pumpmessages_dispatches():
    # Another thread with its own loop: the callback runs there.
    def run():
        seen = []

        def tick(i, t):
            seen.append(threading.get_ident())
            if len(seen) == 3:
                timer.kill_timer(i)
                win32gui.PostQuitMessage(0)

        timer.set_timer(10, tick)
        rc = win32event.MsgWaitForMultipleObjects([], 0, 15000, win32event.QS_TIMER)
        assert rc == win32event.WAIT_OBJECT_0  # input, not a timeout
        win32gui.PumpMessages()
        return seen

    w = Worker(run)
    seen = w.join()
    assert seen == [w.thread.ident] * 3


def test_killed_timer_stops_and_a_queued_message_warns():
    calls = []
    timer_id = timer.set_timer(10, lambda i, t: calls.append(i))
    rc = win32event.MsgWaitForMultipleObjects([], 0, 15000, win32event.QS_TIMER)
    assert rc == win32event.WAIT_OBJECT_0  # its WM_TIMER is queued now
    timer.kill_timer(timer_id)
    with pytest.warns(RuntimeWarning, match="Unrecognized timer id"):
        win32gui.PumpWaitingMessages()
    time.sleep(0.05)
    win32gui.PumpWaitingMessages()
    assert calls == []


def test_callback_errors_are_printed_and_the_timer_goes_on(capsys):
    calls = []

    def tick(i, t):
        calls.append(i)
        raise ValueError("boom in the callback")

    timer_id = timer.set_timer(10, tick)
    try:
        pump_until(lambda: len(calls) >= 2)
    finally:
        timer.kill_timer(timer_id)
    assert "boom in the callback" in capsys.readouterr().err


def test_timers_of_an_ended_thread_are_dropped():
    ids = []
    t = threading.Thread(target=lambda: ids.append(timer.set_timer(10, lambda i, t: None)))
    t.start()
    t.join()
    deadline = time.monotonic() + 15
    while ids[0] in timer._scheduler.timers:
        assert time.monotonic() < deadline, "the dead thread's timer stayed"
        time.sleep(0.02)
    with pytest.raises(KeyError):
        timer.kill_timer(ids[0])


def test_errors():
    with pytest.raises(TypeError, match="callable"):
        timer.set_timer(10, 42)
    with pytest.raises(TypeError):
        timer.set_timer("10", lambda i, t: None)
    with pytest.raises(TypeError):
        timer.kill_timer("1")
    with pytest.raises(KeyError):
        timer.kill_timer(987654321)
    timer_id = timer.set_timer(0, lambda i, t: None)  # runs at USER_TIMER_MINIMUM
    assert timer.kill_timer(timer_id) is True
    with pytest.raises(KeyError):
        timer.kill_timer(timer_id)
    assert timer.__version__ == b"0.2"
    assert timer.error.__name__ == "error"


def test_counting_demo_in_another_process():
    child = popen_py(
        """
        import runpy, sys
        sys.argv = [sys.argv[1], "20"]
        runpy.run_path(sys.argv[0], run_name="__main__")
        """,
        os.path.abspath(DEMO),
    )
    rc, out, err = finish(child)
    assert rc == 0, err
    assert out.split() == [str(n) for n in range(1, 11)] + ["counted", "to", "10"]
