"""win32process: CreateProcess with redirected std handles, environments,
directories, suspended starts, exit codes, termination, and what can be
asked of a process."""
import os
import signal
import subprocess
import sys
import time

import pytest
import pywintypes
import win32event
import win32file
import win32pipe
import win32process
import winerror

from w32util import assert_winerror

PYTHON = sys.executable


def inheritable_pipe(parent_end):
    """A pipe whose child end (0: read, 1: write) is inheritable; the
    parent's is not, or the child would hold its own pipe open (as on
    Windows, where a child inheriting the write end of its stdin never sees
    the end of it)."""
    import win32api
    import win32con
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.bInheritHandle = True
    ends = win32pipe.CreatePipe(sa, 0)
    win32api.SetHandleInformation(ends[parent_end], win32con.HANDLE_FLAG_INHERIT, 0)
    return ends


def read_all(handle):
    out = b""
    while True:
        try:
            _, data = win32file.ReadFile(handle, 65536)
        except pywintypes.error as e:
            assert e.winerror == winerror.ERROR_BROKEN_PIPE
            return out
        if not data:
            return out
        out += data


def run(command, flags=0, env=None, cwd=None, inherit=True, stdin=None, capture=True):
    si = win32process.STARTUPINFO()
    r = w = None
    if capture or stdin is not None:
        si.dwFlags = win32process.STARTF_USESTDHANDLES
    if capture:
        r, w = inheritable_pipe(0)
        si.hStdOutput = w
        si.hStdError = w
    if stdin is not None:
        si.hStdInput = stdin
    hp, ht, pid, tid = win32process.CreateProcess(None, command, None, None, inherit, flags, env, cwd, si)
    if w is not None:
        w.Close()
    return hp, ht, pid, r


def finish(hp, r=None):
    out = read_all(r) if r is not None else b""
    assert win32event.WaitForSingleObject(hp, 30000) == win32event.WAIT_OBJECT_0
    return win32process.GetExitCodeProcess(hp), out


def test_stdout_and_exit_code_of_a_program():
    hp, ht, pid, r = run('echo hello "big world"')
    assert pid > 0
    code, out = finish(hp, r)
    assert (code, out) == (0, b"hello big world\n")
    assert win32process.GetExitCodeThread(ht) == 0
    hp, ht, pid, r = run('sh -c "echo err >&2; exit 7"')
    assert finish(hp, r) == (7, b"err\n")


def test_python_child_by_exe_name_with_stdin_from_a_pipe():
    rin, win = inheritable_pipe(1)
    cmd = '"%s.exe" -c "import sys; data = sys.stdin.read(); print(data.upper()); sys.exit(len(data))"' % PYTHON
    hp, ht, pid, r = run(cmd, stdin=rin)
    rin.Close()
    win32file.WriteFile(win, b"piped text")
    win.Close()
    assert finish(hp, r) == (10, b"PIPED TEXT\n")


def test_environment_and_directory(tmp_path):
    cmd = '"%s" -c "import os; print(os.getcwd()); print(os.environ.get(\'ONLY\')); ' \
          'print(os.environ.get(\'HOME\')); print(os.environ.get(\'PYWIN32_POSIX_ROOT\'))"' % PYTHON
    hp, ht, pid, r = run(cmd, env={"ONLY": "this"}, cwd=str(tmp_path))
    code, out = finish(hp, r)
    lines = out.decode().splitlines()
    assert code == 0 and lines[0] == str(tmp_path) and lines[1] == "this" and lines[2] == "None"
    # The session goes along, as Windows' kernel namespace is not in the environment.
    assert lines[3] == os.environ["PYWIN32_POSIX_ROOT"]
    assert_winerror(pytest.raises(pywintypes.error, run, "true", cwd=str(tmp_path / "missing")),
                    winerror.ERROR_DIRECTORY)
    with pytest.raises(TypeError):
        run("true", env={"A": 1})
    with pytest.raises(TypeError):
        run("true", env=["A=1"])
    assert_winerror(pytest.raises(pywintypes.error, run, "true", env={"A=B": "1"}), winerror.ERROR_INVALID_PARAMETER)


