"""dde: Dynamic Data Exchange between processes, DDEML's model (services,
topics, items) as Pythonwin's dde module presents it.

A server names itself with Create(serviceName): it listens on a socket in
<state dir>/dde/<hash of the service name>/, and that directory is the name
service clients look in (service and topic names are case-insensitive, as in
DDE; several servers may offer one service, as with DdeNameService). A
client's CreateConversation(server).ConnectTo(service, topic) reaches the
first live server offering the topic; Exec, Request and Poke go to the
server's topic and are dispatched on the thread that called Create, when
it pumps messages (win32gui.PumpWaitingMessages / PumpMessages), to the
Python object wrapping the topic (pywin.mfc.object.Object subclasses with
Exec(cmd), Request(item) -> str, Poke(item, data)); a topic without one
answers Request and Poke from its string items. A client waiting for a
reply runs the DDE work queued for its own thread meanwhile, as DDEML's
modal loop does, so a process may talk to its own server. See docs/dde.md.
"""
import collections
import hashlib
import itertools
import json
import os
import socket
import struct
import threading
import traceback

import win32gui
from pywin32_posix._w32.win32api import GetCurrentThreadId, PostThreadMessage


class error(Exception):
    pass


# ddeml.h
APPCLASS_STANDARD = 0x00000000
APPCLASS_MONITOR = 0x00000001
APPCMD_CLIENTONLY = 0x00000010
APPCMD_FILTERINITS = 0x00000020
CBF_FAIL_SELFCONNECTIONS = 0x00001000
CBF_FAIL_CONNECTIONS = 0x00002000
CBF_FAIL_ADVISES = 0x00004000
CBF_FAIL_EXECUTES = 0x00008000
CBF_FAIL_POKES = 0x00010000
CBF_FAIL_REQUESTS = 0x00020000
CBF_FAIL_ALLSVRXACTIONS = 0x0003F000
CBF_SKIP_CONNECT_CONFIRMS = 0x00040000
CBF_SKIP_REGISTRATIONS = 0x00080000
CBF_SKIP_UNREGISTRATIONS = 0x00100000
CBF_SKIP_DISCONNECTS = 0x00200000
CBF_SKIP_ALLNOTIFICATIONS = 0x003C0000
MF_HSZ_INFO = 0x01000000
MF_SENDMSGS = 0x02000000
MF_POSTMSGS = 0x04000000
MF_CALLBACKS = 0x08000000
MF_ERRORS = 0x10000000
MF_LINKS = 0x20000000
MF_CONV = 0x40000000

# The server thread's cue that DDE work waits for it (dde.h's WM_DDE_EXECUTE).
_WM_DDE_WORK = 0x03E8
# How long a client waits for a server's answer (DDEML's transactions time
# out too; a server that never pumps must not hang its clients).
TRANSACTION_TIMEOUT = 60.0
_POLL = 0.05
_MAX_FRAME = 64 << 20
_SYSTEM_TOPIC = "System"
# Socket names stay short: AF_UNIX paths hold at most 107 bytes.
_server_numbers = itertools.count(1)
_FAIL_FOR = {"exec": CBF_FAIL_EXECUTES, "request": CBF_FAIL_REQUESTS, "poke": CBF_FAIL_POKES}


# --- framing: a 32-bit length, then JSON --------------------------------------------------


def _send(sock, message):
    body = json.dumps(message).encode("utf-8")
    sock.sendall(struct.pack("<I", len(body)) + body)


def _recv_exact(sock, n):
    chunks = []
    while n:
        chunk = sock.recv(n)
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _recv(sock):
    header = _recv_exact(sock, 4)
    if header is None:
        return None
    (n,) = struct.unpack("<I", header)
    if n > _MAX_FRAME:
        raise OSError("DDE frame too large")
    body = _recv_exact(sock, n)
    if body is None:
        return None
    message = json.loads(body.decode("utf-8"))
    if not isinstance(message, dict):
        raise OSError("malformed DDE frame")
    return message


def _service_dir(service, create):
    from pywin32_posix._w32 import win32api

    key = hashlib.sha256(service.lower().encode("utf-8")).hexdigest()[:24]
    path = os.path.join(win32api._state_dir(), "dde", key)
    if create:
        os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def _check_str(value, what):
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, not {type(value).__name__}")


# --- work for server threads ---------------------------------------------------------------

_work_lock = threading.Lock()
_work = collections.defaultdict(collections.deque)  # thread id -> queued _Work


class _Work:
    def __init__(self, server, request):
        self.server = server
        self.request = request
        self.reply = {"ok": False}
        self.done = threading.Event()


def _run_work_for_this_thread():
    tid = GetCurrentThreadId()
    while True:
        with _work_lock:
            queue = _work.get(tid)
            if not queue:
                _work.pop(tid, None)
                return
            item = queue.popleft()
        try:
            item.reply = item.server._handle(item.request)
        finally:
            item.done.set()


