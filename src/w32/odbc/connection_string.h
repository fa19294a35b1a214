// Connection strings as pywin32's odbc.odbc() takes them.
#pragma once

#include <string>
#include <string_view>

namespace w32::odbc {

// "dsn/uid/pwd" (pywin32's older form, used when there is no '=' before
// the first '/') becomes "DSN=dsn;UID=uid;PWD=pwd"; a full connection
// string passes through.
std::u16string expand_connection_string(std::u16string_view text);

// The DRIVER value of a connection string (braces removed), or empty.
std::u16string driver_name(std::u16string_view conn);

// `conn` with its DRIVER value replaced by `value`.
std::u16string with_driver(std::u16string_view conn, std::u16string_view value);

}  // namespace w32::odbc
