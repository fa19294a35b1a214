"""dde: a DDE server written as for pywin32 (pywin.mfc.object.Object topics,
a message pump) serving Exec/Request/Poke to clients in other processes;
the System topic, string items, filters, a server that dies, a process
talking to itself, and bad arguments."""
import os
import signal
import sys
import threading

import pytest

import dde
import win32gui
from w32util import popen_py, read_line

SERVER = r'''
import sys, threading, time
import dde, win32gui
from pywin.mfc import object

service = sys.argv[1]
log = []

class RunAnyTopic(object.Object):
    def __init__(self):
        object.Object.__init__(self, dde.CreateTopic("RunAnyCommand"))
    def Exec(self, cmd):
        assert threading.current_thread() is threading.main_thread()  # the thread that called Create
        log.append(cmd)
        print("exec", cmd, flush=True)
        if cmd == "fail":
            raise ValueError("the topic refuses")

class LengthTopic(object.Object):
    def __init__(self):
        topic = dde.CreateTopic("ComputeStringLength")
        topic.AddItem(dde.CreateStringItem(""))
        object.Object.__init__(self, topic)
    def Request(self, item):
        return str(len(item))
    def Poke(self, item, data):
        log.append(item + "=" + data)
        print("poke", item, data, flush=True)

class SystemTopic(object.Object):
    def __init__(self):
        object.Object.__init__(self, dde.CreateServerSystemTopic())

plain = dde.CreateTopic("Plain")
status = dde.CreateStringItem("Status")
status.SetData("idle")
plain.AddItem(status)

server = dde.CreateServer()
server.AddTopic(SystemTopic())
server.AddTopic(RunAnyTopic())
server.AddTopic(LengthTopic())
server.AddTopic(plain)
server.Create(service)
print("ready", flush=True)
while "quit" not in log:
    win32gui.PumpWaitingMessages(0, -1)
    time.sleep(0.005)
server.Shutdown()
print("done", flush=True)
'''


@pytest.fixture
def server():
    service = f"RunAny-{os.getpid()}-{threading.get_ident() % 10000}"
    proc = popen_py(SERVER, service)
    assert read_line(proc) == "ready"
    yield service, proc
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)


def conversation(service, topic):
    client = dde.CreateServer()
    client.Create(f"TestClient-{os.getpid()}")
    conv = dde.CreateConversation(client)
    conv.ConnectTo(service, topic)
    return client, conv


def test_exec_request_and_poke_across_processes(server):
    service, proc = server
    client, conv = conversation(service, "RunAnyCommand")
    assert conv.Connected()
    conv.Exec("DoSomething")
    assert read_line(proc) == "exec DoSomething"
    conv.Exec("DoSomethingElse")
    assert read_line(proc) == "exec DoSomethingElse"

    conv.ConnectTo(service.upper(), "computestringlength")  # names are case-insensitive
    assert conv.Request("abcdefghi") == "9"
    conv.Poke("speed", "fast")
    assert read_line(proc) == "poke speed fast"

    conv.ConnectTo(service, "Plain")
    assert conv.Request("Status") == "idle"
    conv.Poke("Status", "busy")  # no Poke method: the string item takes it
    assert conv.Request("status") == "busy"
    with pytest.raises(dde.error):
        conv.Request("NoSuchItem")

    conv.ConnectTo(service, "System")
    assert set(conv.Request("Topics").split("\t")) == {"System", "RunAnyCommand", "ComputeStringLength", "Plain"}

    conv.ConnectTo(service, "RunAnyCommand")
    conv.Exec("quit")
    assert read_line(proc) == "exec quit"
    assert read_line(proc) == "done"
    client.Shutdown()


def test_a_failing_handler_fails_the_transaction(server):
    service, proc = server
    client, conv = conversation(service, "RunAnyCommand")
    with pytest.raises(dde.error, match="Exec failed"):
        conv.Exec("fail")
    conv.ConnectTo(service, "Plain")
    with pytest.raises(dde.error, match="Exec failed"):
        conv.Exec("nothing handles this")  # the topic has no Exec
    conv.ConnectTo(service, "RunAnyCommand")
    conv.Exec("quit")


def test_unknown_service_or_topic(server):
    service, _ = server
    client = dde.CreateServer()
    conv = dde.CreateConversation(client)
    with pytest.raises(dde.error, match="ConnectTo failed"):
        conv.ConnectTo("NoSuchService-x", "System")
    with pytest.raises(dde.error, match="ConnectTo failed"):
        conv.ConnectTo(service, "NoSuchTopic")
    assert not conv.Connected()
    with pytest.raises(dde.error):
        conv.Exec("x")


