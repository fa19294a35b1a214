"""A process that forks while another of its threads is inside a registry
call: the child can use the registry (no lock left held by a thread that
does not exist in it), as multiprocessing's fork start method needs."""
import os
import threading
import time

import win32api
import win32con


def test_fork_while_another_thread_uses_the_registry():
    key = win32api.RegCreateKey(win32con.HKEY_CURRENT_USER, r"Software\pywin32-posix-tests\fork")
    win32api.RegSetValueEx(key, "n", 0, win32con.REG_DWORD, 0)
    stop = threading.Event()

    # Reads only: a writer in a tight loop would starve the child's write
    # (SQLite's busy handler is not fair) and hide what is tested here.
    def hammer():
        while not stop.is_set():
            win32api.RegQueryValueEx(key, "n")
            win32api.RegEnumValue(key, 0)

    worker = threading.Thread(target=hammer, daemon=True)
    worker.start()
    hung = 0
    try:
        for _ in range(25):
            time.sleep(0.005)
            pid = os.fork()
            if pid == 0:
                # The child: one registry read and one write, then out.
                try:
                    value, kind = win32api.RegQueryValueEx(key, "n")
                    win32api.RegSetValueEx(key, "child", 0, win32con.REG_DWORD, os.getpid())
                    os._exit(0 if kind == win32con.REG_DWORD else 3)
                except BaseException:
                    os._exit(4)
            deadline = time.monotonic() + 20
            while True:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    assert os.waitstatus_to_exitcode(status) == 0
                    break
                if time.monotonic() > deadline:
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                    hung += 1
                    break
                time.sleep(0.01)
    finally:
        stop.set()
        worker.join(30)
    assert hung == 0, f"{hung} of 25 children hung on a lock their parent's thread held"
    assert win32api.RegQueryValueEx(key, "child")[1] == win32con.REG_DWORD
    win32api.RegCloseKey(key)
    win32api.RegDeleteTree(win32con.HKEY_CURRENT_USER, r"Software\pywin32-posix-tests")
