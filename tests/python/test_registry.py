"""win32api's registry: keys, values and their conversions, enumeration,
deletion, predefined keys, save/restore/load, and bad input."""
import os
import uuid

import pytest

import pywintypes
import win32api
import win32con
from w32util import assert_winerror

HKCU = win32con.HKEY_CURRENT_USER
HKLM = win32con.HKEY_LOCAL_MACHINE
HKCR = win32con.HKEY_CLASSES_ROOT
HKU = win32con.HKEY_USERS
HKCC = win32con.HKEY_CURRENT_CONFIG

ERROR_FILE_NOT_FOUND = 2
ERROR_ACCESS_DENIED = 5
ERROR_INVALID_HANDLE = 6
ERROR_NOT_SUPPORTED = 50
ERROR_INVALID_PARAMETER = 87
ERROR_BAD_PATHNAME = 161
ERROR_ALREADY_EXISTS = 183
ERROR_NO_MORE_ITEMS = 259
ERROR_KEY_DELETED = 1018
ERROR_REGISTRY_CORRUPT = 1015
ERROR_BAD_NETPATH = 53


@pytest.fixture
def key():
    """A fresh key under HKCU\\Software\\w32test, deleted afterwards."""
    path = "Software\\w32test\\" + uuid.uuid4().hex[:12]
    h = win32api.RegCreateKey(HKCU, path)
    yield h
    h.Close()
    win32api.RegDeleteTree(HKCU, path)


@pytest.mark.parametrize(
    "kind, value, back",
    [
        (win32con.REG_SZ, "hello wörld \U0001F600", "hello wörld \U0001F600"),
        (win32con.REG_SZ, None, ""),
        (win32con.REG_EXPAND_SZ, "%HOME%\\x", "%HOME%\\x"),
        (win32con.REG_MULTI_SZ, ["a", "bé", "c"], ["a", "bé", "c"]),
        (win32con.REG_MULTI_SZ, [], []),
        (win32con.REG_DWORD, 0x12345678, 0x12345678),
        (win32con.REG_DWORD, -1, 0xFFFFFFFF),
        (win32con.REG_DWORD, None, 0),
        (win32con.REG_DWORD_BIG_ENDIAN, 0x01020304, 0x01020304),
        (win32con.REG_QWORD, 2**64 - 1, 2**64 - 1),
        (win32con.REG_QWORD, -2, 2**64 - 2),
        (win32con.REG_BINARY, b"\x00\x01\xff", b"\x00\x01\xff"),
        (win32con.REG_BINARY, bytearray(b"ab"), b"ab"),
        (win32con.REG_BINARY, b"", None),
        (win32con.REG_NONE, b"raw", b"raw"),
        (win32con.REG_NONE, None, None),
    ],
)
def test_value_round_trip(key, kind, value, back):
    win32api.RegSetValueEx(key, "v", 0, kind, value)
    assert win32api.RegQueryValueEx(key, "v") == (back, kind)
    assert win32api.RegEnumValue(key, 0) == ("v", back, kind)


def test_names_are_case_insensitive_and_keep_their_case(key):
    win32api.RegSetValueEx(key, "MixedCase", 0, win32con.REG_SZ, "1")
    assert win32api.RegQueryValueEx(key, "mixedcase") == ("1", win32con.REG_SZ)
    win32api.RegSetValueEx(key, "MIXEDCASE", 0, win32con.REG_DWORD, 2)
    assert win32api.RegEnumValue(key, 0) == ("MixedCase", 2, win32con.REG_DWORD)
    sub = win32api.RegCreateKey(key, "Ünïcode Sub")
    sub.Close()
    assert win32api.RegEnumKey(key, 0) == "Ünïcode Sub"
    win32api.RegOpenKey(key, "üNÏCODE sub").Close()


