// One ODBC connection (pywin32's odbc.odbc() object): connect, autocommit,
// commit/rollback, close, and reconnecting after the link was lost (as
// pywin32 does: a lost connection is dropped, the next execute connects again).
//
// Every use of the connection or of its statements holds lock(): ODBC
// handles are not to be used from two threads at once, and the bindings let
// threads run while the driver works. Take the lock without holding the GIL.
// It is recursive: a statement dropped by the thread that holds it (Python's
// garbage collector runs while rows are converted) is freed on the spot.
#pragma once

#include <sql.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace w32::odbc {

class Connection {
public:
    // Connects with SQLDriverConnect (no prompt); pywin32's "dsn/uid/pwd"
    // form is accepted, and well-known driver names work without odbcinst.ini.
    explicit Connection(std::u16string_view connection_string);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    std::unique_lock<std::recursive_mutex> lock() { return std::unique_lock(mutex_); }

    // With lock() held:
    void set_autocommit(bool on);
    void commit();
    void rollback();
    void close();
    bool closed() const noexcept { return closed_; }
    // The connection handle, connecting again first if the link was lost.
    SQLHDBC reconnect_if_lost(const char* action);
    // The connection handle when connected; throws (the lost or closed
    // connection) otherwise.
    SQLHDBC connected_handle(const char* action) const;
    // Bumped at every (re)connect: statements of an older one are gone.
    uint64_t generation() const noexcept { return generation_; }
    // SQL_GETDATA_EXTENSIONS of the driver.
    SQLUINTEGER getdata_extensions() const noexcept { return getdata_extensions_; }
    // Whether the driver executes arrays of parameters and counts their rows
    // (SQL_PARAM_ARRAY_ROW_COUNTS).
    bool executes_parameter_arrays() const noexcept { return param_array_row_counts_ != 0; }
    // Throws the diagnostics of `handle`; drops the connection first when they say it is lost.
    [[noreturn]] void fail(SQLSMALLINT handle_type, SQLHANDLE handle, const char* action);

    // A statement handle no longer wanted; freed now if the lock is free,
    // else at the next use (a destructor must not wait for the lock).
    void release_statement(SQLHSTMT stmt, uint64_t generation) noexcept;
    // With lock() held: frees what release_statement() had to leave.
    void free_released_statements() noexcept;

    // Statement handles allocated and not yet freed, in this process.
    static int64_t live_statements() noexcept { return live_statements_.load(); }
    static void count_statement(int delta) noexcept { live_statements_ += delta; }

private:
    void connect(const char* action);
    void drop_link() noexcept;

    std::recursive_mutex mutex_;
    SQLHDBC dbc_ = SQL_NULL_HDBC;
    std::u16string connection_string_;
    bool connected_ = false;
    bool closed_ = false;
    bool autocommit_ = true;
    uint64_t generation_ = 0;
    SQLUINTEGER getdata_extensions_ = 0;
    SQLUINTEGER param_array_row_counts_ = 0;

    std::mutex released_mutex_;
    std::vector<std::pair<SQLHSTMT, uint64_t>> released_;

    static std::atomic<int64_t> live_statements_;
};

}  // namespace w32::odbc
