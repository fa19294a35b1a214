"""win32pdhutil: convenience functions over win32pdh, as pywin32 has them,
and a console monitor in the manner of typeperf:

    python -m win32pdhutil "\\Processor(_Total)\\% Processor Time" -si 1 -sc 5
    python -m win32pdhutil "\\Process(*)\\Working Set" -sc 3 -o samples.csv
    python -m win32pdhutil --live "\\Processor(*)\\% Processor Time" "\\Memory\\Available MBytes"

The first prints typeperf's CSV ("(PDH-CSV 4.0)" header, one row per
sample); --live redraws the current values with a sparkline of the recent ones.
Counters that measure rates need two samples: the first row comes one
interval after the start, as with typeperf.
"""
import sys
import time

import win32pdh

__all__ = [
    "find_pdh_counter_localized_name", "GetPerformanceAttributes", "FindPerformanceAttributesByName",
    "ShowAllProcesses", "BrowseCallBackDemo", "browse", "main",
]

error = win32pdh.error

# Windows' English indexes of the names these helpers use by default.
_ENGLISH_INDEXES = {"process": 230, "id process": 784}


def find_pdh_counter_localized_name(english_name, machine_name=None):
    """The local-language name of an English object or counter name (the same here)."""
    index = _ENGLISH_INDEXES.get(english_name.lower())
    if index is None:
        index = win32pdh.LookupPerfIndexByName(machine_name, english_name)
    return win32pdh.LookupPerfNameByIndex(machine_name, index)


def GetPerformanceAttributes(object, counter, instance=None, inum=-1, format=win32pdh.PDH_FMT_LONG, machine=None):
    """One counter value from a query of one sample.

    A counter that measures a rate (e.g. "% Processor Time") needs two samples:
    it raises pywintypes.error "The data is not valid." here, as on Windows;
    keep a query open and call CollectQueryData twice for those.
    """
    path = win32pdh.MakeCounterPath((machine, object, instance, None, inum, counter))
    query = win32pdh.OpenQuery()
    try:
        handle = win32pdh.AddCounter(query, path)
        try:
            win32pdh.CollectQueryData(query)
            return win32pdh.GetFormattedCounterValue(handle, format)[1]
        finally:
            win32pdh.RemoveCounter(handle)
    finally:
        win32pdh.CloseQuery(query)


def _instance_counts(instances):
    """{name: how many instances carry it}, in first-seen order."""
    counts = {}
    for name in instances:
        counts[name] = counts.get(name, 0) + 1
    return counts


def FindPerformanceAttributesByName(instanceName, object=None, counter=None, format=win32pdh.PDH_FMT_LONG,
                                    machine=None, bRefresh=0):
    """The counter's value for every instance named instanceName (case-insensitive).

    By default: the "ID Process" of every process of that name, i.e. their pids.
    """
    if object is None:
        object = find_pdh_counter_localized_name("Process", machine)
    if counter is None:
        counter = find_pdh_counter_localized_name("ID Process", machine)
    if bRefresh:
        win32pdh.EnumObjects(None, machine, 0, 1)
    wanted = instanceName.lower()
    _, instances = win32pdh.EnumObjectItems(None, machine, object, win32pdh.PERF_DETAIL_WIZARD)
    values = []
    for name, count in _instance_counts(instances).items():
        if name.lower() != wanted:
            continue
        for inum in range(count):
            values.append(GetPerformanceAttributes(object, counter, name, inum, format, machine))
    return values


def ShowAllProcesses():
    """Prints every process with its ID and the first counters of the Process object."""
    object = find_pdh_counter_localized_name("Process")
    items, instances = win32pdh.EnumObjectItems(None, None, object, win32pdh.PERF_DETAIL_WIZARD)
    id_counter = find_pdh_counter_localized_name("ID Process")
    columns = [id_counter] + [c for c in items if c != id_counter][:5]
    print("Process Name", ",".join(columns))
    query = win32pdh.OpenQuery()
    try:
        rows = []
        for name, count in _instance_counts(instances).items():
            for inum in range(count):
                handles = [win32pdh.AddCounter(query, win32pdh.MakeCounterPath((None, object, name, None, inum, c)))
                           for c in columns]
                rows.append((name, handles))
        win32pdh.CollectQueryData(query)
        time.sleep(0.01)  # the "%" counters need two samples
        win32pdh.CollectQueryData(query)
        for name, handles in rows:
            cells = []
            for h in handles:
                try:
                    cells.append("%5d" % win32pdh.GetFormattedCounterValue(h, win32pdh.PDH_FMT_LONG)[1])
                except error:
                    cells.append("%5s" % "-")  # the process ended meanwhile
            print("%-15s\t" % name[:15], " ".join(cells))
    finally:
        win32pdh.CloseQuery(query)


def BrowseCallBackDemo(counters):
    """A BrowseCounters callback: prints each chosen counter's value and path parts."""
    if isinstance(counters, str):
        counters = [counters]
    for path in counters:
        machine, object, instance, parent, index, counter_name = win32pdh.ParseCounterPath(path)
        try:
            result = GetPerformanceAttributes(object, counter_name, instance, index, win32pdh.PDH_FMT_DOUBLE, machine)
        except error as exc:
            result = "unavailable (%s)" % exc.strerror
        print("Value of '%s' is" % path, result)
        print("Added '%s' on object '%s' (machine %s), instance %s(%d)-parent of %s"
              % (counter_name, object, machine, instance, index, parent))
    return 0


