"""The registry between processes: values written by one are read by
another, RegNotifyChangeKeyValue fires on another process's change, many
writers at once lose nothing, and a writer killed mid-stream leaves a
consistent store."""
import os
import signal
import uuid

import pytest

import pywintypes
import win32api
import win32con
import win32event
from w32util import LineReader, finish, popen_py

HKCU = win32con.HKEY_CURRENT_USER
LONG_MS = 15000
SHORT_MS = 100


@pytest.fixture
def path():
    p = "Software\\w32test-proc\\" + uuid.uuid4().hex[:12]
    win32api.RegCreateKey(HKCU, p).Close()
    yield p
    win32api.RegDeleteTree(HKCU, p)


def test_value_written_in_child_is_read_here(path):
    rc, out, err = finish(popen_py(
        """
        import sys, win32api, win32con
        k = win32api.RegOpenKeyEx(win32con.HKEY_CURRENT_USER, sys.argv[1], 0, win32con.KEY_ALL_ACCESS)
        win32api.RegSetValueEx(k, "FromChild", 0, win32con.REG_MULTI_SZ, ["one", "two"])
        """, path))
    assert rc == 0, err
    with win32api.RegOpenKey(HKCU, path) as k:
        assert win32api.RegQueryValueEx(k, "fromchild") == (["one", "two"], win32con.REG_MULTI_SZ)


@pytest.mark.parametrize("subtree, target, flt", [
    (False, "", win32api.REG_NOTIFY_CHANGE_LAST_SET),
    (True, "\\a\\b", win32api.REG_NOTIFY_CHANGE_LAST_SET),
    (False, "", win32api.REG_NOTIFY_CHANGE_NAME),
])
def test_notify_fires_on_another_process_change(path, subtree, target, flt):
    if target:
        win32api.RegCreateKey(HKCU, path + target).Close()
    key = win32api.RegOpenKeyEx(HKCU, path, 0, win32con.KEY_NOTIFY | win32con.KEY_READ)
    ev = win32event.CreateEvent(None, True, False, None)
    win32api.RegNotifyChangeKeyValue(key, subtree, flt, ev, True)
    assert win32event.WaitForSingleObject(ev, SHORT_MS) == win32event.WAIT_TIMEOUT
    action = ("win32api.RegCreateKey(k, 'newsub').Close()" if flt == win32api.REG_NOTIFY_CHANGE_NAME
              else "win32api.RegSetValueEx(k, 'v', 0, win32con.REG_DWORD, 1)")
    rc, out, err = finish(popen_py(
        f"""
        import sys, win32api, win32con
        k = win32api.RegOpenKeyEx(win32con.HKEY_CURRENT_USER, sys.argv[1], 0, win32con.KEY_ALL_ACCESS)
        {action}
        """, path + target))
    assert rc == 0, err
    assert win32event.WaitForSingleObject(ev, LONG_MS) == win32event.WAIT_OBJECT_0
    key.Close()


def test_notify_ignores_unselected_changes(path):
    win32api.RegCreateKey(HKCU, path + "\\child").Close()
    key = win32api.RegOpenKeyEx(HKCU, path, 0, win32con.KEY_NOTIFY | win32con.KEY_READ)
    ev = win32event.CreateEvent(None, True, False, None)
    # Not the subtree, and not names: a value set in the child is not ours;
    # a value set here is not a name change.
    win32api.RegNotifyChangeKeyValue(key, False, win32api.REG_NOTIFY_CHANGE_LAST_SET, ev, True)
    win32api.RegSetValue(HKCU, path + "\\child", win32con.REG_SZ, "x")
    ev2 = win32event.CreateEvent(None, True, False, None)
    win32api.RegNotifyChangeKeyValue(key, False, win32api.REG_NOTIFY_CHANGE_NAME, ev2, True)
    with win32api.RegOpenKey(HKCU, path, 0, win32con.KEY_ALL_ACCESS) as k:
        win32api.RegSetValueEx(k, "v", 0, win32con.REG_SZ, "y")
    # Both events fire only on what they select: ev on the value set here.
    assert win32event.WaitForSingleObject(ev, LONG_MS) == win32event.WAIT_OBJECT_0
    assert win32event.WaitForSingleObject(ev2, SHORT_MS) == win32event.WAIT_TIMEOUT
    # Registrations are one-shot: ev2 fires at a name change.
    win32api.RegCreateKey(HKCU, path + "\\another").Close()
    assert win32event.WaitForSingleObject(ev2, LONG_MS) == win32event.WAIT_OBJECT_0
    key.Close()


