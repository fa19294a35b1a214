"""The RAS connection table behind win32ras: one directory per connection
under <state dir>/ras/connections/<handle>/, holding what Dial asked for
(dial.json) and the link's status (status.json, written by its supervisor,
pywin32_posix._ras_link). Every process reads the same table, so
EnumConnections, GetConnectStatus and HangUp work on connections other
processes dialled, as RAS connections are the system's."""
import fcntl
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback

from pywin32_posix import _ras_errors
from pywin32_posix._ras_link import (TERMINATE_GRACE, RASCS_Connected, RASCS_Disconnected, RASCS_OpenPort,
                                     process_start_time, write_json)

WM_RASDIALEVENT = 0xCCCD  # the message RasDial's notifier is called with
HANGUP_WAIT = 15.0  # seconds HangUp waits for the link to end (pppd's own grace is 5 s)
_FIRST_HANDLE = 0x10000
DIALER_ENV = "PYWIN32_POSIX_RAS_DIALER"  # tests: a program standing in for pppd


def table_dir(ras_dir):
    """The directory of the connection table."""
    directory = os.path.join(ras_dir, "connections")
    os.makedirs(directory, mode=0o700, exist_ok=True)
    return directory


def _allocate(ras_dir):
    """A handle no connection of this state root has had, and its directory."""
    table = table_dir(ras_dir)
    fd = os.open(os.path.join(ras_dir, "handles.lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        counter = os.path.join(ras_dir, "next_handle")
        try:
            with open(counter, encoding="ascii") as f:
                handle = max(int(f.read().strip() or 0), _FIRST_HANDLE)
        except (FileNotFoundError, ValueError):
            handle = _FIRST_HANDLE
        while os.path.exists(os.path.join(table, str(handle))):
            handle += 1
        with open(counter, "w", encoding="ascii") as f:
            f.write(str(handle + 1))
        directory = os.path.join(table, str(handle))
        os.mkdir(directory, 0o700)
        return handle, directory
    finally:
        os.close(fd)


def read_status(ras_dir, handle):
    """The status of connection `handle` (a dict), None when the handle
    names no connection. A link whose supervisor is gone without saying so
    (killed) reads as disconnected by a hardware failure."""
    path = os.path.join(table_dir(ras_dir), str(handle), "status.json")
    try:
        with open(path, encoding="utf-8") as f:
            status = json.load(f)
    except (OSError, ValueError):
        return None
    if not status.get("final") and not _alive(status.get("link_pid"), status.get("link_start")):
        if status.get("link_pid") is not None or not _alive(status.get("owner_pid"), status.get("owner_start")):
            status.update(state=RASCS_Disconnected, error=_ras_errors.CODES["ERROR_HARDWARE_FAILURE"], final=True)
    return status


def _alive(pid, start):
    return pid is not None and start is not None and process_start_time(pid) == start


def connections(ras_dir):
    """The table's statuses, in handle order. Connections whose link and
    dialling process are both gone are dropped (nobody can hang them up)."""
    table = table_dir(ras_dir)
    found = []
    for name in sorted(os.listdir(table), key=lambda n: (len(n), n)):
        if not name.isdigit():
            continue
        status = read_status(ras_dir, int(name))
        if status is None:
            continue
        if (not _alive(status.get("link_pid"), status.get("link_start"))
                and not _alive(status.get("owner_pid"), status.get("owner_start"))):
            shutil.rmtree(os.path.join(table, name), ignore_errors=True)
            continue
        found.append(status)
    return found


def hang_up(ras_dir, handle):
    """Ends connection `handle`: the link's supervisor ends the dialer
    (SIGTERM, then SIGKILL after its grace), we wait for it, bounded, and
    the handle is freed. False when the handle names no connection."""
    directory = os.path.join(table_dir(ras_dir), str(handle))
    status = read_status(ras_dir, handle)
    if status is None:
        return False
    pid, start = status.get("link_pid"), status.get("link_start")
    if pid is None:
        # Dial is still starting the supervisor: give it the moment it needs.
        deadline = time.monotonic() + HANGUP_WAIT
        while pid is None and time.monotonic() < deadline:
            time.sleep(0.02)
            status = read_status(ras_dir, handle) or status
            pid, start = status.get("link_pid"), status.get("link_start")
    _end(pid, start, HANGUP_WAIT)
    # A supervisor that was killed leaves its dialer behind: end it too.
    _end(status.get("dialer_pid"), status.get("dialer_start"), TERMINATE_GRACE)
    shutil.rmtree(directory, ignore_errors=True)
    return True


def _end(pid, start, grace):
    """SIGTERM to process (pid, start) if it is there, SIGKILL after `grace`
    seconds; returns once it is gone (or after one more second)."""
    if not _alive(pid, start):
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 1.0)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while _alive(pid, start) and time.monotonic() < deadline:
            time.sleep(0.02)
        if not _alive(pid, start):
            return


def _port_path(port):
    """A phonebook port (COM1, or a device path) as a device path."""
    if port.upper().startswith("COM") and port[3:].isdigit() and int(port[3:]) > 0:
        return f"/dev/ttyS{int(port[3:]) - 1}"
    return port


def dialer_command(entry, number, user, password, handle, directory):
    """The dialer's argv and environment for a phonebook entry (its keys, a
    dict with lower-cased names) and the dial parameters, and the device's
    type and name. pppd by default; the password goes in an options file
    only we read, not on the command line."""
    args = ["nodetach", "logfd", "1", "linkname", f"w32ras-{handle}"]
    pty = entry.get("posixpty", "")
    port = _port_path(entry.get("port", ""))
    if pty:
        args += ["pty", pty]
        words = shlex.split(pty)
        device_type, device_name = "serial", words[0] if words else "pty"
    elif port:
        args.append(port)
        device_type, device_name = ("modem" if number else "serial"), port
        if number:
            chat = (f"chat -v -t 60 ABORT BUSY ABORT 'NO CARRIER' ABORT 'NO DIALTONE' ABORT 'NO ANSWER' "
                    f"'' ATDT{number} CONNECT ''")
            args += ["connect", chat]
    else:
        return None
    if user:
        args += ["user", user]
    if password:
        secret = os.path.join(directory, "password.options")
        with open(os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600), "w",
                  encoding="utf-8") as f:
            f.write("password " + json.dumps(password) + "\n")
        args += ["file", secret]
    args += shlex.split(entry.get("posixpppdoptions", ""))
    program = os.environ.get(DIALER_ENV) or entry.get("posixdialer", "") or "pppd"
    argv = shlex.split(program) + args
    env = {"PYWIN32_POSIX_RAS_ENTRY": entry.get("", ""), "PYWIN32_POSIX_RAS_NUMBER": number,
           "PYWIN32_POSIX_RAS_USER": user}
    return argv, env, device_type, device_name


