"""win32serviceutil: installing, controlling and writing Python services.

A service is a class derived from ServiceFramework; HandleCommandLine gives
its script the usual `install|update|remove|start|stop|restart|debug`
commands. Installed services run under the session's service manager, in a
process of their own started as `python -m pywin32_posix.pythonservice`
(pythonservice.exe on Windows), which imports the class again from the
script's folder.
"""
import os
import signal
import sys
import threading
import time

import pywintypes
import win32service
import winerror

from pywin32_posix import _python_class, _service_host
from pywin32_posix._w32 import win32api as _win32api

error = RuntimeError

_PARAMETERS = "Parameters\\"


def _system_error(code, function):
    return pywintypes.error(code, function, _win32api.FormatMessage(code).rstrip("\r\n"))


def LocatePythonServiceExe(exe=None):
    """The program that hosts Python services: this interpreter (run with
    -m pywin32_posix.pythonservice), or `exe` when it exists."""
    if exe is not None:
        if not os.path.exists(exe):
            raise error("The executable '%s' could not be located" % (exe,))
        return exe
    return sys.executable


def _quote(arg):
    if arg and not any(c in arg for c in ' \t\n"'):
        return arg
    out, backslashes = '"', 0
    for c in arg:
        if c == "\\":
            backslashes += 1
            continue
        out += "\\" * (2 * backslashes + 1 if c == '"' else backslashes) + c
        backslashes = 0
    return out + "\\" * (2 * backslashes) + '"'


def _binary_path(exeName, exeArgs):
    if exeName is None:
        command = "%s -m pywin32_posix.pythonservice" % (_quote(LocatePythonServiceExe()),)
    else:
        command = _quote(LocatePythonServiceExe(exeName))
    if exeArgs:
        command += " " + exeArgs
    return command


def SmartOpenService(hscm, name, access):
    """Opens a service by key name, or failing that by display name."""
    try:
        return win32service.OpenService(hscm, name, access)
    except pywintypes.error as details:
        if details.winerror not in (winerror.ERROR_SERVICE_DOES_NOT_EXIST, winerror.ERROR_INVALID_NAME):
            raise
        name = win32service.GetServiceKeyName(hscm, name)
        return win32service.OpenService(hscm, name, access)


class _Scm:
    """An SCM handle (and optionally one service's) for a with-block."""

    def __init__(self, machine=None, access=win32service.SC_MANAGER_ALL_ACCESS, service=None,
                 service_access=win32service.SERVICE_ALL_ACCESS):
        self.scm = win32service.OpenSCManager(machine, None, access)
        self.service = None
        try:
            if service is not None:
                self.service = SmartOpenService(self.scm, service, service_access)
        except BaseException:
            win32service.CloseServiceHandle(self.scm)
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.service is not None:
            win32service.CloseServiceHandle(self.service)
        win32service.CloseServiceHandle(self.scm)


def LocateSpecificServiceExe(serviceName):
    """The command line the service is started with."""
    with _Scm(service=serviceName, service_access=win32service.SERVICE_QUERY_CONFIG) as h:
        return win32service.QueryServiceConfig(h.service)[3]


def InstallPerfmonForService(serviceName, iniName, dllName=None):
    """Registers a service's performance counters.

    On POSIX: not supported (performance-counter DLLs do not exist here)."""
    raise _system_error(winerror.ERROR_NOT_SUPPORTED, "InstallPerfmonForService")


def InstallPythonClassString(pythonClassString, serviceName):
    """Records the class the service's host process runs."""
    if pythonClassString:
        with _Scm(service=serviceName) as h:
            win32service._SetServiceValue(h.service, "PythonClass", pythonClassString)


def _configure_extras(handle, description, delayedstart):
    if description is not None:
        win32service.ChangeServiceConfig2(handle, win32service.SERVICE_CONFIG_DESCRIPTION, description)
    if delayedstart is not None:
        win32service.ChangeServiceConfig2(handle, win32service.SERVICE_CONFIG_DELAYED_AUTO_START_INFO,
                                          bool(delayedstart))


def _service_type(bRunInteractive):
    if bRunInteractive:
        return win32service.SERVICE_WIN32_OWN_PROCESS | win32service.SERVICE_INTERACTIVE_PROCESS
    return win32service.SERVICE_WIN32_OWN_PROCESS


