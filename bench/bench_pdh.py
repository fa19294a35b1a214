#!/usr/bin/env python3
"""Performance counter benchmark: win32pdh against psutil reading the same
values, in one run.

    python bench/bench_pdh.py            # 300 system rounds, 60 process rounds
    python bench/bench_pdh.py --quick    # a few seconds

1. System: 10 counters (Processor _Total user/privileged/total time, Memory
   Available and Cache Bytes, Pages/sec, System Context Switches/sec and
   Processes, Network Interface(lo) Bytes Total/sec, PhysicalDisk(_Total)
   Disk Bytes/sec). One round: CollectQueryData + 10 GetFormattedCounterValue;
   psutil: cpu_times, virtual_memory, swap_memory, cpu_stats, pids,
   net_io_counters(pernic), disk_io_counters, and the rates from the deltas.
2. Processes: 5 counters (% Processor Time, Working Set, Virtual Bytes,
   Thread Count, IO Read Bytes/sec) of each of 50 processes started for the
   run (250 counters). One round: CollectQueryData + 250
   GetFormattedCounterValue; psutil: per process, under oneshot(), cpu_times,
   memory_info, num_threads, io_counters, and the rates from the deltas.

Each side alternates round by round; the figures are the median time of a
round and the ratio win32pdh / psutil (target, issue 8: <= 1.0x).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ["PYWIN32_POSIX_ROOT"] = tempfile.mkdtemp(prefix="bench-pdh-")  # a private session

import psutil  # noqa: E402

import win32pdh  # noqa: E402

DOUBLE = win32pdh.PDH_FMT_DOUBLE

SYSTEM_COUNTERS = [
    r"\Processor(_Total)\% Processor Time",
    r"\Processor(_Total)\% User Time",
    r"\Processor(_Total)\% Privileged Time",
    r"\Memory\Available Bytes",
    r"\Memory\Cache Bytes",
    r"\Memory\Pages/sec",
    r"\System\Context Switches/sec",
    r"\System\Processes",
    r"\Network Interface(lo)\Bytes Total/sec",
    r"\PhysicalDisk(_Total)\Disk Bytes/sec",
]
PROCESS_COUNTERS = ["% Processor Time", "Working Set", "Virtual Bytes", "Thread Count", "IO Read Bytes/sec"]


class PdhSide:
    def __init__(self, paths):
        self.query = win32pdh.OpenQuery()
        self.handles = [win32pdh.AddCounter(self.query, p) for p in paths]
        win32pdh.CollectQueryData(self.query)

    def round(self):
        win32pdh.CollectQueryData(self.query)
        get = win32pdh.GetFormattedCounterValue
        return [get(h, DOUBLE)[1] for h in self.handles]

    def close(self):
        win32pdh.CloseQuery(self.query)


class PsutilSystem:
    def __init__(self):
        self.prev = None
        self.round()

    def round(self):
        now = time.monotonic()
        cpu = psutil.cpu_times()
        mem = psutil.virtual_memory()
        swap = psutil.swap_memory()
        stats = psutil.cpu_stats()
        procs = len(psutil.pids())
        lo = psutil.net_io_counters(pernic=True)["lo"]
        disk = psutil.disk_io_counters()
        cur = (now, cpu, stats.ctx_switches, swap.sin + swap.sout, lo.bytes_sent + lo.bytes_recv,
               disk.read_bytes + disk.write_bytes)
        values = [mem.available, mem.cached + mem.buffers, procs]
        if self.prev:
            dt = now - self.prev[0]
            c0, c1 = self.prev[1], cpu
            total = sum(c1) - sum(c0) or 1
            values += [100 * (1 - (c1.idle + c1.iowait - c0.idle - c0.iowait) / total),
                       100 * (c1.user + c1.nice - c0.user - c0.nice) / total,
                       100 * (c1.system + c1.irq + c1.softirq - c0.system - c0.irq - c0.softirq) / total]
            values += [(cur[i] - self.prev[i]) / dt for i in (2, 3, 4, 5)]
        self.prev = cur
        return values


class PsutilProcesses:
    def __init__(self, pids):
        self.procs = [psutil.Process(p) for p in pids]
        self.prev = {}
        self.round()

    def round(self):
        values = []
        now = time.monotonic()
        for p in self.procs:
            with p.oneshot():
                cpu = p.cpu_times()
                mem = p.memory_info()
                threads = p.num_threads()
                io = p.io_counters()
            busy = cpu.user + cpu.system
            prev = self.prev.get(p.pid)
            if prev:
                dt = now - prev[0]
                values += [100 * (busy - prev[1]) / dt, (io.read_chars - prev[2]) / dt]
            values += [mem.rss, mem.vms, threads]
            self.prev[p.pid] = (now, busy, io.read_chars)
        return values


def measure(sides, rounds):
    times = {name: [] for name in sides}
    for _ in range(rounds):
        for name, side in sides.items():
            t0 = time.perf_counter()
            side.round()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(t) for name, t in times.items()}


def report(title, figures):
    pdh, peer = figures["win32pdh"], figures["psutil"]
    print(f"{title:<44} win32pdh {pdh * 1e6:9.1f} us   psutil {peer * 1e6:9.1f} us   ratio {pdh / peer:5.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--processes", type=int, default=50)
    args = parser.parse_args()
    system_rounds, process_rounds = (60, 15) if args.quick else (300, 60)

    pdh = PdhSide(SYSTEM_COUNTERS)
    figures = measure({"win32pdh": pdh, "psutil": PsutilSystem()}, system_rounds)
    pdh.close()
    report(f"1. system: {len(SYSTEM_COUNTERS)} counters, per round", figures)

    # Processes with a name of their own, so that instance #n is one of them.
    children = [subprocess.Popen(["sleep", "600"]) for _ in range(args.processes)]
    try:
        time.sleep(0.2)
        pids = sorted(c.pid for c in children)
        # Other "sleep" processes of the machine may hold some of the #n: find ours by pid.
        q = win32pdh.OpenQuery()
        h = win32pdh.AddCounter(q, r"\Process(sleep*)\ID Process")
        win32pdh.CollectQueryData(q)
        instance_of = {pid: name for name, pid in win32pdh.GetFormattedCounterArray(h, win32pdh.PDH_FMT_LARGE).items()}
        win32pdh.CloseQuery(q)
        paths = [rf"\Process({instance_of[pid]})\{c}" for pid in pids for c in PROCESS_COUNTERS]
        pdh = PdhSide(paths)
        figures = measure({"win32pdh": pdh, "psutil": PsutilProcesses(pids)}, process_rounds)
        pdh.close()
        report(f"2. processes: {len(paths)} counters of {len(pids)}, per round", figures)
    finally:
        for c in children:
            c.kill()
            c.wait()


if __name__ == "__main__":
    try:
        main()
    finally:
        from pywin32_posix._session import remove_private_session

        remove_private_session(os.environ["PYWIN32_POSIX_ROOT"])
