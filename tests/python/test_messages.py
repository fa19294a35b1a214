"""Thread message queues: win32api.PostThreadMessage/PostQuitMessage/
GetCurrentThreadId, win32gui.PeekMessage/GetMessage/PumpWaitingMessages/
PumpMessages/DispatchMessage/register_dispatcher and
win32event.MsgWaitForMultipleObjects(Ex).

Every wait has a timeout and every thread or child process a join timeout,
so a bug shows as a failure rather than a hang. No test asserts on elapsed
time: "this must not happen" checks use a short bounded wait, "this must
happen" checks a long one.
"""
import multiprocessing
import os
import sys
import textwrap
import threading
import time

import pytest

import pywintypes
import win32api
import win32event as w
import win32gui
import w32util
from w32util import (
    CHILD_TIMEOUT,
    ERROR_INVALID_PARAMETER,
    ERROR_INVALID_THREAD_ID,
    ERROR_NOT_ENOUGH_QUOTA,
    LONG_MS,
    SHORT_MS,
    WAIT_TIMEOUT,
    assert_winerror,
    close_all,
    events,
    join_mp,
)

WM_QUIT = 0x0012
WM_USER = 0x0400
QS_ALLPOSTMESSAGE = 0x0100
PM_NOREMOVE = 0
PM_REMOVE = 1
MAX_POSTED = 10000  # posted messages a queue holds (Windows' default quota)

JOIN_S = LONG_MS / 1000 + 15


def drain():
    """Removes everything waiting in the calling thread's queue (creating it)."""
    removed = []
    while True:
        rc, msg = win32gui.PeekMessage(None, 0, 0, PM_REMOVE)
        if not rc:
            return removed
        removed.append(msg)


@pytest.fixture(autouse=True)
def clean_main_queue():
    # Tests run on the main thread, whose queue lives across tests.
    drain()
    yield
    drain()


@pytest.fixture
def dispatch():
    """dispatch(message) -> list of msg tuples its handler received (in order)."""
    registered = []

    def register(message, result=0):
        seen = []

        def handler(msg):
            seen.append((threading.get_native_id(), msg))
            return result

        win32gui.register_dispatcher(message, handler)
        registered.append(message)
        return seen

    yield register
    for message in registered:
        # DispatchMessage skips a None handler: this unregisters.
        win32gui.register_dispatcher(message, None)


def post_self(message, wparam=0, lparam=0):
    win32api.PostThreadMessage(win32api.GetCurrentThreadId(), message, wparam, lparam)


class Worker(w32util.Worker):
    """Runs fn(*args) in a thread; .join() returns its result or raises its error."""

    join_timeout = JOIN_S


class QueueThread(Worker):
    """A thread that creates its message queue, publishes its id, then runs
    body(); .tid is valid once the constructor returns."""

    def __init__(self, body):
        self.ready = threading.Event()
        self.tid = None
        super().__init__(self._main, body)
        assert self.ready.wait(JOIN_S), "thread did not start"

    def _main(self, body):
        win32gui.PeekMessage(None, 0, 0, PM_NOREMOVE)  # the queue exists from here
        self.tid = win32api.GetCurrentThreadId()
        self.ready.set()
        return body()


def post_when_queue_exists(tid, message, wparam=0, lparam=0, deadline_s=JOIN_S):
    """Retries PostThreadMessage while the thread has no queue yet (1444)."""
    end = time.monotonic() + deadline_s
    while True:
        try:
            win32api.PostThreadMessage(tid, message, wparam, lparam)
            return
        except pywintypes.error as e:
            if e.winerror != ERROR_INVALID_THREAD_ID or time.monotonic() > end:
                raise
        time.sleep(0.005)


# --- thread ids ----------------------------------------------------------------


def test_current_thread_id_is_the_native_thread_id():
    assert win32api.GetCurrentThreadId() == threading.get_native_id()
    other = Worker(win32api.GetCurrentThreadId).join()
    assert other != win32api.GetCurrentThreadId()
    assert isinstance(other, int) and other > 0


def test_message_constants():
    assert w.QS_POSTMESSAGE == 0x0008
    assert w.QS_TIMER == 0x0010
    assert w.QS_ALLINPUT & w.QS_POSTMESSAGE
    assert w.MWMO_WAITALL == 1
    assert w.MWMO_ALERTABLE == 2
    assert w.MWMO_INPUTAVAILABLE == 4
    assert win32gui.WM_QUIT == WM_QUIT
    assert win32gui.PM_NOREMOVE == PM_NOREMOVE
    assert win32gui.PM_REMOVE == PM_REMOVE


# --- PeekMessage / GetMessage ------------------------------------------------------


def test_peek_empty_queue():
    rc, msg = win32gui.PeekMessage(None, 0, 0, PM_REMOVE)
    assert rc == 0
    assert msg[:4] == (0, 0, 0, 0)


