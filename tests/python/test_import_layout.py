"""pywin32's import surface: module spellings, shared classes, the off switch."""
import os
import textwrap

import pytest

import pywintypes
import win32api

NEVER_OPEN = 4 * 1_000_000


def test_both_spellings_of_win32api_share_functions_and_error():
    from win32 import win32api as pkg_win32api

    assert pkg_win32api.CloseHandle is win32api.CloseHandle
    assert pkg_win32api.FormatMessage is win32api.FormatMessage
    with pytest.raises(pywintypes.error) as excinfo:
        pkg_win32api.CloseHandle(NEVER_OPEN)
    assert type(excinfo.value) is pywintypes.error


def test_win32_lib_pywintypes_is_the_same_api():
    import win32.lib.pywintypes as lib_pywintypes

    assert lib_pywintypes.error is pywintypes.error
    assert lib_pywintypes.com_error is pywintypes.com_error
    assert lib_pywintypes.HANDLEType is pywintypes.HANDLEType
    assert lib_pywintypes.OVERLAPPEDType is pywintypes.OVERLAPPEDType
    h = lib_pywintypes.HANDLE(NEVER_OPEN)
    assert isinstance(h, pywintypes.HANDLEType)
    assert h.Detach() == NEVER_OPEN


def test_error_raised_by_extension_is_pywintypes_error():
    try:
        win32api.CloseHandle(NEVER_OPEN)
    except Exception as e:  # noqa: BLE001 - we want to look at what came out
        caught = e
    else:
        pytest.fail("CloseHandle of a handle that is not open did not raise")
    assert type(caught) is pywintypes.error
    assert isinstance(caught, pywintypes.error)
    assert caught.winerror == 6


def test_fresh_interpreter_imports_both_spellings(run_py):
    code = textwrap.dedent(
        """
        import win32api
        from win32 import win32api as w2
        import win32.lib.pywintypes as p2
        import pywintypes
        assert w2.CloseHandle is win32api.CloseHandle
        assert p2.error is pywintypes.error
        try:
            w2.CloseHandle(4000000)
        except pywintypes.error as e:
            print("caught", e.winerror, e.funcname)
        """
    )
    r = run_py(code)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "caught 6 CloseHandle"


def test_subprocess_inherits_the_session_root(run_py, session_root):
    assert os.environ["PYWIN32_POSIX_ROOT"] == session_root
    assert os.path.isdir(session_root)
    r = run_py("import os; print(os.environ['PYWIN32_POSIX_ROOT'])")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == session_root


IMPORT_AND_REPORT = textwrap.dedent(
    """
    import sys
    try:
        exec("import " + sys.argv[1])
    except ImportError as e:
        print("ImportError:", e)
    else:
        print("imported")
    """
)

DISABLED_MODULES = [
    "win32api",
    "pywintypes",
    "win32.win32api",
    "win32.lib.pywintypes",
    "pywin32_posix",
    "winerror",
    "win32con",
    "ntsecuritycon",
    "win32.lib.win32con",
    "win32event",
]


@pytest.mark.parametrize("module", DISABLED_MODULES)
def test_disable_switch_makes_imports_fail(run_py, module):
    r = run_py(IMPORT_AND_REPORT, module, env={"PYWIN32_POSIX_DISABLE": "1"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ImportError:"), r.stdout
    assert "PYWIN32_POSIX_DISABLE" in r.stdout


@pytest.mark.parametrize("module", ["win32api", "pywintypes"])
@pytest.mark.parametrize("value", ["0", ""])
def test_disable_switch_off_values_import(run_py, module, value):
    r = run_py(IMPORT_AND_REPORT, module, env={"PYWIN32_POSIX_DISABLE": value})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "imported"


def test_disabled_import_lets_libraries_take_their_fallback(run_py):
    # The pattern Windows-detecting libraries use must pick the POSIX path.
    code = textwrap.dedent(
        """
        try:
            import win32api
            print("windows path")
        except ImportError:
            print("posix path")
        """
    )
    r = run_py(code, env={"PYWIN32_POSIX_DISABLE": "1"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "posix path"
    r = run_py(code, env={"PYWIN32_POSIX_DISABLE": None})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "windows path"
