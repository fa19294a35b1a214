"""The session a test run lives in, and its clean-up (pywin32_posix._session)."""
import os
import textwrap

import pytest

from pywin32_posix._session import remove_private_session, shm_prefix


def _mapped_session_segments():
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "/dev/shm/pywin32-posix." in line}
    return sorted(os.path.basename(p) for p in paths)


def test_shm_prefix_depends_on_the_root_only():
    assert shm_prefix("/x/y") == shm_prefix("/x/y//")
    assert shm_prefix("/x/y") != shm_prefix("/x/z")
    assert shm_prefix("/x/y").startswith("pywin32-posix.%d." % os.getuid())


def test_the_arena_is_named_as_the_cleanup_expects(session_root):
    win32event = pytest.importorskip("win32event")
    h = win32event.CreateEvent(None, True, False, "test_session.naming")
    try:
        segments = _mapped_session_segments()
        assert segments, "the session arena is not mapped"
        prefix = shm_prefix(session_root) + "."
        assert all(name.startswith(prefix) for name in segments), (prefix, segments)
    finally:
        h.Close()


def test_remove_private_session_removes_root_and_shared_memory(run_py, tmp_path):
    pytest.importorskip("win32event")
    root = str(tmp_path / "s")
    code = textwrap.dedent(
        """
        import os, sys, win32event
        h = win32event.CreateEvent(None, True, False, "test_session.remove")
        print("ok")
        sys.stdout.flush()
        os._exit(0)  # as if killed: nothing removes the session's segment
        """
    )
    r = run_py(code, env={"PYWIN32_POSIX_ROOT": root})
    assert r.returncode == 0, r.stderr
    prefix = shm_prefix(root) + "."
    assert [n for n in os.listdir("/dev/shm") if n.startswith(prefix)], "no arena was made"
    remove_private_session(root)
    assert not os.path.exists(root)
    assert [n for n in os.listdir("/dev/shm") if n.startswith(prefix)] == []


def test_the_last_process_to_exit_removes_the_sessions_shared_memory(run_py, tmp_path):
    pytest.importorskip("win32event")
    import subprocess
    import sys

    root = str(tmp_path / "last")
    env = dict(os.environ, PYWIN32_POSIX_ROOT=root)
    arena = "/dev/shm/" + shm_prefix(root) + ".arena"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, win32event\n"
         "h = win32event.CreateEvent(None, 1, 0, 'held'); print('up', flush=True); sys.stdin.readline()"],
        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "up"
        # Another process comes and goes: the holder still uses the session.
        r = run_py("import win32event; print(win32event.OpenEvent(0x100000, 0, 'held') is not None)",
                   env={"PYWIN32_POSIX_ROOT": root})
        assert r.stdout.strip() == "True", r.stderr
        assert os.path.exists(arena)
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
        assert not os.path.exists(arena)  # the last one out removed it
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        remove_private_session(root)
