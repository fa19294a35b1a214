"""win32api's keyboard layouts (from the XKB configuration) and the US
layout's key translations."""
import pytest
import pywintypes
import win32api
import win32con
import winerror

from w32util import assert_winerror

US = 0x04090409


@pytest.fixture
def layout(monkeypatch):
    def set_layout(name, variant=""):
        monkeypatch.setenv("XKB_DEFAULT_LAYOUT", name)
        monkeypatch.setenv("XKB_DEFAULT_VARIANT", variant)
    set_layout("us")
    return set_layout


def test_layout_names_from_xkb(layout):
    assert win32api.GetKeyboardLayoutName() == "00000409"
    assert win32api.GetKeyboardLayout() == US
    layout("de,us")
    assert win32api.GetKeyboardLayoutName() == "00000407"
    assert win32api.GetKeyboardLayoutList() == (0x04070407, US)
    layout("us", "dvorak")
    assert win32api.GetKeyboardLayoutName() == "00010409"
    assert win32api.GetKeyboardLayout(0) == 0xF0020409
    with pytest.raises(TypeError):
        win32api.GetKeyboardLayout("0")


def test_map_virtual_key(layout):
    assert win32api.MapVirtualKey(ord("A"), 0) == 0x1E
    assert win32api.MapVirtualKey(0x1E, 1) == ord("A")
    assert win32api.MapVirtualKey(ord("A"), 2) == ord("A")
    assert win32api.MapVirtualKey(0xBA, 2) == ord(";")
    assert win32api.MapVirtualKey(win32con.VK_RETURN, 0) == 0x1C
    assert win32api.MapVirtualKey(win32con.VK_LEFT, 0) == 0x4B
    assert win32api.MapVirtualKey(win32con.VK_LEFT, 4) == 0xE04B
    assert win32api.MapVirtualKey(0x2A, 1) == win32con.VK_SHIFT
    assert win32api.MapVirtualKey(0x2A, 3) == win32con.VK_LSHIFT
    assert win32api.MapVirtualKey(0xE01D, 3) == win32con.VK_RCONTROL
    assert win32api.MapVirtualKey(0x48, 1) == win32con.VK_UP
    assert win32api.MapVirtualKey(0x7F, 1) == 0  # no such scan code
    assert win32api.MapVirtualKey(ord("Q"), 0, US) == 0x10


def test_vk_key_scan(layout):
    assert win32api.VkKeyScan("a") == ord("A")
    assert win32api.VkKeyScan("A") == 0x100 | ord("A")
    assert win32api.VkKeyScan(b"!") == 0x100 | ord("1")
    assert win32api.VkKeyScan("?") == 0x100 | 0xBF
    assert win32api.VkKeyScan("\x03") == 0x200 | ord("C")
    assert win32api.VkKeyScan("\n") == 0x200 | win32con.VK_RETURN
    assert win32api.VkKeyScan("\u00e9") == -1
    assert win32api.VkKeyScanEx(" ", US) == win32con.VK_SPACE


def test_to_ascii_ex(layout):
    state = bytearray(256)
    assert win32api.ToAsciiEx(ord("A"), 0x1E, bytes(state)) == b"a"
    state[win32con.VK_SHIFT] = 0x80
    assert win32api.ToAsciiEx(ord("A"), 0x1E, bytes(state)) == b"A"
    assert win32api.ToAsciiEx(ord("2"), 0x03, bytes(state)) == b"@"
    state[win32con.VK_SHIFT] = 0
    state[win32con.VK_CAPITAL] = 1
    assert win32api.ToAsciiEx(ord("A"), 0x1E, bytes(state)) == b"A"
    assert win32api.ToAsciiEx(ord("1"), 0x02, bytes(state)) == b"1"  # Caps Lock shifts letters only
    state[win32con.VK_CAPITAL] = 0
    state[win32con.VK_CONTROL] = 0x80
    assert win32api.ToAsciiEx(ord("C"), 0x2E, bytes(state)) == b"\x03"
    state[win32con.VK_MENU] = 0x80
    assert win32api.ToAsciiEx(ord("C"), 0x2E, bytes(state)) == b""
    assert win32api.ToAsciiEx(win32con.VK_LEFT, 0x4B, bytes(256)) == b""
    assert win32api.ToAsciiEx(ord("A"), 0x1E | 0x8000, bytes(256)) == b""  # key up


def test_bad_input_and_other_layouts(layout):
    assert_winerror(pytest.raises(pywintypes.error, win32api.MapVirtualKey, 0x41, 9),
                    winerror.ERROR_INVALID_PARAMETER)
    with pytest.raises(TypeError):
        win32api.MapVirtualKey("A", 0)
    with pytest.raises(TypeError):
        win32api.VkKeyScan("ab")
    with pytest.raises(ValueError):
        win32api.ToAsciiEx(0x41, 0x1E, b"\0" * 10)
    assert_winerror(pytest.raises(pywintypes.error, win32api.VkKeyScanEx, "a", 0x04070407),
                    winerror.ERROR_NOT_SUPPORTED)
    layout("fr")
    for call in (lambda: win32api.VkKeyScan("a"), lambda: win32api.MapVirtualKey(0x41, 0),
                 lambda: win32api.ToAsciiEx(0x41, 0x10, bytes(256))):
        assert_winerror(pytest.raises(pywintypes.error, call), winerror.ERROR_NOT_SUPPORTED)
    # The US tables still answer for an explicit US layout.
    assert win32api.MapVirtualKey(0x41, 0, US) == 0x1E