def test_a_server_that_dies(server):
    service, proc = server
    client, conv = conversation(service, "RunAnyCommand")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    with pytest.raises(dde.error, match="Exec failed"):
        conv.Exec("anyone there?")
    assert not conv.Connected()
    with pytest.raises(dde.error, match="ConnectTo failed"):
        conv.ConnectTo(service, "RunAnyCommand")  # and its stale socket goes


def test_a_process_talks_to_its_own_server():
    seen = []
    topic = dde.CreateTopic("Self")

    class Handler:
        def Exec(self, cmd):
            seen.append((cmd, threading.get_ident()))

        def Request(self, item):
            return item[::-1]

    topic.AttachObject(Handler())
    server = dde.CreateServer()
    server.AddTopic(topic)
    name = f"SelfService-{os.getpid()}"
    server.Create(name)
    try:
        conv = dde.CreateConversation(server)
        conv.ConnectTo(name, "Self")
        conv.Exec("hello")  # served while this thread waits, as DDEML's modal loop does
        assert seen == [("hello", threading.get_ident())]
        assert conv.Request("abc") == "cba"
    finally:
        server.Destroy()


def test_filter_flags_refuse_transactions():
    topic = dde.CreateTopic("T")
    item = dde.CreateStringItem("I")
    item.SetData("v")
    topic.AddItem(item)
    server = dde.CreateServer()
    server.AddTopic(topic)
    name = f"Filtered-{os.getpid()}"
    server.Create(name, dde.CBF_FAIL_POKES | dde.CBF_FAIL_ADVISES)
    try:
        conv = dde.CreateConversation(server)
        conv.ConnectTo(name, "T")
        assert conv.Request("I") == "v"
        with pytest.raises(dde.error, match="Poke failed"):
            conv.Poke("I", "w")
        assert conv.Request("I") == "v"
        with pytest.raises(dde.error, match="Advise failed"):
            conv.Advise("I", print)
    finally:
        server.Shutdown()
    with pytest.raises(dde.error):
        dde.CreateConversation(server).ConnectTo(name, "T")


def test_bad_arguments():
    server = dde.CreateServer()
    with pytest.raises(TypeError):
        server.AddTopic("not a topic")
    with pytest.raises(TypeError):
        server.Create(5)
    with pytest.raises(TypeError):
        dde.CreateTopic(None)
    with pytest.raises(TypeError):
        dde.CreateStringItem(b"x")
    with pytest.raises(TypeError):
        dde.CreateConversation("server")
    with pytest.raises(TypeError):
        dde.CreateStringItem("x").SetData(5)
    with pytest.raises(TypeError):
        dde.CreateTopic("t").AddItem("item")
    conv = dde.CreateConversation(server)
    with pytest.raises(TypeError):
        conv.ConnectTo("a", None)


def test_pywin_mfc_object_wraps_and_delegates():
    from pywin.mfc import object as mfc_object

    class Wrapped(mfc_object.Object):
        pass

    topic = dde.CreateTopic("W")
    w = Wrapped(topic)
    assert w._obj_ is topic and topic._attached is w
    assert w.name == "W"  # looked up on the native object
    w.close()
    assert topic._attached is None
    with pytest.raises(AttributeError):
        w.name


def pump_until(condition, timeout=20):
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out pumping"
        win32gui.PumpWaitingMessages(0, -1)
        time.sleep(0.005)


def test_hot_link_hears_every_change_on_the_clients_thread(server):
    service, proc = server
    client, conv = conversation(service, "Plain")
    heard = []
    conv.Advise("Status", lambda item, data: heard.append((item, data, threading.get_ident())))
    other = dde.CreateConversation(client)  # a second conversation changes the item
    other.ConnectTo(service, "Plain")
    other.Poke("Status", "busy")
    other.Poke("Status", "busy")  # no change: no notice
    other.Poke("Status", "done")
    pump_until(lambda: len(heard) >= 2)
    me = threading.get_ident()
    assert heard == [("Status", "busy", me), ("Status", "done", me)]
    conv.Unadvise("Status")
    other.Poke("Status", "after")
    assert other.Request("Status") == "after"
    win32gui.PumpWaitingMessages(0, -1)
    assert len(heard) == 2
    with pytest.raises(dde.error, match="Advise failed"):
        conv.Advise("NoSuchItem-but-no-catch-all", print)
    conv.ConnectTo(service, "RunAnyCommand")
    conv.Exec("quit")


def test_advise_arguments_and_state():
    conv = dde.CreateConversation(dde.CreateServer())
    with pytest.raises(dde.error):
        conv.Advise("x", print)  # not connected
    with pytest.raises(TypeError):
        conv.Advise("x", "not callable")
    with pytest.raises(TypeError):
        conv.Advise(5, print)
