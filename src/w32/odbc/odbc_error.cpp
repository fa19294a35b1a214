#include "w32/odbc/odbc_error.h"

#include <sqlext.h>

#include <algorithm>
#include <array>
#include <utility>

#include "w32/odbc/wide_text.h"

namespace w32::odbc {

namespace {

struct StateClass {
    std::string_view state;
    ErrorClass cls;
};

// The states pywin32 names (ODBC 2 spelling), their ODBC 3 spellings, and
// PostgreSQL's own; sorted for binary search.
constexpr std::array kStates = std::to_array<StateClass>({
    {"01000", ErrorClass::Internal},    {"01002", ErrorClass::Operational},
    {"01004", ErrorClass::NoError},     {"01006", ErrorClass::Internal},
    {"01S00", ErrorClass::Programming}, {"01S01", ErrorClass::Internal},
    {"01S02", ErrorClass::Internal},    {"01S03", ErrorClass::NoError},
    {"01S04", ErrorClass::NoError},     {"01S05", ErrorClass::NoError},
    {"01S06", ErrorClass::Programming}, {"07001", ErrorClass::Programming},
    {"07002", ErrorClass::Programming}, {"07006", ErrorClass::Programming},
    {"07009", ErrorClass::Programming}, {"07S01", ErrorClass::Programming},
    {"21S01", ErrorClass::Programming}, {"21S02", ErrorClass::Programming},
    {"22001", ErrorClass::NoError},     {"22002", ErrorClass::Internal},
    {"24000", ErrorClass::Internal},    {"25000", ErrorClass::Internal},
    {"28000", ErrorClass::Operational}, {"34000", ErrorClass::Internal},
    {"37000", ErrorClass::Programming}, {"3C000", ErrorClass::Internal},
    {"40001", ErrorClass::Internal},    {"70100", ErrorClass::Operational},
    {"HY000", ErrorClass::Operational}, {"HY001", ErrorClass::Operational},
    {"HY008", ErrorClass::Operational}, {"HYC00", ErrorClass::Operational},
    {"HYT00", ErrorClass::Operational}, {"HYT01", ErrorClass::Operational},
    {"S0001", ErrorClass::Programming}, {"S0002", ErrorClass::Programming},
    {"S0011", ErrorClass::Programming}, {"S0012", ErrorClass::Programming},
    {"S0021", ErrorClass::Programming}, {"S0022", ErrorClass::Programming},
    {"S0023", ErrorClass::Programming}, {"S1000", ErrorClass::Operational},
    {"S1001", ErrorClass::Operational}, {"S1008", ErrorClass::Operational},
    {"S1C00", ErrorClass::Operational}, {"S1T00", ErrorClass::Operational},
});

}  // namespace

ErrorClass classify_sqlstate(std::string_view s) noexcept {
    auto it = std::lower_bound(kStates.begin(), kStates.end(), s,
                               [](const StateClass& e, std::string_view k) { return e.state < k; });
    if (it != kStates.end() && it->state == s) return it->cls;
    std::string_view cls = s.substr(0, 2);
    if (cls == "08" || cls == "IM" || cls == "53" || cls == "57" || cls == "58") return ErrorClass::Operational;
    if (cls == "22") return ErrorClass::Data;
    if (cls == "23") return ErrorClass::Integrity;
    if (cls == "42" || cls == "07" || cls == "21" || cls == "S0") return ErrorClass::Programming;
    return ErrorClass::Internal;
}

bool connection_lost(std::string_view s) noexcept {
    // 08S01: communication link failure; 08003: connection not open; 57P01..03: the server shut down.
    return s == "08S01" || s == "08003" || s == "57P01" || s == "57P02" || s == "57P03";
}

void throw_diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle, const char* action) {
    // Drivers split one failure over several records (psqlODBC: the server's
    // message, then its own; unixODBC: a warning, then the error). The first
    // record that is not a warning (01xxx) decides the state; all texts are kept.
    std::string state;
    std::u16string text;
    for (SQLSMALLINT record = 1; record <= 4 && handle != SQL_NULL_HANDLE; ++record) {
        SQLWCHAR record_state[6] = {};
        SQLINTEGER native = 0;
        SQLWCHAR buf[1024];
        SQLSMALLINT len = 0;
        SQLRETURN rc = SQLGetDiagRecW(handle_type, handle, record, record_state, &native, buf,
                                      static_cast<SQLSMALLINT>(std::size(buf)), &len);
        if (!succeeded(rc)) break;
        len = std::clamp<SQLSMALLINT>(len, 0, static_cast<SQLSMALLINT>(std::size(buf) - 1));
        std::u16string piece(reinterpret_cast<const char16_t*>(buf), static_cast<size_t>(len));
        std::string this_state = utf8_from_utf16(std::u16string(reinterpret_cast<const char16_t*>(record_state), 5));
        if (state.empty() || (state.starts_with("01") && !this_state.starts_with("01"))) state = this_state;
        if (text.find(piece) != std::u16string::npos) continue;
        if (!text.empty()) text += u"; ";
        text += piece;
    }
    if (state.empty()) {
        throw OdbcError(ErrorClass::Interface, "", std::string("Could not find error in ") + action);
    }
    std::string message = "[" + state + "] " + utf8_from_utf16(text) + " in " + action;
    // A call that failed with nothing but a warning to show (unixODBC's
    // "Can't open lib" is 01000) failed all the same.
    ErrorClass cls = state.starts_with("01") ? ErrorClass::Operational : classify_sqlstate(state);
    throw OdbcError(cls, state, std::move(message));
}

void throw_interface_error(std::string message) {
    throw OdbcError(ErrorClass::Interface, "", std::move(message));
}

}  // namespace w32::odbc
