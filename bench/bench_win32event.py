#!/usr/bin/env python3
"""win32event benchmark: our events against their peers, side by side.

    python bench/bench_win32event.py            # full run (about a minute)
    python bench/bench_win32event.py --quick    # short run (a few seconds)

Three parts, each printed with its figures and ratios (see bench/README.md):

1. Cross-process ping-pong: process A signals 1 and waits on 2, process B
   the reverse. Our named auto-reset events (CreateEvent/OpenEvent, SetEvent,
   WaitForSingleObject(INFINITE)), multiprocessing.Event (set/wait/clear),
   posix_ipc.Semaphore (if installed), and a C++ floor: raw FUTEX_WAIT /
   FUTEX_WAKE between two forked processes (bench/futex_pingpong.cpp, built
   here with g++ -O2 if g++ exists).
2. WaitForMultipleObjects over 64 manual-reset events, only the last set.
3. Uncontended SetEvent + WaitForSingleObject(h, 0) on an auto-reset event,
   against threading.Event set() + wait(0).

Every Python peer runs in real separate processes (multiprocessing 'spawn').
The run gets a private session: PYWIN32_POSIX_ROOT is set to a fresh temp
dir (inherited by the children) and removed, shared memory included, at exit.
"""
import argparse
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
FUTEX_SOURCE = os.path.join(HERE, "futex_pingpong.cpp")

# Targets from the issue.
TARGET_FLOOR_RATIO = 1.5   # ours / C++ floor, at most
TARGET_MP_RATIO = 4.0      # multiprocessing.Event / ours, at least

EVENT_ALL_ACCESS = 0x1F0003
INFINITE = 0xFFFFFFFF


# --------------------------------------------------------------- children
# Top-level functions so that 'spawn' can pickle them. Each does WARMUP +
# REPEATS * ROUNDS iterations of: wait for ping, send pong; then one last
# wait for ping, so that the parent reads the child's counters while it lives.

def _pin(cpu):
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})


def _child_win32event(ping_name, pong_name, total, cpu=None):
    _pin(cpu)
    import win32event
    ping = win32event.OpenEvent(EVENT_ALL_ACCESS, False, ping_name)
    pong = win32event.OpenEvent(EVENT_ALL_ACCESS, False, pong_name)
    wait, set_ = win32event.WaitForSingleObject, win32event.SetEvent
    for _ in range(total):
        wait(ping, INFINITE)
        set_(pong)
    wait(ping, INFINITE)  # stay alive until the parent has read our counters


def _child_mp_event(ping, pong, total, cpu=None):
    _pin(cpu)
    for _ in range(total):
        ping.wait()
        ping.clear()
        pong.set()
    ping.wait()


def _child_posix_ipc(ping_name, pong_name, total, cpu=None):
    _pin(cpu)
    import posix_ipc
    ping = posix_ipc.Semaphore(ping_name)
    pong = posix_ipc.Semaphore(pong_name)
    acquire, release = ping.acquire, pong.release
    for _ in range(total):
        acquire()
        release()
    acquire()


# --------------------------------------------------------------- helpers

def fmt_us(seconds_per_op):
    return f"{seconds_per_op * 1e6:9.2f} µs"


def fmt_ns(seconds_per_op):
    return f"{seconds_per_op * 1e9:9.0f} ns"


class Result:
    """Per-repeat means (seconds per operation) of one benchmark line."""

    def __init__(self, label, samples, note=""):
        self.label = label
        self.samples = list(samples)
        self.note = note

    @property
    def median(self):
        return statistics.median(self.samples)

    @property
    def mean(self):
        return statistics.fmean(self.samples)


def print_line(result, fmt, extra=""):
    s = result.samples
    spread = f"[{fmt(min(s)).strip()} .. {fmt(max(s)).strip()}]"
    if min(s) > 0 and max(s) / min(s) > 3:
        spread += " !"  # unstable: see the note printed under the table
    print(f"  {result.label:<44} {fmt(result.mean):>12} {fmt(result.median):>12}  {spread:<28}{extra}")


def print_header(extra=""):
    print(f"  {'':<44} {'mean':>12} {'median':>12}  {'[min .. max] of repeats':<28}{extra}")


def switch_note(switches):
    """Context switches per round trip, voluntary/involuntary."""
    if not switches:
        return ""
    return f"{switches[0]:5.2f} / {switches[1]:4.2f}"


def verdict(ok):
    return "met" if ok else "MISSED"


def ratio_line(text, value, target=None, at_most=True):
    line = f"  {text:<62} {value:7.2f}x"
    if target is not None:
        ok = value <= target if at_most else value >= target
        line += f"   target {'<=' if at_most else '>='} {target:g}x: {verdict(ok)}"
        print(line)
        return ok
    print(line)
    return None


