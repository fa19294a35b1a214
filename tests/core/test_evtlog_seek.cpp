// EvtSeek, bookmarks and value rendering over a backup file of known records.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/evtlog/evt_api.h"
#include "w32/evtlog/evt_bookmark.h"
#include "w32/evtlog/log_store.h"

namespace {

namespace ev = w32::evtlog;

uint32_t error_code(const std::function<void()>& f) {
    try {
        f();
    } catch (const w32::Win32Error& e) {
        return e.code();
    }
    return 0;
}

// Records 1..10 with event IDs 1..10, in a backup file the Evt* API can query.
class EvtlogSeek : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/w32seekXXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        auto live = ev::LogStore::open_live(dir_ + "/live.db", "test");
        for (uint32_t id = 1; id <= 10; ++id) {
            ev::EventRecord r;
            r.event_id = id;
            r.event_type = 4;
            r.source_name = "Seeker";
            r.computer_name = "host";
            r.strings = std::vector<std::string>{"insert " + std::to_string(id)};
            live->append(r);
        }
        file_ = dir_ + "/backup.evtx";
        live->backup_to(file_, "test");
    }
    void TearDown() override {
        for (auto h : handles_) w32::HandleTable::instance().close(h, "test");
        std::system(("rm -rf '" + dir_ + "'").c_str());
    }

    w32::Handle keep(w32::Handle h) {
        handles_.push_back(h);
        return h;
    }
    w32::Handle query(const char* xpath = "*", bool reverse = false) {
        return keep(ev::evt_query(file_, ev::kEvtQueryFilePath | (reverse ? ev::kEvtQueryReverseDirection : 0), xpath));
    }
    // The record numbers of the next `n` events.
    std::vector<uint32_t> next(w32::Handle rs, uint32_t n) {
        std::vector<uint32_t> out;
        for (auto h : ev::evt_next(rs, n)) {
            out.push_back(ev::evt_event_record(h).record.record_number);
            w32::HandleTable::instance().close(h, "test");
        }
        return out;
    }
    w32::Handle bookmark_at(uint64_t record) {
        ev::BookmarkPosition p{file_, record};
        return keep(ev::evt_create_bookmark(ev::bookmark_xml(p)));
    }

    std::string dir_, file_;
    std::vector<w32::Handle> handles_;
};

using V = std::vector<uint32_t>;

TEST_F(EvtlogSeek, FirstLastAndCurrentForwards) {
    auto rs = query();
    ev::evt_seek(rs, 3, ev::kEvtSeekRelativeToFirst, std::nullopt);
    EXPECT_EQ(next(rs, 2), (V{4, 5}));
    ev::evt_seek(rs, 0, ev::kEvtSeekRelativeToCurrent, std::nullopt);  // the last one returned
    EXPECT_EQ(next(rs, 1), (V{5}));
    ev::evt_seek(rs, -2, ev::kEvtSeekRelativeToCurrent, std::nullopt);
    EXPECT_EQ(next(rs, 1), (V{3}));
    ev::evt_seek(rs, 1, ev::kEvtSeekRelativeToCurrent, std::nullopt);  // where EvtNext was going anyway
    EXPECT_EQ(next(rs, 1), (V{4}));
    ev::evt_seek(rs, -1, ev::kEvtSeekRelativeToLast, std::nullopt);
    EXPECT_EQ(next(rs, 5), (V{9, 10}));
    ev::evt_seek(rs, 0, ev::kEvtSeekRelativeToLast, std::nullopt);
    EXPECT_EQ(next(rs, 5), (V{10}));
}

TEST_F(EvtlogSeek, ReverseSetsCountFromTheNewest) {
    auto rs = query("*", true);
    ev::evt_seek(rs, 2, ev::kEvtSeekRelativeToFirst, std::nullopt);
    EXPECT_EQ(next(rs, 2), (V{8, 7}));
    ev::evt_seek(rs, 0, ev::kEvtSeekRelativeToLast, std::nullopt);
    EXPECT_EQ(next(rs, 3), (V{1}));
}

