// Counter paths: \\Machine\Object(Parent/Instance#Index)\Counter, their
// parts (PDH_COUNTER_PATH_ELEMENTS), and PDH's '*' wildcards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace w32::pdh {

struct CounterPathElements {
    std::optional<std::string> machine;   // "\\name", as PDH spells it
    std::string object;
    std::optional<std::string> instance;
    std::optional<std::string> parent;
    uint32_t index = 0;                   // the #n of a repeated instance name
    std::string counter;
};

// PdhParseCounterPath. A path without a machine gets the local one.
// Throws PDH_CSTATUS_BAD_COUNTERNAME (malformed), PDH_CSTATUS_NO_COUNTERNAME (empty).
CounterPathElements parse_counter_path(std::string_view path, const char* function);

// PdhMakeCounterPath. Throws PDH_INVALID_ARGUMENT without object or counter.
std::string make_counter_path(const CounterPathElements& e, const char* function);

struct InstanceNameParts {
    std::string instance;
    std::optional<std::string> parent;
    uint32_t index = 0;
};

// PdhParseInstanceName: "parent/instance#index".
InstanceNameParts parse_instance_name(std::string_view name, const char* function);

// The local machine as PDH names it ("\\" + host name), and whether a
// path's machine part is this one (also "\\.", "\\localhost", "\\127.0.0.1").
std::string local_machine_name();
bool is_local_machine(std::string_view machine);

// Case-insensitive (ASCII) equality, as PDH compares names.
bool names_equal(std::string_view a, std::string_view b) noexcept;

// PDH's wildcard match: '*' matches any run of characters, case-insensitive.
bool wildcard_match(std::string_view pattern, std::string_view name) noexcept;
bool has_wildcard(std::string_view s) noexcept;

}  // namespace w32::pdh
