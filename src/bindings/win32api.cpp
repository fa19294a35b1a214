#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <optional>
#include <string>
#include <vector>

#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "w32/error/format_message.h"
#include "w32/error/win32_error.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace bindings {

namespace {

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
std::string format_message(long long flags_or_code_arg, nb::handle source,
                           std::optional<long long> message_id_arg, uint32_t /*language_id*/,
                           nb::handle inserts) {
    // Codes from 0x80000000 come signed from pywin32 (winerror.E_FAIL < 0).
    uint32_t flags_or_code = dword_arg(flags_or_code_arg, "flags");
    std::optional<uint32_t> message_id;
    if (message_id_arg) message_id = dword_arg(*message_id_arg, "messageId");
    if (!message_id) return w32::format_system_message(flags_or_code);
    std::optional<std::string> text;
    if (nb::isinstance<nb::str>(source)) text = nb::cast<std::string>(source);
    else if (!source.is_none() && (flags_or_code & 0x400))  // FORMAT_MESSAGE_FROM_STRING
        throw nb::type_error("FormatMessage: FORMAT_MESSAGE_FROM_STRING needs a string source");
    return w32::format_message(flags_or_code, text ? std::optional<std::string_view>(*text) : std::nullopt,
                               *message_id, insert_strings(inserts));
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