def test_values_enumerate_in_creation_order_and_keys_by_name(key):
    for name in ["z", "a", "m"]:
        win32api.RegSetValueEx(key, name, 0, win32con.REG_DWORD, 1)
        win32api.RegCreateKey(key, name.upper()).Close()
    assert [win32api.RegEnumValue(key, i)[0] for i in range(3)] == ["z", "a", "m"]
    assert [win32api.RegEnumKey(key, i) for i in range(3)] == ["A", "M", "Z"]
    with pytest.raises(pywintypes.error) as e:
        win32api.RegEnumKey(key, 3)
    assert_winerror(e, ERROR_NO_MORE_ITEMS, "RegEnumKey")
    with pytest.raises(pywintypes.error) as e:
        win32api.RegEnumValue(key, 3)
    assert_winerror(e, ERROR_NO_MORE_ITEMS, "RegEnumValue")
    names = [t[0] for t in win32api.RegEnumKeyEx(key)]
    assert names == ["A", "M", "Z"]
    assert isinstance(win32api.RegEnumKeyEx(key)[0][3], pywintypes.TimeType)


def test_default_value_and_reg_set_value(key):
    assert win32api.RegQueryValue(key, None) == ""
    win32api.RegSetValue(key, "child\\grand", win32con.REG_SZ, "deep")
    assert win32api.RegQueryValue(key, "CHILD\\grand") == "deep"
    win32api.RegSetValue(key, None, win32con.REG_SZ, "mine")
    assert win32api.RegQueryValueEx(key, None) == ("mine", win32con.REG_SZ)
    assert win32api.RegQueryValueEx(key, "") == ("mine", win32con.REG_SZ)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegSetValue(key, None, win32con.REG_DWORD, "x")
    assert_winerror(e, ERROR_INVALID_PARAMETER, "RegSetValue")


def test_create_key_ex_disposition_and_class(key):
    h, disp = win32api.RegCreateKeyEx(key, "new", win32con.KEY_ALL_ACCESS, "MyClass")
    assert disp == 1  # REG_CREATED_NEW_KEY
    h.Close()
    h, disp = win32api.RegCreateKeyEx(key, "NEW", win32con.KEY_ALL_ACCESS)
    assert disp == 2  # REG_OPENED_EXISTING_KEY
    assert win32api.RegQueryInfoKeyW(h)["Class"] == "MyClass"
    h.Close()


def test_query_info(key):
    win32api.RegSetValueEx(key, "name", 0, win32con.REG_BINARY, b"12345")
    win32api.RegCreateKey(key, "abc").Close()
    subkeys, values, last_write = win32api.RegQueryInfoKey(key)
    assert (subkeys, values) == (1, 1)
    assert isinstance(last_write, int) and last_write > 116444736000000000
    info = win32api.RegQueryInfoKeyW(key)
    assert info["SubKeys"] == 1 and info["Values"] == 1
    assert info["MaxSubKeyLen"] == 3 and info["MaxValueNameLen"] == 4 and info["MaxValueLen"] == 5


def test_delete_value_and_keys(key):
    win32api.RegSetValueEx(key, "v", 0, win32con.REG_SZ, "x")
    win32api.RegDeleteValue(key, "V")
    with pytest.raises(pywintypes.error) as e:
        win32api.RegDeleteValue(key, "v")
    assert_winerror(e, ERROR_FILE_NOT_FOUND, "RegDeleteValue")
    win32api.RegCreateKey(key, "a\\b").Close()
    with pytest.raises(pywintypes.error) as e:
        win32api.RegDeleteKey(key, "a")
    assert_winerror(e, ERROR_ACCESS_DENIED, "RegDeleteKey")
    win32api.RegDeleteKey(key, "a\\b")
    win32api.RegDeleteKey(key, "a")
    with pytest.raises(pywintypes.error) as e:
        win32api.RegOpenKey(key, "a")
    assert_winerror(e, ERROR_FILE_NOT_FOUND, "RegOpenKey")


def test_delete_tree_with_and_without_subkey(key):
    win32api.RegSetValue(key, "t\\u\\v", win32con.REG_SZ, "x")
    win32api.RegSetValueEx(key, "keep?", 0, win32con.REG_SZ, "no")
    win32api.RegDeleteTree(key, "t")
    assert win32api.RegQueryInfoKey(key)[0] == 0
    win32api.RegCreateKey(key, "again").Close()
    win32api.RegDeleteTree(key, None)
    assert win32api.RegQueryInfoKey(key)[:2] == (0, 0)


