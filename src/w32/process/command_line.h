// A Windows command line (CreateProcess, a service's binary path): the
// program, then its arguments, separated by blanks; double quotes group
// (a path with spaces), and a backslash escapes a quote.
#pragma once

#include <string>
#include <vector>

namespace w32::process {

// An unterminated quote is ERROR_INVALID_PARAMETER.
std::vector<std::string> split_command_line(const std::string& command_line,
                                            const char* function = "CreateProcess");

// Quotes one argument so that split_command_line gives it back.
std::string quote_argument(const std::string& argument);

}  // namespace w32::process