TEST_F(EvtlogSeek, OffsetsCountOnlyMatchingEvents) {
    auto rs = query("*[System[EventID=2 or EventID=4 or EventID=6 or EventID=8]]");
    ev::evt_seek(rs, 2, ev::kEvtSeekRelativeToFirst, std::nullopt);
    EXPECT_EQ(next(rs, 1), (V{6}));
    // Record 5 is not in the set: offsets 0 and 1 both land on 6, -1 on 4.
    auto mark = bookmark_at(5);
    ev::evt_seek(rs, 0, ev::kEvtSeekRelativeToBookmark, mark);
    EXPECT_EQ(next(rs, 1), (V{6}));
    ev::evt_seek(rs, 1, ev::kEvtSeekRelativeToBookmark, mark);
    EXPECT_EQ(next(rs, 1), (V{6}));
    ev::evt_seek(rs, 2, ev::kEvtSeekRelativeToBookmark, mark);
    EXPECT_EQ(next(rs, 1), (V{8}));
    ev::evt_seek(rs, -1, ev::kEvtSeekRelativeToBookmark, mark);
    EXPECT_EQ(next(rs, 1), (V{4}));
    ev::evt_seek(rs, -2, ev::kEvtSeekRelativeToBookmark, mark);
    EXPECT_EQ(next(rs, 1), (V{2}));
    // A bookmark on a member: 0 is that event, 1 the next.
    auto on6 = bookmark_at(6);
    ev::evt_seek(rs, 1, ev::kEvtSeekRelativeToBookmark, on6);
    EXPECT_EQ(next(rs, 4), (V{8}));
}

TEST_F(EvtlogSeek, PastTheEndsStopsOrFailsWhenStrict) {
    auto rs = query();
    ev::evt_seek(rs, 50, ev::kEvtSeekRelativeToFirst, std::nullopt);
    EXPECT_EQ(next(rs, 1), (V{10}));
    ev::evt_seek(rs, -50, ev::kEvtSeekRelativeToLast, std::nullopt);
    EXPECT_EQ(next(rs, 1), (V{1}));
    auto filtered = query("*[System[EventID=3 or EventID=5]]");
    ev::evt_seek(filtered, 7, ev::kEvtSeekRelativeToFirst, std::nullopt);
    EXPECT_EQ(next(filtered, 1), (V{5}));
    using w32::err::kNotFound;
    EXPECT_EQ(error_code([&] { ev::evt_seek(rs, 10, ev::kEvtSeekRelativeToFirst | ev::kEvtSeekStrict, std::nullopt); }),
              kNotFound);
    EXPECT_EQ(error_code([&] {
                  ev::evt_seek(filtered, 2, ev::kEvtSeekRelativeToFirst | ev::kEvtSeekStrict, std::nullopt);
              }),
              kNotFound);
    EXPECT_EQ(error_code([&] {
                  ev::evt_seek(filtered, 0, ev::kEvtSeekRelativeToBookmark | ev::kEvtSeekStrict, bookmark_at(4));
              }),
              kNotFound);
}

TEST_F(EvtlogSeek, BadArgumentsAreInvalidParameter) {
    auto rs = query();
    using w32::err::kInvalidParameter;
    auto code = [&](int64_t pos, uint32_t flags, std::optional<w32::Handle> bm) {
        return error_code([&] { ev::evt_seek(rs, pos, flags, bm); });
    };
    EXPECT_EQ(code(-1, ev::kEvtSeekRelativeToFirst, std::nullopt), kInvalidParameter);
    EXPECT_EQ(code(1, ev::kEvtSeekRelativeToLast, std::nullopt), kInvalidParameter);
    EXPECT_EQ(code(0, 0, std::nullopt), kInvalidParameter);
    EXPECT_EQ(code(0, 5, std::nullopt), kInvalidParameter);
    EXPECT_EQ(code(0, ev::kEvtSeekRelativeToBookmark, std::nullopt), kInvalidParameter);
    EXPECT_EQ(code(0, ev::kEvtSeekRelativeToFirst, bookmark_at(1)), kInvalidParameter);
    ev::BookmarkPosition elsewhere{"System", 3};
    auto other = keep(ev::evt_create_bookmark(ev::bookmark_xml(elsewhere)));
    EXPECT_EQ(code(0, ev::kEvtSeekRelativeToBookmark, other), kInvalidParameter);
    auto empty = keep(ev::evt_create_bookmark(std::nullopt));
    EXPECT_EQ(code(0, ev::kEvtSeekRelativeToBookmark, empty), kInvalidParameter);
    EXPECT_EQ(code(0, ev::kEvtSeekRelativeToBookmark, rs), w32::err::kInvalidHandle);
}

