"""A tour of pywin32-posix: ``python -m pywin32_posix.demo``.

Each section shows one part of the API doing real work and checks what it
sees; a section whose module has not been built yet says so and is skipped.
The demo exits 0 when every available section did what it should.

Adding a section: write ``def section_NAME(rounds)`` that prints as it goes
(through ``say``), raises ``NotAvailable`` when its modules are missing and
``DemoFailure`` (or anything else) when something is wrong, then list it in
SECTIONS. A section that needs a second process starts
``python -m pywin32_posix.demo --child NAME ...`` and lists the child's
function in CHILDREN, so that both halves live here as plain functions.

Unless PYWIN32_POSIX_ROOT is set, the demo runs in a session of its own in a
temporary directory (removed at the end, with its shared memory), so it never
touches the user's real session.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

WAIT_MS = 10_000  # no step of the demo should come anywhere near this


class NotAvailable(Exception):
    """The section's modules are not there yet."""


class DemoFailure(Exception):
    """A section saw something other than what Windows would do."""


def say(text=""):
    print("  " + text if text else "", flush=True)


def expect(condition, what):
    if not condition:
        raise DemoFailure(what)


def _import_or_skip(name):
    try:
        return __import__(name)
    except ImportError as e:
        raise NotAvailable(f"{name} ({e})") from None


# --- section: errors ---------------------------------------------------------


def section_errors(rounds):
    """Every failure is a pywintypes.error(winerror, funcname, strerror)."""
    import pywintypes
    import win32api

    not_open = 4 * 1_000_000
    try:
        win32api.CloseHandle(not_open)
    except pywintypes.error as e:
        say(f"win32api.CloseHandle({not_open}) raised pywintypes.error:")
        say(f"    winerror={e.winerror} funcname={e.funcname!r} strerror={e.strerror!r}")
        expect(e.args == (6, "CloseHandle", "The handle is invalid."), f"unexpected error {e.args}")
    else:
        raise DemoFailure("CloseHandle of a handle that is not open succeeded")

    try:
        import winerror

        say(f"winerror.ERROR_INVALID_HANDLE == {winerror.ERROR_INVALID_HANDLE}, "
            f"so `if e.winerror == winerror.ERROR_INVALID_HANDLE:` works as on Windows")
        expect(winerror.ERROR_INVALID_HANDLE == 6, "winerror.ERROR_INVALID_HANDLE is not 6")
    except ImportError:
        say("winerror: not yet available")

    text = win32api.FormatMessage(2)
    say(f"win32api.FormatMessage(2) -> {text!r}")
    expect(text == "The system cannot find the file specified.\r\n", "wrong system message")

    from_string = 0x400  # FORMAT_MESSAGE_FROM_STRING
    text = win32api.FormatMessage(from_string, "%1 met %2.%0", 0, 0, ["ping", "pong"])
    say(f"FormatMessage(FROM_STRING, '%1 met %2.%0', inserts=['ping', 'pong']) -> {text!r}")
    expect(text == "ping met pong.", "inserts not expanded")

    try:
        win32api.FormatMessage(from_string, "%1 and %2", 0, 0, ["only one"])
    except pywintypes.error as e:
        say(f"... with an insert missing: error {e.winerror} ({e.strerror})")
        expect(e.winerror == 87, "a missing insert is not ERROR_INVALID_PARAMETER")
    else:
        raise DemoFailure("a missing insert did not raise")

    try:
        win32api.CloseHandle("not a handle")
    except TypeError:
        say("win32api.CloseHandle('not a handle') raised TypeError, as pywin32 does")
    else:
        raise DemoFailure("CloseHandle accepted a string")

    win32api.SetLastError(183)
    say(f"SetLastError(183); GetLastError() -> {win32api.GetLastError()} (one slot per thread)")
    expect(win32api.GetLastError() == 183, "GetLastError lost its value")
    win32api.SetLastError(0)

    with pywintypes.HANDLE() as h:
        say(f"`with pywintypes.HANDLE() as h:` gives {h!r}; leaving the block closes it")


# --- section: named events between two processes -----------------------------


