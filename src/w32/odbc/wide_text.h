// UTF-8 <-> UTF-16 for the wide (W) ODBC calls: unixODBC's SQLWCHAR is a
// 16-bit unit, the same as Windows'.
#pragma once

#include <string>
#include <string_view>

namespace w32::odbc {

std::string utf8_from_utf16(std::u16string_view text);
std::u16string utf16_from_utf8(std::string_view text);

}  // namespace w32::odbc
