"""win32api's keyboard-layout functions: which layout the system is set to
(XKB configuration, else the locale), and the US layout's translations
between virtual keys, scan codes and characters (MapVirtualKey, VkKeyScan,
ToAsciiEx), which are pure functions of the layout. win32api re-exports them.
"""
import os as _os
import re as _re

from pywin32_posix._errors import error

ERROR_NOT_SUPPORTED = 50
ERROR_INVALID_PARAMETER = 87
US_KLID = "00000409"

# XKB layout (and variant) names and Windows' keyboard layout ids (KLID).
_KLID_OF_XKB = {
    "us": "00000409", "us(dvorak)": "00010409", "us(intl)": "00020409", "gb": "00000809",
    "de": "00000407", "ch": "00000807", "at": "00000C07", "fr": "0000040C", "be": "0000080C",
    "ca": "00001009", "es": "0000040A", "latam": "0000080A", "it": "00000410", "pt": "00000816",
    "br": "00000416", "nl": "00000413", "se": "0000041D", "dk": "00000406", "no": "00000414",
    "fi": "0000040B", "is": "0000040F", "ie": "00001809", "pl": "00000415", "cz": "00000405",
    "sk": "0000041B", "hu": "0000040E", "si": "00000424", "hr": "0000041A", "ro": "00000418",
    "bg": "00000402", "rs": "00000C1A", "ru": "00000419", "ua": "00000422", "by": "00000423",
    "ee": "00000425", "lv": "00000426", "lt": "00000427", "tr": "0000041F", "gr": "00000408",
    "il": "0000040D", "ara": "00000401", "jp": "00000411", "kr": "00000412", "cn": "00000804",
    "tw": "00000404",
}
# Windows' device part of the HKL of a layout variant.
_VARIANT_HKL_HIGH = {"00010409": 0xF002, "00020409": 0xF001}


def _config_value(path, key):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = _re.match(r'\s*%s\s*=\s*"?([^"\n]*)"?' % key, line)
                if m:
                    return m.group(1).strip()
    except OSError:
        pass
    return None


def _xorg_layout():
    path = "/etc/X11/xorg.conf.d/00-keyboard.conf"
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None, None
    layout = _re.search(r'Option\s+"XkbLayout"\s+"([^"]*)"', text)
    variant = _re.search(r'Option\s+"XkbVariant"\s+"([^"]*)"', text)
    return (layout.group(1) if layout else None), (variant.group(1) if variant else None)


def _xkb_layouts():
    """[(layout, variant)] of the system's keyboard configuration, or []."""
    layout = _os.environ.get("XKB_DEFAULT_LAYOUT")
    variant = _os.environ.get("XKB_DEFAULT_VARIANT")
    if not layout:
        for path in ("/etc/default/keyboard", "/etc/vconsole.conf"):
            layout = _config_value(path, "XKBLAYOUT")
            if layout:
                variant = _config_value(path, "XKBVARIANT")
                break
    if not layout:
        layout, variant = _xorg_layout()
    if not layout:
        return []
    layouts = [x.strip() for x in layout.split(",")]
    variants = [x.strip() for x in (variant or "").split(",")]
    variants += [""] * (len(layouts) - len(variants))
    return [(lay, var) for lay, var in zip(layouts, variants) if lay]


def _klid(layout, variant):
    if variant and "%s(%s)" % (layout, variant) in _KLID_OF_XKB:
        return _KLID_OF_XKB["%s(%s)" % (layout, variant)]
    return _KLID_OF_XKB.get(layout)


def _locale_klid():
    import win32api
    return "%08X" % (win32api.GetUserDefaultLCID() & 0xFFFF)


def _klids():
    klids = [k for k in (_klid(lay, var) for lay, var in _xkb_layouts()) if k]
    return klids or [_locale_klid()]


def _hkl(klid):
    value = int(klid, 16)
    lang = value & 0xFFFF
    high = _VARIANT_HKL_HIGH.get(klid, lang)
    return (high << 16) | lang


def GetKeyboardLayoutName():
    """The KLID of the active keyboard layout, e.g. "00000409" (US).

    On POSIX it comes from the XKB configuration (XKB_DEFAULT_LAYOUT and
    XKB_DEFAULT_VARIANT, /etc/default/keyboard, /etc/vconsole.conf,
    /etc/X11/xorg.conf.d/00-keyboard.conf: the first layout named), else
    from the user's locale (GetUserDefaultLCID)."""
    return _klids()[0]


