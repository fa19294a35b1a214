"""win32ras: the phonebook (EnumEntries, Get/SetEntryDialParams, across
processes), the connection functions on handles that name no connection,
error strings, and ERROR_NOT_SUPPORTED for the GUI functions. Dialling:
test_win32ras_dial.py."""
import os

import pytest

import pywintypes
import win32ras
import winerror

PHONEBOOK = """[Office VPN]
MEDIA=rastapi
Port=VPN2-0
PhoneNumber=vpn.example.com

[Home ISP]
PhoneNumber=5551234
"""


@pytest.fixture
def phonebook(tmp_path):
    path = tmp_path / "test.pbk"
    path.write_text(PHONEBOOK)
    return str(path)


def test_constants_are_windows_values():
    assert win32ras.RASCS_OpenPort == 0
    assert win32ras.RASCS_Authenticated == 14
    assert win32ras.RASCS_Interactive == 0x1000
    assert win32ras.RASCS_PasswordExpired == 0x1003
    assert win32ras.RASCS_Connected == 0x2000
    assert win32ras.RASCS_Disconnected == 0x2001
    assert (win32ras.RASEAPF_NonInteractive, win32ras.RASEAPF_Logon, win32ras.RASEAPF_Preview) == (2, 4, 8)
    assert win32ras.error is pywintypes.error


@pytest.mark.parametrize("call", [
    lambda: win32ras.CreatePhonebookEntry(0),
    lambda: win32ras.EditPhonebookEntry(0, None, "Office VPN"),
    lambda: win32ras.GetEapUserIdentity(None, "Office VPN", 0),
    lambda: win32ras.RASDIALEXTENSIONS(),
])
def test_gui_is_not_supported(call):
    with pytest.raises(pywintypes.error) as e:
        call()
    assert e.value.winerror == winerror.ERROR_NOT_SUPPORTED


def test_enum_entries_reads_the_phonebook_sections(phonebook):
    assert win32ras.EnumEntries(None, phonebook) == ("Office VPN", "Home ISP")
    win = "Z:" + phonebook.replace("/", "\\")
    assert win32ras.EnumEntries(None, win) == ("Office VPN", "Home ISP")


def test_default_phonebook_lives_under_the_state_root(session_root):
    default = os.path.join(session_root, "state", "ras", "rasphone.pbk")
    if os.path.exists(default):
        os.remove(default)
    assert win32ras.EnumEntries() == ()
    with open(default, "w", encoding="utf-8-sig") as f:
        f.write("[Default Entry]\nPhoneNumber=1\n")
    try:
        assert win32ras.EnumEntries() == ("Default Entry",)
        assert win32ras.GetEntryDialParams(None, "Default Entry") == (("Default Entry", "", "", "", "", ""), False)
    finally:
        os.remove(default)


def test_missing_phonebook_and_entry(tmp_path, phonebook):
    with pytest.raises(pywintypes.error) as e:
        win32ras.EnumEntries(None, str(tmp_path / "none.pbk"))
    assert e.value.args[:2] == (win32ras.ERROR_CANNOT_OPEN_PHONEBOOK, "RasEnumEntries")
    with pytest.raises(pywintypes.error) as e:
        win32ras.GetEntryDialParams(phonebook, "No Such Entry")
    assert e.value.winerror == win32ras.ERROR_CANNOT_FIND_PHONEBOOK_ENTRY
    with pytest.raises(pywintypes.error) as e:
        win32ras.SetEntryDialParams(phonebook, ("No Such Entry", "", "", "u", "p", ""), True)
    assert e.value.winerror == win32ras.ERROR_CANNOT_FIND_PHONEBOOK_ENTRY


def test_dial_params_persist_across_processes(phonebook, run_py):
    win32ras.SetEntryDialParams(phonebook, ("Office VPN", "", "", "alice", "s3cret", "CORP"), True)
    win32ras.SetEntryDialParams(phonebook, ("Home ISP", "", "555", "bob", "hidden", ""), False)
    child = run_py(
        "import sys, win32ras\n"
        "print(win32ras.GetEntryDialParams(sys.argv[1], 'Office VPN'))\n"
        "print(win32ras.GetEntryDialParams(sys.argv[1], 'Home ISP'))\n",
        phonebook,
    )
    assert child.returncode == 0, child.stderr
    office, home = child.stdout.splitlines()
    assert office == repr((("Office VPN", "", "", "alice", "s3cret", "CORP"), True))
    assert home == repr((("Home ISP", "", "555", "bob", "", ""), False))  # the password was not to be kept
    from pywin32_posix._w32 import win32api

    path = os.path.join(win32api._state_dir(), "ras", "dialparams.json")
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_dial_params_bad_arguments(phonebook):
    for bad in ("Office VPN", 5, [1, 2], (), ("a",) * 7):
        with pytest.raises(TypeError):
            win32ras.SetEntryDialParams(phonebook, bad, True)
    with pytest.raises(TypeError):
        win32ras.GetEntryDialParams(phonebook, 5)
    with pytest.raises(TypeError):
        win32ras.EnumEntries(None, 5)


def test_handles_that_name_no_connection():
    assert 1234 not in [c[0] for c in win32ras.EnumConnections()]
    assert win32ras.IsHandleValid(1234) is False
    assert win32ras.IsHandleValid(None) is False
    for call, name in ((win32ras.GetConnectStatus, "RasGetConnectStatus"), (win32ras.HangUp, "RasHangUp")):
        with pytest.raises(pywintypes.error) as e:
            call(1234)
        assert e.value.args[:2] == (winerror.ERROR_INVALID_HANDLE, name)
    with pytest.raises(TypeError):
        win32ras.IsHandleValid("handle")


def test_error_strings():
    assert win32ras.GetErrorString(win32ras.ERROR_CANNOT_FIND_PHONEBOOK_ENTRY) == (
        "The system could not find the phone book entry for this connection.")
    assert win32ras.GetErrorString(win32ras.ERROR_NO_ANSWER) == "The remote computer did not respond."
    assert (win32ras.ERROR_NO_ANSWER, win32ras.ERROR_PORT_NOT_AVAILABLE, win32ras.ERROR_AUTHENTICATION_FAILURE) == (
        678, 633, 691)
    assert win32ras.GetErrorString(winerror.ERROR_ACCESS_DENIED) == "Access is denied."
    with pytest.raises(pywintypes.error) as e:
        win32ras.GetErrorString(99999)
    assert e.value.winerror == winerror.ERROR_INVALID_PARAMETER
    with pytest.raises(TypeError):
        win32ras.GetErrorString("623")
