#!/usr/bin/env python3
"""Service start and stop times against starting the same script directly.

    python bench/bench_services.py           # 10 rounds
    python bench/bench_services.py --quick   # 3 rounds

For the sample pipe service (pywin32_posix.demos.pipe_service), median of
the rounds:
  - start: StartService until QueryServiceStatus says SERVICE_RUNNING (the
    manager starts `python -m pywin32_posix.pythonservice`, which imports the
    class, connects, creates the pipe and reports RUNNING), against the floor:
    a process running `python -c "import <the service's module>"` and creating
    the same pipe, until it says it is ready;
  - stop: ControlService(STOP) until SERVICE_STOPPED and the process is gone,
    against the floor: that same directly started process told to exit, until
    it has exited;
  - a control round trip: ControlService(INTERROGATE) through the manager to
    the service's handler and back.

The run gets a private session (PYWIN32_POSIX_ROOT in a fresh temp dir),
removed at the end with its service manager.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

FLOOR = ("import sys, win32pipe, pywin32_posix.demos.pipe_service as m\n"
         "p = m.PipeService.new_instance(None)\n"
         "print('ready', flush=True)\n"
         "sys.stdin.read()\n")


def wait_state(win32service, handle, state):
    while win32service.QueryServiceStatus(handle)[1] != state:
        time.sleep(0.0005)


def process_gone(pid):
    while os.path.exists("/proc/%d" % pid):
        try:
            with open("/proc/%d/stat" % pid) as f:
                if f.read().rsplit(")", 1)[1].split()[0] in "ZX":
                    return
        except OSError:
            return
        time.sleep(0.0005)


def ours(rounds):
    import win32service
    import win32serviceutil
    from pywin32_posix.demos import pipe_service

    name = pipe_service.PipeService._svc_name_
    win32serviceutil.InstallService(win32serviceutil.GetServiceClassString(pipe_service.PipeService), name, name)
    scm = win32service.OpenSCManager(None, None, win32service.SC_MANAGER_ALL_ACCESS)
    h = win32service.OpenService(scm, name, win32service.SERVICE_ALL_ACCESS)
    starts, stops, controls = [], [], []
    try:
        for _ in range(rounds):
            t0 = time.perf_counter()
            win32service.StartService(h, None)
            wait_state(win32service, h, win32service.SERVICE_RUNNING)
            starts.append(time.perf_counter() - t0)
            pid = win32service.QueryServiceStatusEx(h)["ProcessId"]
            for _ in range(200):
                t0 = time.perf_counter()
                win32service.ControlService(h, win32service.SERVICE_CONTROL_INTERROGATE)
                controls.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            win32service.ControlService(h, win32service.SERVICE_CONTROL_STOP)
            wait_state(win32service, h, win32service.SERVICE_STOPPED)
            process_gone(pid)
            stops.append(time.perf_counter() - t0)
    finally:
        win32service.DeleteService(h)
        win32service.CloseServiceHandle(h)
        win32service.CloseServiceHandle(scm)
    return statistics.median(starts), statistics.median(stops), statistics.median(controls)


def floor(rounds):
    starts, stops = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        p = subprocess.Popen([sys.executable, "-c", FLOOR], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             text=True)
        assert p.stdout.readline().strip() == "ready"
        starts.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        p.stdin.close()
        p.wait()
        stops.append(time.perf_counter() - t0)
    return statistics.median(starts), statistics.median(stops)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--rounds", type=int, default=None)
    args = ap.parse_args()
    rounds = args.rounds or (3 if args.quick else 10)

    root = tempfile.mkdtemp(prefix="w32bench-svc-")
    os.environ["PYWIN32_POSIX_ROOT"] = root
    try:
        floor_start, floor_stop = floor(rounds)
        start, stop, control = ours(rounds)
    finally:
        from pywin32_posix._session import remove_private_session
        remove_private_session(root)
    print(f"service start/stop, median of {rounds} rounds (sample pipe service)")
    print(f"{'':34}{'ours':>10}{'direct':>10}{'ratio':>8}")
    print(f"{'start -> RUNNING (ms)':34}{start * 1e3:10.1f}{floor_start * 1e3:10.1f}{start / floor_start:8.2f}x")
    print(f"{'stop -> STOPPED, process gone (ms)':34}{stop * 1e3:10.1f}{floor_stop * 1e3:10.1f}"
          f"{stop / floor_stop:8.2f}x")
    print(f"{'ControlService(INTERROGATE) (us)':34}{control * 1e6:10.1f}{'-':>10}{'-':>8}")


if __name__ == "__main__":
    main()