def GetKeyboardLayout(threadId=0, /):
    """The HKL of the active keyboard layout (language id in the low word,
    layout in the high word, e.g. 0x04090409). On POSIX every thread has
    the system's layout, so threadId is not looked up."""
    if not isinstance(threadId, int):
        raise TypeError("threadId must be an int")
    return _hkl(_klids()[0])


def GetKeyboardLayoutList():
    """The HKLs of every layout the system is configured with (XKB's
    comma-separated list), the active one first."""
    return tuple(_hkl(k) for k in _klids())


# --- the US layout ------------------------------------------------------------------------
_SCAN_OF_VK = {0x1B: 0x01, 0xBD: 0x0C, 0xBB: 0x0D, 0x08: 0x0E, 0x09: 0x0F, 0xDB: 0x1A, 0xDD: 0x1B,
               0x0D: 0x1C, 0x11: 0x1D, 0xA2: 0x1D, 0xBA: 0x27, 0xDE: 0x28, 0xC0: 0x29, 0x10: 0x2A,
               0xA0: 0x2A, 0xDC: 0x2B, 0xBC: 0x33, 0xBE: 0x34, 0xBF: 0x35, 0xA1: 0x36, 0x6A: 0x37,
               0x12: 0x38, 0xA4: 0x38, 0x20: 0x39, 0x14: 0x3A, 0x90: 0x45, 0x91: 0x46, 0x67: 0x47,
               0x68: 0x48, 0x69: 0x49, 0x6D: 0x4A, 0x64: 0x4B, 0x65: 0x4C, 0x66: 0x4D, 0x6B: 0x4E,
               0x61: 0x4F, 0x62: 0x50, 0x63: 0x51, 0x60: 0x52, 0x6E: 0x53, 0xE2: 0x56, 0x7A: 0x57,
               0x7B: 0x58}
_SCAN_OF_VK.update({0x31 + i: 0x02 + i for i in range(9)})
_SCAN_OF_VK[0x30] = 0x0B
_SCAN_OF_VK.update({ord(c): 0x10 + i for i, c in enumerate("QWERTYUIOP")})
_SCAN_OF_VK.update({ord(c): 0x1E + i for i, c in enumerate("ASDFGHJKL")})
_SCAN_OF_VK.update({ord(c): 0x2C + i for i, c in enumerate("ZXCVBNM")})
_SCAN_OF_VK.update({0x70 + i: 0x3B + i for i in range(10)})
# Keys whose scan code has the 0xE0 prefix.
_EXTENDED_SCAN_OF_VK = {0xA3: 0x1D, 0xA5: 0x38, 0x6F: 0x35, 0x24: 0x47, 0x26: 0x48, 0x21: 0x49,
                        0x25: 0x4B, 0x27: 0x4D, 0x23: 0x4F, 0x28: 0x50, 0x22: 0x51, 0x2D: 0x52,
                        0x2E: 0x53, 0x5B: 0x5B, 0x5C: 0x5C, 0x5D: 0x5D}
# Scan code -> VK (MAPVK_VSC_TO_VK): the generic modifiers, and the keypad's
# navigation meanings (what the keys are with Num Lock off).
_VK_OF_SCAN = {}
for _vk, _scan in _SCAN_OF_VK.items():
    if _vk not in (0xA0, 0xA1, 0xA2, 0xA4) and not 0x60 <= _vk <= 0x69 and _vk != 0x6E:
        _VK_OF_SCAN.setdefault(_scan, _vk)
_VK_OF_SCAN.update({0x36: 0x10, 0x47: 0x24, 0x48: 0x26, 0x49: 0x21, 0x4B: 0x25, 0x4C: 0x0C, 0x4D: 0x27,
                    0x4F: 0x23, 0x50: 0x28, 0x51: 0x22, 0x52: 0x2D, 0x53: 0x2E})
_VK_EX_OF_SCAN = dict(_VK_OF_SCAN)
_VK_EX_OF_SCAN.update({0x2A: 0xA0, 0x36: 0xA1, 0x1D: 0xA2, 0x38: 0xA4})
_VK_EX_OF_SCAN.update({0xE000 | scan: vk for vk, scan in _EXTENDED_SCAN_OF_VK.items()})

