"""Hand installed services over to systemd: one unit per service.

    python -m pywin32_posix.systemd_units [--system] [--dir DIR] [--verify] NAME...

writes `pywin32-<name>.service` for each service installed with
win32serviceutil (or CreateService) into DIR (default: the user manager's
~/.config/systemd/user, or /etc/systemd/system with --system). The unit runs
the same command line with Type=notify: the service process reports READY
and STOPPING through sd_notify as it reports its status, STOP arrives as
SIGTERM, PAUSE/CONTINUE as SIGUSR1/SIGUSR2 (`systemctl kill -s SIGUSR1`), and
a Python service finds its class in the unit's environment. --verify checks
the written units with `systemd-analyze verify`. Then `systemctl [--user]
daemon-reload` and `systemctl [--user] enable --now pywin32-<name>`.
"""
import argparse
import os
import shutil
import subprocess
import sys

import win32service


def default_directory(system):
    """Where systemd looks for units: /etc/systemd/system for the system manager,
    else the user's $XDG_CONFIG_HOME/systemd/user (~/.config/systemd/user).
    """
    if system:
        return "/etc/systemd/system"
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.join(base, "systemd", "user")


def unit_text(name, system=False):
    """The unit of installed service `name`, as text."""
    scm = win32service.OpenSCManager(None, None, win32service.SC_MANAGER_CONNECT)
    try:
        h = win32service.OpenService(scm, name, win32service.SERVICE_QUERY_CONFIG)
        try:
            env = []
            if os.environ.get("PYWIN32_POSIX_ROOT"):
                env.append("PYWIN32_POSIX_ROOT=" + os.environ["PYWIN32_POSIX_ROOT"])
            python_class = win32service._GetServiceValue(h, "PythonClass")
            if python_class:
                env.append("PYWIN32_POSIX_PYTHON_CLASS=" + python_class)
            return win32service._SystemdUnit(h, not system, env)
        finally:
            win32service.CloseServiceHandle(h)
    finally:
        win32service.CloseServiceHandle(scm)


def write_units(names, directory, system=False):
    """Writes the units; returns their paths."""
    os.makedirs(directory, exist_ok=True)
    paths = []
    for name in names:
        path = os.path.join(directory, win32service._SystemdUnitName(name))
        text = unit_text(name, system)
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)
        paths.append(path)
    return paths


def verify(paths):
    """`systemd-analyze verify` on the units: (ok, its output)."""
    tool = shutil.which("systemd-analyze")
    if tool is None:
        return False, "systemd-analyze is not installed"
    r = subprocess.run([tool, "verify"] + list(paths), capture_output=True, text=True, timeout=120)
    return r.returncode == 0, (r.stdout + r.stderr).strip()


def main(argv=None):
    """The command line of `python -m pywin32_posix.systemd_units`: writes the
    units of the named installed services, prints their paths, and with
    --verify checks them (exit status 1 when systemd-analyze finds a fault).
    """
    ap = argparse.ArgumentParser(prog="python -m pywin32_posix.systemd_units",
                                 description="Write systemd units for installed services.")
    ap.add_argument("names", nargs="+", metavar="NAME")
    ap.add_argument("--system", action="store_true", help="for the system manager (multi-user.target)")
    ap.add_argument("--dir", help="where to write (default: the manager's unit directory)")
    ap.add_argument("--verify", action="store_true", help="check them with systemd-analyze verify")
    args = ap.parse_args(argv)
    paths = write_units(args.names, args.dir or default_directory(args.system), args.system)
    for path in paths:
        print(path)
    if args.verify:
        ok, output = verify(paths)
        if output:
            print(output)
        return 0 if ok else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
