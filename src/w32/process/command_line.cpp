#include "w32/process/command_line.h"


namespace w32::process {

// Windows' rules (CommandLineToArgvW). The program name, first, ends at a
// blank or, when it starts with a quote, at the next quote: no escapes, so
// "C:\dir\" keeps its backslash. In the arguments, backslashes are literal
// except before a quote, where 2n of them give n and the quote delimits, and
// 2n+1 give n and a literal quote; "" inside quotes is a literal quote. An
// unterminated quote runs to the end, as Windows lets it.
std::vector<std::string> split_command_line(const std::string& command_line) {
    std::vector<std::string> args;
    const size_t n = command_line.size();
    auto blank = [&](size_t at) { return command_line[at] == ' ' || command_line[at] == '\t' || command_line[at] == '\n'; };
    size_t i = 0;
    while (i < n && blank(i)) ++i;
    if (i == n) return args;
    std::string program;
    if (command_line[i] == '"') {
        for (++i; i < n && command_line[i] != '"'; ++i) program += command_line[i];
        if (i < n) ++i;
    } else {
        for (; i < n && !blank(i); ++i) program += command_line[i];
    }
    args.push_back(std::move(program));
    for (;;) {
        while (i < n && blank(i)) ++i;
        if (i >= n) break;
        std::string arg;
        bool quoted = false;
        while (i < n && (quoted || !blank(i))) {
            char c = command_line[i];
            if (c == '\\') {
                size_t run = 0;
                while (i < n && command_line[i] == '\\') ++run, ++i;
                if (i < n && command_line[i] == '"') {
                    arg.append(run / 2, '\\');
                    if (run % 2) {
                        arg += '"';
                        ++i;
                    }
                } else {
                    arg.append(run, '\\');
                }
            } else if (c == '"') {
                if (quoted && i + 1 < n && command_line[i + 1] == '"') {
                    arg += '"';
                    i += 2;
                } else {
                    quoted = !quoted;
                    ++i;
                }
            } else {
                arg += c;
                ++i;
            }
        }
        args.push_back(std::move(arg));
    }
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
