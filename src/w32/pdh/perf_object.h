// A performance object (Processor, Process, ...): its counters as Windows
// names and types them, and how to sample its instances' raw values.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace w32::pdh {

// PERF_DETAIL_* levels.
inline constexpr uint32_t kDetailNovice = 100;
inline constexpr uint32_t kDetailAdvanced = 200;
inline constexpr uint32_t kDetailExpert = 300;
inline constexpr uint32_t kDetailWizard = 400;

struct CounterInfo {
    std::string name;
    uint32_t name_index = 0;  // Windows' English index (Perflib\009), 0 when not known
    uint32_t type = 0;        // PERF_* counter type
    int default_scale = 0;
    uint32_t detail = kDetailNovice;
    std::string explain;
};

struct ObjectInfo {
    std::string name;
    uint32_t name_index = 0;
    std::string explain;
    bool has_instances = true;
    std::vector<CounterInfo> counters;
};

struct RawPair {
    int64_t first = 0;
    int64_t second = 0;
};

struct Instance {
    std::string name;          // as in a path, without #index
    std::string parent;        // empty when none
    uint32_t index = 0;        // #n among instances of the same parent/name
    uint64_t identity = 0;     // changes when another thing takes this name
    int64_t time = 0;          // this instance's time base (100 ns); 0: the sample's
    std::vector<RawPair> values;  // by counter position; only the wanted ones filled
};

struct ObjectSample {
    int64_t time = 0;  // 100 ns since the Unix epoch (wall clock)
    std::vector<Instance> instances;
};

// Which instances' values a query needs (all when empty).
using InstanceFilter = std::function<bool(const Instance&)>;

class PerfObject {
public:
    virtual ~PerfObject() = default;
    virtual const ObjectInfo& info() const = 0;
    // The current instances, numbered (#index), with the values of the
    // `wanted` counters (by position) for the instances `filter` accepts.
    // Thread-safe.
    virtual void sample(ObjectSample& out, const std::vector<bool>& wanted, const InstanceFilter& filter) = 0;

    int counter_position(std::string_view name) const;
};

// Numbers instances that share parent and name (#1, #2, ...), in order.
void number_duplicates(std::vector<Instance>& instances);

// Wall clock in 100 ns units since the Unix epoch.
int64_t now_100ns() noexcept;

// The objects built from /proc and /sys, in a stable order.
std::span<PerfObject* const> builtin_objects();
// Those, then the application objects published now (perfmon).
std::vector<PerfObject*> all_objects();
PerfObject* find_object(std::string_view name);

// Windows' English name <-> index table (objects and counters); 0 / empty when unknown.
uint32_t english_index_of(std::string_view name);
std::string english_name_of(uint32_t index);

}  // namespace w32::pdh
