"""pywintypes' time object (PyTime, shown as ``pywintypes.datetime``).

pywin32 on Python 3 represents every Windows time value as a subclass of
``datetime.datetime`` that adds one method, ``Format``.  Which timezone a
value carries depends on where it came from, and we keep pywin32's rules:

* ``Time(number)`` and ``Time(time_tuple)`` give a *naive* datetime in local
  time (pywin32 builds them with ``datetime.fromtimestamp`` and no tzinfo;
  the tuple is read as local time by ``mktime``).
* values built from a FILETIME/SYSTEMTIME (``TimeStamp``, ``DosDateTimeToTime``,
  ``filetime_to_time``) are *aware* and in UTC, with millisecond precision
  because pywin32 routes them through a SYSTEMTIME.

pywin32 uses ``win32timezone.TimeZoneInfo.utc()`` as the UTC tzinfo; we use
``datetime.timezone.utc``, which compares and converts identically and does
not drag in a registry-backed timezone module.
"""

import datetime as _dt
import operator as _operator
import time as _time
import warnings as _warnings

from pywin32_posix._errors import error

__all__ = [
    "TimeType",
    "Time",
    "TimeStamp",
    "DosDateTimeToTime",
    "filetime_to_time",
    "time_to_filetime",
]

_ERROR_INVALID_PARAMETER = 87
_MSG_INVALID_PARAMETER = "The parameter is incorrect."

_UTC = _dt.timezone.utc
_FILETIME_EPOCH = _dt.datetime(1601, 1, 1, tzinfo=_UTC)
_TICKS_PER_SECOND = 10_000_000
_TICKS_PER_MS = 10_000
_FILETIME_MAX = 2**63 - 1  # FileTimeToSystemTime rejects the sign bit


class TimeType(_dt.datetime):
    """A datetime that also answers pywin32's ``Format`` method."""

    __slots__ = ()

    def Format(self, format="%c"):
        """The time as text, by strftime's rules for format ("%c", the locale's
        date and time, by default); a format strftime refuses fails as it does.
        """
        return self.strftime(format)  # untouched, as pywin32 hands it over

    def __repr__(self):
        text = super().__repr__()
        return "pywintypes.datetime" + text[text.index("("):]

    def __reduce_ex__(self, protocol):
        # The class claims to be pywintypes.datetime, a name pickle could not
        # look up, so pickles rebuild through a function of this module.
        plain = _dt.datetime(self.year, self.month, self.day, self.hour,
                             self.minute, self.second, self.microsecond,
                             self.tzinfo, fold=self.fold)
        return (_from_datetime, (plain,))


# pywin32's type is named "pywintypes.datetime"; code that inspects the type
# (and the repr) expects that, while the module exports it as TimeType.
TimeType.__name__ = "datetime"
TimeType.__qualname__ = "datetime"
TimeType.__module__ = "pywintypes"


def _from_datetime(value):
    return TimeType(value.year, value.month, value.day, value.hour,
                    value.minute, value.second, value.microsecond,
                    value.tzinfo, fold=value.fold)


def _type_name(obj):
    return type(obj).__name__


def _from_posix_seconds(seconds):
    try:
        return TimeType.fromtimestamp(seconds)
    except (OverflowError, OSError, ValueError) as exc:
        raise OverflowError(f"timestamp out of range: {exc}") from None


def _from_time_tuple(seq):
    items = tuple(seq)
    if not 9 <= len(items) <= 10:
        raise TypeError(
            f"a time tuple needs 9 or 10 items (got {len(items)})")
    fields = []
    for item in items:
        try:
            fields.append(_operator.index(item))
        except TypeError:
            raise TypeError(
                f"time tuple items must be integers, not {_type_name(item)}"
            ) from None
    year = fields[0]
    # Like pywin32 (and old Python), two-digit years are accepted.
    if year < 1900:
        if 69 <= year <= 99:
            year += 1900
        elif 0 <= year <= 68:
            year += 2000
        else:
            raise ValueError("year out of range")
    millisec = fields[9] if len(fields) == 10 else 0
    try:
        seconds = _time.mktime((year, *fields[1:9]))
    except (OverflowError, ValueError):
        raise OverflowError("mktime argument out of range") from None
    return _from_posix_seconds(seconds + millisec / 1000.0)


def Time(timeRepr):
    """pywintypes.Time: build a time object from seconds, a tuple or a datetime.

    Accepted, in pywin32's order of checks:

    * a datetime: a TimeType is returned unchanged; any other datetime is
      copied into a TimeType with the same fields and tzinfo (pywin32 returns
      a plain datetime as-is, which would lack ``Format``),
    * anything with ``timetuple()`` (e.g. ``datetime.date``): its time tuple,
    * an int or float: POSIX seconds, giving naive local time (pywin32 only
      takes ints; fractional seconds are kept here),
    * a sequence of 9 ints as from ``time.localtime()`` plus an optional
      10th item of milliseconds, read as local time.
    """
    if isinstance(timeRepr, TimeType):
        return timeRepr
    if isinstance(timeRepr, _dt.datetime):
        return _from_datetime(timeRepr)
    obj = timeRepr
    timetuple = getattr(obj, "timetuple", None)
    if timetuple is not None:
        obj = timetuple()
    if isinstance(obj, float):
        return _from_posix_seconds(obj)
    if hasattr(type(obj), "__index__"):
        return _from_posix_seconds(_operator.index(obj))
    if hasattr(type(obj), "__float__"):
        return _from_posix_seconds(float(obj))
    if hasattr(type(obj), "__len__") and hasattr(type(obj), "__getitem__"):
        return _from_time_tuple(obj)
    raise TypeError(
        f"Objects of type '{_type_name(timeRepr)}' can not be used as a time object")


