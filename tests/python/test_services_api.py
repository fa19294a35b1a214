"""win32service's configuration API: create, open, query, change, enumerate,
delete, with Windows' errors for bad input and bad states."""
import socket

import pytest
import pywintypes
import win32service
import winerror

from svc_helpers import Scm, manager  # noqa: F401
from w32util import assert_winerror

pytestmark = pytest.mark.usefixtures("manager")

ALL = win32service.SERVICE_ALL_ACCESS


def create(scm, name, binary="/bin/true", start=win32service.SERVICE_DEMAND_START, deps=None, display=None,
           access=ALL):
    return win32service.CreateService(scm, name, display or name, access, win32service.SERVICE_WIN32_OWN_PROCESS,
                                      start, win32service.SERVICE_ERROR_NORMAL, binary, None, 0, deps, None, None)


@pytest.fixture
def scm():
    h = win32service.OpenSCManager(None, None, win32service.SC_MANAGER_ALL_ACCESS)
    made = []
    yield h, made
    for name in made:
        try:
            s = win32service.OpenService(h, name, ALL)
            win32service.DeleteService(s)
            win32service.CloseServiceHandle(s)
        except pywintypes.error:
            pass
    win32service.CloseServiceHandle(h)


def test_create_query_and_delete(scm):
    h, made = scm
    s = create(h, "ApiCfg1", "/usr/bin/env python3 -c pass", display="Api Config One")
    made.append("ApiCfg1")
    cfg = win32service.QueryServiceConfig(s)
    assert cfg[0] == win32service.SERVICE_WIN32_OWN_PROCESS
    assert cfg[1] == win32service.SERVICE_DEMAND_START
    assert cfg[2] == win32service.SERVICE_ERROR_NORMAL
    assert cfg[3] == "/usr/bin/env python3 -c pass"
    assert cfg[6] == ()
    assert cfg[8] == "Api Config One"
    status = win32service.QueryServiceStatus(s)
    assert status[1] == win32service.SERVICE_STOPPED
    ex = win32service.QueryServiceStatusEx(s)
    assert ex["CurrentState"] == win32service.SERVICE_STOPPED and ex["ProcessId"] == 0
    assert win32service.GetServiceKeyName(h, "api config one") == "ApiCfg1"
    assert win32service.GetServiceDisplayName(h, "apicfg1") == "Api Config One"
    names = [e[0] for e in win32service.EnumServicesStatus(h)]
    assert "ApiCfg1" in names
    win32service.DeleteService(s)
    # Marked for deletion until the last handle closes, as on Windows.
    assert_winerror(pytest.raises(pywintypes.error, win32service.DeleteService, s),
                    winerror.ERROR_SERVICE_MARKED_FOR_DELETE)
    assert_winerror(pytest.raises(pywintypes.error, win32service.StartService, s, None),
                    winerror.ERROR_SERVICE_MARKED_FOR_DELETE)
    assert_winerror(pytest.raises(pywintypes.error, create, h, "ApiCfg1"), winerror.ERROR_SERVICE_MARKED_FOR_DELETE)
    win32service.CloseServiceHandle(s)
    assert_winerror(pytest.raises(pywintypes.error, win32service.OpenService, h, "ApiCfg1", ALL),
                    winerror.ERROR_SERVICE_DOES_NOT_EXIST)


def test_names_are_case_insensitive_and_unique(scm):
    h, made = scm
    s = create(h, "ApiCase", display="Api Case Display")
    made.append("ApiCase")
    s2 = win32service.OpenService(h, "APICASE", ALL)
    assert win32service.QueryServiceConfig(s2)[8] == "Api Case Display"
    assert_winerror(pytest.raises(pywintypes.error, create, h, "apicase"), winerror.ERROR_SERVICE_EXISTS)
    # A display name already used (as a name or a display name).
    assert_winerror(pytest.raises(pywintypes.error, create, h, "Other1", display="api case display"),
                    winerror.ERROR_DUPLICATE_SERVICE_NAME)
    assert_winerror(pytest.raises(pywintypes.error, create, h, "Other2", display="ApiCase"),
                    winerror.ERROR_DUPLICATE_SERVICE_NAME)
    for x in (s, s2):
        win32service.CloseServiceHandle(x)


