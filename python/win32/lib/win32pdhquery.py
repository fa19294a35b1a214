"""win32pdhquery: pywin32's query classes over win32pdh.

BaseQuery keeps a list of counter paths and reads them all at once;
Query adds counters for every instance of a process name ("volatile"
counters are resolved each time the query opens) and collection over a
period, in the calling thread or a background one.
"""
import _thread
import time

import win32pdh

__all__ = ["BaseQuery", "Query", "QueryError"]


class BaseQuery:
    """Counter paths, and a PDH query over them while open."""

    def __init__(self, paths=None):
        self.counters = []
        self.paths = list(paths) if paths else []
        self.active = 0
        self.curpaths = []
        self._base = None

    def addcounterbybrowsing(self, flags=win32pdh.PERF_DETAIL_WIZARD, windowtitle="Python Browser"):
        """Adds the counters the user picks (win32pdh.BrowseCounters)."""
        win32pdh.BrowseCounters(None, 0, self.paths.append, flags, windowtitle)

    def rawaddcounter(self, object, counter, instance=None, inum=-1, machine=None):
        """Adds a path without checking it."""
        self.paths.append(win32pdh.MakeCounterPath((machine, object, instance, None, inum, counter)))

    def addcounter(self, object, counter, instance=None, inum=-1, machine=None):
        """Adds a counter while closed; 0 on success, -1 when open or on a bad path."""
        if self.active:
            return -1
        try:
            self.rawaddcounter(object, counter, instance, inum, machine)
        except win32pdh.error:
            return -1
        return 0

    def open(self):
        """Opens the PDH query; paths that name no counter are skipped."""
        if self.active:
            return
        self.active = 1
        self.curpaths = []
        self._base = win32pdh.OpenQuery()
        for path in self.paths:
            self._add(path)

    def _add(self, path):
        try:
            self.counters.append(win32pdh.AddCounter(self._base, path))
            self.curpaths.append(path)
        except win32pdh.error:
            pass

    def killbase(self, base=None):
        """Closes the PDH query."""
        base = self._base if base is None else base
        self._base = None
        if base is not None:
            try:
                win32pdh.CloseQuery(base)
            except win32pdh.error:
                pass

    def close(self):
        """Removes the counters and closes the PDH query; the paths stay for a later open()."""
        for counter in self.counters:
            try:
                win32pdh.RemoveCounter(counter)
            except win32pdh.error:
                pass
        self.counters = []
        self.killbase()
        self.active = 0
        self.curpaths = []

    __del__ = close

    def collectdata(self, format=win32pdh.PDH_FMT_LONG):
        """One value per open counter (-1 where there is none); opens and closes around it when closed."""
        if self.active:
            return self.collectdataslave(format)
        self.open()
        try:
            return self.collectdataslave(format)
        finally:
            self.close()

    def collectdataslave(self, format=win32pdh.PDH_FMT_LONG):
        """Collects once and returns the formatted values in path order
        (None for a counter that has no value); the query must be open.
        """
        if self.counters:
            win32pdh.CollectQueryData(self._base)
        values = []
        for counter in self.counters:
            try:
                values.append(win32pdh.GetFormattedCounterValue(counter, format)[1])
            except win32pdh.error:
                values.append(-1)
        return values

    def __getinitargs__(self):
        return (self.paths,)


class Query(BaseQuery):
    """A BaseQuery with per-process-name counters and timed collection."""

    def __init__(self, *args, **namedargs):
        self.volatilecounters = []
        self.curresults = []
        self.collectdatawhile_active = 0
        BaseQuery.__init__(self, *args, **namedargs)

    def addperfcounter(self, object, counter, machine=None):
        """Deprecated: use addcounter."""
        return BaseQuery.addcounter(self, object=object, counter=counter, machine=machine)

    def addinstcounter(self, object, counter, machine=None, objtype="Process", volatile=1,
                       format=win32pdh.PDH_FMT_LONG):
        """Counts `counter` for every instance named `object` (e.g. every "python" process).

        Volatile ones are looked up again each time the query opens.
        """
        if volatile:
            self.volatilecounters.append((object, counter, machine, objtype, format))
        else:
            self.paths.extend(self.getinstpaths(object, counter, machine, objtype, format))

    def getinstpaths(self, object, counter, machine=None, objtype="Process", format=win32pdh.PDH_FMT_LONG):
        """The paths of `counter` for each instance named `object` of `objtype`."""
        _, instances = win32pdh.EnumObjectItems(None, machine, objtype, -1)
        count = sum(1 for name in instances if name == object)
        return [win32pdh.MakeCounterPath((machine, objtype, object, None, inum, counter)) for inum in range(count)]

    def open(self, *args, **namedargs):
        """Opens the query as BaseQuery.open, then adds the counters of every
        instance of the volatile counters (addinstcounter) found now.
        """
        if self.active:
            return
        BaseQuery.open(self, *args, **namedargs)
        for spec in self.volatilecounters:
            for path in self.getinstpaths(*spec):
                self._add(path)

    def collectdatafor(self, totalperiod, period=1):
        """Samples every `period` seconds for `totalperiod` seconds into self.curresults."""
        results = []
        try:
            self.open()
            for _ in range(int(totalperiod / period)):
                results.append(self.collectdata())
                time.sleep(period)
            self.curresults = results
        finally:
            self.close()

    def collectdatawhile(self, period=1):
        """Samples in a background thread until collectdatawhile_stop(); results in self.curresults."""
        self.collectdatawhile_active = 1
        _thread.start_new_thread(self.collectdatawhile_slave, (period,))

    def collectdatawhile_stop(self):
        """Ends the collection that collectdatawhile started, after its current period."""
        self.collectdatawhile_active = 0

    def collectdatawhile_slave(self, period):
        """Collects every period seconds until collectdatawhile_stop(); the rows are
        kept in self.curresults (the body of collectdatawhile's thread).
        """
        results = []
        try:
            self.open()
            while self.collectdatawhile_active:
                results.append(self.collectdata())
                time.sleep(period)
            self.curresults = results
        finally:
            self.close()

    def __getinitargs__(self):
        return (self.paths,)


class QueryError:
    """What a failed query raises (old-style: not an Exception subclass, as in
    pywin32); its repr names the query.
    """
    def __init__(self, query):
        self.query = query

    def __repr__(self):
        return "<Query Error in %s>" % repr(self.query)

    __str__ = __repr__