def test_open_handle_to_deleted_key_reports_key_deleted(key):
    sub = win32api.RegCreateKey(key, "gone")
    win32api.RegDeleteKey(key, "gone")
    with pytest.raises(pywintypes.error) as e:
        win32api.RegSetValueEx(sub, "v", 0, win32con.REG_SZ, "x")
    assert_winerror(e, ERROR_KEY_DELETED, "RegSetValueEx")
    with pytest.raises(pywintypes.error) as e:
        win32api.RegQueryValueEx(sub, "v")
    assert_winerror(e, ERROR_KEY_DELETED, "RegQueryValueEx")
    sub.Close()


def test_access_rights_are_enforced(key):
    ro = win32api.RegOpenKey(key, None, 0, win32con.KEY_READ)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegSetValueEx(ro, "v", 0, win32con.REG_SZ, "x")
    assert_winerror(e, ERROR_ACCESS_DENIED, "RegSetValueEx")
    ro.Close()
    wo = win32api.RegOpenKeyEx(key, None, 0, win32con.KEY_SET_VALUE)
    win32api.RegSetValueEx(wo, "v", 0, win32con.REG_SZ, "x")
    with pytest.raises(pywintypes.error) as e:
        win32api.RegQueryValueEx(wo, "v")
    assert_winerror(e, ERROR_ACCESS_DENIED, "RegQueryValueEx")
    wo.Close()
    # The stubs' order (sam third) is accepted too.
    h = win32api.RegOpenKeyEx(key, None, win32con.KEY_ALL_ACCESS)
    win32api.RegSetValueEx(h, "w", 0, win32con.REG_SZ, "y")
    h.Close()


def test_close_key_and_closed_handles(key):
    h = win32api.RegOpenKey(key, None)
    value = int(h)
    win32api.RegCloseKey(h)
    assert int(h) == 0
    with pytest.raises(pywintypes.error) as e:
        win32api.RegQueryValueEx(value, "x")
    assert_winerror(e, ERROR_INVALID_HANDLE)
    win32api.RegCloseKey(HKLM)  # predefined keys close as a no-op
    with pytest.raises(pywintypes.error) as e:
        win32api.RegOpenKey(0x7777770, "x")
    assert_winerror(e, ERROR_INVALID_HANDLE)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegCloseKey(0x7777770)
    assert_winerror(e, ERROR_INVALID_HANDLE)


def test_context_manager_closes(key):
    with win32api.RegOpenKey(key, None) as h:
        assert h
    assert not h


def test_bad_input(key):
    with pytest.raises(TypeError):
        win32api.RegSetValueEx(key, "v", 0, win32con.REG_SZ, 5)
    with pytest.raises(TypeError):
        win32api.RegSetValueEx(key, "v", 0, win32con.REG_MULTI_SZ, "not a list")
    with pytest.raises(TypeError):
        win32api.RegSetValueEx(key, "v", 0, win32con.REG_MULTI_SZ, ["a", 1])
    with pytest.raises(TypeError):
        win32api.RegSetValueEx(key, "v", 0, win32con.REG_DWORD, "5")
    with pytest.raises(ValueError):
        win32api.RegSetValueEx(key, "v", 0, win32con.REG_DWORD, 2**32)
    with pytest.raises(ValueError):
        win32api.RegSetValueEx(key, "v", 0, win32con.REG_QWORD, 2**64)
    with pytest.raises(TypeError):
        win32api.RegSetValueEx(key, "v", 0, win32con.REG_BINARY, "text")
    with pytest.raises(TypeError):
        win32api.RegSetValueEx(key, 5, 0, win32con.REG_SZ, "x")
    with pytest.raises(TypeError):
        win32api.RegOpenKey(key, 5)
    with pytest.raises(TypeError):
        win32api.RegOpenKey("HKLM", "x")
    with pytest.raises(pywintypes.error) as e:
        win32api.RegSetValueEx(key, "v", 0, win32con.REG_MULTI_SZ, ["a", ""])
    assert_winerror(e, ERROR_INVALID_PARAMETER)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegCreateKey(key, "a\\\\b")
    assert_winerror(e, ERROR_BAD_PATHNAME, "RegCreateKey")
    with pytest.raises(pywintypes.error) as e:
        win32api.RegCreateKey(key, "x" * 256)
    assert_winerror(e, ERROR_INVALID_PARAMETER, "RegCreateKey")
    win32api.RegCreateKey(key, "x" * 255).Close()
    with pytest.raises(pywintypes.error) as e:
        win32api.RegSetValueEx(key, "n" * 16384, 0, win32con.REG_SZ, "x")
    assert_winerror(e, ERROR_INVALID_PARAMETER)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegOpenKey(key, "\\leading")
    assert_winerror(e, ERROR_FILE_NOT_FOUND)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegEnumKey(key, -1)
    assert_winerror(e, ERROR_NO_MORE_ITEMS)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegNotifyChangeKeyValue(key, False, 0, None, True)
    assert_winerror(e, ERROR_INVALID_PARAMETER)
    # Nothing was half-written by the rejected calls.
    assert win32api.RegQueryInfoKey(key)[1] == 0


