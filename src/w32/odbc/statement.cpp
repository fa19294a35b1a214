#include "w32/odbc/statement.h"

#include <sqlext.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>

#include "w32/odbc/odbc_error.h"
#include "w32/odbc/param_arrays.h"
#include "w32/odbc/sql_markers.h"

namespace w32::odbc {

static_assert(sizeof(TimestampValue) == sizeof(SQL_TIMESTAMP_STRUCT));
static_assert(offsetof(TimestampValue, fraction_ns) == offsetof(SQL_TIMESTAMP_STRUCT, fraction));
static_assert(sizeof(DateValue) == sizeof(SQL_DATE_STRUCT));

namespace {

constexpr size_t kMaxRowset = 1024;
constexpr size_t kBlockBytes = 512 * 1024;
// Declared sizes up to these are bound as they are; longer (or unknown) ones
// are long values.
constexpr SQLULEN kMaxBoundChars = 1024;
constexpr SQLULEN kMaxBoundBytes = 8000;
// What a long value gets in a block before it is read again in full.
constexpr size_t kLongTextProbeChars = 256;
constexpr size_t kLongBinaryProbeBytes = 1024;
// A column's buffer grows (to hold the long values it meets) up to this, for all rows of a block.
constexpr size_t kMaxColumnBytes = 8 * 1024 * 1024;

ValueKind kind_of(SQLSMALLINT sql_type) {
    switch (sql_type) {
        case SQL_BIT:
        case SQL_TINYINT:
        case SQL_SMALLINT:
        case SQL_INTEGER:
        case SQL_BIGINT:
            return ValueKind::Integer;
        case SQL_NUMERIC:
        case SQL_DECIMAL:
        case SQL_FLOAT:
        case SQL_REAL:
        case SQL_DOUBLE:
            return ValueKind::Number;
        case SQL_DATE:
        case SQL_TIMESTAMP:
        case SQL_TYPE_DATE:
        case SQL_TYPE_TIMESTAMP:
            return ValueKind::DateTime;
        case SQL_BINARY:
        case SQL_VARBINARY:
        case SQL_LONGVARBINARY:
            return ValueKind::Binary;
        default:
            return ValueKind::Text;
    }
}

size_t terminator_bytes(SQLSMALLINT c_type) {
    return c_type == SQL_C_WCHAR ? sizeof(SQLWCHAR) : c_type == SQL_C_CHAR ? 1 : 0;
}

bool truncated(SQLLEN indicator, size_t capacity) {
    return indicator == SQL_NO_TOTAL || (indicator != SQL_NULL_DATA && static_cast<size_t>(indicator) > capacity);
}

}  // namespace

Statement::Statement(std::shared_ptr<Connection> connection) : connection_(std::move(connection)) {
    handle("OPEN");
}

Statement::~Statement() {
    if (!closed_ && stmt_ != SQL_NULL_HSTMT) connection_->release_statement(stmt_, generation_);
}

void Statement::close() noexcept {
    if (closed_) return;
    reset_result();
    if (stmt_ != SQL_NULL_HSTMT) {
        if (!connection_->closed() && generation_ == connection_->generation()) {
            SQLFreeHandle(SQL_HANDLE_STMT, stmt_);
        }
        Connection::count_statement(-1);
        stmt_ = SQL_NULL_HSTMT;
    }
    closed_ = true;
}

SQLHSTMT Statement::handle(const char* action) {
    if (closed_) throw_interface_error(std::string("The cursor is closed in ") + action);
    SQLHDBC dbc = connection_->reconnect_if_lost(action);
    if (stmt_ != SQL_NULL_HSTMT && generation_ == connection_->generation()) return stmt_;
    // First use, or the link was made again: the old handle went with the old link.
    SQLHSTMT fresh = SQL_NULL_HSTMT;
    if (!succeeded(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &fresh))) connection_->fail(SQL_HANDLE_DBC, dbc, action);
    if (stmt_ == SQL_NULL_HSTMT) Connection::count_statement(1);
    stmt_ = fresh;
    generation_ = connection_->generation();
    columns_.clear();
    bound_.clear();
    has_result_ = false;
    return stmt_;
}