def InstallService(pythonClassString, serviceName, displayName, startType=None, errorControl=None,
                   bRunInteractive=0, serviceDeps=None, userName=None, password=None, exeName=None,
                   perfMonIni=None, perfMonDll=None, exeArgs=None, description=None, delayedstart=None):
    """Creates the service and records its Python class."""
    if startType is None:
        startType = win32service.SERVICE_DEMAND_START
    if errorControl is None:
        errorControl = win32service.SERVICE_ERROR_NORMAL
    serviceType = _service_type(bRunInteractive)
    with _Scm() as h:
        handle = win32service.CreateService(
            h.scm, serviceName, displayName, win32service.SERVICE_ALL_ACCESS, serviceType, startType,
            errorControl, _binary_path(exeName, exeArgs), None, 0, serviceDeps, userName, password)
        try:
            _configure_extras(handle, description, delayedstart)
            if pythonClassString:
                win32service._SetServiceValue(handle, "PythonClass", pythonClassString)
        finally:
            win32service.CloseServiceHandle(handle)
    _register_event_source(serviceName)
    if perfMonIni is not None:
        InstallPerfmonForService(serviceName, perfMonIni, perfMonDll)


def _register_event_source(serviceName):
    # As pywin32 does at install: the service's name is an event source whose
    # messages are servicemanager's.
    try:
        import win32evtlogutil
        win32evtlogutil.AddSourceToRegistry(serviceName)
    except pywintypes.error:
        pass


def ChangeServiceConfig(pythonClassString, serviceName, startType=None, errorControl=None,
                        bRunInteractive=0, serviceDeps=None, userName=None, password=None, exeName=None,
                        displayName=None, perfMonIni=None, perfMonDll=None, exeArgs=None,
                        description=None, delayedstart=None):
    """Updates an installed service's configuration and Python class."""
    if startType is None:
        startType = win32service.SERVICE_NO_CHANGE
    if errorControl is None:
        errorControl = win32service.SERVICE_NO_CHANGE
    serviceType = _service_type(bRunInteractive)
    with _Scm(service=serviceName) as h:
        win32service.ChangeServiceConfig(h.service, serviceType, startType, errorControl,
                                         _binary_path(exeName, exeArgs), None, 0, serviceDeps, userName,
                                         password, displayName)
        _configure_extras(h.service, description, delayedstart)
        if pythonClassString:
            win32service._SetServiceValue(h.service, "PythonClass", pythonClassString)


def SetServiceCustomOption(serviceName, option, value):
    """Stores a named option with the service (Parameters\\<option>)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError("an option's value is an int or a str")
    encoded = ("i:%d" % value) if isinstance(value, int) else "s:" + value
    with _Scm(service=serviceName) as h:
        win32service._SetServiceValue(h.service, _PARAMETERS + option, encoded)


def GetServiceCustomOption(serviceName, option, defaultValue=None):
    """The option stored by SetServiceCustomOption, or `defaultValue`."""
    with _Scm(service=serviceName, service_access=win32service.SERVICE_QUERY_CONFIG) as h:
        encoded = win32service._GetServiceValue(h.service, _PARAMETERS + option)
    if encoded is None:
        return defaultValue
    kind, _, text = encoded.partition(":")
    return int(text) if kind == "i" else text


def RemoveService(serviceName):
    """Marks the service for deletion (it goes once stopped and closed)."""
    with _Scm(service=serviceName) as h:
        win32service.DeleteService(h.service)
    try:
        import win32evtlogutil
        win32evtlogutil.RemoveSourceFromRegistry(serviceName)
    except pywintypes.error:
        pass


def ControlService(serviceName, code, machine=None):
    """Sends a control code to the named service; its status tuple afterwards."""
    with _Scm(machine, service=serviceName) as h:
        return win32service.ControlService(h.service, code)


def QueryServiceStatus(serviceName, machine=None):
    """The named service's status tuple (win32service.QueryServiceStatus)."""
    with _Scm(machine, win32service.SC_MANAGER_CONNECT, serviceName, win32service.SERVICE_QUERY_STATUS) as h:
        return win32service.QueryServiceStatus(h.service)


