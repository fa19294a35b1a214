"""win32ui: the message-loop part of pywin32's MFC module.

There are no windows, dialogs, documents or device contexts here: what
programs without a GUI call (dde servers pumping messages, tools asking for
their paths) works; every GUI function raises pywintypes.error
(ERROR_NOT_SUPPORTED), see docs/win32ui.md.
"""
import os as _os
import sys as _sys
import syslog as _syslog

import win32gui as _win32gui

from pywin32_posix._errors import error

_ERROR_NOT_SUPPORTED = 50
_WM_PAINT = 15
_app_name = _os.path.splitext(_os.path.basename(_sys.argv[0] if _sys.argv and _sys.argv[0] else
                                                _sys.executable))[0]


def PumpWaitingMessages(firstMessage=_WM_PAINT, lastMessage=_WM_PAINT):
    """Dispatches the thread's waiting messages in [firstMessage, lastMessage]
    (only WM_PAINT by default, as pywin32); 1 if WM_QUIT came."""
    return _win32gui.PumpWaitingMessages(firstMessage, lastMessage)


def ComparePath(path1, path2):
    """Whether two paths name the same file (Windows spellings too): 1 or 0."""
    import win32api
    full1, full2 = win32api.GetFullPathName(path1), win32api.GetFullPathName(path2)
    return int(_os.path.normcase(_os.path.normpath(full1)) == _os.path.normcase(_os.path.normpath(full2)))


def FullPath(path):
    """The absolute form of a path, in its own spelling."""
    import win32api
    return win32api.GetFullPathName(path)


def GetCommandLine():
    """The process's command line, as win32api.GetCommandLine."""
    import win32api
    return win32api.GetCommandLine()


def GetName():
    """The program's file name (the interpreter, as for pythonwin.exe)."""
    return _sys.executable


def GetAppName():
    """The application's name (the script's, without extension, unless set)."""
    return _app_name


def SetAppName(appName):
    """Sets the application's name; TypeError for a non-str."""
    global _app_name
    if not isinstance(appName, str):
        raise TypeError("appName must be a str")
    _app_name = appName


def IsWin32s():
    """False: Win32s (Windows 3.1's) is never what runs."""
    return False  # Win32s was Windows 3.1's


def IsDebug():
    """0: this is not a debug build."""
    return 0  # this is not a debug build of the module


def OutputDebugString(msg):
    """A debugger's output: the system log at debug level here."""
    if not isinstance(msg, str):
        raise TypeError("msg must be a str")
    _syslog.syslog(_syslog.LOG_DEBUG, msg.rstrip("\n"))


OutputDebug = OutputDebugString


def _gui_only(name):
    def refuse(*args, **kwargs):
        raise error(_ERROR_NOT_SUPPORTED, name, "The request is not supported.")
    refuse.__name__ = name
    refuse.__doc__ = ("Part of Windows' GUI (MFC windows, dialogs, documents, drawing). Raises\n"
                      "pywintypes.error(ERROR_NOT_SUPPORTED) whatever the arguments.\n\n"
                      "On POSIX: not supported (there is no Windows GUI; only the message loop runs).")
    return refuse


for _name in (
        "AddToRecentFileList CreateBitmap CreateBitmapFromHandle CreateBrush CreateButton CreateColorDialog "
        "CreateControl CreateControlBar CreateCtrlView CreateDC CreateDCFromHandle CreateDebuggerThread "
        "CreateDialog CreateDialogBar CreateDialogIndirect CreateDocTemplate CreateEdit CreateEditView "
        "CreateFileDialog CreateFont CreateFontDialog CreateFormView CreateFrame CreateImageList "
        "CreateListCtrl CreateListView CreateMDIChild CreateMDIFrame CreateMenu CreatePalette CreatePen "
        "CreatePopupMenu CreatePrintDialog CreateProgressCtrl CreatePropertyPage CreatePropertyPageIndirect "
        "CreatePropertySheet CreateRectRgn CreateRgn CreateRichEditCtrl CreateRichEditDocTemplate "
        "CreateRichEditView CreateSliderCtrl CreateSplitter CreateStatusBar CreateStatusBarCtrl CreateThread "
        "CreateToolBar CreateToolBarCtrl CreateToolTipCtrl CreateTreeCtrl CreateTreeView CreateView "
        "CreateWindowFromHandle CreateWnd DestroyDebuggerThread DisplayTraceback DoWaitCursor "
        "Enable3dControls EnableControlContainer FindWindow FindWindowEx GetActiveWindow GetApp "
        "GetAppRegistryKey GetBytes GetDeviceCaps GetFileTitle GetFocus GetForegroundWindow GetHalftoneBrush "
        "GetInitialStateRequest GetMainFrame GetProfileFileName GetProfileVal GetRecentFileList GetResource "
        "GetThread GetType InitRichEdit InstallCallbackCaller IsObject LoadDialogResource LoadLibrary "
        "LoadMenu LoadStdProfileSettings LoadString MessageBox PrintTraceback RegisterWndClass "
        "RemoveRecentFile SetAppHelpPath SetCurrentInstanceHandle SetCurrentResourceHandle SetDialogBkColor "
        "SetProfileFileName SetRegistryKey SetResource SetStatusText StartDebuggerPump StopDebuggerPump "
        "TranslateMessage TranslateVirtualKey WinHelp WriteProfileVal").split():
    globals()[_name] = _gui_only(_name)
del _name
