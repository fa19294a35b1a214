#include <gtest/gtest.h>

#include <string>

#include "w32/error/win32_error.h"
#include "w32/evtlog/evt_query.h"
#include "w32/evtlog/evt_render.h"

namespace {

using w32::evtlog::EventQuery;
using w32::evtlog::EventRecord;

EventRecord rec(uint32_t number, uint16_t type, uint32_t id, const char* source) {
    EventRecord r;
    r.record_number = number;
    r.event_type = type;
    r.event_id = id;
    r.source_name = source;
    r.time_generated = 1000;
    return r;
}

bool match(const char* q, const EventRecord& r, int64_t now_ms = 1000 * 1000) {
    return EventQuery::parse(q)->matches(r, now_ms);
}

TEST(EvtlogQuery, Terms) {
    auto err = rec(3, 1, 0xC0000007, "App");
    EXPECT_TRUE(match("", err));
    EXPECT_TRUE(match("*", err));
    EXPECT_TRUE(match("*[System[Level=2]]", err));
    EXPECT_FALSE(match("*[System[Level=4]]", err));
    EXPECT_TRUE(match("*[System[EventID=7]]", err));  // the low 16 bits, as Windows filters
    EXPECT_TRUE(match("*[System[EventRecordID>=3 and EventRecordID<4]]", err));
    EXPECT_TRUE(match("*[System[Provider[@Name=\"app\"]]]", err));
    EXPECT_TRUE(match("*[System[Level=4 or (Level=2 and Provider[@Name='App'])]]", err));
    EXPECT_TRUE(match("*[System[Keywords=0x80000000000000]]", err));
    EXPECT_TRUE(match("*[System[TimeCreated[timediff(@SystemTime) <= 0]]]", err, 1000 * 1000));
    EXPECT_FALSE(match("*[System[TimeCreated[timediff(@SystemTime) <= 999]]]", err, 1000 * 1000 + 1000));
}

TEST(EvtlogQuery, InvalidIsError15001) {
    for (const char* q : {"x", "*[System]", "*[System[Level]]", "*[System[Level=1]", "*[System[Levels=1]]",
                          "*[System[Provider[@Name='a]]]", "*[System[Level=0xZZ]]", "*[System[Level=1 and]]"}) {
        try {
            EventQuery::parse(q);
            ADD_FAILURE() << q;
        } catch (const w32::Win32Error& e) {
            EXPECT_EQ(e.code(), 15001u) << q;
        }
    }
}

TEST(EvtlogRender, EscapesText) {
    auto r = rec(1, 4, 1, "A'<&>");
    r.strings = std::vector<std::string>{"x\x01y"};
    std::string xml = w32::evtlog::render_event_xml(r, "Log");
    EXPECT_NE(xml.find("Name='A&apos;&lt;&amp;&gt;'"), std::string::npos);
    EXPECT_NE(xml.find("<Data>x\xEF\xBF\xBDy</Data>"), std::string::npos);
}

}  // namespace