TEST_F(EvtlogSeek, BookmarksFollowEventsAndRoundTripAsXml) {
    auto rs = query();
    auto bm = keep(ev::evt_create_bookmark(std::nullopt));
    EXPECT_EQ(ev::evt_render_bookmark(bm), "<BookmarkList>\r\n</BookmarkList>");
    auto events = ev::evt_next(rs, 7);
    ev::evt_update_bookmark(bm, events.back());
    for (auto h : events) w32::HandleTable::instance().close(h, "test");
    std::string xml = ev::evt_render_bookmark(bm);
    EXPECT_NE(xml.find("RecordId='7'"), std::string::npos);
    auto again = keep(ev::evt_create_bookmark(xml));
    auto fresh = query();
    ev::evt_seek(fresh, 1, ev::kEvtSeekRelativeToBookmark, again);
    EXPECT_EQ(next(fresh, 5), (V{8, 9, 10}));
}

TEST(EvtlogBookmarkXml, ParsesWindowsFormsAndRefusesOthers) {
    auto p = ev::parse_bookmark_xml(
        "<?xml version='1.0'?>\n<BookmarkList Direction='backward'>\r\n"
        "  <Bookmark Channel=\"System\" RecordId=\"4\"/>\r\n"
        "  <Bookmark Channel='App &amp; Co' RecordId='12' IsCurrent='true'/>\r\n</BookmarkList>");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->channel, "App & Co");
    EXPECT_EQ(p->record_id, 12u);
    EXPECT_FALSE(ev::parse_bookmark_xml("<BookmarkList/>"));
    auto round = ev::parse_bookmark_xml(ev::bookmark_xml(ev::BookmarkPosition{"a'<b>", 99}));
    ASSERT_TRUE(round);
    EXPECT_EQ(round->channel, "a'<b>");
    EXPECT_EQ(round->record_id, 99u);
    for (const char* bad : {"", "<Bookmarks/>", "<BookmarkList>", "<BookmarkList><Bookmark Channel='x'/></BookmarkList>",
                            "<BookmarkList><Bookmark Channel='x' RecordId='-1'/></BookmarkList>",
                            "<BookmarkList><Bookmark Channel='x' RecordId='1'/></BookmarkList>trailing",
                            "<BookmarkList><Bookmark Channel='&bogus;' RecordId='1'/></BookmarkList>",
                            "<BookmarkList><Bookmark Channel='x RecordId='1'/></BookmarkList>"}) {
        EXPECT_EQ(error_code([&] { ev::parse_bookmark_xml(bad); }), ev::kEvtMalformedXmlText) << bad;
    }
}

TEST_F(EvtlogSeek, SystemAndUserValues) {
    auto rs = query();
    auto events = ev::evt_next(rs, 1);
    ASSERT_EQ(events.size(), 1u);
    auto system = keep(ev::evt_create_render_context(ev::kEvtRenderContextSystem));
    auto user = keep(ev::evt_create_render_context(ev::kEvtRenderContextUser));
    auto sv = ev::evt_render_values(events[0], system);
    ASSERT_EQ(sv.size(), ev::kEvtSystemPropertyCount);
    EXPECT_EQ(sv[0].text, "Seeker");
    EXPECT_EQ(sv[2].type, ev::EvtVarType::UInt16);
    EXPECT_EQ(sv[2].number, 1u);
    EXPECT_EQ(sv[4].number, 4u);  // information
    EXPECT_EQ(sv[9].number, 1u);
    EXPECT_EQ(sv[1].type, ev::EvtVarType::Null);
    EXPECT_EQ(sv[16].type, ev::EvtVarType::Null);  // no user SID given
    auto uv = ev::evt_render_values(events[0], user);
    ASSERT_EQ(uv.size(), 1u);
    EXPECT_EQ(uv[0].text, "insert 1");
    EXPECT_EQ(ev::evt_get_event_info(events[0], ev::kEvtEventPath).text, file_);
    EXPECT_EQ(error_code([&] { ev::evt_get_event_info(events[0], 9); }), w32::err::kInvalidParameter);
    EXPECT_EQ(error_code([&] { ev::evt_create_render_context(ev::kEvtRenderContextValues); }),
              w32::err::kInvalidParameter);
    EXPECT_EQ(error_code([&] { ev::evt_render_values(events[0], rs); }), w32::err::kInvalidHandle);
    w32::HandleTable::instance().close(events[0], "test");
}

}  // namespace