def test_peek_returns_the_msg_tuple_in_fifo_order():
    post_self(WM_USER + 1, 11, 12)
    post_self(WM_USER + 2, 21, -22)
    rc, msg = win32gui.PeekMessage(None, 0, 0, PM_NOREMOVE)
    assert rc == 1
    hwnd, message, wparam, lparam, t, pt = msg
    assert (hwnd, message, wparam, lparam, pt) == (0, WM_USER + 1, 11, 12, (0, 0))
    assert isinstance(t, int)
    # PM_NOREMOVE left it there.
    assert win32gui.PeekMessage(None, 0, 0, PM_REMOVE)[1][1:4] == (WM_USER + 1, 11, 12)
    assert win32gui.PeekMessage(None, 0, 0, PM_REMOVE)[1][1:4] == (WM_USER + 2, 21, -22)
    assert win32gui.PeekMessage(None, 0, 0, PM_REMOVE)[0] == 0


def test_none_params_are_zero_and_large_values_round_trip():
    win32api.PostThreadMessage(win32api.GetCurrentThreadId(), WM_USER, None, None)
    post_self(WM_USER + 1, 0x7FFF_FFFF_FFFF, -(2**40))
    assert win32gui.PeekMessage(None, 0, 0, PM_REMOVE)[1][1:4] == (WM_USER, 0, 0)
    assert win32gui.PeekMessage(None, 0, 0, PM_REMOVE)[1][1:4] == (WM_USER + 1, 0x7FFF_FFFF_FFFF, -(2**40))


def test_peek_filter_range():
    post_self(WM_USER + 5)
    post_self(WM_USER + 1)
    post_self(WM_USER + 9)
    rc, msg = win32gui.PeekMessage(None, WM_USER + 1, WM_USER + 2, PM_REMOVE)
    assert (rc, msg[1]) == (1, WM_USER + 1)
    assert win32gui.PeekMessage(None, WM_USER + 1, WM_USER + 2, PM_REMOVE)[0] == 0
    assert [m[1] for m in drain()] == [WM_USER + 5, WM_USER + 9]


def test_get_message_returns_zero_for_wm_quit_with_the_exit_code():
    post_self(WM_USER + 3, 1, 2)
    win32api.PostQuitMessage(7)
    rc, msg = win32gui.GetMessage(None, 0, 0)
    assert (rc, msg[1:4]) == (1, (WM_USER + 3, 1, 2))
    rc, msg = win32gui.GetMessage(None, 0, 0)
    assert (rc, msg[1], msg[2]) == (0, WM_QUIT, 7)


def test_win32gui_post_quit_message_posts_to_the_calling_thread():
    win32gui.PostQuitMessage(3)
    rc, msg = win32gui.PeekMessage(None, 0, 0, PM_REMOVE)
    assert (rc, msg[1], msg[2]) == (1, WM_QUIT, 3)


def test_get_message_wakes_for_a_message_from_another_thread():
    t = QueueThread(lambda: win32gui.GetMessage(None, 0, 0))
    win32api.PostThreadMessage(t.tid, WM_USER + 7, 70, 71)
    rc, msg = t.join()
    assert (rc, msg[1:4]) == (1, (WM_USER + 7, 70, 71))


def test_get_message_filter_skips_other_messages():
    def body():
        return win32gui.GetMessage(None, WM_USER + 2, WM_USER + 2)

    t = QueueThread(body)
    win32api.PostThreadMessage(t.tid, WM_USER + 1, 0, 0)
    assert t.still_running_after(SHORT_MS / 1000), "GetMessage returned a filtered-out message"
    win32api.PostThreadMessage(t.tid, WM_USER + 2, 5, 0)
    rc, msg = t.join()
    assert (rc, msg[1], msg[2]) == (1, WM_USER + 2, 5)


def test_messages_go_only_to_the_target_thread():
    t = QueueThread(lambda: win32gui.GetMessage(None, 0, 0))
    win32api.PostThreadMessage(t.tid, WM_USER + 4, 0, 0)
    assert t.join()[1][1] == WM_USER + 4
    assert win32gui.PeekMessage(None, 0, 0, PM_REMOVE)[0] == 0