def time_loop(fn, iterations, repeats):
    """Per-repeat seconds per call of fn(iterations) (fn runs the loop)."""
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(iterations)
        out.append((time.perf_counter() - t0) / iterations)
    return out


# --------------------------------------------------------------- part 1

def context_switches(pid):
    """(voluntary, involuntary) context switches of a live process so far."""
    vol = invol = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches:"):
                vol = int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches:"):
                invol = int(line.split()[1])
    return vol, invol


def run_parent_loop(step, rounds, repeats, warmup, child, last_ping):
    """Runs warmup then repeats x rounds of step(n) loops; returns the
    per-repeat seconds per round trip and the context switches (voluntary,
    involuntary) of both processes per timed round trip. last_ping() sends
    the child the final ping it waits for."""
    step(warmup)
    pids = (os.getpid(), child.pid)
    before = [context_switches(p) for p in pids]
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        step(rounds)
        out.append((time.perf_counter() - t0) / rounds)
    after = [context_switches(p) for p in pids]
    last_ping()
    timed = rounds * repeats
    vol = sum(a[0] - b[0] for a, b in zip(after, before)) / timed
    invol = sum(a[1] - b[1] for a, b in zip(after, before)) / timed
    return out, (vol, invol)


def start_child(ctx, target, args):
    p = ctx.Process(target=target, args=args, daemon=True)
    p.start()
    return p


def finish_child(p, label):
    p.join(timeout=60)
    if p.is_alive():
        p.terminate()
        p.join()
        raise RuntimeError(f"{label}: child did not finish")
    if p.exitcode != 0:
        raise RuntimeError(f"{label}: child exited with {p.exitcode}")


def pingpong_win32event(ctx, rounds, repeats, warmup, cpu=None):
    import win32event
    tag = f"w32bench.{os.getpid()}"
    ping = win32event.CreateEvent(None, False, False, tag + ".ping")
    pong = win32event.CreateEvent(None, False, False, tag + ".pong")
    child = start_child(ctx, _child_win32event, (tag + ".ping", tag + ".pong", warmup + rounds * repeats, cpu))
    wait, set_ = win32event.WaitForSingleObject, win32event.SetEvent

    def step(n):
        for _ in range(n):
            set_(ping)
            wait(pong, INFINITE)

    try:
        return run_parent_loop(step, rounds, repeats, warmup, child, lambda: set_(ping))
    finally:
        finish_child(child, "win32event")


def pingpong_mp_event(ctx, rounds, repeats, warmup, cpu=None):
    ping, pong = ctx.Event(), ctx.Event()
    child = start_child(ctx, _child_mp_event, (ping, pong, warmup + rounds * repeats, cpu))

    def step(n):
        for _ in range(n):
            ping.set()
            pong.wait()
            pong.clear()

    try:
        return run_parent_loop(step, rounds, repeats, warmup, child, ping.set)
    finally:
        finish_child(child, "multiprocessing.Event")


def pingpong_posix_ipc(ctx, rounds, repeats, warmup, cpu=None):
    import posix_ipc
    tag = f"/w32bench.{os.getpid()}"
    ping = posix_ipc.Semaphore(tag + ".ping", posix_ipc.O_CREX, initial_value=0)
    pong = posix_ipc.Semaphore(tag + ".pong", posix_ipc.O_CREX, initial_value=0)
    try:
        child = start_child(ctx, _child_posix_ipc, (tag + ".ping", tag + ".pong", warmup + rounds * repeats, cpu))
        release, acquire = ping.release, pong.acquire

        def step(n):
            for _ in range(n):
                release()
                acquire()

        try:
            return run_parent_loop(step, rounds, repeats, warmup, child, release)
        finally:
            finish_child(child, "posix_ipc")
    finally:
        for s in (ping, pong):
            s.unlink()
            s.close()


