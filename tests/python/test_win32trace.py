"""win32trace and win32traceutil across real processes: writers and a
collector, the 64 KiB buffer's reset when nobody reads, whole writes only,
the errors before InitRead/InitWrite, Ctrl+C in blockingread, and the
`python -m win32traceutil` collector showing another process's output."""
import os
import signal
import subprocess
import sys
import time

import pytest

import pywintypes
import win32event
import win32trace
from w32util import LineReader, finish, popen_py

BUFFER = 65536
LONG_MS = 15000


@pytest.fixture
def reader():
    """This process as the collector, for one test (drained first)."""
    win32trace.InitRead()
    win32trace.read()
    yield
    win32trace.TermRead()


def read_until(predicate, timeout=30):
    """Everything read until predicate(text) holds (fails after timeout)."""
    text = ""
    deadline = time.monotonic() + timeout
    while not predicate(text):
        assert time.monotonic() < deadline, f"trace output never arrived: {text!r}"
        text += win32trace.blockingread(200)
    return text


def run_child(code, *args):
    rc, out, err = finish(popen_py(code, *args))
    assert rc == 0, err
    return out


def test_errors_before_init_and_twice():
    out = run_child(
        """
        import win32trace, pywintypes
        def show(fn, *a):
            try:
                fn(*a)
            except pywintypes.error as e:
                print(repr(e.args))
        show(win32trace.read)
        show(win32trace.blockingread, 10)
        show(win32trace.write, "x")
        show(win32trace.setprint)
        show(win32trace.TermRead)
        show(win32trace.TermWrite)
        win32trace.InitRead()
        show(win32trace.write, "x")        # a reader is not a writer
        show(win32trace.InitRead)
        win32trace.TermRead()
        show(win32trace.read)
        """
    )
    reading = "(0, None, 'The module has not been setup for reading')"
    writing = "(0, None, 'The module has not been setup for writing')"
    assert out.splitlines() == [
        reading, reading, writing, writing, reading, writing,
        writing, "(0, None, 'DoOpenMap, already open')", reading,
    ]


def test_tracer_object_and_setprint():
    out = run_child(
        """
        import sys, win32trace
        t = win32trace.GetTracer()
        assert t is win32trace.GetTracer() is sys.__win32traceObject__
        win32trace.InitWrite()
        win32trace.InitRead()
        win32trace.read()
        real = sys.stdout
        win32trace.setprint()
        assert sys.stdout is t and sys.stderr is t
        print("printed", 42)
        print("to stderr", file=sys.stderr)
        sys.stdout.flush()
        sys.stdout = real
        win32trace.flush()
        print(repr(win32trace.read()), t.isatty(), t.softspace)
        """
    )
    assert out.strip() == "'printed 42\\nto stderr\\n' 0 0"


def test_writes_from_other_processes_reach_the_collector(reader):
    procs = [
        popen_py(
            """
            import sys, win32trace
            win32trace.InitWrite()
            for i in range(50):
                win32trace.write(f"writer {sys.argv[1]} line {i}\\n")
            """,
            n,
        )
        for n in range(3)
    ]
    text = read_until(lambda t: all(f"writer {n} line 49\n" in t for n in range(3)))
    for p in procs:
        assert finish(p)[0] == 0
    lines = text.splitlines()
    for n in range(3):
        mine = [l for l in lines if l.startswith(f"writer {n} ")]
        assert mine == [f"writer {n} line {i}" for i in range(50)]  # in order, none lost
    assert len(lines) == 150


def test_unicode_and_bytes_round_trip(reader):
    run_child(
        """
        import win32trace
        win32trace.InitWrite()
        win32trace.write("héllo € ✓\\n")
        win32trace.write(b"raw bytes\\n")
        """
    )
    assert read_until(lambda t: "raw bytes\n" in t) == "héllo € ✓\nraw bytes\n"


def test_buffer_empties_and_refills_when_nobody_reads():
    # This process holds the buffer (as a writer, not a reader) so it
    # outlives the writing child.
    win32trace.InitWrite()
    try:
        lines = [f"{i:05d}".ljust(99, "x") + "\n" for i in range(700)]
        run_child(
            """
            import win32trace
            win32trace.InitWrite()
            for i in range(700):
                win32trace.write(f"{i:05d}".ljust(99, "x") + "\\n")
            """
        )
        win32trace.InitRead()
        try:
            text = win32trace.read()
        finally:
            win32trace.TermRead()
    finally:
        win32trace.TermWrite()
    fits = BUFFER // 100  # 655 lines fill the buffer; the 656th starts it again
    assert text == "".join(lines[fits:])


def test_large_write_goes_in_halves(reader):
    big = "".join(f"{i:07d}\n" for i in range(20000))  # 160,000 bytes
    writer = popen_py(
        """
        import sys, win32trace
        win32trace.InitWrite()
        win32trace.write(sys.stdin.read())
        """,
        stdin=subprocess.PIPE,
    )
    writer.stdin.write(big)
    writer.stdin.close()
    text = read_until(lambda t: t.endswith("0019999\n"))
    assert writer.wait(60) == 0
    # A collector draining normally gets it all (unless starved for 100 ms);
    # what it gets is always whole lines in order.
    lines = text.splitlines()
    assert all(len(l) == 7 for l in lines)
    assert [int(l) for l in lines] == sorted(set(int(l) for l in lines))


def test_blockingread_times_out_empty_and_wakes_on_output(reader):
    assert win32trace.blockingread(50) == ""
    assert win32trace.read() == ""
    writer = popen_py(
        """
        import time, win32trace
        win32trace.InitWrite()
        time.sleep(0.3)
        win32trace.write("late\\n")
        """
    )
    assert win32trace.blockingread(LONG_MS) == "late\n"
    assert finish(writer)[0] == 0


