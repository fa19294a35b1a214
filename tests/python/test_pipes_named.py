"""Named pipes between processes: message and byte mode, several instances,
busy and timeout errors, and what a killed peer leaves the other side."""
import os
import signal
import subprocess

import pytest

import pywintypes
import win32file
import win32pipe

import w32util
from pipe_helpers import (
    BYTE,
    ERROR_BROKEN_PIPE,
    ERROR_MORE_DATA,
    ERROR_NO_DATA,
    ERROR_PIPE_BUSY,
    ERROR_PIPE_CONNECTED,
    ERROR_SEM_TIMEOUT,
    client,
    pipe_name,
    popen_child,
    server,
)


def test_message_mode_keeps_boundaries_across_processes():
    name = pipe_name("msg")
    h = server(name)
    child = popen_child(
        """
        c = client(sys.argv[1])
        win32pipe.SetNamedPipeHandleState(c, win32pipe.PIPE_READMODE_MESSAGE, None, None)
        for m in (b"one", b"two two", b"x" * 5000):
            win32file.WriteFile(c, m)
        print(win32file.ReadFile(c, 100)[1].decode())
        """,
        name,
    )
    assert w32util.in_thread(lambda: win32pipe.ConnectNamedPipe(h, None)) in (0, ERROR_PIPE_CONNECTED)
    assert win32file.ReadFile(h, 100) == (0, b"one")
    assert win32file.ReadFile(h, 100) == (0, b"two two")
    assert win32file.ReadFile(h, 10000) == (0, b"x" * 5000)
    win32file.WriteFile(h, b"done")
    rc, out, err = w32util.finish(child)
    assert rc == 0, err
    assert out.strip() == "done"
    h.Close()


def test_short_read_gives_more_data_and_the_rest_stays_readable():
    name = pipe_name("more")
    h = server(name)
    # The client stays until the parent is done (stdin closes): a client that
    # left before ConnectNamedPipe would rightly give ERROR_NO_DATA.
    child = popen_child("c = client(sys.argv[1]); win32file.WriteFile(c, b'0123456789'); sys.stdin.read()", name,
                        stdin=subprocess.PIPE)
    win32pipe.ConnectNamedPipe(h, None)
    assert win32file.ReadFile(h, 4) == (ERROR_MORE_DATA, b"0123")
    assert win32pipe.PeekNamedPipe(h, 2) == (b"45", 6, 4)
    assert win32file.ReadFile(h, 4) == (ERROR_MORE_DATA, b"4567")
    assert win32file.ReadFile(h, 4) == (0, b"89")
    assert w32util.finish(child)[0] == 0
    h.Close()


def test_byte_mode_is_a_stream():
    name = pipe_name("byte")
    h = server(name, BYTE)
    child = popen_child(
        """
        c = client(sys.argv[1])
        win32file.WriteFile(c, b"abc"); win32file.WriteFile(c, b"def")
        sys.stdin.read()
        """,
        name,
        stdin=subprocess.PIPE,
    )
    win32pipe.ConnectNamedPipe(h, None)
    got = b""
    while len(got) < 6:
        rc, data = win32file.ReadFile(h, 100)
        assert rc == 0
        got += data
    assert got == b"abcdef"
    assert w32util.finish(child)[0] == 0
    assert win32pipe.GetNamedPipeInfo(h)[0] == win32pipe.PIPE_SERVER_END
    h.Close()


def test_several_instances_serve_several_client_processes():
    name = pipe_name("multi")
    n = 4
    instances = [server(name, instances=win32pipe.PIPE_UNLIMITED_INSTANCES) for _ in range(n)]
    code = """
        c = client(sys.argv[1])
        win32pipe.SetNamedPipeHandleState(c, win32pipe.PIPE_READMODE_MESSAGE, None, None)
        me = sys.argv[2].encode()
        for i in range(20):
            answer = win32pipe.TransactNamedPipe(c, me + b":%d" % i, 100, None)
            assert answer == b"echo " + me + b":%d" % i, answer
        print("ok")
        """
    children = [popen_child(code, name, f"c{i}") for i in range(n)]

    def serve(h):
        win32pipe.ConnectNamedPipe(h, None)
        try:
            while True:
                win32file.WriteFile(h, b"echo " + win32file.ReadFile(h, 100)[1])
        except pywintypes.error as e:
            assert e.winerror == ERROR_BROKEN_PIPE
        return win32pipe.GetNamedPipeClientProcessId(h)

    workers = [w32util.Worker(serve, h) for h in instances]
    for child in children:
        rc, out, err = w32util.finish(child)
        assert rc == 0 and out.strip() == "ok", err
    pids = {w.join() for w in workers}
    assert pids == {c.pid for c in children}
    w32util.close_all(instances)


