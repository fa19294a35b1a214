// Thread message queues for win32api, win32gui and win32event's MsgWait*.
// The pump itself (PumpWaitingMessages, PumpMessages) is Python, in
// python/win32/win32gui.py, on top of these primitives.
#include <nanobind/stl/optional.h>

#include "handle.h"
#include "modules.h"
#include "wait_args.h"
#include "w32/msg/message_queue.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace msg = w32::msg;

namespace bindings {

namespace {

int64_t lparam_from_py(nb::handle v) {
    if (v.is_none()) return 0;
    return nb::cast<int64_t>(v);
}

uint64_t wparam_from_py(nb::handle v) {
    if (v.is_none()) return 0;
    return static_cast<uint64_t>(nb::cast<int64_t>(v));
}

// pywin32's MSG tuple: (hwnd, message, wParam, lParam, time, (x, y)).
nb::tuple msg_tuple(const msg::Message& m) {
    return nb::make_tuple(m.hwnd, m.message, m.wparam, m.lparam, m.time, nb::make_tuple(0, 0));
}

void post_thread_message(uint32_t tid, uint32_t message, nb::handle wparam, nb::handle lparam) {
    msg::post_thread_message(tid, message, wparam_from_py(wparam), lparam_from_py(lparam));
}

// PeekMessage(hwnd, filterMin, filterMax, removalOptions) -> (rc, msg)
nb::tuple peek_message(nb::handle hwnd, uint32_t first, uint32_t last, uint32_t options) {
    auto m = msg::peek_message(first, last, options & msg::kPmRemove);
    if (!m) return nb::make_tuple(0, nb::make_tuple(0, 0, 0, 0, 0, nb::make_tuple(0, 0)));
    return nb::make_tuple(1, msg_tuple(*m));
}

// GetMessage(hwnd, min, max) -> (rc, msg); rc is 0 for WM_QUIT.
nb::tuple get_message(nb::handle hwnd, uint32_t first, uint32_t last) {
    msg::Message m = blocking_wait(w32::sync::kInfinite, [&](const w32::sync::InterruptCheck& check) {
        return msg::get_message(first, last, check);
    });
    return nb::make_tuple(m.message == msg::kWmQuit ? 0 : 1, msg_tuple(m));
}

uint32_t msg_wait(nb::handle seq, int wait_all, long long ms, uint32_t wake_mask) {
    auto handles = handle_list(seq);
    uint32_t timeout = timeout_from_py(ms);
    uint32_t flags = wait_all ? msg::kMwmoWaitAll : 0;
    return blocking_wait(timeout, [&](const w32::sync::InterruptCheck& check) {
        return msg::msg_wait_for_multiple(handles, timeout, wake_mask, flags, check);
    });
}

uint32_t msg_wait_ex(nb::handle seq, long long ms, uint32_t wake_mask, uint32_t flags) {
    auto handles = handle_list(seq);
    uint32_t timeout = timeout_from_py(ms);
    return blocking_wait(timeout, [&](const w32::sync::InterruptCheck& check) {
        return msg::msg_wait_for_multiple(handles, timeout, wake_mask, flags, check);
    });
}

}  // namespace

void bind_message_functions(nb::module_ win32api, nb::module_ win32gui, nb::module_ win32event) {
    win32api.def("GetCurrentThreadId", &msg::current_thread_id, "The calling thread's id.");
    win32api.def("PostThreadMessage", &post_thread_message, "tid"_a, "idMessage"_a,
                 "wParam"_a.none() = nb::none(), "lParam"_a.none() = nb::none(),
                 "Posts a message to a thread of this process that has a message queue "
                 "(ERROR_INVALID_THREAD_ID otherwise).\n\n"
                 "On POSIX: a thread of another process is ERROR_INVALID_THREAD_ID: queues are per "
                 "process.");
    win32api.def("PostQuitMessage", &msg::post_quit_message,
                 "exitCode"_a = 0, "Posts WM_QUIT to the calling thread's queue.");

    win32gui.def("PostThreadMessage", &post_thread_message, "threadId"_a, "message"_a,
                 "wparam"_a.none(), "lparam"_a.none(),
                 "Posts a message to a thread's queue; ERROR_INVALID_THREAD_ID for a thread without one.\n\n"
                 "On POSIX: only threads of this process can be reached: queues are per process.");
    win32gui.def("PostQuitMessage", &msg::post_quit_message,
                 "rc"_a = 0, "Posts WM_QUIT to the calling thread's queue.");
    win32gui.def("PeekMessage", &peek_message, "hwnd"_a.none(), "filterMin"_a, "filterMax"_a,
                 "removalOptions"_a,
                 "Returns (1, msg) for a waiting thread message (removed with PM_REMOVE), else (0, ...); "
                 "never waits.\n\n"
                 "On POSIX: there are no windows: hwnd is ignored and every message is a thread "
                 "message.");
    win32gui.def("GetMessage", &get_message, "hwnd"_a.none(), "_min"_a, "_max"_a,
                 "Waits for a thread message in the given range; returns (0, msg) for WM_QUIT, else (1, msg).\n\n"
                 "On POSIX: there are no windows: hwnd is ignored and every message is a thread message.");

    win32event.def("MsgWaitForMultipleObjects", &msg_wait, "handlelist"_a, "bWaitAll"_a,
                   "milliseconds"_a, "wakeMask"_a,
                   "As WaitForMultipleObjects, and returns WAIT_OBJECT_0 + len(handlelist) when "
                   "new posted or timer messages arrive for this thread.");
    win32event.def("MsgWaitForMultipleObjectsEx", &msg_wait_ex, "handlelist"_a, "milliseconds"_a,
                   "wakeMask"_a, "waitFlags"_a,
                   "MsgWaitForMultipleObjects with MWMO_WAITALL / MWMO_INPUTAVAILABLE flags.");
}

}  // namespace bindings