def test_child_joins_the_session_through_a_new_environment():
    event = win32event.CreateEvent(None, True, False, "w32proc-session-test")
    code = "import win32event; win32event.SetEvent(win32event.OpenEvent(2, False, 'w32proc-session-test'))"
    hp, ht, pid, r = run('"%s" -c "%s"' % (PYTHON, code), env={"PATH": os.environ["PATH"]})
    assert win32event.WaitForSingleObject(event, 30000) == win32event.WAIT_OBJECT_0
    assert finish(hp, r)[0] == 0


def test_errors_for_bad_programs_and_arguments():
    si = win32process.STARTUPINFO()
    assert_winerror(pytest.raises(pywintypes.error, win32process.CreateProcess, None, "no-such-program-here",
                                  None, None, False, 0, None, None, si), winerror.ERROR_FILE_NOT_FOUND)
    assert_winerror(pytest.raises(pywintypes.error, win32process.CreateProcess, None, "   ",
                                  None, None, False, 0, None, None, si), winerror.ERROR_INVALID_PARAMETER)
    assert_winerror(pytest.raises(pywintypes.error, win32process.CreateProcess, None, None, None, None, False, 0,
                                  None, None, si), winerror.ERROR_INVALID_PARAMETER)
    two_classes = win32process.IDLE_PRIORITY_CLASS | win32process.HIGH_PRIORITY_CLASS
    assert_winerror(pytest.raises(pywintypes.error, win32process.CreateProcess, None, "true", None, None, False,
                                  two_classes, None, None, si), winerror.ERROR_INVALID_PARAMETER)
    with pytest.raises(TypeError):
        win32process.CreateProcess(None, "true", None, None, False, 0, None, None, object())
    with pytest.raises(TypeError):
        si.hStdOutput = "not a handle"
    with pytest.raises(ValueError):
        win32process.CreateProcess(None, "true", None, None, False, 1 << 40, None, None, si)


def test_application_name_runs_that_program(tmp_path):
    hp, ht, pid, r = win32process.CreateProcess("/bin/echo", "ignored-argv0 a b", None, None, False, 0, None,
                                                None, win32process.STARTUPINFO())[:3] + (None,)
    assert finish(hp)[0] == 0


def test_only_inheritable_handles_reach_the_child():
    r, w = win32pipe.CreatePipe(None, 0)  # not inheritable
    si = win32process.STARTUPINFO()
    si.dwFlags = win32process.STARTF_USESTDHANDLES
    si.hStdOutput = w
    hp = win32process.CreateProcess(None, "echo lost", None, None, True, 0, None, None, si)[0]
    w.Close()
    assert finish(hp, r) == (0, b"")
    # bInheritHandles false: none is inherited.
    hp, ht, pid, r = run("echo lost too", inherit=False)
    assert finish(hp, r) == (0, b"")


def test_suspended_until_resumed(tmp_path):
    marker = tmp_path / "started"
    hp, ht, pid, r = run('sh -c "touch %s; exit 3"' % marker, flags=win32process.CREATE_SUSPENDED, capture=False)
    time.sleep(0.3)
    assert not marker.exists()
    assert win32process.GetExitCodeProcess(hp) == win32process.STILL_ACTIVE
    assert win32process.SuspendThread(ht) == 1
    assert win32process.ResumeThread(ht) == 2
    assert win32process.ResumeThread(ht) == 1
    assert finish(hp)[0] == 3 and marker.exists()
    assert win32process.ResumeThread(ht) == 0


def test_suspend_and_resume_a_running_child():
    hp, ht, pid, r = run("sleep 30", capture=False)
    def state():
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    assert win32process.SuspendThread(ht) == 0
    # Asynchronous, as on Windows: it stops soon after.
    deadline = time.monotonic() + 10
    while state() != "T" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert state() == "T"
    assert win32process.ResumeThread(ht) == 1
    deadline = time.monotonic() + 10
    while state() == "T" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert state() != "T"
    win32process.TerminateProcess(hp, 1)
    finish(hp)


