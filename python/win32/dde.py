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
modal loop does, so a process may talk to its own server. Hot links
(beyond Pythonwin's conversation methods): conv.Advise(item, callback) calls
callback(item, data) on the client's thread, when it pumps, each time the
server's string item changes (SetData, or a Poke it takes). See docs/dde.md.
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
    """A DDE failure ("ConnectTo failed", "Exec failed", "Request failed", ...),
    as Pythonwin's dde.error.
    """
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


# --- work for the threads that pump ------------------------------------------------------------

_work_lock = threading.Lock()
_work = collections.defaultdict(collections.deque)  # thread id -> queued callables


def _queue_for_thread(thread_id, job):
    """Runs job() on that thread when it pumps (or waits as a DDE client);
    False when the thread has no message queue any more."""
    with _work_lock:
        _work[thread_id].append(job)
    try:
        PostThreadMessage(thread_id, _WM_DDE_WORK, 0, 0)
    except Exception:
        with _work_lock:
            queue = _work.get(thread_id)
            if queue and job in queue:
                queue.remove(job)
        return False
    return True


def _run_work_for_this_thread():
    tid = GetCurrentThreadId()
    while True:
        with _work_lock:
            queue = _work.get(tid)
            if not queue:
                _work.pop(tid, None)
                return
            job = queue.popleft()
        job()


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


class _Link:
    """A hot link's connection, server side: SetData sends on it."""

    def __init__(self, conn, item_name):
        self.conn = conn
        self.item_name = item_name
        self.lock = threading.Lock()

    def send(self, data):
        try:
            with self.lock:
                _send(self.conn, {"op": "data", "item": self.item_name, "data": data})
            return True
        except OSError:
            return False


class PyDDEStringItem(_Attachable):
    """A string item of a topic (dde.CreateStringItem): its data answers
    requests for it, and clients with a hot link on it hear each change.
    """
    def __init__(self, name):
        super().__init__()
        self.name = name
        self._data = ""
        self._lock = threading.Lock()
        self._links = []

    def SetData(self, data, /):
        """Sets the item's text; hot links hear of it when it changed.
        TypeError for a non-str.
        """
        _check_str(data, "data")
        with self._lock:
            changed = data != self._data
            self._data = data
            links = list(self._links) if changed else []
        for link in links:  # hot links hear of every change
            if not link.send(data):
                self._remove_link(link)

    def _add_link(self, link):
        with self._lock:
            self._links.append(link)

    def _remove_link(self, link):
        with self._lock:
            if link in self._links:
                self._links.remove(link)

    def _get(self):
        with self._lock:
            return self._data

    def Destroy(self):
        """Empties the item (Pythonwin frees the native item)."""
        self._data = ""


class PyDDETopic(_Attachable):
    """A topic of a DDE server (dde.CreateTopic): Exec, Request and Poke for it
    go to the Python object attached to it (pywin.mfc.object.Object).
    """
    def __init__(self, name):
        super().__init__()
        self.name = name
        self._items = {}
        self._lock = threading.Lock()

    def AddItem(self, item, /):
        """Adds a string item to the topic (the one named "" answers any name)."""
        native = _native(item, PyDDEStringItem, "AddItem")
        with self._lock:
            self._items[native.name.lower()] = native

    def Destroy(self):
        """Forgets the topic's items (Pythonwin frees the native topic)."""
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
    """A DDE server (dde.CreateServer): AddTopic, then Create(serviceName)
    makes it findable by clients of any process; requests are served on the
    thread that called Create, when it pumps messages.
    """
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
        """Adds a topic (a PyDDETopic, or an Object wrapping one)."""
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
        """Registers the service `name` (DdeNameService) and starts serving.
        filterFlags: CBF_FAIL_* refusals. dde.error if already created or the
        name cannot be registered.
        On POSIX: a socket under <state dir>/dde/ is the registration.
        """
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
        """Stops serving: the service is unregistered and conversations end."""
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
        """Shuts the server down and forgets its topics."""
        self.Shutdown()
        with self._lock:
            self._topics.clear()

    def GetLastError(self):
        """The last DDEML error: always 0, as failures raise dde.error here."""
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
                reply = self._answer(request)
                item = reply.pop("link", None)
                if item is None:
                    _send(conn, reply)
                    continue
                # An advise link: this connection now carries the item's
                # changes to the client (the client sends nothing more).
                link = _Link(conn, request["item"])
                with link.lock:
                    _send(conn, reply)
                item._add_link(link)
                try:
                    while _recv(conn) is not None:
                        pass
                finally:
                    item._remove_link(link)
                return
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
        if op == "advise":
            item = request.get("item")
            native = self._topic(topic)._item(item) if isinstance(item, str) else None
            if native is None or self._filter & CBF_FAIL_ADVISES:
                return {"ok": False}
            return {"ok": True, "link": native}
        if op not in _FAIL_FOR or self._filter & _FAIL_FOR[op]:
            return {"ok": False}
        done = threading.Event()
        answer = [{"ok": False}]

        def job():
            try:
                answer[0] = self._handle(request)
            finally:
                done.set()

        if not _queue_for_thread(self._thread_id, job):
            return {"ok": False}  # the server's thread is gone
        while not done.wait(_POLL):
            if self._closed.is_set():
                return {"ok": False}
        return answer[0]

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
    """A client conversation (dde.CreateConversation): ConnectTo a service's
    topic, then Exec, Request, Poke, and hot links with Advise.
    """
    def __init__(self, server):
        super().__init__()
        self._server = server
        self._sock = None
        self._topic = None
        self._path = None
        self._links = {}  # item name (lower) -> socket

    def ConnectTo(self, service, topic, /):
        """Connects to `topic` of the first live server offering `service`
        (names are case-insensitive); dde.error("ConnectTo failed") if none
        answers. Ends the previous conversation and its links.
        """
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
                self._sock, self._topic, self._path = sock, topic, path
                return
            sock.close()
        raise error("ConnectTo failed")

    def Connected(self):
        """1 while the conversation is connected, else 0."""
        return 1 if self._sock is not None else 0

    def Exec(self, Cmd, /):
        """Has the server's topic execute the command string; dde.error("Exec
        failed") when the server refuses or its handler raises.
        """
        _check_str(Cmd, "Cmd")
        self._transact({"op": "exec", "cmd": Cmd}, "Exec failed")

    def Request(self, item, /):
        """The server's data for `item` (str); dde.error("Request failed") when
        it has none.
        """
        _check_str(item, "item")
        return self._transact({"op": "request", "item": item}, "Request failed")["data"]

    def Poke(self, item, data, /):
        """Sends `data` for `item` to the server's topic; dde.error("Poke failed")
        when refused.
        """
        _check_str(item, "item")
        _check_str(data, "data")
        self._transact({"op": "poke", "item": item, "data": data}, "Poke failed")

    def Advise(self, item, callback, /):
        """Beyond Pythonwin: a hot link. callback(item, data) runs on this
        thread (when it pumps) each time the server's item changes."""
        _check_str(item, "item")
        if not callable(callback):
            raise TypeError("callback must be callable")
        if self._path is None:
            raise error("The conversation is not connected")
        self.Unadvise(item)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(TRANSACTION_TIMEOUT)
            sock.connect(self._path)
            _send(sock, {"op": "advise", "topic": self._topic, "item": item})
            reply = _recv(sock)
        except (OSError, ValueError):
            reply = None
        if not reply or not reply.get("ok"):
            sock.close()
            raise error("Advise failed")
        sock.settimeout(None)
        self._links[item.lower()] = sock
        thread_id = GetCurrentThreadId()
        threading.Thread(target=_follow_link, args=(sock, thread_id, callback), name="dde-advise",
                         daemon=True).start()

    def Unadvise(self, item, /):
        """Ends the hot link on `item`, if there is one."""
        _check_str(item, "item")
        sock = self._links.pop(item.lower(), None)
        if sock is not None:
            _close_socket(sock)

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
        links, self._links = self._links, {}
        for link in links.values():
            _close_socket(link)
        self._path = None

    def __del__(self):
        self._disconnect()


def _close_socket(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def _follow_link(sock, thread_id, callback):
    """A hot link's reader: each change becomes a callback on the thread
    that asked for the link."""
    while True:
        try:
            message = _recv(sock)
        except (OSError, ValueError):
            return
        if message is None or message.get("op") != "data":
            return
        item, data = message.get("item"), message.get("data")

        def job(item=item, data=data):
            try:
                callback(item, data)
            except Exception:
                traceback.print_exc()

        if not _queue_for_thread(thread_id, job):
            return


def _remove_stale(path):
    # A socket nobody listens on is a server that died without Shutdown.
    try:
        os.unlink(path)
    except OSError:
        pass


def CreateServer():
    """A new DDE server object (PyDDEServer); nothing is registered until Create."""
    return PyDDEServer()


def CreateConversation(Server, /):
    """A conversation (PyDDEConv) for the given server object."""
    return PyDDEConv(_native(Server, PyDDEServer, "CreateConversation"))


def CreateTopic(name, /):
    """A new topic named `name` (PyDDETopic)."""
    _check_str(name, "name")
    return PyDDETopic(name)


def CreateServerSystemTopic():
    """The System topic: answers Topics, SysItems and Formats unless its Python
    object does.
    """
    return _SystemTopic(_SYSTEM_TOPIC)


def CreateStringItem(name, /):
    """A new string item named `name` (PyDDEStringItem)."""
    _check_str(name, "name")
    return PyDDEStringItem(name)
