"""The systemd backend: units generated from installed services pass
`systemd-analyze verify`, and a service process run as such a unit speaks
sd_notify and takes its controls as signals (checked here with a notify
socket of the test's own, as systemd would listen on)."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
import win32service

import svc_helpers as sh
from pywin32_posix import systemd_units
from svc_helpers import manager  # noqa: F401

pytestmark = pytest.mark.usefixtures("manager")


def test_generated_units_pass_systemd_analyze_verify(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (Debian: systemd)")
    base = sh.install("UnitBase", startType=win32service.SERVICE_AUTO_START, description="base")
    odd = sh.install("Unit 100% $odd", serviceDeps=["UnitBase"], displayName="Odd %n $HOME")
    scm = sh.Scm()
    s = scm.open(odd)
    win32service.ChangeServiceConfig2(s, win32service.SERVICE_CONFIG_FAILURE_ACTIONS,
                                      {"ResetPeriod": 0, "Actions": ((win32service.SC_ACTION_RESTART, 1500),)})
    win32service.CloseServiceHandle(s)
    scm.close()
    try:
        paths = systemd_units.write_units([base, odd], str(tmp_path))
        ok, output = systemd_units.verify(paths)
        assert ok, output
        base_text = open(paths[0]).read()
        assert "Type=notify" in base_text and "WantedBy=default.target" in base_text
        assert "PYWIN32_POSIX_PYTHON_CLASS=" + sh.class_string("EchoService") in base_text
        odd_text = open(paths[1]).read()
        assert os.path.basename(paths[1]) == "pywin32-unit\\x20100\\x25\\x20\\x24odd.service"
        assert "Requires=pywin32-unitbase.service" in odd_text
        assert "Description=Odd %%n $HOME" in odd_text
        assert "Restart=on-failure\nRestartSec=1500ms" in odd_text
        # The checker is not a formality: a broken unit fails it.
        broken = tmp_path / "pywin32-broken.service"
        broken.write_text(base_text.replace("ExecStart=", "ExecStart=relative/"))
        assert not systemd_units.verify([str(broken)])[0]
        # The command line form.
        r = subprocess.run([sys.executable, "-m", "pywin32_posix.systemd_units", "--dir", str(tmp_path / "cli"),
                            "--verify", base], capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr
        assert (tmp_path / "cli" / "pywin32-unitbase.service").exists()
    finally:
        sh.remove(odd)
        sh.remove(base)


def _messages(sock, until, timeout=20):
    got = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(deadline - time.monotonic(), 0.01))
        try:
            got.append(sock.recv(4096).decode())
        except socket.timeout:
            break
        if until in got[-1]:
            return got
    raise AssertionError("no %r in %r" % (until, got))


def test_service_process_under_systemd_speaks_sd_notify(tmp_path):
    notify_path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(notify_path)
    name = "SystemdEcho"
    env = dict(os.environ, NOTIFY_SOCKET=notify_path, PYWIN32_POSIX_SERVICE=name,
               PYWIN32_POSIX_SERVICE_BACKEND="systemd",
               PYWIN32_POSIX_PYTHON_CLASS=sh.class_string("EchoService"))
    p = subprocess.Popen([sys.executable, "-m", "pywin32_posix.pythonservice"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert any("READY=1" in m for m in _messages(sock, "READY=1"))
        sh.wait_for(lambda: any(r.startswith("running") for r in sh.records(name)))
        p.send_signal(signal.SIGUSR1)
        _messages(sock, "STATUS=paused")
        p.send_signal(signal.SIGUSR2)
        _messages(sock, "STATUS=running")
        p.send_signal(signal.SIGTERM)
        msgs = _messages(sock, "STATUS=stopped")
        assert any("STOPPING=1" in m for m in msgs)
        out, err = p.communicate(timeout=30)
        assert p.returncode == 0, err
        assert sh.records(name)[-4:] == ["pause", "continue", "stop", "stopped"]
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        sock.close()