def browse(callback=BrowseCallBackDemo, title="Python Browser", level=win32pdh.PERF_DETAIL_WIZARD):
    """Lets the user choose counters (win32pdh.BrowseCounters) and passes each
    chosen path to callback.

    On POSIX: the chooser is a prompt on the terminal, not a dialog.
    """
    win32pdh.BrowseCounters(None, 0, callback, level, title, ReturnMultiple=True)


# ---- the typeperf-like monitor -------------------------------------------------

_SPARKS = "\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"


def sparkline(values):
    """A bar per value, scaled between the smallest and largest."""
    values = [v for v in values if v is not None]
    if not values:
        return ""
    low, high = min(values), max(values)
    span = high - low
    return "".join(_SPARKS[0 if span == 0 else min(len(_SPARKS) - 1, int((v - low) / span * len(_SPARKS)))]
                   for v in values)


def _expand(paths):
    out = []
    for path in paths:
        if "*" in path:
            out.extend(win32pdh.ExpandCounterPath(path))
        else:
            out.append(path)
    return out


def _csv(cells):
    return ",".join('"%s"' % str(c).replace('"', '""') for c in cells)


def _timestamp(t):
    lt = time.localtime(t)
    return time.strftime("%m/%d/%Y %H:%M:%S", lt) + ".%03d" % int((t % 1) * 1000)


class _Monitor:
    def __init__(self, paths):
        self.paths = _expand(paths)
        if not self.paths:
            raise SystemExit("win32pdhutil: no counters match")
        self.query = win32pdh.OpenQuery()
        self.handles = []
        for path in self.paths:
            self.handles.append(win32pdh.AddCounter(self.query, path))
        self.full_paths = [win32pdh.GetCounterInfo(h, False)[7] for h in self.handles]
        win32pdh.CollectQueryData(self.query)

    def sample(self):
        win32pdh.CollectQueryData(self.query)
        values = []
        for h in self.handles:
            try:
                values.append(win32pdh.GetFormattedCounterValue(h, win32pdh.PDH_FMT_DOUBLE)[1])
            except error:
                values.append(None)  # typeperf leaves the cell blank
        return values

    def close(self):
        win32pdh.CloseQuery(self.query)


def _run_csv(monitor, interval, count, out):
    out.write(_csv(["(PDH-CSV 4.0)"] + monitor.full_paths) + "\n")
    out.flush()
    n = 0
    while count is None or n < count:
        time.sleep(interval)
        values = monitor.sample()
        out.write(_csv([_timestamp(time.time())] + [" " if v is None else "%.6f" % v for v in values]) + "\n")
        out.flush()
        n += 1


def _run_live(monitor, interval, count, out, width=40):
    history = [[] for _ in monitor.paths]
    n = 0
    while count is None or n < count:
        time.sleep(interval)
        values = monitor.sample()
        out.write("\x1b[H\x1b[2J" if out.isatty() else "\n")
        out.write(_timestamp(time.time()) + "\n")
        for path, value, past in zip(monitor.full_paths, values, history):
            past.append(value)
            del past[:-width]
            shown = "-" if value is None else "%14.3f" % value
            out.write("%14s  %-*s  %s\n" % (shown, width, sparkline(past), path))
        out.flush()
        n += 1


def main(argv=None):
    """The command line of `python -m win32pdhutil`: lists objects and counters,
    or samples counters as typeperf-style CSV or a live view (see --help).
    """
    import argparse

    parser = argparse.ArgumentParser(prog="win32pdhutil", description="Performance counters on the console, "
                                     "typeperf-style CSV or a live view.")
    parser.add_argument("counters", nargs="*", help="counter paths, wildcards allowed")
    parser.add_argument("-si", dest="interval", type=float, default=1.0, help="seconds between samples (1)")
    parser.add_argument("-sc", dest="count", type=int, default=None, help="number of samples (until Ctrl+C)")
    parser.add_argument("-cf", dest="counter_file", help="a file with one counter path per line")
    parser.add_argument("-o", dest="output", help="write to this file instead of the console")
    parser.add_argument("-y", dest="yes", action="store_true", help="overwrite without asking (accepted)")
    parser.add_argument("-q", dest="list_object", nargs="?", const="", default=None,
                        help="list the counters of an object (all objects when none given)")
    parser.add_argument("--live", action="store_true", help="redraw values with sparklines")
    args = parser.parse_args(argv)
    if args.list_object is not None:
        objects = [args.list_object] if args.list_object else win32pdh.EnumObjects(None, None, 400)
        for obj in objects:
            counters, instances = win32pdh.EnumObjectItems(None, None, obj, win32pdh.PERF_DETAIL_WIZARD)
            inst = "(*)" if instances else ""
            for c in counters:
                print("\\%s%s\\%s" % (obj, inst, c))
        return 0
    paths = list(args.counters)
    if args.counter_file:
        with open(args.counter_file) as f:
            paths += [line.strip() for line in f if line.strip()]
    if not paths:
        parser.error("no counters given")
    if args.interval <= 0 or (args.count is not None and args.count < 0):
        parser.error("-si must be positive and -sc not negative")
    out = open(args.output, "w", newline="") if args.output else sys.stdout
    monitor = _Monitor(paths)
    try:
        (_run_live if args.live else _run_csv)(monitor, args.interval, args.count, out)
    except KeyboardInterrupt:
        pass
    finally:
        monitor.close()
        if out is not sys.stdout:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