def section_events(rounds):
    """Two processes meet through two named auto-reset events."""
    win32event = _import_or_skip("win32event")
    import pywintypes
    import win32api  # noqa: F401  (CloseHandle lives there for the reader)

    tag = f"pywin32-posix-demo.{os.getpid()}"
    ping_name, pong_name = tag + ".ping", tag + ".pong"
    ping = win32event.CreateEvent(None, False, False, ping_name)  # auto-reset, unset
    pong = win32event.CreateEvent(None, False, False, pong_name)
    say(f"parent {os.getpid()}: CreateEvent({ping_name!r}) -> {ping!r}")
    say(f"parent {os.getpid()}: CreateEvent({pong_name!r}) -> {pong!r}")

    r = win32event.WaitForSingleObject(pong, 0)
    say(f"parent: WaitForSingleObject(pong, 0) -> {r} (WAIT_TIMEOUT: nobody has set it)")
    expect(r == win32event.WAIT_TIMEOUT, "an unset event was signalled")

    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "pywin32_posix.demo", "--child", "events", tag, str(rounds)],
        stdin=subprocess.DEVNULL,
    )
    try:
        _wait(win32event, pong, "the child to open the events")
        say(f"parent: child is up and has the events open "
            f"({(time.perf_counter() - started) * 1e3:.1f} ms, mostly Python start-up)")

        t0 = time.perf_counter()
        win32event.SetEvent(ping)
        _wait(win32event, pong, "the child's answer")
        say(f"parent: SetEvent(ping) -> child woke -> SetEvent(pong) -> parent woke: "
            f"{(time.perf_counter() - t0) * 1e6:.0f} µs")

        t0 = time.perf_counter()
        for _ in range(rounds):
            win32event.SetEvent(ping)
            _wait(win32event, pong, "the child's answer")
        elapsed = time.perf_counter() - t0
        if rounds:
            say(f"parent: {rounds} more round trips in {elapsed * 1e3:.1f} ms "
                f"({elapsed / rounds * 1e6:.1f} µs each, two wake-ups per trip)")

        code = child.wait(timeout=WAIT_MS / 1000)
        say(f"parent: child exited with code {code}")
        expect(code == 0, f"the child failed (exit code {code})")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    ping.Close()
    pong.Close()
    try:
        win32event.OpenEvent(win32event.SYNCHRONIZE, False, ping_name)
    except pywintypes.error as e:
        say(f"parent: after the last handle closed, OpenEvent({ping_name!r}) -> "
            f"error {e.winerror} ({e.strerror}): named objects live while a handle does")
        expect(e.winerror == 2, "a released name did not give ERROR_FILE_NOT_FOUND")
    else:
        raise DemoFailure("an event outlived every handle to it")


def child_events(tag, rounds):
    import win32event

    me = f"child {os.getpid()}"
    access = win32event.SYNCHRONIZE | win32event.EVENT_MODIFY_STATE
    ping = win32event.OpenEvent(access, False, tag + ".ping")
    pong = win32event.OpenEvent(access, False, tag + ".pong")
    say(f"{me}: OpenEvent by name -> {ping!r}, {pong!r}; telling the parent (SetEvent(pong))")
    win32event.SetEvent(pong)
    _wait(win32event, ping, "the parent's ping")
    say(f"{me}: woke on ping, answering with SetEvent(pong)")
    win32event.SetEvent(pong)
    for _ in range(int(rounds)):
        _wait(win32event, ping, "the parent's ping")
        win32event.SetEvent(pong)
    say(f"{me}: answered {rounds} more pings, exiting")


def section_mutex(rounds):
    """A process dies holding a mutex: the next owner is told, as on Windows."""
    win32event = _import_or_skip("win32event")
    import win32api

    name = f"pywin32-posix-demo.{os.getpid()}.mutex"
    mutex = win32event.CreateMutex(None, False, name)
    ready = win32event.CreateEvent(None, False, False, name + ".ready")
    child = subprocess.Popen(
        [sys.executable, "-m", "pywin32_posix.demo", "--child", "mutex", name],
        stdin=subprocess.DEVNULL,
    )
    try:
        _wait(win32event, ready, "the child to own the mutex")
        process = win32api.OpenProcess(win32event.SYNCHRONIZE, False, child.pid)
        r = win32event.WaitForSingleObject(mutex, 0)
        say(f"parent: the child owns it; WaitForSingleObject(mutex, 0) -> {r} (WAIT_TIMEOUT)")
        expect(r == win32event.WAIT_TIMEOUT, "took a mutex another process owns")
        say(f"parent: kill -9 {child.pid} while it holds the mutex")
        child.kill()
        r = win32event.WaitForMultipleObjects([mutex, process], True, WAIT_MS)
        say(f"parent: WaitForMultipleObjects([mutex, process], bWaitAll=True) -> {r:#x} "
            "(WAIT_ABANDONED_0: the mutex is ours, and the process handle is signalled)")
        expect(r == win32event.WAIT_ABANDONED_0, "the dead owner's mutex was not abandoned to us")
        win32event.ReleaseMutex(mutex)
        r = win32event.WaitForSingleObject(mutex, 0)
        say(f"parent: released and taken again -> {r} (WAIT_OBJECT_0: a normal mutex again)")
        expect(r == win32event.WAIT_OBJECT_0, "the mutex stayed abandoned")
        win32event.ReleaseMutex(mutex)
        process.Close()
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
    mutex.Close()
    ready.Close()