def test_get_message_releases_the_gil(run_py):
    code = textwrap.dedent(
        """
        import faulthandler, sys, threading, time
        import win32api, win32gui
        faulthandler.dump_traceback_later(40, exit=True)
        ready = threading.Event()
        box = {}
        def body():
            win32gui.PeekMessage(None, 0, 0, 0)
            box["tid"] = win32api.GetCurrentThreadId()
            ready.set()
            box["msg"] = win32gui.GetMessage(None, 0, 0)
        t = threading.Thread(target=body, daemon=True)
        t.start()
        assert ready.wait(20)
        # While the thread sits in GetMessage this thread keeps running
        # Python code: each sleep gives the GIL up and needs it back.
        ran = 0
        for _ in range(200):
            time.sleep(0.002)
            ran += 1
        blocked_meanwhile = t.is_alive()
        win32api.PostThreadMessage(box["tid"], 0x0401, 9, 0)
        t.join(20)
        print(ran, blocked_meanwhile, t.is_alive(), box["msg"][0], box["msg"][1][1], box["msg"][1][2])
        """
    )
    r = run_py(code, timeout=CHILD_TIMEOUT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["200", "True", "False", "1", "1025", "9"]


# --- PostThreadMessage errors ------------------------------------------------


def test_post_to_unknown_thread_id():
    with pytest.raises(pywintypes.error) as ei:
        win32api.PostThreadMessage(0x7FFF_FFF0, WM_USER, 0, 0)
    assert_winerror(ei, ERROR_INVALID_THREAD_ID, "PostThreadMessage")
    with pytest.raises(pywintypes.error) as ei:
        win32gui.PostThreadMessage(0x7FFF_FFF0, WM_USER, 0, 0)
    assert_winerror(ei, ERROR_INVALID_THREAD_ID)


def wait_os_thread_gone(tid, deadline_s=JOIN_S):
    """Thread.join() returns before the OS thread (and its thread-local
    teardown) is gone; wait, bounded, for the kernel to drop the task."""
    end = time.monotonic() + deadline_s
    while os.path.exists(f"/proc/self/task/{tid}"):
        assert time.monotonic() < end, "OS thread did not end"
        time.sleep(0.005)


def test_post_to_a_thread_that_ended():
    t = QueueThread(lambda: None)
    t.join()
    wait_os_thread_gone(t.tid)
    with pytest.raises(pywintypes.error) as ei:
        win32api.PostThreadMessage(t.tid, WM_USER, 0, 0)
    assert_winerror(ei, ERROR_INVALID_THREAD_ID, "PostThreadMessage")


def _first_use_peek():
    win32gui.PeekMessage(None, 0, 0, PM_NOREMOVE)


def _first_use_msgwait():
    w.MsgWaitForMultipleObjects([], False, 0, w.QS_ALLINPUT)


def _first_use_msgwait_ex():
    w.MsgWaitForMultipleObjectsEx([], 0, w.QS_ALLINPUT, 0)


def _first_use_pump_waiting():
    # A range the test never posts in: nothing is removed.
    win32gui.PumpWaitingMessages(WM_USER + 100, WM_USER + 100)


def _first_use_get():
    return win32gui.GetMessage(None, 0, 0)


@pytest.mark.parametrize(
    "first_use",
    [_first_use_peek, _first_use_msgwait, _first_use_msgwait_ex, _first_use_pump_waiting, _first_use_get],
    ids=["PeekMessage", "MsgWait", "MsgWaitEx", "PumpWaitingMessages", "GetMessage"],
)
def test_queue_exists_only_after_a_message_function(first_use):
    before = threading.Event()
    go = threading.Event()
    box = {}

    def body():
        box["tid"] = win32api.GetCurrentThreadId()  # not a message function
        before.set()
        assert go.wait(JOIN_S)
        got = first_use()
        if got is not None:
            return got
        assert w.MsgWaitForMultipleObjectsEx([], LONG_MS, w.QS_ALLINPUT, w.MWMO_INPUTAVAILABLE) == 0
        return win32gui.PeekMessage(None, 0, 0, PM_REMOVE)

    t = Worker(body)
    assert before.wait(JOIN_S)
    with pytest.raises(pywintypes.error) as ei:
        win32api.PostThreadMessage(box["tid"], WM_USER, 0, 0)
    assert_winerror(ei, ERROR_INVALID_THREAD_ID, "PostThreadMessage")
    go.set()
    post_when_queue_exists(box["tid"], WM_USER + 8, 8, 0)
    rc, msg = t.join()
    # The post that failed left nothing behind: the first message is the one that got in.
    assert (rc, msg[1], msg[2]) == (1, WM_USER + 8, 8)


def test_queue_is_bounded():
    tid = win32api.GetCurrentThreadId()
    for i in range(MAX_POSTED):
        win32api.PostThreadMessage(tid, WM_USER, i, 0)
    with pytest.raises(pywintypes.error) as ei:
        win32api.PostThreadMessage(tid, WM_USER, MAX_POSTED, 0)
    assert_winerror(ei, ERROR_NOT_ENOUGH_QUOTA, "PostThreadMessage")
    got = drain()
    assert len(got) == MAX_POSTED
    assert [m[2] for m in got[:3]] == [0, 1, 2] and got[-1][2] == MAX_POSTED - 1
    # Room again once pumped.
    post_self(WM_USER + 1)
    assert win32gui.PeekMessage(None, 0, 0, PM_REMOVE)[1][1] == WM_USER + 1


def test_queue_of_another_thread_is_bounded_and_pumpable(dispatch):
    seen = dispatch(WM_USER + 20)
    go = threading.Event()

    def body():
        assert go.wait(JOIN_S)
        return win32gui.PumpWaitingMessages()

    t = QueueThread(body)
    for _ in range(MAX_POSTED):
        win32api.PostThreadMessage(t.tid, WM_USER + 20, 0, 0)
    for _ in range(3):
        with pytest.raises(pywintypes.error) as ei:
            win32api.PostThreadMessage(t.tid, WM_USER + 20, 0, 0)
        assert_winerror(ei, ERROR_NOT_ENOUGH_QUOTA, "PostThreadMessage")
    go.set()
    assert t.join() == 0
    assert len(seen) == MAX_POSTED
    assert {tid for tid, _ in seen} == {t.tid}


# --- MsgWaitForMultipleObjects: messages -------------------------------------


@pytest.mark.parametrize("nhandles", [0, 1, 3])
def test_msgwait_returns_count_for_message_from_another_thread(nhandles):
    hs = events(nhandles)
    try:
        tid = win32api.GetCurrentThreadId()
        poster = Worker(win32api.PostThreadMessage, tid, WM_USER + 30, 3, 4)
        assert w.MsgWaitForMultipleObjects(hs, False, LONG_MS, w.QS_ALLINPUT) == nhandles
        poster.join()
        rc, msg = win32gui.PeekMessage(None, 0, 0, PM_REMOVE)
        assert (rc, msg[1:4]) == (1, (WM_USER + 30, 3, 4))
    finally:
        close_all(hs)


def test_msgwait_in_other_thread_wakes_for_posted_message():
    hs = events(2)
    try:
        t = QueueThread(lambda: w.MsgWaitForMultipleObjects(hs, False, LONG_MS, w.QS_POSTMESSAGE))
        win32api.PostThreadMessage(t.tid, WM_USER, 0, 0)
        assert t.join() == 2
    finally:
        close_all(hs)


def test_msgwait_ex_returns_count_for_message_from_another_thread():
    e = w.CreateEvent(None, 0, 0, None)
    try:
        t = QueueThread(lambda: w.MsgWaitForMultipleObjectsEx([e], LONG_MS, w.QS_ALLINPUT, 0))
        win32api.PostThreadMessage(t.tid, WM_USER, 0, 0)
        assert t.join() == 1
    finally:
        e.Close()


@pytest.mark.parametrize("mask", [w.QS_POSTMESSAGE, w.QS_ALLINPUT, w.QS_ALLEVENTS, QS_ALLPOSTMESSAGE])
def test_message_posted_before_the_call_is_new_input(mask):
    e = w.CreateEvent(None, 0, 0, None)
    try:
        post_self(WM_USER + 31)
        assert w.MsgWaitForMultipleObjects([e], False, 0, mask) == 1
        assert w.MsgWaitForMultipleObjects([e], False, LONG_MS, mask) == 1
        # The wait did not remove it.
        assert win32gui.PeekMessage(None, 0, 0, PM_REMOVE)[1][1] == WM_USER + 31
    finally:
        e.Close()


def test_message_seen_by_peek_no_longer_wakes_msgwait():
    post_self(WM_USER + 32)
    assert win32gui.PeekMessage(None, 0, 0, PM_NOREMOVE)[0] == 1
    assert w.MsgWaitForMultipleObjects([], False, SHORT_MS, w.QS_ALLINPUT) == WAIT_TIMEOUT
    assert w.MsgWaitForMultipleObjectsEx([], SHORT_MS, w.QS_ALLINPUT, 0) == WAIT_TIMEOUT
    # ... but it is still there, and MWMO_INPUTAVAILABLE says so.
    assert w.MsgWaitForMultipleObjectsEx([], LONG_MS, w.QS_ALLINPUT, w.MWMO_INPUTAVAILABLE) == 0
    assert win32gui.PeekMessage(None, 0, 0, PM_REMOVE)[1][1] == WM_USER + 32


def test_message_left_by_pump_waiting_messages_no_longer_wakes_msgwait(dispatch):
    seen = dispatch(WM_USER + 33)
    e = w.CreateEvent(None, 0, 0, None)
    try:
        post_self(WM_USER + 33)
        post_self(WM_USER + 34)  # outside the pumped range: stays in the queue
        assert win32gui.PumpWaitingMessages(WM_USER + 33, WM_USER + 33) == 0
        assert [m[1] for _, m in seen] == [WM_USER + 33]
        assert w.MsgWaitForMultipleObjects([e], False, SHORT_MS, w.QS_ALLINPUT) == WAIT_TIMEOUT
        assert w.MsgWaitForMultipleObjectsEx([e], LONG_MS, w.QS_ALLINPUT, w.MWMO_INPUTAVAILABLE) == 1
        # A new message is new input again.
        post_self(WM_USER + 35)
        assert w.MsgWaitForMultipleObjects([e], False, LONG_MS, w.QS_ALLINPUT) == 1
        assert [m[1] for m in drain()] == [WM_USER + 34, WM_USER + 35]
    finally:
        e.Close()


def test_inputavailable_wait_does_not_make_old_input_new():
    post_self(WM_USER + 36)
    win32gui.PeekMessage(None, 0, 0, PM_NOREMOVE)
    assert w.MsgWaitForMultipleObjectsEx([], LONG_MS, w.QS_ALLINPUT, w.MWMO_INPUTAVAILABLE) == 0
    # The message was seen by PeekMessage; a wait that merely reported it
    # does not turn it back into new input for a plain MsgWait.
    assert w.MsgWaitForMultipleObjects([], False, SHORT_MS, w.QS_ALLINPUT) == WAIT_TIMEOUT


def test_inputavailable_with_empty_queue_times_out():
    assert w.MsgWaitForMultipleObjectsEx([], SHORT_MS, w.QS_ALLINPUT, w.MWMO_INPUTAVAILABLE) == WAIT_TIMEOUT


def test_msgwait_returning_does_not_consume_new_input():
    post_self(WM_USER + 37)
    assert w.MsgWaitForMultipleObjects([], False, LONG_MS, w.QS_ALLINPUT) == 0
    # Nothing looked at the queue yet: still new.
    assert w.MsgWaitForMultipleObjects([], False, LONG_MS, w.QS_ALLINPUT) == 0
    drain()
    assert w.MsgWaitForMultipleObjects([], False, SHORT_MS, w.QS_ALLINPUT) == WAIT_TIMEOUT


def test_new_message_after_seen_one_wakes_waiter_in_other_thread():
    go = threading.Event()
    peeked = threading.Event()

    def body():
        assert go.wait(JOIN_S)
        first = w.MsgWaitForMultipleObjects([], False, LONG_MS, w.QS_ALLINPUT)
        win32gui.PeekMessage(None, 0, 0, PM_NOREMOVE)  # seen, not removed
        peeked.set()
        second = w.MsgWaitForMultipleObjects([], False, LONG_MS, w.QS_ALLINPUT)
        return first, second, [m[1] for m in drain()]

    t = QueueThread(body)
    win32api.PostThreadMessage(t.tid, WM_USER + 1, 0, 0)
    go.set()
    assert peeked.wait(JOIN_S)
    # The second wait can only end with the second message.
    win32api.PostThreadMessage(t.tid, WM_USER + 2, 0, 0)
    first, second, left = t.join()
    assert (first, second) == (0, 0)
    assert left == [WM_USER + 1, WM_USER + 2]


# --- MsgWaitForMultipleObjects: handles, masks, wait-all ---------------------------


def test_signalled_handle_wins_with_its_index():
    hs = events(3)
    try:
        post_self(WM_USER + 40)  # new input too
        w.SetEvent(hs[1])
        assert w.MsgWaitForMultipleObjects(hs, False, LONG_MS, w.QS_ALLINPUT) == 1
        # The auto-reset event was consumed; now the message answers.
        assert w.MsgWaitForMultipleObjects(hs, False, LONG_MS, w.QS_ALLINPUT) == 3
        w.SetEvent(hs[2])
        w.SetEvent(hs[0])
        assert w.MsgWaitForMultipleObjectsEx(hs, LONG_MS, w.QS_ALLINPUT, 0) == 0
        assert w.MsgWaitForMultipleObjectsEx(hs, LONG_MS, w.QS_ALLINPUT, 0) == 2
    finally:
        close_all(hs)


def test_handle_signalled_from_other_thread_ends_msgwait():
    hs = events(4)
    try:
        t = QueueThread(lambda: w.MsgWaitForMultipleObjects(hs, False, LONG_MS, w.QS_ALLINPUT))
        w.SetEvent(hs[2])
        assert t.join() == 2
        # It consumed the auto-reset event.
        assert w.WaitForSingleObject(hs[2], 0) == WAIT_TIMEOUT
    finally:
        close_all(hs)


def test_msgwait_with_semaphore_and_mutex():
    s = w.CreateSemaphore(None, 1, 1, None)
    m = w.CreateMutex(None, 0, None)
    try:
        assert w.MsgWaitForMultipleObjects([s, m], False, LONG_MS, w.QS_ALLINPUT) == 0
        assert w.MsgWaitForMultipleObjects([s, m], False, LONG_MS, w.QS_ALLINPUT) == 1
        w.ReleaseMutex(m)
        assert w.MsgWaitForMultipleObjects([s], False, SHORT_MS, w.QS_ALLINPUT) == WAIT_TIMEOUT
    finally:
        s.Close()
        m.Close()


@pytest.mark.parametrize(
    "mask",
    [w.QS_KEY, w.QS_MOUSE, w.QS_INPUT, w.QS_PAINT, w.QS_SENDMESSAGE, w.QS_HOTKEY, w.QS_TIMER, 0],
    ids=["KEY", "MOUSE", "INPUT", "PAINT", "SENDMESSAGE", "HOTKEY", "TIMER", "zero"],
)
def test_mask_without_postmessage_ignores_posted_messages(mask):
    e = w.CreateEvent(None, 0, 0, None)
    try:
        post_self(WM_USER + 41)
        assert w.MsgWaitForMultipleObjects([e], False, SHORT_MS, mask) == WAIT_TIMEOUT
        assert w.MsgWaitForMultipleObjectsEx([e], SHORT_MS, mask, w.MWMO_INPUTAVAILABLE) == WAIT_TIMEOUT
        # The handles still count.
        w.SetEvent(e)
        assert w.MsgWaitForMultipleObjects([e], False, LONG_MS, mask) == 0
        # And the message is still new for a mask that wants it.
        assert w.MsgWaitForMultipleObjects([e], False, LONG_MS, w.QS_POSTMESSAGE) == 1
    finally:
        e.Close()


def test_mask_without_postmessage_ignores_message_from_other_thread():
    e = w.CreateEvent(None, 0, 0, None)
    try:
        go = threading.Event()
        t = QueueThread(lambda: (go.wait(JOIN_S), w.MsgWaitForMultipleObjects([e], False, LONG_MS, w.QS_KEY))[1])
        win32api.PostThreadMessage(t.tid, WM_USER, 0, 0)
        go.set()
        assert t.still_running_after(SHORT_MS / 1000), "a QS_KEY wait returned for a posted message"
        w.SetEvent(e)
        assert t.join() == 0
    finally:
        e.Close()


@pytest.mark.parametrize("api", ["MsgWait", "MsgWaitEx"])
def test_wait_all_needs_objects_and_a_message(api):
    def wait(hs, ms):
        if api == "MsgWait":
            return w.MsgWaitForMultipleObjects(hs, True, ms, w.QS_ALLINPUT)
        return w.MsgWaitForMultipleObjectsEx(hs, ms, w.QS_ALLINPUT, w.MWMO_WAITALL)

    a = w.CreateEvent(None, 1, 0, None)  # manual
    b = w.CreateEvent(None, 0, 0, None)  # auto
    try:
        # Objects signalled, no message.
        w.SetEvent(a)
        w.SetEvent(b)
        assert wait([a, b], SHORT_MS) == WAIT_TIMEOUT
        # The failed wait-all consumed nothing.
        assert w.WaitForSingleObject(b, 0) == 0
        # A message, but not all objects signalled.
        post_self(WM_USER + 42)
        assert wait([a, b], SHORT_MS) == WAIT_TIMEOUT
        # All of them: returns WAIT_OBJECT_0 and takes the auto-reset event.
        w.SetEvent(b)
        assert wait([a, b], LONG_MS) == 0
        assert w.WaitForSingleObject(b, 0) == WAIT_TIMEOUT
        assert w.WaitForSingleObject(a, 0) == 0
    finally:
        a.Close()
        b.Close()


def test_wait_all_in_other_thread_returns_when_the_last_condition_arrives():
    a = w.CreateEvent(None, 0, 0, None)
    b = w.CreateEvent(None, 0, 0, None)
    try:
        t = QueueThread(lambda: w.MsgWaitForMultipleObjects([a, b], True, LONG_MS, w.QS_ALLINPUT))
        w.SetEvent(a)
        win32api.PostThreadMessage(t.tid, WM_USER, 0, 0)
        assert t.still_running_after(SHORT_MS / 1000), "wait-all returned with b unsignalled"
        w.SetEvent(b)
        assert t.join() == 0
        assert w.WaitForSingleObject(a, 0) == WAIT_TIMEOUT
        assert w.WaitForSingleObject(b, 0) == WAIT_TIMEOUT
    finally:
        a.Close()
        b.Close()


def test_wait_all_without_message_times_out_even_when_objects_signalled():
    a = w.CreateEvent(None, 1, 1, None)
    try:
        t = QueueThread(lambda: w.MsgWaitForMultipleObjects([a], True, SHORT_MS, w.QS_ALLINPUT))
        assert t.join() == WAIT_TIMEOUT
    finally:
        a.Close()


# --- MsgWaitForMultipleObjects: parameters and timeouts ----------------------------


@pytest.mark.parametrize("api", ["MsgWait", "MsgWaitEx"])
def test_64_handles_is_invalid_parameter(api):
    hs = events(64)
    try:
        with pytest.raises(pywintypes.error) as ei:
            if api == "MsgWait":
                w.MsgWaitForMultipleObjects(hs, False, 0, w.QS_ALLINPUT)
            else:
                w.MsgWaitForMultipleObjectsEx(hs, 0, w.QS_ALLINPUT, 0)
        assert_winerror(ei, ERROR_INVALID_PARAMETER)
        # 63 leave room for the queue: fine.
        w.SetEvent(hs[62])
        assert w.MsgWaitForMultipleObjects(hs[:63], False, LONG_MS, w.QS_ALLINPUT) == 62
        post_self(WM_USER)
        assert w.MsgWaitForMultipleObjects(hs[:63], False, LONG_MS, w.QS_ALLINPUT) == 63
    finally:
        close_all(hs)


@pytest.mark.parametrize("ms", [0, 1, SHORT_MS])
def test_timeouts(ms):
    hs = events(2)
    try:
        assert w.MsgWaitForMultipleObjects(hs, False, ms, w.QS_ALLINPUT) == WAIT_TIMEOUT
        assert w.MsgWaitForMultipleObjects([], False, ms, w.QS_ALLINPUT) == WAIT_TIMEOUT
        assert w.MsgWaitForMultipleObjects(hs, True, ms, w.QS_ALLINPUT) == WAIT_TIMEOUT
        assert w.MsgWaitForMultipleObjectsEx(hs, ms, w.QS_ALLINPUT, 0) == WAIT_TIMEOUT
        assert w.MsgWaitForMultipleObjectsEx(hs, ms, w.QS_ALLINPUT, w.MWMO_INPUTAVAILABLE) == WAIT_TIMEOUT
        assert w.MsgWaitForMultipleObjectsEx(hs, ms, w.QS_ALLINPUT, w.MWMO_WAITALL) == WAIT_TIMEOUT
    finally:
        close_all(hs)


def test_msgwait_rejects_closed_handle():
    e = w.CreateEvent(None, 0, 0, None)
    v = e.Detach()
    win32api.CloseHandle(v)
    with pytest.raises(pywintypes.error) as ei:
        w.MsgWaitForMultipleObjects([v], False, 0, w.QS_ALLINPUT)
    assert ei.value.winerror == 6


# --- pump: PumpWaitingMessages, DispatchMessage, PumpMessages ----------------------


def test_pump_waiting_messages_on_empty_queue():
    assert win32gui.PumpWaitingMessages() == 0


def test_pump_waiting_messages_dispatches_to_registered_handlers(dispatch):
    seen_a = dispatch(WM_USER + 50)
    seen_b = dispatch(WM_USER + 51)
    post_self(WM_USER + 50, 1, 2)
    post_self(WM_USER + 52, 0, 0)  # no handler: dropped
    post_self(WM_USER + 51, 3, -4)
    post_self(WM_USER + 50, 5, 6)
    assert win32gui.PumpWaitingMessages() == 0
    me = threading.get_native_id()
    assert [(tid, m[:4], m[5]) for tid, m in seen_a] == [
        (me, (0, WM_USER + 50, 1, 2), (0, 0)),
        (me, (0, WM_USER + 50, 5, 6), (0, 0)),
    ]
    assert [m[:4] for _, m in seen_b] == [(0, WM_USER + 51, 3, -4)]
    msg = seen_a[0][1]
    assert len(msg) == 6 and isinstance(msg[4], int) and isinstance(msg[5], tuple)
    assert win32gui.PeekMessage(None, 0, 0, PM_REMOVE)[0] == 0


def test_pump_waiting_messages_returns_1_on_wm_quit_after_the_other_messages(dispatch):
    # PostQuitMessage sets a flag, as on Windows: WM_QUIT comes once no other
    # message is waiting, even one posted after it.
    seen = dispatch(WM_USER + 53)
    post_self(WM_USER + 53, 1)
    win32api.PostQuitMessage(0)
    post_self(WM_USER + 53, 2)
    assert win32gui.PumpWaitingMessages() == 1
    assert [m[2] for _, m in seen] == [1, 2]
    assert win32gui.PumpWaitingMessages() == 0


def test_post_quit_message_never_fails_on_a_full_queue():
    def body():
        win32gui.PumpWaitingMessages()
        tid = win32api.GetCurrentThreadId()
        posted = 0
        try:
            while True:
                win32api.PostThreadMessage(tid, WM_USER, 0, 0)
                posted += 1
        except pywintypes.error as e:
            assert e.winerror == 1816
        win32api.PostQuitMessage(3)
        count = 0
        while True:
            rc, msg = win32gui.PeekMessage(None, 0, 0, 1)
            assert rc == 1
            if msg[1] == WM_QUIT:
                return posted, count, msg[2]
            count += 1

    posted, count, code = QueueThread(body).join()
    assert posted == count == 10000
    assert code == 3


def test_pump_waiting_messages_wm_quit_from_another_thread():
    def body():
        # Wait until the poster is done, then pump once.
        assert w.MsgWaitForMultipleObjects([], False, LONG_MS, w.QS_ALLINPUT) == 0
        return win32gui.PumpWaitingMessages()

    t = QueueThread(body)
    win32api.PostThreadMessage(t.tid, WM_QUIT, 0, 0)
    assert t.join() == 1


def test_dispatch_message_returns_the_handler_result(dispatch):
    seen = dispatch(WM_USER + 54, result=42)
    msg = (0, WM_USER + 54, 1, 2, 0, (0, 0))
    assert win32gui.DispatchMessage(msg) == 42
    assert seen[0][1] == msg
    assert win32gui.DispatchMessage((0, WM_USER + 55, 0, 0, 0, (0, 0))) == 0
    assert win32gui.TranslateMessage(msg) == 0


def test_handler_runs_on_the_pumping_thread(dispatch):
    seen = dispatch(WM_USER + 56)

    def body():
        return win32gui.PumpMessages()

    t = QueueThread(body)
    win32api.PostThreadMessage(t.tid, WM_USER + 56, 9, 10)
    win32api.PostThreadMessage(t.tid, WM_QUIT, 0, 0)
    assert t.join() is None
    assert [(tid, m[1:4]) for tid, m in seen] == [(t.tid, (WM_USER + 56, 9, 10))]


def test_pump_messages_returns_after_wm_quit_from_another_thread(dispatch):
    seen = dispatch(WM_USER + 57)
    t = QueueThread(win32gui.PumpMessages)
    for i in range(5):
        win32api.PostThreadMessage(t.tid, WM_USER + 57, i, 0)
    assert t.still_running_after(SHORT_MS / 1000), "PumpMessages returned without WM_QUIT"
    win32api.PostThreadMessage(t.tid, WM_QUIT, 0, 0)
    t.join()
    assert [m[2] for _, m in seen] == [0, 1, 2, 3, 4]


def test_post_quit_message_from_a_handler_ends_pump_messages():
    calls = []

    def handler(msg):
        calls.append(msg[2])
        win32api.PostQuitMessage(0)  # to the pumping thread itself
        return 0

    win32gui.register_dispatcher(WM_USER + 58, handler)
    try:
        t = QueueThread(win32gui.PumpMessages)
        win32api.PostThreadMessage(t.tid, WM_USER + 58, 1, 0)
        t.join()
        assert calls == [1]
    finally:
        win32gui.register_dispatcher(WM_USER + 58, None)


def test_post_quit_message_from_another_thread_goes_to_that_thread():
    t = QueueThread(win32gui.PumpMessages)
    # The main thread's PostQuitMessage is for the main thread's queue.
    win32api.PostQuitMessage(5)
    assert t.still_running_after(SHORT_MS / 1000), "another thread's PostQuitMessage ended PumpMessages"
    rc, msg = win32gui.PeekMessage(None, 0, 0, PM_REMOVE)
    assert (rc, msg[1], msg[2]) == (1, WM_QUIT, 5)
    win32api.PostThreadMessage(t.tid, WM_QUIT, 0, 0)
    t.join()


# --- fork: a child's queue is its own ------------------------------------------


def _mp_fork_child_posts_to_itself():
    import win32api as wa
    import win32gui as wg

    wg.PeekMessage(None, 0, 0, 0)
    wa.PostQuitMessage(1)  # into the child's own queue
    sys.exit(0)


def test_fork_child_messages_do_not_wake_the_parent():
    # The parent's main thread has a queue (the autouse fixture made it).
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=_mp_fork_child_posts_to_itself)
    p.start()
    assert join_mp(p) == 0
    assert w.MsgWaitForMultipleObjects([], False, SHORT_MS, w.QS_ALLINPUT) == WAIT_TIMEOUT
    assert win32gui.PeekMessage(None, 0, 0, PM_REMOVE)[0] == 0


