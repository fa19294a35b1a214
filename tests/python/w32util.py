"""Shared by the win32event, process-handle and message-queue tests: Windows
error codes and timeouts, unique object names, child pythons (started in
this run's session) and their output, threads that run one call, and
checks on pywintypes.error.

Every helper that waits has a bound, so a bug shows as a failure rather than
a hang. pytest puts this directory on sys.path: tests `import w32util`.
"""
import gc
import os
import queue
import subprocess
import sys
import textwrap
import threading
import uuid

import pytest

import pywintypes
import win32event as w
from pywin32_posix._w32 import _diagnostics

# Windows error codes (pywintypes.error.winerror).
ERROR_FILE_NOT_FOUND = 2
ERROR_PATH_NOT_FOUND = 3
ERROR_ACCESS_DENIED = 5
ERROR_INVALID_HANDLE = 6
ERROR_NOT_SUPPORTED = 50
ERROR_INVALID_PARAMETER = 87
ERROR_INVALID_NAME = 123
ERROR_ALREADY_EXISTS = 183
ERROR_NOT_OWNER = 288
ERROR_TOO_MANY_POSTS = 298
ERROR_INVALID_THREAD_ID = 1444
ERROR_NOT_ENOUGH_QUOTA = 1816

# Wait results and access rights, as numbers (not taken from the module under test).
WAIT_TIMEOUT = 258
WAIT_ABANDONED = 0x80
SEMAPHORE_ALL_ACCESS = 0x001F0003
MUTEX_ALL_ACCESS = 0x001F0001

# Generous bound for "this should happen promptly" waits (ms), a short one
# for "this must not happen" checks (ms), and the bound on a child (s).
LONG_MS = 15000
SHORT_MS = 50
CHILD_TIMEOUT = 60


# --- names ---------------------------------------------------------------------


def namer(kind):
    """uname(tag) for one test file: names like w32t-<kind>-<tag>-<random>."""

    def uname(tag):
        """A name no other test (or earlier run) uses."""
        return f"w32t-{kind}-{tag}-{uuid.uuid4().hex[:12]}"

    return uname


# --- child processes -----------------------------------------------------------


def popen_py(code, *args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=-1):
    """Starts `python -c code args` (code dedented, args made str) in this
    run's session: it inherits PYWIN32_POSIX_ROOT through os.environ. Text
    pipes by default; pass stdin=subprocess.PIPE (and bufsize=1) to drive it
    line by line, None to inherit a stream."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *map(str, args)],
        env=os.environ.copy(),
        cwd=os.environ["PYWIN32_POSIX_ROOT"],  # not the repo: its python/ must not shadow the install
        stdin=stdin,
        stdout=stdout,
        stderr=stderr,
        text=True,
        bufsize=bufsize,
    )


def finish(proc, timeout=CHILD_TIMEOUT):
    """communicate() with a timeout; kills the child (and fails) on a hang.
    Returns (returncode, stdout, stderr)."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"child process hung\nstdout:\n{out}\nstderr:\n{err}")
    return proc.returncode, out, err


def read_line(proc, timeout=30):
    """One stdout line of `proc` (stripped; "" at its end), or a failure
    after `timeout` seconds. Reads no further: the rest of stdout is left
    for finish()."""
    q = queue.Queue()
    t = threading.Thread(target=lambda: q.put(proc.stdout.readline()), daemon=True)
    t.start()
    try:
        return q.get(timeout=timeout).strip()
    except queue.Empty:
        proc.kill()
        pytest.fail("child process did not report in time")


class LineReader:
    """Reads a child's stdout lines in a thread, so reads can time out.
    `timeout` is get()'s default bound (seconds)."""

    def __init__(self, proc, timeout=30):
        self.proc = proc
        self.timeout = timeout
        self.q = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            self.q.put(line.strip())
        self.q.put(None)

    def get(self, timeout=None):
        """The next line (stripped); fails on a timeout or when the child's
        stdout ends first."""
        try:
            line = self.q.get(timeout=self.timeout if timeout is None else timeout)
        except queue.Empty:
            self.proc.kill()
            pytest.fail("child process did not report in time")
        if line is None:
            self.proc.wait(10)
            pytest.fail(f"child ended early: {self.proc.stderr.read()}")
        return line


def join_mp(proc, timeout=CHILD_TIMEOUT):
    """Joins a multiprocessing child (killing it and failing on a hang);
    returns its exit code."""
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join(10)
        pytest.fail("multiprocessing child hung")
    return proc.exitcode


# --- threads -------------------------------------------------------------------


class Worker:
    """Runs fn(*args) in a daemon thread; .join() returns its result or
    raises its error (failing if the thread is still running after the
    timeout: join_timeout seconds unless given)."""

    join_timeout = LONG_MS / 1000 + 10

    def __init__(self, fn, *args):
        self.result = None
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(fn, *args), daemon=True)
        self.thread.start()

    def _run(self, fn, *args):
        try:
            self.result = fn(*args)
        except BaseException as e:  # noqa: BLE001
            self.error = e

    def still_running_after(self, seconds):
        self.thread.join(seconds)
        return self.thread.is_alive()

    def join(self, timeout=None):
        self.thread.join(self.join_timeout if timeout is None else timeout)
        assert not self.thread.is_alive(), "thread hung"
        if self.error is not None:
            raise self.error
        return self.result


def in_thread(fn, timeout=None):
    """Runs fn() in another thread; returns its result or raises its error."""
    return Worker(fn).join(timeout)


# --- objects and errors --------------------------------------------------------


def assert_winerror(excinfo, code, funcname=None):
    """The pytest.raises excinfo holds a pywintypes.error with this winerror
    (and, if given, this funcname)."""
    err = excinfo.value
    assert isinstance(err, pywintypes.error)
    assert err.winerror == code, err.args
    if funcname is not None:
        assert err.funcname == funcname


def is_set(h):
    return w.WaitForSingleObject(h, 0) == w.WAIT_OBJECT_0


def events(n, manual=0, initial=0):
    return [w.CreateEvent(None, manual, initial, None) for _ in range(n)]


def close_all(handles):
    for h in handles:
        h.Close()


def objects_in_use(collect=False):
    """Objects in the session's arena. collect=True runs the garbage
    collector first (handles held only by garbage would count too)."""
    if collect:
        gc.collect()
    return _diagnostics.arena_stats()[0]