SQLHSTMT Statement::usable_handle(const char* action) {
    if (closed_) throw_interface_error(std::string("The cursor is closed in ") + action);
    connection_->connected_handle(action);
    if (stmt_ == SQL_NULL_HSTMT || generation_ != connection_->generation()) {
        throw OdbcError(ErrorClass::Operational, "08003",
                        std::string("[08003] The connection was lost in ") + action);
    }
    return stmt_;
}

void Statement::fail(const char* action) { connection_->fail(SQL_HANDLE_STMT, stmt_, action); }

void Statement::reset_result() {
    if (stmt_ != SQL_NULL_HSTMT && !connection_->closed() && generation_ == connection_->generation()) {
        SQLFreeStmt(stmt_, SQL_CLOSE);
        SQLFreeStmt(stmt_, SQL_UNBIND);
        SQLFreeStmt(stmt_, SQL_RESET_PARAMS);
    }
    columns_.clear();
    bound_.clear();
    long_values_.clear();
    long_values_used_ = false;
    has_result_ = false;
    finished_ = false;
    rowcount_ = -1;
    fetched_ = 0;
}

namespace {

// Declared sizes of text and binary parameters, rounded up so that rows of
// varying lengths keep one binding.
SQLULEN stable_size(size_t n) {
    SQLULEN size = 128;
    while (size < n) size *= 2;
    return size;
}

}  // namespace

void Statement::bind_parameters(const ParamRow& row) {
    // Each value is copied into its slot's buffer; the parameter is bound
    // again only when its type or buffer changes, so rows of one statement
    // cost a copy each, not a driver call.
    for (size_t i = 0; i < row.size(); ++i) {
        ParamSlot& slot = slots_[i];
        SQLSMALLINT c_type = 0, sql_type = 0, digits = 0;
        SQLULEN column_size = 0;
        const void* src = nullptr;
        size_t bytes = 0;
        std::string text;
        bool null = false;
        const ParamValue& v = row[i];
        if (std::holds_alternative<std::monostate>(v)) {
            c_type = SQL_C_CHAR;
            sql_type = described_type(i);
            column_size = 1;
            null = true;
        } else if (auto* b = std::get_if<bool>(&v)) {
            c_type = SQL_C_BIT;
            sql_type = SQL_BIT;
            column_size = 1;
            static const unsigned char bits[2] = {0, 1};
            src = &bits[*b ? 1 : 0];
            bytes = 1;
        } else if (auto* n = std::get_if<int64_t>(&v)) {
            c_type = SQL_C_SBIGINT;
            bool narrow = *n >= std::numeric_limits<int32_t>::min() && *n <= std::numeric_limits<int32_t>::max();
            sql_type = narrow ? SQL_INTEGER : SQL_BIGINT;
            column_size = narrow ? 10 : 19;
            src = n;
            bytes = sizeof(int64_t);
        } else if (auto* d = std::get_if<double>(&v)) {
            c_type = SQL_C_DOUBLE;
            sql_type = SQL_DOUBLE;
            column_size = 15;
            src = d;
            bytes = sizeof(double);
        } else if (auto* str = std::get_if<std::u16string>(&v)) {
            c_type = SQL_C_WCHAR;
            bool is_long = str->size() > 4000;
            sql_type = is_long ? SQL_WLONGVARCHAR : SQL_WVARCHAR;
            column_size = is_long ? str->size() : std::min<SQLULEN>(stable_size(str->size()), 4000);
            src = str->data();
            bytes = str->size() * sizeof(char16_t);
        } else if (auto* raw = std::get_if<Bytes>(&v)) {
            c_type = SQL_C_BINARY;
            bool is_long = raw->data.size() > 8000;
            sql_type = is_long ? SQL_LONGVARBINARY : SQL_VARBINARY;
            column_size = is_long ? raw->data.size() : std::min<SQLULEN>(stable_size(raw->data.size()), 8000);
            src = raw->data.data();
            bytes = raw->data.size();
        } else if (auto* ts = std::get_if<TimestampValue>(&v)) {
            c_type = SQL_C_TYPE_TIMESTAMP;
            sql_type = SQL_TYPE_TIMESTAMP;
            column_size = 26;
            digits = 6;
            src = ts;
            bytes = sizeof(SQL_TIMESTAMP_STRUCT);
        } else if (auto* date = std::get_if<DateValue>(&v)) {
            c_type = SQL_C_TYPE_DATE;
            sql_type = SQL_TYPE_DATE;
            column_size = 10;
            src = date;
            bytes = sizeof(SQL_DATE_STRUCT);
        } else if (auto* t = std::get_if<TimeValue>(&v)) {
            text = time_text(*t);
            c_type = SQL_C_CHAR;
            sql_type = SQL_TYPE_TIME;
            column_size = 15;
            digits = 6;
            src = text.data();
            bytes = text.size();
        } else if (auto* dec = std::get_if<DecimalText>(&v)) {
            c_type = SQL_C_CHAR;
            sql_type = SQL_NUMERIC;
            column_size = static_cast<SQLULEN>(std::max(dec->precision, 1));
            digits = static_cast<SQLSMALLINT>(std::max(dec->scale, 0));
            src = dec->text.data();
            bytes = dec->text.size();
        }
        const char* before = slot.buffer.data();
        if (slot.buffer.size() < std::max<size_t>(bytes, 1)) slot.buffer.resize(std::max<size_t>(bytes, 16));
        if (bytes) std::memcpy(slot.buffer.data(), src, bytes);
        slot.length = null ? SQL_NULL_DATA : static_cast<SQLLEN>(bytes);
        // (The SQLite driver takes a binary value's length when it is bound: binary is bound each time.)
        bool same = slot.bound && c_type != SQL_C_BINARY && slot.c_type == c_type && slot.sql_type == sql_type &&
                    slot.column_size == column_size && slot.digits == digits && before == slot.buffer.data();
        if (same) continue;
        SQLRETURN rc = SQLBindParameter(stmt_, static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, c_type, sql_type,
                                        column_size, digits, slot.buffer.data(),
                                        static_cast<SQLLEN>(slot.buffer.size()), &slot.length);
        if (!succeeded(rc)) {
            slot.bound = false;
            fail("input-binding");
        }
        slot.bound = true;
        slot.c_type = c_type;
        slot.sql_type = sql_type;
        slot.column_size = column_size;
        slot.digits = digits;
    }
}