def test_large_binary_value(key):
    data = os.urandom(1 << 20)
    win32api.RegSetValueEx(key, "big", 0, win32con.REG_BINARY, data)
    assert win32api.RegQueryValueEx(key, "big") == (data, win32con.REG_BINARY)


def test_predefined_roots():
    assert win32api.RegEnumKey(HKU, 0) == ".DEFAULT"
    sid = "S-1-22-1-%d" % os.getuid()
    assert sid in [t[0] for t in win32api.RegEnumKeyEx(HKU)]
    path = "Software\\w32test-hku-" + uuid.uuid4().hex[:8]
    win32api.RegSetValue(HKCU, path, win32con.REG_SZ, "via hkcu")
    try:
        assert win32api.RegQueryValue(HKU, sid + "\\" + path) == "via hkcu"
        with win32api.RegOpenCurrentUser() as cu:
            assert win32api.RegQueryValue(cu, path) == "via hkcu"
        win32api.RegSetValue(HKCU, "Software\\Classes\\.w32tsid", win32con.REG_SZ, "classes")
        assert sid + "_Classes" in [t[0] for t in win32api.RegEnumKeyEx(HKU)]
        assert win32api.RegQueryValue(HKU, sid + "_Classes\\.w32tsid") == "classes"
        win32api.RegDeleteKey(HKCU, "Software\\Classes\\.w32tsid")
    finally:
        win32api.RegDeleteKey(HKCU, path)
    names = [t[0].upper() for t in win32api.RegEnumKeyEx(HKLM)]
    assert "SOFTWARE" in names and "SYSTEM" in names
    win32api.RegQueryInfoKey(HKCC)
    for unsupported in (win32con.HKEY_PERFORMANCE_DATA, win32con.HKEY_DYN_DATA):
        with pytest.raises(pywintypes.error) as e:
            win32api.RegOpenKey(unsupported, "x")
        assert_winerror(e, ERROR_NOT_SUPPORTED)


def test_classes_root_merges_user_over_machine():
    ext = ".w32t" + uuid.uuid4().hex[:6]
    win32api.RegSetValue(HKLM, "SOFTWARE\\Classes\\" + ext, win32con.REG_SZ, "machine")
    try:
        assert win32api.RegQueryValue(HKCR, ext) == "machine"
        win32api.RegSetValue(HKCU, "Software\\Classes\\" + ext, win32con.REG_SZ, "user")
        assert win32api.RegQueryValue(HKCR, ext) == "user"
        win32api.RegCreateKey(HKLM, "SOFTWARE\\Classes\\" + ext + "\\fromMachine").Close()
        win32api.RegCreateKey(HKCU, "Software\\Classes\\" + ext + "\\fromUser").Close()
        with win32api.RegOpenKey(HKCR, ext) as h:
            assert [t[0] for t in win32api.RegEnumKeyEx(h)] == ["fromMachine", "fromUser"]
        assert ext in [t[0] for t in win32api.RegEnumKeyEx(HKCR)]
    finally:
        win32api.RegDeleteTree(HKLM, "SOFTWARE\\Classes\\" + ext)
        win32api.RegDeleteTree(HKCU, "Software\\Classes\\" + ext)


