"""pywintypes.error / com_error, win32api.FormatMessage, GetLastError/SetLastError."""
import pickle
import threading

import pytest

import pywintypes
import win32api

FORMAT_MESSAGE_IGNORE_INSERTS = 0x200
FORMAT_MESSAGE_FROM_STRING = 0x400
FORMAT_MESSAGE_FROM_SYSTEM = 0x1000

ERROR_FILE_NOT_FOUND = 2
ERROR_INVALID_HANDLE = 6
ERROR_INVALID_PARAMETER = 87
ERROR_MR_MID_NOT_FOUND = 317

# Bit 29 marks application-defined codes: no system message has it.
NO_SUCH_MESSAGE = 0x2000ABCD


def from_string(pattern, inserts=None, flags=0):
    return win32api.FormatMessage(FORMAT_MESSAGE_FROM_STRING | flags, pattern, 0, 0, inserts)


# --- the exception classes --------------------------------------------------


def test_error_attributes_and_args():
    e = pywintypes.error(ERROR_FILE_NOT_FOUND, "CreateFile", "The system cannot find the file specified.")
    assert isinstance(e, Exception)
    assert e.winerror == ERROR_FILE_NOT_FOUND
    assert e.funcname == "CreateFile"
    assert e.strerror == "The system cannot find the file specified."
    assert e.args == (ERROR_FILE_NOT_FOUND, "CreateFile", "The system cannot find the file specified.")
    # Unpacking the args is how much pywin32 client code reads them.
    code, func, text = e.args
    assert (code, func, text) == (2, "CreateFile", "The system cannot find the file specified.")


def test_error_with_fewer_args():
    e = pywintypes.error(5)
    assert e.winerror == 5
    assert e.funcname is None
    assert e.strerror is None
    assert pywintypes.error().args == ()


def test_error_class_names_itself_pywintypes():
    assert pywintypes.error.__name__ == "error"
    assert pywintypes.error.__module__ == "pywintypes"
    assert pywintypes.com_error.__name__ == "com_error"
    assert pywintypes.com_error.__module__ == "pywintypes"


def test_error_can_be_raised_caught_and_pickled():
    with pytest.raises(pywintypes.error) as excinfo:
        raise pywintypes.error(5, "OpenProcess", "Access is denied.")
    again = pickle.loads(pickle.dumps(excinfo.value))
    assert type(again) is pywintypes.error
    assert again.args == (5, "OpenProcess", "Access is denied.")
    assert again.winerror == 5


def test_com_error_attributes():
    e = pywintypes.com_error(-2147024891, "Access is denied.", None, None)
    assert isinstance(e, Exception)
    assert e.hresult == -2147024891
    assert e.strerror == "Access is denied."
    assert e.excepinfo is None
    assert e.argerror is None
    assert e.args == (-2147024891, "Access is denied.", None, None)


def test_error_and_com_error_are_distinct():
    assert not issubclass(pywintypes.com_error, pywintypes.error)
    assert not issubclass(pywintypes.error, pywintypes.com_error)
    with pytest.raises(pywintypes.com_error):
        try:
            raise pywintypes.com_error(1, "x", None, None)
        except pywintypes.error:  # must not catch it
            pytest.fail("com_error caught as error")


def test_extension_raises_pywintypes_error():
    with pytest.raises(pywintypes.error) as excinfo:
        win32api.CloseHandle(4 * 1_000_000)
    assert type(excinfo.value) is pywintypes.error
    assert excinfo.value.args == (ERROR_INVALID_HANDLE, "CloseHandle", "The handle is invalid.")


# --- FormatMessage: system messages -----------------------------------------


def test_formatmessage_system_code():
    assert win32api.FormatMessage(2) == "The system cannot find the file specified.\r\n"
    assert win32api.FormatMessage(5) == "Access is denied.\r\n"
    assert win32api.FormatMessage(6) == "The handle is invalid.\r\n"
    assert win32api.FormatMessage(0) == "The operation completed successfully.\r\n"


def test_formatmessage_five_argument_from_system():
    text = win32api.FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM, None, ERROR_FILE_NOT_FOUND, 0, None)
    assert text == "The system cannot find the file specified.\r\n"


def test_formatmessage_w_is_the_same_function():
    assert win32api.FormatMessageW(87) == "The parameter is incorrect.\r\n"