def test_max_instances_is_enforced():
    name = pipe_name("max")
    h1 = server(name, instances=2)
    h2 = server(name, instances=2)
    with pytest.raises(pywintypes.error) as e:
        server(name, instances=2)
    w32util.assert_winerror(e, ERROR_PIPE_BUSY, "CreateNamedPipe")
    h2.Close()
    server(name, instances=2).Close()  # a closed instance frees its place
    h1.Close()


def test_pipe_busy_and_wait_timeout_when_every_instance_is_taken(run_py):
    name = pipe_name("busy")
    h = server(name)
    c1 = client(name)
    win32pipe.ConnectNamedPipe(h, None)
    r = run_py(
        "import sys, win32file, win32pipe, pywintypes\n"
        "try:\n"
        "    win32file.CreateFile(sys.argv[1], win32file.GENERIC_READ, 0, None, win32file.OPEN_EXISTING, 0, None)\n"
        "except pywintypes.error as e: print(e.winerror)\n"
        "try:\n"
        "    win32pipe.WaitNamedPipe(sys.argv[1], 200)\n"
        "except pywintypes.error as e: print(e.winerror)\n",
        name,
    )
    assert r.stdout.split() == [str(ERROR_PIPE_BUSY), str(ERROR_SEM_TIMEOUT)], r.stderr
    # Disconnect frees the instance: WaitNamedPipe returns and a client gets in.
    win32pipe.DisconnectNamedPipe(h)
    win32pipe.WaitNamedPipe(name, 2000)
    c2 = client(name)
    c1.Close()
    c2.Close()
    h.Close()


def test_wait_named_pipe_returns_when_an_instance_frees():
    name = pipe_name("waitfree")
    h = server(name)
    c = client(name)
    win32pipe.ConnectNamedPipe(h, None)
    waiter = w32util.Worker(win32pipe.WaitNamedPipe, name, win32pipe.NMPWAIT_WAIT_FOREVER)
    assert waiter.still_running_after(0.2)
    win32pipe.DisconnectNamedPipe(h)
    waiter.join()
    c.Close()
    h.Close()


def test_client_connected_before_connect_named_pipe():
    name = pipe_name("early")
    h = server(name)
    c = client(name)
    assert win32pipe.ConnectNamedPipe(h, None) == ERROR_PIPE_CONNECTED
    win32file.WriteFile(c, b"hi")
    assert win32file.ReadFile(h, 10) == (0, b"hi")
    c.Close()
    h.Close()


def test_killed_client_gives_the_server_broken_pipe():
    name = pipe_name("killc")
    h = server(name)
    child = popen_child("c = client(sys.argv[1]); print('in', flush=True); time.sleep(60)", name)
    win32pipe.ConnectNamedPipe(h, None)
    assert w32util.read_line(child) == "in"
    reader = w32util.Worker(win32file.ReadFile, h, 100)
    assert reader.still_running_after(0.2)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    with pytest.raises(pywintypes.error) as e:
        reader.join()
    w32util.assert_winerror(e, ERROR_BROKEN_PIPE, "ReadFile")
    with pytest.raises(pywintypes.error) as e:
        win32file.WriteFile(h, b"anyone?")
    w32util.assert_winerror(e, ERROR_NO_DATA, "WriteFile")
    h.Close()


def test_killed_server_gives_the_client_broken_pipe():
    name = pipe_name("kills")
    child = popen_child(
        """
        h = win32pipe.CreateNamedPipe(sys.argv[1], win32pipe.PIPE_ACCESS_DUPLEX, win32pipe.PIPE_TYPE_MESSAGE,
                                      1, 4096, 4096, 0, None)
        print("up", flush=True)
        win32pipe.ConnectNamedPipe(h, None)
        time.sleep(60)
        """,
        name,
    )
    assert w32util.read_line(child) == "up"
    c = client(name)
    reader = w32util.Worker(win32file.ReadFile, c, 100)
    assert reader.still_running_after(0.2)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    with pytest.raises(pywintypes.error) as e:
        reader.join()
    w32util.assert_winerror(e, ERROR_BROKEN_PIPE, "ReadFile")
    with pytest.raises(pywintypes.error) as e:
        win32file.WriteFile(c, b"x")
    w32util.assert_winerror(e, ERROR_NO_DATA, "WriteFile")
    c.Close()
    # The dead server's instance is stale: no client can open it, a new server can be made.
    with pytest.raises(pywintypes.error) as e:
        client(name)
    w32util.assert_winerror(e, 2, "CreateFile")
    server(name).Close()


