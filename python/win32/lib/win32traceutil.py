"""win32traceutil: the two ends of win32trace, as pywin32's.

`import win32traceutil` sends this process's sys.stdout and sys.stderr to
the trace buffer (it works without a terminal: from a service, a daemon or a
GUI program). `python -m win32traceutil` is the collector: it prints what
every process of the session writes, until Ctrl+C. Either end may start
first.
"""
import win32trace


def RunAsCollector():
    """Prints everything written to the session's trace buffer (by any process,
    through win32trace or a redirected print) until Ctrl+C: what
    `python -m win32traceutil` runs.
    """
    import sys

    try:
        import win32api

        win32api.SetConsoleTitle("Python Trace Collector")
    except Exception:
        pass  # no console here, or no such function: the title is cosmetic
    win32trace.InitRead()
    print("Collecting Python Trace Output...", flush=True)
    try:
        while True:
            # A bounded wait: each return is a chance to notice Ctrl+C.
            text = win32trace.blockingread(500)
            if text:
                sys.stdout.write(text)
                sys.stdout.flush()
    except KeyboardInterrupt:
        print("Ctrl+C")


def SetupForPrint():
    """Sends this process's sys.stdout and sys.stderr to the trace buffer, where
    RunAsCollector in another process reads them; importing the module does it.
    """
    win32trace.InitWrite()
    try:  # sys.stdout may be None or closed (services, pythonw)
        print("Redirecting output to win32trace remote collector")
    except Exception:
        pass
    win32trace.setprint()


if __name__ == "__main__":
    RunAsCollector()
else:
    SetupForPrint()