def child_mutex(name):
    import win32event

    mutex = win32event.OpenMutex(win32event.SYNCHRONIZE, False, name)
    _wait(win32event, mutex, "the mutex")
    say(f"child {os.getpid()}: owns {name!r}, and now sleeps holding it")
    ready = win32event.OpenEvent(win32event.EVENT_MODIFY_STATE, False, name + ".ready")
    win32event.SetEvent(ready)
    time.sleep(60)


# --- section: pipe -----------------------------------------------------------


def section_pipe(rounds):
    """A named pipe echo server here, clients in other processes."""
    win32pipe = _import_or_skip("win32pipe")
    win32file = _import_or_skip("win32file")
    import threading

    import pywintypes

    name = rf"\\.\pipe\pywin32-posix-demo.{os.getpid()}"
    clients = 2
    mode = win32pipe.PIPE_TYPE_MESSAGE | win32pipe.PIPE_READMODE_MESSAGE
    instances = [win32pipe.CreateNamedPipe(name, win32pipe.PIPE_ACCESS_DUPLEX, mode, clients,
                                           65536, 65536, 0, None) for _ in range(clients)]
    say(f"server {os.getpid()}: {clients} instances of {name} (message mode)")
    served, errors, stop = [], [], threading.Event()

    def serve(pipe):
        # One instance serves one client at a time: connect, echo until the
        # client goes, disconnect, and wait for the next one.
        try:
            while True:
                try:
                    win32pipe.ConnectNamedPipe(pipe, None)
                except pywintypes.error as e:
                    # ERROR_NO_DATA: a client came and went before we called.
                    expect(e.winerror == 232, f"unexpected error {e}")
                    win32pipe.DisconnectNamedPipe(pipe)
                    if stop.is_set():
                        return
                    continue
                if stop.is_set():
                    return
                pid = win32pipe.GetNamedPipeClientProcessId(pipe)
                count = 0
                while True:
                    try:
                        _, message = win32file.ReadFile(pipe, 4096)
                    except pywintypes.error as e:
                        # The client went away: Windows' "The pipe has been ended."
                        expect(e.winerror == 109, f"unexpected error {e}")
                        break
                    win32file.WriteFile(pipe, b"echo: " + message)
                    count += 1
                served.append((pid, count))
                win32pipe.DisconnectNamedPipe(pipe)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=serve, args=(p,), daemon=True) for p in instances]
    for t in threads:
        t.start()
    children = [subprocess.Popen([sys.executable, "-m", "pywin32_posix.demo", "--child", "pipe", name,
                                  str(rounds)], stdin=subprocess.DEVNULL) for _ in range(clients)]
    try:
        for child in children:
            expect(child.wait(WAIT_MS / 1000 * 6) == 0, "a client failed")
        stop.set()
        for _ in threads:  # wake the instances waiting for a next client
            while True:
                try:
                    win32pipe.WaitNamedPipe(name, WAIT_MS)
                    win32file.CreateFile(name, win32file.GENERIC_READ, 0, None, win32file.OPEN_EXISTING,
                                         0, None).Close()
                    break
                except pywintypes.error as e:
                    if e.winerror != 231:  # ERROR_PIPE_BUSY: an instance is still disconnecting
                        raise
        for t in threads:
            t.join(WAIT_MS / 1000)
        expect(not errors, f"server: {errors}")
        for pid, count in sorted(served):
            say(f"server: answered {count} messages from process {pid}, then read ERROR_BROKEN_PIPE "
                "and disconnected")
        expect(sorted(c for _, c in served) == [1] * clients + [rounds] * clients, "messages went missing")
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
            child.wait()
        for p in instances:
            p.Close()


def child_pipe(name, rounds):
    import win32file
    import win32pipe

    rounds = int(rounds)
    answer = win32pipe.CallNamedPipe(name, b"hello", 4096, WAIT_MS)
    say(f"client {os.getpid()}: CallNamedPipe -> {answer!r}")
    expect(answer == b"echo: hello", "wrong answer")
    win32pipe.WaitNamedPipe(name, WAIT_MS)
    pipe = win32file.CreateFile(name, win32file.GENERIC_READ | win32file.GENERIC_WRITE, 0, None,
                                win32file.OPEN_EXISTING, 0, None)
    win32pipe.SetNamedPipeHandleState(pipe, win32pipe.PIPE_READMODE_MESSAGE, None, None)
    start = time.perf_counter()
    for i in range(rounds):
        message = b"%d" % i
        expect(win32pipe.TransactNamedPipe(pipe, message, 4096, None) == b"echo: " + message, "wrong echo")
    took = time.perf_counter() - start
    say(f"client {os.getpid()}: {rounds} TransactNamedPipe round trips, "
        f"{took / max(rounds, 1) * 1e6:.1f} us each")
    pipe.Close()


