"""Mailslots: one reader, writers in other processes, whole messages,
read timeouts, and the errors of names that are taken or missing."""
import uuid

import pytest

import pywintypes
import win32file as f
import winerror

NO_MESSAGE = 0xFFFFFFFF
FOREVER = 0xFFFFFFFF


def slot_name(tag):
    return r"\\.\mailslot\w32t-%s-%s" % (tag, uuid.uuid4().hex[:10])


def writer(name):
    return f.CreateFile(name, f.GENERIC_WRITE, f.FILE_SHARE_READ, None, f.OPEN_EXISTING, 0, None)


def test_messages_from_another_process(run_py):
    name = slot_name("proc")
    reader = f.CreateMailslot(name, 400, FOREVER, None)
    assert f.GetMailslotInfo(reader) == (400, NO_MESSAGE, 0, FOREVER)
    r = run_py("""
import sys, win32file as f
h = f.CreateFile(sys.argv[1], f.GENERIC_WRITE, f.FILE_SHARE_READ, None, f.OPEN_EXISTING, 0, None)
f.WriteFile(h, b"first message")
f.WriteFile(h, b"second")
""", name)
    assert r.returncode == 0, r.stderr
    max_size, next_size, count, timeout = f.GetMailslotInfo(reader)
    assert next_size == len(b"first message") and count >= 1
    assert f.ReadFile(reader, 400) == (0, b"first message")
    assert f.ReadFile(reader, 400) == (0, b"second")
    reader.Close()


def test_small_buffer_keeps_the_message_and_timeouts(tmp_path):
    name = slot_name("small")
    reader = f.CreateMailslot(name, 0, 0, None)
    w = writer(name.upper().replace("MAILSLOT", "MailSlot"))  # names are case-insensitive
    f.WriteFile(w, b"0123456789")
    with pytest.raises(pywintypes.error) as e:
        f.ReadFile(reader, 4)
    assert e.value.winerror == winerror.ERROR_INSUFFICIENT_BUFFER
    assert f.ReadFile(reader, 10) == (0, b"0123456789")
    with pytest.raises(pywintypes.error) as e:
        f.ReadFile(reader, 10)  # timeout 0: at once
    assert e.value.winerror == winerror.ERROR_SEM_TIMEOUT
    f.SetMailslotInfo(reader, 30)
    with pytest.raises(pywintypes.error) as e:
        f.ReadFile(reader, 10)
    assert e.value.winerror == winerror.ERROR_SEM_TIMEOUT
    assert f.GetMailslotInfo(reader)[3] == 30
    w.Close()
    reader.Close()


def test_names_taken_missing_and_bad():
    name = slot_name("names")
    reader = f.CreateMailslot(name, 10, 0, None)
    with pytest.raises(pywintypes.error) as e:
        f.CreateMailslot(name, 10, 0, None)
    assert e.value.winerror == winerror.ERROR_ALREADY_EXISTS
    w = writer(name)
    with pytest.raises(pywintypes.error) as e:
        f.WriteFile(w, b"x" * 11)  # longer than the mailslot takes
    assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    with pytest.raises(pywintypes.error) as e:
        f.WriteFile(reader, b"x")
    assert e.value.winerror == winerror.ERROR_ACCESS_DENIED
    reader.Close()
    with pytest.raises(pywintypes.error) as e:
        writer(name)
    assert e.value.winerror == winerror.ERROR_FILE_NOT_FOUND
    f.CreateMailslot(name, 10, 0, None).Close()  # the name is free again
    with pytest.raises(pywintypes.error) as e:
        f.CreateMailslot(r"\\*\mailslot\broadcast", 0, 0, None)
    assert e.value.winerror == winerror.ERROR_NOT_SUPPORTED
    with pytest.raises(pywintypes.error) as e:
        f.CreateMailslot(r"\\.\mailslot" + "\\", 0, 0, None)
    assert e.value.winerror == winerror.ERROR_INVALID_NAME
    with pytest.raises(pywintypes.error) as e:
        f.GetMailslotInfo(w)
    assert e.value.winerror == winerror.ERROR_INVALID_HANDLE
    w.Close()


def test_a_killed_readers_name_can_be_taken(run_py):
    name = slot_name("dead")
    r = run_py("""
import os, sys, win32file as f
f.CreateMailslot(sys.argv[1], 0, 0, None)
os._exit(0)
""", name)
    assert r.returncode == 0, r.stderr
    reader = f.CreateMailslot(name, 0, 0, None)
    reader.Close()
