"""Shared by the event log tests: a fresh log per test (the whole run shares
one session) and reading a log to its end."""
import uuid

import pytest

import win32evtlog as E
import win32evtlogutil

READ_FWD = E.EVENTLOG_SEQUENTIAL_READ | E.EVENTLOG_FORWARDS_READ
READ_BACK = E.EVENTLOG_SEQUENTIAL_READ | E.EVENTLOG_BACKWARDS_READ


@pytest.fixture
def log():
    """(log name, source name): a fresh custom log with one source."""
    tag = uuid.uuid4().hex[:10]
    name, source = f"Log{tag}", f"Src{tag}"
    win32evtlogutil.AddSourceToRegistry(source, eventLogType=name)
    yield name, source
    win32evtlogutil.RemoveSourceFromRegistry(source, name)


def read_all(handle, flags=READ_FWD):
    """Every record from the handle's position on, in batches until []."""
    out = []
    while True:
        batch = E.ReadEventLog(handle, flags, 0)
        if not batch:
            return out
        out.extend(batch)
