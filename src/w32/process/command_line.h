// A Windows command line (CreateProcess, a service's binary path,
// CommandLineToArgv): the program, then its arguments, separated by blanks;
// double quotes group (a path with spaces), and a backslash escapes a quote.
#pragma once

#include <string>
#include <vector>

namespace w32::process {

// A line of blanks gives no words.
std::vector<std::string> split_command_line(const std::string& command_line);

// Quotes one argument so that split_command_line gives it back.
std::string quote_argument(const std::string& argument);

}  // namespace w32::process
