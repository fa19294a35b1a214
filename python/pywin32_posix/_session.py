"""Removing a private session (a PYWIN32_POSIX_ROOT made for one run).

The session's shared memory lives in /dev/shm under a name derived from its
runtime directory, not inside the root, so deleting the root alone would leave
the segment behind. The tests and the demo make a fresh root per run and call
remove_private_session() when done.
"""
import os
import shutil
import signal
import time

from pywin32_posix._w32 import _diagnostics

_SHM_DIR = "/dev/shm"


def shm_prefix(root):
    """The /dev/shm file-name prefix of the session rooted at `root`."""
    return _diagnostics.session_shm_prefix(str(root)).lstrip("/")


def stop_service_manager(root, timeout=15.0):
    """Ends the session's service manager, if one runs: it stops its
    services first (SHUTDOWN or STOP, then kill), as Windows does at shutdown."""
    pid_path = os.path.join(str(root), "run", "services", "manager.pid")
    try:
        with open(pid_path) as f:
            pid = int(f.read().strip())
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            if b"w32-service-manager" not in f.read():
                return  # a stale pid file naming another process now
        os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError):
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and os.path.exists("/proc/%d" % pid):
        time.sleep(0.02)


def remove_private_session(root):
    """Deletes `root` and the session's shared-memory segments. Only for a
    root made for one run, once none of its processes is left."""
    stop_service_manager(root)
    prefix = shm_prefix(root) + "."
    try:
        names = os.listdir(_SHM_DIR)
    except OSError:
        names = []
    for name in names:
        if name.startswith(prefix):
            try:
                os.unlink(os.path.join(_SHM_DIR, name))
            except OSError:
                pass
    shutil.rmtree(root, ignore_errors=True)
