#include "odbc_values.h"

#include <nanobind/stl/string.h>

#include <datetime.h>
#include <sql.h>
#include <sqlext.h>

#include <cmath>
#include <cstring>

namespace nb = nanobind;
namespace odbc = w32::odbc;

namespace bindings::odbc_values {

namespace {

PyObject* g_decimal_type = nullptr;

nb::object checked(PyObject* o) {
    if (!o) throw nb::python_error();
    return nb::steal(o);
}

PyObject* text_value(const char* data, size_t bytes) {
    size_t units = bytes / sizeof(char16_t);
    const auto* p = reinterpret_cast<const unsigned char*>(data);
    // Most text is ASCII: build it directly instead of decoding UTF-16.
    bool ascii = true;
    for (size_t i = 0; i < units; ++i) {
        if (p[2 * i + 1] != 0 || p[2 * i] >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii) {
        PyObject* s = PyUnicode_New(static_cast<Py_ssize_t>(units), 127);
        if (!s) return nullptr;
        auto* out = static_cast<unsigned char*>(PyUnicode_DATA(s));
        for (size_t i = 0; i < units; ++i) out[i] = p[2 * i];
        return s;
    }
    int order = -1;  // little-endian, as SQLWCHAR is on these machines
    return PyUnicode_DecodeUTF16(data, static_cast<Py_ssize_t>(units * 2), "replace", &order);
}

PyObject* number_value(double d) {
    // pywin32 gives whole numbers as int.
    if (std::isfinite(d) && d == std::floor(d)) return PyLong_FromDouble(d);
    return PyFloat_FromDouble(d);
}

PyObject* cell_value(const odbc::ColumnInfo& column, const odbc::CellView& cell) {
    if (cell.null) Py_RETURN_NONE;
    const char* data = static_cast<const char*>(cell.data);
    switch (column.kind) {
        case odbc::ValueKind::Integer: {
            int64_t v;
            std::memcpy(&v, data, sizeof v);
            return PyLong_FromLongLong(v);
        }
        case odbc::ValueKind::Number: {
            double v;
            std::memcpy(&v, data, sizeof v);
            return number_value(v);
        }
        case odbc::ValueKind::DateTime: {
            SQL_TIMESTAMP_STRUCT t;
            std::memcpy(&t, data, sizeof t);
            return PyDateTime_FromDateAndTime(t.year, t.month, t.day, t.hour, t.minute, t.second,
                                              static_cast<int>(t.fraction / 1000));
        }
        case odbc::ValueKind::Text:
            if (column.utf16) return text_value(data, cell.bytes);
            // Bytes that are not UTF-8 (a driver in another charset) survive as surrogates.
            return PyUnicode_DecodeUTF8(data, static_cast<Py_ssize_t>(cell.bytes), "surrogateescape");
        case odbc::ValueKind::Binary: {
            // pywin32 returns RAW values as a buffer object (memoryview).
            PyObject* bytes = PyBytes_FromStringAndSize(data, static_cast<Py_ssize_t>(cell.bytes));
            if (!bytes) return nullptr;
            PyObject* view = PyMemoryView_FromObject(bytes);
            Py_DECREF(bytes);
            return view;
        }
    }
    Py_RETURN_NONE;
}

odbc::DecimalText decimal_text(nb::handle value) {
    // Fixed-point text (Decimal("1E+3") -> "1000"), with its precision and scale.
    nb::object text = checked(PyLong_Check(value.ptr()) ? PyObject_Str(value.ptr())
                                                        : PyObject_Format(value.ptr(), nb::str("f").ptr()));
    odbc::DecimalText d{nb::cast<std::string>(text), 0, 0};
    bool after_point = false;
    for (char c : d.text) {
        if (c == '.') after_point = true;
        if (c >= '0' && c <= '9') {
            ++d.precision;
            if (after_point) ++d.scale;
        }
    }
    if (d.precision == 0) throw nb::value_error(("cannot bind the number " + d.text).c_str());
    return d;
}

}  // namespace

void init() {
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI) throw nb::python_error();
    nb::object decimal = nb::module_::import_("decimal").attr("Decimal");
    g_decimal_type = decimal.release().ptr();
}

std::u16string utf16_from_str(nb::handle text, const char* what) {
    PyObject* o = text.ptr();
    if (!PyUnicode_Check(o)) throw nb::type_error((std::string(what) + " must be a str").c_str());
    Py_ssize_t n = PyUnicode_GET_LENGTH(o);
    int kind = PyUnicode_KIND(o);
    const void* data = PyUnicode_DATA(o);
    std::u16string out;
    out.reserve(static_cast<size_t>(n));
    if (kind == PyUnicode_1BYTE_KIND) {
        const auto* p = static_cast<const Py_UCS1*>(data);
        out.assign(p, p + n);
    } else if (kind == PyUnicode_2BYTE_KIND) {
        const auto* p = static_cast<const Py_UCS2*>(data);
        out.assign(p, p + n);
    } else {
        const auto* p = static_cast<const Py_UCS4*>(data);
        for (Py_ssize_t i = 0; i < n; ++i) {
            Py_UCS4 c = p[i];
            if (c >= 0x10000) {
                c -= 0x10000;
                out += static_cast<char16_t>(0xD800 + (c >> 10));
                out += static_cast<char16_t>(0xDC00 + (c & 0x3FF));
            } else {
                out += static_cast<char16_t>(c);
            }
        }
    }
    return out;
}

nb::str str_from_utf16(const char16_t* text, size_t units) {
    return nb::steal<nb::str>(checked(text_value(reinterpret_cast<const char*>(text), units * 2)).release());
}

odbc::ParamValue param_from_py(nb::handle value) {
    PyObject* o = value.ptr();
    if (o == Py_None) return std::monostate{};
    if (PyBool_Check(o)) return o == Py_True;
    if (PyLong_Check(o)) {
        int overflow = 0;
        long long n = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (n == -1 && PyErr_Occurred()) throw nb::python_error();
        if (!overflow) return static_cast<int64_t>(n);
        return decimal_text(value);  // past 64 bits: an exact number
    }
    if (PyFloat_Check(o)) return PyFloat_AS_DOUBLE(o);
    if (PyUnicode_Check(o)) return utf16_from_str(value, "parameter");
    if (PyDateTime_Check(o)) {
        return odbc::TimestampValue{
            static_cast<int16_t>(PyDateTime_GET_YEAR(o)),
            static_cast<uint16_t>(PyDateTime_GET_MONTH(o)),
            static_cast<uint16_t>(PyDateTime_GET_DAY(o)),
            static_cast<uint16_t>(PyDateTime_DATE_GET_HOUR(o)),
            static_cast<uint16_t>(PyDateTime_DATE_GET_MINUTE(o)),
            static_cast<uint16_t>(PyDateTime_DATE_GET_SECOND(o)),
            static_cast<uint32_t>(PyDateTime_DATE_GET_MICROSECOND(o)) * 1000u,
        };
    }
    if (PyDate_Check(o)) {
        return odbc::DateValue{static_cast<int16_t>(PyDateTime_GET_YEAR(o)),
                               static_cast<uint16_t>(PyDateTime_GET_MONTH(o)),
                               static_cast<uint16_t>(PyDateTime_GET_DAY(o))};
    }
    if (PyTime_Check(o)) {
        return odbc::TimeValue{static_cast<uint16_t>(PyDateTime_TIME_GET_HOUR(o)),
                               static_cast<uint16_t>(PyDateTime_TIME_GET_MINUTE(o)),
                               static_cast<uint16_t>(PyDateTime_TIME_GET_SECOND(o)),
                               static_cast<uint32_t>(PyDateTime_TIME_GET_MICROSECOND(o))};
    }
    if (PyObject_IsInstance(o, g_decimal_type) == 1) {
        int finite = PyObject_IsTrue(checked(PyObject_CallMethod(o, "is_finite", nullptr)).ptr());
        if (finite == 1) return decimal_text(value);
        return utf16_from_str(checked(PyObject_Str(o)), "parameter");
    }
    if (PyObject_CheckBuffer(o)) {
        Py_buffer view;
        if (PyObject_GetBuffer(o, &view, PyBUF_CONTIG_RO) != 0) throw nb::python_error();
        odbc::Bytes b{std::string(static_cast<const char*>(view.buf), static_cast<size_t>(view.len))};
        PyBuffer_Release(&view);
        return b;
    }
    // pywin32 binds any other object as its str().
    return utf16_from_str(checked(PyObject_Str(o)), "parameter");
}

nb::object row_tuple(const odbc::Statement& stmt, size_t row) {
    const auto& columns = stmt.columns();
    nb::object tuple = checked(PyTuple_New(static_cast<Py_ssize_t>(columns.size())));
    for (size_t c = 0; c < columns.size(); ++c) {
        PyObject* v = cell_value(columns[c], stmt.cell(row, c));
        if (!v) throw nb::python_error();
        PyTuple_SET_ITEM(tuple.ptr(), static_cast<Py_ssize_t>(c), v);
    }
    return tuple;
}

}  // namespace bindings::odbc_values