def _wait(win32event, handle, what):
    r = win32event.WaitForSingleObject(handle, WAIT_MS)
    if r != win32event.WAIT_OBJECT_0:
        raise DemoFailure(f"waiting for {what}: WaitForSingleObject returned {r}")


# --- driver ------------------------------------------------------------------

def section_evtlog(rounds):
    """Another process writes to the event log; we are notified and read it back."""
    win32evtlog = _import_or_skip("win32evtlog")
    win32event = _import_or_skip("win32event")
    import win32evtlogutil

    source = f"pywin32-posix-demo-{os.getpid()}"
    # Registered with the default message file, whose message 1 is "%1".
    win32evtlogutil.AddSourceToRegistry(source)
    log = win32evtlog.OpenEventLog(None, "Application")
    changed = win32event.CreateEvent(None, False, False, None)
    win32evtlog.NotifyChangeEventLog(log, changed)
    before = win32evtlog.GetNumberOfEventLogRecords(log)
    say(f"parent: Application log has {before} records; NotifyChangeEventLog armed")
    child = subprocess.Popen(
        [sys.executable, "-m", "pywin32_posix.demo", "--child", "evtlog", source],
        stdin=subprocess.DEVNULL,
    )
    try:
        _wait(win32event, changed, "the change notification")
        say("parent: the change event fired")
        code = child.wait(timeout=WAIT_MS / 1000)
        expect(code == 0, f"the child failed (exit code {code})")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    flags = win32evtlog.EVENTLOG_BACKWARDS_READ | win32evtlog.EVENTLOG_SEQUENTIAL_READ
    records = [r for r in win32evtlog.ReadEventLog(log, flags, 0) if r.SourceName == source]
    expect(bool(records), "the child's record is not in the log")
    r = records[0]
    say(f"parent: ReadEventLog -> record {r.RecordNumber} from {r.SourceName!r}, event id "
        f"{r.EventID & 0xFFFF}, inserts {r.StringInserts}")
    say(f"parent: SafeFormatMessage -> {win32evtlogutil.SafeFormatMessage(r, 'Application')!r}")
    win32evtlog.CloseEventLog(log)
    changed.Close()
    win32evtlogutil.RemoveSourceFromRegistry(source)


def child_evtlog(source):
    import win32evtlog
    import win32evtlogutil

    win32evtlogutil.ReportEvent(source, 1, eventType=win32evtlog.EVENTLOG_INFORMATION_TYPE,
                                strings=[f"hello from process {os.getpid()}"])
    say(f"child {os.getpid()}: ReportEvent({source!r}, 1, ...) returned: the record is durable")


def section_service(rounds):
    """The sample pipe service: installed and started through its command
    line, answering clients in other processes, stopped and removed."""
    win32service = _import_or_skip("win32service")
    win32serviceutil = _import_or_skip("win32serviceutil")
    import win32evtlog

    module = "pywin32_posix.demos.pipe_service"
    name = "PyPipeService"

    def command(*args):
        r = subprocess.run([sys.executable, "-m", module] + list(args), capture_output=True, text=True,
                           timeout=WAIT_MS / 1000 * 3)
        expect(r.returncode == 0, f"'{' '.join(args)}' failed: {r.stdout}{r.stderr}")
        return r.stdout.strip().replace("\n", "; ")

    say(f"python -m {module} install: {command('install')}")
    try:
        started = time.perf_counter()
        say(f"... --wait 10 start: {command('--wait', '10', 'start')}")
        status = win32serviceutil.QueryServiceStatus(name)
        expect(status[1] == win32service.SERVICE_RUNNING, f"state {status[1]}")
        say(f"RUNNING {(time.perf_counter() - started) * 1000:.0f} ms after the command began "
            "(a new Python process, started by the service manager)")
        clients = [subprocess.Popen([sys.executable, "-m", "pywin32_posix.demo", "--child", "service", str(i)],
                                    stdin=subprocess.DEVNULL) for i in range(2)]
        for child in clients:
            expect(child.wait(WAIT_MS / 1000 * 3) == 0, "a client failed")
        say(f"... --wait 10 stop: {command('--wait', '10', 'stop')}")
        expect(win32serviceutil.QueryServiceStatus(name)[1] == win32service.SERVICE_STOPPED, "not stopped")
        h = win32evtlog.OpenEventLog(None, "Application")
        flags = win32evtlog.EVENTLOG_BACKWARDS_READ | win32evtlog.EVENTLOG_SEQUENTIAL_READ
        logged = [r for r in win32evtlog.ReadEventLog(h, flags, 0) if r.SourceName == name]
        win32evtlog.CloseEventLog(h)
        expect(logged, "the service wrote nothing to the event log")
        import win32evtlogutil
        say("its last event log entry: " + win32evtlogutil.SafeFormatMessage(logged[0], "Application").strip())
    finally:
        say(f"... remove: {command('remove')}")


