// Column-wise parameter arrays: a chunk of pywin32's "sequence of rows"
// sent in one SQLExecute (SQL_ATTR_PARAMSET_SIZE), for drivers that batch
// them (psqlODBC: one round trip per chunk instead of one per row).
#pragma once

#include <sql.h>
#include <sqlext.h>

#include <optional>
#include <span>
#include <vector>

#include "w32/odbc/param_value.h"

namespace w32::odbc {

struct ParamArrayColumn {
    SQLSMALLINT c_type = SQL_C_CHAR;
    SQLSMALLINT sql_type = 0;  // 0: every value NULL (the caller picks the type)
    SQLULEN column_size = 1;
    SQLSMALLINT digits = 0;
    size_t width = 1;  // bytes per row
    std::vector<char> data;
    std::vector<SQLLEN> indicator;
};

// The rows as arrays, one per parameter; nothing when a parameter's values
// do not share one type (an int in one row, a str in another) or are too
// long to put in arrays: those rows go one at a time.
std::optional<std::vector<ParamArrayColumn>> build_param_arrays(std::span<const ParamRow> rows, size_t params);

// Rows per array, so that a chunk stays within a few MiB.
size_t param_array_chunk(std::span<const ParamRow> rows);

}  // namespace w32::odbc
