"""timer: pywin32's thread timers (SetTimer with a callback) on the thread
message loop.

set_timer(Elapse, TimerFunc) -> id starts a periodic timer of the calling
thread; each period a WM_TIMER goes to that thread's message queue, and
when the thread dispatches it (win32gui.PumpWaitingMessages, PumpMessages,
or after MsgWaitForMultipleObjects wakes it with QS_TIMER), TimerFunc(id,
time) runs on that thread. As on Windows, a timer has at most one WM_TIMER
waiting: a thread that pumps late gets one call, not a backlog. See
docs/timer.md.
"""
import heapq
import itertools
import os
import sys
import threading
import time
import warnings

import win32gui
from pywin32_posix._errors import error
from pywin32_posix._w32.win32api import GetCurrentThreadId, PostThreadMessage
from pywin32_posix._w32.win32event import MsgWaitForMultipleObjects

__version__ = b"0.2"

WM_TIMER = 0x0113
USER_TIMER_MINIMUM = 0x0000000A
USER_TIMER_MAXIMUM = 0x7FFFFFFF
_ERROR_INVALID_THREAD_ID = 1444
# A thread whose queue does not exist yet (it has not pumped) gets its
# WM_TIMER as soon as it has one: the post is tried again this often (s).
_NO_QUEUE_RETRY = 0.01
# WM_TIMER's lParam for our timers (Windows puts the TimerProc there).
_TIMERPROC = 0x7E11_7E11


class _Timer:
    __slots__ = ("id", "thread_id", "interval", "callback", "due", "waiting")

    def __init__(self, timer_id, thread_id, interval, callback):
        self.id = timer_id
        self.thread_id = thread_id
        self.interval = interval
        self.callback = callback
        self.due = time.monotonic() + interval
        self.waiting = False  # a WM_TIMER of ours is in the thread's queue


class _Scheduler:
    """One thread per process posts the WM_TIMERs when timers fall due."""

    def __init__(self):
        self.cond = threading.Condition()
        self.timers = {}  # id -> _Timer
        self.heap = []  # (due, id); stale entries are skipped
        self.ids = itertools.count(1)
        self.thread = None

    def add(self, timer_id, interval, callback):
        with self.cond:
            t = _Timer(timer_id, GetCurrentThreadId(), interval, callback)
            self.timers[t.id] = t
            heapq.heappush(self.heap, (t.due, t.id))
            if self.thread is None:
                self.thread = threading.Thread(target=self._run, name="timer-scheduler", daemon=True)
                self.thread.start()
            self.cond.notify()
        return t.id

    def remove(self, timer_id):
        with self.cond:
            return self.timers.pop(timer_id, None) is not None

    def dispatched(self, timer_id):
        """The timer's callback, once its WM_TIMER is taken (None: unknown)."""
        with self.cond:
            t = self.timers.get(timer_id)
            if t is None:
                return None
            t.waiting = False
            return t.callback

    def _run(self):
        with self.cond:
            while True:
                now = time.monotonic()
                while self.heap and self.heap[0][0] <= now:
                    due, timer_id = heapq.heappop(self.heap)
                    t = self.timers.get(timer_id)
                    if t is None or t.due != due:
                        continue
                    t.due = self._fire(t, now)
                    if t.due is not None:
                        heapq.heappush(self.heap, (t.due, t.id))
                    # This thread outlives the program: it must not keep a
                    # callback (and what it holds) alive past its timer.
                    t = None
                timeout = self.heap[0][0] - time.monotonic() if self.heap else None
                self.cond.wait(timeout)

    def _fire(self, t, now):
        """Posts t's WM_TIMER unless one is waiting; returns the next due
        time, or None when the timer's thread is gone."""
        if not t.waiting:
            try:
                PostThreadMessage(t.thread_id, WM_TIMER, t.id, _TIMERPROC)
            except error as e:
                if e.winerror != _ERROR_INVALID_THREAD_ID:
                    # The queue is full (ERROR_NOT_ENOUGH_QUOTA): this period is lost.
                    return t.due + t.interval
                if not os.path.exists(f"/proc/self/task/{t.thread_id}"):
                    # Windows destroys a thread's timers with the thread.
                    del self.timers[t.id]
                    return None
                return now + _NO_QUEUE_RETRY
            t.waiting = True
        # Periods missed while the thread was busy are not made up.
        return max(t.due + t.interval, now + t.interval / 2)

    def forget_after_fork(self):
        # The timers belong to the parent's threads.
        self.cond = threading.Condition()
        self.timers.clear()
        self.heap.clear()
        self.thread = None


_scheduler = _Scheduler()
os.register_at_fork(after_in_child=_scheduler.forget_after_fork)


def _dispatch_timer(msg):
    _hwnd, _message, timer_id, lparam, when, _pt = msg
    if lparam != _TIMERPROC:
        return 0  # a WM_TIMER someone posted by hand: no timer procedure
    callback = _scheduler.dispatched(timer_id)
    if callback is None:
        # Killed while its WM_TIMER waited in the queue (KillTimer leaves it).
        warnings.warn("Unrecognized timer id", RuntimeWarning, stacklevel=2)
        return 0
    try:
        callback(timer_id, when)
    except Exception:  # pywin32 prints the error and the loop goes on
        sys.excepthook(*sys.exc_info())
    return 0


win32gui.register_dispatcher(WM_TIMER, _dispatch_timer)


def _elapse_ms(elapse):
    if not isinstance(elapse, int):
        raise TypeError(f"an integer is required (got type {type(elapse).__name__})")
    elapse &= 0xFFFFFFFF  # a DWORD, as pywin32 parses it
    # SetTimer's bounds: shorter runs at the minimum, longer at the maximum.
    return min(max(elapse, USER_TIMER_MINIMUM), USER_TIMER_MAXIMUM)


def set_timer(Elapse, TimerFunc, /):
    """Starts a timer of the calling thread that calls TimerFunc(id, time)
    every Elapse milliseconds from that thread's message loop; returns id."""
    interval = _elapse_ms(Elapse) / 1000.0
    if not callable(TimerFunc):
        raise TypeError("argument must be a callable object")
    # SetTimer gives the thread its message queue. A zero-time wait with an
    # empty wake mask makes it without marking queued input as seen.
    MsgWaitForMultipleObjects([], 0, 0, 0)
    return _scheduler.add(next(_scheduler.ids), interval, TimerFunc)


def kill_timer(timer_id, /):
    """Stops a timer; True. KeyError for an id set_timer did not return (or
    one already killed), as in pywin32. A WM_TIMER already queued stays."""
    if not isinstance(timer_id, int):
        raise TypeError(f"an integer is required (got type {type(timer_id).__name__})")
    if not _scheduler.remove(timer_id):
        raise KeyError(timer_id)
    return True