def child_service(number):
    import pywintypes
    import win32pipe

    for i in range(3):
        for _attempt in range(500):
            try:
                reply = win32pipe.CallNamedPipe(r"\\.\pipe\PyPipeService", f"hello {i} from client {number}"
                                                .encode(), 512, WAIT_MS)
                break
            except pywintypes.error as e:
                # ERROR_PIPE_BUSY: the other client has the instance;
                # ERROR_FILE_NOT_FOUND: the service is between two instances.
                if e.winerror not in (231, 2):
                    raise
                time.sleep(0.01)
        else:
            raise DemoFailure("the pipe stayed busy")
        say(f"client {os.getpid()}: CallNamedPipe -> {reply.decode()}")


SECTIONS = [
    ("errors", "Errors: pywintypes.error across the API", section_errors),
    ("events", "Named events: two processes signal each other", section_events),
    ("mutex", "A mutex whose owner process is killed is abandoned", section_mutex),
    ("pipe", "A named pipe echo server and client processes", section_pipe),
    ("evtlog", "The event log: written by one process, read by another", section_evtlog),
    ("service", "A Python service run by the service manager, serving a named pipe", section_service),
]

CHILDREN = {
    "events": child_events,
    "mutex": child_mutex,
    "pipe": child_pipe,
    "evtlog": child_evtlog,
    "service": child_service,
}


def _use_private_session():
    """A temporary PYWIN32_POSIX_ROOT unless the user chose one; returns it
    when we made it (to be removed), else None. Must run before any of our
    modules is first used: the session is fixed on first use."""
    if os.environ.get("PYWIN32_POSIX_ROOT"):
        return None
    root = tempfile.mkdtemp(prefix="w32demo-")
    os.environ["PYWIN32_POSIX_ROOT"] = root
    return root


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m pywin32_posix.demo",
        description="A tour of pywin32-posix: pywin32's API on Linux.")
    parser.add_argument("sections", nargs="*", metavar="SECTION",
                        help="sections to run (default: all): "
                             + ", ".join(name for name, _, _ in SECTIONS))
    parser.add_argument("--rounds", type=int, default=1000,
                        help="round trips to time in the two-process sections (default 1000)")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        name, *child_args = args.child
        try:
            CHILDREN[name](*child_args)
        except Exception as e:  # noqa: BLE001 - reported to the parent by the exit code
            say(f"child {os.getpid()}: FAILED: {type(e).__name__}: {e}")
            return 1
        return 0

    known = {name for name, _, _ in SECTIONS}
    unknown = [s for s in args.sections if s not in known]
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}")

    private_root = _use_private_session()
    try:
        print(f"pywin32-posix demo (Python {sys.version.split()[0]})")
        root = os.environ["PYWIN32_POSIX_ROOT"]
        print(f"session root: {root}" + (" (temporary, removed at the end)" if private_root else ""))
        results = []
        chosen = [s for s in SECTIONS if not args.sections or s[0] in args.sections]
        for number, (name, title, run) in enumerate(chosen, 1):
            print(f"\n{number}. {title}", flush=True)
            try:
                run(args.rounds)
            except NotAvailable as e:
                say(f"not yet available: {e}")
                results.append((name, "not yet available"))
            except Exception as e:  # noqa: BLE001 - the demo reports and goes on
                say(f"FAILED: {type(e).__name__}: {e}")
                results.append((name, "FAILED"))
            else:
                results.append((name, "ok"))
        failed = [name for name, status in results if status == "FAILED"]
        print("\nsummary: " + ", ".join(f"{name} {status}" for name, status in results))
        return 1 if failed else 0
    finally:
        if private_root:
            from pywin32_posix._session import remove_private_session

            remove_private_session(private_root)


if __name__ == "__main__":
    sys.exit(main())
