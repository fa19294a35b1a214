"""odbc: the API on SQLite and PostgreSQL alike (connect, execute with
parameters of every common type, fetching, description, transactions)."""
import datetime
import decimal
import os
import threading
import warnings

import pytest

import odbc
from odbc_helpers import conn, db  # noqa: F401  (fixtures)


def test_module_surface():
    assert odbc.TYPES == ("STRING", "RAW", "NUMBER", "DATE")
    assert (odbc.STRING, odbc.RAW, odbc.NUMBER, odbc.DATE) == odbc.TYPES
    assert odbc.error.__name__ == "odbcError" and odbc.error.__module__ == "odbc"
    for name in ("noError", "opError", "progError", "integrityError", "dataError", "internalError"):
        cls = getattr(odbc, name)
        assert issubclass(cls, Exception) and cls.__module__ == "dbi" and cls.__name__ == name
    assert odbc.SQL_FETCH_NEXT == 1 and odbc.SQL_FETCH_FIRST == 2
    assert odbc.SQL_FETCH_FIRST_USER == 31 and odbc.SQL_FETCH_FIRST_SYSTEM == 32


def test_dbi_module_aliases():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import dbi
        import importlib

        importlib.reload(dbi)
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    assert dbi.dbiDate is datetime.datetime and dbi.dbiRaw is memoryview
    assert dbi.progError is odbc.progError and dbi.STRING == "STRING"


def test_sqldatasources_walks_to_the_end():
    seen = []
    entry = odbc.SQLDataSources(odbc.SQL_FETCH_FIRST)
    while entry is not None and len(seen) < 1000:
        name, description = entry
        assert isinstance(name, str) and isinstance(description, str)
        seen.append(name)
        entry = odbc.SQLDataSources(odbc.SQL_FETCH_NEXT)
    assert len(seen) < 1000


def test_execute_returns_rows_affected(db, conn):
    t = db.table()
    cur = conn.cursor()
    cur.execute(f"create table {t}(a integer, b varchar(20))")
    assert cur.execute(f"insert into {t} values (?, ?)", (1, "one")) == 1
    assert cur.execute(f"insert into {t} values (?, ?)", [(2, "two"), (3, "three"), (4, "four")]) == 3
    assert cur.description == []
    assert cur.execute(f"update {t} set b = ? where a > ?", ("big", 2)) == 2
    assert cur.rowcount == 2
    assert cur.execute(f"select a, b from {t} order by a") == 0
    assert cur.fetchall() == [(1, "one"), (2, "two"), (3, "big"), (4, "big")]
    assert cur.execute(f"delete from {t} where a = ?", (1,)) == 1


def test_oracle_style_markers(db, conn):
    cur = conn.cursor()
    cur.execute("select :1, :2, '?:1'", ("a", "b"))
    assert cur.fetchone() == ("a", "b", "?:1")


def roundtrip(db, conn, column_type, value):
    t = db.table()
    cur = conn.cursor()
    cur.execute(f"create table {t}(v {column_type})")
    cur.execute(f"insert into {t} values (?)", (value,))
    cur.execute(f"select v from {t}")
    rows = cur.fetchall()
    assert len(rows) == 1 and len(rows[0]) == 1
    return rows[0][0], cur.description[0]


@pytest.mark.parametrize("value", [0, 1, -1, 2**31 - 1, -(2**31), 2**40, 2**63 - 1, -(2**63)])
def test_integers(db, conn, value):
    got, desc = roundtrip(db, conn, "bigint", value)
    assert got == value and type(got) is int
    assert desc[1] == odbc.NUMBER


@pytest.mark.parametrize("value", [0.5, -1.25, 1e300, 3.0])
def test_floats(db, conn, value):
    got, desc = roundtrip(db, conn, db.double, value)
    assert got == value
    # pywin32 returns whole numbers as int.
    assert type(got) is (int if value == int(value) else float)
    assert desc[1] == odbc.NUMBER