int64_t Statement::execute(std::u16string sql, std::span<const ParamRow> rows, bool bulk) {
    SQLHSTMT h = handle("EXEC");
    connection_->free_released_statements();
    reset_result();
    size_t markers = rewrite_parameter_markers(sql);
    auto* text = reinterpret_cast<SQLWCHAR*>(sql.data());
    auto text_len = static_cast<SQLINTEGER>(sql.size());
    int64_t affected = 0;
    bool any_count = false;
    if (rows.empty()) {
        SQLRETURN rc = SQLExecDirectW(h, text, text_len);
        if (!succeeded(rc) && rc != SQL_NO_DATA) fail("EXEC");
        SQLLEN n = -1;
        if (succeeded(SQLRowCount(h, &n)) && n >= 0) {
            affected = n;
            any_count = true;
        }
    } else {
        if (!succeeded(SQLPrepareW(h, text, text_len))) fail("EXEC");
        SQLSMALLINT described = 0;
        size_t expected = succeeded(SQLNumParams(h, &described)) ? static_cast<size_t>(described) : markers;
        param_types_.assign(expected, 0);
        if (bulk && rows.size() > 1 && expected > 0 && connection_->executes_parameter_arrays()) {
            size_t done = 0;
            while (done < rows.size()) {
                std::span<const ParamRow> rest = rows.subspan(done);
                std::span<const ParamRow> part = rest.first(std::min(param_array_chunk(rest), rest.size()));
                if (!execute_array(part, expected, affected, any_count)) {
                    execute_rows(part, expected, bulk, affected, any_count);
                }
                done += part.size();
            }
        } else {
            execute_rows(rows, expected, bulk, affected, any_count);
        }
        // The values bound were the caller's: let go of them.
        SQLFreeStmt(h, SQL_RESET_PARAMS);
    }
    rowcount_ = any_count ? affected : -1;
    if (!bulk) {
        SQLSMALLINT n_columns = 0;
        if (succeeded(SQLNumResultCols(h, &n_columns)) && n_columns > 0) {
            describe_result();
            plan_fetch();
            has_result_ = true;
            return 0;
        }
    }
    // As pywin32: the rows affected, 1 when the driver cannot say.
    return any_count ? affected : 1;
}

