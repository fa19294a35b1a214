"""Event log size limits and retention: what Windows keeps as the MaxSize and
Retention values of HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\<log>
(and Event Viewer's "When maximum event log size is reached" choice).

    from pywin32_posix import evtlog_policy
    evtlog_policy.set_log_policy("Application", max_size=1 << 20, retention=0)

retention: OVERWRITE_AS_NEEDED (0) drops the oldest records to make room;
DO_NOT_OVERWRITE makes ReportEvent fail with ERROR_LOG_FILE_FULL (1502) when
the log is full; any other number of seconds drops only records older than
that (and fails with ERROR_LOG_FILE_FULL when none is). max_size 0 means no
limit; otherwise at least 64 KB. The size counted is the database's pages in
use. A log name resolves as OpenEventLog resolves it (unknown: Application).
"""
from pywin32_posix._w32 import win32evtlog as _raw

OVERWRITE_AS_NEEDED = 0
DO_NOT_OVERWRITE = 0xFFFFFFFF
DAY = 86400


def set_log_policy(log, max_size=0, retention=OVERWRITE_AS_NEEDED):
    """Sets the log's size limit (bytes, 0 = none) and retention (seconds)."""
    _raw._SetLogPolicy(log, max_size, retention)


def get_log_policy(log):
    """(max_size, retention) of the log."""
    return _raw._GetLogPolicy(log)
