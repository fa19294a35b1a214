"""Shared by the odbc tests: the databases they run against.

`db` is parametrized: every test that takes it runs on SQLite (the embedded
default, a file in this run's session root) and on PostgreSQL (one server
for the whole test run, started on first use and stopped at exit; skipped
with the reason when it cannot run here).
"""
import atexit
import itertools
import os
import uuid

import pytest

from pg_server import PgServer, use_private_odbcinst

# Before any ODBC call of this run (conftest has set the run's root by now).
# SQLite stays unregistered there: the tests reach it as the embedded
# default does, by its well-known name.
use_private_odbcinst(os.path.join(os.environ["PYWIN32_POSIX_ROOT"], "odbc"))

_server = None
_server_failure = None


def pg_server():
    """The run's PostgreSQL server (started once), or pytest.skip."""
    global _server, _server_failure
    why = PgServer.unavailable()
    if why:
        pytest.skip(why)
    if _server_failure:
        pytest.fail(_server_failure)
    if _server is None:
        try:
            _server = PgServer().init().start()
        except Exception as e:  # a broken install must show, not skip
            _server_failure = f"PostgreSQL did not start: {e}"
            raise
        atexit.register(_server.cleanup)
    return _server


class Backend:
    def __init__(self, name, connect_string):
        self.name = name
        self.connect_string = connect_string
        self._names = itertools.count()

    @property
    def is_pg(self):
        return self.name == "postgresql"

    def table(self, tag="t"):
        return f"{tag}_{uuid.uuid4().hex[:10]}"

    # Column types spelt the same on both, where they differ.
    @property
    def blob(self):
        return "bytea" if self.is_pg else "blob"

    @property
    def double(self):
        return "double precision" if self.is_pg else "double"


def sqlite_backend(session_root):
    path = os.path.join(session_root, f"odbc-{uuid.uuid4().hex[:8]}.db")
    # No fsync and the journal in memory: every autocommitted row is a
    # transaction, and the data is thrown away (keeps the tests quick).
    return Backend("sqlite", f"Driver={{SQLite3}};Database={path};SyncPragma=OFF;JournalMode=MEMORY")


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, session_root):
    if request.param == "sqlite":
        return sqlite_backend(session_root)
    return Backend("postgresql", pg_server().connect_string())


@pytest.fixture
def conn(db):
    import odbc

    c = odbc.odbc(db.connect_string)
    yield c
    c.close()
