"""A throwaway PostgreSQL server on loopback for the odbc tests.

initdb into a fresh temporary directory, then `postgres` listening on
127.0.0.1 at a free port, trust authentication, fsync off (the data is thrown
away). PostgreSQL refuses to run as root: when the tests run as root (CI
does), the server runs as Debian's `postgres` system user (or `nobody`) via
runuser, in a directory that user owns. `PgServer.unavailable()` says why a
server cannot be started here (no PostgreSQL binaries, no driver), so that
the tests skip with that reason instead of failing.
"""
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

DRIVER = "PostgreSQL Unicode"
DRIVER_PATHS = glob.glob("/usr/lib/*/odbc/psqlodbcw.so") + glob.glob("/usr/lib/odbc/psqlodbcw.so")


def use_private_odbcinst(directory, sqlite_library=None):
    """Points this process (and its children) at an odbcinst.ini of its own.

    Debian's /etc/odbcinst.ini turns psqlODBC's communication log on, which
    leaves a psqlodbc_*.log in /tmp for every process; this one registers
    psqlODBC with the log off (and, given its library, the SQLite driver as
    "SQLite3", for peers such as pyodbc that need it registered). Call it
    before the first ODBC call: the driver manager reads the variable once.
    """
    os.makedirs(directory, exist_ok=True)
    lines = []
    if DRIVER_PATHS:
        lines += [f"[{DRIVER}]", f"Driver={DRIVER_PATHS[0]}", "CommLog=0", "Debug=0", ""]
    if sqlite_library:
        lines += ["[SQLite3]", f"Driver={sqlite_library}", ""]
    with open(os.path.join(directory, "odbcinst.ini"), "w") as f:
        f.write("\n".join(lines))
    os.environ["ODBCSYSINI"] = directory


def _bin_dir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _run_as_user():
    """The account the server runs as when we are root (None: ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self):
        self.bin = _bin_dir()
        self.user = _run_as_user()
        self.dir = None
        self.proc = None
        self.port = None

    @staticmethod
    def unavailable():
        if not _bin_dir():
            return "PostgreSQL server binaries not installed (Debian: postgresql)"
        if not DRIVER_PATHS:
            return "psqlODBC not installed (Debian: odbc-postgresql)"
        if os.geteuid() == 0 and _run_as_user() is None:
            return "running as root and no unprivileged account (postgres, nobody) to run PostgreSQL"
        if os.geteuid() == 0 and not shutil.which("runuser"):
            return "running as root without runuser"
        return None

    def _cmd(self, *args):
        if self.user is None:
            return list(args)
        return ["runuser", "-u", self.user.pw_name, "--", *args]

    def init(self):
        # Outside the session root: that is 0700 and ours, the server's user could not enter it.
        self.dir = tempfile.mkdtemp(prefix="w32pg-")
        if self.user is not None:
            os.chown(self.dir, self.user.pw_uid, self.user.pw_gid)
        data = os.path.join(self.dir, "data")
        subprocess.run(
            self._cmd(os.path.join(self.bin, "initdb"), "-D", data, "-A", "trust", "-U", "w32test",
                      "-E", "UTF8", "--locale=C", "-N"),
            check=True, capture_output=True, timeout=120, cwd="/")
        return self

    def start(self, timeout=60):
        self.port = self.port or _free_port()
        data = os.path.join(self.dir, "data")
        log = open(os.path.join(self.dir, "log"), "ab")
        self.proc = subprocess.Popen(
            self._cmd(os.path.join(self.bin, "postgres"), "-D", data, "-p", str(self.port),
                      "-h", "127.0.0.1", "-k", self.dir, "-c", "fsync=off",
                      "-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
            stdout=log, stderr=log, stdin=subprocess.DEVNULL, cwd="/", start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("postgres exited: " + self.log_tail())
            probe = subprocess.run(
                [os.path.join(self.bin, "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
                check=False, timeout=10)
            if probe.returncode == 0:
                return self
            time.sleep(0.1)
        raise RuntimeError("postgres did not start: " + self.log_tail())

    def postmaster_pid(self):
        try:
            with open(os.path.join(self.dir, "data", "postmaster.pid")) as f:
                return int(f.readline())
        except (OSError, ValueError):
            return None

    def log_tail(self):
        try:
            with open(os.path.join(self.dir, "log"), "rb") as f:
                return f.read()[-2000:].decode(errors="replace")
        except OSError:
            return ""

    def stop(self, mode="fast"):
        """Stops the server (fast: SIGINT; immediate: SIGQUIT) and waits for it."""
        if self.proc is None or self.proc.poll() is not None:
            return
        sig = signal.SIGINT if mode == "fast" else signal.SIGQUIT
        pid = self.postmaster_pid()
        if pid:
            os.kill(pid, sig)  # the postmaster itself: runuser does not pass signals on
        else:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def cleanup(self):
        self.stop()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def connect_string(self, **extra):
        # CommLog/Debug off: Debian's odbcinst.ini turns psqlODBC's
        # communication log on, a file in /tmp for every process.
        parts = {"Driver": "{%s}" % DRIVER, "Server": "127.0.0.1", "Port": self.port,
                 "Database": "postgres", "Uid": "w32test", "Pwd": "", "CommLog": 0, "Debug": 0}
        parts.update(extra)
        return ";".join(f"{k}={v}" for k, v in parts.items())