def test_formatmessage_unknown_code_raises_317():
    with pytest.raises(pywintypes.error) as excinfo:
        win32api.FormatMessage(NO_SUCH_MESSAGE)
    assert excinfo.value.winerror == ERROR_MR_MID_NOT_FOUND
    assert excinfo.value.funcname == "FormatMessage"
    assert excinfo.value.strerror.startswith("The system cannot find message text")
    with pytest.raises(pywintypes.error) as excinfo:
        win32api.FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM, None, NO_SUCH_MESSAGE, 0, None)
    assert excinfo.value.winerror == ERROR_MR_MID_NOT_FOUND


def test_error_strerror_matches_formatmessage():
    with pytest.raises(pywintypes.error) as excinfo:
        win32api.CloseHandle(7)
    assert excinfo.value.strerror + "\r\n" == win32api.FormatMessage(excinfo.value.winerror)


# --- FormatMessage: FORMAT_MESSAGE_FROM_STRING ------------------------------


def test_from_string_inserts():
    assert from_string("%1 and %2", ["cats", "dogs"]) == "cats and dogs"
    assert from_string("%2 before %1", ["one", "two"]) == "two before one"
    assert from_string("%1%1", ("ab",)) == "abab"


def test_from_string_printf_format_is_accepted():
    assert from_string("%1!s! = %2!d!", ["x", "5"]) == "x = 5"


def test_from_string_escapes():
    assert from_string("a%nb") == "a\r\nb"
    assert from_string("100%%") == "100%"
    assert from_string("tab%there") == "tab\there"
    # %0 ends the message (and suppresses any trailing line break).
    assert from_string("kept%0dropped") == "kept"
    # Plain text passes through, with no CR LF added.
    assert from_string("plain text") == "plain text"


def test_from_string_ignore_inserts_keeps_references():
    assert from_string("%1 and %2", None, FORMAT_MESSAGE_IGNORE_INSERTS) == "%1 and %2"
    assert from_string("%1 and %2", ["a", "b"], FORMAT_MESSAGE_IGNORE_INSERTS) == "%1 and %2"


def test_from_string_missing_insert_raises_87():
    with pytest.raises(pywintypes.error) as excinfo:
        from_string("%1 and %2", ["only one"])
    assert excinfo.value.winerror == ERROR_INVALID_PARAMETER
    assert excinfo.value.funcname == "FormatMessage"
    assert excinfo.value.strerror == "The parameter is incorrect."
    with pytest.raises(pywintypes.error) as excinfo:
        from_string("%1")
    assert excinfo.value.winerror == ERROR_INVALID_PARAMETER


def test_from_string_non_string_insert_is_type_error():
    with pytest.raises(TypeError):
        from_string("%1", [1])


def test_from_string_needs_a_string_source():
    with pytest.raises(TypeError):
        win32api.FormatMessage(FORMAT_MESSAGE_FROM_STRING, 12, 0, 0, None)


def test_system_message_with_inserts_ignored():
    # Message 317 itself has %1/%2 in it; IGNORE_INSERTS returns them as is.
    text = win32api.FormatMessage(
        FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, None, ERROR_MR_MID_NOT_FOUND, 0, None)
    assert "%1" in text and "%2" in text
    assert text.endswith("\r\n")


# --- GetLastError / SetLastError --------------------------------------------


def test_set_then_get_last_error():
    win32api.SetLastError(1234)
    assert win32api.GetLastError() == 1234
    win32api.SetLastError(0)
    assert win32api.GetLastError() == 0


def test_last_error_is_per_thread():
    win32api.SetLastError(5)
    seen = {}

    def worker():
        seen["initial"] = win32api.GetLastError()
        win32api.SetLastError(77)
        seen["after"] = win32api.GetLastError()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen == {"initial": 0, "after": 77}
    # The other thread's SetLastError did not touch ours.
    assert win32api.GetLastError() == 5
    win32api.SetLastError(0)


def test_last_error_many_threads_interleaved():
    n = 8
    barrier = threading.Barrier(n)
    results = {}

    def worker(i):
        win32api.SetLastError(1000 + i)
        barrier.wait()  # all threads have set theirs before any reads
        results[i] = win32api.GetLastError()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {i: 1000 + i for i in range(n)}


def test_codes_from_0x80000000_are_signed_as_in_pywin32():
    import winerror
    # FormatMessage takes the signed spelling winerror uses, and the unsigned one.
    assert win32api.FormatMessage(winerror.E_FAIL) == win32api.FormatMessage(0x80004005)
    with pytest.raises(ValueError):
        win32api.FormatMessage(1 << 40)
    import win32pdh
    with pytest.raises(pywintypes.error) as e:
        win32pdh.CloseQuery(12345)
    assert e.value.winerror < 0 and e.value.winerror & 0xFFFFFFFF == 0xC0000BBC  # PDH_INVALID_HANDLE
