// Python values <-> ODBC values for the odbc module: parameters in, the
// cells of a fetched block out (straight from the bound buffers).
#pragma once

#include <nanobind/nanobind.h>

#include <string>
#include <vector>

#include "w32/odbc/param_value.h"
#include "w32/odbc/statement.h"

namespace bindings::odbc_values {

// Call once, with the GIL, before the others (datetime's C API).
void init();

// A str as UTF-16; TypeError for anything else.
std::u16string utf16_from_str(nanobind::handle text, const char* what);
nanobind::str str_from_utf16(const char16_t* text, size_t units);

// One parameter as pywin32 binds it: None, bool, int, float, str,
// bytes-like (RAW), datetime/date/time, Decimal; anything else as str(value).
w32::odbc::ParamValue param_from_py(nanobind::handle value);

// Row `row` of the current block as a tuple.
nanobind::object row_tuple(const w32::odbc::Statement& stmt, size_t row);

}  // namespace bindings::odbc_values
