#include "w32/odbc/environment.h"

#include <sqlext.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <mutex>

#include "w32/odbc/odbc_error.h"
#include "w32/odbc/wide_text.h"

namespace w32::odbc {

namespace {

bool same_name(std::u16string_view a, std::u16string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        char16_t x = a[i] < 128 ? static_cast<char16_t>(std::tolower(a[i])) : a[i];
        char16_t y = b[i] < 128 ? static_cast<char16_t>(std::tolower(b[i])) : b[i];
        if (x != y) return false;
    }
    return true;
}

struct KnownDriver {
    std::u16string_view name;
    const char* library;
};

// The names these drivers are registered under on Debian and on Windows.
constexpr std::array kKnownDrivers = std::to_array<KnownDriver>({
    {u"SQLite3", "libsqlite3odbc.so"},
    {u"SQLite3 ODBC Driver", "libsqlite3odbc.so"},
    {u"SQLite ODBC Driver", "libsqlite3odbc.so"},
    {u"SQLite", "libsqliteodbc.so"},
    {u"PostgreSQL Unicode", "psqlodbcw.so"},
    {u"PostgreSQL Unicode(x64)", "psqlodbcw.so"},
    {u"PostgreSQL ANSI", "psqlodbca.so"},
    {u"PostgreSQL ANSI(x64)", "psqlodbca.so"},
    {u"PostgreSQL", "psqlodbcw.so"},
});

constexpr std::array kLibraryDirs = std::to_array<const char*>({
#if defined(__x86_64__)
    "/usr/lib/x86_64-linux-gnu/odbc/",
#elif defined(__aarch64__)
    "/usr/lib/aarch64-linux-gnu/odbc/",
#endif
    "/usr/lib/odbc/", "/usr/lib64/", "/usr/local/lib/", "/usr/lib/",
});

}  // namespace

SQLHENV environment() {
    static std::once_flag once;
    static SQLHENV env = SQL_NULL_HENV;
    static bool ok = false;
    std::call_once(once, [] {
        if (!succeeded(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env))) return;
        SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
        ok = true;
    });
    if (!ok) throw_interface_error("Could not allocate the ODBC environment in INIT");
    return env;
}

std::optional<std::pair<std::u16string, std::u16string>> data_source(SQLUSMALLINT direction) {
    SQLHENV env = environment();
    SQLWCHAR name[SQL_MAX_DSN_LENGTH + 1];
    SQLWCHAR desc[1024];
    SQLSMALLINT name_len = 0, desc_len = 0;
    SQLRETURN rc = SQLDataSourcesW(env, direction, name, static_cast<SQLSMALLINT>(std::size(name)), &name_len,
                                   desc, static_cast<SQLSMALLINT>(std::size(desc)), &desc_len);
    if (rc == SQL_NO_DATA) return std::nullopt;
    if (!succeeded(rc)) throw_diagnostics(SQL_HANDLE_ENV, env, "SQLDataSources");
    auto text = [](const SQLWCHAR* s, SQLSMALLINT len, size_t cap) {
        size_t n = std::min<size_t>(static_cast<size_t>(std::max<SQLSMALLINT>(len, 0)), cap - 1);
        return std::u16string(reinterpret_cast<const char16_t*>(s), n);
    };
    return std::pair{text(name, name_len, std::size(name)), text(desc, desc_len, std::size(desc))};
}

bool driver_registered(std::u16string_view wanted) {
    SQLHENV env = environment();
    static std::mutex lock;  // SQLDrivers walks one list per environment
    std::lock_guard guard(lock);
    SQLUSMALLINT direction = SQL_FETCH_FIRST;
    bool found = false;
    for (;;) {
        SQLWCHAR name[256];
        SQLWCHAR attrs[2];
        SQLSMALLINT name_len = 0, attrs_len = 0;
        SQLRETURN rc = SQLDriversW(env, direction, name, static_cast<SQLSMALLINT>(std::size(name)), &name_len, attrs,
                                   static_cast<SQLSMALLINT>(std::size(attrs)), &attrs_len);
        if (!succeeded(rc)) break;
        direction = SQL_FETCH_NEXT;
        size_t n = std::min<size_t>(static_cast<size_t>(std::max<SQLSMALLINT>(name_len, 0)), std::size(name) - 1);
        if (!found && same_name({reinterpret_cast<const char16_t*>(name), n}, wanted)) found = true;
    }
    return found;
}

std::string known_driver_library(std::u16string_view name) {
    for (const auto& d : kKnownDrivers) {
        if (!same_name(d.name, name)) continue;
        for (const char* dir : kLibraryDirs) {
            std::string path = std::string(dir) + d.library;
            if (access(path.c_str(), R_OK) == 0) return path;
        }
    }
    return {};
}

}  // namespace w32::odbc
