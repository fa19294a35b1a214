"""pywintypes time objects: TimeType, Time, TimeStamp, DosDateTimeToTime."""

import copy
import datetime
import os
import pickle
import time

import pytest

import pywintypes
from pywin32_posix import _time

UTC = datetime.timezone.utc
EPOCH_AS_FILETIME = 116444736000000000  # 1970-01-01 in 100ns ticks since 1601


@pytest.fixture
def plus3():
    """Run in a fixed UTC+3 zone without DST, so local time is observable."""
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "XYZ-03"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


# -- the type ---------------------------------------------------------------

def test_timetype_is_a_datetime_named_like_pywin32():
    assert issubclass(pywintypes.TimeType, datetime.datetime)
    assert pywintypes.TimeType.__name__ == "datetime"
    assert pywintypes.TimeType.__module__ == "pywintypes"


def test_repr_uses_pywintypes_datetime():
    value = pywintypes.TimeStamp(EPOCH_AS_FILETIME)
    assert repr(value) == (
        "pywintypes.datetime(1970, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)")


def test_format_defaults_to_percent_c_and_takes_a_format():
    value = pywintypes.Time((2021, 3, 4, 5, 6, 7, 0, 0, -1))
    assert value.Format() == value.strftime("%c")
    assert value.Format("%Y-%m-%d %H:%M:%S") == "2021-03-04 05:06:07"


def test_format_with_a_non_string_fails_like_strftime():
    with pytest.raises(TypeError):
        pywintypes.Time(0).Format(42)


def test_arithmetic_keeps_the_type():
    value = pywintypes.Time(0) + datetime.timedelta(days=1)
    assert isinstance(value, pywintypes.TimeType)
    assert hasattr(value, "Format")


def test_pickle_and_copy_round_trip():
    value = pywintypes.TimeStamp(EPOCH_AS_FILETIME + 12_340_000)
    for clone in (pickle.loads(pickle.dumps(value)), copy.deepcopy(value)):
        assert clone == value
        assert type(clone) is pywintypes.TimeType
        assert clone.tzinfo == UTC


# -- Time() -----------------------------------------------------------------

def test_time_from_int_is_naive_local_time(plus3):
    value = pywintypes.Time(0)
    assert type(value) is pywintypes.TimeType
    assert value.tzinfo is None
    assert value == datetime.datetime(1970, 1, 1, 3, 0)


def test_time_from_float_keeps_fractional_seconds(plus3):
    value = pywintypes.Time(86400.25)
    assert value == datetime.datetime(1970, 1, 2, 3, 0, 0, 250000)


def test_time_from_time_tuple_reads_local_time(plus3):
    value = pywintypes.Time((2020, 6, 1, 12, 30, 15, 0, 0, -1))
    assert value == datetime.datetime(2020, 6, 1, 12, 30, 15)
    assert value.tzinfo is None
    assert value.timestamp() == 1591003815  # 09:30:15 UTC


def test_time_tuple_tenth_item_is_milliseconds(plus3):
    value = pywintypes.Time((2020, 6, 1, 12, 30, 15, 0, 0, -1, 250))
    assert value.microsecond == 250000


def test_time_from_struct_time_round_trips(plus3):
    value = pywintypes.Time(time.localtime(1_600_000_000))
    assert value.timestamp() == 1_600_000_000


def test_two_digit_years_are_expanded():
    assert pywintypes.Time((99, 1, 1, 0, 0, 0, 0, 0, -1)).year == 1999
    assert pywintypes.Time((5, 1, 1, 0, 0, 0, 0, 0, -1)).year == 2005


def test_time_from_timetype_is_returned_unchanged():
    value = pywintypes.Time(0)
    assert pywintypes.Time(value) is value


def test_time_from_plain_datetime_keeps_fields_and_tz():
    source = datetime.datetime(2001, 2, 3, 4, 5, 6, 7, tzinfo=UTC)
    value = pywintypes.Time(source)
    assert type(value) is pywintypes.TimeType
    assert value == source
    assert value.tzinfo is UTC
    assert value.microsecond == 7


