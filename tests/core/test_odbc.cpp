// The ODBC core without Python: connection strings, parameter markers,
// SQLSTATE classes, and a real round trip through the SQLite driver
// (blocks, values longer than their declared size, parameters, errors).
#include <gtest/gtest.h>

#include <sqlext.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <unistd.h>

#include "w32/odbc/connection.h"
#include "w32/odbc/connection_string.h"
#include "w32/odbc/environment.h"
#include "w32/odbc/odbc_error.h"
#include "w32/odbc/param_arrays.h"
#include "w32/odbc/sql_markers.h"
#include "w32/odbc/statement.h"
#include "w32/odbc/wide_text.h"

namespace odbc = w32::odbc;

namespace {

TEST(OdbcConnectionString, Pywin32ShortFormExpands) {
    EXPECT_EQ(odbc::expand_connection_string(u"mydsn"), u"DSN=mydsn");
    EXPECT_EQ(odbc::expand_connection_string(u"mydsn/bob"), u"DSN=mydsn;UID=bob");
    EXPECT_EQ(odbc::expand_connection_string(u"mydsn/bob/pw"), u"DSN=mydsn;UID=bob;PWD=pw");
    EXPECT_EQ(odbc::expand_connection_string(u"Driver={X};Database=/a/b"), u"Driver={X};Database=/a/b");
    // A slash before the first '=' is the short form (as pywin32 decides).
    EXPECT_EQ(odbc::expand_connection_string(u"d/u/p=w"), u"DSN=d;UID=u;PWD=p=w");
}

TEST(OdbcConnectionString, DriverIsFoundAndReplaced) {
    std::u16string s = u"Database=/x.db; DRIVER = {SQLite3 ODBC Driver} ;Timeout=5";
    EXPECT_EQ(odbc::driver_name(s), u"SQLite3 ODBC Driver");
    EXPECT_EQ(odbc::with_driver(s, u"/lib/x.so"), u"Database=/x.db; DRIVER = /lib/x.so ;Timeout=5");
    EXPECT_EQ(odbc::driver_name(u"Driver=SQLite3;Database=a"), u"SQLite3");
    EXPECT_EQ(odbc::driver_name(u"Driver={a}}b};x=1"), u"a}b");
    EXPECT_EQ(odbc::driver_name(u"DSN=x"), u"");
    EXPECT_EQ(odbc::attribute(u"Driver=x;DATABASE={C:\\a b\\c.db}", u"database"), u"C:\\a b\\c.db");
    EXPECT_EQ(odbc::with_attribute(u"Driver=x;Database=C:\\a.db;Y=1", u"database", u"/a.db"),
              u"Driver=x;Database=/a.db;Y=1");
}

TEST(OdbcMarkers, ColonNumbersBecomeQuestionMarks) {
    std::u16string sql = u"select :1, ?, ':2', \":3\", x::int, a=:12 from t";
    EXPECT_EQ(odbc::rewrite_parameter_markers(sql), 3u);
    EXPECT_EQ(sql, u"select ?, ?, ':2', \":3\", x::int, a=? from t");
}

TEST(OdbcErrors, SqlstatesSortIntoPywin32Classes) {
    using C = odbc::ErrorClass;
    EXPECT_EQ(odbc::classify_sqlstate("42000"), C::Programming);
    EXPECT_EQ(odbc::classify_sqlstate("42601"), C::Programming);
    EXPECT_EQ(odbc::classify_sqlstate("37000"), C::Programming);
    EXPECT_EQ(odbc::classify_sqlstate("23505"), C::Integrity);
    EXPECT_EQ(odbc::classify_sqlstate("22012"), C::Data);
    EXPECT_EQ(odbc::classify_sqlstate("08S01"), C::Operational);
    EXPECT_EQ(odbc::classify_sqlstate("IM002"), C::Operational);
    EXPECT_EQ(odbc::classify_sqlstate("HY000"), C::Operational);
    EXPECT_EQ(odbc::classify_sqlstate("S1000"), C::Operational);
    EXPECT_EQ(odbc::classify_sqlstate("22001"), C::NoError);
    EXPECT_EQ(odbc::classify_sqlstate("24000"), C::Internal);
    EXPECT_EQ(odbc::classify_sqlstate("HY010"), C::Internal);
    EXPECT_TRUE(odbc::connection_lost("08S01"));
    EXPECT_TRUE(odbc::connection_lost("57P01"));
    EXPECT_FALSE(odbc::connection_lost("42601"));
}

TEST(OdbcWideText, RoundTripsAstralCharacters) {
    std::string utf8 = "caf\xC3\xA9 \xF0\x9F\x98\x80";
    std::u16string wide = odbc::utf16_from_utf8(utf8);
    EXPECT_EQ(wide, u"caf\u00e9 \U0001F600");
    EXPECT_EQ(odbc::utf8_from_utf16(wide), utf8);
    EXPECT_EQ(odbc::utf8_from_utf16(u"\xD800x"), "\xEF\xBF\xBDx");  // lone surrogate
}

TEST(OdbcParamArrays, ColumnsShareOneTypeOrGoRowByRow) {
    std::vector<odbc::ParamRow> rows{
        {int64_t{1}, std::u16string(u"ab"), std::monostate{}},
        {std::monostate{}, std::u16string(u"cdef"), std::monostate{}},
        {int64_t{1} << 40, std::u16string(u""), std::monostate{}},
    };
    auto arrays = odbc::build_param_arrays(rows, 3);
    ASSERT_TRUE(arrays);
    const auto& ints = (*arrays)[0];
    EXPECT_EQ(ints.c_type, SQL_C_SBIGINT);
    EXPECT_EQ(ints.sql_type, SQL_BIGINT);  // one value past 32 bits
    EXPECT_EQ(ints.indicator[1], SQL_NULL_DATA);
    int64_t third;
    std::memcpy(&third, ints.data.data() + 2 * ints.width, sizeof third);
    EXPECT_EQ(third, int64_t{1} << 40);
    const auto& text = (*arrays)[1];
    EXPECT_EQ(text.c_type, SQL_C_WCHAR);
    EXPECT_EQ(text.width, 5u * 2);  // the longest value and its terminator
    EXPECT_EQ(text.indicator[1], 8);
    EXPECT_EQ(text.indicator[2], 0);
    EXPECT_EQ((*arrays)[2].sql_type, 0);  // all NULL: the statement describes it

    rows[1][0] = std::u16string(u"not an int");
    EXPECT_FALSE(odbc::build_param_arrays(rows, 3));
    rows[1][0] = std::monostate{};
    rows[0][1] = std::u16string(5000, u'x');  // too long for arrays
    EXPECT_FALSE(odbc::build_param_arrays(rows, 3));
}

class SqliteDriver : public ::testing::Test {
protected:
    void SetUp() override {
        if (odbc::known_driver_library(u"SQLite3").empty()) GTEST_SKIP() << "libsqliteodbc is not installed";
        path_ = std::filesystem::temp_directory_path() / ("w32odbc-" + std::to_string(getpid()) + ".db");
        std::filesystem::remove(path_);
        std::u16string cs = u"Driver={SQLite3};Database=" + odbc::utf16_from_utf8(path_.string());
        conn_ = std::make_shared<odbc::Connection>(cs);
    }
    void TearDown() override {
        conn_.reset();
        if (!path_.empty()) std::filesystem::remove(path_);
    }

