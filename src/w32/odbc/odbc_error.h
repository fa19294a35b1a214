// ODBC failures as the core reports them: the SQLSTATE and the driver's text,
// sorted into the classes pywin32's odbc module raises (its "dbi" errors).
#pragma once

#include <sql.h>

#include <exception>
#include <string>
#include <string_view>

namespace w32::odbc {

// The exception classes of pywin32's odbc module, by what went wrong.
enum class ErrorClass {
    Interface,    // odbc.error: misuse of the module (closed cursor, bad arguments)
    NoError,      // dbi.noError: a state that ODBC counts as a warning
    Operational,  // dbi.opError: connection, server, resources
    Programming,  // dbi.progError: bad SQL, wrong parameters, missing table
    Integrity,    // dbi.integrityError: constraint violated
    Data,         // dbi.dataError: bad value (out of range, division by zero, bad date)
    Internal,     // dbi.internalError: everything else (pywin32's default)
};

class OdbcError : public std::exception {
public:
    OdbcError(ErrorClass cls, std::string sqlstate, std::string message)
        : class_(cls), sqlstate_(std::move(sqlstate)), message_(std::move(message)) {}
    ErrorClass error_class() const noexcept { return class_; }
    // Five characters, or empty when the error did not come from ODBC.
    const std::string& sqlstate() const noexcept { return sqlstate_; }
    const char* what() const noexcept override { return message_.c_str(); }

private:
    ErrorClass class_;
    std::string sqlstate_;
    std::string message_;
};

ErrorClass classify_sqlstate(std::string_view sqlstate) noexcept;

// States after which the connection is gone (the next use reconnects).
bool connection_lost(std::string_view sqlstate) noexcept;

// Throws the diagnostics of a failed call on `handle`:
// "[SQLSTATE] driver text in ACTION" (pywin32 ends its messages with " in ACTION").
[[noreturn]] void throw_diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle, const char* action);

[[noreturn]] void throw_interface_error(std::string message);

inline bool succeeded(SQLRETURN rc) noexcept { return rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO; }

}  // namespace w32::odbc
