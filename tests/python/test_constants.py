"""The pure-constant modules: winerror, win32con, ntsecuritycon.

Values asserted here are documented Windows facts (winerror.h, winnt.h,
winuser.h, [MS-ERREF]) in pywin32's representation: 32-bit values with the
high bit set are negative Python ints.
"""

import ast
import importlib.util
import site
import subprocess
import sys
from pathlib import Path

import pytest

import ntsecuritycon
import win32con
import winerror

REPO = Path(__file__).resolve().parents[2]
HEADERS = Path("/usr/share/mingw-w64/include")


def _stub_dir():
    """win32-stubs/lib of the types-pywin32 package, or None."""
    candidates = []
    try:
        spec = importlib.util.find_spec("win32-stubs")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        candidates += [Path(p) / "lib" for p in spec.submodule_search_locations]
    roots = list(sys.path) + list(getattr(site, "getsitepackages", lambda: [])())
    roots.append(site.getusersitepackages())
    candidates += [Path(r) / "win32-stubs" / "lib" for r in roots if r]
    for c in candidates:
        if (c / "winerror.pyi").is_file():
            return c
    return None


def _stub_names(path):
    """Every constant and function name a stub declares."""
    names = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.FunctionDef):
            names.append(node.name)
    return names


# --------------------------------------------------------------------- winerror

@pytest.mark.parametrize(
    "name, value",
    [
        ("ERROR_SUCCESS", 0),
        ("NO_ERROR", 0),
        ("ERROR_INVALID_FUNCTION", 1),
        ("ERROR_FILE_NOT_FOUND", 2),
        ("ERROR_PATH_NOT_FOUND", 3),
        ("ERROR_ACCESS_DENIED", 5),
        ("ERROR_INVALID_HANDLE", 6),
        ("ERROR_NOT_ENOUGH_MEMORY", 8),
        ("ERROR_SHARING_VIOLATION", 32),
        ("ERROR_HANDLE_EOF", 38),
        ("ERROR_NOT_SUPPORTED", 50),
        ("ERROR_INVALID_PARAMETER", 87),
        ("ERROR_BROKEN_PIPE", 109),
        ("ERROR_INSUFFICIENT_BUFFER", 122),
        ("ERROR_ALREADY_EXISTS", 183),
        ("ERROR_MORE_DATA", 234),
        ("WAIT_TIMEOUT", 258),
        ("ERROR_NO_MORE_ITEMS", 259),
        ("ERROR_OPERATION_ABORTED", 995),
        ("ERROR_IO_PENDING", 997),
        ("S_OK", 0),
        ("S_FALSE", 1),
        ("E_FAIL", -2147467259),  # 0x80004005
        ("E_NOTIMPL", -2147467263),  # 0x80004001
        ("E_NOINTERFACE", -2147467262),  # 0x80004002
        ("E_POINTER", -2147467261),  # 0x80004003
        ("E_UNEXPECTED", -2147418113),  # 0x8000FFFF
        ("E_ACCESSDENIED", -2147024891),  # 0x80070005
        ("E_INVALIDARG", -2147024809),  # 0x80070057
        ("E_OUTOFMEMORY", -2147024882),  # 0x8007000E
        ("DISP_E_EXCEPTION", -2147352567),  # 0x80020009
        ("FACILITY_NULL", 0),
        ("FACILITY_ITF", 4),
        ("FACILITY_WIN32", 7),
        ("SEVERITY_SUCCESS", 0),
        ("SEVERITY_ERROR", 1),
    ],
)
def test_winerror_values(name, value):
    assert getattr(winerror, name) == value


def test_hresults_are_negative_ints():
    assert winerror.E_FAIL < 0
    assert winerror.E_FAIL & 0xFFFFFFFF == 0x80004005
    assert isinstance(winerror.E_FAIL, int)