def test_time_from_date_uses_its_timetuple(plus3):
    assert pywintypes.Time(datetime.date(2022, 5, 6)) == datetime.datetime(2022, 5, 6)


@pytest.mark.parametrize("bad", ["x", None, object(), b"", {}])
def test_time_from_unsupported_objects_raises_typeerror(bad):
    with pytest.raises(TypeError):
        pywintypes.Time(bad)


@pytest.mark.parametrize("bad", [(2020, 1, 1), (2020,) * 11])
def test_time_tuple_of_wrong_length_raises_typeerror(bad):
    with pytest.raises(TypeError):
        pywintypes.Time(bad)


def test_time_tuple_with_non_integer_item_raises_typeerror():
    with pytest.raises(TypeError):
        pywintypes.Time((2020, 1, 1, 0, 0, 0.5, 0, 0, -1))


@pytest.mark.parametrize("year", [-1, 100, 1899])
def test_time_tuple_year_out_of_range_raises_valueerror(year):
    with pytest.raises(ValueError, match="year out of range"):
        pywintypes.Time((year, 1, 1, 0, 0, 0, 0, 0, -1))


@pytest.mark.parametrize("bad", [10**20, 1e300, -(10**20)])
def test_time_out_of_range_number_raises_overflowerror(bad):
    with pytest.raises(OverflowError):
        pywintypes.Time(bad)


def test_time_tuple_too_large_for_mktime_raises_overflowerror():
    with pytest.raises(OverflowError):
        pywintypes.Time((2**40, 1, 1, 0, 0, 0, 0, 0, -1))


# -- TimeStamp() ------------------------------------------------------------

def test_timestamp_zero_is_1601_utc():
    value = pywintypes.TimeStamp(0)
    assert type(value) is pywintypes.TimeType
    assert value == datetime.datetime(1601, 1, 1, tzinfo=UTC)
    assert value.tzinfo is UTC


def test_timestamp_unix_epoch():
    assert pywintypes.TimeStamp(EPOCH_AS_FILETIME) == datetime.datetime(1970, 1, 1, tzinfo=UTC)


def test_timestamp_truncates_to_milliseconds():
    value = pywintypes.TimeStamp(EPOCH_AS_FILETIME + 12_345_678)  # 1.2345678 s
    assert (value.second, value.microsecond) == (1, 234000)


def test_timestamp_two_int_form_warns_and_matches_the_int_form():
    ticks = EPOCH_AS_FILETIME + 0xFFFF_FFFF
    with pytest.warns(DeprecationWarning):
        value = pywintypes.TimeStamp((ticks >> 32, ticks & 0xFFFFFFFF))
    assert value == pywintypes.TimeStamp(ticks)


def test_timestamp_beyond_year_9999_clamps_to_max():
    value = pywintypes.TimeStamp(2**63 - 1)
    assert value.replace(tzinfo=None) == datetime.datetime.max


def test_negative_timestamp_raises_win32_error():
    with pytest.raises(pywintypes.error) as info:
        pywintypes.TimeStamp(-1)
    assert info.value.winerror == 87  # ERROR_INVALID_PARAMETER
    assert info.value.funcname == "FileTimeToSystemTime"


def test_timestamp_too_large_for_64_bits_raises_overflowerror():
    with pytest.raises(OverflowError):
        pywintypes.TimeStamp(2**63)


@pytest.mark.parametrize("bad", [1.5, "0", None])
def test_timestamp_of_wrong_type_raises_typeerror(bad):
    with pytest.raises(TypeError):
        pywintypes.TimeStamp(bad)


@pytest.mark.parametrize("bad", [(1, 2, 3), (1, "2"), (2**40, 0)])
def test_malformed_two_int_timestamp_raises_typeerror(bad):
    with pytest.warns(DeprecationWarning), pytest.raises(TypeError):
        pywintypes.TimeStamp(bad)


