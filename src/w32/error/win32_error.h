// Win32 errors as the core reports them: an exception carrying the Windows
// error code and the API name, plus the per-thread "last error" slot.
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

namespace w32 {

// Thrown by every core function that fails. The bindings turn it into
// pywintypes.error(code, function, message) in one place.
class Win32Error : public std::exception {
public:
    Win32Error(uint32_t code, const char* function) noexcept
        : code_(code), function_(function) {}
    uint32_t code() const noexcept { return code_; }
    const char* function() const noexcept { return function_; }
    const char* what() const noexcept override { return function_; }

private:
    uint32_t code_;
    const char* function_;  // always a string literal: the Win32 API name
};

[[noreturn]] void throw_win32(uint32_t code, const char* function);
// Maps errno through win32_from_errno() first.
[[noreturn]] void throw_errno(int err, const char* function);

// The one errno -> Win32 mapping.
uint32_t win32_from_errno(int err) noexcept;

// Sockets have two faces on Windows: a Winsock call that fails at once sets
// a WSAE* code (WSAGetLastError), while an overlapped socket operation that
// fails later reports the Win32 status GetOverlappedResult and
// GetQueuedCompletionStatus give (a reset connection is
// ERROR_NETNAME_DELETED there, WSAECONNRESET from the call).
uint32_t wsa_from_errno(int err) noexcept;
uint32_t socket_completion_from_errno(int err) noexcept;

// Windows' system message for `code` without the trailing CR LF, or an empty
// view when the code has no message.
std::string_view system_message(uint32_t code) noexcept;

// Message texts that live outside the system table (pdh.dll's PDH_* texts, as
// Windows keeps them in the module that raises them): system_message() asks
// each added lookup for codes the system table lacks. Call at start-up.
using MessageLookup = std::string_view (*)(uint32_t code) noexcept;
void add_message_lookup(MessageLookup lookup) noexcept;

// FormatMessage's text for `code`: the system message with "\r\n", as
// Windows returns it. Throws ERROR_MR_MID_NOT_FOUND for unknown codes.
std::string format_system_message(uint32_t code);

// GetLastError/SetLastError: one slot per OS thread.
uint32_t get_last_error() noexcept;
void set_last_error(uint32_t code) noexcept;

}  // namespace w32
