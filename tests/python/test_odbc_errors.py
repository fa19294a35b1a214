"""odbc: what goes wrong gives the right odbc error, never a crash: bad SQL,
wrong parameters, closed cursors and connections, a server that goes away
in the middle of a fetch, and no statement handles left behind."""
import gc
import re
import resource

import pytest

import odbc
from odbc_helpers import conn, db, pg_server, sqlite_backend  # noqa: F401  (fixtures)
from pg_server import PgServer

MESSAGE = re.compile(r"^\[(\w{5})\] .+ in [A-Za-z-]+$", re.S)


def check_message(exc, state=None):
    text = str(exc.value)
    assert MESSAGE.match(text), text
    assert exc.value.sqlstate == text[1:6]
    if state:
        assert exc.value.sqlstate == state, text


def test_bad_sql(db, conn):
    cur = conn.cursor()
    # The class follows the driver's SQLSTATE: PostgreSQL says 42601 (a
    # syntax error), the SQLite driver HY000 for every SQL error.
    cls = odbc.progError if db.is_pg else odbc.opError
    with pytest.raises(cls) as e:
        cur.execute("selec 1")
    check_message(e, "42601" if db.is_pg else "HY000")
    assert str(e.value).endswith(" in EXEC")
    assert cur.description is None
    # The cursor is still good.
    cur.execute("select 1")
    assert cur.fetchall() == [(1,)]


def test_missing_table(db, conn):
    with pytest.raises(odbc.progError if db.is_pg else odbc.opError) as e:
        conn.cursor().execute("select * from no_such_table_here")
    check_message(e, "42P01" if db.is_pg else None)


def test_unique_violation(db, conn):
    t = db.table()
    cur = conn.cursor()
    cur.execute(f"create table {t}(a integer primary key)")
    cur.execute(f"insert into {t} values (1)")
    # PostgreSQL: 23505, an integrity error; the SQLite driver: HY000 (as on Windows with it).
    with pytest.raises(odbc.integrityError if db.is_pg else odbc.opError) as e:
        cur.execute(f"insert into {t} values (?)", (1,))
    check_message(e, "23505" if db.is_pg else "HY000")
    assert "UNIQUE" in str(e.value).upper()


def test_pg_data_errors(db, conn):
    if not db.is_pg:
        pytest.skip("SQLite is dynamically typed and divides by zero into NULL")
    cur = conn.cursor()
    with pytest.raises(odbc.dataError) as e:
        cur.execute("select 1/0")
    check_message(e, "22012")
    t = db.table()
    cur.execute(f"create table {t}(a integer)")
    with pytest.raises(odbc.dataError) as e:
        cur.execute(f"insert into {t} values (?)", ("not a number",))
    check_message(e, "22P02")


@pytest.mark.parametrize("values", [(1, 2), (), ("only one",)], ids=["too-many", "none", "too-few"])
def test_wrong_parameter_count(db, conn, values):
    cur = conn.cursor()
    sql = "select ?, ?" if len(values) == 1 else "select ?"
    if values == ():
        # No values at all: the driver finds the marker unbound.
        with pytest.raises((odbc.progError, odbc.internalError, odbc.opError)):
            cur.execute(sql, values)
        return
    with pytest.raises(odbc.progError) as e:
        cur.execute(sql, values)
    check_message(e, "07002")


def test_bulk_row_with_wrong_count(db, conn):
    t = db.table()
    cur = conn.cursor()
    cur.execute(f"create table {t}(a integer, b integer)")
    with pytest.raises(odbc.progError):
        cur.execute(f"insert into {t} values (?, ?)", [(1, 2), (3,)])
    with pytest.raises(odbc.error, match="sequence of sequences"):
        cur.execute(f"insert into {t} values (?, ?)", [(1, 2), 5])


@pytest.mark.parametrize("values", ["abc", b"abc", 5, 1.5, object()], ids=["str", "bytes", "int", "float", "object"])
def test_values_must_be_a_sequence(conn, values):
    with pytest.raises(odbc.error, match="Values must be a sequence"):
        conn.cursor().execute("select ?", values)


@pytest.mark.parametrize("sql", [None, 5, ["select 1"]], ids=["None", "int", "list"])
def test_sql_must_be_text(conn, sql):
    with pytest.raises(TypeError):
        conn.cursor().execute(sql)


def test_sql_bytes_must_be_utf8(conn):
    with pytest.raises(UnicodeDecodeError):
        conn.cursor().execute(b"select '\xff'")


def test_connection_string_must_be_text():
    with pytest.raises(TypeError):
        odbc.odbc(b"Driver={SQLite3};Database=x")
    with pytest.raises(TypeError):
        odbc.odbc(None)


def test_unknown_dsn_in_pywin32_form():
    # "dsn/uid/pwd": pywin32's older form, an unknown DSN -> the driver manager's IM002.
    with pytest.raises(odbc.opError) as e:
        odbc.odbc("no_such_dsn_w32/user/secret")
    check_message(e, "IM002")
    assert str(e.value).endswith(" in LOGIN")