def test_terminate_and_exit_codes_of_signals():
    hp, ht, pid, r = run("sleep 30", capture=False)
    win32process.TerminateProcess(hp, 42)
    assert finish(hp)[0] == 42
    assert_winerror(pytest.raises(pywintypes.error, win32process.TerminateProcess, hp, 1),
                    winerror.ERROR_ACCESS_DENIED)
    hp, ht, pid, r = run("sleep 30", capture=False)
    os.kill(pid, signal.SIGSEGV)
    assert finish(hp)[0] == 0xC0000005
    hp, ht, pid, r = run("sleep 30", capture=False)
    os.kill(pid, signal.SIGINT)
    assert finish(hp)[0] == 0xC000013A


def test_exit_code_of_a_process_not_created_here():
    import win32api
    import win32con
    p = subprocess.Popen(["sleep", "30"])
    try:
        h = win32api.OpenProcess(win32con.PROCESS_QUERY_INFORMATION | win32con.SYNCHRONIZE, False, p.pid)
        assert win32process.GetExitCodeProcess(h) == win32process.STILL_ACTIVE
        p.kill()
        p.wait()
        assert_winerror(pytest.raises(pywintypes.error, win32process.GetExitCodeProcess, h),
                        winerror.ERROR_NOT_SUPPORTED)
    finally:
        if p.poll() is None:
            p.kill()


def test_process_information():
    import psutil
    me = win32process.GetCurrentProcess()
    assert win32process.GetProcessId(me) == os.getpid() == win32process.GetCurrentProcessId()
    mem = win32process.GetProcessMemoryInfo(me)
    rss = psutil.Process().memory_info().rss
    assert abs(mem["WorkingSetSize"] - rss) < rss * 0.5 and mem["PeakWorkingSetSize"] >= mem["WorkingSetSize"] // 2
    times = win32process.GetProcessTimes(me)
    assert abs(times["CreationTime"].timestamp() - psutil.Process().create_time()) < 2
    assert times["UserTime"] + times["KernelTime"] > 0
    io = win32process.GetProcessIoCounters(me)
    assert io["ReadTransferCount"] > 0
    assert os.getpid() in win32process.EnumProcesses()
    mods = win32process.EnumProcessModules(me)
    assert os.path.realpath(win32process.GetModuleFileNameEx(me, mods[0])) == os.path.realpath(sys.executable) \
        or "python" in win32process.GetModuleFileNameEx(me, mods[0])
    assert any("libc" in win32process.GetModuleFileNameEx(me, m) for m in mods[1:])
    assert_winerror(pytest.raises(pywintypes.error, win32process.GetModuleFileNameEx, me, 12345),
                    winerror.ERROR_INVALID_HANDLE)
    mask, system = win32process.GetProcessAffinityMask(me)
    assert mask & system == mask and mask
    assert win32process.IsWow64Process(me) is False
    hp, ht, pid, r = run("sleep 30", capture=False, flags=win32process.BELOW_NORMAL_PRIORITY_CLASS)
    try:
        assert win32process.GetPriorityClass(hp) == win32process.BELOW_NORMAL_PRIORITY_CLASS
        win32process.SetPriorityClass(hp, win32process.IDLE_PRIORITY_CLASS)
        assert win32process.GetPriorityClass(hp) == win32process.IDLE_PRIORITY_CLASS
        assert_winerror(pytest.raises(pywintypes.error, win32process.SetPriorityClass, hp, 12345),
                        winerror.ERROR_INVALID_PARAMETER)
    finally:
        win32process.TerminateProcess(hp, 0)
        finish(hp)


def test_unsupported_functions_say_so():
    for call, args in ((win32process.CreateRemoteThread, (0, None, 0, 0, 0, 0)),
                       (win32process.GetWindowThreadProcessId, (0,)),
                       (win32process.ReadProcessMemory, (0, 0, 4))):
        assert_winerror(pytest.raises(pywintypes.error, call, *args), winerror.ERROR_NOT_SUPPORTED)
    assert win32process.ResumeThread(-2) == 0  # the calling thread is not suspended
    assert_winerror(pytest.raises(pywintypes.error, win32process.SuspendThread, -2), winerror.ERROR_NOT_SUPPORTED)
    ev = win32event.CreateEvent(None, 0, 0, None)
    assert_winerror(pytest.raises(pywintypes.error, win32process.ResumeThread, ev), winerror.ERROR_INVALID_HANDLE)


