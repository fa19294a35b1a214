"""The profile (.ini) functions of win32api: GetProfileVal, WriteProfileVal,
GetProfileSection, WriteProfileSection.

Windows' rules: section and key names ignore case; a value enclosed in
quotes loses them when read; lines that are not `key=value` (comments, blank
lines) are kept when the file is rewritten; writing None as the value
removes the key, None as the key removes the section.

Where the file is: a path (POSIX, or Windows through the drive table) is
used as given; a bare name, and win.ini when no name is given, live in the
session's state directory (`<state>/ini/`), as Windows keeps a standard
user's copies of the Windows directory's .ini files in a per-user store.
Writers take an exclusive lock (flock on the file's lock file) and replace
the file atomically, so processes never see half a file.
"""
import fcntl
import os
import tempfile

from pywin32_posix._errors import error


def _native():
    from pywin32_posix._w32 import win32api
    return win32api


def _ini_path(iniName, function):
    name = iniName or "win.ini"
    if not isinstance(name, str):
        raise TypeError("iniName must be a string or None")
    if "/" not in name and "\\" not in name and ":" not in name:
        directory = os.path.join(_native()._state_dir(), "ini")
        os.makedirs(directory, mode=0o700, exist_ok=True)
        return os.path.join(directory, name)
    return _native()._posix_path(name, function)


def _read_lines(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return []
    if raw.startswith(b"\xff\xfe"):
        text = raw[2:].decode("utf-16-le", "replace")
    elif raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8", "replace")
    else:
        text = raw.decode("utf-8", "replace")
    return text.splitlines()


def _section_name(line):
    s = line.strip()
    if s.startswith("[") and "]" in s:
        return s[1:s.index("]")].strip()
    return None


def _split_entry(line):
    if "=" not in line or line.lstrip().startswith(";"):
        return None, None
    key, value = line.split("=", 1)
    return key.strip(), value.strip()


def _unquote(value):
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _section_range(lines, section):
    """(start, end) line indices of the section's body; None if absent."""
    want = section.casefold()
    for i, line in enumerate(lines):
        name = _section_name(line)
        if name is not None and name.casefold() == want:
            end = i + 1
            while end < len(lines) and _section_name(lines[end]) is None:
                end += 1
            return i + 1, end
    return None


class _Locked:
    """An exclusive lock for one .ini file, across processes."""

    def __init__(self, path):
        self.path = path

    def __enter__(self):
        directory = os.path.dirname(self.path) or "."
        self.fd = os.open(os.path.join(directory, "." + os.path.basename(self.path) + ".lock"),
                          os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        os.close(self.fd)


def _write_lines(path, lines):
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\r\n") as f:
            f.write("\n".join(lines) + ("\n" if lines else ""))
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _check_name(value, what, function):
    if not isinstance(value, str):
        raise TypeError("%s must be a string" % what)
    if "\0" in value or "\n" in value or "\r" in value:
        raise error(87, function, "The parameter is incorrect.")


def GetProfileVal(section, entry, defValue, iniName=None, /):
    """The value of `entry` in `section` of the file, or defValue."""
    _check_name(section, "section", "GetProfileVal")
    _check_name(entry, "entry", "GetProfileVal")
    lines = _read_lines(_ini_path(iniName, "GetProfileVal"))
    found = _section_range(lines, section)
    if found:
        want = entry.casefold()
        for line in lines[found[0]:found[1]]:
            key, value = _split_entry(line)
            if key is not None and key.casefold() == want:
                return _unquote(value)
    return defValue


def GetProfileSection(section, iniName=None, /):
    """The section's lines, as 'key=value' strings (comments left out)."""
    _check_name(section, "section", "GetProfileSection")
    lines = _read_lines(_ini_path(iniName, "GetProfileSection"))
    found = _section_range(lines, section)
    if not found:
        return []
    out = []
    for line in lines[found[0]:found[1]]:
        key, value = _split_entry(line)
        if key is not None:
            out.append("%s=%s" % (key, value))
    return out


def WriteProfileVal(section, entry, value, iniName=None, /):
    """Sets `entry` in `section` (created as needed); None as the value
    removes the entry, None as the entry removes the whole section."""
    _check_name(section, "section", "WriteProfileVal")
    if entry is not None:
        _check_name(entry, "entry", "WriteProfileVal")
    if value is not None:
        _check_name(value, "value", "WriteProfileVal")
    path = _ini_path(iniName, "WriteProfileVal")
    try:
        with _Locked(path):
            lines = _read_lines(path)
            found = _section_range(lines, section)
            if entry is None:
                if found:
                    del lines[found[0] - 1:found[1]]
                    _write_lines(path, lines)
                return
            if not found:
                if value is None:
                    return
                lines += ["[%s]" % section, "%s=%s" % (entry, value)]
                _write_lines(path, lines)
                return
            want = entry.casefold()
            for i in range(found[0], found[1]):
                key, _ = _split_entry(lines[i])
                if key is not None and key.casefold() == want:
                    if value is None:
                        del lines[i]
                    else:
                        lines[i] = "%s=%s" % (key, value)
                    _write_lines(path, lines)
                    return
            if value is not None:
                # After the section's last entry, before trailing blank lines.
                at = found[1]
                while at > found[0] and not lines[at - 1].strip():
                    at -= 1
                lines.insert(at, "%s=%s" % (entry, value))
                _write_lines(path, lines)
    except PermissionError:
        raise error(5, "WriteProfileVal", "Access is denied.") from None
    except FileNotFoundError:
        raise error(3, "WriteProfileVal", "The system cannot find the path specified.") from None


def WriteProfileSection(section, data, iniName=None, /):
    """Replaces the section's contents by `data`: 'key=value' lines separated
    by NULs (as Windows' buffer) or newlines."""
    _check_name(section, "section", "WriteProfileSection")
    if not isinstance(data, str):
        raise TypeError("data must be a string")
    entries = [line for line in data.replace("\0", "\n").split("\n") if line.strip()]
    path = _ini_path(iniName, "WriteProfileSection")
    try:
        with _Locked(path):
            lines = _read_lines(path)
            found = _section_range(lines, section)
            if found:
                lines[found[0]:found[1]] = entries
            else:
                lines += ["[%s]" % section, *entries]
            _write_lines(path, lines)
    except PermissionError:
        raise error(5, "WriteProfileSection", "Access is denied.") from None
    except FileNotFoundError:
        raise error(3, "WriteProfileSection", "The system cannot find the path specified.") from None
