// win32pdh: performance counters (the PDH API) over the core's /proc and
// /sys objects. Handles are plain ints, as pywin32 returns them.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <cmath>
#include <optional>
#include <string>

#include "dword_args.h"
#include "modules.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/pdh/app_counters.h"
#include "w32/pdh/counter_path.h"
#include "w32/pdh/pdh_messages.h"
#include "w32/pdh/pdh_query.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace pdh = w32::pdh;

namespace bindings {

namespace {

using OptStr = std::optional<std::string>;
using Release = nb::call_guard<nb::gil_scoped_release>;

nb::object py_str_or_none(const std::optional<std::string>& s) {
    if (!s) return nb::none();
    return nb::str(s->data(), s->size());
}

nb::object value_as_python(double v, uint32_t format) {
    if (format & pdh::fmt::kDouble) return nb::float_(v);
    // PDH converts to LONG/LONGLONG by truncation.
    return nb::int_(static_cast<long long>(std::trunc(v)));
}

nb::tuple elements_tuple(const pdh::CounterPathElements& e) {
    return nb::make_tuple(py_str_or_none(e.machine), e.object, py_str_or_none(e.instance), py_str_or_none(e.parent),
                          e.index, e.counter);
}

OptStr optional_str_item(nb::handle item, const char* what) {
    if (item.is_none()) return std::nullopt;
    if (!nb::isinstance<nb::str>(item)) throw nb::type_error((std::string(what) + " must be a string or None").c_str());
    return nb::cast<std::string>(item);
}

std::string make_counter_path(nb::handle elements, long long flags) {
    dword_arg(flags, "flags");
    if (!nb::isinstance<nb::tuple>(elements) && !nb::isinstance<nb::list>(elements))
        throw nb::type_error("elements must be a tuple of (machine, object, instance, parent, index, counter)");
    nb::sequence seq = nb::borrow<nb::sequence>(elements);
    if (nb::len(seq) != 6)
        throw nb::type_error("elements must be a tuple of (machine, object, instance, parent, index, counter)");
    pdh::CounterPathElements e;
    e.machine = optional_str_item(seq[0], "machine");
    e.object = optional_str_item(seq[1], "object").value_or("");
    e.instance = optional_str_item(seq[2], "instance");
    e.parent = optional_str_item(seq[3], "parent instance");
    if (!nb::isinstance<nb::int_>(seq[4])) throw nb::type_error("instance index must be an int");
    e.index = dword_arg(nb::cast<long long>(seq[4]), "instance index");
    e.counter = optional_str_item(seq[5], "counter").value_or("");
    return pdh::make_counter_path(e, "MakeCounterPath");
}

nb::tuple parse_counter_path(const std::string& path, long long flags) {
    dword_arg(flags, "flags");
    return elements_tuple(pdh::parse_counter_path(path, "ParseCounterPath"));
}

nb::tuple parse_instance_name(const std::string& name) {
    pdh::InstanceNameParts p = pdh::parse_instance_name(name, "ParseInstanceName");
    return nb::make_tuple(p.instance, py_str_or_none(p.parent), p.index);
}

nb::tuple get_formatted_counter_value(uint64_t counter, long long format) {
    uint32_t f = dword_arg(format, "format");
    pdh::FormattedValue v = pdh::get_formatted_value(counter, f);
    return nb::make_tuple(v.counter_type, value_as_python(v.value, f));
}

nb::dict get_formatted_counter_array(uint64_t counter, long long format) {
    uint32_t f = dword_arg(format, "format");
    nb::dict out;
    for (auto& [name, value] : pdh::get_formatted_array(counter, f)) out[nb::str(name.c_str())] = value_as_python(value, f);
    return out;
}

nb::tuple get_counter_info(uint64_t counter, bool explain) {
    pdh::CounterDetails d = pdh::get_counter_info(counter, explain);
    return nb::make_tuple(d.type, d.version, static_cast<int32_t>(d.status), d.scale, d.default_scale, d.user_data, d.query_user_data,
                          d.full_path, elements_tuple(d.elements), py_str_or_none(d.explain));
}

std::string connect_machine(const OptStr& machine) {
    pdh::connect_machine(machine);
    return machine ? *machine : pdh::local_machine_name();
}

void refuse_data_source(const OptStr& source, const char* function) {
    // Counter logs (.blg/.csv) are not read here.
    if (source && !source->empty()) w32::throw_win32(w32::err::kNotSupported, function);
}

// The perfmon module's publisher (python/win32/lib/perfmon.py builds pywin32's objects on it).
struct PerfMonBlock {
    std::unique_ptr<pdh::AppCounterBlock> block;

