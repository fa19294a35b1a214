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
        import win32event
        h = win32event.CreateEvent(None, True, False, "test_session.remove")
        print("ok")
        """
    )
    r = run_py(code, env={"PYWIN32_POSIX_ROOT": root})
    assert r.returncode == 0, r.stderr
    prefix = shm_prefix(root) + "."
    assert [n for n in os.listdir("/dev/shm") if n.startswith(prefix)], "no arena was made"
    remove_private_session(root)
    assert not os.path.exists(root)
    assert [n for n in os.listdir("/dev/shm") if n.startswith(prefix)] == []
