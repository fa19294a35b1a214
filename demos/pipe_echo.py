"""A named-pipe echo server and its clients, in separate processes, written
as for pywin32 on Windows.

    python3 demos/pipe_echo.py            # the server, and 3 client processes
    python3 demos/pipe_echo.py client N   # one client (the server starts these)
"""
import os
import subprocess
import sys
import threading

import pywintypes
import win32file
import win32pipe
import winerror

PIPE = r"\\.\pipe\pywin32-posix-echo-demo"
INSTANCES = 3
MESSAGES = 5


def serve_instance(pipe, answered):
    # One instance: wait for a client, echo each message until it goes.
    win32pipe.ConnectNamedPipe(pipe, None)
    while True:
        try:
            _, message = win32file.ReadFile(pipe, 4096)
        except pywintypes.error as exc:
            if exc.winerror == winerror.ERROR_BROKEN_PIPE:  # the client closed its end
                break
            raise
        win32file.WriteFile(pipe, b"echo: " + message)
        answered.append(message)
    win32pipe.DisconnectNamedPipe(pipe)
    win32file.CloseHandle(pipe)


def server():
    mode = win32pipe.PIPE_TYPE_MESSAGE | win32pipe.PIPE_READMODE_MESSAGE | win32pipe.PIPE_WAIT
    pipes = [win32pipe.CreateNamedPipe(PIPE, win32pipe.PIPE_ACCESS_DUPLEX, mode, INSTANCES, 4096, 4096, 0, None)
             for _ in range(INSTANCES)]
    answered = []
    threads = [threading.Thread(target=serve_instance, args=(p, answered)) for p in pipes]
    for t in threads:
        t.start()
    print("server %d: %d instances of %s" % (os.getpid(), INSTANCES, PIPE), flush=True)
    clients = [subprocess.Popen([sys.executable, __file__, "client", str(n)]) for n in range(INSTANCES)]
    codes = [c.wait() for c in clients]
    for t in threads:
        t.join()
    print("server: %d messages echoed; clients exited with %s" % (len(answered), codes))
    return 0 if codes == [0] * INSTANCES and len(answered) == INSTANCES * MESSAGES else 1


def client(number):
    win32pipe.WaitNamedPipe(PIPE, 10000)
    handle = win32file.CreateFile(PIPE, win32file.GENERIC_READ | win32file.GENERIC_WRITE, 0, None,
                                  win32file.OPEN_EXISTING, 0, None)
    win32pipe.SetNamedPipeHandleState(handle, win32pipe.PIPE_READMODE_MESSAGE, None, None)
    for i in range(MESSAGES):
        reply = win32pipe.TransactNamedPipe(handle, b"message %d from client %s" % (i, number.encode()), 4096)
        print("client %d: %s" % (os.getpid(), reply.decode()), flush=True)
    win32file.CloseHandle(handle)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "client":
        sys.exit(client(sys.argv[2]))
    sys.exit(server())
