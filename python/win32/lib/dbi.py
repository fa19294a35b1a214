"""dbi: what is left of pywin32's old dbi module, for code that imports it.

pywin32 keeps it as a thin alias module (and warns that it is obsolete):
dates are datetime.datetime, raw values memoryview, and the type names and
exception classes are odbc's.
"""
import datetime
import warnings

warnings.warn(
    "dbi is obsolete: use datetime.datetime and memoryview/bytes with the odbc module",
    DeprecationWarning,
    stacklevel=2,
)

from odbc import *  # noqa: E402,F401,F403
from odbc import dataError, integrityError, internalError, noError, opError, progError  # noqa: E402,F401

dbiDate = dbDate = datetime.datetime
dbiRaw = dbRaw = memoryview
