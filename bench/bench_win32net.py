#!/usr/bin/env python3
"""win32net benchmark: user enumeration and lookup per second against the
peers issue 10 names, `getent passwd` (a process per call, as a shell script
or a subprocess-using program asks NSS) and Python's pwd module (the same NSS
calls in process), measured in one run.

    python bench/bench_win32net.py            # about 1 s per figure
    python bench/bench_win32net.py --quick    # about 0.2 s per figure

Rows:
- enum level 0: NetUserEnum(None, 0) (all users, names only) vs
  `getent passwd` vs pwd.getpwall();
- enum level 1: NetUserEnum(None, 1) (adds priv from the admin groups and,
  as root, flags and password age from /etc/shadow) vs the same peers;
- get info 1 / 3: NetUserGetInfo(None, "root", level) vs `getent passwd root`
  vs pwd.getpwnam("root").
Figures are calls per second (best of --repeats timed loops); ratios are
win32net / peer. Needs the package installed.
"""
import argparse
import pwd
import subprocess
import time


def rate(fn, seconds, repeats):
    best = 0.0
    for _ in range(repeats):
        calls = 0
        start = time.perf_counter()
        deadline = start + seconds
        while True:
            fn()
            calls += 1
            now = time.perf_counter()
            if now >= deadline:
                break
        best = max(best, calls / (now - start))
    return best


def getent(*args):
    subprocess.run(["getent", "passwd", *args], stdout=subprocess.DEVNULL, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter timed loops")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import win32net

    seconds = 0.2 if args.quick else 1.0
    users = len(win32net.NetUserEnum(None, 0)[0])
    assert users == len({p.pw_name for p in pwd.getpwall()})
    rows = [
        ("enum level 0", lambda: win32net.NetUserEnum(None, 0), lambda: getent(), pwd.getpwall),
        ("enum level 1", lambda: win32net.NetUserEnum(None, 1), lambda: getent(), pwd.getpwall),
        ("get info 1", lambda: win32net.NetUserGetInfo(None, "root", 1), lambda: getent("root"),
         lambda: pwd.getpwnam("root")),
        ("get info 3", lambda: win32net.NetUserGetInfo(None, "root", 3), lambda: getent("root"),
         lambda: pwd.getpwnam("root")),
    ]
    print("win32net vs getent passwd (subprocess) vs pwd; %d users; calls/s, best of %d" % (users, args.repeats))
    print("%-14s %12s %12s %12s %12s %12s" % ("operation", "win32net", "getent", "pwd", "vs getent", "vs pwd"))
    for name, ours, peer_getent, peer_pwd in rows:
        a = rate(ours, seconds, args.repeats)
        b = rate(peer_getent, seconds, args.repeats)
        c = rate(peer_pwd, seconds, args.repeats)
        print("%-14s %12.0f %12.0f %12.0f %11.1fx %11.2fx" % (name, a, b, c, a / b, a / c))


if __name__ == "__main__":
    main()