def test_call_named_pipe_from_another_process():
    name = pipe_name("call")
    h = server(name)
    child = popen_child("print(win32pipe.CallNamedPipe(sys.argv[1], b'ping', 64, 5000).decode())", name)
    win32pipe.ConnectNamedPipe(h, None)
    assert win32file.ReadFile(h, 64) == (0, b"ping")
    win32file.WriteFile(h, b"pong")
    rc, out, err = w32util.finish(child)
    assert (rc, out.strip()) == (0, "pong"), err
    h.Close()


def test_handle_state_info_and_process_ids():
    name = pipe_name("state")
    h = server(name, instances=3, timeout=100)
    c = client(name)
    win32pipe.ConnectNamedPipe(h, None)
    assert win32pipe.GetNamedPipeInfo(h) == (win32pipe.PIPE_SERVER_END | win32pipe.PIPE_TYPE_MESSAGE, 65536, 65536, 3)
    assert win32pipe.GetNamedPipeInfo(c)[0] == win32pipe.PIPE_TYPE_MESSAGE
    state = win32pipe.GetNamedPipeHandleState(h)
    assert state[0] == win32pipe.PIPE_READMODE_MESSAGE and state[1] == 1
    assert win32pipe.GetNamedPipeHandleState(c)[:2] == (win32pipe.PIPE_READMODE_BYTE, 1)  # clients start in byte mode
    win32pipe.SetNamedPipeHandleState(c, win32pipe.PIPE_READMODE_MESSAGE, None, None)
    assert win32pipe.GetNamedPipeHandleState(c)[0] == win32pipe.PIPE_READMODE_MESSAGE
    assert win32pipe.GetNamedPipeClientProcessId(h) == os.getpid()
    assert win32pipe.GetNamedPipeServerProcessId(c) == os.getpid()
    assert win32file.GetFileType(h) == win32file.FILE_TYPE_PIPE
    win32file.FlushFileBuffers(c)
    c.Close()
    h.Close()


def test_names_are_case_insensitive():
    name = pipe_name("Case")
    # Two instances: a client that connected and left keeps its instance
    # until the server disconnects it, as on Windows.
    instances = [server(name, instances=2) for _ in range(2)]
    c = client(name.upper().replace("\\\\.\\PIPE\\", "\\\\.\\pipe\\"))
    c.Close()
    c = client("//./PiPe/" + name[9:].lower())
    c.Close()
    w32util.close_all(instances)


def test_peek_answers_while_another_thread_waits_in_read():
    name = pipe_name("peekwait")
    h = server(name)
    c = client(name)
    win32pipe.ConnectNamedPipe(h, None)
    reader = w32util.Worker(win32file.ReadFile, h, 100)
    assert reader.still_running_after(0.2)
    assert w32util.in_thread(lambda: win32pipe.PeekNamedPipe(h, 10), timeout=5) == (b"", 0, 0)
    win32file.WriteFile(c, b"late")
    assert reader.join() == (0, b"late")
    c.Close()
    h.Close()


def test_disconnect_wakes_a_connect_waiting_in_another_thread_which_keeps_waiting():
    name = pipe_name("discwait")
    h = server(name)
    waiter = w32util.Worker(win32pipe.ConnectNamedPipe, h, None)
    assert waiter.still_running_after(0.2)
    win32pipe.DisconnectNamedPipe(h)
    assert waiter.still_running_after(0.2)
    c = client(name)  # the new listener takes it, and the waiting connect sees it
    assert waiter.join() == 0
    win32file.WriteFile(c, b"ok")
    assert win32file.ReadFile(h, 10) == (0, b"ok")
    c.Close()
    h.Close()


def test_client_gone_before_connect_named_pipe_is_no_data():
    name = pipe_name("gone")
    h = server(name)
    client(name).Close()
    with pytest.raises(pywintypes.error) as e:
        win32pipe.ConnectNamedPipe(h, None)
    w32util.assert_winerror(e, ERROR_NO_DATA, "ConnectNamedPipe")
    win32pipe.DisconnectNamedPipe(h)
    c = client(name)
    assert win32pipe.ConnectNamedPipe(h, None) == ERROR_PIPE_CONNECTED
    c.Close()
    h.Close()