def test_change_config_and_config2(scm):
    h, made = scm
    s = create(h, "ApiChange")
    made.append("ApiChange")
    NC = win32service.SERVICE_NO_CHANGE
    win32service.ChangeServiceConfig(s, NC, win32service.SERVICE_AUTO_START, NC, "/bin/echo hi", None, 0,
                                     None, None, None, "Changed Name")
    cfg = win32service.QueryServiceConfig(s)
    assert (cfg[1], cfg[3], cfg[8]) == (win32service.SERVICE_AUTO_START, "/bin/echo hi", "Changed Name")
    win32service.ChangeServiceConfig2(s, win32service.SERVICE_CONFIG_DESCRIPTION, "A description")
    assert win32service.QueryServiceConfig2(s, win32service.SERVICE_CONFIG_DESCRIPTION) == "A description"
    win32service.ChangeServiceConfig2(s, win32service.SERVICE_CONFIG_DELAYED_AUTO_START_INFO, True)
    assert win32service.QueryServiceConfig2(s, win32service.SERVICE_CONFIG_DELAYED_AUTO_START_INFO) is True
    actions = {"ResetPeriod": 60, "RebootMsg": None, "Command": "/bin/true",
               "Actions": ((win32service.SC_ACTION_RESTART, 100), (win32service.SC_ACTION_NONE, 0))}
    win32service.ChangeServiceConfig2(s, win32service.SERVICE_CONFIG_FAILURE_ACTIONS, actions)
    got = win32service.QueryServiceConfig2(s, win32service.SERVICE_CONFIG_FAILURE_ACTIONS)
    assert got["ResetPeriod"] == 60 and got["Command"] == "/bin/true"
    assert got["Actions"] == ((1, 100), (0, 0))
    win32service.ChangeServiceConfig2(s, win32service.SERVICE_CONFIG_FAILURE_ACTIONS_FLAG, True)
    assert win32service.QueryServiceConfig2(s, win32service.SERVICE_CONFIG_FAILURE_ACTIONS_FLAG) is True
    win32service.ChangeServiceConfig2(s, win32service.SERVICE_CONFIG_PRESHUTDOWN_INFO, 5000)
    assert win32service.QueryServiceConfig2(s, win32service.SERVICE_CONFIG_PRESHUTDOWN_INFO) == 5000
    assert_winerror(pytest.raises(pywintypes.error, win32service.QueryServiceConfig2, s, 99),
                    winerror.ERROR_INVALID_LEVEL)
    # Demand start cannot be delayed.
    win32service.ChangeServiceConfig(s, NC, win32service.SERVICE_DEMAND_START, NC, None, None, 0, None, None,
                                     None, None)
    assert win32service.QueryServiceConfig2(s, win32service.SERVICE_CONFIG_DELAYED_AUTO_START_INFO) is False
    assert_winerror(pytest.raises(pywintypes.error, win32service.ChangeServiceConfig2, s,
                                  win32service.SERVICE_CONFIG_DELAYED_AUTO_START_INFO, True),
                    winerror.ERROR_INVALID_PARAMETER)
    win32service.CloseServiceHandle(s)


def test_dependencies(scm):
    h, made = scm
    a = create(h, "ApiDepA")
    b = create(h, "ApiDepB", deps=["ApiDepA"])
    made.extend(["ApiDepB", "ApiDepA"])
    assert win32service.QueryServiceConfig(b)[6] == ("ApiDepA",)
    deps = win32service.EnumDependentServices(a, win32service.SERVICE_STATE_ALL)
    assert [d[0] for d in deps] == ["ApiDepB"]
    assert win32service.EnumDependentServices(a, win32service.SERVICE_ACTIVE) == ()
    # A on B while B is on A: a cycle.
    NC = win32service.SERVICE_NO_CHANGE
    assert_winerror(pytest.raises(pywintypes.error, win32service.ChangeServiceConfig, a, NC, NC, NC, None, None,
                                  0, ["ApiDepB"], None, None, None), winerror.ERROR_CIRCULAR_DEPENDENCY)
    c = create(h, "ApiDepC", deps=["NoSuchService"])
    made.append("ApiDepC")
    assert_winerror(pytest.raises(pywintypes.error, win32service.StartService, c, None),
                    winerror.ERROR_SERVICE_DEPENDENCY_DELETED)
    for x in (a, b, c):
        win32service.CloseServiceHandle(x)