# Unshifted and shifted characters of the keys that type them.
_CHARS_OF_VK = {0x20: (" ", " "), 0xBD: ("-", "_"), 0xBB: ("=", "+"), 0xDB: ("[", "{"),
                0xDD: ("]", "}"), 0xDC: ("\\", "|"), 0xBA: (";", ":"), 0xDE: ("'", '"'),
                0xC0: ("`", "~"), 0xBC: (",", "<"), 0xBE: (".", ">"), 0xBF: ("/", "?"),
                0xE2: ("\\", "|")}
_CHARS_OF_VK.update({0x30 + i: (str(i), ")!@#$%^&*("[i]) for i in range(10)})
_CHARS_OF_VK.update({ord(c): (c.lower(), c) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
# Keys that type the same whatever the shift state.
_FIXED_CHAR_OF_VK = {0x08: "\b", 0x09: "\t", 0x0D: "\r", 0x1B: "\x1b", 0x6A: "*", 0x6B: "+", 0x6D: "-",
                     0x6E: ".", 0x6F: "/"}
_FIXED_CHAR_OF_VK.update({0x60 + i: str(i) for i in range(10)})

_SHIFT, _CTRL, _ALT = 1, 2, 4
_KEY_OF_CHAR = {}
for _vk, (_plain, _shifted) in _CHARS_OF_VK.items():
    _KEY_OF_CHAR.setdefault(_plain, (_vk, 0))
    _KEY_OF_CHAR.setdefault(_shifted, (_vk, _SHIFT))
for _c, _vk in (("\b", 0x08), ("\t", 0x09), ("\r", 0x0D), ("\x1b", 0x1B)):
    _KEY_OF_CHAR[_c] = (_vk, 0)
_KEY_OF_CHAR["\n"] = (0x0D, _CTRL)
_KEY_OF_CHAR["\x7f"] = (0x08, _CTRL)
for _i in range(1, 27):
    _KEY_OF_CHAR.setdefault(chr(_i), (0x40 + _i, _CTRL))
_KEY_OF_CHAR.update({"\x1c": (0xDC, _CTRL), "\x1d": (0xDD, _CTRL), "\x1e": (0x36, _CTRL | _SHIFT),
                     "\x1f": (0xBD, _CTRL | _SHIFT), "\x00": (0x32, _CTRL | _SHIFT)})


def _us_layout(hlayout, function):
    """Fails unless the layout (given, else the active one) is US: the tables are the US layout's."""
    if hlayout is None:
        us = _klids()[0] == US_KLID
    else:
        if not isinstance(hlayout, int):
            raise TypeError("hlayout must be an int (an HKL) or None")
        us = (hlayout & 0xFFFFFFFF) == 0x04090409
    if not us:
        raise error(ERROR_NOT_SUPPORTED, function, "Only the US keyboard layout's tables are known here.")


def _int(value, what):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("%s must be an int" % what)
    return value


MAPVK_VK_TO_VSC, MAPVK_VSC_TO_VK, MAPVK_VK_TO_CHAR, MAPVK_VSC_TO_VK_EX, MAPVK_VK_TO_VSC_EX = range(5)


def MapVirtualKey(vk, type, hlayout=None, /):
    """Translates between virtual keys, scan codes and characters
    (MAPVK_VK_TO_VSC, MAPVK_VSC_TO_VK, MAPVK_VK_TO_CHAR, MAPVK_VSC_TO_VK_EX,
    MAPVK_VK_TO_VSC_EX); 0 when there is no translation.

    On POSIX the translations are the US layout's (scan code set 1): another
    layout, given or active, is ERROR_NOT_SUPPORTED. An unknown type is
    ERROR_INVALID_PARAMETER."""
    code, kind = _int(vk, "vk"), _int(type, "type")
    if kind not in range(5):
        raise error(ERROR_INVALID_PARAMETER, "MapVirtualKey", "The parameter is incorrect.")
    _us_layout(hlayout, "MapVirtualKey")
    if kind == MAPVK_VK_TO_VSC:
        return _SCAN_OF_VK.get(code) or _EXTENDED_SCAN_OF_VK.get(code, 0)
    if kind == MAPVK_VK_TO_VSC_EX:
        if code in _EXTENDED_SCAN_OF_VK:
            return 0xE000 | _EXTENDED_SCAN_OF_VK[code]
        return _SCAN_OF_VK.get(code, 0)
    if kind == MAPVK_VSC_TO_VK:
        return _VK_OF_SCAN.get(code, 0)
    if kind == MAPVK_VSC_TO_VK_EX:
        return _VK_EX_OF_SCAN.get(code, 0)
    if code in _CHARS_OF_VK:
        plain = _CHARS_OF_VK[code][0]
        return ord(plain.upper())  # letters are given as their capitals, as Windows does
    return ord(_FIXED_CHAR_OF_VK[code]) if code in _FIXED_CHAR_OF_VK else 0


def _char_arg(char, function):
    if isinstance(char, bytes):
        if len(char) != 1:
            raise TypeError("%s needs a single character" % function)
        return char.decode("latin-1")
    if not isinstance(char, str) or len(char) != 1:
        raise TypeError("%s needs a single character" % function)
    return char


def VkKeyScanEx(char, hkl, /):
    """The key that types `char` in the layout `hkl`: the virtual key in the
    low byte, the shift state in the high byte (1 Shift, 2 Ctrl, 4 Alt);
    -1 when no key types it.

    On POSIX only the US layout (0x04090409) is known: another is
    ERROR_NOT_SUPPORTED."""
    c = _char_arg(char, "VkKeyScanEx")
    if hkl is None:
        raise TypeError("hkl must be an int (an HKL)")
    _us_layout(hkl, "VkKeyScanEx")
    if c not in _KEY_OF_CHAR:
        return -1
    vk, shift = _KEY_OF_CHAR[c]
    return (shift << 8) | vk


def VkKeyScan(char, /):
    """VkKeyScanEx in the active layout (see there)."""
    c = _char_arg(char, "VkKeyScan")
    _us_layout(None, "VkKeyScan")
    return VkKeyScanEx(c, 0x04090409)


VK_SHIFT, VK_CONTROL, VK_MENU, VK_CAPITAL = 0x10, 0x11, 0x12, 0x14


def ToAsciiEx(vk, scancode, keyboardstate, flags=0, hlayout=None, /):
    """The characters a key types given the 256-byte keyboard state (high
    bit of an entry: the key is down; low bit of VK_CAPITAL: Caps Lock on),
    as bytes: b"" when the key types nothing or `scancode` has its key-up
    bit (0x8000). Ctrl with a letter gives its control character; Ctrl+Alt
    (AltGr) types nothing in the US layout.

    On POSIX only the US layout is known (another, given or active, is
    ERROR_NOT_SUPPORTED); a state that is not 256 bytes is ValueError."""
    code, scan, _ = _int(vk, "vk"), _int(scancode, "scancode"), _int(flags, "flags")
    state = bytes(keyboardstate)
    if len(state) != 256:
        raise ValueError("keyboardstate must be 256 bytes")
    _us_layout(hlayout, "ToAsciiEx")
    if scan & 0x8000:
        return b""
    shift = bool(state[VK_SHIFT] & 0x80 or state[0xA0] & 0x80 or state[0xA1] & 0x80)
    ctrl = bool(state[VK_CONTROL] & 0x80 or state[0xA2] & 0x80 or state[0xA3] & 0x80)
    alt = bool(state[VK_MENU] & 0x80 or state[0xA4] & 0x80 or state[0xA5] & 0x80)
    caps = bool(state[VK_CAPITAL] & 0x01)
    if ctrl and alt:
        return b""
    if ctrl:
        if ord("A") <= code <= ord("Z"):
            return bytes([code - 0x40])
        control = {0xDB: 0x1B, 0xDC: 0x1C, 0xDD: 0x1D, 0x0D: 0x0A, 0x08: 0x7F}
        if code in control:
            return bytes([control[code]])
        if shift and code in (0x32, 0x36, 0xBD):
            return bytes([{0x32: 0x00, 0x36: 0x1E, 0xBD: 0x1F}[code]])
        return b""
    if code in _CHARS_OF_VK:
        plain, shifted = _CHARS_OF_VK[code]
        upper = shift != (caps and plain.isalpha())
        return (shifted if upper else plain).encode("ascii")
    if code in _FIXED_CHAR_OF_VK:
        return _FIXED_CHAR_OF_VK[code].encode("ascii")
    return b""