def WaitForServiceStatus(serviceName, status, waitSecs, machine=None):
    """Waits until the service is in `status`; ERROR_SERVICE_REQUEST_TIMEOUT
    after waitSecs seconds."""
    deadline = time.monotonic() + waitSecs
    with _Scm(machine, win32service.SC_MANAGER_CONNECT, serviceName, win32service.SERVICE_QUERY_STATUS) as h:
        while True:
            if win32service.QueryServiceStatus(h.service)[1] == status:
                return
            if time.monotonic() >= deadline:
                raise _system_error(winerror.ERROR_SERVICE_REQUEST_TIMEOUT, "QueryServiceStatus")
            time.sleep(0.05)


def StopService(serviceName, machine=None):
    """Sends STOP; returns the status the service reported."""
    return ControlService(serviceName, win32service.SERVICE_CONTROL_STOP, machine)


def StopServiceWithDeps(serviceName, machine=None, waitSecs=30):
    """Stops the services that depend on this one, then this one."""
    with _Scm(machine, service=serviceName) as h:
        for name, _display, _status in win32service.EnumDependentServices(h.service,
                                                                          win32service.SERVICE_ACTIVE):
            _stop_and_wait(name, machine, waitSecs)
    _stop_and_wait(serviceName, machine, waitSecs)


def _stop_and_wait(serviceName, machine, waitSecs):
    try:
        StopService(serviceName, machine)
    except pywintypes.error as exc:
        if exc.winerror != winerror.ERROR_SERVICE_NOT_ACTIVE:
            raise
    WaitForServiceStatus(serviceName, win32service.SERVICE_STOPPED, waitSecs, machine)


def StartService(serviceName, args=None, machine=None):
    """Starts the named service with optional arguments."""
    with _Scm(machine, service=serviceName) as h:
        win32service.StartService(h.service, args)


def RestartService(serviceName, args=None, waitSeconds=30, machine=None):
    """Stops the service if it runs, then starts it again."""
    try:
        StopService(serviceName, machine)
    except pywintypes.error as exc:
        if exc.winerror != winerror.ERROR_SERVICE_NOT_ACTIVE:
            raise
    deadline = time.monotonic() + waitSeconds
    while True:
        try:
            StartService(serviceName, args, machine)
            return
        except pywintypes.error as exc:
            # Still stopping: try again until the time is up.
            if exc.winerror != winerror.ERROR_SERVICE_ALREADY_RUNNING or time.monotonic() >= deadline:
                raise
        time.sleep(0.1)


def GetServiceClassString(cls, argv=None):
    """The string InstallService records for `cls`: its module's path
    (without extension) and class name."""
    return _python_class.class_string(cls, argv)


def DebugService(cls, argv=[]):
    """Runs the service in this process, in the console; Ctrl+C stops it."""
    import servicemanager
    servicemanager.Debugging(True)
    name = argv[0] if argv else cls._svc_name_
    print("Debugging service %s - press Ctrl+C to stop." % (name,))
    instance = cls([name] + list(argv[1:]))

    def stop(signum, frame):
        print("Stopping debug service.")
        for reg in _service_host.debug_stop_handlers():
            if reg.extra_args:
                reg.callback(win32service.SERVICE_CONTROL_STOP, 0, None)
            else:
                reg.callback(win32service.SERVICE_CONTROL_STOP)

    previous = {}
    on_main_thread = threading.current_thread() is threading.main_thread()
    if on_main_thread:
        for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGBREAK", signal.SIGHUP)):
            previous[sig] = signal.signal(sig, stop)
    try:
        instance.SvcRun()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        servicemanager.Debugging(False)


def usage():
    """Prints the command line HandleCommandLine accepts and exits with status 1."""
    name = os.path.basename(sys.argv[0])
    print("Usage: '%s [options] install|update|remove|start [...]|stop|restart [...]|debug [...]'" % name)
    print("Options for 'install' and 'update':")
    print(" --username domain\\username : the account the service runs as (recorded only)")
    print(" --password password : its password (not used)")
    print(" --startup [manual|auto|disabled|delayed] : how the service starts, default = manual")
    print(" --interactive : allow the service to use the desktop (recorded only)")
    print(" --perfmonini file / --perfmondll file : not supported here")
    print("Options for 'start' and 'stop':")
    print(" --wait seconds : wait until the service has started or stopped")
    sys.exit(1)


_STARTUP = {"manual": win32service.SERVICE_DEMAND_START, "auto": win32service.SERVICE_AUTO_START,
            "disabled": win32service.SERVICE_DISABLED, "delayed": win32service.SERVICE_AUTO_START}


