"""The sample services of pywin32_posix.demos, driven as a user would:
their command line, clients in other processes, the event log."""
import subprocess
import sys
import time

import pytest
import win32evtlog
import win32service
import win32serviceutil

import svc_helpers as sh
from svc_helpers import manager  # noqa: F401

pytestmark = pytest.mark.usefixtures("manager")


def run_module(module, *args):
    r = subprocess.run([sys.executable, "-m", module] + list(args), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def messages(source):
    h = win32evtlog.OpenEventLog(None, "Application")
    flags = win32evtlog.EVENTLOG_FORWARDS_READ | win32evtlog.EVENTLOG_SEQUENTIAL_READ
    out = []
    while True:
        batch = win32evtlog.ReadEventLog(h, flags, 0)
        if not batch:
            break
        out.extend(" ".join(r.StringInserts or ()) for r in batch if r.SourceName == source)
    win32evtlog.CloseEventLog(h)
    return out


# A client that finds every instance taken (ERROR_PIPE_BUSY, as on Windows),
# or none listening for a moment between two (ERROR_FILE_NOT_FOUND), tries again.
CLIENT = ("import time, pywintypes, win32pipe\n"
          "for i in range(5):\n"
          "    for attempt in range(500):\n"
          "        try:\n"
          "            print(win32pipe.CallNamedPipe(r'\\\\.\\pipe\\PyPipeService', b'ping %d' % i, 512, 5000)"
          ".decode())\n"
          "            break\n"
          "        except pywintypes.error as e:\n"
          "            if e.winerror not in (2, 231): raise\n"
          "            time.sleep(0.01)\n")


def test_pipe_service_serves_clients_in_other_processes():
    module = "pywin32_posix.demos.pipe_service"
    run_module(module, "install")
    try:
        run_module(module, "--wait", "20", "start")
        clients = [subprocess.Popen([sys.executable, "-c", CLIENT], stdout=subprocess.PIPE, text=True)
                   for _ in range(3)]
        replies = [c.communicate(timeout=60)[0].splitlines() for c in clients]
        assert all(c.returncode == 0 for c in clients)
        assert all(len(r) == 5 for r in replies)
        assert all(line.startswith("ping ") and "served by process" in line for r in replies for line in r)
        numbers = sorted(int(line.rsplit("#", 1)[1].rstrip(")")) for r in replies for line in r)
        assert numbers == list(range(1, 16))
        run_module(module, "--wait", "20", "stop")
        assert sh.state("PyPipeService") == win32service.SERVICE_STOPPED
        assert any("after 15 requests" in m for m in messages("PyPipeService"))
    finally:
        sh.remove("PyPipeService")


def test_log_service_logs_on_schedule_and_pauses():
    module = "pywin32_posix.demos.log_service"
    name = "PyLogService"
    run_module(module, "install")
    try:
        win32serviceutil.SetServiceCustomOption(name, "IntervalMs", 50)
        run_module(module, "--wait", "20", "start")

        def ticks():
            return [m for m in messages(name) if " tick " in m]
        sh.wait_for(lambda: len(ticks()) >= 2, what="two ticks")
        st = win32serviceutil.ControlService(name, win32service.SERVICE_CONTROL_PAUSE)
        assert st[1] == win32service.SERVICE_PAUSED
        paused_at = len(ticks())
        time.sleep(0.4)
        assert len(ticks()) <= paused_at + 1  # one tick may have been under way
        settled = len(ticks())
        time.sleep(0.3)
        assert len(ticks()) == settled
        win32serviceutil.ControlService(name, win32service.SERVICE_CONTROL_CONTINUE)
        sh.wait_for(lambda: len(ticks()) >= settled + 2, what="ticks after continue")
        run_module(module, "--wait", "20", "stop")
        assert any("paused" in m for m in messages(name)) and any("continues" in m for m in messages(name))
    finally:
        sh.remove(name)