SQLSMALLINT Statement::described_type(size_t i) {
    // The parameter's own type, so that a typed server (PostgreSQL) takes a NULL.
    if (param_types_.size() <= i) param_types_.resize(i + 1, 0);
    if (param_types_[i] == 0) {
        SQLSMALLINT type = 0, digits = 0, nullable = 0;
        SQLULEN size = 0;
        bool ok = succeeded(SQLDescribeParam(stmt_, static_cast<SQLUSMALLINT>(i + 1), &type, &size, &digits, &nullable));
        param_types_[i] = ok && type != 0 ? type : SQL_VARCHAR;
    }
    return param_types_[i];
}

namespace {

[[noreturn]] void wrong_count(size_t expected, size_t given) {
    throw OdbcError(ErrorClass::Programming, "07002",
                    "[07002] The statement has " + std::to_string(expected) + " parameter(s), " +
                        std::to_string(given) + " value(s) were given in EXEC");
}

}  // namespace

void Statement::execute_rows(std::span<const ParamRow> rows, size_t expected, bool bulk, int64_t& affected,
                             bool& any_count) {
    SQLHSTMT h = stmt_;
    // Bindings left from an array execution are gone (SQL_RESET_PARAMS).
    slots_.assign(expected, ParamSlot{});
    // Closing after each row matters only for statements with a result set.
    SQLSMALLINT result_columns = 0;
    bool has_results = !succeeded(SQLNumResultCols(h, &result_columns)) || result_columns > 0;
    for (const ParamRow& row : rows) {
        if (row.size() != expected) {
            SQLFreeStmt(h, SQL_RESET_PARAMS);
            wrong_count(expected, row.size());
        }
        bind_parameters(row);
        SQLRETURN rc = SQLExecute(h);
        if (!succeeded(rc) && rc != SQL_NO_DATA) {
            try {
                fail("EXEC");
            } catch (...) {
                if (generation_ == connection_->generation() && !connection_->closed()) {
                    SQLFreeStmt(h, SQL_RESET_PARAMS);
                }
                throw;
            }
        }
        SQLLEN n = -1;
        if (succeeded(SQLRowCount(h, &n)) && n >= 0) {
            affected += n;
            any_count = true;
        }
        if (bulk && has_results) SQLFreeStmt(h, SQL_CLOSE);
    }
}

