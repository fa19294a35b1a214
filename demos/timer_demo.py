"""The timer demo: an object counts from 1 to 10 on a timer, once a second,
then kills its timer and tells the main loop to stop. The timer's callback
runs on this thread, from its message loop (MsgWaitForMultipleObjects wakes
for the WM_TIMER, PumpWaitingMessages dispatches it), as on Windows.

    python3 demos/timer_demo.py [period_ms]
"""
import sys

import timer
import win32event
import win32gui


class Counter:
    def __init__(self, period_ms, limit=10):
        self.limit = limit
        self.count = 0
        self.done = win32event.CreateEvent(None, 0, 0, None)
        self.id = timer.set_timer(period_ms, self.tick)

    def tick(self, timer_id, when):
        self.count += 1
        print(self.count, flush=True)
        if self.count == self.limit:
            timer.kill_timer(timer_id)
            win32event.SetEvent(self.done)


def main():
    period_ms = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    counter = Counter(period_ms)
    while True:
        rc = win32event.MsgWaitForMultipleObjects([counter.done], 0, win32event.INFINITE, win32event.QS_ALLEVENTS)
        if rc == win32event.WAIT_OBJECT_0:
            break
        win32gui.PumpWaitingMessages()
    print("counted to", counter.count)


if __name__ == "__main__":
    main()
