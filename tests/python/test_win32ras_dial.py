"""win32ras.Dial and the connections it makes: the connection state machine
end to end, synchronous and asynchronous (callback, event handle), errors,
HangUp while dialling and when up, a remote hangup, a dialer that dies,
connections seen and hung up across processes. A test dialer standing in
for pppd (same log lines, same exit codes) runs everywhere; real pppd runs
where it can: without the kernel's PPP support (its refusal is reported),
and with it, a PPP link between two pppd processes over a pty in network
namespaces of the test's own."""
import ast
import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time

import pytest

import pywintypes
import win32event
import win32ras
import winerror

WAIT = 30.0  # seconds any one wait may take before the test fails

# A dialer speaking pppd's log lines and exit codes; what it does depends on
# the number dialled. It notes its pid and argv in FAKE_PPP_DIR.
FAKE_PPPD = r'''
import os, signal, sys, time
number = os.environ.get("PYWIN32_POSIX_RAS_NUMBER", "")
where = os.environ["FAKE_PPP_DIR"]
with open(os.path.join(where, number + ".argv"), "w") as f:
    f.write("\n".join(sys.argv[1:]))
with open(os.path.join(where, number + ".pid.tmp"), "w") as f:
    f.write(str(os.getpid()))
os.replace(os.path.join(where, number + ".pid.tmp"), os.path.join(where, number + ".pid"))

def log(msg):
    print(msg, flush=True)

def on_term(signum, frame):
    log("Terminating on signal %d" % signum)
    log("Connection terminated.")
    sys.exit(5)

def on_usr1(signum, frame):
    log("Modem hangup")
    log("Connection terminated.")
    sys.exit(16)

signal.signal(signal.SIGTERM, on_term)
signal.signal(signal.SIGUSR1, on_usr1)
if number == "5550199":          # nobody answers
    log("Connect script failed")
    sys.exit(8)
if number == "5550155":          # the port does not open
    log("Failed to open /dev/ttyS0: No such file or directory")
    sys.exit(7)
if number == "5550177":          # the modem never answers: hangs dialling
    while True:
        time.sleep(1)
log("Serial connection established.")
log("Using interface ppp7")
log("Connect: ppp7 <--> /dev/ttyS0")
if number == "5550166":          # the server refuses our password
    log("PAP authentication failed")
    log("Connection terminated.")
    sys.exit(19)
log("PAP authentication succeeded")
log("local  IP address 10.64.0.2")
log("remote IP address 10.64.0.1")
while True:
    time.sleep(1)
'''

PHONEBOOK = """[Fake ISP]
Port=COM1
PhoneNumber=5550100

[No Port]
PhoneNumber=5550100
"""

SUCCESS_STATES = [win32ras.RASCS_OpenPort, win32ras.RASCS_PortOpened, win32ras.RASCS_ConnectDevice,
                  win32ras.RASCS_DeviceConnected, win32ras.RASCS_AllDevicesConnected, win32ras.RASCS_Authenticate,
                  win32ras.RASCS_Authenticated, win32ras.RASCS_Projected, win32ras.RASCS_Connected]


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """The test dialer in place of pppd; yields the phonebook's path and the
    dialer's notes directory. Dialer processes left over are killed."""
    notes = tmp_path / "dialer"
    notes.mkdir()
    script = tmp_path / "fake_pppd.py"
    script.write_text(FAKE_PPPD)
    monkeypatch.setenv("PYWIN32_POSIX_RAS_DIALER", f"{sys.executable} {script}")
    monkeypatch.setenv("FAKE_PPP_DIR", str(notes))
    book = tmp_path / "test.pbk"
    book.write_text(PHONEBOOK)
    mine = set()
    yield str(book), notes, mine
    for h in mine:
        try:
            win32ras.HangUp(h)
        except pywintypes.error:
            pass
    for pid_file in notes.glob("*.pid"):
        try:
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass


def dialer_pid(notes, number):
    path = notes / f"{number}.pid"
    deadline = time.monotonic() + WAIT
    while not path.exists():
        assert time.monotonic() < deadline, "the dialer did not start"
        time.sleep(0.02)
    return int(path.read_text())


def wait_gone(pid):
    deadline = time.monotonic() + WAIT
    while True:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return
        except FileNotFoundError:
            return
        assert time.monotonic() < deadline, f"process {pid} is still there"
        time.sleep(0.02)