bool Statement::execute_array(std::span<const ParamRow> rows, size_t expected, int64_t& affected, bool& any_count) {
    for (const ParamRow& row : rows) {
        if (row.size() != expected) wrong_count(expected, row.size());
    }
    auto columns = build_param_arrays(rows, expected);
    if (!columns) return false;
    SQLHSTMT h = stmt_;
    std::vector<SQLUSMALLINT> status(rows.size(), SQL_PARAM_UNUSED);
    SQLULEN processed = 0;
    auto unbind = [&] {
        if (generation_ != connection_->generation() || connection_->closed()) return;
        SQLFreeStmt(h, SQL_RESET_PARAMS);
        SQLSetStmtAttr(h, SQL_ATTR_PARAMSET_SIZE, reinterpret_cast<SQLPOINTER>(1), 0);
        SQLSetStmtAttr(h, SQL_ATTR_PARAM_STATUS_PTR, nullptr, 0);
        SQLSetStmtAttr(h, SQL_ATTR_PARAMS_PROCESSED_PTR, nullptr, 0);
    };
    SQLSetStmtAttr(h, SQL_ATTR_PARAM_BIND_TYPE, reinterpret_cast<SQLPOINTER>(SQL_PARAM_BIND_BY_COLUMN), 0);
    if (!succeeded(SQLSetStmtAttr(h, SQL_ATTR_PARAMSET_SIZE, reinterpret_cast<SQLPOINTER>(rows.size()), 0))) {
        unbind();
        return false;
    }
    SQLSetStmtAttr(h, SQL_ATTR_PARAM_STATUS_PTR, status.data(), 0);
    SQLSetStmtAttr(h, SQL_ATTR_PARAMS_PROCESSED_PTR, &processed, 0);
    try {
        for (size_t i = 0; i < columns->size(); ++i) {
            ParamArrayColumn& c = (*columns)[i];
            SQLSMALLINT sql_type = c.sql_type != 0 ? c.sql_type : described_type(i);
            SQLRETURN rc = SQLBindParameter(h, static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, c.c_type, sql_type,
                                            c.column_size, c.digits, c.data.data(), static_cast<SQLLEN>(c.width),
                                            c.indicator.data());
            if (!succeeded(rc)) fail("input-binding");
        }
        SQLRETURN rc = SQLExecute(h);
        bool row_failed = std::any_of(status.begin(), status.end(), [](SQLUSMALLINT s) { return s == SQL_PARAM_ERROR; });
        if ((!succeeded(rc) && rc != SQL_NO_DATA) || row_failed) fail("EXEC");
        // One count for the whole array, or one per row (SQL_PARC_BATCH: the next ones through SQLMoreResults).
        for (;;) {
            SQLLEN n = -1;
            if (succeeded(SQLRowCount(h, &n)) && n >= 0) {
                affected += n;
                any_count = true;
            }
            SQLRETURN more = SQLMoreResults(h);
            if (!succeeded(more)) break;
        }
    } catch (...) {
        unbind();
        throw;
    }
    SQLFreeStmt(h, SQL_CLOSE);
    unbind();
    return true;
}

void Statement::describe_result() {
    SQLSMALLINT n = 0;
    if (!succeeded(SQLNumResultCols(stmt_, &n))) fail("DESCRIBE");
    columns_.resize(static_cast<size_t>(n));
    for (SQLSMALLINT i = 0; i < n; ++i) {
        ColumnInfo& c = columns_[static_cast<size_t>(i)];
        SQLWCHAR name[256];
        SQLSMALLINT name_len = 0;
        SQLRETURN rc = SQLDescribeColW(stmt_, static_cast<SQLUSMALLINT>(i + 1), name,
                                       static_cast<SQLSMALLINT>(std::size(name)), &name_len, &c.sql_type, &c.size,
                                       &c.scale, &c.nullable);
        if (!succeeded(rc)) fail("DESCRIBE");
        size_t len = std::min<size_t>(static_cast<size_t>(std::max<SQLSMALLINT>(name_len, 0)), std::size(name) - 1);
        // Some drivers (SQLite's) count the name's UTF-8 bytes: stop at its terminator.
        size_t end = 0;
        while (end < len && name[end] != 0) ++end;
        c.name.assign(reinterpret_cast<const char16_t*>(name), end);
        c.kind = kind_of(c.sql_type);
    }
}