    pdh::AppCounterBlock& get() {
        if (!block) w32::throw_win32(w32::err::kInvalidHandle, "PerfMonManager");
        return *block;
    }
};

using CounterSpecTuple = std::tuple<uint32_t, uint32_t, long long, int, uint32_t>;  // name, help, type, scale, detail
using ObjectSpecTuple = std::tuple<uint32_t, uint32_t, std::vector<CounterSpecTuple>>;

PerfMonBlock create_perfmon_block(const std::string& service, const std::vector<ObjectSpecTuple>& objects) {
    std::vector<pdh::AppObjectSpec> specs;
    for (const auto& [name, help, counters] : objects) {
        pdh::AppObjectSpec o{name, help, {}};
        for (const auto& [cname, chelp, type, scale, detail] : counters)
            o.counters.push_back({cname, chelp, dword_arg(type, "CounterType"), scale, detail});
        specs.push_back(std::move(o));
    }
    return PerfMonBlock{pdh::AppCounterBlock::create(service, specs)};
}

void load_counter_text(const std::string& service, const std::vector<std::tuple<uint32_t, std::string, std::string>>& t) {
    std::vector<pdh::CounterText> texts;
    for (const auto& [offset, name, help] : t) texts.push_back({offset, name, help});
    pdh::load_counter_text(service, texts);
}

void bind_perfmon_publisher(nb::module_& m) {
    nb::class_<PerfMonBlock>(m, "_PerfMonBlock")
        .def("add", [](PerfMonBlock& b, size_t slot, long long delta) { return b.get().add(slot, delta); })
        .def("set", [](PerfMonBlock& b, size_t slot, long long value) { b.get().set(slot, value); })
        .def("get", [](PerfMonBlock& b, size_t slot) { return b.get().get(slot); })
        .def("close", [](PerfMonBlock& b) { b.block.reset(); });
    m.def("_create_perfmon_block", &create_perfmon_block, "service"_a, "objects"_a);
    m.def("_load_counter_text", &load_counter_text, "service"_a, "texts"_a);
    m.def("_unload_counter_text", [](const std::string& service) { pdh::unload_counter_text(service); }, "service"_a);
}

}  // namespace

void bind_win32pdh(nb::module_ m) {
    bind_perfmon_publisher(m);
    // pywintypes.error carries pdh.dll's texts for PDH status codes from the start.
    pdh::register_pdh_messages();
    m.def("OpenQuery",
          [](const OptStr& source, uint64_t user_data) { return pdh::open_query(source, user_data); },
          "DataSource"_a = nb::none(), "userData"_a = 0,
          "Opens a query of live data and returns its handle; userData is kept for GetCounterInfo.\n\n"
          "On POSIX: counter log files are not read: a DataSource other than None raises ERROR_NOT_SUPPORTED.");
    m.def("CloseQuery", &pdh::close_query, "handle"_a, "Closes a query and its counters.");
    m.def("AddCounter",
          [](uint64_t q, const std::string& path, uint64_t user_data) {
              return pdh::add_counter(q, path, user_data, "AddCounter");
          },
          "hQuery"_a, "path"_a, "userData"_a = 0,
          "Adds the counter at `path` (\\\\machine\\object(instance)\\counter, wildcards allowed) to the "
          "query and returns its handle; PDH_CSTATUS_NO_OBJECT / NO_COUNTER / BAD_COUNTERNAME when the path "
          "names none.\n\n"
          "On POSIX: objects and counters are read from /proc and /sys, and from counters other programs "
          "publish with perfmon.");
    m.def("AddEnglishCounter",
          [](uint64_t q, const std::string& path, uint64_t user_data) {
              return pdh::add_counter(q, path, user_data, "AddEnglishCounter");
          },
          "hQuery"_a, "path"_a, "userData"_a = 0,
          "AddCounter with the English names of objects and counters.\n\n"
          "On POSIX: names are English in every locale, so this is AddCounter.");
    m.def("RemoveCounter", &pdh::remove_counter, "handle"_a, "Removes a counter from its query.");
    m.def("CollectQueryData", &pdh::collect_query_data, "hQuery"_a, Release(),
          "Samples every counter of the query.");
    m.def("GetFormattedCounterValue", &get_formatted_counter_value, "handle"_a, "format"_a,
          "(counter type, value) from the last two samples.");
    m.def("GetFormattedCounterArray", &get_formatted_counter_array, "handle"_a, "format"_a,
          "{instance: value} of a wildcard counter from the last samples; instances without a value "
          "yet are left out.\n\n"
          "On POSIX: repeated instance names are told apart as name#1, name#2 (PDH repeats the name).");
    m.def("GetCounterInfo", &get_counter_info, "handle"_a, "bRetrieveExplainText"_a,
          "(type, version, status, scale, defaultScale, userData, queryUserData, fullPath, "
          "(machine, object, instance, parent, index, counter), explainText).");
    m.def("SetCounterScaleFactor",
          [](uint64_t c, int factor) { pdh::set_counter_scale_factor(c, factor); }, "hCounter"_a, "factor"_a,
          "Sets the power of ten the counter's values are multiplied by (-7..7).");
    m.def("EnumObjects",
          [](const OptStr& source, const OptStr& machine, long long detail, long long /*refresh*/) {
              refuse_data_source(source, "EnumObjects");
              return pdh::enum_objects(machine, dword_arg(detail, "detailLevel"));
          },
          "DataSource"_a.none(), "machine"_a.none(), "detailLevel"_a, "refresh"_a = 0,
          "The names of the performance objects of a machine (None: this one) at a detail level; "
          "PDH_CSTATUS_NO_MACHINE for another machine.\n\n"
          "On POSIX: a DataSource other than None (a log file) raises ERROR_NOT_SUPPORTED; refresh has no "
          "effect.");
    m.def("EnumObjectItems",
          [](const OptStr& source, const OptStr& machine, const std::string& object, long long detail,
             long long flags) {
              refuse_data_source(source, "EnumObjectItems");
              dword_arg(flags, "flags");
              uint32_t level = dword_arg(detail, "detailLevel");
              nb::gil_scoped_release release;
              return pdh::enum_object_items(machine, object, level);
          },
          "DataSource"_a.none(), "machine"_a.none(), "object"_a, "detailLevel"_a, "flags"_a = 0,
          "(counter names, instance names) of an object at a detail level; PDH_CSTATUS_NO_OBJECT for an "
          "unknown one. Repeated instance names are listed once per instance.\n\n"
          "On POSIX: a DataSource other than None (a log file) raises ERROR_NOT_SUPPORTED; flags have no "
          "effect.");
    m.def("MakeCounterPath", &make_counter_path, "elements"_a, "flags"_a = 0,
          "Builds a counter path from (machine, object, instance, parent, index, counter).");
    m.def("ParseCounterPath", &parse_counter_path, "path"_a, "flags"_a = 0,
          "(machine, object, instance, parent, index, counter) of a path.");
    m.def("ParseInstanceName", &parse_instance_name, "instanceName"_a, "(instance, parent, index).");
    m.def("ExpandCounterPath",
          [](const std::string& path) { return pdh::expand_wildcard_path(path, "ExpandCounterPath"); },
          "wildCardPath"_a, Release(), "The paths a wildcard path stands for.");
    m.def("ExpandWildCardPath",
          [](const std::string& path) { return pdh::expand_wildcard_path(path, "ExpandWildCardPath"); },
          "wildCardPath"_a, Release(), "The paths a wildcard path stands for.");
    m.def("ValidatePath", [](const std::string& path) { return static_cast<int32_t>(pdh::validate_path(path)); }, "path"_a, Release(),
          "0 when the path names an existing counter, else the PDH status saying why not.");
    m.def("LookupPerfIndexByName",
          [](const OptStr& machine, const std::string& name) { return pdh::lookup_perf_index_by_name(machine, name); },
          "machineName"_a.none(), "instanceName"_a, "Windows' English index of an object or counter name.");
    m.def("LookupPerfNameByIndex",
          [](const OptStr& machine, long long index) {
              return pdh::lookup_perf_name_by_index(machine, dword_arg(index, "index"));
          },
          "machineName"_a.none(), "index"_a,
          "The English name of an object or counter from Windows' index (LookupPerfIndexByName's "
          "reverse); PDH_INVALID_ARGUMENT for an unknown index.");
    m.def("ConnectMachine", &connect_machine, "machineName"_a.none(), "Connects to a machine for queries and enumerations; returns the machine's name.\n\n"
          "On POSIX: only this machine (None, \\\\., \\\\localhost, \\\\<hostname>) is served; "
          "another one is PDH_CANNOT_CONNECT_MACHINE.");
}

W32_REGISTER_SUBMODULE("win32pdh", bind_win32pdh);

}  // namespace bindings
