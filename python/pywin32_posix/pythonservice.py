"""The host program of Python services (pythonservice.exe on Windows).

win32serviceutil.InstallService registers `python -m pywin32_posix.pythonservice`
as the service's program; the service manager starts it with the service's
name in the environment, and it runs the class named by the service's
PythonClass value until the service stops.

`python -m pywin32_posix.pythonservice -debug NAME [args]` runs an installed
service in the console, as `pythonservice.exe -debug NAME` does.
"""
import sys


def main(argv):
    import servicemanager
    if len(argv) >= 2 and argv[0] == "-debug":
        from pywin32_posix import _python_class
        import win32serviceutil
        klass = _python_class.load_for_service(argv[1])
        win32serviceutil.DebugService(klass, argv[1:])
        return 0
    servicemanager.Initialize()
    try:
        servicemanager.StartServiceCtrlDispatcher()
    except servicemanager.error as exc:
        sys.stderr.write("pythonservice: %s\n" % (exc,))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