def test_succeeded_failed():
    assert winerror.SUCCEEDED(winerror.S_OK)
    assert winerror.SUCCEEDED(winerror.S_FALSE)
    assert not winerror.FAILED(winerror.S_OK)
    assert winerror.FAILED(winerror.E_FAIL)
    assert not winerror.SUCCEEDED(winerror.E_FAIL)
    # Unsigned spellings of the same HRESULT behave the same way.
    assert winerror.FAILED(0x80004005)
    assert not winerror.SUCCEEDED(0x80070005)
    assert winerror.SUCCEEDED(0x7FFFFFFF)


def test_hresult_fields():
    hr = winerror.E_ACCESSDENIED
    assert winerror.HRESULT_CODE(hr) == winerror.ERROR_ACCESS_DENIED
    assert winerror.HRESULT_FACILITY(hr) == winerror.FACILITY_WIN32
    assert winerror.HRESULT_SEVERITY(hr) == winerror.SEVERITY_ERROR
    assert winerror.HRESULT_SEVERITY(0x80070005) == 1
    assert winerror.HRESULT_SEVERITY(winerror.S_FALSE) == 0
    assert winerror.SCODE_CODE(winerror.E_FAIL) == 0x4005
    assert winerror.SCODE_FACILITY(winerror.E_FAIL) == winerror.FACILITY_NULL
    assert winerror.SCODE_SEVERITY(winerror.E_FAIL) == 1


def test_hresult_from_win32():
    assert winerror.HRESULT_FROM_WIN32(winerror.ERROR_ACCESS_DENIED) == winerror.E_ACCESSDENIED
    assert winerror.HRESULT_FROM_WIN32(winerror.ERROR_INVALID_PARAMETER) == winerror.E_INVALIDARG
    assert winerror.HRESULT_FROM_WIN32(0) == winerror.S_OK
    # Values that already are HRESULTs pass through.
    assert winerror.HRESULT_FROM_WIN32(winerror.E_FAIL) == winerror.E_FAIL
    assert winerror.GetScode(0x80004005) == winerror.E_FAIL
    assert winerror.ResultFromScode(winerror.E_FAIL) == winerror.E_FAIL


def test_hresult_from_nt():
    # STATUS_ACCESS_DENIED (0xC0000022) with FACILITY_NT_BIT set.
    assert winerror.HRESULT_FROM_NT(0xC0000022) & 0xFFFFFFFF == 0xD0000022
    assert winerror.FAILED(winerror.HRESULT_FROM_NT(0xC0000022))


# --------------------------------------------------------------------- win32con

@pytest.mark.parametrize(
    "name, value",
    [
        ("GENERIC_READ", -2147483648),  # 0x80000000, as pywin32 spells it
        ("GENERIC_WRITE", 0x40000000),
        ("GENERIC_EXECUTE", 0x20000000),
        ("GENERIC_ALL", 0x10000000),
        ("DELETE", 0x00010000),
        ("SYNCHRONIZE", 0x00100000),
        ("MAXIMUM_ALLOWED", 0x02000000),
        ("HKEY_CLASSES_ROOT", -2147483648),
        ("HKEY_CURRENT_USER", -2147483647),
        ("HKEY_LOCAL_MACHINE", -2147483646),
        ("HKEY_USERS", -2147483645),
        ("FILE_SHARE_READ", 1),
        ("FILE_SHARE_WRITE", 2),
        ("CREATE_ALWAYS", 2),
        ("OPEN_EXISTING", 3),
        ("FILE_ATTRIBUTE_DIRECTORY", 0x10),
        ("FILE_ATTRIBUTE_NORMAL", 0x80),
        ("KEY_READ", 0x20019),
        ("KEY_ALL_ACCESS", 0xF003F),
        ("REG_SZ", 1),
        ("REG_DWORD", 4),
        ("PROCESS_ALL_ACCESS", 0x1FFFFF),
        ("WAIT_OBJECT_0", 0),
        ("WAIT_ABANDONED", 0x80),
        ("WM_USER", 0x400),
        ("MB_OK", 0),
        ("LANG_ENGLISH", 9),
        ("SUBLANG_ENGLISH_US", 1),
        ("WS_OVERLAPPEDWINDOW", 0x00CF0000),
    ],
)
def test_win32con_values(name, value):
    assert getattr(win32con, name) == value


