"""A service process run by systemd (a unit from pywin32_posix.systemd_units)
instead of the embedded manager: the dispatcher's channel speaks sd_notify,
and control requests arrive as signals.

    SIGTERM -> SERVICE_CONTROL_STOP (systemctl stop)
    SIGUSR1 -> SERVICE_CONTROL_PAUSE, SIGUSR2 -> SERVICE_CONTROL_CONTINUE
    SIGHUP  -> SERVICE_CONTROL_PARAMCHANGE (systemctl reload/kill -s HUP)

Status reports become READY=1 (running), STOPPING=1 (stop pending) and a
STATUS= line systemctl shows.
"""
import os
import queue
import signal
import socket

_STATES = {1: "stopped", 2: "starting", 3: "stopping", 4: "running", 5: "continuing", 6: "pausing",
           7: "paused"}
_SIGNAL_CONTROLS = {signal.SIGTERM: 1, signal.SIGUSR1: 2, signal.SIGUSR2: 3, signal.SIGHUP: 6}
# The SERVICE_ACCEPT_* bit each control needs, as the embedded manager checks.
_ACCEPT_BIT = {1: 0x1, 2: 0x2, 3: 0x2, 6: 0x8}


def under_systemd():
    return os.environ.get("PYWIN32_POSIX_SERVICE_BACKEND") == "systemd"


def notify(message):
    """sd_notify: one datagram to $NOTIFY_SOCKET (nothing when unset)."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]  # the abstract namespace
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as s:
        s.sendto(message.encode(), address)
    return True


class SystemdChannel:
    """The interface of pywin32_posix._w32.servicemanager._HostChannel."""

    def __init__(self):
        self.service_name = os.environ.get("PYWIN32_POSIX_SERVICE", "")
        if not self.service_name:
            from pywin32_posix._service_host import _error
            raise _error(1063, "StartServiceCtrlDispatcher")  # ERROR_FAILED_SERVICE_CONTROLLER_CONNECT
        self.start_args = [self.service_name]
        self._status = (0x10, 2, 0, 0, 0, 0, 0)
        self._controls = queue.SimpleQueue()
        self._sequence = 0
        self._stopped = False
        for signum, control in _SIGNAL_CONTROLS.items():
            signal.signal(signum, lambda _s, _f, control=control: self._controls.put(control))

    def set_status(self, status):
        status = tuple(status)
        previous, self._status = self._status[1], status
        state = status[1]
        lines = ["STATUS=" + _STATES.get(state, "state %d" % state)]
        if state == 4 and previous in (2, 5):
            lines.append("READY=1")
        elif state == 3:
            lines.append("STOPPING=1")
        if state == 1:
            self._stopped = True
            if status[3]:
                lines.append("ERRNO=%d" % (status[3] & 0xFFFF))
            self._controls.put(None)  # wake the dispatcher
        notify("\n".join(lines))

    def status(self):
        return self._status

    def wait(self, timeout_ms):
        if self._stopped:
            return (2,)
        try:
            control = self._controls.get(timeout=max(timeout_ms, 0) / 1000.0)
        except queue.Empty:
            return (1,)
        if control is None or self._stopped:
            return (2,)
        if not self._status[2] & _ACCEPT_BIT[control]:
            return (1,)  # not accepted now (e.g. still starting): dropped, as ERROR_INVALID_SERVICE_CONTROL
        self._sequence += 1
        return (0, self._sequence, control, 0)

    def control_done(self, sequence, result):
        pass
