"""One RAS connection's supervisor: `python -m pywin32_posix._ras_link DIR`.

Started by win32ras.Dial in a session of its own, so the link outlives the
program that dialled, as a RAS connection does. It runs the dialer (pppd,
or the entry's test dialer, which speaks pppd's log lines and exit codes),
turns pppd's progress into RAS connection states, keeps the connection's
status in DIR/status.json for every process (GetConnectStatus,
EnumConnections, HangUp), and reports each state on stdout ("STATE state
error") to the process that dialled, for its callback or event. SIGTERM
(HangUp) ends the dialer and the link.
"""
import json
import os
import re
import signal
import subprocess
import sys
import threading

from pywin32_posix import _ras_errors

RASCS_OpenPort = 0
RASCS_PortOpened = 1
RASCS_ConnectDevice = 2
RASCS_DeviceConnected = 3
RASCS_AllDevicesConnected = 4
RASCS_Authenticate = 5
RASCS_Authenticated = 14
RASCS_Projected = 18
RASCS_Connected = 0x2000
RASCS_Disconnected = 0x2001

# The states a dial passes through, in order: a later one implies the earlier.
SEQUENCE = (RASCS_OpenPort, RASCS_PortOpened, RASCS_ConnectDevice, RASCS_DeviceConnected,
            RASCS_AllDevicesConnected, RASCS_Authenticate, RASCS_Authenticated, RASCS_Projected,
            RASCS_Connected)

TERMINATE_GRACE = 5.0  # seconds the dialer has to leave after SIGTERM

# pppd's log lines that mark progress, and the state each means.
_PROGRESS = (
    (re.compile(r"^Serial connection established"), RASCS_DeviceConnected),
    (re.compile(r"^Connect: (\S+) <--> (.*)$"), RASCS_Authenticate),
    (re.compile(r"authentication succeeded"), RASCS_Authenticated),
    (re.compile(r"^local\s+IP address (\S+)"), RASCS_Projected),
    (re.compile(r"^remote\s+IP address (\S+)"), RASCS_Connected),
)
_INTERFACE = re.compile(r"^Using interface (\S+)")


def process_start_time(pid):
    """The start time of process `pid` (clock ticks since boot), or None
    when it does not exist or is a zombie: with the pid, it names one
    process for good."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            stat = f.read()
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2:].split()
    if not fields or fields[0] in ("Z", "X"):
        return None
    return int(fields[19])


def write_json(path, data):
    """Replaces `path` with `data` as JSON, atomically (readers never see
    half a file)."""
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, path)


class Link:
    """The state machine of one dial, fed with the dialer's log lines."""

    def __init__(self, directory):
        self.directory = directory
        with open(os.path.join(directory, "dial.json"), encoding="utf-8") as f:
            self.dial = json.load(f)
        self.status = {
            "handle": self.dial["handle"], "entry": self.dial["entry"], "state": RASCS_OpenPort, "error": 0,
            "device_type": self.dial["device_type"], "device_name": self.dial["device_name"],
            "interface": "", "local": "", "remote": "", "link_pid": os.getpid(),
            "link_start": process_start_time(os.getpid()), "owner_pid": self.dial["owner_pid"],
            "owner_start": self.dial["owner_start"], "final": False,
        }
        self.position = 0
        self.hung_up = threading.Event()
        self.dialer = None

    def publish(self):
        try:
            write_json(os.path.join(self.directory, "status.json"), self.status)
        except OSError:
            pass  # HangUp removed the connection already
        try:
            print("STATE", self.status["state"], self.status["error"], flush=True)
        except (OSError, ValueError):
            pass  # the program that dialled is gone; the link goes on

    def advance(self, target):
        """Enters every state up to `target`, each reported in turn."""
        index = SEQUENCE.index(target)
        while self.position < index:
            self.position += 1
            self.status["state"] = SEQUENCE[self.position]
            self.publish()

    def feed(self, line):
        match = _INTERFACE.search(line)
        if match:
            self.status["interface"] = match.group(1)
        for pattern, state in _PROGRESS:
            match = pattern.search(line)
            if not match:
                continue
            if state == RASCS_Authenticate:
                self.status["interface"] = match.group(1)
            elif state == RASCS_Projected:
                self.status["local"] = match.group(1)
            elif state == RASCS_Connected:
                self.status["remote"] = match.group(1)
            if SEQUENCE.index(state) > self.position:
                self.advance(state)

    def finish(self, exit_status):
        connected = self.status["state"] == RASCS_Connected
        if self.hung_up.is_set():
            self.status.update(state=RASCS_Disconnected, error=0)
        elif connected:
            self.status.update(state=RASCS_Disconnected, error=_ras_errors.error_for_exit(exit_status, True))
        else:
            self.status["error"] = _ras_errors.error_for_exit(exit_status, False)
        self.status["final"] = True
        self.publish()

    def hang_up(self, *_):
        self.hung_up.set()
        dialer = self.dialer
        if dialer is None:
            return
        try:
            dialer.terminate()
        except OSError:
            return

        def kill_late():
            try:
                dialer.wait(TERMINATE_GRACE)
            except subprocess.TimeoutExpired:
                dialer.kill()

        threading.Thread(target=kill_late, daemon=True).start()

    def run(self):
        signal.signal(signal.SIGTERM, self.hang_up)
        self.publish()
        env = dict(os.environ)
        env.update(self.dial["env"])
        log = open(os.path.join(self.directory, "dialer.log"), "a", encoding="utf-8", errors="replace")
        try:
            self.dialer = subprocess.Popen(self.dial["argv"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                           stderr=subprocess.STDOUT, env=env, text=True, errors="replace",
                                           close_fds=True)
        except OSError as exc:
            log.write(f"cannot start {self.dial['argv'][0]}: {exc}\n")
            log.close()
            self.status.update(error=_ras_errors.CODES["ERROR_PORT_NOT_AVAILABLE"], final=True)
            self.publish()
            return 1
        self.status["dialer_pid"] = self.dialer.pid
        self.status["dialer_start"] = process_start_time(self.dialer.pid)
        if self.hung_up.is_set():
            self.hang_up()
        self.advance(RASCS_ConnectDevice)
        for line in self.dialer.stdout:
            log.write(line)
            log.flush()
            self.feed(line.strip())
        exit_status = self.dialer.wait()
        log.write(f"dialer exit status {exit_status}\n")
        log.close()
        self.finish(exit_status)
        return 0


def main(argv):
    """Runs the link of the connection directory argv[1]."""
    if len(argv) != 2:
        print("usage: python -m pywin32_posix._ras_link DIR", file=sys.stderr)
        return 2
    return Link(argv[1]).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
