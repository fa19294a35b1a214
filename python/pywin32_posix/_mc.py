"""Message files in the Message Compiler's text format (.mc), read directly.

Windows keeps an event source's messages in a DLL's message table, compiled
by mc.exe from a .mc file; here the .mc file itself is the message file.
What is understood:

    ; a comment line
    SeverityNames=(Success=0x0 Informational=0x1 Warning=0x2 Error=0x3)
    FacilityNames=(System=0x0FF Application=0xFFF)
    LanguageNames=(English=0x409:MSG00409)
    MessageIdTypedef=DWORD          (accepted, ignored; so is OutputBase)

    MessageId=0x1                   (or +1, or empty: the previous id + 1)
    Severity=Error                  (optional; kept for following messages)
    Facility=Application            (optional; kept likewise)
    SymbolicName=MSG_GENERIC        (optional)
    Language=English
    text lines...
    .

A message's id is Severity << 30 | Facility << 16 | MessageId, as mc makes
it. Like mc, each text line ends in CR LF; "%0" at the end of the text
suppresses that (FormatMessage stops there).
"""
import os
import re

__all__ = ["MessageFileError", "parse", "load"]

_KEYWORD = re.compile(r"\s*([A-Za-z]+)\s*=\s*(.*?)\s*\Z")
_NUMBER = re.compile(r"(0[xX][0-9A-Fa-f]+|[0-9]+)\Z")
_PAIR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(0[xX][0-9A-Fa-f]+|[0-9]+)(?::[A-Za-z_][A-Za-z0-9_]*)?")


class MessageFileError(ValueError):
    """The file is not a message file we can read; says where and why."""

    def __init__(self, path, line, reason):
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = path, line, reason


class MessageTable:
    """The messages of one file: {full id: {language name: text}}."""

    def __init__(self, messages):
        self.messages = messages

    def get(self, message_id, language=None):
        texts = self.messages.get(message_id & 0xFFFFFFFF)
        if not texts:
            return None
        if language in texts:
            return texts[language]
        return texts.get("English", next(iter(texts.values())))


def _number(text, path, line, what):
    if not _NUMBER.match(text):
        raise MessageFileError(path, line, f"{what} is not a number: {text!r}")
    return int(text, 0)


def parse(text, path="<string>"):
    """Parses .mc text into a MessageTable; MessageFileError if malformed."""
    severities = {"success": 0, "informational": 1, "warning": 2, "error": 3}
    facilities = {"system": 0x0FF, "application": 0xFFF}
    messages = {}
    lines = text.splitlines()
    i = 0
    last_id = -1
    severity = facility = 0
    current = None  # the full id of the message being read

    def name_list(value, start):
        # "(a=1 b=2\n c=3)" may run over several lines.
        nonlocal i
        body = value
        while ")" not in body:
            i += 1
            if i >= len(lines):
                raise MessageFileError(path, start + 1, "unterminated name list")
            body += " " + lines[i]
        if not body.lstrip().startswith("("):
            raise MessageFileError(path, start + 1, "a name list starts with '('")
        inner = body[body.index("(") + 1:body.index(")")]
        pairs = _PAIR.findall(inner)
        if _PAIR.sub("", inner).strip():
            raise MessageFileError(path, start + 1, f"bad name list: {inner.strip()!r}")
        return {name.lower(): int(value, 0) for name, value in pairs}

    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        if not stripped or stripped.startswith(";"):
            i += 1
            continue
        m = _KEYWORD.match(raw)
        if not m:
            raise MessageFileError(path, i + 1, f"expected a keyword line, not {stripped[:40]!r}")
        key, value = m.group(1).lower(), m.group(2)
        if key == "severitynames":
            severities.update(name_list(value, i))
        elif key == "facilitynames":
            facilities.update(name_list(value, i))
        elif key == "languagenames":
            name_list(value, i)
        elif key in ("messageidtypedef", "outputbase"):
            pass
        elif key == "messageid":
            if value == "":
                number = last_id + 1
            elif value.startswith("+"):
                number = last_id + _number(value[1:].strip(), path, i + 1, "MessageId")
            else:
                number = _number(value, path, i + 1, "MessageId")
            if not 0 <= number <= 0xFFFF:
                raise MessageFileError(path, i + 1, f"MessageId out of range: {number}")
            last_id = number
            current = number
        elif key in ("severity", "facility", "symbolicname"):
            if current is None:
                raise MessageFileError(path, i + 1, f"{m.group(1)} before any MessageId")
            if key == "severity":
                if value.lower() not in severities:
                    raise MessageFileError(path, i + 1, f"unknown severity {value!r}")
                severity = severities[value.lower()]
            elif key == "facility":
                if value.lower() not in facilities:
                    raise MessageFileError(path, i + 1, f"unknown facility {value!r}")
                facility = facilities[value.lower()]
        elif key == "language":
            if current is None:
                raise MessageFileError(path, i + 1, "Language before any MessageId")
            start = i
            body = []
            i += 1
            while i < len(lines) and lines[i].rstrip() != ".":
                body.append(lines[i])
                i += 1
            if i >= len(lines):
                raise MessageFileError(path, start + 1, "message text not ended by a '.' line")
            full = (severity & 3) << 30 | (facility & 0xFFF) << 16 | current
            messages.setdefault(full, {})[value] = "".join(line + "\r\n" for line in body)
        else:
            raise MessageFileError(path, i + 1, f"unknown keyword {m.group(1)!r}")
        i += 1
    if not messages:
        raise MessageFileError(path, len(lines), "no messages")
    return MessageTable(messages)


_cache = {}


def load(path):
    """The MessageTable of a .mc file, cached while the file is unchanged.
    OSError when it cannot be read, MessageFileError when it is malformed."""
    st = os.stat(path)
    key = (st.st_ino, st.st_mtime_ns, st.st_size)
    hit = _cache.get(path)
    if hit and hit[0] == key:
        return hit[1]
    if st.st_size > 16 * 1024 * 1024:
        raise MessageFileError(path, 0, "file too large for a message file")
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                text = raw.decode("utf-16")
            except UnicodeDecodeError:
                raise MessageFileError(path, 0, "not valid UTF-16 text") from None
        else:
            raise MessageFileError(path, 0, "not UTF-8 or UTF-16 text") from None
    if "\x00" in text:
        raise MessageFileError(path, 0, "binary data, not a .mc text file")
    table = parse(text, path)
    _cache[path] = (key, table)
    return table