def HandleCommandLine(cls, serviceClassString=None, argv=None, customInstallOptions="",
                      customOptionHandler=None):
    """The service script's command line. Returns 0, or the Win32 error
    code of a failed command (after printing it)."""
    import getopt

    if argv is None:
        argv = sys.argv
    if len(argv) <= 1:
        usage()
    serviceName = cls._svc_name_
    serviceDisplayName = getattr(cls, "_svc_display_name_", serviceName)
    if serviceClassString is None:
        serviceClassString = GetServiceClassString(cls)

    long_options = ["password=", "username=", "startup=", "perfmonini=", "perfmondll=", "interactive", "wait="]
    try:
        opts, args = getopt.getopt(argv[1:], customInstallOptions, long_options)
    except getopt.error as details:
        print(details)
        usage()
    userName = password = perfMonIni = perfMonDll = None
    startup = None
    delayed = None
    interactive = None
    waitSecs = 0
    for opt, val in opts:
        if opt == "--username":
            userName = val
        elif opt == "--password":
            password = val
        elif opt == "--perfmonini":
            perfMonIni = val
        elif opt == "--perfmondll":
            perfMonDll = val
        elif opt == "--interactive":
            interactive = 1
        elif opt == "--startup":
            if val.lower() not in _STARTUP:
                print("'%s' is not a valid startup option" % (val,))
                usage()
            startup = _STARTUP[val.lower()]
            delayed = val.lower() == "delayed"
        elif opt == "--wait":
            try:
                waitSecs = int(val)
            except ValueError:
                print("--wait must specify an integer number of seconds.")
                usage()
    if not args:
        usage()
    command = args[0]
    err = 0
    description = getattr(cls, "_svc_description_", None)
    deps = getattr(cls, "_svc_deps_", None)
    exeName = getattr(cls, "_exe_name_", None)
    exeArgs = getattr(cls, "_exe_args_", None)

    def report(details):
        print("Error %s: %s (%d)" % (command, details.strerror, details.winerror))
        return details.winerror

    try:
        if command == "debug":
            DebugService(cls, [serviceName] + args[1:])
        elif command == "install":
            print("Installing service %s" % (serviceName,))
            try:
                InstallService(serviceClassString, serviceName, serviceDisplayName, startup, None,
                               interactive, deps, userName, password, exeName, perfMonIni, perfMonDll,
                               exeArgs, description, delayed)
                if customOptionHandler:
                    customOptionHandler(*(opts,))
                print("Service installed")
            except pywintypes.error as details:
                if details.winerror == winerror.ERROR_SERVICE_EXISTS:
                    print("Service %s is already installed" % (serviceName,))
                err = report(details)
        elif command == "update":
            print("Changing service configuration")
            try:
                ChangeServiceConfig(serviceClassString, serviceName, startup, None, interactive, deps,
                                    userName, password, exeName, serviceDisplayName, perfMonIni,
                                    perfMonDll, exeArgs, description, delayed)
                if customOptionHandler:
                    customOptionHandler(*(opts,))
                print("Service updated")
            except pywintypes.error as details:
                err = report(details)
        elif command == "remove":
            print("Removing service %s" % (serviceName,))
            try:
                RemoveService(serviceName)
                print("Service removed")
            except pywintypes.error as details:
                err = report(details)
        elif command == "start":
            print("Starting service %s" % (serviceName,))
            try:
                StartService(serviceName, args[1:] or None)
                if waitSecs:
                    WaitForServiceStatus(serviceName, win32service.SERVICE_RUNNING, waitSecs)
            except pywintypes.error as details:
                err = report(details)
        elif command == "stop":
            print("Stopping service %s" % (serviceName,))
            try:
                if waitSecs:
                    StopServiceWithDeps(serviceName, waitSecs=waitSecs)
                else:
                    StopService(serviceName)
            except pywintypes.error as details:
                err = report(details)
        elif command == "restart":
            print("Restarting service %s" % (serviceName,))
            try:
                RestartService(serviceName, args[1:] or None, waitSecs or 30)
                if waitSecs:
                    WaitForServiceStatus(serviceName, win32service.SERVICE_RUNNING, waitSecs)
            except pywintypes.error as details:
                err = report(details)
        else:
            print("Unknown command - '%s'" % (command,))
            usage()
    except pywintypes.error as details:
        err = report(details)
    return err


