// The machine's performance objects and Windows' English name/index table.
#include <time.h>

#include <map>
#include <mutex>
#include <unordered_map>

#include "w32/pdh/app_counters.h"
#include "w32/pdh/counter_path.h"
#include "w32/pdh/perf_object.h"
#include "w32/pdh/system_objects.h"

namespace w32::pdh {

namespace {

// Names and indexes not in Windows' table get indexes from here on (even, as Windows'
// names are; the odd ones are their explain texts).
constexpr uint32_t kFirstPrivateIndex = 100000;

struct NameTable {
    std::map<uint32_t, std::string> by_index;
    std::vector<std::pair<std::string, uint32_t>> by_name;  // first index of each name

    void add(const std::string& name, uint32_t index) {
        by_index.emplace(index, name);
        for (auto& [n, i] : by_name)
            if (names_equal(n, name)) return;
        by_name.emplace_back(name, index);
    }
};

const NameTable& name_table() {
    static const NameTable table = [] {
        NameTable t;
        // Windows' indexes first, so that a name shared by several objects keeps its own.
        for (PerfObject* o : builtin_objects()) {
            const ObjectInfo& info = o->info();
            if (info.name_index) t.add(info.name, info.name_index);
            for (const CounterInfo& c : info.counters)
                if (c.name_index) t.add(c.name, c.name_index);
        }
        uint32_t next = kFirstPrivateIndex;
        auto add_private = [&](const std::string& name) {
            for (auto& [n, i] : t.by_name)
                if (names_equal(n, name)) return;
            t.add(name, next);
            next += 2;
        };
        for (PerfObject* o : builtin_objects()) {
            add_private(o->info().name);
            for (const CounterInfo& c : o->info().counters) add_private(c.name);
        }
        return t;
    }();
    return table;
}

}  // namespace

int PerfObject::counter_position(std::string_view name) const {
    const auto& counters = info().counters;
    for (size_t i = 0; i < counters.size(); ++i)
        if (names_equal(counters[i].name, name)) return static_cast<int>(i);
    return -1;
}

void number_duplicates(std::vector<Instance>& instances) {
    std::unordered_map<std::string, uint32_t> seen;
    std::string key;
    for (Instance& inst : instances) {
        key.assign(inst.parent);
        key += '/';
        for (char c : inst.name) key += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        inst.index = seen[key]++;
    }
}

int64_t now_100ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 10'000'000 + ts.tv_nsec / 100;
}

std::span<PerfObject* const> builtin_objects() {
    static PerfObject* const objects[] = {
        system_object(), memory_object(), processor_object(), process_object(), thread_object(),
        physical_disk_object(), logical_disk_object(), network_interface_object(),
    };
    return objects;
}

std::vector<PerfObject*> all_objects() {
    std::vector<PerfObject*> out(builtin_objects().begin(), builtin_objects().end());
    for (PerfObject* o : live_app_objects()) out.push_back(o);
    return out;
}

PerfObject* find_object(std::string_view name) {
    for (PerfObject* o : builtin_objects())
        if (names_equal(o->info().name, name)) return o;
    for (PerfObject* o : live_app_objects())
        if (names_equal(o->info().name, name)) return o;
    return nullptr;
}

uint32_t english_index_of(std::string_view name) {
    for (const auto& [n, i] : name_table().by_name)
        if (names_equal(n, name)) return i;
    return 0;
}

std::string english_name_of(uint32_t index) {
    const auto& m = name_table().by_index;
    auto it = m.find(index);
    return it == m.end() ? std::string() : it->second;
}

}  // namespace w32::pdh
