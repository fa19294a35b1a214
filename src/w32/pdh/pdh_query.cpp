#include "w32/pdh/pdh_query.h"

#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/pdh/pdh_messages.h"
#include "w32/pdh/pdh_status.h"
#include "w32/pdh/perf_object.h"

namespace w32::pdh {

namespace {

constexpr uint32_t kPdhVersion = 0x503;                        // PDH_VERSION
constexpr int64_t kUnixEpochAsFiletime = 116444736000000000;  // 1970-01-01 in 100 ns since 1601

struct ItemSample {
    std::string name;  // "parent/name#n", as a path spells the instance
    uint64_t identity = 0;
    RawSample raw;
};

struct Counter {
    PdhHandle query = 0;
    PerfObject* object = nullptr;
    int position = -1;
    CounterPathElements elements;
    std::string full_path;
    bool wildcard = false;
    uint64_t user_data = 0;
    int scale = 0;
    // One instance: the newest sample and the one before, with the identity of
    // what they measured (a new process under the same name restarts rates).
    RawSample current, previous;
    uint64_t current_identity = 0, previous_identity = 0;
    // A wildcard counter: every matching instance.
    std::vector<ItemSample> items, previous_items;

    const CounterInfo& info() const { return object->info().counters[static_cast<size_t>(position)]; }
};

struct Query {
    uint64_t user_data = 0;
    std::vector<PdhHandle> counters;
};

struct Registry {
    std::mutex mutex;
    PdhHandle next = 0x10000;
    std::unordered_map<PdhHandle, Query> queries;
    std::unordered_map<PdhHandle, Counter> counters;