def test_start_errors(scm):
    h, made = scm
    s = create(h, "ApiDisabled", start=win32service.SERVICE_DISABLED)
    made.append("ApiDisabled")
    assert_winerror(pytest.raises(pywintypes.error, win32service.StartService, s, None),
                    winerror.ERROR_SERVICE_DISABLED)
    missing = create(h, "ApiNoProgram", binary="/nonexistent/program --flag")
    made.append("ApiNoProgram")
    assert_winerror(pytest.raises(pywintypes.error, win32service.StartService, missing, None),
                    winerror.ERROR_FILE_NOT_FOUND)
    assert win32service.QueryServiceStatus(missing)[1] == win32service.SERVICE_STOPPED
    # Not running: controls are refused.
    assert_winerror(pytest.raises(pywintypes.error, win32service.ControlService, s,
                                  win32service.SERVICE_CONTROL_STOP), winerror.ERROR_SERVICE_NOT_ACTIVE)
    for x in (s, missing):
        win32service.CloseServiceHandle(x)


def test_access_rights_are_checked_per_handle(scm):
    h, made = scm
    create(h, "ApiAccess")
    made.append("ApiAccess")
    ro = win32service.OpenService(h, "ApiAccess", win32service.SERVICE_QUERY_STATUS)
    assert win32service.QueryServiceStatus(ro)[1] == win32service.SERVICE_STOPPED
    for call, args in ((win32service.StartService, (None,)), (win32service.DeleteService, ()),
                       (win32service.QueryServiceConfig, ()),
                       (win32service.ControlService, (win32service.SERVICE_CONTROL_STOP,))):
        assert_winerror(pytest.raises(pywintypes.error, call, ro, *args), winerror.ERROR_ACCESS_DENIED)
    connect_only = win32service.OpenSCManager(None, None, win32service.SC_MANAGER_CONNECT)
    assert_winerror(pytest.raises(pywintypes.error, create, connect_only, "ApiAccess2"),
                    winerror.ERROR_ACCESS_DENIED)
    assert_winerror(pytest.raises(pywintypes.error, win32service.EnumServicesStatus, connect_only),
                    winerror.ERROR_ACCESS_DENIED)
    generic = win32service.OpenService(h, "ApiAccess", -2147483648)  # GENERIC_READ
    win32service.QueryServiceConfig(generic)
    for x in (ro, connect_only, generic):
        win32service.CloseServiceHandle(x)


def test_handles_bad_input():
    h = win32service.OpenSCManager(None, None, win32service.SC_MANAGER_ALL_ACCESS)
    s = create(h, "ApiBadInput")
    # A service handle where a manager handle is wanted, and the reverse.
    assert_winerror(pytest.raises(pywintypes.error, win32service.OpenService, s, "x", ALL),
                    winerror.ERROR_INVALID_HANDLE)
    assert_winerror(pytest.raises(pywintypes.error, win32service.QueryServiceStatus, h),
                    winerror.ERROR_INVALID_HANDLE)
    # Ints name live handles only.
    assert win32service.QueryServiceStatus(int(s))[1] == win32service.SERVICE_STOPPED
    assert_winerror(pytest.raises(pywintypes.error, win32service.QueryServiceStatus, 12345),
                    winerror.ERROR_INVALID_HANDLE)
    with pytest.raises(TypeError):
        win32service.QueryServiceStatus("not a handle")
    with pytest.raises(TypeError):
        win32service.StartService(s, "abc")  # a str is not a list of args
    with pytest.raises(TypeError):
        win32service.StartService(s, [1, 2])
    with pytest.raises(TypeError):
        create(h, "ApiBad2", deps="ApiBadInput")
    with pytest.raises(ValueError):
        win32service.OpenService(h, "ApiBadInput", 1 << 40)
    for bad_name in ("", "a/b", "a\\b", "x" * 300):
        assert_winerror(pytest.raises(pywintypes.error, create, h, bad_name), winerror.ERROR_INVALID_NAME)
    # Kernel drivers have no meaning here; boot start is for drivers only.
    with pytest.raises(pywintypes.error) as e:
        win32service.CreateService(h, "ApiDriver", "d", ALL, win32service.SERVICE_KERNEL_DRIVER,
                                   win32service.SERVICE_DEMAND_START, 1, "/bin/true", None, 0, None, None, None)
    assert e.value.winerror == winerror.ERROR_NOT_SUPPORTED
    with pytest.raises(pywintypes.error) as e:
        win32service.CreateService(h, "ApiBoot", "d", ALL, win32service.SERVICE_WIN32_OWN_PROCESS,
                                   win32service.SERVICE_BOOT_START, 1, "/bin/true", None, 0, None, None, None)
    assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    assert_winerror(pytest.raises(pywintypes.error, create, h, "ApiNoBinary", binary=""),
                    winerror.ERROR_INVALID_PARAMETER)
    assert_winerror(pytest.raises(pywintypes.error, win32service.ControlService, s, 5),
                    winerror.ERROR_INVALID_PARAMETER)  # SHUTDOWN is the system's to send
    win32service.DeleteService(s)
    win32service.CloseServiceHandle(s)
    # Closed handles.
    assert_winerror(pytest.raises(pywintypes.error, win32service.QueryServiceStatus, s),
                    winerror.ERROR_INVALID_HANDLE)
    assert_winerror(pytest.raises(pywintypes.error, win32service.CloseServiceHandle, s),
                    winerror.ERROR_INVALID_HANDLE)
    win32service.CloseServiceHandle(h)


