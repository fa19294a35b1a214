// Connection strings as pywin32's odbc.odbc() takes them.
#pragma once

#include <string>
#include <string_view>

namespace w32::odbc {

// "dsn/uid/pwd" (pywin32's older form, used when there is no '=' before
// the first '/') becomes "DSN=dsn;UID=uid;PWD=pwd"; a full connection
// string passes through.
std::u16string expand_connection_string(std::u16string_view text);

// The value of attribute `key` (any case; braces removed), or empty.
std::u16string attribute(std::u16string_view conn, std::u16string_view key);

// `conn` with the value of attribute `key` replaced by `value` (unchanged
// when it has no such attribute).
std::u16string with_attribute(std::u16string_view conn, std::u16string_view key, std::u16string_view value);

inline std::u16string driver_name(std::u16string_view conn) { return attribute(conn, u"driver"); }
inline std::u16string with_driver(std::u16string_view conn, std::u16string_view value) {
    return with_attribute(conn, u"driver", value);
}

}  // namespace w32::odbc
