"""Event log size limits, retention and forwarding: what Windows keeps as the
MaxSize and Retention values of HKLM\\SYSTEM\\CurrentControlSet\\Services\\
EventLog\\<log> (and Event Viewer's "When maximum event log size is reached"
choice), plus forwarding to the system log, which Windows does not have.

    from pywin32_posix import evtlog_policy
    evtlog_policy.set_log_policy("Application", max_size=1 << 20, retention=0)
    evtlog_policy.set_log_policy("Application", forward=True)

retention: OVERWRITE_AS_NEEDED (0) drops the oldest records to make room;
DO_NOT_OVERWRITE makes ReportEvent fail with ERROR_LOG_FILE_FULL (1502) when
the log is full; any other number of seconds drops only records older than
that (and fails with ERROR_LOG_FILE_FULL when none is). max_size 0 means no
limit; otherwise at least 64 KB. The size counted is the database's pages in
use.

forward: every record written to the log is also sent to journald (native
protocol, with EVENTLOG_* fields) when /run/systemd/journal/socket exists,
else to syslog through /dev/log (facility user, auth for Security; severity
from the event type). Best effort: a missing or full system log never makes
ReportEvent fail. PYWIN32_POSIX_JOURNAL_SOCKET / PYWIN32_POSIX_SYSLOG_SOCKET,
in the writer's environment, name other sockets.

A log name resolves as OpenEventLog resolves it (unknown: Application).
"""
from pywin32_posix._w32 import win32evtlog as _raw

OVERWRITE_AS_NEEDED = 0
DO_NOT_OVERWRITE = 0xFFFFFFFF
DAY = 86400


def set_log_policy(log, max_size=None, retention=None, forward=None):
    """Sets any of: the size limit (bytes, 0 = none), the retention
    (seconds, or the constants above) and forwarding; None keeps the value."""
    current = get_log_policy(log)
    _raw._SetLogPolicy(log,
                       current["max_size"] if max_size is None else max_size,
                       current["retention"] if retention is None else retention,
                       current["forward"] if forward is None else bool(forward))


def get_log_policy(log):
    """{'max_size': bytes, 'retention': seconds, 'forward': bool} of the log."""
    max_size, retention, forward = _raw._GetLogPolicy(log)
    return {"max_size": max_size, "retention": retention, "forward": forward}