def _dispatch(msg):
    _run_work_for_this_thread()
    return 0


win32gui.register_dispatcher(_WM_DDE_WORK, _dispatch)


# --- topics and items ---------------------------------------------------------------------


class _Attachable:
    def __init__(self):
        self._attached = None

    def AttachObject(self, obj):
        self._attached = obj


class PyDDEStringItem(_Attachable):
    def __init__(self, name):
        super().__init__()
        self.name = name
        self._data = ""
        self._lock = threading.Lock()

    def SetData(self, data, /):
        _check_str(data, "data")
        with self._lock:
            self._data = data

    def _get(self):
        with self._lock:
            return self._data

    def Destroy(self):
        self._data = ""


class PyDDETopic(_Attachable):
    def __init__(self, name):
        super().__init__()
        self.name = name
        self._items = {}
        self._lock = threading.Lock()

    def AddItem(self, item, /):
        native = _native(item, PyDDEStringItem, "AddItem")
        with self._lock:
            self._items[native.name.lower()] = native

    def Destroy(self):
        with self._lock:
            self._items.clear()

    def _item(self, name):
        with self._lock:
            return self._items.get(name.lower()) or self._items.get("")

    def _builtin_request(self, server, item):
        return None


class _SystemTopic(PyDDETopic):
    """DDE's System topic: lists the server's topics and its own items."""

    def _builtin_request(self, server, item):
        key = item.lower()
        if key == "topics":
            return "\t".join(server._topic_names())
        if key == "sysitems":
            return "Topics\tSysItems\tFormats"
        if key == "formats":
            return "TEXT"
        return None


def _native(obj, cls, function):
    """The native object behind a pywin.mfc.object.Object wrapper (or obj)."""
    native = obj.__dict__.get("_obj_", obj) if hasattr(obj, "__dict__") else obj
    if not isinstance(native, cls):
        raise TypeError(f"{function}: expected a {cls.__name__}, not {type(obj).__name__}")
    return native


def _handler(topic, name):
    target = topic._attached
    return getattr(target, name, None) if target is not None else None


# --- the server -----------------------------------------------------------------------------


class PyDDEServer(_Attachable):
    def __init__(self):
        super().__init__()
        self._topics = {}
        self._lock = threading.Lock()
        self._listener = None
        self._path = None
        self._thread_id = None
        self._filter = 0
        self._last_error = 0
        self._closed = threading.Event()
        self._connections = set()

    def AddTopic(self, topic, /):
        native = _native(topic, PyDDETopic, "AddTopic")
        with self._lock:
            self._topics[native.name.lower()] = native

    def _topic_names(self):
        with self._lock:
            return [t.name for t in self._topics.values()]

    def _topic(self, name):
        with self._lock:
            return self._topics.get(name.lower())

    def Create(self, name, filterFlags=0, /):
        _check_str(name, "name")
        if not isinstance(filterFlags, int):
            raise TypeError("filterFlags must be an int")
        if self._listener is not None:
            raise error("The server has already been created")
        self._thread_id = GetCurrentThreadId()
        self._filter = filterFlags
        win32gui.PeekMessage(None, 0, 0, 0)  # gives this thread its message queue
        directory = _service_dir(name, True)
        path = os.path.join(directory, f"{os.getpid()}-{next(_server_numbers)}")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            if os.path.exists(path):
                os.unlink(path)
            listener.bind(path)
            os.chmod(path, 0o600)
            listener.listen(16)
        except OSError as e:
            listener.close()
            raise error(f"Create failed: {e}") from None
        self._listener, self._path = listener, path
        self._closed.clear()
        threading.Thread(target=self._accept, name="dde-server", daemon=True).start()

    def Shutdown(self):
        self._closed.set()
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        if self._path:
            try:
                os.unlink(self._path)
            except OSError:
                pass
            self._path = None
        with self._lock:
            connections, self._connections = self._connections, set()
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def Destroy(self):
        self.Shutdown()
        with self._lock:
            self._topics.clear()

    def GetLastError(self):
        return self._last_error

    def __del__(self):
        try:
            self.Shutdown()
        except Exception:
            pass

    def _accept(self):
        listener = self._listener
        while listener is not None and not self._closed.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.add(conn)
            threading.Thread(target=self._serve, args=(conn,), name="dde-conversation", daemon=True).start()

    def _serve(self, conn):
        try:
            while not self._closed.is_set():
                request = _recv(conn)
                if request is None:
                    return
                _send(conn, self._answer(request))
        except (OSError, ValueError):
            pass
        finally:
            with self._lock:
                self._connections.discard(conn)
            conn.close()

    def _answer(self, request):
        op = request.get("op")
        topic = request.get("topic")
        if not isinstance(topic, str) or self._topic(topic) is None:
            return {"ok": False}
        if op == "connect":
            return {"ok": not (self._filter & CBF_FAIL_CONNECTIONS)}
        if op not in _FAIL_FOR or self._filter & _FAIL_FOR[op]:
            return {"ok": False}
        work = _Work(self, request)
        with _work_lock:
            _work[self._thread_id].append(work)
        try:
            PostThreadMessage(self._thread_id, _WM_DDE_WORK, 0, 0)
        except Exception:
            return {"ok": False}  # the server's thread is gone
        while not work.done.wait(_POLL):
            if self._closed.is_set():
                return {"ok": False}
        return work.reply

    def _handle(self, request):
        """Runs on the server's thread: the topic's Python object decides."""
        topic = self._topic(request.get("topic", ""))
        if topic is None:
            return {"ok": False}
        op = request["op"]
        try:
            if op == "exec":
                fn = _handler(topic, "Exec")
                if fn is None or not isinstance(request.get("cmd"), str):
                    return {"ok": False}
                fn(request["cmd"])
                return {"ok": True}
            item = request.get("item")
            if not isinstance(item, str):
                return {"ok": False}
            if op == "request":
                fn = _handler(topic, "Request")
                data = fn(item) if fn is not None else topic._builtin_request(self, item)
                if data is None:
                    native = topic._item(item)
                    data = native._get() if native is not None else None
                return {"ok": data is not None, "data": None if data is None else str(data)}
            if op == "poke":
                data = request.get("data")
                if not isinstance(data, str):
                    return {"ok": False}
                fn = _handler(topic, "Poke")
                if fn is not None:
                    fn(item, data)
                    return {"ok": True}
                native = topic._item(item)
                if native is None:
                    return {"ok": False}
                native.SetData(data)
                return {"ok": True}
        except Exception:
            traceback.print_exc()
        return {"ok": False}