def wait_status(h, predicate):
    deadline = time.monotonic() + WAIT
    while True:
        status = win32ras.GetConnectStatus(h)
        if predicate(status):
            return status
        assert time.monotonic() < deadline, f"the connection stayed at {status}"
        time.sleep(0.02)


class Recorder:
    """A RasDialFunc1 callback keeping what it was called with."""

    def __init__(self):
        self.calls = []
        self.changed = threading.Condition()

    def __call__(self, hrasconn, msg, state, error, exterror):
        with self.changed:
            self.calls.append((hrasconn, msg, state, error, exterror))
            self.changed.notify_all()

    def wait_for(self, predicate):
        with self.changed:
            assert self.changed.wait_for(lambda: any(predicate(c) for c in self.calls), WAIT), self.calls

    def states(self):
        with self.changed:
            return [c[2] for c in self.calls]


def invalid(h):
    with pytest.raises(pywintypes.error) as e:
        win32ras.GetConnectStatus(h)
    return e.value.winerror == winerror.ERROR_INVALID_HANDLE and not win32ras.IsHandleValid(h)


def test_synchronous_dial_connects_and_hangup_ends_the_dialer(fake):
    book, notes, mine = fake
    h, rc = win32ras.Dial(None, book, ("Fake ISP",), None)
    mine.add(h)
    assert (h > 0, rc) == (True, 0)
    assert win32ras.GetConnectStatus(h) == (win32ras.RASCS_Connected, 0, "modem", "/dev/ttyS0")
    assert (h, "Fake ISP", "modem", "/dev/ttyS0") in win32ras.EnumConnections()
    assert win32ras.IsHandleValid(h)
    argv = (notes / "5550100.argv").read_text().split("\n")
    assert argv[:2] == ["nodetach", "logfd"] and "/dev/ttyS0" in argv  # COM1
    assert any("ATDT5550100" in a for a in argv)  # the entry's number, through chat
    pid = dialer_pid(notes, "5550100")
    win32ras.HangUp(h)
    wait_gone(pid)
    assert invalid(h)
    assert h not in [c[0] for c in win32ras.EnumConnections()]
    with pytest.raises(pywintypes.error) as e:
        win32ras.HangUp(h)
    assert e.value.winerror == winerror.ERROR_INVALID_HANDLE


def test_dial_errors_are_returned_with_the_state_they_ended(fake, tmp_path):
    book, notes, mine = fake
    h, rc = win32ras.Dial(None, book, ("Fake ISP", "5550199"), None)  # a number nobody answers
    mine.add(h)
    assert rc == win32ras.ERROR_NO_ANSWER
    assert win32ras.GetConnectStatus(h)[:2] == (win32ras.RASCS_ConnectDevice, win32ras.ERROR_NO_ANSWER)
    assert win32ras.IsHandleValid(h)  # as on Windows, a failed dial is hung up by its caller
    win32ras.HangUp(h)
    assert invalid(h)

    h, rc = win32ras.Dial(None, book, ("Fake ISP", "5550166", "", "bob", "wrong"), None)
    mine.add(h)
    assert rc == win32ras.ERROR_AUTHENTICATION_FAILURE
    assert win32ras.GetConnectStatus(h)[:2] == (win32ras.RASCS_Authenticate, win32ras.ERROR_AUTHENTICATION_FAILURE)
    argv = (notes / "5550166.argv").read_text().split("\n")
    assert argv[argv.index("user") + 1] == "bob" and "wrong" not in argv  # the password is in a file
    options = argv[argv.index("file") + 1]
    assert os.stat(options).st_mode & 0o777 == 0o600
    win32ras.HangUp(h)
    assert not os.path.exists(options)

    assert win32ras.Dial(None, book, ("No Such Entry",), None) == (0, win32ras.ERROR_CANNOT_FIND_PHONEBOOK_ENTRY)
    assert win32ras.Dial(None, book, ("No Port",), None) == (0, win32ras.ERROR_PORT_NOT_CONFIGURED)
    assert win32ras.Dial(None, str(tmp_path / "none.pbk"), ("Fake ISP",), None) == (
        0, win32ras.ERROR_CANNOT_OPEN_PHONEBOOK)


