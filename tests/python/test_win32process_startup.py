"""win32process: what a process was started with (GetStartupInfo across
CreateProcess), its version, shutdown parameters and working-set limits
(the memory cgroup)."""
import os
import subprocess
import sys
import uuid

import pytest
import pywintypes
import win32event
import win32file
import win32pipe
import win32process
import winerror

from w32util import assert_winerror, finish, popen_py

REPORT = ("import win32process; si = win32process.GetStartupInfo(); "
          "print(repr((si.dwFlags, si.wShowWindow, si.dwX, si.dwY, si.dwXSize, si.dwYSize, "
          "si.dwXCountChars, si.dwYCountChars, si.dwFillAttribute, si.lpDesktop, si.lpTitle, "
          "si.hStdOutput is not None)))")


def run_child(si, code, inherit=False):
    """Runs python -c code under CreateProcess with `si`; returns its stdout."""
    sa = pywintypes.SECURITY_ATTRIBUTES()
    sa.bInheritHandle = True
    r, w = win32pipe.CreatePipe(sa, 0)
    import win32api
    import win32con
    win32api.SetHandleInformation(r, win32con.HANDLE_FLAG_INHERIT, 0)
    si.dwFlags |= win32process.STARTF_USESTDHANDLES
    si.hStdOutput = w
    si.hStdError = w
    cmd = '"%s" -c "%s"' % (sys.executable, code.replace('"', '\\"'))
    hp, ht, pid, tid = win32process.CreateProcess(None, cmd, None, None, True, 0, None,
                                                  os.environ["PYWIN32_POSIX_ROOT"], si)
    w.Close()
    out = b""
    while True:
        try:
            _, data = win32file.ReadFile(r, 65536)
        except pywintypes.error:
            break
        if not data:
            break
        out += data
    assert win32event.WaitForSingleObject(hp, 60000) == win32event.WAIT_OBJECT_0
    assert win32process.GetExitCodeProcess(hp) == 0, out
    return out.decode()


def test_child_reads_back_its_startupinfo():
    si = win32process.STARTUPINFO()
    si.dwFlags = win32process.STARTF_USESHOWWINDOW | win32process.STARTF_USEPOSITION
    si.wShowWindow = 7
    si.dwX, si.dwY, si.dwXSize, si.dwYSize = 10, 20, 300, 400
    si.dwXCountChars, si.dwYCountChars, si.dwFillAttribute = 80, 25, 0x1F
    si.lpTitle = "título; with ; semicolons"
    si.lpDesktop = "winsta0\\default"
    out = run_child(si, REPORT)
    flags = win32process.STARTF_USESHOWWINDOW | win32process.STARTF_USEPOSITION | win32process.STARTF_USESTDHANDLES
    assert eval(out) == (flags, 7, 10, 20, 300, 400, 80, 25, 0x1F, "winsta0\\default",
                         "título; with ; semicolons", True)


def test_grandchild_does_not_take_its_parents_startupinfo():
    si = win32process.STARTUPINFO()
    si.lpTitle = "for the child only"
    code = ("import subprocess, sys; "
            "print(subprocess.run([sys.executable, '-c', %r], capture_output=True, text=True).stdout)" % REPORT)
    out = eval(run_child(si, code))
    assert out[0] == 0 and out[10] != "for the child only"
    assert out[10] == os.path.realpath(sys.executable)


def test_a_process_not_started_by_createprocess_gets_console_defaults():
    rc, out, err = finish(popen_py(REPORT))
    assert rc == 0, err
    values = eval(out)
    assert values[:9] == (0,) * 9
    assert values[9] is None
    assert values[10] == os.path.realpath(sys.executable)


def test_get_process_version():
    assert win32process.GetProcessVersion(0) == 0x000A0000
    assert win32process.GetProcessVersion(os.getpid()) == 0x000A0000
    assert_winerror(pytest.raises(pywintypes.error, win32process.GetProcessVersion, 0x7FFFFFF0),
                    winerror.ERROR_INVALID_PARAMETER)
    with pytest.raises(TypeError):
        win32process.GetProcessVersion("1")


