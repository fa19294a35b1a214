"""Push subscriptions (EvtSubscribe with a Callback): a pull subscription
and a thread that waits on its signal event and hands each new event to
Callback(EvtSubscribeActionDeliver, Context, event), as the Windows service
thread does. Close() (or collecting the object) ends the thread."""
import threading

from pywin32_posix._w32 import win32event as _event
from pywin32_posix._w32 import win32evtlog as _raw

_ACTION_DELIVER = 1
_WAIT_OBJECT_0 = 0
_BATCH = 64


class PushSubscription:
    """What EvtSubscribe returns when given a Callback: holds the
    subscription; Close() stops deliveries (the callback is not called again
    once Close returns, unless Close runs inside the callback itself)."""

    def __init__(self, channel, flags, callback, context, query, session=None, bookmark=None):
        self._signal = _event.CreateEvent(None, 0, 0, None)
        self._handle = _raw.EvtSubscribe(channel, flags, self._signal, None, None, query, session, bookmark)
        self._callback, self._context = callback, context
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="EvtSubscribe callback", daemon=True)
        self._thread.start()

    def _run(self):
        while not self._closed.is_set():
            if _event.WaitForSingleObject(self._signal, 1000) != _WAIT_OBJECT_0:
                continue
            while not self._closed.is_set():
                events = _raw.EvtNext(self._handle, _BATCH)
                if not events:
                    break
                for ev in events:
                    if self._closed.is_set():
                        break
                    try:
                        self._callback(_ACTION_DELIVER, self._context, ev)
                    except Exception:  # noqa: BLE001 - as Windows: a failing callback ends nothing
                        import traceback
                        traceback.print_exc()
                    finally:
                        ev.Close()

    def Close(self):
        if self._closed.is_set():
            return
        self._closed.set()
        _event.SetEvent(self._signal)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout=30)
        self._handle.Close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.Close()

    def __del__(self):
        try:
            self.Close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass
