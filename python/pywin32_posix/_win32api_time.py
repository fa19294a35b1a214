"""win32api's clock and calendar functions: SYSTEMTIME tuples, the time
zone's rules, Windows' date and time pictures, Sleep, and setting the clock.
win32api re-exports them."""
import time as _time

from pywin32_posix._errors import error
from pywin32_posix._time import filetime_to_time as _filetime_to_time

_ERROR_INVALID_PARAMETER = 87


def _systemtime(t, ns):
    # SYSTEMTIME order; wDayOfWeek counts from Sunday = 0.
    return (t.tm_year, t.tm_mon, (t.tm_wday + 1) % 7, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
            (ns // 1_000_000) % 1000)


def GetLocalTime():
    """(year, month, dayOfWeek, day, hour, minute, second, milliseconds), local."""
    ns = _time.time_ns()
    return _systemtime(_time.localtime(ns // 1_000_000_000), ns)


def GetSystemTime():
    """(year, month, dayOfWeek, day, hour, minute, second, milliseconds), UTC."""
    ns = _time.time_ns()
    return _systemtime(_time.gmtime(ns // 1_000_000_000), ns)


def GetSystemTimeAsFileTime():
    """The current time as a pywintypes.Time (from a FILETIME)."""
    return _filetime_to_time(_time.time_ns() // 100 + 116444736000000000)


def _transition_rule(when):
    """The SYSTEMTIME rule (year 0) for a DST transition at `when` (epoch
    seconds): month, weekday, its week of the month (5 = last), and the
    wall-clock time the clocks read when it happens."""
    before = _time.localtime(when - 1)
    seconds = before.tm_hour * 3600 + before.tm_min * 60 + before.tm_sec + 1
    t = _time.localtime(when)
    week = (t.tm_mday - 1) // 7 + 1
    if t.tm_mday + 7 > _days_in_month(t.tm_year, t.tm_mon):
        week = 5
    return (0, t.tm_mon, (t.tm_wday + 1) % 7, week, seconds // 3600 % 24, seconds // 60 % 60, 0, 0)


def _days_in_month(year, month):
    import calendar
    return calendar.monthrange(year, month)[1]


def _find_transitions(year):
    """Epoch seconds of this year's changes of tm_isdst, in order."""
    start = int(_time.mktime((year, 1, 1, 0, 0, 0, 0, 1, -1)))
    end = int(_time.mktime((year + 1, 1, 1, 0, 0, 0, 0, 1, -1)))
    found = []
    step = 86400
    t = start
    dst = _time.localtime(t).tm_isdst
    while t < end:
        n = min(t + step, end)
        ndst = _time.localtime(n).tm_isdst
        if ndst != dst:
            lo, hi = t, n  # the change is in (lo, hi]
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _time.localtime(mid).tm_isdst == dst:
                    lo = mid
                else:
                    hi = mid
            found.append((hi, ndst))
            dst = ndst
        t = n
    return found


def GetTimeZoneInformation(times_as_tuples=True, /):
    """(TIME_ZONE_ID_UNKNOWN/STANDARD/DAYLIGHT, (Bias, StandardName,
    StandardDate, StandardBias, DaylightName, DaylightDate, DaylightBias))
    from the C library's zone (TZ or /etc/localtime). Dates are rules
    (year 0) as SYSTEMTIME tuples; names are the zone's abbreviations."""
    _time.tzset()
    now = _time.localtime()
    bias = _time.timezone // 60
    std_name, dst_name = _time.tzname
    no_rule = (0, 0, 0, 0, 0, 0, 0, 0)
    std_date = dst_date = no_rule
    dst_bias = 0
    transitions = _find_transitions(now.tm_year) if _time.daylight else []
    for when, to_dst in transitions:
        if to_dst:
            dst_date = _transition_rule(when)
        else:
            std_date = _transition_rule(when)
    if transitions:
        dst_bias = (_time.altzone - _time.timezone) // 60
        code = 2 if now.tm_isdst > 0 else 1
    else:
        code = 0
    return code, (bias, std_name, std_date, 0, dst_name, dst_date, dst_bias)


def Sleep(time, bAlterable=0, /):
    """Sleeps `time` milliseconds (INFINITE: until a signal ends it)."""
    if time in (-1, 0xFFFFFFFF):
        while True:
            _time.sleep(3600)
    if time < 0:
        raise error(_ERROR_INVALID_PARAMETER, "Sleep", "The parameter is incorrect.")
    _time.sleep(time / 1000)


def SleepEx(time, bAlterable=0, /):
    """Sleep, returning 0 (no APCs are queued on POSIX)."""
    Sleep(time, bAlterable)
    return 0


# --- GetDateFormat / GetTimeFormat (Windows' picture strings) -----------------------

_DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"]
_DATE_SHORTDATE = 0x1
_DATE_LONGDATE = 0x2
_TIME_NOMINUTESORSECONDS = 0x1
_TIME_NOSECONDS = 0x2
_TIME_NOTIMEMARKER = 0x4
_TIME_FORCE24HOURFORMAT = 0x8


def _picture_runs(picture):
    """Splits a picture into (letter run) and literal parts; '...' quotes,
    '' is a quote."""
    out, i, n = [], 0, len(picture)
    while i < n:
        c = picture[i]
        if c == "'":
            j = i + 1
            text = ""
            while j < n:
                if picture[j] == "'":
                    if j + 1 < n and picture[j + 1] == "'":
                        text += "'"
                        j += 2
                        continue
                    break
                text += picture[j]
                j += 1
            out.append((None, text if j > i + 1 else "'"))
            i = j + 1
            continue
        if c.isalpha():
            j = i
            while j < n and picture[j] == c:
                j += 1
            out.append((c, j - i))
            i = j
            continue
        out.append((None, c))
        i += 1
    return out


def _when(time):
    import datetime
    if time is None:
        return datetime.datetime.now()
    if isinstance(time, datetime.datetime):
        return time
    raise TypeError("time must be a pywintypes.Time (datetime) or None")


def GetDateFormat(locale, flags, time, _format=None, /):
    """Formats a date with a Windows picture (d dd ddd dddd M MM MMM MMMM y yy
    yyyy gg, 'quoted text'); without one, en-US's short (M/d/yyyy) or long
    (dddd, MMMM d, yyyy) form. Names are English."""
    t = _when(time)
    picture = _format or ("dddd, MMMM d, yyyy" if flags & _DATE_LONGDATE else "M/d/yyyy")
    out = []
    for letter, run in _picture_runs(picture):
        if letter is None:
            out.append(run)
        elif letter == "d":
            out.append(str(t.day) if run == 1 else "%02d" % t.day if run == 2
                       else _DAY_NAMES[t.weekday()][:3] if run == 3 else _DAY_NAMES[t.weekday()])
        elif letter == "M":
            out.append(str(t.month) if run == 1 else "%02d" % t.month if run == 2
                       else _MONTH_NAMES[t.month - 1][:3] if run == 3 else _MONTH_NAMES[t.month - 1])
        elif letter == "y":
            out.append(str(t.year % 100) if run == 1 else "%02d" % (t.year % 100) if run == 2
                       else "%04d" % t.year)
        elif letter == "g":
            out.append("A.D.")
        else:
            out.append(letter * run)
    return "".join(out)


def GetTimeFormat(locale, flags, time, _format=None, /):
    """Formats a time with a Windows picture (h hh H HH m mm s ss t tt,
    'quoted text'); without one, en-US's h:mm:ss tt. The TIME_* flags drop
    minutes/seconds, the marker, or force 24 hours."""
    t = _when(time)
    picture = _format or "h:mm:ss tt"
    runs = _picture_runs(picture)
    out = []
    skip_next_literal = False
    for letter, run in runs:
        if letter is None:
            if not skip_next_literal:
                out.append(run)
            skip_next_literal = False
            continue
        skip_next_literal = False
        if letter in "ms" and (flags & _TIME_NOMINUTESORSECONDS or (letter == "s" and flags & _TIME_NOSECONDS)):
            if out and not out[-1][-1:].isalnum():
                out.pop()  # the separator before it goes too
            continue
        if letter == "t" and flags & _TIME_NOTIMEMARKER:
            if out and out[-1] == " ":
                out.pop()
            continue
        if letter == "h" and not flags & _TIME_FORCE24HOURFORMAT:
            hour = t.hour % 12 or 12
            out.append(str(hour) if run == 1 else "%02d" % hour)
        elif letter in "hH":
            out.append(str(t.hour) if run == 1 else "%02d" % t.hour)
        elif letter == "m":
            out.append(str(t.minute) if run == 1 else "%02d" % t.minute)
        elif letter == "s":
            out.append(str(t.second) if run == 1 else "%02d" % t.second)
        elif letter == "t":
            marker = "AM" if t.hour < 12 else "PM"
            if flags & _TIME_FORCE24HOURFORMAT:
                if out and out[-1] == " ":
                    out.pop()
                continue
            out.append(marker[:1] if run == 1 else marker)
        else:
            out.append(letter * run)
    return "".join(out)


# --- setting the clock --------------------------------------------------------------
_ERROR_PRIVILEGE_NOT_HELD = 1314


def _set_clock(seconds, function):
    try:
        _time.clock_settime(_time.CLOCK_REALTIME, seconds)
    except PermissionError:
        raise error(_ERROR_PRIVILEGE_NOT_HELD, function,
                    "A required privilege is not held by the client.") from None
    except (OSError, OverflowError, ValueError):
        raise error(_ERROR_INVALID_PARAMETER, function, "The parameter is incorrect.") from None


def SetSystemTime(year, month, dayOfWeek, day, hour, minute, second, milliseconds, /):
    """Sets the clock to a UTC time (dayOfWeek is ignored, as Windows ignores
    it). Needs CAP_SYS_TIME (root), as Windows needs SE_SYSTEMTIME_NAME:
    _ERROR_PRIVILEGE_NOT_HELD otherwise."""
    import calendar
    import datetime
    try:
        datetime.datetime(year, month, day, hour, minute, second, milliseconds * 1000)
    except (TypeError, ValueError):
        raise error(_ERROR_INVALID_PARAMETER, "SetSystemTime", "The parameter is incorrect.") from None
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)) + milliseconds / 1000
    _set_clock(seconds, "SetSystemTime")


def SetLocalTime(SystemTime, /):
    """Sets the clock from a local time (a pywintypes.Time or datetime; one
    carrying a time zone is converted). Needs CAP_SYS_TIME (root)."""
    import datetime
    if not isinstance(SystemTime, datetime.datetime):
        raise TypeError("SystemTime must be a pywintypes.Time (datetime)")
    _set_clock(SystemTime.timestamp(), "SetLocalTime")