def filetime_to_time(filetime):
    """Convert a FILETIME count (100ns ticks since 1601-01-01 UTC) to TimeType.

    The result is UTC-aware and truncated to milliseconds, as pywin32's
    FILETIME -> SYSTEMTIME -> datetime path does.  Years past 9999 clamp to a
    naive ``datetime.max`` (pywin32 returns ``datetime.max`` there too).
    """
    try:
        ticks = _operator.index(filetime)
    except TypeError:
        raise TypeError(
            f"a FILETIME must be an int, not {_type_name(filetime)}") from None
    if not 0 <= ticks <= _FILETIME_MAX:
        raise error(_ERROR_INVALID_PARAMETER, "FileTimeToSystemTime",
                    _MSG_INVALID_PARAMETER)
    millis = ticks // _TICKS_PER_MS
    try:
        value = _FILETIME_EPOCH + _dt.timedelta(milliseconds=millis)
    except OverflowError:
        return _from_datetime(_dt.datetime.max)
    return _from_datetime(value)


def time_to_filetime(value):
    """Convert a datetime to a FILETIME count (100ns ticks since 1601 UTC).

    Aware values are converted to UTC; naive ones are taken as local time
    (pywin32 calls ``astimezone`` on them).  Precision is milliseconds, the
    resolution of the SYSTEMTIME pywin32 goes through.
    """
    if not isinstance(value, _dt.datetime):
        raise TypeError(
            f"must be a pywintypes time object (got {_type_name(value)})")
    try:
        utc = value.astimezone(_UTC)
    except (OverflowError, ValueError, OSError):
        raise error(_ERROR_INVALID_PARAMETER, "SystemTimeToFileTime",
                    _MSG_INVALID_PARAMETER) from None
    if utc < _FILETIME_EPOCH:
        raise error(_ERROR_INVALID_PARAMETER, "SystemTimeToFileTime",
                    _MSG_INVALID_PARAMETER)
    delta = utc - _FILETIME_EPOCH
    whole_seconds = delta.days * 86400 + delta.seconds
    return (whole_seconds * _TICKS_PER_SECOND
            + (delta.microseconds // 1000) * _TICKS_PER_MS)


def TimeStamp(timestamp):
    """pywintypes.TimeStamp: a time object from a 64-bit FILETIME-style count.

    The deprecated form ``(high, low)`` (two 32-bit halves) still works and
    warns, as in pywin32.  The low half is taken as unsigned 32 bits; pywin32
    ORs a sign-extended value, which only corrupts negative low halves.
    """
    if isinstance(timestamp, int):
        if not -(2**63) <= timestamp < 2**63:
            raise OverflowError("Python int too large to convert to C long long")
        return filetime_to_time(timestamp)
    if isinstance(timestamp, tuple):
        _warnings.warn(
            "Support for passing two ints to create a 64-bit value is "
            "deprecated; pass a single int instead",
            DeprecationWarning, stacklevel=2)
        if (len(timestamp) == 2
                and all(isinstance(part, int) for part in timestamp)
                and all(-(2**31) <= part < 2**32 for part in timestamp)):
            high, low = timestamp
            return filetime_to_time(_signed64((high << 32) | (low & 0xFFFFFFFF)))
    raise TypeError("LARGE_INTEGER must be 'int', or '(int, int)'")


def _signed64(value):
    value &= 2**64 - 1
    return value - 2**64 if value >= 2**63 else value


def DosDateTimeToTime(FatDate, FatTime):
    """pywintypes.DosDateTimeToTime: decode an MS-DOS (FAT) date and time.

    FatDate bits: 0-4 day, 5-8 month, 9-15 years since 1980.
    FatTime bits: 0-4 seconds / 2, 5-10 minutes, 11-15 hours.

    pywin32 parses both as signed shorts, so dates from 2044 on had to be
    passed negative; here both the signed and the unsigned 16-bit spellings
    are accepted.  As in pywin32 the fields are not shifted from local time:
    the result carries them verbatim with a UTC tzinfo.
    """
    words = []
    for value in (FatDate, FatTime):
        try:
            word = _operator.index(value)
        except TypeError:
            raise TypeError(
                f"an integer is required (got type {_type_name(value)})") from None
        if not -(2**15) <= word < 2**16:
            raise OverflowError("DOS date/time values are 16-bit")
        words.append(word & 0xFFFF)
    date, tm = words
    year = 1980 + (date >> 9)
    month = (date >> 5) & 0x0F
    day = date & 0x1F
    hour = tm >> 11
    minute = (tm >> 5) & 0x3F
    second = (tm & 0x1F) * 2
    try:
        return TimeType(year, month, day, hour, minute, second, tzinfo=_UTC)
    except ValueError:
        raise error(_ERROR_INVALID_PARAMETER, "DosDateTimeToFileTime",
                    _MSG_INVALID_PARAMETER) from None
