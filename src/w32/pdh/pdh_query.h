// The PDH query API: queries and counters behind per-process handles,
// collection, formatting, and the browsing functions (enumerate, expand,
// validate, look up names). Failures throw PDH status codes as Win32Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "w32/pdh/counter_path.h"
#include "w32/pdh/counter_types.h"

namespace w32::pdh {

using PdhHandle = uint64_t;

// A null data source is the live system; a log file raises ERROR_NOT_SUPPORTED.
PdhHandle open_query(const std::optional<std::string>& data_source, uint64_t user_data);
void close_query(PdhHandle query);
PdhHandle add_counter(PdhHandle query, std::string_view path, uint64_t user_data, const char* function);
void remove_counter(PdhHandle counter);
void collect_query_data(PdhHandle query);

struct FormattedValue {
    uint32_t counter_type;
    double value;
};
// The counter's value from its last two samples; throws PDH_INVALID_DATA when
// there is no valid value (a rate counter with one sample, a missing instance).
FormattedValue get_formatted_value(PdhHandle counter, uint32_t format);
// Every instance a wildcard counter matched: (name, value), names with "#n" for repeats.
std::vector<std::pair<std::string, double>> get_formatted_array(PdhHandle counter, uint32_t format);

struct RawCounterValue {
    uint32_t status;
    int64_t time;  // 100 ns since 1601 (FILETIME), when the sample was taken
    int64_t first;
    int64_t second;
    uint32_t multi_count;
};
RawCounterValue get_raw_counter_value(PdhHandle counter);

struct CounterDetails {
    uint32_t type;
    uint32_t version;
    uint32_t status;
    int scale;
    int default_scale;
    uint64_t user_data;
    uint64_t query_user_data;
    std::string full_path;
    CounterPathElements elements;
    std::optional<std::string> explain;
};
CounterDetails get_counter_info(PdhHandle counter, bool explain_text);
void set_counter_scale_factor(PdhHandle counter, int factor);

// Browsing. `machine` may be empty/null for the local machine; another machine
// gives PDH_CSTATUS_NO_MACHINE.
std::vector<std::string> enum_objects(const std::optional<std::string>& machine, uint32_t detail_level);
std::pair<std::vector<std::string>, std::vector<std::string>> enum_object_items(
    const std::optional<std::string>& machine, std::string_view object, uint32_t detail_level);
std::vector<std::string> expand_wildcard_path(std::string_view path, const char* function);
uint32_t validate_path(std::string_view path);
uint32_t lookup_perf_index_by_name(const std::optional<std::string>& machine, std::string_view name);
std::string lookup_perf_name_by_index(const std::optional<std::string>& machine, uint32_t index);
void connect_machine(const std::optional<std::string>& machine);

}  // namespace w32::pdh
