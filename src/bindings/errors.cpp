#include "errors.h"

#include <cstdint>
#include <string>

#include "w32/error/win32_error.h"

namespace nb = nanobind;

namespace bindings {

namespace {

// pywintypes.error, held for the life of the process: the translator may run
// during interpreter shutdown, when looking the class up again could fail.
PyObject* g_error_class = nullptr;

void raise_win32(const w32::Win32Error& e) {
    std::string_view text = w32::system_message(e.code());
    // pywin32 builds the tuple with a C int: codes from 0x80000000 (HRESULTs,
    // PDH and NTSTATUS-like codes) are negative, as winerror spells them.
    nb::object args = nb::make_tuple(static_cast<int32_t>(e.code()), e.function(),
                                     nb::str(text.data(), text.size()));
    PyErr_SetObject(g_error_class, args.ptr());
}

}  // namespace

void register_error_translation(nb::module_&) {
    nb::object cls = nb::module_::import_("pywin32_posix._errors").attr("error");
    g_error_class = cls.release().ptr();
    nb::register_exception_translator([](const std::exception_ptr& p, void*) {
        try {
            std::rethrow_exception(p);
        } catch (const w32::Win32Error& e) {
            raise_win32(e);
        }
    });
}

}  // namespace bindings
