"""A console event log viewer: ``python -m win32evtlogutil`` (or
``python -m pywin32_posix.evtlog_viewer``), for a person, as Event Viewer or
journalctl would be used.

    python -m win32evtlogutil                       # the Application log, oldest first
    python -m win32evtlogutil -l System -n 20       # the last 20 records of System
    python -m win32evtlogutil --source MyApp --type error,warning
    python -m win32evtlogutil --follow              # then new records as they come
    python -m win32evtlogutil --backup saved.evt    # a file from BackupEventLog

One line per record: number, time, type, source, event id (its low 16 bits,
as Event Viewer shows it), and the message (win32evtlogutil.FormatMessage, or the string inserts
when the source has no message for it).
"""
import argparse
import json
import sys

TYPE_NAMES = {0: "success", 1: "error", 2: "warning", 4: "information",
              8: "audit-success", 16: "audit-failure"}


def _parse_types(text):
    wanted = set()
    by_name = {v: k for k, v in TYPE_NAMES.items()}
    for word in text.split(","):
        word = word.strip().lower()
        if word not in by_name:
            raise argparse.ArgumentTypeError(
                f"unknown type {word!r} (one of {', '.join(sorted(by_name))})")
        wanted.add(by_name[word])
    return wanted


def _arguments(argv):
    p = argparse.ArgumentParser(prog="python -m win32evtlogutil",
                                description="List, filter and follow an event log.")
    p.add_argument("-l", "--log", default="Application", help="log name (default: Application)")
    p.add_argument("-b", "--backup", metavar="FILE", help="read a backup file instead of a log")
    p.add_argument("-s", "--source", action="append", help="only this source (repeatable)")
    p.add_argument("-t", "--type", type=_parse_types, help="only these types, e.g. error,warning")
    p.add_argument("-i", "--id", type=int, action="append", help="only this event id (repeatable)")
    p.add_argument("-n", "--lines", type=int, metavar="N", help="only the last N matching records")
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new records")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    args = p.parse_args(argv)
    if args.follow and args.backup:
        p.error("--follow reads a live log, not a backup")
    return args


def _matches(rec, args):
    if args.source and rec.SourceName.lower() not in {s.lower() for s in args.source}:
        return False
    if args.type is not None and rec.EventType not in args.type:
        return False
    if args.id and (rec.EventID & 0xFFFF) not in args.id and (rec.EventID & 0xFFFFFFFF) not in args.id:
        return False
    return True


def _render(rec, args, log_name):
    import pywintypes
    import win32evtlogutil
    try:
        message = win32evtlogutil.FormatMessage(rec, log_name).rstrip("\r\n")
    except pywintypes.error:
        # No message file for it: the inserts say what the writer said.
        message = "; ".join(rec.StringInserts or ())
    kind = TYPE_NAMES.get(rec.EventType, str(rec.EventType))
    if args.json:
        return json.dumps({
            "record": rec.RecordNumber, "time": rec.TimeGenerated.isoformat(),
            "type": kind, "source": rec.SourceName, "event_id": rec.EventID & 0xFFFFFFFF,
            "category": rec.EventCategory, "computer": rec.ComputerName,
            "strings": list(rec.StringInserts or ()), "data": rec.Data.hex(),
            "sid": None if rec.Sid is None else str(rec.Sid), "message": message,
        })
    when = rec.TimeGenerated.strftime("%Y-%m-%d %H:%M:%S")
    return (f"{rec.RecordNumber:>7} {when} {kind:<11} {rec.SourceName} "
            f"[{rec.EventID & 0xFFFF}] {message.replace(chr(13) + chr(10), ' | ')}")


def _drain(handle, args, log_name, out, keep_last=None):
    import win32evtlog
    flags = win32evtlog.EVENTLOG_SEQUENTIAL_READ | win32evtlog.EVENTLOG_FORWARDS_READ
    tail = []
    while True:
        batch = win32evtlog.ReadEventLog(handle, flags, 0)
        if not batch:
            break
        for rec in batch:
            if not _matches(rec, args):
                continue
            if keep_last is None:
                print(_render(rec, args, log_name), file=out, flush=True)
            else:
                tail.append(rec)
                if len(tail) > keep_last:
                    tail.pop(0)
    for rec in tail:
        print(_render(rec, args, log_name), file=out, flush=True)


def main(argv=None, out=None):
    """The viewer's command line (see the module's docstring and --help): prints
    a log's records, or a backup file's, to out (sys.stdout); returns the exit status.
    """
    import pywintypes
    import win32event
    import win32evtlog
    out = out or sys.stdout
    args = _arguments(argv)
    try:
        if args.backup:
            handle = win32evtlog.OpenBackupEventLog(None, args.backup)
        else:
            handle = win32evtlog.OpenEventLog(None, args.log)
        event = None
        if args.follow:
            # Watch before the first read: nothing written in between is missed.
            event = win32event.CreateEvent(None, 0, 0, None)
            win32evtlog.NotifyChangeEventLog(handle, event)
        _drain(handle, args, args.log, out, args.lines)
        while event is not None:
            if win32event.WaitForSingleObject(event, 1000) == win32event.WAIT_OBJECT_0:
                _drain(handle, args, args.log, out)
    except pywintypes.error as exc:
        print(f"error: {exc.funcname}: {exc.strerror} ({exc.winerror})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