def test_current_config_is_the_hardware_profile():
    path = "SYSTEM\\CurrentControlSet\\Hardware Profiles\\Current"
    win32api.RegSetValue(HKLM, path + "\\w32t", win32con.REG_SZ, "cfg")
    try:
        assert win32api.RegQueryValue(HKCC, "w32t") == "cfg"
    finally:
        win32api.RegDeleteKey(HKLM, path + "\\w32t")


def test_connect_registry():
    with win32api.RegConnectRegistry(None, HKLM) as h:
        assert "SOFTWARE" in [t[0].upper() for t in win32api.RegEnumKeyEx(h)]
    with pytest.raises(pywintypes.error) as e:
        win32api.RegConnectRegistry("\\\\no-such-host-w32t", HKLM)
    assert_winerror(e, ERROR_BAD_NETPATH)


def test_save_restore_load(key, tmp_path):
    win32api.RegSetValue(key, "s\\t", win32con.REG_SZ, "saved")
    win32api.RegSetValueEx(key, "top", 0, win32con.REG_DWORD, 7)
    f = str(tmp_path / "saved.hive")
    win32api.RegSaveKey(key, f)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegSaveKey(key, f)
    assert_winerror(e, ERROR_ALREADY_EXISTS)
    win32api.RegDeleteTree(key, None)
    win32api.RegSetValueEx(key, "stale", 0, win32con.REG_DWORD, 1)
    win32api.RegRestoreKey(key, f)
    assert win32api.RegQueryValue(key, "s\\t") == "saved"
    assert win32api.RegQueryValueEx(key, "top") == (7, win32con.REG_DWORD)
    with pytest.raises(pywintypes.error):
        win32api.RegQueryValueEx(key, "stale")
    name = "w32t-loaded-" + uuid.uuid4().hex[:6]
    win32api.RegLoadKey(HKU, name, f)
    try:
        assert win32api.RegQueryValue(HKU, name + "\\S\\T") == "saved"
        assert name in [t[0] for t in win32api.RegEnumKeyEx(HKU)]
        # Writes go to the loaded file.
        win32api.RegSetValue(HKU, name + "\\new", win32con.REG_SZ, "written")
    finally:
        win32api.RegUnLoadKey(HKU, name)
    with pytest.raises(pywintypes.error):
        win32api.RegOpenKey(HKU, name)
    win32api.RegRestoreKey(key, f)
    assert win32api.RegQueryValue(key, "new") == "written"
    with pytest.raises(pywintypes.error) as e:
        win32api.RegLoadKey(key, "x", f)
    assert_winerror(e, ERROR_INVALID_PARAMETER)


def test_restore_from_garbage_file(key, tmp_path):
    bad = tmp_path / "bad.hive"
    bad.write_bytes(b"definitely not a hive" * 100)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegRestoreKey(key, str(bad))
    assert_winerror(e, ERROR_REGISTRY_CORRUPT)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegRestoreKey(key, str(tmp_path / "missing.hive"))
    assert_winerror(e, ERROR_FILE_NOT_FOUND)


def test_copy_tree(key):
    win32api.RegSetValue(key, "src\\a\\b", win32con.REG_SZ, "deep")
    with win32api.RegCreateKey(key, "dst") as dst:
        win32api.RegCopyTree(key, "src", dst)
    assert win32api.RegQueryValue(key, "dst\\a\\b") == "deep"


def test_flush(key):
    win32api.RegSetValueEx(key, "v", 0, win32con.REG_SZ, "x")
    win32api.RegFlushKey(key)


def test_unsupported_functions_raise_not_supported(key):
    for call in (
        lambda: win32api.RegOverridePredefKey(HKCU, key),
        lambda: win32api.RegOpenKeyTransacted(key, "x", 0, 1),
        lambda: win32api.RegGetKeySecurity(key, 4),
        lambda: win32api.RegCreateKeyEx(key, "x", 0, None, 0, None, 5),
    ):
        with pytest.raises(pywintypes.error) as e:
            call()
        assert_winerror(e, ERROR_NOT_SUPPORTED)


