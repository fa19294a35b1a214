#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>

#include "w32/error/win32_error.h"
#include "w32/evtlog/log_store.h"
#include "w32/evtlog/source_registry.h"

namespace {

using w32::evtlog::EventRecord;
using w32::evtlog::LogStore;

class EvtlogStore : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/w32evtXXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::system(("rm -rf '" + dir_ + "'").c_str()); }
    std::string path(const char* name) const { return dir_ + "/" + name; }

    static EventRecord record(uint32_t id, std::vector<std::string> strings = {}) {
        EventRecord r;
        r.event_id = id;
        r.event_type = 4;
        r.source_name = "Test";
        r.computer_name = "host";
        if (!strings.empty()) r.strings = std::move(strings);
        r.data = {1, 2, 3};
        return r;
    }

    std::string dir_;
};

uint32_t error_code(const std::function<void()>& f) {
    try {
        f();
    } catch (const w32::Win32Error& e) {
        return e.code();
    }
    return 0;
}

TEST_F(EvtlogStore, AppendsReadsBothWaysAndKeepsFields) {
    auto store = LogStore::open_live(path("a.db"), "test");
    for (uint32_t i = 1; i <= 5; ++i) {
        auto r = record(100 + i, {"x", std::string("y") + char('0' + i), ""});
        EXPECT_EQ(store->append(r), i);
    }
    auto fwd = store->read(2, true, w32::evtlog::kMaxRecordBytes);
    ASSERT_EQ(fwd.size(), 4u);
    EXPECT_EQ(fwd[0].record_number, 2u);
    EXPECT_EQ(fwd[0].event_id, 102u);
    ASSERT_TRUE(fwd[0].strings);
    EXPECT_EQ((*fwd[0].strings)[1], "y2");
    EXPECT_EQ((*fwd[0].strings)[2], "");
    EXPECT_EQ(fwd[0].data, (std::vector<uint8_t>{1, 2, 3}));
    EXPECT_FALSE(fwd[0].sid);
    auto back = store->read(3, false, w32::evtlog::kMaxRecordBytes);
    ASSERT_EQ(back.size(), 3u);
    EXPECT_EQ(back[2].record_number, 1u);
    EXPECT_EQ(store->range().count(), 5u);
}

TEST_F(EvtlogStore, BatchesStopAtTheByteBudgetButReturnOne) {
    auto store = LogStore::open_live(path("a.db"), "test");
    for (int i = 0; i < 10; ++i) {
        auto r = record(1);
        store->append(r);
    }
    size_t one = w32::evtlog::record_wire_size(record(1));
    EXPECT_EQ(store->read(1, true, one * 3).size(), 3u);
    EXPECT_EQ(store->read(1, true, 1).size(), 1u);
}

TEST_F(EvtlogStore, NumbersNeverRepeatAcrossClearAndReopen) {
    {
        auto store = LogStore::open_live(path("a.db"), "test");
        for (int i = 0; i < 3; ++i) {
            auto r = record(1);
            store->append(r);
        }
        store->clear();
        EXPECT_EQ(store->range().count(), 0u);
    }
    auto store = LogStore::open_live(path("a.db"), "test");
    auto r = record(1);
    EXPECT_EQ(store->append(r), 4u);
    EXPECT_EQ(store->range().oldest, 4u);
}

TEST_F(EvtlogStore, FilesArePrivate) {
    auto store = LogStore::open_live(path("a.db"), "test");
    auto r = record(1);
    store->append(r);
    struct stat st;
    ASSERT_EQ(stat(path("a.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(stat(path("a.db-wal").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    store->backup_to(path("b.evt"), "test");
    ASSERT_EQ(stat(path("b.evt").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(EvtlogStore, BackupReadsBackAndRefusesToOverwrite) {
    auto store = LogStore::open_live(path("a.db"), "test");
    auto r = record(42, {"hello"});
    store->append(r);
    store->backup_to(path("b.evt"), "test");
    EXPECT_EQ(error_code([&] { store->backup_to(path("b.evt"), "test"); }), 183u);
    auto backup = LogStore::open_backup(path("b.evt"), "test");
    auto got = backup->read(1, true, w32::evtlog::kMaxRecordBytes);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ((*got[0].strings)[0], "hello");
}

TEST_F(EvtlogStore, MalformedFilesAreCleanErrors) {
    std::ofstream(path("junk.evt")) << std::string(5000, 'x');
    EXPECT_EQ(error_code([&] { LogStore::open_backup(path("junk.evt"), "test"); }), 1500u);
    EXPECT_EQ(error_code([&] { LogStore::open_live(path("junk.evt"), "test"); }), 1500u);
    EXPECT_EQ(error_code([&] { LogStore::open_backup(path("missing.evt"), "test"); }), 2u);
    // A real SQLite file that is not one of ours.
    {
        w32::evtlog::Database db(path("other.db"), false, true, "test");
        db.exec("CREATE TABLE t(x);", "test");
    }
    EXPECT_EQ(error_code([&] { LogStore::open_backup(path("other.db"), "test"); }), 1500u);
    EXPECT_EQ(error_code([&] { LogStore::open_live(path("other.db"), "test"); }), 1500u);
    // One of ours, cut short.
    {
        auto store = LogStore::open_live(path("a.db"), "test");
        for (int i = 0; i < 200; ++i) {
            auto r = record(1, {std::string(200, 'z')});
            store->append(r);
        }
        store->backup_to(path("b.evt"), "test");
    }
    ASSERT_EQ(truncate(path("b.evt").c_str(), 8192), 0);
    EXPECT_EQ(error_code([&] {
                  auto s = LogStore::open_backup(path("b.evt"), "test");
                  s->read(1, true, w32::evtlog::kMaxRecordBytes);
              }),
              1500u);
}

TEST(EvtlogNames, HostileLogNamesAreRefused) {
    EXPECT_TRUE(w32::evtlog::valid_log_name("Application"));
    EXPECT_TRUE(w32::evtlog::valid_log_name("Windows PowerShell"));
    EXPECT_FALSE(w32::evtlog::valid_log_name(""));
    EXPECT_FALSE(w32::evtlog::valid_log_name(".."));
    EXPECT_FALSE(w32::evtlog::valid_log_name("a/b"));
    EXPECT_FALSE(w32::evtlog::valid_log_name("a\\b"));
    EXPECT_FALSE(w32::evtlog::valid_log_name(std::string("a\0b", 3)));
    EXPECT_FALSE(w32::evtlog::valid_log_name(std::string(129, 'a')));
}

}  // namespace
