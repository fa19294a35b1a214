"""The exception classes every module raises: pywintypes.error and com_error.

They live here, not in the extension, so that the one C++ translation point
(src/bindings/errors.cpp) and the pure-Python modules raise the same class.
"""


class error(Exception):
    """A failed Win32 call: args are (winerror, funcname, strerror)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.winerror = args[0] if len(args) > 0 else None
        self.funcname = args[1] if len(args) > 1 else None
        self.strerror = args[2] if len(args) > 2 else None


class com_error(Exception):
    """A failed COM call: args are (hresult, strerror, excepinfo, argerror)."""

    def __init__(self, *args):
        super().__init__(*args)
        self.hresult = args[0] if len(args) > 0 else None
        self.strerror = args[1] if len(args) > 1 else None
        self.excepinfo = args[2] if len(args) > 2 else None
        self.argerror = args[3] if len(args) > 3 else None


# pywin32 shows these as pywintypes.error / pywintypes.com_error.
error.__module__ = "pywintypes"
com_error.__module__ = "pywintypes"