void Statement::plan_fetch() {
    SQLUINTEGER ext = connection_->getdata_extensions();
    bool gd_bound = ext & SQL_GD_BOUND;
    bool block_reads = gd_bound && (ext & SQL_GD_BLOCK);
    bool any_column = ext & SQL_GD_ANY_COLUMN;
    bound_.assign(columns_.size(), Bound{});
    for (size_t i = 0; i < columns_.size(); ++i) {
        const ColumnInfo& c = columns_[i];
        Bound& b = bound_[i];
        b.bound = true;
        switch (c.kind) {
            case ValueKind::Integer:
                b.c_type = SQL_C_SBIGINT;
                b.width = sizeof(int64_t);
                b.fixed = true;
                break;
            case ValueKind::Number:
                b.c_type = SQL_C_DOUBLE;
                b.width = sizeof(double);
                b.fixed = true;
                break;
            case ValueKind::DateTime:
                b.c_type = SQL_C_TYPE_TIMESTAMP;
                b.width = sizeof(SQL_TIMESTAMP_STRUCT);
                b.fixed = true;
                break;
            case ValueKind::Text: {
                // The text as the driver keeps it: UTF-16 for the W types (and the
                // text of non-character types), UTF-8 for the narrow ones.
                bool narrow = c.sql_type == SQL_CHAR || c.sql_type == SQL_VARCHAR || c.sql_type == SQL_LONGVARCHAR;
                b.c_type = narrow ? SQL_C_CHAR : SQL_C_WCHAR;
                columns_[i].utf16 = !narrow;
                bool is_long = c.size == 0 || c.size > kMaxBoundChars || c.sql_type == SQL_LONGVARCHAR ||
                               c.sql_type == SQL_WLONGVARCHAR;
                // Room for the longest encoding of each character, and for the text of non-character types.
                size_t units = is_long ? kLongTextProbeChars : std::max<size_t>((narrow ? 4 : 2) * c.size, 32);
                size_t unit = narrow ? 1 : sizeof(SQLWCHAR);
                b.width = (units + 1) * unit;
                b.bound = !is_long || gd_bound;
                break;
            }
            case ValueKind::Binary: {
                b.c_type = SQL_C_BINARY;
                bool is_long = c.size == 0 || c.size > kMaxBoundBytes || c.sql_type == SQL_LONGVARBINARY;
                b.width = is_long ? kLongBinaryProbeBytes : c.size;
                b.bound = !is_long || gd_bound;
                break;
            }
        }
    }
    bool all_fixed = true;
    if (!block_reads) {
        bool unbound_seen = false;
        for (Bound& b : bound_) {
            // A value longer than its buffer is read again with SQLGetData: on a bound column only with SQL_GD_BOUND.
            if (!b.fixed && !gd_bound) b.bound = false;
            if (unbound_seen && !any_column) b.bound = false;
            if (!b.bound) unbound_seen = true;
            if (!b.fixed) all_fixed = false;
        }
    }
    size_t row_bytes = 0;
    for (const Bound& b : bound_) {
        if (b.bound) row_bytes += b.width + sizeof(SQLLEN);
    }
    rowset_ = (block_reads || all_fixed) ? std::clamp<size_t>(kBlockBytes / std::max<size_t>(row_bytes, 1), 1, kMaxRowset)
                                         : 1;
    SQLSetStmtAttr(stmt_, SQL_ATTR_ROW_BIND_TYPE, reinterpret_cast<SQLPOINTER>(SQL_BIND_BY_COLUMN), 0);
    if (!succeeded(SQLSetStmtAttr(stmt_, SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(rowset_), 0))) {
        rowset_ = 1;
        SQLSetStmtAttr(stmt_, SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(1), 0);
    }
    SQLSetStmtAttr(stmt_, SQL_ATTR_ROWS_FETCHED_PTR, &fetched_, 0);
    for (size_t i = 0; i < bound_.size(); ++i) {
        Bound& b = bound_[i];
        if (!b.bound) continue;
        b.buffer.resize(b.width * rowset_);
        b.indicator.resize(rowset_);
        SQLRETURN rc = SQLBindCol(stmt_, static_cast<SQLUSMALLINT>(i + 1), b.c_type, b.buffer.data(),
                                  static_cast<SQLLEN>(b.width), b.indicator.data());
        if (!succeeded(rc)) fail("BIND");
    }
}

