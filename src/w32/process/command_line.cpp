#include "w32/process/command_line.h"

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"

namespace w32::process {

// Windows' rule (CommandLineToArgvW): backslashes are literal except before
// a quote, where 2n of them give n and the quote delimits, and 2n+1 give n
// and a literal quote. Paths such as C:\dir\x.exe and \\server\share keep
// their backslashes.
std::vector<std::string> split_command_line(const std::string& command_line, const char* function) {
    std::vector<std::string> args;
    std::string current;
    bool in_word = false, quoted = false;
    size_t i = 0;
    const size_t n = command_line.size();
    while (i < n) {
        char c = command_line[i];
        if (c == '\\') {
            size_t run = 0;
            while (i < n && command_line[i] == '\\') ++run, ++i;
            if (i < n && command_line[i] == '"') {
                current.append(run / 2, '\\');
                if (run % 2) {
                    current += '"';
                    ++i;
                }
            } else {
                current.append(run, '\\');
            }
            in_word = true;
            continue;
        }
        if (c == '"') {
            quoted = !quoted;
            in_word = true;
        } else if (!quoted && (c == ' ' || c == '\t' || c == '\n')) {
            if (in_word) args.push_back(std::move(current));
            current.clear();
            in_word = false;
        } else {
            current += c;
            in_word = true;
        }
        ++i;
    }
    if (quoted) throw_win32(w32::err::kInvalidParameter, function);
    if (in_word) args.push_back(std::move(current));
    return args;
}

std::string quote_argument(const std::string& argument) {
    if (!argument.empty() && argument.find_first_of(" \t\n\"") == std::string::npos) return argument;
    std::string quoted = "\"";
    size_t backslashes = 0;
    for (char c : argument) {
        if (c == '\\') {
            ++backslashes;
            continue;
        }
        // Backslashes before a quote are doubled, and the quote escaped.
        quoted.append(c == '"' ? 2 * backslashes + 1 : backslashes, '\\');
        backslashes = 0;
        quoted += c;
    }
    quoted.append(2 * backslashes, '\\');  // they precede the closing quote
    return quoted + "\"";
}

}  // namespace w32::process
