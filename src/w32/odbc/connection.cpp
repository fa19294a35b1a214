#include "w32/odbc/connection.h"

#include <sqlext.h>

#include <cctype>

#include "w32/odbc/connection_string.h"
#include "w32/odbc/environment.h"
#include "w32/odbc/odbc_error.h"
#include "w32/odbc/wide_text.h"
#include "w32/paths/drive_table.h"

namespace w32::odbc {

std::atomic<int64_t> Connection::live_statements_{0};

namespace {

// A DRIVER= name the driver manager does not know, but that names a driver
// Debian installs, becomes the path of its library (unixODBC loads a driver
// given by path), so that the embedded default needs no odbcinst.ini.
std::u16string with_located_driver(std::u16string conn) {
    std::u16string name = driver_name(conn);
    if (name.empty() || name.find(u'/') != std::u16string::npos || driver_registered(name)) return conn;
    std::string library = known_driver_library(name);
    if (library.empty()) return conn;
    return with_driver(conn, utf16_from_utf8(library));
}

bool is_sqlite_driver(std::u16string_view driver) {
    std::string name = utf8_from_utf16(driver);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return name.find("sqlite") != std::string::npos;
}

// Code written for Windows names its SQLite file with a Windows path
// (Database=C:\data\app.db): it goes through the session's drive table, as
// every path does. A path the table cannot take is left to the driver.
std::u16string with_posix_database(std::u16string conn) {
    if (!is_sqlite_driver(driver_name(conn))) return conn;
    std::string database = utf8_from_utf16(attribute(conn, u"database"));
    if (database.empty() || !w32::paths::is_windows_path(database)) return conn;
    try {
        return with_attribute(conn, u"database", utf16_from_utf8(w32::paths::to_posix(database, "odbc")));
    } catch (const std::exception&) {
        return conn;
    }
}

}  // namespace

Connection::Connection(std::u16string_view text)
    : connection_string_(with_located_driver(with_posix_database(expand_connection_string(text)))) {
    if (!succeeded(SQLAllocHandle(SQL_HANDLE_DBC, environment(), &dbc_))) {
        dbc_ = SQL_NULL_HDBC;
        throw_diagnostics(SQL_HANDLE_ENV, environment(), "ALLOCATION");
    }
    connect("LOGIN");
}

Connection::~Connection() {
    free_released_statements();
    drop_link();
    if (dbc_ != SQL_NULL_HDBC) SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
}

void Connection::connect(const char* action) {
    SQLSMALLINT out_len = 0;
    SQLRETURN rc = SQLDriverConnectW(dbc_, nullptr,
                                     reinterpret_cast<SQLWCHAR*>(connection_string_.data()),
                                     static_cast<SQLSMALLINT>(connection_string_.size()), nullptr, 0, &out_len,
                                     SQL_DRIVER_NOPROMPT);
    if (!succeeded(rc)) throw_diagnostics(SQL_HANDLE_DBC, dbc_, action);
    connected_ = true;
    ++generation_;
    SQLUINTEGER ext = 0;
    getdata_extensions_ = succeeded(SQLGetInfoW(dbc_, SQL_GETDATA_EXTENSIONS, &ext, sizeof(ext), nullptr)) ? ext : 0;
    SQLUINTEGER counts = 0;
    bool known = succeeded(SQLGetInfoW(dbc_, SQL_PARAM_ARRAY_ROW_COUNTS, &counts, sizeof(counts), nullptr));
    param_array_row_counts_ = known && (counts == SQL_PARC_BATCH || counts == SQL_PARC_NO_BATCH) ? counts : 0;
    if (!autocommit_) {
        SQLSetConnectAttrW(dbc_, SQL_ATTR_AUTOCOMMIT, reinterpret_cast<SQLPOINTER>(SQL_AUTOCOMMIT_OFF), 0);
    }
}

void Connection::drop_link() noexcept {
    if (connected_) {
        // Frees the statements of this connection too (ODBC 3): theirs is an old generation now.
        SQLDisconnect(dbc_);
        connected_ = false;
        ++generation_;
    }
}

void Connection::fail(SQLSMALLINT handle_type, SQLHANDLE handle, const char* action) {
    try {
        throw_diagnostics(handle_type, handle, action);
    } catch (const OdbcError& e) {
        if (connection_lost(e.sqlstate())) drop_link();
        throw;
    }
}

SQLHDBC Connection::connected_handle(const char* action) const {
    if (closed_) throw_interface_error(std::string("The connection is closed in ") + action);
    if (!connected_) {
        throw OdbcError(ErrorClass::Operational, "08003",
                        std::string("[08003] The connection was lost in ") + action);
    }
    return dbc_;
}

SQLHDBC Connection::reconnect_if_lost(const char* action) {
    if (closed_) throw_interface_error(std::string("The connection is closed in ") + action);
    if (!connected_) connect(action);
    return dbc_;
}

void Connection::set_autocommit(bool on) {
    SQLHDBC dbc = connected_handle("SETAUTOCOMMIT");
    auto value = on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF;
    if (!succeeded(SQLSetConnectAttrW(dbc, SQL_ATTR_AUTOCOMMIT, reinterpret_cast<SQLPOINTER>(value), 0))) {
        fail(SQL_HANDLE_DBC, dbc, "SETAUTOCOMMIT");
    }
    autocommit_ = on;
}

void Connection::commit() {
    SQLHDBC dbc = connected_handle("COMMIT");
    if (!succeeded(SQLEndTran(SQL_HANDLE_DBC, dbc, SQL_COMMIT))) fail(SQL_HANDLE_DBC, dbc, "COMMIT");
}

void Connection::rollback() {
    SQLHDBC dbc = connected_handle("ROLLBACK");
    if (!succeeded(SQLEndTran(SQL_HANDLE_DBC, dbc, SQL_ROLLBACK))) fail(SQL_HANDLE_DBC, dbc, "ROLLBACK");
}

void Connection::close() {
    if (closed_) return;
    free_released_statements();
    if (connected_) {
        // An open transaction is rolled back, as closing does on Windows' drivers.
        SQLEndTran(SQL_HANDLE_DBC, dbc_, SQL_ROLLBACK);
    }
    drop_link();
    closed_ = true;
}

void Connection::release_statement(SQLHSTMT stmt, uint64_t generation) noexcept {
    std::unique_lock guard(mutex_, std::try_to_lock);
    if (guard.owns_lock()) {
        if (connected_ && generation == generation_) SQLFreeHandle(SQL_HANDLE_STMT, stmt);
        count_statement(-1);
        return;
    }
    std::lock_guard released(released_mutex_);
    released_.emplace_back(stmt, generation);
}

void Connection::free_released_statements() noexcept {
    std::lock_guard released(released_mutex_);
    for (auto [stmt, generation] : released_) {
        if (connected_ && generation == generation_) SQLFreeHandle(SQL_HANDLE_STMT, stmt);
        count_statement(-1);
    }
    released_.clear();
}

}  // namespace w32::odbc