def test_bool_binds_as_a_bit(db, conn):
    got, _ = roundtrip(db, conn, "boolean" if db.is_pg else "integer", True)
    assert got in (1, "1", True)


@pytest.mark.parametrize(
    "value",
    ["", "plain", "caf\u00e9", "\u4e2d\u6587", "emoji \U0001F600 and \U0001F680", "x" * 300, "long " * 20000],
    ids=["empty", "ascii", "latin1", "cjk", "astral", "300", "100k"],
)
def test_text(db, conn, value):
    got, desc = roundtrip(db, conn, "text", value)
    assert got == value and type(got) is str
    assert desc[1] == odbc.STRING


def test_text_longer_than_declared_size_is_not_truncated(db, conn):
    # SQLite does not enforce declared sizes: the value must still come back whole.
    value = "0123456789" * 100
    if db.is_pg:
        got, _ = roundtrip(db, conn, "varchar(2000)", value)
    else:
        got, _ = roundtrip(db, conn, "varchar(5)", value)
    assert got == value


@pytest.mark.parametrize(
    "value",
    [b"", b"\x00\x01\x02\xff", bytes(range(256)) * 40, bytearray(b"abc\x00def"), memoryview(b"view\x00")],
    ids=["empty", "small", "10k", "bytearray", "memoryview"],
)
def test_raw(db, conn, value):
    got, desc = roundtrip(db, conn, db.blob, value)
    assert isinstance(got, memoryview) and bytes(got) == bytes(value)
    assert desc[1] == odbc.RAW


def test_large_raw(db, conn):
    value = bytes(range(256)) * 4096  # 1 MiB
    got, _ = roundtrip(db, conn, db.blob, value)
    assert bytes(got) == value