def test_a_port_or_dialer_that_is_not_there(fake, monkeypatch, tmp_path):
    book, notes, mine = fake
    h, rc = win32ras.Dial(None, book, ("Fake ISP", "5550155"), None)
    mine.add(h)
    assert rc == win32ras.ERROR_PORT_NOT_AVAILABLE  # pppd's exit status 7
    assert win32ras.GetConnectStatus(h)[:2] == (win32ras.RASCS_ConnectDevice, win32ras.ERROR_PORT_NOT_AVAILABLE)
    win32ras.HangUp(h)
    monkeypatch.setenv("PYWIN32_POSIX_RAS_DIALER", str(tmp_path / "no-such-dialer"))
    h, rc = win32ras.Dial(None, book, ("Fake ISP",), None)
    mine.add(h)
    assert rc == win32ras.ERROR_PORT_NOT_AVAILABLE  # the dialer did not start
    assert win32ras.GetConnectStatus(h)[:2] == (win32ras.RASCS_OpenPort, win32ras.ERROR_PORT_NOT_AVAILABLE)
    win32ras.HangUp(h)
    assert invalid(h)


def test_saved_dial_params_are_used(fake):
    book, notes, mine = fake
    win32ras.SetEntryDialParams(book, ("Fake ISP", "", "", "carol", "pw", ""), True)
    h, rc = win32ras.Dial(None, book, ("Fake ISP",), None)
    mine.add(h)
    assert rc == 0
    argv = (notes / "5550100.argv").read_text().split("\n")
    assert argv[argv.index("user") + 1] == "carol" and "file" in argv
    win32ras.HangUp(h)


def test_async_dial_calls_back_each_state_then_a_remote_hangup(fake):
    book, notes, mine = fake
    calls = Recorder()
    h, rc = win32ras.Dial(None, book, ("Fake ISP",), calls)
    mine.add(h)
    assert (h > 0, rc) == (True, 0)
    calls.wait_for(lambda c: c[2] == win32ras.RASCS_Connected)
    assert calls.states() == SUCCESS_STATES
    assert all(c[0] == h and c[1] == 0xCCCD and c[3:] == (0, 0) for c in calls.calls)
    os.kill(dialer_pid(notes, "5550100"), signal.SIGUSR1)  # the modem hangs up
    calls.wait_for(lambda c: c[2] == win32ras.RASCS_Disconnected)
    assert calls.calls[-1][2:4] == (win32ras.RASCS_Disconnected, win32ras.ERROR_REMOTE_DISCONNECTION)
    assert win32ras.GetConnectStatus(h)[:2] == (win32ras.RASCS_Disconnected, win32ras.ERROR_REMOTE_DISCONNECTION)
    win32ras.HangUp(h)
    assert invalid(h)


def test_async_dial_failure_reaches_the_callback(fake):
    book, notes, mine = fake
    calls = Recorder()
    h, rc = win32ras.Dial(None, book, ("Fake ISP", "5550199"), calls)
    mine.add(h)
    assert rc == 0
    calls.wait_for(lambda c: c[3] != 0)
    assert calls.calls[-1][2:4] == (win32ras.RASCS_ConnectDevice, win32ras.ERROR_NO_ANSWER)
    assert calls.states() == SUCCESS_STATES[:3] + [win32ras.RASCS_ConnectDevice]
    win32ras.HangUp(h)


def test_async_dial_with_an_event_handle(fake):
    book, notes, mine = fake
    event = win32event.CreateEvent(None, 0, 0, None)
    h, rc = win32ras.Dial(None, book, ("Fake ISP",), event)
    mine.add(h)
    assert rc == 0
    deadline = time.monotonic() + WAIT
    while win32ras.GetConnectStatus(h)[0] != win32ras.RASCS_Connected:
        assert time.monotonic() < deadline
        assert win32event.WaitForSingleObject(event, int(WAIT * 1000)) == win32event.WAIT_OBJECT_0
    win32ras.HangUp(h)
    assert invalid(h)


def test_hangup_while_dialling(fake):
    book, notes, mine = fake
    calls = Recorder()
    h, rc = win32ras.Dial(None, book, ("Fake ISP", "5550177"), calls)
    mine.add(h)
    calls.wait_for(lambda c: c[2] == win32ras.RASCS_ConnectDevice)
    pid = dialer_pid(notes, "5550177")
    assert win32ras.GetConnectStatus(h)[:2] == (win32ras.RASCS_ConnectDevice, 0)
    win32ras.HangUp(h)
    wait_gone(pid)
    assert invalid(h)