def build_futex_floor(workdir):
    """Compiles futex_pingpong.cpp; returns the binary's path or a reason."""
    gxx = shutil.which("g++")
    if gxx is None:
        return None, "g++ not found"
    exe = os.path.join(workdir, "futex_pingpong")
    proc = subprocess.run([gxx, "-O2", "-std=c++17", "-o", exe, FUTEX_SOURCE],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return None, "g++ failed: " + proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "g++ failed"
    return exe, ""


def pingpong_futex(exe, rounds, repeats, warmup, spin, cpus=(-1, -1)):
    proc = subprocess.run([exe, str(rounds), str(repeats), str(warmup), str(spin), str(cpus[0]), str(cpus[1])],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"futex_pingpong failed ({proc.returncode}): {proc.stderr.strip()}")
    samples, syscalls, switches = [], None, None
    for line in proc.stdout.split("\n"):
        if line.startswith("syscalls_per_round_trip"):
            syscalls = float(line.split()[1])
        elif line.startswith("ctxsw_per_round_trip"):
            switches = tuple(float(x) for x in line.split()[1:3])
        elif line.strip():
            samples.append(float(line) * 1e-9)
    return samples, syscalls, switches


def placements():
    """(title, parent CPU, child CPU): pinned, so that every peer is measured
    with the same placement, and both placements are shown. Unpinned, the
    scheduler picks one or the other per run, which decides the figures."""
    cpus = sorted(os.sched_getaffinity(0))
    out = [("both processes on one CPU", cpus[0], cpus[0])]
    if len(cpus) > 1:
        out.append(("the processes on two CPUs", cpus[0], cpus[1]))
    return out


def part_pingpong(args, workdir):
    print(f"1. Cross-process ping-pong: time per round trip "
          f"({args.rounds} round trips x {args.repeats} repeats, {args.warmup} warm-up)")
    exe, why = build_futex_floor(workdir)
    ctx = multiprocessing.get_context("spawn")
    checks = []
    original = os.sched_getaffinity(0)
    try:
        for number, (title, cpu_a, cpu_b) in enumerate(placements(), 1):
            os.sched_setaffinity(0, {cpu_a})
            print(f" 1.{number}. {title} (CPU {cpu_a} and CPU {cpu_b})")
            checks += pingpong_at(args, ctx, exe, why, cpu_a, cpu_b)
    finally:
        os.sched_setaffinity(0, original)
    print()
    return checks


def pingpong_at(args, ctx, exe, why, cpu_a, cpu_b):
    print_header("per round trip: ctx switches vol / invol [, futex calls]")
    r = {}

    def run(key, label, fn, *fargs):
        try:
            samples, switches = fn(*fargs)
        except Exception as e:  # keep the other lines
            print(f"  {label:<44} failed: {e}")
            return None
        r[key] = Result(label, samples)
        print_line(r[key], fmt_us, switch_note(switches))
        return r[key]

    if exe is None:
        print(f"  {'C++ futex floor':<44} skipped: {why}")
    else:
        try:
            samples, syscalls, switches = pingpong_futex(exe, args.rounds, args.repeats, args.warmup, 0,
                                                         (cpu_a, cpu_b))
            r["floor"] = Result("C++ futex floor (FUTEX_WAIT/WAKE)", samples)
            print_line(r["floor"], fmt_us, switch_note(switches) + f", {syscalls:.2f} futex")
        except Exception as e:
            print(f"  {'C++ futex floor':<44} failed: {e}")

    run("ours", "win32event (named auto-reset events)", pingpong_win32event, ctx, args.rounds, args.repeats,
        args.warmup, cpu_b)
    # multiprocessing.Event is far slower; fewer rounds keep the run short.
    mp_rounds = max(args.rounds // 4, 100)
    run("mp", f"multiprocessing.Event ({mp_rounds} round trips)", pingpong_mp_event,
        ctx, mp_rounds, args.repeats, max(args.warmup // 4, 10), cpu_b)
    try:
        import posix_ipc  # noqa: F401
    except ImportError:
        print(f"  {'posix_ipc.Semaphore':<44} skipped: posix_ipc is not installed "
              f"(pip install -r bench/requirements.txt)")
    else:
        run("posix", "posix_ipc.Semaphore", pingpong_posix_ipc, ctx, args.rounds, args.repeats, args.warmup, cpu_b)

    if any(max(x.samples) / min(x.samples) > 3 for x in r.values() if min(x.samples) > 0):
        print("  ! repeats differ more than 3x: other load on the machine.")
    print("  ratios (medians):")
    checks = []
    ours = r.get("ours")
    if ours and "floor" in r:
        checks.append(ratio_line("ours / C++ futex floor", ours.median / r["floor"].median, TARGET_FLOOR_RATIO, True))
    if ours and "mp" in r:
        checks.append(ratio_line("multiprocessing.Event / ours (how much faster ours is)",
                                 r["mp"].median / ours.median, TARGET_MP_RATIO, False))
    if ours and "posix" in r:
        ratio_line("posix_ipc.Semaphore / ours (>1: ours faster)", r["posix"].median / ours.median)
    return checks


# --------------------------------------------------------------- parts 2, 3

def part_wfmo(args):
    import win32event
    n = args.wfmo_calls
    print(f"2. WaitForMultipleObjects over 64 manual-reset events, only the last signalled "
          f"({n} calls x {args.repeats} repeats)")
    print_header()
    handles = [win32event.CreateEvent(None, True, False, None) for _ in range(64)]
    win32event.SetEvent(handles[-1])
    wfmo = win32event.WaitForMultipleObjects
    expected = win32event.WAIT_OBJECT_0 + 63
    if wfmo(handles, False, INFINITE) != expected:
        raise RuntimeError("WaitForMultipleObjects did not return WAIT_OBJECT_0 + 63")

    def loop64(k):
        for _ in range(k):
            wfmo(handles, False, INFINITE)

    res = Result("WaitForMultipleObjects(64 handles)", time_loop(loop64, n, args.repeats))
    print_line(res, fmt_us)

    one = [handles[-1]]

    def loop1(k):
        for _ in range(k):
            wfmo(one, False, INFINITE)

    ref = Result("  reference: the same with 1 handle", time_loop(loop1, n, args.repeats))
    print_line(ref, fmt_us)
    print(f"  per extra handle: {(res.median - ref.median) / 63 * 1e9:.0f} ns")
    print()


def part_uncontended(args):
    import win32event
    n = args.pair_calls
    print(f"3. Uncontended signal + zero-timeout wait, per pair ({n} pairs x {args.repeats} repeats)")
    print_header()
    h = win32event.CreateEvent(None, False, False, None)
    set_, wait = win32event.SetEvent, win32event.WaitForSingleObject
    set_(h)
    if wait(h, 0) != win32event.WAIT_OBJECT_0 or wait(h, 0) != win32event.WAIT_TIMEOUT:
        raise RuntimeError("auto-reset event did not behave")

    def ours(k):
        for _ in range(k):
            set_(h)
            wait(h, 0)

    e = threading.Event()
    eset, ewait = e.set, e.wait

    def thr(k):
        for _ in range(k):
            eset()
            ewait(0)

    x = []
    xappend, xpop = x.append, x.pop

    def calls(k):  # the interpreter's cost of any two C calls in this loop
        for _ in range(k):
            xappend(None)
            xpop()

    r_ours = Result("SetEvent + WaitForSingleObject(h, 0)", time_loop(ours, n, args.repeats))
    print_line(r_ours, fmt_ns)
    r_thr = Result("threading.Event set() + wait(0)", time_loop(thr, n, args.repeats))
    print_line(r_thr, fmt_ns)
    r_posix = None
    try:
        import posix_ipc
    except ImportError:
        print(f"  {'posix_ipc.Semaphore release() + acquire(0)':<44} skipped: posix_ipc is not installed")
    else:
        sem = posix_ipc.Semaphore(None, posix_ipc.O_CREX, initial_value=0)
        try:
            rel, acq = sem.release, sem.acquire

            def px(k):
                for _ in range(k):
                    rel()
                    acq(0)

            r_posix = Result("posix_ipc.Semaphore release() + acquire(0)", time_loop(px, n, args.repeats))
            print_line(r_posix, fmt_ns)
        finally:
            sem.unlink()
            sem.close()
    r_calls = Result("  reference: any two C calls (append+pop)", time_loop(calls, n, args.repeats))
    print_line(r_calls, fmt_ns)
    print("  ratios (medians):")
    ratio_line("ours / threading.Event", r_ours.median / r_thr.median)
    if r_posix:
        ratio_line("ours / posix_ipc.Semaphore", r_ours.median / r_posix.median)
    print()


# --------------------------------------------------------------- main

def remove_session(root):
    try:
        from pywin32_posix._session import remove_private_session
    except ImportError:
        shutil.rmtree(root, ignore_errors=True)
    else:
        remove_private_session(root)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="short run (smaller counts)")
    ap.add_argument("--rounds", type=int, help="ping-pong round trips per repeat")
    ap.add_argument("--repeats", type=int, help="repeats of every measurement (median reported)")
    ap.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = ap.parse_args()
    q = args.quick
    args.rounds = args.rounds or (2_000 if q else 20_000)
    args.repeats = args.repeats or (3 if q else 5)
    args.warmup = max(args.rounds // 10, 50)
    args.wfmo_calls = 2_000 if q else 20_000
    args.pair_calls = 20_000 if q else 200_000

    root = tempfile.mkdtemp(prefix="w32bench-")
    os.environ["PYWIN32_POSIX_ROOT"] = root
    os.environ.pop("PYWIN32_POSIX_DISABLE", None)
    workdir = tempfile.mkdtemp(prefix="w32bench-build-")
    try:
        import win32event  # noqa: F401  (after the root is set)

        load = os.getloadavg()
        print(f"win32event benchmark ({'quick' if q else 'full'} run)")
        print(f"  Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
              f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
              + ("  (busy machine: figures will be noisy)" if load[0] > 0.5 else ""))
        print(f"  PYWIN32_POSIX_ROOT={root}")
        print()
        checks = part_pingpong(args, workdir)
        part_wfmo(args)
        part_uncontended(args)
        missed = [c for c in checks if c is False]
        print(f"targets: {len(checks) - len(missed)} met, {len(missed)} missed")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        remove_session(root)
    if args.check and missed:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