class ServiceFramework:
    """Base class of Python services. Subclasses set _svc_name_ (and
    _svc_display_name_, _svc_description_, _svc_deps_) and implement
    SvcDoRun (runs until stopped) and SvcStop; SvcPause/SvcContinue and
    SvcShutdown are accepted when defined."""

    _svc_deps_ = None
    _exe_name_ = None
    _exe_args_ = None
    _svc_description_ = None

    def __init__(self, args):
        import servicemanager
        self.ssh = servicemanager.RegisterServiceCtrlHandler(args[0], self.ServiceCtrlHandlerEx, True)
        self.checkPoint = 0

    def GetAcceptedControls(self):
        """The SERVICE_ACCEPT_* bits this class answers: STOP always, PAUSE_CONTINUE
        when it has SvcPause and SvcContinue, SHUTDOWN when it has SvcShutdown."""
        accepted = win32service.SERVICE_ACCEPT_STOP
        if hasattr(self, "SvcPause") and hasattr(self, "SvcContinue"):
            accepted |= win32service.SERVICE_ACCEPT_PAUSE_CONTINUE
        if hasattr(self, "SvcShutdown"):
            accepted |= win32service.SERVICE_ACCEPT_SHUTDOWN
        return accepted

    def ReportServiceStatus(self, serviceStatus, waitHint=5000, win32ExitCode=0, svcExitCode=0):
        """Tells the manager the service's state (SERVICE_*), with a checkpoint
        counted for pending states and the controls it accepts."""
        if self.ssh is None:
            return
        if serviceStatus == win32service.SERVICE_START_PENDING:
            accepted = 0
        else:
            accepted = self.GetAcceptedControls()
        if serviceStatus in (win32service.SERVICE_RUNNING, win32service.SERVICE_STOPPED):
            checkPoint = 0
        else:
            self.checkPoint += 1
            checkPoint = self.checkPoint
        status = (win32service.SERVICE_WIN32_OWN_PROCESS, serviceStatus, accepted, win32ExitCode,
                  svcExitCode, checkPoint, waitHint)
        win32service.SetServiceStatus(self.ssh, status)

    def SvcInterrogate(self):
        """Answers SERVICE_CONTROL_INTERROGATE by reporting the current state again."""
        # The manager answers INTERROGATE with the last status reported.
        self.ReportServiceStatus(_current_state(self.ssh))

    def SvcOther(self, control):
        """Called for controls the class has no method for; prints it by default."""
        try:
            print("Unknown control status - %d" % control)
        except OSError:
            pass

    def ServiceCtrlHandler(self, control):
        """The control handler without event data: ServiceCtrlHandlerEx(control, 0, None)."""
        return self.ServiceCtrlHandlerEx(control, 0, None)

    def SvcOtherEx(self, control, event_type, data):
        """Called for other controls (user-defined 128-255 among them); SvcOther by default."""
        return self.SvcOther(control)

    def ServiceCtrlHandlerEx(self, control, event_type, data):
        """Dispatches a control to SvcStop, SvcPause, SvcContinue, SvcInterrogate,
        SvcShutdown or SvcOtherEx."""
        if control == win32service.SERVICE_CONTROL_STOP:
            return self.SvcStop()
        if control == win32service.SERVICE_CONTROL_PAUSE and hasattr(self, "SvcPause"):
            return self.SvcPause()
        if control == win32service.SERVICE_CONTROL_CONTINUE and hasattr(self, "SvcContinue"):
            return self.SvcContinue()
        if control == win32service.SERVICE_CONTROL_INTERROGATE:
            return self.SvcInterrogate()
        if control == win32service.SERVICE_CONTROL_SHUTDOWN and hasattr(self, "SvcShutdown"):
            return self.SvcShutdown()
        return self.SvcOtherEx(control, event_type, data)

    def SvcRun(self):
        """The service's main function: reports RUNNING, runs SvcDoRun, then STOP_PENDING
        (the host reports STOPPED when it returns)."""
        # The host reports SERVICE_STOPPED once this returns.
        self.ReportServiceStatus(win32service.SERVICE_RUNNING)
        self.SvcDoRun()
        self.ReportServiceStatus(win32service.SERVICE_STOP_PENDING)


def _current_state(handle):
    reg = _service_host._handlers.get(handle)
    return reg.status[1] if reg is not None else win32service.SERVICE_RUNNING
