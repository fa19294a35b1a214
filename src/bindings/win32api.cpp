#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <optional>
#include <string>
#include <vector>

#include "handle.h"
#include "modules.h"
#include "w32/error/format_message.h"
#include "w32/error/win32_error.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace bindings {

namespace {

constexpr uint32_t kFormatMessageIgnoreInserts = 0x200;
constexpr uint32_t kFormatMessageFromString = 0x400;
constexpr uint32_t kFormatMessageFromHmodule = 0x800;
constexpr uint32_t kFormatMessageFromSystem = 0x1000;

std::vector<std::string> insert_strings(nb::handle inserts) {
    std::vector<std::string> out;
    if (inserts.is_none()) return out;
    for (nb::handle item : inserts) {
        if (!nb::isinstance<nb::str>(item))
            throw nb::type_error("FormatMessage inserts must be strings");
        out.emplace_back(nb::cast<std::string>(item));
    }
    return out;
}

// FormatMessage(errCode) or FormatMessage(flags, source, messageId,
// languageID, inserts), as pywin32 accepts both.
std::string format_message(uint32_t flags_or_code, nb::handle source,
                           std::optional<uint32_t> message_id, uint32_t /*language_id*/,
                           nb::handle inserts) {
    if (!message_id) return w32::format_system_message(flags_or_code);
    uint32_t flags = flags_or_code;
    bool ignore = flags & kFormatMessageIgnoreInserts;
    std::vector<std::string> args = insert_strings(inserts);
    if (flags & kFormatMessageFromString) {
        if (!nb::isinstance<nb::str>(source))
            throw nb::type_error("FormatMessage: FORMAT_MESSAGE_FROM_STRING needs a string source");
        return w32::expand_message_inserts(nb::cast<std::string>(source), args, ignore);
    }
    if (flags & kFormatMessageFromHmodule) w32::throw_win32(1813, "FormatMessage");  // ERROR_RESOURCE_TYPE_NOT_FOUND
    if (!(flags & kFormatMessageFromSystem)) w32::throw_win32(87, "FormatMessage");
    std::string_view text = w32::system_message(*message_id);
    if (text.empty()) w32::throw_win32(317, "FormatMessage");  // ERROR_MR_MID_NOT_FOUND
    return w32::expand_message_inserts(text, args, ignore) + "\r\n";
}

// pywin32: closing a PyHANDLE through CloseHandle is its Close(), so the
// object does not close the value again later.
void close_owned_handle(PyHandle& owned) {
    if (owned.value == 0) w32::throw_win32(6, "CloseHandle");  // ERROR_INVALID_HANDLE
    owned.close();
}

void close_handle_value(HandleArg h) { w32::HandleTable::instance().close(h.value, "CloseHandle"); }

}  // namespace

void bind_win32api(nb::module_ m) {
    m.def("FormatMessage", &format_message, "flags"_a, "source"_a = nb::none(),
          "messageId"_a = nb::none(), "languageID"_a = 0, "inserts"_a = nb::none(),
          "Returns a message text: FormatMessage(code) gives the system message for an "
          "error code; the five-argument form follows Win32 FormatMessage.");
    m.attr("FormatMessageW") = m.attr("FormatMessage");
    m.def("GetLastError", &w32::get_last_error, "The calling thread's last error code.");
    m.def("SetLastError", &w32::set_last_error, "errVal"_a, "Sets the calling thread's last error code.");
    m.def("CloseHandle", &close_owned_handle, "handle"_a, "Closes a handle (a PyHANDLE or an int).");
    m.def("CloseHandle", &close_handle_value, "handle"_a.none());
}

}  // namespace bindings

