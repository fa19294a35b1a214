"""The service process's side of servicemanager: the control dispatcher.

On Windows, StartServiceCtrlDispatcher keeps the process's main thread to
receive control requests and runs each service's main function on a thread
of its own; the control handler a service registered is called on the main
thread. The same happens here, over the channel to the session's service
manager (pywin32_posix._w32.servicemanager._HostChannel).
"""
import os
import sys
import threading
import traceback

from pywin32_posix import _systemd_channel

from pywin32_posix._errors import error
from pywin32_posix._w32 import servicemanager as _raw

_NO_ERROR = 0
_ERROR_CALL_NOT_IMPLEMENTED = 120
_ERROR_INVALID_HANDLE = 6
_ERROR_SERVICE_SPECIFIC_ERROR = 1066
_ERROR_SERVICE_NOT_IN_EXE = 1083
_ERROR_FAILED_SERVICE_CONTROLLER_CONNECT = 1063
_ERROR_SERVICE_ALREADY_RUNNING = 1056
_SERVICE_STOPPED = 1
_SERVICE_WIN32_OWN_PROCESS = 0x10

_lock = threading.Lock()
_hosted = {}          # folded service name -> class (PrepareToHostSingle/Multiple)
_single_class = None  # PrepareToHostSingle's class
_channel = None       # while StartServiceCtrlDispatcher runs
_handlers = {}        # status handle -> _Registration
_next_handle = 0x5E0000
_debugging = False


class _Registration:
    def __init__(self, name, callback, extra_args, channel):
        self.name = name
        self.callback = callback
        self.extra_args = extra_args
        self.channel = channel            # None in debug mode
        self.status = (_SERVICE_WIN32_OWN_PROCESS, 2, 0, 0, 0, 0, 0)


def _error(code, function):
    from pywin32_posix import _w32
    return error(code, function, _w32.win32api.FormatMessage(code).rstrip("\r\n"))


def set_debugging(value):
    global _debugging
    previous = _debugging
    if value != -1:
        _debugging = bool(value)
    return previous


def debugging():
    return _debugging


def hosted_service_name():
    return _raw._HostedServiceName()


def prepare_single(klass):
    global _single_class
    _single_class = klass


def prepare_multiple(service_name, klass):
    _hosted[service_name.lower()] = klass


def register_handler(service_name, callback, extra_args):
    """RegisterServiceCtrlHandler: the status handle of the service."""
    global _next_handle
    if not callable(callback):
        raise TypeError("the control handler must be callable")
    with _lock:
        channel = _channel
        if channel is None and not _debugging:
            raise _error(_ERROR_SERVICE_NOT_IN_EXE, "RegisterServiceCtrlHandler")
        if channel is not None and service_name.lower() != channel.service_name.lower():
            raise _error(_ERROR_SERVICE_NOT_IN_EXE, "RegisterServiceCtrlHandler")
        _next_handle += 4
        handle = _next_handle
        _handlers[handle] = _Registration(service_name, callback, bool(extra_args), channel)
    return handle


def set_status(handle, status):
    """SetServiceStatus on a handle from register_handler."""
    reg = _handlers.get(int(handle)) if isinstance(handle, int) else None
    if reg is None:
        raise _error(_ERROR_INVALID_HANDLE, "SetServiceStatus")
    status = tuple(status)
    if len(status) != 7 or not all(isinstance(v, int) for v in status):
        raise TypeError("SERVICE_STATUS must be a tuple of 7 ints")
    reg.status = status
    if reg.channel is not None:
        reg.channel.set_status(status)


def _class_for(channel):
    name = channel.service_name
    klass = _hosted.get(name.lower()) or _single_class
    if klass is not None:
        return klass
    from pywin32_posix import _python_class
    # A unit written by pywin32_posix.systemd_units names it.
    if os.environ.get("PYWIN32_POSIX_PYTHON_CLASS"):
        return _python_class.load_class(os.environ["PYWIN32_POSIX_PYTHON_CLASS"])
    # Installed by win32serviceutil: the class is named in the service's
    # PythonClass value (as pythonservice.exe reads it from the registry).
    return _python_class.load_for_service(name)


def _log_failure(name, what):
    text = "%s: %s\n%s" % (name, what, traceback.format_exc())
    sys.stderr.write(text)
    sys.stderr.flush()
    try:
        import servicemanager
        servicemanager.LogErrorMsg(text)
    except Exception:  # the event log is a courtesy here; stderr has it
        pass


def _service_main(channel, klass):
    name = channel.service_name
    exit_code = _NO_ERROR
    try:
        instance = klass(list(channel.start_args))
        instance.SvcRun()
    except SystemExit:
        pass
    except BaseException:
        _log_failure(name, "the service failed")
        exit_code = _ERROR_SERVICE_SPECIFIC_ERROR
    finally:
        # A service whose main function returns has stopped (pywin32's
        # host reports it when the class did not).
        if channel.status()[1] != _SERVICE_STOPPED:
            channel.set_status((_SERVICE_WIN32_OWN_PROCESS, _SERVICE_STOPPED, 0, exit_code,
                                1 if exit_code else 0, 0, 0))


def _call_handler(reg, control, event_type):
    try:
        if reg.extra_args:
            result = reg.callback(control, event_type, None)
        else:
            result = reg.callback(control)
    except Exception:
        _log_failure(reg.name, "the control handler failed")
        return _NO_ERROR
    if reg.extra_args and isinstance(result, int):
        return result & 0xFFFFFFFF
    return _NO_ERROR


def dispatch():
    """StartServiceCtrlDispatcher: runs the service until it stops."""
    global _channel
    with _lock:
        if _channel is not None:
            raise _error(_ERROR_SERVICE_ALREADY_RUNNING, "StartServiceCtrlDispatcher")
    if _systemd_channel.under_systemd():
        channel = _systemd_channel.SystemdChannel()
    else:
        channel = _raw._HostChannel.connect()
    with _lock:
        _channel = channel
    try:
        try:
            klass = _class_for(channel)
        except Exception:
            _log_failure(channel.service_name, "the service class could not be loaded")
            channel.set_status((_SERVICE_WIN32_OWN_PROCESS, _SERVICE_STOPPED, 0,
                                _ERROR_SERVICE_SPECIFIC_ERROR, 2, 0, 0))
            return
        main = threading.Thread(target=_service_main, args=(channel, klass),
                                name="ServiceMain " + channel.service_name, daemon=True)
        main.start()
        while True:
            # Short waits: Ctrl+C and other signals are seen between them.
            reply = channel.wait(250)
            if reply[0] == 2:
                break
            if reply[0] == 1:
                continue
            _, sequence, control, event_type = reply
            reg = next((r for r in list(_handlers.values()) if r.channel is channel), None)
            result = _ERROR_CALL_NOT_IMPLEMENTED if reg is None else _call_handler(reg, control, event_type)
            channel.control_done(sequence, result)
        main.join(5)
    finally:
        with _lock:
            _channel = None
            for handle in [h for h, r in _handlers.items() if r.channel is channel]:
                del _handlers[handle]


def running_as_service():
    return _channel is not None


def debug_stop_handlers():
    """The handlers registered in debug mode (win32serviceutil.DebugService)."""
    return [r for r in _handlers.values() if r.channel is None]
