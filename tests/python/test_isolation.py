"""A session belongs to its user: another Unix user cannot open the arena or
the runtime directory, and object names cannot reach the file system."""
import os
import stat

import pytest

import win32event
from pywin32_posix._session import shm_prefix

NOBODY = 65534


def _arena_path(root):
    return "/dev/shm/" + shm_prefix(root) + ".arena"


def test_arena_and_runtime_dir_are_private(session_root):
    h = win32event.CreateEvent(None, 0, 0, "isolation.private")
    try:
        st = os.stat(_arena_path(session_root))
        assert st.st_uid == os.getuid()
        assert stat.S_IMODE(st.st_mode) == 0o600
        run = os.path.join(session_root, "run")
        assert stat.S_IMODE(os.stat(run).st_mode) == 0o700
        for name in os.listdir(run):
            assert stat.S_IMODE(os.stat(os.path.join(run, name)).st_mode) & 0o077 == 0, name
    finally:
        h.Close()


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to become another user")
def test_another_user_cannot_open_the_arena(session_root):
    h = win32event.CreateEvent(None, 0, 0, "isolation.other_user")
    try:
        arena = _arena_path(session_root)
        run = os.path.join(session_root, "run")
        pid = os.fork()
        if pid == 0:
            # Become nobody, then try what an attacker would.
            code = 0
            try:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                for attempt in (lambda: os.open(arena, os.O_RDWR), lambda: os.open(arena, os.O_RDONLY),
                                lambda: os.listdir(run), lambda: os.open(os.path.join(run, "objects.lock"), os.O_RDWR)):
                    try:
                        attempt()
                        code = 1  # it worked: isolation broken
                    except PermissionError:
                        pass
            except BaseException:
                code = 2
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    finally:
        h.Close()


@pytest.mark.parametrize("name", ["../../escape", "a/b", "/etc/passwd", "..", "x/../../y"])
def test_names_with_slashes_and_dots_stay_names(session_root, name):
    before = sorted(os.listdir(session_root)), sorted(os.listdir(os.path.join(session_root, "run")))
    h = win32event.CreateEvent(None, 1, 0, name)
    try:
        same = win32event.OpenEvent(win32event.EVENT_ALL_ACCESS, 0, name)
        win32event.SetEvent(same)
        assert win32event.WaitForSingleObject(h, 0) == win32event.WAIT_OBJECT_0
        same.Close()
    finally:
        h.Close()
    after = sorted(os.listdir(session_root)), sorted(os.listdir(os.path.join(session_root, "run")))
    assert before == after