def test_win32con_infinite():
    # INFINITE is 0xFFFFFFFF; accept either Python spelling of that DWORD.
    assert win32con.INFINITE & 0xFFFFFFFF == 0xFFFFFFFF


def test_win32con_functions():
    lcid_en_us = 0x0409
    assert win32con.PRIMARYLANGID(lcid_en_us) == win32con.LANG_ENGLISH
    assert win32con.SUBLANGID(lcid_en_us) == win32con.SUBLANG_ENGLISH_US
    rgb = 0x00332211  # COLORREF is 0x00BBGGRR
    assert win32con.GetRValue(rgb) == 0x11
    assert win32con.GetGValue(rgb) == 0x22
    assert win32con.GetBValue(rgb) == 0x33
    assert win32con.PALETTEINDEX(5) == 0x01000005
    assert win32con.IMAGE_ORDINAL(0x80000012) == 0x12
    assert win32con.IMAGE_SNAP_BY_ORDINAL(0x80000012)
    assert not win32con.IMAGE_SNAP_BY_ORDINAL(0x1234)


# ---------------------------------------------------------------- ntsecuritycon

@pytest.mark.parametrize(
    "name, value",
    [
        ("SECURITY_NULL_SID_AUTHORITY", (0, 0, 0, 0, 0, 0)),
        ("SECURITY_WORLD_SID_AUTHORITY", (0, 0, 0, 0, 0, 1)),
        ("SECURITY_NT_AUTHORITY", (0, 0, 0, 0, 0, 5)),
        ("SECURITY_WORLD_RID", 0),
        ("SECURITY_LOCAL_SYSTEM_RID", 18),
        ("SECURITY_BUILTIN_DOMAIN_RID", 32),
        ("DOMAIN_ALIAS_RID_ADMINS", 544),
        ("SE_DEBUG_NAME", "SeDebugPrivilege"),
        ("SE_BACKUP_NAME", "SeBackupPrivilege"),
        ("SYSTEM_LUID", (999, 0)),
        ("TOKEN_QUERY", 8),
        ("TOKEN_ADJUST_PRIVILEGES", 0x20),
        ("SE_PRIVILEGE_ENABLED", 2),
        ("GENERIC_READ", -2147483648),
        ("SecurityImpersonation", 2),
    ],
)
def test_ntsecuritycon_values(name, value):
    assert getattr(ntsecuritycon, name) == value


def test_modules_agree_on_shared_names():
    for name in ("GENERIC_READ", "GENERIC_WRITE", "DELETE", "TOKEN_ALL_ACCESS", "TOKEN_READ"):
        assert getattr(win32con, name) == getattr(ntsecuritycon, name), name


# ------------------------------------------------------------ stub completeness

@pytest.mark.parametrize("module", [winerror, win32con, ntsecuritycon],
                         ids=["winerror", "win32con", "ntsecuritycon"])
def test_every_stub_name_exists(module):
    stubs = _stub_dir()
    if stubs is None:
        pytest.skip("types-pywin32 is not installed")
    names = _stub_names(stubs / f"{module.__name__}.pyi")
    assert names
    missing = [n for n in names if not hasattr(module, n)]
    assert missing == []


# -------------------------------------------------------------- generator check

def test_generated_modules_are_up_to_date():
    tool = REPO / "tools" / "gen_constants.py"
    if not tool.is_file():
        pytest.skip("not running from a source checkout")
    if not (HEADERS / "winerror.h").is_file():
        pytest.skip("mingw-w64 headers are not installed")
    if _stub_dir() is None:
        pytest.skip("types-pywin32 is not installed")
    proc = subprocess.run([sys.executable, str(tool), "--check"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