def test_corrupt_user_hive_is_registry_corrupt_not_a_crash(tmp_path):
    import subprocess
    import sys
    root = tmp_path / "root"
    (root / "state" / "registry").mkdir(parents=True, mode=0o700)
    os.chmod(root, 0o700)
    os.chmod(root / "state", 0o700)
    (root / "state" / "registry" / "user.hive").write_bytes(b"\x00garbage" * 512)
    code = (
        "import win32api, win32con\n"
        "try:\n"
        "    win32api.RegOpenKey(win32con.HKEY_CURRENT_USER, 'Software')\n"
        "except win32api.error as e:\n"
        "    print(e.winerror, e.funcname)\n"
        "print(win32api.RegEnumKey(win32con.HKEY_LOCAL_MACHINE, 0))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, PYWIN32_POSIX_ROOT=str(root)), cwd=str(root))
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:2] == ["%d RegOpenKey" % ERROR_REGISTRY_CORRUPT, "SOFTWARE"]
    from pywin32_posix._session import remove_private_session
    remove_private_session(str(root))


def test_hive_files_may_be_windows_paths(key):
    c_root = win32api._native._posix_path("C:\\", "test")
    os.makedirs(os.path.join(c_root, "W32tHives"), exist_ok=True)
    name = "C:\\W32tHives\\h%s.hive" % uuid.uuid4().hex[:8]
    win32api.RegSetValueEx(key, "v", 0, win32con.REG_SZ, "windows path")
    win32api.RegSaveKey(key, name)
    assert os.path.isfile(os.path.join(c_root, "W32tHives", name.split("\\")[-1]))
    win32api.RegDeleteValue(key, "v")
    win32api.RegRestoreKey(key, name)
    assert win32api.RegQueryValueEx(key, "v") == ("windows path", win32con.REG_SZ)


def test_volatile_keys(key):
    REG_OPTION_VOLATILE = 1
    h, disp = win32api.RegCreateKeyEx(key, "vol", win32con.KEY_ALL_ACCESS, None, REG_OPTION_VOLATILE)
    assert disp == 1
    with pytest.raises(pywintypes.error) as e:
        win32api.RegCreateKeyEx(h, "stable", win32con.KEY_ALL_ACCESS, None, 0)
    assert_winerror(e, 1021)  # ERROR_CHILD_MUST_BE_VOLATILE
    sub, _ = win32api.RegCreateKeyEx(h, "alsovolatile", win32con.KEY_ALL_ACCESS, None, REG_OPTION_VOLATILE)
    sub.Close()
    h.Close()


def test_more_bad_input(key, tmp_path):
    with pytest.raises(ValueError):
        win32api.RegSetValueEx(key, "v", 0, 2**33, b"")
    with pytest.raises(pywintypes.error) as e:
        win32api.RegCreateKeyEx(key, "link", win32con.KEY_ALL_ACCESS, None, 2)  # REG_OPTION_CREATE_LINK
    assert_winerror(e, ERROR_NOT_SUPPORTED)
    f = str(tmp_path / "k.hive")
    win32api.RegSaveKey(key, f)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegLoadKey(HKU, "two\\levels", f)
    assert_winerror(e, ERROR_INVALID_PARAMETER)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegUnLoadKey(HKU, "w32t-never-loaded")
    assert_winerror(e, ERROR_INVALID_PARAMETER)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegLoadKey(HKU, ".DEFAULT", f)
    assert_winerror(e, ERROR_ALREADY_EXISTS)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegConnectRegistry(None, win32con.HKEY_PERFORMANCE_DATA)
    assert_winerror(e, ERROR_INVALID_HANDLE)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegQueryValue(key, "no\\such\\key")
    assert_winerror(e, ERROR_FILE_NOT_FOUND)
    win32api.RegSetValueEx(key, None, 0, win32con.REG_DWORD, 5)
    with pytest.raises(pywintypes.error) as e:
        win32api.RegQueryValue(key, None)  # the default value is not a string
    assert_winerror(e, 13)
