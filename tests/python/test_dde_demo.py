"""demos/dde_server.py and demos/dde_client.py, run as the README says: two
real processes exchanging Exec, Request, Poke and hot-link reports."""
import os
import subprocess
import sys

from w32util import LineReader

DEMOS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "demos")


def run_demo(name, *args, **kwargs):
    return subprocess.Popen([sys.executable, os.path.join(DEMOS, name), *args], env=os.environ.copy(),
                            cwd=os.environ["PYWIN32_POSIX_ROOT"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_the_demo_client_and_server_talk_across_processes():
    service = f"RunAnyDemo-{os.getpid()}"
    server = run_demo("dde_server.py", service)
    try:
        lines = LineReader(server)
        assert lines.get(timeout=60) == f"serving {service}"
        client = run_demo("dde_client.py", service, "--quit")
        try:
            out, err = client.communicate(timeout=120)
        finally:
            if client.poll() is None:
                client.kill()
                client.wait(10)
        assert client.returncode == 0, out + err
        lines_out = out.splitlines()
        # A link's report may run while the next Exec waits (DDEML's modal loop): the
        # first four lines come in either order, the reports in the server's order.
        assert sorted(lines_out[:4]) == ["executed DoSomething", "executed DoSomethingElse",
                                         "hot link: LastCommand is now 'DoSomething'",
                                         "hot link: LastCommand is now 'DoSomethingElse'"]
        assert [line for line in lines_out if line.startswith("hot link")] == [
            "hot link: LastCommand is now 'DoSomething'", "hot link: LastCommand is now 'DoSomethingElse'"]
        assert lines_out[4:] == [
            'length of "abcdefghi" is 9',
            "the note reads 'written by the client'",
            "the server's topics: ComputeStringLength, Notes, RunAnyCommand, System",
            "asked the server to quit",
        ]
        server_lines = [lines.get(timeout=60) for _ in range(6)]
        assert server_lines == [
            "RunAnyCommand asked to exec DoSomething",
            "RunAnyCommand asked to exec DoSomethingElse",
            "ComputeStringLength asked for the length of 'abcdefghi'",
            "Notes poked: Note = 'written by the client'",
            "RunAnyCommand asked to exec Quit",
            "server done; the note was 'written by the client'",
        ]
        assert server.wait(60) == 0
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(10)