def test_notify_fires_when_key_is_deleted_or_closed(path):
    win32api.RegCreateKey(HKCU, path + "\\doomed").Close()
    key = win32api.RegOpenKeyEx(HKCU, path + "\\doomed", 0, win32con.KEY_NOTIFY)
    ev = win32event.CreateEvent(None, True, False, None)
    win32api.RegNotifyChangeKeyValue(key, False, win32api.REG_NOTIFY_CHANGE_LAST_SET, ev, True)
    win32api.RegDeleteKey(HKCU, path + "\\doomed")
    assert win32event.WaitForSingleObject(ev, LONG_MS) == win32event.WAIT_OBJECT_0
    key.Close()
    key = win32api.RegOpenKeyEx(HKCU, path, 0, win32con.KEY_NOTIFY)
    ev = win32event.CreateEvent(None, True, False, None)
    win32api.RegNotifyChangeKeyValue(key, True, win32api.REG_NOTIFY_CHANGE_LAST_SET, ev, True)
    key.Close()
    assert win32event.WaitForSingleObject(ev, LONG_MS) == win32event.WAIT_OBJECT_0


def test_synchronous_notify_returns_after_child_change(path):
    child = popen_py(
        """
        import sys, time, win32api, win32con
        print("ready", flush=True)
        sys.stdin.readline()
        win32api.RegSetValue(win32con.HKEY_CURRENT_USER, sys.argv[1], win32con.REG_SZ, "go")
        """, path, stdin=__import__("subprocess").PIPE, bufsize=1)
    lines = LineReader(child)
    assert lines.get() == "ready"
    key = win32api.RegOpenKeyEx(HKCU, path, 0, win32con.KEY_NOTIFY)
    import threading
    done = threading.Event()

    def wait():
        win32api.RegNotifyChangeKeyValue(key, False, win32api.REG_NOTIFY_CHANGE_LAST_SET, None, False)
        done.set()

    t = threading.Thread(target=wait, daemon=True)
    t.start()
    assert not done.wait(0.1)
    child.stdin.write("\n")
    child.stdin.flush()
    assert done.wait(LONG_MS / 1000)
    rc, out, err = finish(child)
    assert rc == 0, err
    key.Close()


def test_concurrent_writers_lose_nothing(path):
    n_procs, n_values = 4, 50
    children = [popen_py(
        """
        import sys, win32api, win32con
        k = win32api.RegOpenKeyEx(win32con.HKEY_CURRENT_USER, sys.argv[1], 0, win32con.KEY_ALL_ACCESS)
        me = sys.argv[2]
        for i in range(int(sys.argv[3])):
            win32api.RegSetValueEx(k, f"p{me}-{i}", 0, win32con.REG_DWORD, i)
            sub = win32api.RegCreateKey(k, f"sub{i % 5}")
            win32api.RegSetValueEx(sub, f"p{me}", 0, win32con.REG_DWORD, i)
            sub.Close()
        """, path, p, n_values) for p in range(n_procs)]
    for c in children:
        rc, out, err = finish(c)
        assert rc == 0, err
    with win32api.RegOpenKey(HKCU, path) as k:
        assert win32api.RegQueryInfoKey(k)[:2] == (5, n_procs * n_values)
        for p in range(n_procs):
            assert win32api.RegQueryValueEx(k, f"p{p}-{n_values - 1}") == (n_values - 1, win32con.REG_DWORD)