# -- DosDateTimeToTime() ----------------------------------------------------

def dos_date(year, month, day):
    return (year - 1980) << 9 | month << 5 | day


def dos_time(hour, minute, second):
    return hour << 11 | minute << 5 | second // 2


def test_dos_date_time_decodes_fields_verbatim_as_utc():
    value = pywintypes.DosDateTimeToTime(dos_date(2020, 2, 29), dos_time(13, 45, 58))
    assert value == datetime.datetime(2020, 2, 29, 13, 45, 58, tzinfo=UTC)
    assert type(value) is pywintypes.TimeType


def test_dos_dates_with_the_top_bit_accept_signed_and_unsigned_spellings():
    unsigned = dos_date(2050, 7, 1)
    assert unsigned >= 0x8000
    expected = datetime.datetime(2050, 7, 1, tzinfo=UTC)
    assert pywintypes.DosDateTimeToTime(unsigned, 0) == expected
    assert pywintypes.DosDateTimeToTime(unsigned - 0x10000, 0) == expected


@pytest.mark.parametrize("date, tm", [
    (0, 0),  # month 0, day 0
    (dos_date(2020, 13, 1), 0),
    (dos_date(2021, 2, 29), 0),
    (dos_date(2020, 1, 1), dos_time(24, 0, 0)),
    (dos_date(2020, 1, 1), 30),  # 60 seconds
])
def test_invalid_dos_fields_raise_win32_error(date, tm):
    with pytest.raises(pywintypes.error) as info:
        pywintypes.DosDateTimeToTime(date, tm)
    assert info.value.winerror == 87  # ERROR_INVALID_PARAMETER
    assert info.value.funcname == "DosDateTimeToFileTime"


def test_dos_values_wider_than_16_bits_raise_overflowerror():
    with pytest.raises(OverflowError):
        pywintypes.DosDateTimeToTime(0x10000, 0)


def test_dos_values_of_wrong_type_raise_typeerror():
    with pytest.raises(TypeError):
        pywintypes.DosDateTimeToTime("1", 0)


# -- FILETIME helpers for the native side -----------------------------------

def test_filetime_round_trip_through_aware_time():
    value = datetime.datetime(2024, 2, 29, 23, 59, 59, 123000, tzinfo=UTC)
    ticks = _time.time_to_filetime(value)
    assert ticks == EPOCH_AS_FILETIME + int(value.timestamp() * 1000) * 10_000
    assert _time.filetime_to_time(ticks) == value


def test_time_to_filetime_converts_other_zones_to_utc():
    plus2 = datetime.timezone(datetime.timedelta(hours=2))
    value = datetime.datetime(1970, 1, 1, 2, tzinfo=plus2)
    assert _time.time_to_filetime(value) == EPOCH_AS_FILETIME


def test_time_to_filetime_reads_naive_values_as_local_time(plus3):
    assert _time.time_to_filetime(datetime.datetime(1970, 1, 1, 3)) == EPOCH_AS_FILETIME


def test_time_to_filetime_drops_sub_millisecond_digits():
    value = datetime.datetime(1970, 1, 1, 0, 0, 0, 1999, tzinfo=UTC)
    assert _time.time_to_filetime(value) == EPOCH_AS_FILETIME + 10_000


def test_time_to_filetime_before_1601_raises_win32_error():
    with pytest.raises(pywintypes.error) as info:
        _time.time_to_filetime(datetime.datetime(1600, 12, 31, tzinfo=UTC))
    assert info.value.winerror == 87  # ERROR_INVALID_PARAMETER
    assert info.value.funcname == "SystemTimeToFileTime"


@pytest.mark.parametrize("bad", [0, "2020-01-01", datetime.date(2020, 1, 1)])
def test_time_to_filetime_needs_a_datetime(bad):
    with pytest.raises(TypeError):
        _time.time_to_filetime(bad)


def test_filetime_to_time_needs_an_int():
    with pytest.raises(TypeError):
        _time.filetime_to_time(1.0)
