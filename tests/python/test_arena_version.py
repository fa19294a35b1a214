"""A process built with another arena layout must not join (or wipe) a live
session: it gets ERROR_REVISION_MISMATCH and the session goes on."""
import os
import struct
import tempfile

from pywin32_posix._session import remove_private_session, shm_prefix

CHILD = r"""
import pywintypes, win32event
try:
    win32event.CreateEvent(None, 0, 0, "layout-check")
    print("joined")
except pywintypes.error as e:
    print("error", e.winerror)
"""

HOLDER = r"""
import sys, win32event
h = win32event.CreateEvent(None, 1, 1, "kept")
print("ready", flush=True)
sys.stdin.readline()
print("still", win32event.WaitForSingleObject(h, 0), flush=True)
"""


def test_other_layout_version_is_refused_and_the_arena_kept(run_py):
    import subprocess
    import sys

    root = tempfile.mkdtemp(prefix="w32v-")
    env = dict(os.environ, PYWIN32_POSIX_ROOT=root)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER], env=env, cwd=root, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == "ready"
        path = "/dev/shm/" + shm_prefix(root) + ".arena"
        with open(path, "r+b") as f:
            f.seek(8)  # Header: u64 magic, then u32 version
            (version,) = struct.unpack("<I", f.read(4))
            f.seek(8)
            f.write(struct.pack("<I", version + 1000))
        try:
            r = run_py(CHILD, env={"PYWIN32_POSIX_ROOT": root})
            assert r.stdout.strip() == "error 1306", r.stdout + r.stderr
        finally:
            with open(path, "r+b") as f:
                f.seek(8)
                f.write(struct.pack("<I", version))
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "still 0"
    finally:
        holder.kill()
        holder.wait()
        remove_private_session(root)


def test_a_left_over_arena_of_another_version_is_replaced(run_py):
    # After an upgrade, the old version's arena may still be in /dev/shm with
    # nobody using it: the new version starts afresh instead of failing.
    root = tempfile.mkdtemp(prefix="w32v-")
    try:
        # os._exit: a process that ends without its exit handlers (as a killed
        # one) leaves the segment behind.
        r = run_py("import os, win32event; win32event.CreateEvent(None, 0, 0, 'old'); print('made', flush=True); "
                   "os._exit(0)", env={"PYWIN32_POSIX_ROOT": root})
        assert r.stdout.strip() == "made", r.stderr
        path = "/dev/shm/" + shm_prefix(root) + ".arena"
        with open(path, "r+b") as f:
            f.seek(8)
            f.write(struct.pack("<I", 999))
        r = run_py(CHILD, env={"PYWIN32_POSIX_ROOT": root})
        assert r.stdout.strip() == "joined", r.stdout + r.stderr
        r = run_py("import pywintypes, win32event\n"
                   "try:\n    win32event.OpenEvent(0x100000, 0, 'old'); print('kept')\n"
                   "except pywintypes.error as e:\n    print('gone', e.winerror)",
                   env={"PYWIN32_POSIX_ROOT": root})
        assert r.stdout.strip() == "gone 2", r.stdout + r.stderr
    finally:
        remove_private_session(root)
