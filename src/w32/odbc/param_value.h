// Parameter values as the bindings hand them to a statement: plain C++
// values, one vector per execution (pywin32's execute takes a row, or a
// sequence of rows to execute the statement once each).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace w32::odbc {

struct TimestampValue {
    int16_t year;
    uint16_t month, day, hour, minute, second;
    uint32_t fraction_ns;
};
struct DateValue {
    int16_t year;
    uint16_t month, day;
};
struct TimeValue {
    uint16_t hour, minute, second;
    uint32_t microsecond;
};
// Exact numbers (decimal.Decimal, integers past 64 bits) as their text.
struct DecimalText {
    std::string text;  // "-123.4500"
    int precision;
    int scale;
};
// Raw bytes (bytes, bytearray, memoryview): pywin32's RAW.
struct Bytes {
    std::string data;
};

// "HH:MM:SS", with ".ffffff" when there are microseconds: how a time is sent.
std::string time_text(const TimeValue& t);

using ParamValue = std::variant<std::monostate, bool, int64_t, double, std::u16string, Bytes, TimestampValue,
                                DateValue, TimeValue, DecimalText>;
using ParamRow = std::vector<ParamValue>;

}  // namespace w32::odbc
