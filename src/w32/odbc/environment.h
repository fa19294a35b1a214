// The process's ODBC environment (one, ODBC 3 behaviour, made on first use)
// and what it knows: the installed drivers, the data sources.
#pragma once

#include <sql.h>

#include <optional>
#include <string>
#include <utility>

namespace w32::odbc {

SQLHENV environment();

// SQLDataSources(direction): (name, description), or nothing at SQL_NO_DATA.
std::optional<std::pair<std::u16string, std::u16string>> data_source(SQLUSMALLINT direction);

// Whether the driver manager knows a driver by this name (odbcinst.ini).
bool driver_registered(std::u16string_view name);

// The shared object of a driver Debian ships under a well-known name
// (SQLite3, PostgreSQL Unicode, ...), found in the usual library folders,
// or empty. Lets "DRIVER={SQLite3}" work with no odbcinst.ini entry.
std::string known_driver_library(std::u16string_view name);

}  // namespace w32::odbc