@pytest.mark.parametrize("number, state_then", [
    ("5550177", win32ras.RASCS_ConnectDevice),  # dies while dialling
    ("5550100", win32ras.RASCS_Disconnected),   # dies with the link up
])
def test_a_dialer_that_dies(fake, number, state_then):
    book, notes, mine = fake
    calls = Recorder()
    h, rc = win32ras.Dial(None, book, ("Fake ISP", number), calls)
    mine.add(h)
    calls.wait_for(lambda c: c[2] == (win32ras.RASCS_Connected if number == "5550100"
                                      else win32ras.RASCS_ConnectDevice))
    os.kill(dialer_pid(notes, number), signal.SIGKILL)
    calls.wait_for(lambda c: c[3] != 0)
    assert calls.calls[-1][2:4] == (state_then, win32ras.ERROR_HARDWARE_FAILURE)
    assert win32ras.GetConnectStatus(h)[:2] == (state_then, win32ras.ERROR_HARDWARE_FAILURE)
    win32ras.HangUp(h)
    assert invalid(h)


def test_a_link_supervisor_that_is_killed(fake, session_root):
    book, notes, mine = fake
    h, rc = win32ras.Dial(None, book, ("Fake ISP",), None)
    mine.add(h)
    assert rc == 0
    with open(os.path.join(session_root, "state", "ras", "connections", str(h), "status.json")) as f:
        link = json.load(f)["link_pid"]
    os.kill(link, signal.SIGKILL)
    wait_status(h, lambda s: s[0] == win32ras.RASCS_Disconnected)
    assert win32ras.GetConnectStatus(h)[:2] == (win32ras.RASCS_Disconnected, win32ras.ERROR_HARDWARE_FAILURE)
    dialer = dialer_pid(notes, "5550100")
    win32ras.HangUp(h)  # ends the dialer the supervisor left behind
    wait_gone(dialer)
    assert invalid(h)


def test_a_connection_outlives_its_dialler_and_is_hung_up_elsewhere(fake, run_py):
    book, notes, mine = fake
    child = run_py("import sys, win32ras\n"
                   "h, rc = win32ras.Dial(None, sys.argv[1], ('Fake ISP',), None)\n"
                   "print(h, rc)\n", book, timeout=60)
    assert child.returncode == 0, child.stderr
    h, rc = map(int, child.stdout.split())
    mine.add(h)
    assert rc == 0
    assert (h, "Fake ISP", "modem", "/dev/ttyS0") in win32ras.EnumConnections()
    assert win32ras.GetConnectStatus(h)[:2] == (win32ras.RASCS_Connected, 0)
    pid = dialer_pid(notes, "5550100")
    win32ras.HangUp(h)
    wait_gone(pid)
    assert invalid(h)


def test_bad_arguments(fake):
    book, notes, mine = fake
    with pytest.raises(TypeError):
        win32ras.Dial(object(), book, ("Fake ISP",), None)
    for params in ("Fake ISP", (), ("a",) * 7, (1,)):
        with pytest.raises(TypeError):
            win32ras.Dial(None, book, params, None)
    with pytest.raises(TypeError):
        win32ras.Dial(None, book, ("Fake ISP",), "not a callback")
    with pytest.raises(TypeError):
        win32ras.Dial(None, 5, ("Fake ISP",), None)
    for call in (win32ras.GetConnectStatus, win32ras.HangUp):
        with pytest.raises(pywintypes.error) as e:
            call(0)
        assert e.value.winerror == winerror.ERROR_INVALID_HANDLE
        with pytest.raises(TypeError):
            call("h")
    assert not os.listdir(notes)  # nothing was dialled


# --- real pppd -------------------------------------------------------------------------


def kernel_ppp():
    """None when the kernel can carry PPP (/dev/ppp opens, made if need be),
    else why not."""
    path = "/dev/ppp"
    made = False
    if not os.path.exists(path):
        try:
            os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(108, 0))
            made = True
        except OSError as exc:
            return f"/dev/ppp does not exist and mknod c 108 0 fails ({exc.strerror})"
    try:
        os.close(os.open(path, os.O_RDWR))
    except OSError as exc:
        if made:
            os.remove(path)  # a node the kernel cannot serve is not left behind
        if exc.errno in (errno.ENXIO, errno.ENODEV):
            return "the kernel has no PPP support: opening /dev/ppp (char 108,0) fails with " + \
                   errno.errorcode[exc.errno] + " (ppp_generic is neither built in nor loaded)"
        return f"/dev/ppp does not open: {exc.strerror}"
    return None


