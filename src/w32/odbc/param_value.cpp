#include "w32/odbc/param_value.h"

#include <cstdio>

namespace w32::odbc {

std::string time_text(const TimeValue& t) {
    char buf[32];
    if (t.microsecond) {
        std::snprintf(buf, sizeof buf, "%02u:%02u:%02u.%06u", t.hour, t.minute, t.second, t.microsecond);
    } else {
        std::snprintf(buf, sizeof buf, "%02u:%02u:%02u", t.hour, t.minute, t.second);
    }
    return buf;
}

}  // namespace w32::odbc
