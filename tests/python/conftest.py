"""Shared test setup: every test run gets a session of its own.

The module-level code below runs when pytest loads this conftest, before it
collects (and so imports) any test module: by the time a test imports
win32api or win32event, PYWIN32_POSIX_ROOT already names a fresh directory.
The core resolves the root once per process, so it must be set this early;
every subprocess a test starts inherits it through os.environ, so parent and
children meet in the same private session and never in the user's real one.

When PYWIN32_POSIX_ROOT is already set (tools/test.sh sets one), the fresh
directory is made inside it; otherwise in the system temp dir. Paths stay
short on purpose: AF_UNIX socket paths (named pipes) must fit in 108 bytes.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

_outer_root = os.environ.get("PYWIN32_POSIX_ROOT") or None
if _outer_root:
    os.makedirs(_outer_root, mode=0o700, exist_ok=True)
SESSION_ROOT = tempfile.mkdtemp(prefix="w32t-", dir=_outer_root)
os.environ["PYWIN32_POSIX_ROOT"] = SESSION_ROOT
# A test run is never the user's disabled environment.
os.environ.pop("PYWIN32_POSIX_DISABLE", None)
# Services run under the embedded manager's own supervision, even on a
# machine that systemd runs: the tests never leave units in the user's
# systemd (the systemd backend's tests start a private one).
os.environ["PYWIN32_POSIX_SCM_BACKEND"] = "embedded"


def pytest_unconfigure(config):
    # The session's shared memory is named after the root, outside it.
    try:
        from pywin32_posix._session import remove_private_session
    except ImportError:
        shutil.rmtree(SESSION_ROOT, ignore_errors=True)
    else:
        remove_private_session(SESSION_ROOT)


@pytest.fixture(scope="session")
def session_root():
    """The PYWIN32_POSIX_ROOT of this test run (shared by its subprocesses)."""
    return SESSION_ROOT


@pytest.fixture
def run_py():
    """run_py(code, *args, timeout=30, env=None) -> subprocess.CompletedProcess.

    Runs `sys.executable -c code *args` in this run's session (the child
    inherits PYWIN32_POSIX_ROOT), capturing text output; never raises for a
    non-zero exit (check the returncode). `env` adds or overrides variables;
    a value of None removes one.
    """

    def run(code, *args, timeout=30, env=None):
        child_env = os.environ.copy()
        for key, value in (env or {}).items():
            if value is None:
                child_env.pop(key, None)
            else:
                child_env[key] = str(value)
        return subprocess.run(
            [sys.executable, "-c", code, *map(str, args)],
            env=child_env,
            cwd=SESSION_ROOT,  # not the repo: its python/ must not shadow the install
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    return run