def _mp_fork_child_pumps():
    import win32gui as wg

    wg.PumpWaitingMessages()
    sys.exit(0)


def test_fork_child_pumping_does_not_hide_the_parents_new_message():
    post_self(WM_USER + 60)  # new input for the parent
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=_mp_fork_child_pumps)
    p.start()
    assert join_mp(p) == 0
    assert w.MsgWaitForMultipleObjects([], False, LONG_MS, w.QS_ALLINPUT) == 0
    assert win32gui.PeekMessage(None, 0, 0, PM_REMOVE)[1][1] == WM_USER + 60


def _mp_fork_child_own_queue(conn):
    import pywintypes as pt
    import win32api as wa
    import win32gui as wg

    try:
        wg.PeekMessage(None, 0, 0, 0)
        try:
            wa.PostThreadMessage(wa.GetCurrentThreadId(), 0x0402, 7, 0)
        except pt.error as e:
            conn.send(("post-error", e.winerror))
            return
        conn.send(("got", wg.PeekMessage(None, 0, 0, 1)[1][1:3]))
    finally:
        conn.close()


def test_fork_child_thread_can_post_to_itself():
    ctx = multiprocessing.get_context("fork")
    r, wconn = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_mp_fork_child_own_queue, args=(wconn,))
    p.start()
    wconn.close()
    assert r.poll(CHILD_TIMEOUT), "child did not report"
    got = r.recv()
    assert join_mp(p) == 0
    assert got == ("got", (0x0402, 7))


def _mp_fork_child_posts_to_parent_thread(parent_tid, conn):
    import pywintypes as pt
    import win32api as wa

    try:
        wa.PostThreadMessage(parent_tid, 0x0403, 0, 0)
        conn.send(("posted",))
    except pt.error as e:
        conn.send(("error", e.winerror))
    finally:
        conn.close()


def test_fork_child_cannot_post_into_a_stale_copy_of_parent_queue():
    # Queues belong to threads of their own process: the parent's thread is
    # not one of the child's, so the post must fail rather than vanish.
    ctx = multiprocessing.get_context("fork")
    r, wconn = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_mp_fork_child_posts_to_parent_thread, args=(win32api.GetCurrentThreadId(), wconn))
    p.start()
    wconn.close()
    assert r.poll(CHILD_TIMEOUT), "child did not report"
    got = r.recv()
    assert join_mp(p) == 0
    if got == ("posted",):
        # Only acceptable if it really reached the parent.
        assert win32gui.PeekMessage(None, 0, 0, PM_REMOVE)[1][1] == 0x0403, "post from child vanished"
    else:
        assert got == ("error", ERROR_INVALID_THREAD_ID)