def test_gethandle_is_the_output_event(reader):
    handle = win32trace.GetHandle()
    assert isinstance(handle, int)
    win32event.WaitForSingleObject(handle, 0)  # drain a stale signal
    run_child(
        """
        import win32trace
        win32trace.InitWrite()
        win32trace.write("signalled\\n")
        """
    )
    assert win32event.WaitForSingleObject(handle, LONG_MS) == win32event.WAIT_OBJECT_0
    assert win32trace.read() == "signalled\n"


def test_ctrl_c_interrupts_blockingread():
    child = popen_py(
        """
        import win32trace
        win32trace.InitRead()
        print("waiting", flush=True)
        try:
            win32trace.blockingread()
        except KeyboardInterrupt:
            print("interrupted")
        """
    )
    lines = LineReader(child)
    assert lines.get() == "waiting"
    time.sleep(0.2)
    child.send_signal(signal.SIGINT)
    assert lines.get() == "interrupted"
    assert finish(child)[0] == 0


def test_killed_writers_never_corrupt_or_wedge_the_buffer():
    # Writers killed at random points, often in the middle of a write of
    # nearly 32 KiB (with no collector they never wait): every line read is
    # whole. (A longer write goes in pieces, each whole or not at all.)
    # This process holds the buffer as a writer meanwhile (drained first).
    win32trace.InitWrite()
    win32trace.InitRead()
    win32trace.read()
    win32trace.TermRead()
    code = """
        import os, win32trace
        win32trace.InitWrite()
        line = f"<{os.getpid()}:" + "z" * 80 + ">\\n"
        block = line * (32000 // len(line))  # under 32 KiB: one piece, whole or not at all
        win32trace.write(block)
        print("writing", flush=True)
        while True:
            win32trace.write(block)
        """
    text = ""
    for i in range(8):
        child = popen_py(code)
        assert LineReader(child).get() == "writing"
        time.sleep(0.01 * i)
        child.kill()
        finish(child)
    win32trace.InitRead()
    text = win32trace.read()
    run_child(
        """
        import win32trace
        win32trace.InitWrite()
        win32trace.write("after the kills\\n")
        """
    )
    text += read_until(lambda t: "after the kills\n" in t)
    win32trace.TermRead()
    win32trace.TermWrite()
    lines = text.splitlines()
    assert lines[-1] == "after the kills"
    # (Empty if the last writer died starting the buffer again.)
    for line in lines[:-1]:
        assert line.startswith("<") and line.endswith(">") and line.count("z") == 80, line


def test_win32traceutil_collector_shows_another_process():
    env = dict(os.environ)
    collector = subprocess.Popen(
        [sys.executable, "-m", "win32traceutil"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=os.environ["PYWIN32_POSIX_ROOT"], env=env,
    )
    lines = LineReader(collector)
    assert lines.get() == "Collecting Python Trace Output..."
    # A process with no terminal and no usable stdout, as a service has.
    writer = subprocess.Popen(
        [sys.executable, "-c", "import win32traceutil, sys\nprint('hello from', 'the service')\n"
         "print('an error line', file=sys.stderr)\n"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        cwd=os.environ["PYWIN32_POSIX_ROOT"], env=env, start_new_session=True,
    )
    assert writer.wait(60) == 0
    assert lines.get() == "hello from the service"
    assert lines.get() == "an error line"
    collector.send_signal(signal.SIGINT)
    assert lines.get() == "Ctrl+C"
    rc, _, err = finish(collector)
    assert rc == 0, err


def test_several_writers_and_a_draining_collector_get_whole_lines_in_order(reader):
    # 800 KB, twelve times the buffer: writers wait while the collector
    # reads (so normally nothing is lost; a collector starved for 100 ms by a
    # loaded machine may still see the buffer start again), and what arrives
    # is whole lines, each writer's in its order.
    procs = [
        popen_py(
            """
            import sys, win32trace
            win32trace.InitWrite()
            n = sys.argv[1]
            for i in range(2000):
                win32trace.write(f"<{n}:{i:06d}:".ljust(99, "#") + "\\n")
            """,
            n,
        )
        for n in range(4)
    ]
    text = ""
    while any(p.poll() is None for p in procs):
        text += win32trace.blockingread(100)
    for p in procs:
        assert finish(p)[0] == 0
    text += win32trace.read()
    lines = text.splitlines()
    assert lines
    for n in range(4):
        mine = [l for l in lines if l.startswith(f"<{n}:")]
        assert all(len(l) == 99 and l.endswith("#") for l in mine)
        numbers = [int(l[3:9]) for l in mine]
        assert numbers == sorted(set(numbers))
    assert sum(len(l) == 99 for l in lines) == len(lines)


def test_blockingread_lets_other_threads_run(reader):
    # The wait releases the GIL: this thread writes while another waits.
    from w32util import Worker

    def wait_for_text():
        # A signal left by an earlier write may end one wait with "".
        text = ""
        deadline = time.monotonic() + 30
        while not text and time.monotonic() < deadline:
            text = win32trace.blockingread(LONG_MS)
        return text

    waiting = Worker(wait_for_text)
    time.sleep(0.1)
    win32trace.InitWrite()
    try:
        win32trace.write("from the other thread\n")
        assert waiting.join() == "from the other thread\n"
    finally:
        win32trace.TermWrite()


def test_write_takes_text_or_bytes_only():
    out = run_child(
        """
        import win32trace
        win32trace.InitWrite()
        for bad in (123, None, 4.5):
            try:
                win32trace.write(bad)
            except TypeError:
                print("TypeError")
        """
    )
    assert out.split() == ["TypeError"] * 3