PPPD = shutil.which("pppd") or ("/usr/sbin/pppd" if os.path.exists("/usr/sbin/pppd") else None)


@pytest.mark.skipif(PPPD is None, reason="pppd is not installed (Debian package ppp)")
@pytest.mark.skipif(os.geteuid() != 0, reason="pppd needs root")
def test_real_pppd_without_kernel_support_is_reported(tmp_path):
    why = kernel_ppp()
    if why is None:
        pytest.skip("the kernel supports PPP: test_real_ppp_link covers pppd")
    book = tmp_path / "real.pbk"
    book.write_text("[Loop]\nPosixPty=pppd notty noauth local 10.64.0.1:10.64.0.2\n"
                    "PosixPppdOptions=noauth local noipdefault nodefaultroute\n")
    h, rc = win32ras.Dial(None, str(book), ("Loop",), None)
    try:
        assert rc == win32ras.ERROR_DEVICE_DOES_NOT_EXIST  # pppd's exit status 4
        assert win32ras.GetConnectStatus(h) == (win32ras.RASCS_ConnectDevice, rc, "serial", "pppd")
    finally:
        win32ras.HangUp(h)


REAL_DIALLER = r'''
import sys, threading, win32ras
book = sys.argv[1]
states = []
done = threading.Event()
def callback(h, msg, state, error, exterror):
    states.append((state, error))
    if state == win32ras.RASCS_Connected or error:
        done.set()
h, rc = win32ras.Dial(None, book, ("Loop",), callback)
done.wait(60)
print("states", states, flush=True)
print("status", win32ras.GetConnectStatus(h), flush=True)
import os, subprocess
from pywin32_posix._w32 import win32api
with open(os.path.join(win32api._state_dir(), "ras", "connections", str(h), "dialer.log")) as f:
    print("log", repr(f.read()), flush=True)  # pppd's own words, for a failure's message
print("addr", subprocess.run(["ip", "-4", "-o", "addr", "show"], capture_output=True, text=True).stdout.replace("\n", " | "), flush=True)
win32ras.HangUp(h)
print("hungup", win32ras.IsHandleValid(h), flush=True)
'''


@pytest.mark.skipif(PPPD is None, reason="pppd is not installed (Debian package ppp)")
@pytest.mark.skipif(os.geteuid() != 0, reason="pppd and ip netns need root")
def test_real_ppp_link(tmp_path):
    why = kernel_ppp()
    if why is not None:
        pytest.skip(why)
    if shutil.which("ip") is None:
        pytest.skip("ip (iproute2) is not installed: no network namespaces")
    client_ns, server_ns = f"w32ras-c-{os.getpid()}", f"w32ras-s-{os.getpid()}"
    made = []
    try:
        for ns in (client_ns, server_ns):
            r = subprocess.run(["ip", "netns", "add", ns], capture_output=True, text=True, timeout=WAIT)
            if r.returncode != 0:
                pytest.skip(f"ip netns add fails: {r.stderr.strip()}")
            made.append(ns)
        book = tmp_path / "real.pbk"
        book.write_text(
            "[Loop]\n"
            f"PosixPty=ip netns exec {server_ns} {PPPD} notty noauth local nodefaultroute nodetach "
            "10.64.0.1:10.64.0.2 lcp-echo-interval 0\n"
            "PosixPppdOptions=noauth local noipdefault nodefaultroute lcp-echo-interval 0\n")
        r = subprocess.run(["ip", "netns", "exec", client_ns, sys.executable, "-c", REAL_DIALLER, str(book)],
                           capture_output=True, text=True, timeout=120, env=os.environ.copy(),
                           cwd=os.environ["PYWIN32_POSIX_ROOT"])
        assert r.returncode == 0, r.stdout + r.stderr
        lines = dict(line.split(" ", 1) for line in r.stdout.splitlines())
        states = ast.literal_eval(lines["states"])
        assert [s for s, _ in states] == SUCCESS_STATES, r.stdout
        assert ast.literal_eval(lines["status"])[:2] == (win32ras.RASCS_Connected, 0)
        assert "10.64.0.2" in lines["addr"]  # the link's address, in the client's namespace
        assert lines["hungup"] == "False"
    finally:
        for ns in made:
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True, timeout=WAIT).stdout
            for pid in pids.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=WAIT)