def test_unknown_driver():
    with pytest.raises(odbc.opError) as e:
        odbc.odbc("Driver={No Such Driver W32};Database=x")
    check_message(e)


def test_closed_cursor(db, conn):
    cur = conn.cursor()
    cur.execute("select 1")
    cur.close()
    cur.close()  # twice is fine
    for call in (lambda: cur.execute("select 1"), cur.fetchone, cur.fetchall, lambda: cur.fetchmany(3)):
        with pytest.raises(odbc.error, match="cursor is closed"):
            call()
    assert cur.description is None
    # Other cursors of the connection carry on.
    other = conn.cursor()
    other.execute("select 2")
    assert other.fetchall() == [(2,)]


def test_closed_connection(db):
    c = odbc.odbc(db.connect_string)
    cur = c.cursor()
    cur.execute("select 1")
    c.close()
    c.close()
    with pytest.raises(odbc.error, match="connection is closed"):
        c.cursor()
    for call in (c.commit, c.rollback, lambda: c.setautocommit(0)):
        with pytest.raises(odbc.error, match="connection is closed"):
            call()
    for call in (lambda: cur.execute("select 1"), cur.fetchall):
        with pytest.raises(odbc.error, match="connection is closed"):
            call()
    cur.close()


def test_fetch_without_a_result_set(db, conn):
    cur = conn.cursor()
    with pytest.raises(odbc.internalError) as e:
        cur.fetchone()
    check_message(e, "24000")
    t = db.table()
    cur.execute(f"create table {t}(a integer)")
    with pytest.raises(odbc.internalError):
        cur.fetchall()


def test_objects_outlive_each_other(db):
    # A cursor keeps its connection; dropping either first is fine.
    c = odbc.odbc(db.connect_string)
    cur = c.cursor()
    del c
    cur.execute("select 5")
    assert cur.fetchall() == [(5,)]
    c2 = odbc.odbc(db.connect_string)
    cur2 = c2.cursor()
    cur2.execute("select 6")
    del cur2
    c2.close()


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_no_statement_leak_over_100000_executes(session_root):
    # The count is the process's: earlier tests' cursors left in reference
    # cycles must not be collected half-way through.
    gc.collect()
    gc.disable()
    try:
        check_no_statement_leak(session_root)
    finally:
        gc.enable()


def check_no_statement_leak(session_root):
    c = odbc.odbc(sqlite_backend(session_root).connect_string)
    base = odbc._live_statements()
    cur = c.cursor()
    assert odbc._live_statements() == base + 1
    cur.execute("create table leak(a integer)")
    cur.execute("insert into leak values (?)", [(i,) for i in range(10)])
    for i in range(2000):
        cur.execute("select a from leak where a = ?", (i % 10,))
        assert cur.fetchone() == (i % 10,)
    before = rss_kib()
    for i in range(98000):
        cur.execute("select a from leak where a = ?", (i % 10,))
    grown = rss_kib() - before
    # Cursors made and dropped (closed or not) give their handles back.
    for i in range(1000):
        k = c.cursor()
        k.execute("select 1")
        if i % 2:
            k.close()
        del k
    assert odbc._live_statements() == base + 1
    cur.close()
    assert odbc._live_statements() == base
    c.close()
    assert grown < 20 * 1024, f"RSS grew by {grown} KiB over 98,000 executes"


def test_pg_connection_refused():
    pg_server()  # skips where PostgreSQL cannot run
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(odbc.opError) as e:
        odbc.odbc(f"Driver={{PostgreSQL Unicode}};Server=127.0.0.1;Port={port};Database=x;Uid=x;CommLog=0")
    check_message(e)
    assert e.value.sqlstate.startswith("08")


def test_pg_backend_killed_mid_fetch_then_reconnects():
    server = pg_server()
    # Rows in batches from the server (declare/fetch), so that the fetch
    # really goes back to it.
    c = odbc.odbc(server.connect_string(UseDeclareFetch=1, Fetch=100))
    cur = c.cursor()
    cur.execute("select pg_backend_pid()")
    pid = cur.fetchone()[0]
    cur.execute("select g from generate_series(1, 100000) g")
    assert len(cur.fetchmany(150)) == 150
    killer = odbc.odbc(server.connect_string())
    kc = killer.cursor()
    kc.execute("select pg_terminate_backend(?)", (pid,))
    kc.fetchall()
    killer.close()
    with pytest.raises(odbc.opError) as e:
        cur.fetchall()
    check_message(e)
    # The next fetch says the connection is gone; the next execute connects again (as pywin32).
    with pytest.raises(odbc.opError):
        cur.fetchone()
    cur.execute("select 42")
    assert cur.fetchall() == [(42,)]
    c.close()