class Dialling:
    """One Dial in the process that dialled: starts the link's supervisor
    and passes its state reports to the caller (synchronous), the callback
    or the event."""

    def __init__(self, ras_dir, handle, directory, dial):
        self.ras_dir = ras_dir
        self.handle = handle
        self.directory = directory
        write_json(os.path.join(directory, "dial.json"), dial)
        write_json(os.path.join(directory, "status.json"), {
            "handle": handle, "entry": dial["entry"], "state": RASCS_OpenPort, "error": 0,
            "device_type": dial["device_type"], "device_name": dial["device_name"], "interface": "",
            "link_pid": None, "link_start": None, "owner_pid": dial["owner_pid"],
            "owner_start": dial["owner_start"], "final": False})
        with open(os.path.join(directory, "link.err"), "ab") as errors:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "pywin32_posix._ras_link", directory], stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=errors, text=True, start_new_session=True, close_fds=True)

    def reports(self):
        """(state, error) for each state the link enters, until it ends."""
        for line in self.proc.stdout:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "STATE":
                yield int(parts[1]), int(parts[2])
        self.proc.wait()

    def wait_connected(self):
        """Synchronous Dial: 0 once connected, else the error that ended the
        dial. The link's later reports are drained by a thread."""
        reports = self.reports()
        result = None
        for state, error in reports:
            if error or state == RASCS_Disconnected:
                result = error or _ras_errors.CODES["ERROR_DISCONNECTION"]
                break
            if state == RASCS_Connected:
                result = 0
                break
        if result is None:  # the supervisor ended without a word
            status = read_status(self.ras_dir, self.handle)
            result = (status or {}).get("error") or _ras_errors.CODES["ERROR_HARDWARE_FAILURE"]
        threading.Thread(target=_drain, args=(reports,), name="ras-link-drain", daemon=True).start()
        return result

    def notify(self, callback):
        """Asynchronous Dial: a thread calls callback(hrasconn, WM_RASDIALEVENT,
        state, error, 0) for each report, or sets the event handle."""
        def run():
            for state, error in self.reports():
                try:
                    if callable(callback):
                        callback(self.handle, WM_RASDIALEVENT, state, error, 0)
                    else:
                        import win32event
                        win32event.SetEvent(callback)
                except Exception:
                    traceback.print_exc()

        threading.Thread(target=run, name="ras-dial-notify", daemon=True).start()


def _drain(reports):
    # The link's later reports have no reader; reading them reaps the link.
    for _ in reports:
        pass


def start_dial(ras_dir, entry_name, entry, number, user, password):
    """Creates a connection for an entry and starts its link: (handle, 0,
    Dialling), or (0, error, None) when the entry has no device or the
    supervisor cannot start."""
    handle, directory = _allocate(ras_dir)
    command = dialer_command(entry, number, user, password, handle, directory)
    if command is None:
        shutil.rmtree(directory, ignore_errors=True)
        return 0, _ras_errors.CODES["ERROR_PORT_NOT_CONFIGURED"], None
    argv, env, device_type, device_name = command
    dial = {"handle": handle, "entry": entry_name, "argv": argv, "env": env, "device_type": device_type,
            "device_name": device_name, "owner_pid": os.getpid(), "owner_start": process_start_time(os.getpid())}
    try:
        return handle, 0, Dialling(ras_dir, handle, directory, dial)
    except OSError:
        shutil.rmtree(directory, ignore_errors=True)
        return 0, _ras_errors.CODES["ERROR_PORT_NOT_AVAILABLE"], None
