// One statement handle (pywin32's cursor): execute with parameters, and the
// result set fetched in blocks of rows into bound column arrays, which the
// bindings turn into values straight from the buffers (cell()).
//
// Columns the driver can fill in a block are bound in arrays of up to 1024
// rows. Values longer than their buffer (SQLite does not enforce declared
// sizes; long text) are read again with SQLGetData: positioned in the block
// where the driver allows it (SQL_GD_BLOCK), else rows are fetched one at a
// time. Nothing is silently truncated.
//
// Callers hold the connection's lock() around every call, and across
// reading cells of the current block.
#pragma once

#include <sql.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "w32/odbc/connection.h"
#include "w32/odbc/param_value.h"

namespace w32::odbc {

// How a column's values come back (and its pywin32 type: STRING, NUMBER, DATE, RAW).
enum class ValueKind {
    Integer,   // int (SQL_C_SBIGINT)
    Number,    // float, or int when whole, as pywin32 (SQL_C_DOUBLE)
    DateTime,  // datetime.datetime (SQL_C_TYPE_TIMESTAMP)
    Text,      // str (SQL_C_WCHAR, UTF-16; SQL_C_CHAR, UTF-8, for the narrow types)
    Binary,    // RAW bytes (SQL_C_BINARY)
};

struct ColumnInfo {
    std::u16string name;
    SQLSMALLINT sql_type = 0;
    SQLULEN size = 0;
    SQLSMALLINT scale = 0;
    SQLSMALLINT nullable = 0;
    ValueKind kind = ValueKind::Text;
    bool utf16 = true;  // Text: UTF-16 in the buffer, else UTF-8
};

// A value of the current block: null, or `bytes` bytes at `data` (an
// int64_t, a double, a SQL_TIMESTAMP_STRUCT, UTF-16 or UTF-8 text, raw bytes).
struct CellView {
    const void* data = nullptr;
    size_t bytes = 0;
    bool null = true;
};

class Statement {
public:
    explicit Statement(std::shared_ptr<Connection> connection);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Connection& connection() noexcept { return *connection_; }
    const std::shared_ptr<Connection>& shared_connection() const noexcept { return connection_; }

    void close() noexcept;
    bool closed() const noexcept { return closed_; }

    // Executes `sql` once without parameters (rows empty, bulk false), once
    // with rows[0] (bulk false), or once per row (bulk true, no result set
    // kept). Returns pywin32's execute() value: rows affected (summed), 0
    // for a result set.
    int64_t execute(std::u16string sql, std::span<const ParamRow> rows, bool bulk);

    const std::vector<ColumnInfo>& columns() const noexcept { return columns_; }
    bool has_result_set() const noexcept { return has_result_; }
    // SQLRowCount of the last execute (summed over rows), -1 when unknown.
    int64_t rowcount() const noexcept { return rowcount_; }

    // Fetches the next block; returns its number of rows, 0 at the end.
    size_t fetch_block();
    CellView cell(size_t row, size_t column) const;

    // pywin32's setoutputsize: the chunk for reading long values.
    void set_long_chunk(size_t bytes) noexcept { long_chunk_ = bytes < 256 ? 256 : bytes; }

private:
    struct Bound {
        SQLSMALLINT c_type = 0;
        bool bound = false;   // else read with SQLGetData (a long column)
        bool fixed = false;   // fixed-width C type (no truncation possible)
        size_t width = 0;     // bytes per row in the buffer
        size_t wanted_width = 0;  // the longest value read again in this block
        std::vector<char> buffer;
        std::vector<SQLLEN> indicator;
    };

    SQLHSTMT handle(const char* action);
    SQLHSTMT usable_handle(const char* action);
    void reset_result();
    void bind_parameters(const ParamRow& row);
    SQLSMALLINT described_type(size_t index);
    // Row by row; adds the rows affected to `affected` (and sets any_count).
    void execute_rows(std::span<const ParamRow> rows, size_t expected, bool bulk, int64_t& affected, bool& any_count);
    // A chunk of rows in one SQLExecute, as parameter arrays; false when
    // its values do not fit in arrays (the caller goes row by row).
    bool execute_array(std::span<const ParamRow> rows, size_t expected, int64_t& affected, bool& any_count);
    void describe_result();
    void plan_fetch();
    void read_long(size_t row, size_t column);
    // Rebinds the columns whose values outgrew their buffers in the last block.
    void widen_columns();
    [[noreturn]] void fail(const char* action);

    std::shared_ptr<Connection> connection_;
    SQLHSTMT stmt_ = SQL_NULL_HSTMT;
    uint64_t generation_ = 0;
    bool closed_ = false;

    std::vector<ColumnInfo> columns_;
    std::vector<Bound> bound_;
    bool has_result_ = false;
    bool finished_ = false;
    int64_t rowcount_ = -1;
    size_t rowset_ = 1;
    SQLULEN fetched_ = 0;
    size_t long_chunk_ = 65536;
    // Values read with SQLGetData for this block, by row * columns + column
    // (sized on first use in a block); not `present` means NULL.
    struct LongValue {
        bool present = false;
        std::string data;
    };
    std::vector<LongValue> long_values_;
    bool long_values_used_ = false;
    std::vector<char> chunk_;  // SQLGetData's buffer, kept between calls
    std::vector<SQLSMALLINT> param_types_;  // SQLDescribeParam's, for NULLs
    // A parameter's buffer and binding, kept from row to row.
    struct ParamSlot {
        SQLSMALLINT c_type = 0, sql_type = 0, digits = 0;
        SQLULEN column_size = 0;
        std::vector<char> buffer;
        SQLLEN length = 0;
        bool bound = false;
    };
    std::vector<ParamSlot> slots_;
};

}  // namespace w32::odbc
