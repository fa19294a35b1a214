"""odbc: pywin32's ODBC module, over unixODBC.

odbc.odbc(connect_string) connects through the driver manager: a full ODBC
connection string, or pywin32's older "DSN/uid/pwd". The embedded default
needs no setup: "Driver={SQLite3};Database=/path/to/file.db" finds Debian's
SQLite ODBC driver (libsqliteodbc) even when odbcinst.ini does not list it,
and likewise the PostgreSQL driver's names ("PostgreSQL Unicode", ...).

Errors are pywin32's: odbc.error (class name odbcError) for misuse of the
module, and the "dbi" classes (progError, opError, integrityError,
dataError, internalError, noError) chosen by the SQLSTATE, which starts the
message ("[42000] ... in EXEC") and is also the exception's `sqlstate`.
See docs/odbc.md for how it differs from Windows.
"""
from pywin32_posix._w32.odbc import *  # noqa: F401,F403
from pywin32_posix._w32.odbc import _live_statements  # noqa: F401  (for tests)