# --- the client --------------------------------------------------------------------------------


class PyDDEConv(_Attachable):
    def __init__(self, server):
        super().__init__()
        self._server = server
        self._sock = None
        self._topic = None

    def ConnectTo(self, service, topic, /):
        _check_str(service, "service")
        _check_str(topic, "topic")
        self._disconnect()
        directory = _service_dir(service, False)
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            names = []
        for name in names:
            path = os.path.join(directory, name)
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(TRANSACTION_TIMEOUT)
                sock.connect(path)
                _send(sock, {"op": "connect", "topic": topic})
                reply = _recv(sock)
            except (ConnectionRefusedError, FileNotFoundError):
                sock.close()
                _remove_stale(path)
                continue
            except (OSError, ValueError):
                sock.close()
                continue
            if reply and reply.get("ok"):
                self._sock, self._topic = sock, topic
                return
            sock.close()
        raise error("ConnectTo failed")

    def Connected(self):
        return 1 if self._sock is not None else 0

    def Exec(self, Cmd, /):
        _check_str(Cmd, "Cmd")
        self._transact({"op": "exec", "cmd": Cmd}, "Exec failed")

    def Request(self, item, /):
        _check_str(item, "item")
        return self._transact({"op": "request", "item": item}, "Request failed")["data"]

    def Poke(self, item, data, /):
        _check_str(item, "item")
        _check_str(data, "data")
        self._transact({"op": "poke", "item": item, "data": data}, "Poke failed")

    def _transact(self, request, failure):
        sock = self._sock
        if sock is None:
            raise error("The conversation is not connected")
        request["topic"] = self._topic
        try:
            _send(sock, request)
            reply = self._wait_reply(sock)
        except (OSError, ValueError):
            reply = None
        if reply is None:
            self._disconnect()
            raise error(failure)
        if not reply.get("ok"):
            raise error(failure)
        return reply

    def _wait_reply(self, sock):
        # DDEML's modal loop: while we wait, DDE work for this thread runs
        # (our own server's topics, when we talk to ourselves).
        waited = 0.0
        while waited < TRANSACTION_TIMEOUT:
            _run_work_for_this_thread()
            sock.settimeout(_POLL)
            try:
                header = sock.recv(4, socket.MSG_PEEK)
            except socket.timeout:
                waited += _POLL
                continue
            finally:
                sock.settimeout(TRANSACTION_TIMEOUT)
            if not header:
                return None
            return _recv(sock)
        return None

    def _disconnect(self):
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()

    def __del__(self):
        self._disconnect()


def _remove_stale(path):
    # A socket nobody listens on is a server that died without Shutdown.
    try:
        os.unlink(path)
    except OSError:
        pass


def CreateServer():
    return PyDDEServer()


def CreateConversation(Server, /):
    return PyDDEConv(_native(Server, PyDDEServer, "CreateConversation"))


def CreateTopic(name, /):
    _check_str(name, "name")
    return PyDDETopic(name)


def CreateServerSystemTopic():
    return _SystemTopic(_SYSTEM_TOPIC)


def CreateStringItem(name, /):
    _check_str(name, "name")
    return PyDDEStringItem(name)
