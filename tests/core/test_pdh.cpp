// The PDH core: counter-type arithmetic, paths, objects against /proc, queries.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "w32/error/win32_error.h"
#include "w32/pdh/app_counters.h"
#include "w32/pdh/counter_path.h"
#include "w32/pdh/counter_types.h"
#include "w32/pdh/pdh_messages.h"
#include "w32/pdh/pdh_query.h"
#include "w32/pdh/pdh_status.h"
#include "w32/pdh/perf_object.h"

namespace pdh = w32::pdh;
namespace st = w32::pdh::status;
namespace pt = w32::pdh::perf_type;

namespace {

uint32_t code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const w32::Win32Error& e) {
        return e.code();
    }
    return 0;
}

pdh::RawSample sample(int64_t time, int64_t first, int64_t second = 0) {
    pdh::RawSample s;
    s.status = st::kValidData;
    s.time = time;
    s.first = first;
    s.second = second;
    return s;
}

}  // namespace

TEST(PdhCounterTypes, RateNeedsTwoSamples) {
    auto now = sample(20'000'000, 500);
    auto one = pdh::calculate(pt::kCounterCounter, now, nullptr, pdh::fmt::kDouble, 0);
    EXPECT_EQ(one.status, st::kInvalidCStatusData);
    auto prev = sample(10'000'000, 300);
    auto two = pdh::calculate(pt::kCounterCounter, now, &prev, pdh::fmt::kDouble, 0);
    EXPECT_EQ(two.status, st::kValidData);
    EXPECT_DOUBLE_EQ(two.value, 200.0);  // 200 events in one second
}

TEST(PdhCounterTypes, TimersAndCap) {
    auto prev = sample(0, 0);
    auto now = sample(1000, 250);
    EXPECT_DOUBLE_EQ(pdh::calculate(pt::k100nsecTimer, now, &prev, 0, 0).value, 25.0);
    EXPECT_DOUBLE_EQ(pdh::calculate(pt::k100nsecTimerInv, now, &prev, 0, 0).value, 75.0);
    auto busy = sample(1000, 1500);  // 1.5 processors' worth
    EXPECT_DOUBLE_EQ(pdh::calculate(pt::k100nsecTimer, busy, &prev, 0, 0).value, 100.0);
    EXPECT_DOUBLE_EQ(pdh::calculate(pt::k100nsecTimer, busy, &prev, pdh::fmt::kNoCap100, 0).value, 150.0);
}

TEST(PdhCounterTypes, RawFractionElapsedScale) {
    auto frac = sample(0, 25, 200);
    EXPECT_DOUBLE_EQ(pdh::calculate(pt::kRawFraction, frac, nullptr, 0, 0).value, 12.5);
    auto elapsed = sample(50'000'000, 20'000'000);
    EXPECT_DOUBLE_EQ(pdh::calculate(pt::kElapsedTime, elapsed, nullptr, 0, 0).value, 3.0);
    auto raw = sample(0, 1234);
    EXPECT_DOUBLE_EQ(pdh::calculate(pt::kCounterRawcount, raw, nullptr, 0, -2).value, 12.34);
    EXPECT_DOUBLE_EQ(pdh::calculate(pt::kCounterRawcount, raw, nullptr, pdh::fmt::kNoScale, -2).value, 1234.0);
    EXPECT_DOUBLE_EQ(pdh::calculate(pt::kCounterRawcount, raw, nullptr, pdh::fmt::k1000, 0).value, 1234000.0);
    auto prev = sample(0, 10, 2);
    auto now = sample(0, 10 + 3 * 10'000'000, 5);
    EXPECT_DOUBLE_EQ(pdh::calculate(pt::kAverageTimer, now, &prev, 0, 0).value, 1.0);
    EXPECT_EQ(pdh::value_kind(pdh::fmt::kLong | pdh::fmt::kDouble), 0u);
    EXPECT_EQ(pdh::value_kind(pdh::fmt::kLarge | pdh::fmt::kNoScale), pdh::fmt::kLarge);
}