@pytest.mark.parametrize(
    "value",
    [datetime.datetime(2024, 2, 29, 23, 59, 58, 123456), datetime.datetime(1970, 1, 1),
     datetime.datetime(9999, 12, 31, 23, 59, 59)],
)
def test_datetime(db, conn, value):
    got, desc = roundtrip(db, conn, "timestamp", value)
    if not db.is_pg:
        # The SQLite driver keeps milliseconds.
        value = value.replace(microsecond=value.microsecond // 1000 * 1000)
    assert got == value and type(got) is datetime.datetime
    assert desc[1] == odbc.DATE


def test_date_comes_back_as_datetime(db, conn):
    got, desc = roundtrip(db, conn, "date", datetime.date(2021, 7, 4))
    assert got == datetime.datetime(2021, 7, 4)
    assert desc[1] == odbc.DATE


def test_time_comes_back_as_text(db, conn):
    got, _ = roundtrip(db, conn, "time", datetime.time(13, 14, 15))
    assert got.startswith("13:14:15")


@pytest.mark.parametrize("value", [decimal.Decimal("12.34"), decimal.Decimal("-0.0001"), decimal.Decimal("1E+3")])
def test_decimal(db, conn, value):
    got, desc = roundtrip(db, conn, "numeric(20,4)", value)
    assert got == pytest.approx(float(value))
    assert desc[1] == odbc.NUMBER


def test_integer_past_64_bits_binds_as_a_number(db, conn):
    value = 10**30 + 7
    got, _ = roundtrip(db, conn, "numeric(40,0)", value)
    assert got == pytest.approx(float(value))
    if db.is_pg:  # sent exactly (SQLite itself keeps such numbers as doubles)
        cur = conn.cursor()
        cur.execute("select cast(cast(? as numeric(40,0)) as text)", (value,))
        assert cur.fetchone() == (str(value),)


def test_none_in_every_type(db, conn):
    t = db.table()
    cur = conn.cursor()
    cur.execute(f"create table {t}(a integer, b {db.double}, c text, d timestamp, e {db.blob}, f numeric(10,2))")
    cur.execute(f"insert into {t} values (?, ?, ?, ?, ?, ?)", (None,) * 6)
    cur.execute(f"select * from {t}")
    assert cur.fetchall() == [(None,) * 6]


def test_other_objects_bind_as_their_str(db, conn):
    class Thing:
        def __str__(self):
            return "thing-text"

    got, _ = roundtrip(db, conn, "text", Thing())
    assert got == "thing-text"


def test_description(db, conn):
    t = db.table()
    cur = conn.cursor()
    assert cur.description is None
    cur.execute(f"create table {t}(num integer, name varchar(30), stamp timestamp, data {db.blob})")
    cur.execute(f"select num, name, stamp, data from {t}")
    desc = cur.description
    assert [d[0] for d in desc] == ["num", "name", "stamp", "data"]
    assert [d[1] for d in desc] == [odbc.NUMBER, odbc.STRING, odbc.DATE, odbc.RAW]
    assert all(len(d) == 7 for d in desc)
    assert desc[1][3] == 30  # internal size: the declared width
    assert cur.fetchall() == []


def test_fetch_styles_across_blocks(db, conn):
    t = db.table()
    cur = conn.cursor()
    cur.execute(f"create table {t}(a integer, b text, c {db.double})")
    n = 5000
    cur.execute(f"insert into {t} values (?, ?, ?)", [(i, f"row {i}", i / 4) for i in range(n)])
    cur.execute(f"select a, b, c from {t} order by a")
    first = cur.fetchone()
    assert first == (0, "row 0", 0)
    assert cur.fetchmany() == [(1, "row 1", 0.25)]  # pywin32's default: one row
    some = cur.fetchmany(1500)
    assert [r[0] for r in some] == list(range(2, 1502))
    rest = cur.fetchall()
    assert [r[0] for r in rest] == list(range(1502, n))
    assert rest[-1] == (n - 1, f"row {n - 1}", (n - 1) / 4)
    assert cur.fetchone() is None
    assert cur.fetchall() == [] and cur.fetchmany(10) == [] and cur.fetchmany(0) == []


def test_reexecute_resets_the_result(db, conn):
    cur = conn.cursor()
    cur.execute("select 1")
    cur.execute("select 2, 3")
    assert cur.fetchall() == [(2, 3)]
    assert len(cur.description) == 2


def test_transactions(db, conn):
    t = db.table()
    cur = conn.cursor()
    cur.execute(f"create table {t}(a integer)")
    conn.setautocommit(0)
    cur.execute(f"insert into {t} values (?)", (1,))
    conn.rollback()
    cur.execute(f"select count(*) from {t}")
    assert cur.fetchone() == (0,)
    cur.execute(f"insert into {t} values (?)", (2,))
    conn.commit()
    other = odbc.odbc(db.connect_string)
    try:
        ocur = other.cursor()
        ocur.execute(f"select a from {t}")
        assert ocur.fetchall() == [(2,)]
    finally:
        other.close()
    conn.setautocommit(1)


def test_setoutputsize_and_setinputsizes(db, conn):
    cur = conn.cursor()
    cur.setinputsizes()
    cur.setinputsizes(10, 20)
    cur.setoutputsize(256)
    value = "abcdefghij" * 3000
    got, _ = roundtrip(db, conn, "text", value)
    assert got == value
    cur.execute("select ?", (value,))
    assert cur.fetchone() == (value,)


def test_error_attributes_are_odbc_error(db, conn):
    assert conn.error is odbc.error
    assert conn.cursor().error is odbc.error


def test_cursors_in_threads(db, conn):
    t = db.table()
    cur = conn.cursor()
    cur.execute(f"create table {t}(a integer)")
    cur.execute(f"insert into {t} values (?)", [(i,) for i in range(2000)])
    results, errors = [], []

    def work():
        try:
            c = conn.cursor()
            for _ in range(5):
                c.execute(f"select a from {t} order by a")
                results.append(sum(r[0] for r in c.fetchall()))
            c.close()
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert not errors
    assert results == [sum(range(2000))] * 20


def test_unicode_names_and_sql(db, conn):
    t = db.table()
    cur = conn.cursor()
    cur.execute(f'create table {t}("colonne_\u00e9" text)')
    # (Characters past U+FFFF in the SQL text itself: the SQLite driver
    # mangles them; as parameters they pass, see test_text.)
    cur.execute(f"insert into {t} values ('\u00e9t\u00e9 \u2600')")
    cur.execute(f'select "colonne_\u00e9" from {t}')
    assert cur.description[0][0] == "colonne_\u00e9"
    assert cur.fetchone() == ("\u00e9t\u00e9 \u2600",)


def test_bytes_sql_is_utf8(db, conn):
    cur = conn.cursor()
    cur.execute("select 'caf\u00e9'".encode())
    assert cur.fetchone() == ("caf\u00e9",)


def test_sqlite_driver_found_without_odbcinst(tmp_path, run_py, session_root):
    # An empty private ODBCSYSINI: the driver manager knows no drivers, yet
    # the SQLite driver is found by its well-known name.
    (tmp_path / "odbcinst.ini").write_text("")
    (tmp_path / "odbc.ini").write_text("")
    code = (
        "import odbc, sys\n"
        "c = odbc.odbc('Driver={SQLite3};Database=' + sys.argv[1])\n"
        "cur = c.cursor(); cur.execute('select 40 + 2'); print(cur.fetchone()[0])\n"
    )
    r = run_py(code, str(tmp_path / "x.db"), env={"ODBCSYSINI": tmp_path, "ODBCINI": tmp_path / "odbc.ini",
                                                 "HOME": tmp_path})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "42"


def test_bulk_rows_of_every_type(db, conn):
    # Many rows go as parameter arrays where the driver batches them
    # (psqlODBC), in chunks; mixed types in a column go row by row.
    t = db.table()
    cur = conn.cursor()
    cur.execute(f"create table {t}(i bigint, f {db.double}, s text, b {db.blob}, ts timestamp, d date, "
                f"tm time, n numeric(12,3), z integer)")
    base = datetime.datetime(2020, 5, 17, 8, 30, 0, 250000)
    rows = [
        (k if k % 7 else None, k / 8, f"text {k} \u00e9", bytes([k % 256]) * (k % 5), base + datetime.timedelta(minutes=k),
         datetime.date(2000, 1, 1) + datetime.timedelta(days=k), datetime.time(k % 24, k % 60, 1),
         decimal.Decimal(k) / 8, None)
        for k in range(2500)
    ]
    assert cur.execute(f"insert into {t} values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows) == 2500
    cur.execute(f"select i, f, s, b, ts, d, tm, n, z from {t} order by f")
    got = cur.fetchall()
    assert len(got) == 2500
    for k, row in enumerate(got):
        i, f, s, b, ts, d, tm, n, z = row
        assert i == (k if k % 7 else None)
        assert f == k / 8 and s == f"text {k} \u00e9" and bytes(b) == bytes([k % 256]) * (k % 5)
        assert ts == base + datetime.timedelta(minutes=k)
        assert d == datetime.datetime(2000, 1, 1) + datetime.timedelta(days=k)
        assert tm.startswith(f"{k % 24:02d}:{k % 60:02d}:01")
        assert n == pytest.approx(k / 8) and z is None


def test_bulk_rows_with_mixed_types_in_a_column(db, conn):
    t = db.table()
    cur = conn.cursor()
    cur.execute(f"create table {t}(v text)")
    assert cur.execute(f"insert into {t} values (?)", [("a",), (None,), ("b" * 5000,), ("c",)]) == 4
    cur.execute(f"select v from {t} where v is not null order by v")
    assert [r[0] for r in cur.fetchall()] == ["a", "b" * 5000, "c"]


def test_bulk_rows_stop_at_a_failing_row(db, conn):
    t = db.table()
    cur = conn.cursor()
    cur.execute(f"create table {t}(a integer primary key)")
    rows = [(k,) for k in range(300)] + [(5,)] + [(k,) for k in range(300, 400)]
    with pytest.raises((odbc.integrityError, odbc.opError)):
        cur.execute(f"insert into {t} values (?)", rows)
    cur.execute(f"select count(*) from {t} where a = 5")
    assert cur.fetchone() == (1,)


def test_pywin32_dsn_form_and_sqldatasources(tmp_path, run_py):
    # A user DSN (unixODBC reads the user's odbc.ini from $ODBCINI), reached
    # with pywin32's "dsn/uid/pwd" form, and listed by SQLDataSources.
    import glob

    libraries = glob.glob("/usr/lib/*/odbc/libsqlite3odbc.so") + glob.glob("/usr/lib/odbc/libsqlite3odbc.so")
    if not libraries:
        pytest.skip("libsqliteodbc is not installed")
    (tmp_path / ".odbc.ini").write_text(
        "[w32dsn]\nDescription=pywin32-posix test\n"
        f"Driver={libraries[0]}\nDatabase={tmp_path / 'dsn.db'}\n")
    code = (
        "import odbc\n"
        "c = odbc.odbc('w32dsn/someone/secret')\n"
        "cur = c.cursor(); cur.execute('select 6 * 7'); print(cur.fetchone()[0])\n"
        "names = []\n"
        "e = odbc.SQLDataSources(odbc.SQL_FETCH_FIRST_USER)\n"
        "while e is not None:\n"
        "    names.append(e); e = odbc.SQLDataSources(odbc.SQL_FETCH_NEXT)\n"
        "print(names)\n"
    )
    r = run_py(code, env={"ODBCINI": tmp_path / ".odbc.ini"})
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0] == "42"
    assert "('w32dsn', " in out[1]


def test_long_values_across_blocks(db, conn):
    # Short values first, then longer ones (the column's buffer grows), then
    # longer still than the grown buffer, and NULLs among them.
    t = db.table()
    cur = conn.cursor()
    cur.execute(f"create table {t}(k integer, s text, b {db.blob})")

    def text(k):
        return None if k % 97 == 0 else f"{k}:" + "\u00e9x" * (5 if k < 1500 else 700 if k < 3000 else 3000)

    def raw(k):
        return bytes([k % 251]) * (3 if k < 1500 else 2000 if k < 3000 else 9000)

    rows = [(k, text(k), raw(k)) for k in range(3200)]
    conn.setautocommit(0)
    cur.execute(f"insert into {t} values (?, ?, ?)", rows)
    conn.commit()
    conn.setautocommit(1)
    cur.execute(f"select k, s, b from {t} order by k")
    got = cur.fetchall()
    assert len(got) == len(rows)
    for (k, s, b), (k2, s2, b2) in zip(got, rows):
        assert (k, s) == (k2, s2)
        assert bytes(b) == b2


def test_sqlite_database_given_as_a_windows_path(tmp_path):
    # Z: is /: the file lands where the POSIX path says.
    windows = "Z:" + str(tmp_path / "win.db").replace("/", "\\")
    c = odbc.odbc(f"Driver={{SQLite3 ODBC Driver}};Database={windows}")
    c.cursor().execute("create table w(a integer)")
    c.close()
    assert (tmp_path / "win.db").exists()
    # C: is the session's own directory: the same file again by its Windows name.
    name = f"C:\\w32-odbc-{os.getpid()}.db"
    c = odbc.odbc(f"Driver={{SQLite3}};Database={name}")
    c.cursor().execute("create table if not exists w(a integer)")
    c.cursor().execute("insert into w values (?)", (7,))
    c.close()
    c = odbc.odbc(f"Driver={{SQLite3}};Database={name.replace(chr(92), '/')}")
    cur = c.cursor()
    cur.execute("select a from w")
    assert cur.fetchall() == [(7,)]
    c.close()


def test_sqlite_text_that_is_not_utf8_is_kept(session_root):
    from odbc_helpers import sqlite_backend

    c = odbc.odbc(sqlite_backend(session_root).connect_string)
    cur = c.cursor()
    cur.execute("select cast(x'ff41e9' as text)")
    (value,) = cur.fetchone()
    assert value.encode("utf-8", "surrogateescape") == b"\xffA\xe9"
    c.close()