CHILD_USES_HANDLES = (
    "import sys, pywintypes, win32event\n"
    "ev, done = int(sys.argv[1]), int(sys.argv[2])\n"
    "try:\n"
    "    win32event.SetEvent(ev)\n"
    "except pywintypes.error as e:\n"
    "    sys.exit(100 + e.winerror)\n"
    "sys.exit(0 if win32event.WaitForSingleObject(done, 20000) == 0 else 2)\n")


def test_inherited_objects_keep_their_numbers_in_the_child(tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD_USES_HANDLES)
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.bInheritHandle = True
    ev = win32event.CreateEvent(sa, True, False, None)
    done = win32event.CreateEvent(sa, True, False, None)
    cmd = '"%s" "%s" %d %d' % (PYTHON, script, int(ev), int(done))
    hp = win32process.CreateProcess(None, cmd, None, None, True, 0, None, None, win32process.STARTUPINFO())[0]
    assert win32event.WaitForSingleObject(ev, 30000) == win32event.WAIT_OBJECT_0
    win32event.SetEvent(done)
    assert finish(hp)[0] == 0
    # Not inheritable, or bInheritHandles false: the number names nothing there.
    private = win32event.CreateEvent(None, True, False, None)
    cmd = '"%s" "%s" %d %d' % (PYTHON, script, int(private), int(done))
    hp = win32process.CreateProcess(None, cmd, None, None, True, 0, None, None, win32process.STARTUPINFO())[0]
    assert finish(hp)[0] == 100 + winerror.ERROR_INVALID_HANDLE
    cmd = '"%s" "%s" %d %d' % (PYTHON, script, int(ev), int(done))
    hp = win32process.CreateProcess(None, cmd, None, None, False, 0, None, None, win32process.STARTUPINFO())[0]
    assert finish(hp)[0] == 100 + winerror.ERROR_INVALID_HANDLE
    # Suspended with inherited handles: they are there once it runs.
    win32event.ResetEvent(ev)
    hp, ht, pid, tid = win32process.CreateProcess(None, cmd, None, None, True, win32process.CREATE_SUSPENDED,
                                                  None, None, win32process.STARTUPINFO())
    assert win32event.WaitForSingleObject(ev, 300) == win32event.WAIT_TIMEOUT
    win32process.ResumeThread(ht)
    assert win32event.WaitForSingleObject(ev, 30000) == win32event.WAIT_OBJECT_0
    assert finish(hp)[0] == 0


CHILD_USES_FILES = (
    "import sys, win32file\n"
    "pipe_w, data = int(sys.argv[1]), int(sys.argv[2])\n"
    "_, text = win32file.ReadFile(data, 100)\n"
    "win32file.WriteFile(pipe_w, b'child read: ' + text)\n")


def test_inherited_files_and_pipes_keep_their_numbers(tmp_path):
    script = tmp_path / "child.py"
    script.write_text(CHILD_USES_FILES)
    (tmp_path / "data").write_bytes(b"file contents")
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.bInheritHandle = True
    r, w = inheritable_pipe(0)
    data = win32file.CreateFile(str(tmp_path / "data"), win32file.GENERIC_READ, win32file.FILE_SHARE_READ, sa,
                                win32file.OPEN_EXISTING, 0, None)
    cmd = '"%s" "%s" %d %d' % (PYTHON, script, int(w), int(data))
    hp = win32process.CreateProcess(None, cmd, None, None, True, 0, None, None, win32process.STARTUPINFO())[0]
    w.Close()
    assert finish(hp, r) == (0, b"child read: file contents")
    # A handle not marked inheritable names nothing in the child.
    private = win32file.CreateFile(str(tmp_path / "data"), win32file.GENERIC_READ, win32file.FILE_SHARE_READ,
                                   None, win32file.OPEN_EXISTING, 0, None)
    r, w = inheritable_pipe(0)
    cmd = '"%s" "%s" %d %d' % (PYTHON, script, int(w), int(private))
    hp = win32process.CreateProcess(None, cmd, None, None, True, 0, None, None, win32process.STARTUPINFO())[0]
    w.Close()
    code, out = finish(hp, r)
    assert code == 1 and out == b""