TEST(PdhPaths, ParseAndMake) {
    auto e = pdh::parse_counter_path("\\\\box\\Thread(python/3#2)\\% Processor Time", "t");
    EXPECT_EQ(*e.machine, "\\\\box");
    EXPECT_EQ(e.object, "Thread");
    EXPECT_EQ(*e.parent, "python");
    EXPECT_EQ(*e.instance, "3");
    EXPECT_EQ(e.index, 2u);
    EXPECT_EQ(e.counter, "% Processor Time");
    EXPECT_EQ(pdh::make_counter_path(e, "t"), "\\\\box\\Thread(python/3#2)\\% Processor Time");
    auto m = pdh::parse_counter_path("\\Memory\\Available Bytes", "t");
    EXPECT_FALSE(m.instance);
    EXPECT_EQ(*m.machine, pdh::local_machine_name());
    auto d = pdh::parse_counter_path("\\LogicalDisk(/)\\% Free Space", "t");
    EXPECT_EQ(*d.instance, "/");
    EXPECT_FALSE(d.parent);
    EXPECT_EQ(code_of([] { pdh::parse_counter_path("", "t"); }), st::kNoCounterName);
    EXPECT_EQ(code_of([] { pdh::parse_counter_path("Memory", "t"); }), st::kBadCounterName);
    EXPECT_EQ(code_of([] { pdh::parse_counter_path("\\Memory(x\\y", "t"); }), st::kBadCounterName);
    EXPECT_EQ(code_of([] { pdh::parse_counter_path("\\Memory\\", "t"); }), st::kBadCounterName);
}

TEST(PdhPaths, Wildcards) {
    EXPECT_TRUE(pdh::wildcard_match("*", "anything"));
    EXPECT_TRUE(pdh::wildcard_match("py*", "Python3"));
    EXPECT_TRUE(pdh::wildcard_match("*on*", "python"));
    EXPECT_FALSE(pdh::wildcard_match("py*x", "python"));
    EXPECT_TRUE(pdh::names_equal("% processor time", "% Processor Time"));
}

TEST(PdhMessages, Texts) {
    EXPECT_EQ(pdh::pdh_message(st::kNoData), "No data to return.");
    pdh::register_pdh_messages();
    EXPECT_EQ(w32::system_message(st::kInvalidHandle), "The handle is not a valid PDH object.");
    EXPECT_EQ(w32::system_message(2), "The system cannot find the file specified.");
}

TEST(PdhQuery, ProcessCountersMatchProc) {
    auto q = pdh::open_query(std::nullopt, 7);
    std::string self = "\\Process(" + std::string("w32core_tests").substr(0, 15) + ")\\ID Process";
    auto threads = pdh::add_counter(q, "\\Process(w32core_tests)\\Thread Count", 0, "AddCounter");
    auto pid = pdh::add_counter(q, self, 0, "AddCounter");
    pdh::collect_query_data(q);
    // Another copy of the tests could run; then this instance is the lowest pid's.
    auto v = pdh::get_formatted_value(pid, pdh::fmt::kLarge);
    EXPECT_GT(v.value, 0);
    EXPECT_LE(v.value, getpid());
    EXPECT_GE(pdh::get_formatted_value(threads, pdh::fmt::kLong).value, 1);
    pdh::close_query(q);
    EXPECT_EQ(code_of([&] { pdh::get_formatted_value(pid, pdh::fmt::kLong); }), st::kInvalidHandle);
}

TEST(PdhQuery, ProcessorNeedsTwoSamples) {
    auto q = pdh::open_query(std::nullopt, 0);
    auto c = pdh::add_counter(q, "\\Processor(_Total)\\% Processor Time", 0, "AddCounter");
    pdh::collect_query_data(q);
    EXPECT_EQ(code_of([&] { pdh::get_formatted_value(c, pdh::fmt::kDouble); }), st::kInvalidData);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    pdh::collect_query_data(q);
    auto v = pdh::get_formatted_value(c, pdh::fmt::kDouble);
    EXPECT_GE(v.value, 0.0);
    EXPECT_LE(v.value, 100.0);
    EXPECT_EQ(v.counter_type, pt::k100nsecTimerInv);
    pdh::close_query(q);
}

TEST(PdhQuery, MemoryAgreesWithMeminfo) {
    auto q = pdh::open_query(std::nullopt, 0);
    auto c = pdh::add_counter(q, "\\Memory\\Commit Limit", 0, "AddCounter");
    pdh::collect_query_data(q);
    std::ifstream f("/proc/meminfo");
    std::string line;
    long long kb = -1;
    while (std::getline(f, line))
        if (line.rfind("CommitLimit:", 0) == 0) std::istringstream(line.substr(12)) >> kb;
    EXPECT_EQ(static_cast<long long>(pdh::get_formatted_value(c, pdh::fmt::kLarge).value), kb * 1024);
    pdh::close_query(q);
}