def test_writer_killed_midway_leaves_a_consistent_store(path):
    child = popen_py(
        """
        import sys, win32api, win32con
        k = win32api.RegOpenKeyEx(win32con.HKEY_CURRENT_USER, sys.argv[1], 0, win32con.KEY_ALL_ACCESS)
        i = 0
        while True:
            win32api.RegSetValueEx(k, "counter", 0, win32con.REG_QWORD, i)
            win32api.RegSetValueEx(k, f"v{i % 100}", 0, win32con.REG_BINARY, bytes([i % 256]) * 1000)
            if i == 200:
                print("going", flush=True)
            i += 1
        """, path)
    assert LineReader(child).get() == "going"
    os.kill(child.pid, signal.SIGKILL)
    finish(child)
    # Every committed write is there and readable; new writes work.
    with win32api.RegOpenKey(HKCU, path, 0, win32con.KEY_ALL_ACCESS) as k:
        counter, kind = win32api.RegQueryValueEx(k, "counter")
        assert kind == win32con.REG_QWORD and counter >= 200
        assert win32api.RegQueryInfoKey(k)[1] == 101
        for i in range(100):
            data, kind = win32api.RegQueryValueEx(k, f"v{i}")
            assert len(data) == 1000 and len(set(data)) == 1
        win32api.RegSetValueEx(k, "after", 0, win32con.REG_SZ, "ok")
    rc, out, err = finish(popen_py(
        """
        import sys, win32api, win32con
        print(win32api.RegQueryValue(win32con.HKEY_CURRENT_USER, sys.argv[1]))
        print(win32api.RegQueryValueEx(win32api.RegOpenKey(win32con.HKEY_CURRENT_USER, sys.argv[1]), "after")[0])
        """, path))
    assert rc == 0, err
    assert out.split() == ["ok"]


def test_watcher_in_child_sees_a_write_made_here(path):
    child = popen_py(
        """
        import sys, win32api, win32con, win32event
        k = win32api.RegOpenKeyEx(win32con.HKEY_CURRENT_USER, sys.argv[1], 0, win32con.KEY_NOTIFY)
        ev = win32event.CreateEvent(None, True, False, None)
        win32api.RegNotifyChangeKeyValue(k, True, win32api.REG_NOTIFY_CHANGE_LAST_SET, ev, True)
        print("armed", flush=True)
        print(win32event.WaitForSingleObject(ev, 15000), flush=True)
        """, path)
    lines = LineReader(child)
    assert lines.get() == "armed"
    win32api.RegSetValue(HKCU, path + "\\deep\\er", win32con.REG_SZ, "x")
    assert lines.get() == str(win32event.WAIT_OBJECT_0)
    rc, out, err = finish(child)
    assert rc == 0, err


def test_notify_on_a_predefined_key_stays_armed():
    ev = win32event.CreateEvent(None, True, False, None)
    win32api.RegNotifyChangeKeyValue(HKCU, False, win32api.REG_NOTIFY_CHANGE_LAST_SET, ev, True)
    assert win32event.WaitForSingleObject(ev, SHORT_MS) == win32event.WAIT_TIMEOUT
    rc, out, err = finish(popen_py(
        """
        import win32api, win32con
        win32api.RegSetValueEx(win32con.HKEY_CURRENT_USER, "w32t-root-value", 0, win32con.REG_SZ, "x")
        """))
    assert rc == 0, err
    assert win32event.WaitForSingleObject(ev, LONG_MS) == win32event.WAIT_OBJECT_0
    win32api.RegDeleteValue(HKCU, "w32t-root-value")


def test_load_key_is_a_name_change_of_the_root(tmp_path):
    src = win32api.RegCreateKey(HKCU, "Software\\w32test-proc\\tosave")
    f = str(tmp_path / "l.hive")
    win32api.RegSaveKey(src, f)
    src.Close()
    ev = win32event.CreateEvent(None, True, False, None)
    win32api.RegNotifyChangeKeyValue(win32con.HKEY_USERS, False, win32api.REG_NOTIFY_CHANGE_NAME, ev, True)
    name = "w32t-notify-load"
    win32api.RegLoadKey(win32con.HKEY_USERS, name, f)
    try:
        assert win32event.WaitForSingleObject(ev, LONG_MS) == win32event.WAIT_OBJECT_0
    finally:
        win32api.RegUnLoadKey(win32con.HKEY_USERS, name)
        win32api.RegDeleteKey(HKCU, "Software\\w32test-proc\\tosave")
