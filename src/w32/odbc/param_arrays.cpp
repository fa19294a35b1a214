#include "w32/odbc/param_arrays.h"

#include <sqlext.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

namespace w32::odbc {

namespace {

constexpr size_t kMaxTextUnits = 4000;
constexpr size_t kMaxBinaryBytes = 8000;
constexpr size_t kMaxChunkRows = 1000;
constexpr size_t kChunkBytes = 4 * 1024 * 1024;

size_t value_bytes(const ParamValue& v) {
    if (auto* s = std::get_if<std::u16string>(&v)) return (s->size() + 1) * 2;
    if (auto* b = std::get_if<Bytes>(&v)) return b->data.size();
    if (auto* d = std::get_if<DecimalText>(&v)) return d->text.size() + 1;
    return 16;
}

// The switch below goes by ParamValue's alternatives, in their order.
static_assert(std::is_same_v<std::variant_alternative_t<1, ParamValue>, bool>);
static_assert(std::is_same_v<std::variant_alternative_t<2, ParamValue>, int64_t>);
static_assert(std::is_same_v<std::variant_alternative_t<3, ParamValue>, double>);
static_assert(std::is_same_v<std::variant_alternative_t<4, ParamValue>, std::u16string>);
static_assert(std::is_same_v<std::variant_alternative_t<5, ParamValue>, Bytes>);
static_assert(std::is_same_v<std::variant_alternative_t<6, ParamValue>, TimestampValue>);
static_assert(std::is_same_v<std::variant_alternative_t<7, ParamValue>, DateValue>);
static_assert(std::is_same_v<std::variant_alternative_t<8, ParamValue>, TimeValue>);
static_assert(std::is_same_v<std::variant_alternative_t<9, ParamValue>, DecimalText>);

}  // namespace

size_t param_array_chunk(std::span<const ParamRow> rows) {
    size_t row_bytes = 1;
    for (const ParamValue& v : rows.front()) row_bytes += value_bytes(v) + sizeof(SQLLEN);
    return std::clamp<size_t>(kChunkBytes / row_bytes, 1, kMaxChunkRows);
}

std::optional<std::vector<ParamArrayColumn>> build_param_arrays(std::span<const ParamRow> rows, size_t params) {
    std::vector<ParamArrayColumn> columns(params);
    const size_t n = rows.size();
    for (size_t p = 0; p < params; ++p) {
        ParamArrayColumn& col = columns[p];
        // The column's type: that of its first non-NULL value; the others must match.
        size_t kind = 0;
        size_t longest = 0;
        bool wide_ints = false;
        int precision = 1, scale = 0;
        for (const ParamRow& row : rows) {
            const ParamValue& v = row[p];
            if (std::holds_alternative<std::monostate>(v)) continue;
            if (kind == 0) kind = v.index();
            if (v.index() != kind) return std::nullopt;
            if (auto* s = std::get_if<std::u16string>(&v)) longest = std::max(longest, s->size());
            if (auto* b = std::get_if<Bytes>(&v)) longest = std::max(longest, b->data.size());
            if (auto* d = std::get_if<DecimalText>(&v)) {
                longest = std::max(longest, d->text.size());
                precision = std::max(precision, d->precision);
                scale = std::max(scale, d->scale);
            }
            if (auto* i = std::get_if<int64_t>(&v)) {
                if (*i < std::numeric_limits<int32_t>::min() || *i > std::numeric_limits<int32_t>::max()) {
                    wide_ints = true;
                }
            }
        }
        switch (kind) {
            case 0:  // all NULL
                col.width = 1;
                break;
            case 1:  // bool
                col.c_type = SQL_C_BIT;
                col.sql_type = SQL_BIT;
                col.width = 1;
                break;
            case 2:  // int64_t
                col.c_type = SQL_C_SBIGINT;
                col.sql_type = wide_ints ? SQL_BIGINT : SQL_INTEGER;
                col.column_size = wide_ints ? 19 : 10;
                col.width = sizeof(int64_t);
                break;
            case 3:  // double
                col.c_type = SQL_C_DOUBLE;
                col.sql_type = SQL_DOUBLE;
                col.column_size = 15;
                col.width = sizeof(double);
                break;
            case 4:  // text
                if (longest > kMaxTextUnits) return std::nullopt;
                col.c_type = SQL_C_WCHAR;
                col.sql_type = SQL_WVARCHAR;
                col.column_size = std::max<size_t>(longest, 1);
                col.width = (longest + 1) * sizeof(char16_t);
                break;
            case 5:  // bytes
                if (longest > kMaxBinaryBytes) return std::nullopt;
                col.c_type = SQL_C_BINARY;
                col.sql_type = SQL_VARBINARY;
                col.column_size = std::max<size_t>(longest, 1);
                col.width = std::max<size_t>(longest, 1);
                break;
            case 6:  // timestamp
                col.c_type = SQL_C_TYPE_TIMESTAMP;
                col.sql_type = SQL_TYPE_TIMESTAMP;
                col.column_size = 26;
                col.digits = 6;
                col.width = sizeof(SQL_TIMESTAMP_STRUCT);
                break;
            case 7:  // date
                col.c_type = SQL_C_TYPE_DATE;
                col.sql_type = SQL_TYPE_DATE;
                col.column_size = 10;
                col.width = sizeof(SQL_DATE_STRUCT);
                break;
            case 8:  // time, as text with microseconds
                col.c_type = SQL_C_CHAR;
                col.sql_type = SQL_TYPE_TIME;
                col.column_size = 15;
                col.digits = 6;
                col.width = 16;
                break;
            case 9:  // decimal text
                col.c_type = SQL_C_CHAR;
                col.sql_type = SQL_NUMERIC;
                col.column_size = static_cast<SQLULEN>(precision);
                col.digits = static_cast<SQLSMALLINT>(scale);
                col.width = longest + 1;
                break;
            default:
                return std::nullopt;
        }
        col.data.assign(col.width * n, 0);
        col.indicator.assign(n, SQL_NULL_DATA);
        for (size_t r = 0; r < n; ++r) {
            const ParamValue& v = rows[r][p];
            if (std::holds_alternative<std::monostate>(v)) continue;
            char* out = col.data.data() + r * col.width;
            SQLLEN& ind = col.indicator[r];
            switch (kind) {
                case 1: *out = std::get<bool>(v) ? 1 : 0; ind = 1; break;
                case 2: std::memcpy(out, &std::get<int64_t>(v), sizeof(int64_t)); ind = sizeof(int64_t); break;
                case 3: std::memcpy(out, &std::get<double>(v), sizeof(double)); ind = sizeof(double); break;
                case 4: {
                    const auto& s = std::get<std::u16string>(v);
                    std::memcpy(out, s.data(), s.size() * sizeof(char16_t));
                    ind = static_cast<SQLLEN>(s.size() * sizeof(char16_t));
                    break;
                }
                case 5: {
                    const auto& b = std::get<Bytes>(v).data;
                    std::memcpy(out, b.data(), b.size());
                    ind = static_cast<SQLLEN>(b.size());
                    break;
                }
                case 6: std::memcpy(out, &std::get<TimestampValue>(v), sizeof(SQL_TIMESTAMP_STRUCT)); ind = sizeof(SQL_TIMESTAMP_STRUCT); break;
                case 7: std::memcpy(out, &std::get<DateValue>(v), sizeof(SQL_DATE_STRUCT)); ind = sizeof(SQL_DATE_STRUCT); break;
                case 8: {
                    std::string t = time_text(std::get<TimeValue>(v));
                    std::memcpy(out, t.data(), t.size());
                    ind = static_cast<SQLLEN>(t.size());
                    break;
                }
                case 9: {
                    const auto& d = std::get<DecimalText>(v).text;
                    std::memcpy(out, d.data(), d.size());
                    ind = static_cast<SQLLEN>(d.size());
                    break;
                }
            }
        }
    }
    return columns;
}

}  // namespace w32::odbc