TEST(PdhQuery, Errors) {
    EXPECT_EQ(code_of([] { pdh::close_query(12345); }), st::kInvalidHandle);
    auto q = pdh::open_query(std::nullopt, 0);
    EXPECT_EQ(code_of([&] { pdh::collect_query_data(q); }), st::kNoData);
    EXPECT_EQ(code_of([&] { pdh::add_counter(q, "\\Nope\\x", 0, "AddCounter"); }), st::kNoObject);
    EXPECT_EQ(code_of([&] { pdh::add_counter(q, "\\Memory\\Nope", 0, "AddCounter"); }), st::kNoCounter);
    EXPECT_EQ(code_of([&] { pdh::add_counter(q, "\\\\elsewhere.invalid\\Memory\\Available Bytes", 0, "AddCounter"); }),
              st::kNoMachine);
    EXPECT_EQ(code_of([&] { pdh::add_counter(q, "garbage", 0, "AddCounter"); }), st::kBadCounterName);
    EXPECT_EQ(code_of([&] { pdh::add_counter(q + 8, "\\Memory\\Available Bytes", 0, "AddCounter"); }),
              st::kInvalidHandle);
    auto c = pdh::add_counter(q, "\\Memory\\Available Bytes", 0, "AddCounter");
    EXPECT_EQ(code_of([&] { pdh::set_counter_scale_factor(c, 8); }), st::kInvalidArgument);
    EXPECT_EQ(code_of([&] { pdh::get_formatted_value(c, pdh::fmt::kLong | pdh::fmt::kDouble); }),
              st::kInvalidArgument);
    EXPECT_EQ(code_of([&] { pdh::get_formatted_value(q, pdh::fmt::kLong); }), st::kInvalidHandle);
    pdh::close_query(q);
}

TEST(PdhBrowse, EnumerateExpandLookup) {
    auto objects = pdh::enum_objects(std::nullopt, 400);
    EXPECT_NE(std::find(objects.begin(), objects.end(), "Processor"), objects.end());
    auto [counters, instances] = pdh::enum_object_items(std::nullopt, "Processor", 400);
    EXPECT_NE(std::find(instances.begin(), instances.end(), "_Total"), instances.end());
    EXPECT_EQ(instances.size(), static_cast<size_t>(sysconf(_SC_NPROCESSORS_CONF)) + 1);
    auto paths = pdh::expand_wildcard_path("\\Processor(*)\\% User Time", "ExpandWildCardPath");
    EXPECT_EQ(paths.size(), instances.size());
    EXPECT_EQ(pdh::validate_path("\\Processor(_Total)\\% Processor Time"), st::kValidData);
    EXPECT_EQ(pdh::validate_path("\\Processor(nope)\\% Processor Time"), st::kNoInstance);
    EXPECT_EQ(pdh::validate_path("\\Processor(_Total)\\nope"), st::kNoCounter);
    EXPECT_EQ(pdh::lookup_perf_index_by_name(std::nullopt, "% Processor Time"), 6u);
    EXPECT_EQ(pdh::lookup_perf_name_by_index(std::nullopt, 238), "Processor");
    EXPECT_EQ(pdh::lookup_perf_name_by_index(std::nullopt, 784), "ID Process");
    uint32_t idx = pdh::lookup_perf_index_by_name(std::nullopt, "Disk Read Bytes/sec");
    EXPECT_EQ(pdh::lookup_perf_name_by_index(std::nullopt, idx), "Disk Read Bytes/sec");
}

TEST(PdhAppCounters, PublishedBlockIsAnObject) {
    std::string service = "PdhCoreTest" + std::to_string(getpid());
    pdh::AppObjectSpec spec;
    spec.counters.push_back({2, 2, pt::kCounterRawcount, 0, pdh::kDetailNovice});
    spec.counters.push_back({4, 4, pt::kCounterCounter, 0, pdh::kDetailNovice});
    pdh::load_counter_text(service, {{0, "Core Test Object", "help"}, {2, "Items", "items help"}});
    auto block = pdh::AppCounterBlock::create(service, {spec});
    EXPECT_EQ(block->slot_count(), 2u);
    block->set(0, 40);
    EXPECT_EQ(block->add(0, 2), 42);
    EXPECT_EQ(code_of([&] { block->add(2, 1); }), 87u);  // ERROR_INVALID_PARAMETER
    pdh::PerfObject* o = pdh::find_object("Core Test Object");
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(o->info().counters[0].name, "Items");
    EXPECT_EQ(o->info().counters[1].name, "Counter 4");
    auto q = pdh::open_query(std::nullopt, 0);
    auto c = pdh::add_counter(q, "\\Core Test Object\\Items", 0, "AddCounter");
    pdh::collect_query_data(q);
    EXPECT_EQ(pdh::get_formatted_value(c, pdh::fmt::kLarge).value, 42.0);
    block->close();
    EXPECT_EQ(pdh::find_object("Core Test Object"), nullptr);
    pdh::collect_query_data(q);
    EXPECT_EQ(code_of([&] { pdh::get_formatted_value(c, pdh::fmt::kLarge); }), st::kInvalidData);
    EXPECT_EQ(code_of([&] { block->get(0); }), 6u);  // ERROR_INVALID_HANDLE once closed
    pdh::close_query(q);
    pdh::unload_counter_text(service);
}
