"""The demos under demos/ run as their README says."""
import os
import subprocess
import sys

DEMOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "demos")


def test_pipe_echo_demo_serves_clients_in_other_processes():
    r = subprocess.run([sys.executable, os.path.join(DEMOS, "pipe_echo.py")], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "server: 15 messages echoed; clients exited with [0, 0, 0]" in r.stdout
    assert r.stdout.count("echo: message") == 15