    // The cell's text as UTF-16, whichever way the column holds it.
    std::u16string text_at(odbc::Statement& s, size_t row, size_t col) {
        auto cell = s.cell(row, col);
        EXPECT_FALSE(cell.null);
        if (s.columns()[col].utf16) return std::u16string(static_cast<const char16_t*>(cell.data), cell.bytes / 2);
        return odbc::utf16_from_utf8(std::string_view(static_cast<const char*>(cell.data), cell.bytes));
    }

    std::filesystem::path path_;
    std::shared_ptr<odbc::Connection> conn_;
};

TEST_F(SqliteDriver, ParametersRowsAndLongValues) {
    auto guard = conn_->lock();
    odbc::Statement s(conn_);
    s.execute(u"create table t(a integer, b varchar(4), c double)", {}, false);
    std::vector<odbc::ParamRow> rows;
    for (int i = 0; i < 3000; ++i) {
        rows.push_back({int64_t{i}, std::u16string(static_cast<size_t>(i % 50), u'x'), i * 0.5});
    }
    rows.push_back({std::monostate{}, std::monostate{}, std::monostate{}});
    conn_->set_autocommit(false);  // one transaction: SQLite syncs at each commit
    EXPECT_EQ(s.execute(u"insert into t values (?, ?, :3)", rows, true), 3001);
    conn_->commit();
    EXPECT_EQ(s.execute(u"select a, b, c from t order by a", {}, false), 0);
    ASSERT_EQ(s.columns().size(), 3u);
    EXPECT_EQ(s.columns()[1].name, u"b");
    EXPECT_EQ(s.columns()[0].kind, odbc::ValueKind::Integer);
    EXPECT_EQ(s.columns()[1].kind, odbc::ValueKind::Text);
    EXPECT_FALSE(s.columns()[1].utf16);  // SQLite's varchar is a narrow type: UTF-8
    size_t seen = 0;
    bool null_row = false;
    while (size_t n = s.fetch_block()) {
        for (size_t r = 0; r < n; ++r, ++seen) {
            auto a = s.cell(r, 0);
            if (a.null) {
                null_row = true;
                EXPECT_TRUE(s.cell(r, 1).null);
                EXPECT_TRUE(s.cell(r, 2).null);
                continue;
            }
            int64_t v;
            std::memcpy(&v, a.data, sizeof v);
            // Declared varchar(4), holding up to 49 characters: read whole.
            EXPECT_EQ(text_at(s, r, 1), std::u16string(static_cast<size_t>(v % 50), u'x'));
            double d;
            std::memcpy(&d, s.cell(r, 2).data, sizeof d);
            EXPECT_EQ(d, static_cast<double>(v) * 0.5);
        }
    }
    EXPECT_EQ(seen, 3001u);
    EXPECT_TRUE(null_row);
    EXPECT_EQ(s.fetch_block(), 0u);
}

TEST_F(SqliteDriver, ErrorsCarryTheSqlstateAndAction) {
    auto guard = conn_->lock();
    odbc::Statement s(conn_);
    try {
        s.execute(u"selec 1", {}, false);
        FAIL() << "bad SQL executed";
    } catch (const odbc::OdbcError& e) {
        EXPECT_EQ(e.sqlstate(), "HY000");
        EXPECT_EQ(std::string(e.what()).substr(0, 8), "[HY000] ");
        EXPECT_TRUE(std::string(e.what()).ends_with(" in EXEC"));
    }
    std::vector<odbc::ParamRow> rows{{int64_t{1}, int64_t{2}}};
    try {
        s.execute(u"select ?", rows, false);
        FAIL() << "two values for one marker";
    } catch (const odbc::OdbcError& e) {
        EXPECT_EQ(e.error_class(), odbc::ErrorClass::Programming);
        EXPECT_EQ(e.sqlstate(), "07002");
    }
    s.close();
    EXPECT_THROW(s.execute(u"select 1", {}, false), odbc::OdbcError);
}

TEST_F(SqliteDriver, StatementsAreCountedAndFreed) {
    int64_t base = odbc::Connection::live_statements();
    {
        auto guard = conn_->lock();
        for (int i = 0; i < 100; ++i) {
            odbc::Statement s(conn_);
            s.execute(u"select 1", {}, false);
        }
    }
    // Destroyed by the thread holding the lock: freed at once.
    EXPECT_EQ(odbc::Connection::live_statements(), base);
    auto guard = conn_->lock();
    conn_->free_released_statements();
    conn_->close();
    odbc::Statement* dangling = nullptr;
    EXPECT_THROW(dangling = new odbc::Statement(conn_), odbc::OdbcError);
    delete dangling;
}

}  // namespace