def test_open_manager_arguments():
    for local in (None, "", ".", "localhost", socket.gethostname(), "\\\\" + socket.gethostname()):
        win32service.CloseServiceHandle(win32service.OpenSCManager(local, None, win32service.SC_MANAGER_CONNECT))
    h = win32service.OpenSCManager(None, "ServicesActive", win32service.SC_MANAGER_CONNECT)
    win32service.CloseServiceHandle(h)
    assert_winerror(pytest.raises(pywintypes.error, win32service.OpenSCManager, "otherhost.invalid", None,
                                  win32service.SC_MANAGER_CONNECT), winerror.ERROR_NOT_SUPPORTED)
    assert_winerror(pytest.raises(pywintypes.error, win32service.OpenSCManager, None, "NoSuchDatabase",
                                  win32service.SC_MANAGER_CONNECT), winerror.ERROR_DATABASE_DOES_NOT_EXIST)


def test_unsupported_functions_say_so():
    h = win32service.OpenSCManager(None, None, win32service.SC_MANAGER_ALL_ACCESS)
    for call, args in ((win32service.LockServiceDatabase, (h,)), (win32service.QueryServiceLockStatus, (h,)),
                       (win32service.QueryServiceObjectSecurity, (h, 4)),
                       (win32service.OpenWindowStation, ("WinSta0", False, 0)),
                       (win32service.GetProcessWindowStation, ()), (win32service.EnumWindowStations, ()),
                       (win32service.OpenDesktop, ("Default", 0, False, 0)),
                       (win32service.GetThreadDesktop, (0,))):
        assert_winerror(pytest.raises(pywintypes.error, call, *args), winerror.ERROR_NOT_SUPPORTED)
    win32service.CloseServiceHandle(h)


def test_configuration_is_durable_across_manager_restart(scm):
    from svc_helpers import ROOT
    from pywin32_posix import _session
    h, made = scm
    s = create(h, "ApiDurable", display="Durable One")
    win32service.ChangeServiceConfig2(s, win32service.SERVICE_CONFIG_DESCRIPTION, "kept")
    win32service.CloseServiceHandle(s)
    pid = win32service._ManagerPid()
    _session.stop_service_manager(ROOT)
    # The old connection is gone: a clean error, never a hang.
    assert_winerror(pytest.raises(pywintypes.error, win32service.OpenService, h, "ApiDurable", ALL),
                    winerror.RPC_S_SERVER_UNAVAILABLE)
    h2 = win32service.OpenSCManager(None, None, win32service.SC_MANAGER_ALL_ACCESS)
    assert win32service._ManagerPid() != pid
    s = win32service.OpenService(h2, "ApiDurable", ALL)
    assert win32service.QueryServiceConfig(s)[8] == "Durable One"
    assert win32service.QueryServiceConfig2(s, win32service.SERVICE_CONFIG_DESCRIPTION) == "kept"
    win32service.DeleteService(s)
    win32service.CloseServiceHandle(s)
    win32service.CloseServiceHandle(h2)
