"""Many clients against one multi-instance server, and Ctrl+C during a
blocking pipe call."""
import signal
import threading
import time

import pywintypes
import win32file
import win32pipe

import w32util
from pipe_helpers import ERROR_BROKEN_PIPE, ERROR_NO_DATA, ERROR_PIPE_BUSY, pipe_name, popen_child, server

PROCESSES = 8
CLIENTS_PER_PROCESS = 25  # 200 clients in all
INSTANCES = 8


def test_200_clients_in_8_processes_every_message_answered():
    name = pipe_name("stress")
    instances = [server(name, instances=INSTANCES) for _ in range(INSTANCES)]
    stop = threading.Event()
    conversations = []

    def serve(h):
        while True:
            try:
                win32pipe.ConnectNamedPipe(h, None)
            except pywintypes.error as e:
                assert e.winerror == ERROR_NO_DATA  # a client came and went before the call
                win32pipe.DisconnectNamedPipe(h)
                if stop.is_set():
                    return
                continue
            if stop.is_set():
                return
            n = 0
            try:
                while True:
                    win32file.WriteFile(h, b"re:" + win32file.ReadFile(h, 256)[1])
                    n += 1
            except pywintypes.error as e:
                assert e.winerror == ERROR_BROKEN_PIPE
            conversations.append(n)
            win32pipe.DisconnectNamedPipe(h)

    workers = [w32util.Worker(serve, h) for h in instances]
    code = """
        tag, clients = sys.argv[2], int(sys.argv[3])
        for i in range(clients):
            while True:
                try:
                    c = client(sys.argv[1])
                    break
                except pywintypes.error as e:
                    if e.winerror != 231:  # ERROR_PIPE_BUSY: wait for a free instance
                        raise
                    win32pipe.WaitNamedPipe(sys.argv[1], 20000)
            win32pipe.SetNamedPipeHandleState(c, win32pipe.PIPE_READMODE_MESSAGE, None, None)
            for j in range(3):
                m = ("%s-%d-%d" % (tag, i, j)).encode()
                assert win32pipe.TransactNamedPipe(c, m, 256, None) == b"re:" + m
            c.Close()
        print("ok")
        """
    children = [popen_child(code, name, f"p{k}", CLIENTS_PER_PROCESS) for k in range(PROCESSES)]
    for child in children:
        rc, out, err = w32util.finish(child, timeout=120)
        assert rc == 0 and out.strip() == "ok", err
    stop.set()
    for _ in workers:
        while True:
            try:
                win32pipe.WaitNamedPipe(name, 10000)
                win32file.CreateFile(name, win32file.GENERIC_READ, 0, None, win32file.OPEN_EXISTING, 0, None).Close()
                break
            except pywintypes.error as e:
                assert e.winerror == ERROR_PIPE_BUSY
    for w in workers:
        w.join()
    assert sorted(conversations) == [3] * (PROCESSES * CLIENTS_PER_PROCESS)
    w32util.close_all(instances)


def test_ctrl_c_interrupts_blocking_pipe_calls():
    name = pipe_name("sigint")
    child = popen_child(
        """
        h = win32pipe.CreateNamedPipe(sys.argv[1], 3, 4, 1, 0, 0, 0, None)
        for step in ("connect", "read"):
            print(step, flush=True)
            try:
                if step == "connect":
                    win32pipe.ConnectNamedPipe(h, None)
                else:
                    win32file.ReadFile(h, 10)
            except KeyboardInterrupt:
                print("interrupted", flush=True)
            if step == "connect":
                c = client(sys.argv[1])
                win32pipe.ConnectNamedPipe(h, None)
        """,
        name,
    )
    lines = w32util.LineReader(child)
    for step in ("connect", "read"):
        assert lines.get() == step
        time.sleep(0.3)  # let it block
        child.send_signal(signal.SIGINT)
        assert lines.get() == "interrupted"
    rc, _, err = w32util.finish(child)
    assert rc == 0, err