def test_shutdown_parameters_round_trip_and_a_new_process_has_the_default():
    assert win32process.GetProcessShutdownParameters() == (0x280, 0)
    try:
        win32process.SetProcessShutdownParameters(0x3FF, win32process.SHUTDOWN_NORETRY)
        assert win32process.GetProcessShutdownParameters() == (0x3FF, 1)
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.write(w, repr(win32process.GetProcessShutdownParameters()).encode())
            os._exit(0)
        os.close(w)
        assert os.read(r, 100) == b"(640, 0)"
        os.close(r)
        os.waitpid(pid, 0)
    finally:
        win32process.SetProcessShutdownParameters(0x280, 0)
    for level, flags in ((0x500, 0), (0x100, 2)):
        assert_winerror(pytest.raises(pywintypes.error, win32process.SetProcessShutdownParameters, level, flags),
                        winerror.ERROR_INVALID_PARAMETER)
    with pytest.raises(TypeError):
        win32process.SetProcessShutdownParameters("x", 0)


def test_working_set_reads_the_memory_cgroup():
    low, high = win32process.GetProcessWorkingSetSize(-1)
    assert 0 <= low <= high
    with open("/proc/meminfo") as f:
        total = int(f.readline().split()[1]) * 1024
    assert high <= max(total, high)


def test_working_set_bad_input():
    for low, high in ((10 << 20, 1 << 20), (-5, 1 << 20)):
        assert_winerror(pytest.raises(pywintypes.error, win32process.SetProcessWorkingSetSize, -1, low, high),
                        winerror.ERROR_INVALID_PARAMETER)
    assert_winerror(pytest.raises(pywintypes.error, win32process.SetProcessWorkingSetSize, -1, -1, -1),
                    winerror.ERROR_NOT_SUPPORTED)
    with pytest.raises(TypeError):
        win32process.SetProcessWorkingSetSize(-1, "1", 2)
    assert_winerror(pytest.raises(pywintypes.error, win32process.GetProcessWorkingSetSize, -2),
                    winerror.ERROR_INVALID_HANDLE)


def _v1_memory_root():
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, controllers, path = line.strip().split(":", 2)
            if "memory" in controllers.split(","):
                d = os.path.join("/sys/fs/cgroup/memory", path.lstrip("/"))
                if os.access(d, os.W_OK):
                    return d
    return None


def test_set_working_set_of_a_child_in_its_own_v1_cgroup():
    parent = _v1_memory_root()
    if parent is None:
        pytest.skip("needs a writable cgroup v1 memory hierarchy")
    group = os.path.join(parent, "w32t-" + uuid.uuid4().hex[:8])
    try:
        os.mkdir(group)
    except OSError as e:
        pytest.skip(f"cannot make a memory cgroup: {e}")
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        with open(os.path.join(group, "cgroup.procs"), "w") as f:
            f.write(str(child.pid))
        import win32api
        hp = win32api.OpenProcess(0x1F0FFF, False, child.pid)
        win32process.SetProcessWorkingSetSize(hp, 0, 64 << 20)
        with open(os.path.join(group, "memory.soft_limit_in_bytes")) as f:
            assert int(f.read()) == 64 << 20
        assert win32process.GetProcessWorkingSetSize(hp) == (0, 64 << 20)
        # cgroup v1 protects nothing: a minimum cannot be held.
        assert_winerror(pytest.raises(pywintypes.error, win32process.SetProcessWorkingSetSize, hp, 1 << 20, 64 << 20),
                        winerror.ERROR_NOT_SUPPORTED)
    finally:
        with open(os.path.join(parent, "cgroup.procs"), "w") as f:
            f.write(str(child.pid))
        child.stdin.close()
        child.wait(30)
        os.rmdir(group)
