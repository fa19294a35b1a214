// FormatMessage's insert language (%1..%99, %1!s!, %n, %%, ...), shared by
// system messages, FORMAT_MESSAGE_FROM_STRING and event-log message files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace w32 {

// Expands the inserts of `pattern`. With ignore_inserts the %n references
// stay as written, as FORMAT_MESSAGE_IGNORE_INSERTS asks. A reference past
// the end of `inserts` fails with ERROR_INVALID_PARAMETER, like Windows.
std::string expand_message_inserts(std::string_view pattern,
                                   const std::vector<std::string>& inserts,
                                   bool ignore_inserts);

// FormatMessage's five-argument form. `source` is the format string with
// FORMAT_MESSAGE_FROM_STRING (nullopt when none was given); system messages
// end with CR LF as on Windows. FORMAT_MESSAGE_FROM_HMODULE has no message
// tables to read here: ERROR_RESOURCE_TYPE_NOT_FOUND.
std::string format_message(uint32_t flags, std::optional<std::string_view> source,
                           uint32_t message_id, const std::vector<std::string>& inserts);

}  // namespace w32
