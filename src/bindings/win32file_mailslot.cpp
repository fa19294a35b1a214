// win32file's mailslots: CreateMailslot, Get/SetMailslotInfo (CreateFile on
// `\\.\mailslot\NAME` opens a writer; ReadFile/WriteFile do the rest). The
// core is w32/io/mailslot.
#include <nanobind/stl/string.h>

#include <string>

#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "security_args.h"
#include "w32/io/mailslot.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;

namespace bindings {

namespace {

void bind_win32file_mailslot(nb::module_ m) {
    m.def("CreateMailslot",
          [](const std::string& name, long long max_size, long long timeout, nb::handle sa) {
              return PyHandle(wio::create_mailslot(name, dword_arg(max_size, "MaxMessageSize"),
                                                   dword_arg(timeout, "ReadTimeout"),
                                                   inherit_from_security_attributes(sa)));
          },
          "Name"_a, "MaxMessageSize"_a, "ReadTimeout"_a, "SecurityAttributes"_a.none(),
          "The reading end of \\\\.\\mailslot\\NAME (ERROR_ALREADY_EXISTS if it has one). ReadTimeout: "
          "0 returns at once, MAILSLOT_WAIT_FOREVER waits; ReadFile then gives ERROR_SEM_TIMEOUT.");
    m.def("GetMailslotInfo",
          [](HandleArg h) {
              auto i = wio::get_mailslot_info(h.value);
              return nb::make_tuple(i.max_message, i.next_size, i.message_count, i.read_timeout_ms);
          },
          "Mailslot"_a,
          "(max message size, next message size or MAILSLOT_NO_MESSAGE, message count (1 when one "
          "waits: the kernel does not count them), read timeout).");
    m.def("SetMailslotInfo",
          [](HandleArg h, long long timeout) { wio::set_mailslot_info(h.value, dword_arg(timeout, "ReadTimeout")); },
          "Mailslot"_a, "ReadTimeout"_a, "Sets the read timeout.");
}

}  // namespace

W32_REGISTER_SUBMODULE("win32file", bind_win32file_mailslot);

}  // namespace bindings