size_t Statement::fetch_block() {
    SQLHSTMT h = usable_handle("FETCH");
    if (!has_result_) {
        throw OdbcError(ErrorClass::Internal, "24000", "[24000] Invalid cursor state: no result set in FETCH");
    }
    if (finished_) return 0;
    widen_columns();
    if (long_values_used_) {
        for (LongValue& v : long_values_) v.present = false;
        long_values_used_ = false;
    }
    fetched_ = 0;
    SQLRETURN rc = SQLFetchScroll(h, SQL_FETCH_NEXT, 0);
    if (rc == SQL_NO_DATA) {
        finished_ = true;
        return 0;
    }
    if (!succeeded(rc)) fail("FETCH");
    size_t rows = rowset_ == 1 ? 1 : static_cast<size_t>(fetched_);
    for (size_t r = 0; r < rows; ++r) {
        bool positioned = rowset_ == 1;
        for (size_t c = 0; c < bound_.size(); ++c) {
            const Bound& b = bound_[c];
            bool again = !b.bound ||
                         (!b.fixed && truncated(b.indicator[r], b.width - terminator_bytes(b.c_type)));
            if (!again) continue;
            if (!positioned) {
                if (!succeeded(SQLSetPos(h, static_cast<SQLSETPOSIROW>(r + 1), SQL_POSITION, SQL_LOCK_NO_CHANGE))) {
                    fail("FETCH");
                }
                positioned = true;
            }
            read_long(r, c);
            if (b.bound) {
                // Values this long are common: bind a buffer that holds them (from the next block on).
                size_t need = long_values_[r * bound_.size() + c].data.size() + terminator_bytes(b.c_type);
                bound_[c].wanted_width = std::max(bound_[c].wanted_width, need);
            }
        }
    }
    return rows;
}

void Statement::widen_columns() {
    for (size_t c = 0; c < bound_.size(); ++c) {
        Bound& b = bound_[c];
        if (b.wanted_width <= b.width) continue;
        size_t width = 64;
        while (width < b.wanted_width) width *= 2;
        b.wanted_width = 0;
        if (width * rowset_ > kMaxColumnBytes) continue;  // such values stay read one by one
        width += terminator_bytes(b.c_type);
        b.width = width;
        b.buffer.resize(b.width * rowset_);
        SQLRETURN rc = SQLBindCol(stmt_, static_cast<SQLUSMALLINT>(c + 1), b.c_type, b.buffer.data(),
                                  static_cast<SQLLEN>(b.width), b.indicator.data());
        if (!succeeded(rc)) fail("BIND");
    }
}

void Statement::read_long(size_t row, size_t column) {
    const Bound& b = bound_[column];
    size_t term = terminator_bytes(b.c_type);
    size_t slot = row * bound_.size() + column;
    if (long_values_.size() < rowset_ * bound_.size()) long_values_.resize(rowset_ * bound_.size());
    long_values_used_ = true;
    LongValue& out = long_values_[slot];
    out.data.clear();
    size_t want = std::max<size_t>(long_chunk_ & ~size_t{1}, 256);
    if (chunk_.size() < want) chunk_.resize(want);
    size_t offered = want;
    for (;;) {
        SQLLEN ind = 0;
        SQLRETURN rc = SQLGetData(stmt_, static_cast<SQLUSMALLINT>(column + 1), b.c_type, chunk_.data(),
                                  static_cast<SQLLEN>(offered), &ind);
        if (rc == SQL_NO_DATA) break;
        if (!succeeded(rc)) fail("SQLGetData");
        if (ind == SQL_NULL_DATA) return;  // not present: NULL
        size_t capacity = offered - term;
        if (rc == SQL_SUCCESS_WITH_INFO && truncated(ind, capacity)) {
            out.data.append(chunk_.data(), capacity);
            // The rest in one go when its size is known.
            if (ind != SQL_NO_TOTAL) {
                offered = static_cast<size_t>(ind) - capacity + term + 2;
                if (chunk_.size() < offered) chunk_.resize(offered);
            }
            continue;
        }
        out.data.append(chunk_.data(), static_cast<size_t>(ind));
        break;
    }
    out.present = true;
}

CellView Statement::cell(size_t row, size_t column) const {
    const Bound& b = bound_[column];
    if (b.bound) {
        SQLLEN ind = b.indicator[row];
        if (ind == SQL_NULL_DATA) return {};
        if (b.fixed) return {b.buffer.data() + row * b.width, b.width, false};
        if (!truncated(ind, b.width - terminator_bytes(b.c_type))) {
            return {b.buffer.data() + row * b.width, static_cast<size_t>(ind), false};
        }
    }
    size_t slot = row * bound_.size() + column;
    if (slot >= long_values_.size() || !long_values_[slot].present) return {};
    const std::string& v = long_values_[slot].data;
    return {v.data(), v.size(), false};
}

}  // namespace w32::odbc