    PdhHandle new_handle() { return next += 8; }
};

Registry& registry() {
    static Registry r;
    return r;
}

Query& query_of(Registry& r, PdhHandle h, const char* function) {
    auto it = r.queries.find(h);
    if (it == r.queries.end()) throw_win32(status::kInvalidHandle, function);
    return it->second;
}

Counter& counter_of(Registry& r, PdhHandle h, const char* function) {
    auto it = r.counters.find(h);
    if (it == r.counters.end()) throw_win32(status::kInvalidHandle, function);
    return it->second;
}

void check_machine(const std::optional<std::string>& machine, uint32_t code, const char* function) {
    if (machine && !machine->empty() && !is_local_machine(*machine)) throw_win32(code, function);
}

std::string instance_label(const Instance& inst) {
    std::string s;
    if (!inst.parent.empty()) {
        s = inst.parent;
        s += '/';
    }
    s += inst.name;
    if (inst.index) s += '#' + std::to_string(inst.index);
    return s;
}

bool matches(const CounterPathElements& e, const Instance& inst) {
    if (!e.instance) return inst.name.empty();
    bool wild = has_wildcard(*e.instance) || (e.parent && has_wildcard(*e.parent));
    if (!wild) {
        if (inst.index != e.index || !names_equal(inst.name, *e.instance)) return false;
        return e.parent ? names_equal(inst.parent, *e.parent) : inst.parent.empty();
    }
    if (!wildcard_match(*e.instance, inst.name)) return false;
    if (e.parent) return wildcard_match(*e.parent, inst.parent);
    return true;
}

// "parent/name#index", lower-cased: how a non-wildcard counter finds its instance.
std::string instance_key(std::string_view parent, std::string_view name, uint32_t index) {
    std::string key;
    key.reserve(parent.size() + name.size() + 8);
    for (char ch : parent) key += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    key += '/';
    for (char ch : name) key += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    key += '#';
    key += std::to_string(index);
    return key;
}

std::string instance_key(const Instance& inst) { return instance_key(inst.parent, inst.name, inst.index); }

std::string instance_key(const CounterPathElements& e) {
    return instance_key(e.parent.value_or(""), e.instance.value_or(""), e.instance ? e.index : 0);
}

bool uses_instance_time(uint32_t type) {
    return type == perf_type::k100nsecTimer || type == perf_type::k100nsecTimerInv;
}

RawSample raw_from(const Counter& c, const ObjectSample& s, const Instance& inst) {
    RawSample raw;
    if (inst.values.size() <= static_cast<size_t>(c.position)) {
        raw.status = status::kInvalidCStatusData;
        return raw;
    }
    raw.status = status::kValidData;
    raw.time = inst.time && uses_instance_time(c.info().type) ? inst.time : s.time;
    raw.first = inst.values[static_cast<size_t>(c.position)].first;
    raw.second = inst.values[static_cast<size_t>(c.position)].second;
    return raw;
}

using InstanceIndex = std::unordered_map<std::string, const Instance*>;

void store_sample(Counter& c, const ObjectSample& s, const InstanceIndex& by_key) {
    if (c.wildcard) {
        c.previous_items = std::move(c.items);
        c.items.clear();
        for (const Instance& inst : s.instances) {
            if (!matches(c.elements, inst)) continue;
            c.items.push_back({instance_label(inst), inst.identity, raw_from(c, s, inst)});
        }
        return;
    }
    c.previous = c.current;
    c.previous_identity = c.current_identity;
    auto it = by_key.find(instance_key(c.elements));
    if (it != by_key.end()) {
        c.current = raw_from(c, s, *it->second);
        c.current_identity = it->second->identity;
        return;
    }
    c.current = RawSample{};
    c.current.status = status::kNoInstance;
    c.current_identity = 0;
}

CalculatedValue calculate_single(const Counter& c, uint32_t format) {
    const RawSample* prev = c.previous_identity == c.current_identity ? &c.previous : nullptr;
    return calculate(c.info().type, c.current, prev, format, c.scale);
}

void check_format(uint32_t format, const char* function) {
    if (!value_kind(format)) throw_win32(status::kInvalidArgument, function);
}

// The object's instances, named and numbered, without values.
ObjectSample list_instances(PerfObject& o) {
    ObjectSample s;
    o.sample(s, std::vector<bool>(o.info().counters.size(), false), [](const Instance&) { return false; });
    return s;
}

std::vector<std::string> instance_names_for_enum(const ObjectSample& s) {
    std::vector<std::string> out;
    for (const Instance& inst : s.instances) {
        if (inst.name.empty()) continue;
        out.push_back(inst.parent.empty() ? inst.name : inst.parent + "/" + inst.name);
    }
    return out;
}

}  // namespace

PdhHandle open_query(const std::optional<std::string>& data_source, uint64_t user_data) {
    register_pdh_messages();
    if (data_source && !data_source->empty()) throw_win32(err::kNotSupported, "OpenQuery");
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    PdhHandle h = r.new_handle();
    r.queries[h].user_data = user_data;
    return h;
}

void close_query(PdhHandle query) {
    register_pdh_messages();
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    auto it = r.queries.find(query);
    if (it == r.queries.end()) throw_win32(status::kInvalidHandle, "CloseQuery");
    for (PdhHandle c : it->second.counters) r.counters.erase(c);
    r.queries.erase(it);
}

PdhHandle add_counter(PdhHandle query, std::string_view path, uint64_t user_data, const char* function) {
    register_pdh_messages();
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    auto qit = r.queries.find(query);
    if (qit == r.queries.end()) throw_win32(status::kInvalidHandle, function);
    Counter c;
    c.elements = parse_counter_path(path, function);
    check_machine(c.elements.machine, status::kNoMachine, function);
    c.object = find_object(c.elements.object);
    if (!c.object) throw_win32(status::kNoObject, function);
    c.position = c.object->counter_position(c.elements.counter);
    if (c.position < 0) throw_win32(status::kNoCounter, function);
    if (!c.object->info().has_instances && c.elements.instance) throw_win32(status::kNoInstance, function);
    c.wildcard = (c.elements.instance && has_wildcard(*c.elements.instance)) ||
                 (c.elements.parent && has_wildcard(*c.elements.parent));
    c.full_path = make_counter_path(c.elements, function);
    c.query = query;
    c.user_data = user_data;
    PdhHandle h = r.new_handle();
    r.counters.emplace(h, std::move(c));
    qit->second.counters.push_back(h);
    return h;
}

void remove_counter(PdhHandle counter) {
    register_pdh_messages();
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    auto it = r.counters.find(counter);
    if (it == r.counters.end()) throw_win32(status::kInvalidHandle, "RemoveCounter");
    auto qit = r.queries.find(it->second.query);
    if (qit != r.queries.end()) std::erase(qit->second.counters, counter);
    r.counters.erase(it);
}

void collect_query_data(PdhHandle query) {
    register_pdh_messages();
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    Query& q = query_of(r, query, "CollectQueryData");
    if (q.counters.empty()) throw_win32(status::kNoData, "CollectQueryData");
    // One sample per object, shared by that object's counters.
    std::map<PerfObject*, std::vector<Counter*>> by_object;
    for (PdhHandle h : q.counters) {
        Counter& c = r.counters.at(h);
        by_object[c.object].push_back(&c);
    }
    ObjectSample sample;
    std::unordered_set<std::string> keys;
    InstanceIndex by_key;
    for (auto& [object, counters] : by_object) {
        std::vector<bool> wanted(object->info().counters.size(), false);
        bool all = false;
        keys.clear();
        for (Counter* c : counters) {
            wanted[static_cast<size_t>(c->position)] = true;
            all = all || c->wildcard;
            if (!c->wildcard) keys.insert(instance_key(c->elements));
        }
        InstanceFilter filter;
        if (!all) filter = [&keys](const Instance& inst) { return keys.count(instance_key(inst)) != 0; };
        object->sample(sample, wanted, filter);
        by_key.clear();
        for (const Instance& inst : sample.instances) {
            std::string key = instance_key(inst);
            if (keys.count(key)) by_key.emplace(std::move(key), &inst);
        }
        for (Counter* c : counters) store_sample(*c, sample, by_key);
    }
}

FormattedValue get_formatted_value(PdhHandle counter, uint32_t format) {
    register_pdh_messages();
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    Counter& c = counter_of(r, counter, "GetFormattedCounterValue");
    check_format(format, "GetFormattedCounterValue");
    if (c.wildcard) throw_win32(status::kInvalidArgument, "GetFormattedCounterValue");
    CalculatedValue v = calculate_single(c, format);
    if (v.status != status::kValidData) throw_win32(status::kInvalidData, "GetFormattedCounterValue");
    return {c.info().type, v.value};
}

std::vector<std::pair<std::string, double>> get_formatted_array(PdhHandle counter, uint32_t format) {
    register_pdh_messages();
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    Counter& c = counter_of(r, counter, "GetFormattedCounterArray");
    check_format(format, "GetFormattedCounterArray");
    std::vector<std::pair<std::string, double>> out;
    if (!c.wildcard) {
        CalculatedValue v = calculate_single(c, format);
        if (v.status != status::kValidData) throw_win32(status::kInvalidData, "GetFormattedCounterArray");
        std::string name = c.elements.instance ? *c.elements.instance : std::string();
        out.emplace_back(name, v.value);
        return out;
    }
    if (c.items.empty()) throw_win32(status::kInvalidData, "GetFormattedCounterArray");
    const uint32_t type = c.info().type;
    for (const ItemSample& item : c.items) {
        const RawSample* prev = nullptr;
        for (const ItemSample& p : c.previous_items)
            if (p.identity == item.identity && p.name == item.name) prev = &p.raw;
        CalculatedValue v = calculate(type, item.raw, prev, format, c.scale);
        // Instances without a valid value yet (new since the last sample) are left out.
        if (v.status == status::kValidData) out.emplace_back(item.name, v.value);
    }
    if (out.empty()) throw_win32(status::kInvalidData, "GetFormattedCounterArray");
    return out;
}

RawCounterValue get_raw_counter_value(PdhHandle counter) {
    register_pdh_messages();
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    Counter& c = counter_of(r, counter, "GetRawCounterValue");
    return {c.current.status, c.current.time + kUnixEpochAsFiletime, c.current.first, c.current.second, 0};
}

CounterDetails get_counter_info(PdhHandle counter, bool explain_text) {
    register_pdh_messages();
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    Counter& c = counter_of(r, counter, "GetCounterInfo");
    const CounterInfo& info = c.info();
    CounterDetails d;
    d.type = info.type;
    d.version = kPdhVersion;
    d.status = c.wildcard ? (c.items.empty() ? status::kItemNotValidated : status::kValidData) : c.current.status;
    d.scale = c.scale;
    d.default_scale = info.default_scale;
    d.user_data = c.user_data;
    d.query_user_data = r.queries.at(c.query).user_data;
    CounterPathElements e = c.elements;
    if (!e.machine) e.machine = local_machine_name();
    d.full_path = make_counter_path(e, "GetCounterInfo");
    d.elements = std::move(e);
    if (explain_text) d.explain = info.explain;
    return d;
}

void set_counter_scale_factor(PdhHandle counter, int factor) {
    register_pdh_messages();
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    Counter& c = counter_of(r, counter, "SetCounterScaleFactor");
    if (factor < kMinScale || factor > kMaxScale) throw_win32(status::kInvalidArgument, "SetCounterScaleFactor");
    c.scale = factor;
}

std::vector<std::string> enum_objects(const std::optional<std::string>& machine, uint32_t detail_level) {
    register_pdh_messages();
    check_machine(machine, status::kNoMachine, "EnumObjects");
    std::vector<std::string> out;
    for (PerfObject* o : all_objects()) {
        bool any = false;
        for (const CounterInfo& c : o->info().counters) any = any || c.detail <= detail_level;
        if (any) out.push_back(o->info().name);
    }
    return out;
}

std::pair<std::vector<std::string>, std::vector<std::string>> enum_object_items(
    const std::optional<std::string>& machine, std::string_view object, uint32_t detail_level) {
    register_pdh_messages();
    check_machine(machine, status::kNoMachine, "EnumObjectItems");
    PerfObject* o = find_object(object);
    if (!o) throw_win32(status::kNoObject, "EnumObjectItems");
    std::vector<std::string> counters;
    for (const CounterInfo& c : o->info().counters)
        if (c.detail <= detail_level) counters.push_back(c.name);
    std::vector<std::string> instances;
    if (o->info().has_instances) {
        instances = instance_names_for_enum(list_instances(*o));
    }
    return {std::move(counters), std::move(instances)};
}

std::vector<std::string> expand_wildcard_path(std::string_view path, const char* function) {
    register_pdh_messages();
    CounterPathElements e = parse_counter_path(path, function);
    check_machine(e.machine, status::kNoMachine, function);
    bool had_machine = path.substr(0, 2) == "\\\\";
    std::vector<std::string> out;
    for (PerfObject* o : all_objects()) {
        const ObjectInfo& info = o->info();
        if (!wildcard_match(e.object, info.name)) continue;
        std::vector<const CounterInfo*> counters;
        for (const CounterInfo& c : info.counters)
            if (wildcard_match(e.counter, c.name)) counters.push_back(&c);
        if (counters.empty()) continue;
        std::vector<CounterPathElements> instances;
        if (!info.has_instances) {
            if (e.instance) continue;
            instances.push_back({});
        } else if (!e.instance) {
            continue;
        } else {
            for (const Instance& inst : list_instances(*o).instances) {
                if (!matches(e, inst)) continue;
                CounterPathElements ie;
                ie.instance = inst.name;
                if (!inst.parent.empty()) ie.parent = inst.parent;
                ie.index = inst.index;
                instances.push_back(std::move(ie));
            }
        }
        for (const CounterPathElements& ie : instances) {
            for (const CounterInfo* c : counters) {
                CounterPathElements full = ie;
                if (had_machine) full.machine = e.machine;
                full.object = info.name;
                full.counter = c->name;
                out.push_back(make_counter_path(full, function));
            }
        }
    }
    return out;
}

uint32_t validate_path(std::string_view path) {
    register_pdh_messages();
    try {
        CounterPathElements e = parse_counter_path(path, "ValidatePath");
        if (e.machine && !is_local_machine(*e.machine)) return status::kNoMachine;
        PerfObject* o = find_object(e.object);
        if (!o) return status::kNoObject;
        if (o->counter_position(e.counter) < 0) return status::kNoCounter;
        if (!o->info().has_instances) return e.instance ? status::kNoInstance : status::kValidData;
        if (!e.instance) return status::kNoInstance;
        if (has_wildcard(*e.instance)) return status::kValidData;
        for (const Instance& inst : list_instances(*o).instances)
            if (matches(e, inst)) return status::kValidData;
        return status::kNoInstance;
    } catch (const Win32Error& err) {
        return err.code();
    }
}

uint32_t lookup_perf_index_by_name(const std::optional<std::string>& machine, std::string_view name) {
    register_pdh_messages();
    check_machine(machine, status::kNoMachine, "LookupPerfIndexByName");
    uint32_t index = english_index_of(name);
    if (!index) throw_win32(status::kStringNotFound, "LookupPerfIndexByName");
    return index;
}

std::string lookup_perf_name_by_index(const std::optional<std::string>& machine, uint32_t index) {
    register_pdh_messages();
    check_machine(machine, status::kNoMachine, "LookupPerfNameByIndex");
    std::string name = english_name_of(index);
    if (name.empty()) throw_win32(status::kInvalidArgument, "LookupPerfNameByIndex");
    return name;
}

void connect_machine(const std::optional<std::string>& machine) {
    register_pdh_messages();
    check_machine(machine, status::kCannotConnectMachine, "ConnectMachine");
}

}  // namespace w32::pdh
