"""For the tests that import every public module (docstrings, stubs, support
matrix, docs): they do it in child processes of a session of their own.

Importing every module has side effects that must not reach the other tests:
win32traceutil sends the importing process's output to the session's trace
buffer (and so opens it for writing), other modules open session state. A
child in a private PYWIN32_POSIX_ROOT keeps all that away from the test
run's own session.
"""
import contextlib
import os
import tempfile


@contextlib.contextmanager
def private_session_env():
    """An environment (a dict for subprocess) whose PYWIN32_POSIX_ROOT is a
    fresh private session, removed with its shared memory afterwards."""
    # Short, as the session's socket paths must fit in 108 bytes.
    root = tempfile.mkdtemp(prefix="w32d-", dir=os.environ.get("PYWIN32_POSIX_ROOT") or None)
    try:
        yield dict(os.environ, PYWIN32_POSIX_ROOT=root)
    finally:
        from pywin32_posix._session import remove_private_session
        remove_private_session(root)


def module_file(name):
    """The file a public module is loaded from, found without importing it."""
    import importlib.util
    import api_inventory
    if name in api_inventory.SHIM_MODULES:
        import pywin32_posix
        return os.path.join(os.path.dirname(os.path.abspath(pywin32_posix.__file__)), "_stdlib", name + ".py")
    spec = importlib.util.find_spec(name)
    return spec.origin if spec is not None else None
