// odbc: pywin32's ODBC module over unixODBC (src/w32/odbc). Connections and
// cursors, the "dbi" type names and exception classes; values convert in
// odbc_values.cpp. The GIL is released around every driver call; the
// connection's lock is only ever taken without the GIL.
#include <nanobind/stl/string.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modules.h"
#include "odbc_values.h"
#include "w32/odbc/connection.h"
#include "w32/odbc/environment.h"
#include "w32/odbc/odbc_error.h"
#include "w32/odbc/statement.h"

#include <sqlext.h>

namespace nb = nanobind;
using namespace nb::literals;
namespace odbc = w32::odbc;
namespace values = bindings::odbc_values;

namespace bindings {

namespace {

// The module's exception classes, kept for the life of the process (the
// translator may run late in shutdown).
PyObject* g_odbc_error = nullptr;
PyObject* g_dbi_errors[6] = {};  // noError, opError, progError, integrityError, dataError, internalError
// pywin32's type names: the same str objects are in TYPES and in descriptions.
PyObject* g_type_names[4] = {};  // STRING, RAW, NUMBER, DATE

PyObject* error_class(odbc::ErrorClass c) {
    switch (c) {
        case odbc::ErrorClass::Interface: return g_odbc_error;
        case odbc::ErrorClass::NoError: return g_dbi_errors[0];
        case odbc::ErrorClass::Operational: return g_dbi_errors[1];
        case odbc::ErrorClass::Programming: return g_dbi_errors[2];
        case odbc::ErrorClass::Integrity: return g_dbi_errors[3];
        case odbc::ErrorClass::Data: return g_dbi_errors[4];
        case odbc::ErrorClass::Internal: return g_dbi_errors[5];
    }
    return g_odbc_error;
}

void raise_odbc(const odbc::OdbcError& e) {
    PyObject* cls = error_class(e.error_class());
    PyObject* message = PyUnicode_DecodeUTF8(e.what(), static_cast<Py_ssize_t>(std::strlen(e.what())), "replace");
    if (!message) return;
    PyObject* instance = PyObject_CallOneArg(cls, message);
    Py_DECREF(message);
    if (!instance) return;
    // The SQLSTATE on its own too (the message starts with it).
    PyObject* state = e.sqlstate().empty() ? Py_NewRef(Py_None)
                                           : PyUnicode_FromStringAndSize(e.sqlstate().data(), 5);
    if (state) {
        PyObject_SetAttrString(instance, "sqlstate", state);
        Py_DECREF(state);
    }
    PyErr_SetObject(cls, instance);
    Py_DECREF(instance);
}

[[noreturn]] void interface_error(const std::string& message) { odbc::throw_interface_error(message); }

PyObject* type_name(odbc::ValueKind kind) {
    switch (kind) {
        case odbc::ValueKind::Integer:
        case odbc::ValueKind::Number: return g_type_names[2];
        case odbc::ValueKind::DateTime: return g_type_names[3];
        case odbc::ValueKind::Binary: return g_type_names[1];
        case odbc::ValueKind::Text: return g_type_names[0];
    }
    return g_type_names[0];
}

// pywin32's display size: room for the value or the column name.
long display_size(const odbc::ColumnInfo& c) {
    long size = static_cast<long>(std::min<SQLULEN>(c.size, 0x7fffffff));
    long name = static_cast<long>(c.name.size());
    switch (c.sql_type) {
        case SQL_CHAR: case SQL_VARCHAR: case SQL_WCHAR: case SQL_WVARCHAR:
        case SQL_DATE: case SQL_TIMESTAMP: case SQL_TYPE_DATE: case SQL_TYPE_TIMESTAMP: case SQL_BIT:
            return std::max(size, name);
        case SQL_SMALLINT: case SQL_INTEGER: case SQL_TINYINT: case SQL_BIGINT:
            return std::max(size + 1, name);
        case SQL_DECIMAL: case SQL_NUMERIC:
            return std::max(size + 2, name);
        case SQL_REAL: case SQL_FLOAT: case SQL_DOUBLE:
            return std::max(20L, name);
        case SQL_BINARY: case SQL_VARBINARY:
            return std::max(2 * size, name);
        default:
            return 0;
    }
}

struct PyConnection {
    std::shared_ptr<odbc::Connection> conn;
};

struct PyCursor {
    std::unique_ptr<odbc::Statement> stmt;
    nb::object description = nb::none();
    size_t block_rows = 0;
    size_t next_row = 0;
};

// The connection's lock, taken without the GIL (a thread holding it may be
// waiting for the GIL to turn rows into values).
std::unique_lock<std::recursive_mutex> lock_without_gil(odbc::Connection& c) {
    nb::gil_scoped_release release;
    return c.lock();
}

PyConnection connect(nb::handle connection_string) {
    std::u16string text = values::utf16_from_str(connection_string, "connectionString");
    nb::gil_scoped_release release;
    return PyConnection{std::make_shared<odbc::Connection>(text)};
}

template <class Fn>
void on_connection(PyConnection& self, Fn&& fn) {
    auto guard = lock_without_gil(*self.conn);
    nb::gil_scoped_release release;
    fn(*self.conn);
}

PyCursor new_cursor(PyConnection& self) {
    auto guard = lock_without_gil(*self.conn);
    nb::gil_scoped_release release;
    if (self.conn->closed()) interface_error("The connection is closed in OPEN");
    return PyCursor{std::make_unique<odbc::Statement>(self.conn)};
}

bool is_row(nb::handle item) {
    PyObject* o = item.ptr();
    return PySequence_Check(o) && !PyUnicode_Check(o) && !PyBytes_Check(o) && !PyByteArray_Check(o) &&
           !PyMemoryView_Check(o);
}

odbc::ParamRow param_row(nb::handle seq) {
    nb::object fast = nb::steal(PySequence_Fast(seq.ptr(), "expected sequence of sequences for bulk inserts"));
    if (!fast.is_valid()) {
        PyErr_Clear();
        interface_error("expected sequence of sequences for bulk inserts");
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(fast.ptr());
    PyObject** items = PySequence_Fast_ITEMS(fast.ptr());
    odbc::ParamRow row;
    row.reserve(static_cast<size_t>(n));
    for (Py_ssize_t i = 0; i < n; ++i) row.push_back(values::param_from_py(items[i]));
    return row;
}

nb::object describe(const odbc::Statement& stmt) {
    nb::list out;
    for (const auto& c : stmt.columns()) {
        long prec = c.kind == odbc::ValueKind::Number ? static_cast<long>(std::min<SQLULEN>(c.size, 0x7fffffff)) : 0;
        out.append(nb::make_tuple(values::str_from_utf16(c.name.data(), c.name.size()),
                                  nb::borrow(type_name(c.kind)), display_size(c),
                                  static_cast<long>(std::min<SQLULEN>(c.size, 0x7fffffff)), prec, c.scale,
                                  c.nullable == SQL_NULLABLE ? 1 : 0));
    }
    return out;
}

nb::object execute(PyCursor& self, nb::handle sql, nb::handle args) {
    std::u16string text;
    if (PyBytes_Check(sql.ptr())) {
        nb::object decoded = nb::steal(PyUnicode_FromEncodedObject(sql.ptr(), "utf-8", "strict"));
        if (!decoded.is_valid()) throw nb::python_error();
        text = values::utf16_from_str(decoded, "sql");
    } else {
        text = values::utf16_from_str(sql, "sql");
    }
    std::vector<odbc::ParamRow> rows;
    bool bulk = false;
    if (!args.is_none()) {
        PyObject* o = args.ptr();
        if (PyUnicode_Check(o) || PyBytes_Check(o) || !PySequence_Check(o)) {
            interface_error(std::string("Values must be a sequence, not ") + Py_TYPE(o)->tp_name);
        }
        nb::object fast = nb::steal(PySequence_Fast(o, "values"));
        if (!fast.is_valid()) throw nb::python_error();
        Py_ssize_t n = PySequence_Fast_GET_SIZE(fast.ptr());
        PyObject** items = PySequence_Fast_ITEMS(fast.ptr());
        // As pywin32: a sequence of sequences executes once per row.
        if (n > 0 && is_row(items[0])) {
            bulk = true;
            rows.reserve(static_cast<size_t>(n));
            for (Py_ssize_t i = 0; i < n; ++i) {
                if (!is_row(items[i])) interface_error("expected sequence of sequences for bulk inserts");
                rows.push_back(param_row(items[i]));
            }
        } else if (n > 0) {
            rows.push_back(param_row(fast));
        }
    }
    odbc::Statement& stmt = *self.stmt;
    self.description = nb::none();
    self.block_rows = self.next_row = 0;
    auto guard = lock_without_gil(stmt.connection());
    int64_t result;
    {
        nb::gil_scoped_release release;
        result = stmt.execute(std::move(text), rows, bulk);
    }
    self.description = stmt.has_result_set() ? describe(stmt) : nb::object(nb::list());
    return nb::int_(result);
}

nb::list fetch(PyCursor& self, size_t max_rows) {
    nb::list out;
    odbc::Statement& stmt = *self.stmt;
    auto guard = lock_without_gil(stmt.connection());
    size_t taken = 0;
    while (taken < max_rows) {
        if (self.next_row >= self.block_rows) {
            size_t rows;
            {
                nb::gil_scoped_release release;
                rows = stmt.fetch_block();
            }
            self.block_rows = rows;
            self.next_row = 0;
            if (rows == 0) break;
        }
        for (; self.next_row < self.block_rows && taken < max_rows; ++self.next_row, ++taken) {
            out.append(values::row_tuple(stmt, self.next_row));
        }
    }
    return out;
}

nb::object fetchone(PyCursor& self) {
    nb::list rows = fetch(self, 1);
    if (rows.size() == 0) return nb::none();
    return rows[0];
}

nb::list fetchmany(PyCursor& self, long long n) {
    if (n < 0) n = 0;
    return fetch(self, static_cast<size_t>(n));
}

void close_cursor(PyCursor& self) {
    auto guard = lock_without_gil(self.stmt->connection());
    {
        nb::gil_scoped_release release;  // freeing a statement may talk to the server
        self.stmt->close();
    }
    self.description = nb::none();
    self.block_rows = self.next_row = 0;
}

nb::object data_sources(int direction) {
    std::optional<std::pair<std::u16string, std::u16string>> r;
    {
        nb::gil_scoped_release release;
        r = odbc::data_source(static_cast<SQLUSMALLINT>(direction));
    }
    if (!r) return nb::none();
    return nb::make_tuple(values::str_from_utf16(r->first.data(), r->first.size()),
                          values::str_from_utf16(r->second.data(), r->second.size()));
}

PyObject* new_exception(const char* name, const char* doc, nb::module_& m, const char* attr) {
    PyObject* cls = PyErr_NewExceptionWithDoc(name, doc, nullptr, nullptr);
    if (!cls) throw nb::python_error();
    m.attr(attr) = nb::borrow(cls);
    return cls;  // the reference kept for the translator
}

}  // namespace

void bind_odbc(nb::module_ m) {
    values::init();
    g_odbc_error = new_exception("odbc.odbcError",
                                 "A failure of the driver manager or the driver: the message holds the "
                                 "SQLSTATE, the native error and the driver's text.",
                                 m, "error");
    const char* dbi[6][3] = {
        {"dbi.noError", "noError", "A failure whose SQLSTATE the dbi table classes as no error (a truncation, say)."},
        {"dbi.opError", "opError", "An operational failure (connection, login, timeout), by the SQLSTATE's dbi class."},
        {"dbi.progError", "progError", "A programming error (bad SQL, unknown table or column), by the SQLSTATE's dbi class."},
        {"dbi.integrityError", "integrityError", "A constraint was violated, by the SQLSTATE's dbi class."},
        {"dbi.dataError", "dataError", "A value did not fit or convert, by the SQLSTATE's dbi class."},
        {"dbi.internalError", "internalError", "An internal failure of the driver or driver manager, by the SQLSTATE's dbi class."}};
    for (int i = 0; i < 6; ++i) g_dbi_errors[i] = new_exception(dbi[i][0], dbi[i][2], m, dbi[i][1]);
    const char* names[4] = {"STRING", "RAW", "NUMBER", "DATE"};
    nb::list types;
    for (int i = 0; i < 4; ++i) {
        g_type_names[i] = PyUnicode_InternFromString(names[i]);
        m.attr(names[i]) = nb::borrow(g_type_names[i]);
        types.append(nb::borrow(g_type_names[i]));
    }
    m.attr("TYPES") = nb::tuple(types);

    nb::register_exception_translator([](const std::exception_ptr& p, void*) {
        try {
            std::rethrow_exception(p);
        } catch (const odbc::OdbcError& e) {
            raise_odbc(e);
        }
    });

    nb::class_<PyConnection>(m, "odbcconn", "An ODBC connection (odbc.odbc()).")
        .def("setautocommit",
             [](PyConnection& self, int c) { on_connection(self, [&](odbc::Connection& x) { x.set_autocommit(c != 0); }); },
             "c"_a, "Sets the autocommit mode.")
        .def("commit", [](PyConnection& self) { on_connection(self, [](odbc::Connection& x) { x.commit(); }); },
             "Commits a transaction.")
        .def("rollback", [](PyConnection& self) { on_connection(self, [](odbc::Connection& x) { x.rollback(); }); },
             "Rolls back a transaction.")
        .def("cursor", &new_cursor, "Creates a cursor object.")
        .def("close", [](PyConnection& self) { on_connection(self, [](odbc::Connection& x) { x.close(); }); },
             "Closes the connection (its cursors with it).")
        .def_prop_ro("error", [](PyConnection&) { return nb::borrow(g_odbc_error); });

    nb::class_<PyCursor>(m, "odbccur", "An ODBC cursor (connection.cursor()).")
        .def("execute", &execute, "sql"_a, "arg"_a = nb::none(),
             "Executes sql with one row of values, or once per row given a sequence of rows.")
        .def("fetchone", &fetchone, "The next row, or None.")
        .def("fetchmany", &fetchmany, "n"_a = 1, "Up to n rows.")
        .def("fetchall", [](PyCursor& self) { return fetch(self, SIZE_MAX); }, "The remaining rows.")
        .def("close", &close_cursor, "Closes the cursor.")
        .def("setinputsizes", [](PyCursor&, nb::args) {}, "Accepted and ignored, as in pywin32.")
        .def("setoutputsize",
             [](PyCursor& self, long long size, nb::handle) {
                 if (size > 0) self.stmt->set_long_chunk(static_cast<size_t>(size));
             },
             "size"_a, "column"_a = nb::none(), "The chunk size for reading long values.")
        .def_prop_ro("description", [](PyCursor& self) { return self.description; })
        .def_prop_ro("rowcount", [](PyCursor& self) { return self.stmt->rowcount(); })
        .def_prop_ro("error", [](PyCursor&) { return nb::borrow(g_odbc_error); });

    m.def("odbc", &connect, "connectionString"_a, "Connects: an ODBC connection string, or DSN[/uid[/pwd]].");
    m.def("SQLDataSources", &data_sources, "direction"_a,
          "(name, description) of the next data source, or None at the end.");
    m.def("_live_statements", [] { return odbc::Connection::live_statements(); },
          "Statement handles held by cursors of this process (for leak tests).");

    m.attr("SQL_FETCH_NEXT") = SQL_FETCH_NEXT;
    m.attr("SQL_FETCH_FIRST") = SQL_FETCH_FIRST;
    m.attr("SQL_FETCH_LAST") = SQL_FETCH_LAST;
    m.attr("SQL_FETCH_PRIOR") = SQL_FETCH_PRIOR;
    m.attr("SQL_FETCH_ABSOLUTE") = SQL_FETCH_ABSOLUTE;
    m.attr("SQL_FETCH_RELATIVE") = SQL_FETCH_RELATIVE;
    m.attr("SQL_FETCH_FIRST_USER") = SQL_FETCH_FIRST_USER;
    m.attr("SQL_FETCH_FIRST_SYSTEM") = SQL_FETCH_FIRST_SYSTEM;
}

W32_REGISTER_SUBMODULE("odbc", bind_odbc);

}  // namespace bindings