def test_pg_server_stopped_mid_fetch_then_restarted():
    pg_server()  # skips where PostgreSQL cannot run
    server = PgServer().init().start()
    try:
        c = odbc.odbc(server.connect_string(UseDeclareFetch=1, Fetch=100))
        cur = c.cursor()
        cur.execute("select g from generate_series(1, 100000) g")
        assert cur.fetchmany(10) == [(i,) for i in range(1, 11)]
        server.stop("immediate")
        with pytest.raises(odbc.opError) as e:
            cur.fetchall()
        check_message(e)
        with pytest.raises(odbc.opError):
            cur.execute("select 1")  # reconnecting fails: nobody listens
        server.start()
        cur.execute("select 7")
        assert cur.fetchall() == [(7,)]
        c.close()
    finally:
        server.cleanup()


def test_pg_driver_calls_let_other_threads_run():
    # A statement blocks in the driver on a lock this thread holds; this
    # thread can only see it waiting, and let it go, if the GIL was released.
    import threading

    server = pg_server()
    holder = odbc.odbc(server.connect_string())
    hc = holder.cursor()
    hc.execute("select pg_advisory_lock(4242)")
    hc.fetchall()
    waiter = odbc.odbc(server.connect_string())
    done, failed = [], []

    def blocked():
        try:
            wc = waiter.cursor()
            # Bounded: were the GIL held, the wait ends and the test fails instead of hanging.
            wc.execute("set statement_timeout = 20000")
            wc.execute("select pg_advisory_lock(4242), 'got it'")
            done.append(wc.fetchall())
        except Exception as e:  # reported below
            failed.append(e)

    th = threading.Thread(target=blocked, daemon=True)
    th.start()
    for _ in range(600):
        hc.execute("select count(*) from pg_locks where locktype = 'advisory' and not granted")
        if hc.fetchone()[0] == 1:
            break
        th.join(0.05)
    else:
        pytest.fail("the other thread never reached the server")
    hc.execute("select pg_advisory_unlock(4242)")
    hc.fetchall()
    th.join(60)
    assert not failed and done and done[0][0][1] == "got it"
    holder.close()
    waiter.close()


def test_a_value_whose_str_raises(db, conn):
    class Bad:
        def __str__(self):
            raise ValueError("no text for you")

    cur = conn.cursor()
    with pytest.raises(ValueError, match="no text for you"):
        cur.execute("select ?", (Bad(),))
    cur.execute("select ?", ("fine",))
    assert cur.fetchall() == [("fine",)]


def test_close_from_another_thread_while_fetching(db):
    import threading

    c = odbc.odbc(db.connect_string)
    t = db.table()
    cur = c.cursor()
    cur.execute(f"create table {t}(a integer)")
    cur.execute(f"insert into {t} values (?)", [(i,) for i in range(3000)])
    cur.execute(f"select a from {t}")
    started = threading.Event()
    outcome = []

    def fetch():
        try:
            while True:
                rows = cur.fetchmany(10)
                started.set()
                if not rows:
                    outcome.append("end")
                    return
        except odbc.error as e:
            outcome.append(e)
        finally:
            started.set()

    th = threading.Thread(target=fetch)
    th.start()
    started.wait(30)
    c.close()
    th.join(60)
    assert not th.is_alive()
    assert outcome and (outcome[0] == "end" or "closed" in str(outcome[0]))


def test_bad_arguments_to_the_small_calls(db, conn):
    with pytest.raises(odbc.internalError) as e:
        odbc.SQLDataSources(999)
    check_message(e, "HY103")
    with pytest.raises(TypeError):
        odbc.SQLDataSources("first")
    with pytest.raises(TypeError):
        conn.setautocommit("yes")
    cur = conn.cursor()
    cur.execute("select 1")
    with pytest.raises(TypeError):
        cur.fetchmany("3")
    with pytest.raises(TypeError):
        cur.setoutputsize("big")
    assert cur.fetchall() == [(1,)]


def test_pg_server_stopped_during_a_query():
    import threading

    pg_server()  # skips where PostgreSQL cannot run
    server = PgServer().init().start()
    try:
        c = odbc.odbc(server.connect_string())
        watcher = odbc.odbc(server.connect_string())
        outcome = []

        def query():
            try:
                c.cursor().execute("select pg_sleep(60)")
                outcome.append("finished")
            except Exception as e:  # checked below
                outcome.append(e)

        th = threading.Thread(target=query, daemon=True)
        th.start()
        wc = watcher.cursor()
        for _ in range(600):
            wc.execute("select count(*) from pg_stat_activity where query like 'select pg_sleep%'")
            if wc.fetchone()[0] >= 1:
                break
            th.join(0.05)
        server.stop("immediate")
        th.join(30)
        assert not th.is_alive()
        assert len(outcome) == 1 and isinstance(outcome[0], odbc.opError), outcome
        assert str(outcome[0]).endswith(" in EXEC")
    finally:
        server.cleanup()
