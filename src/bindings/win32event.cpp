#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <optional>
#include <string>
#include <vector>

#include "handle.h"
#include "modules.h"
#include "security_args.h"
#include "wait_args.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/session_root.h"
#include "w32/sync/sync_objects.h"

#include <unistd.h>

namespace nb = nanobind;
using namespace nb::literals;
namespace wsync = w32::sync;

namespace bindings {

uint32_t timeout_from_py(long long ms) {
    if (ms < -1 || ms > 0xFFFFFFFFLL) throw nb::value_error("timeout must be a DWORD (or -1 for INFINITE)");
    return static_cast<uint32_t>(ms);
}

namespace {

using OptName = std::optional<std::string>;

wsync::CreateOptions create_options(nb::handle sa, const OptName& name, uint32_t access = 0) {
    wsync::CreateOptions o;
    if (name) o.name = *name;
    o.inherit = inherit_from_security_attributes(sa);
    o.access = access;
    return o;
}

PyHandle create_event(nb::handle sa, int manual, int initial, const OptName& name) {
    return PyHandle(wsync::create_event(create_options(sa, name), manual, initial));
}

PyHandle create_mutex(nb::handle sa, int initial_owner, const OptName& name) {
    return PyHandle(wsync::create_mutex(create_options(sa, name), initial_owner));
}

PyHandle create_semaphore(nb::handle sa, int32_t initial, int32_t maximum, const OptName& name) {
    return PyHandle(wsync::create_semaphore(create_options(sa, name), initial, maximum));
}

PyHandle create_timer(nb::handle sa, int manual, const OptName& name) {
    return PyHandle(wsync::create_waitable_timer(create_options(sa, name), manual));
}

constexpr uint32_t kTimerManualResetFlag = 1;    // CREATE_WAITABLE_TIMER_MANUAL_RESET
constexpr uint32_t kTimerHighResolutionFlag = 2; // CREATE_WAITABLE_TIMER_HIGH_RESOLUTION

PyHandle create_timer_ex(nb::handle sa, const OptName& name, uint32_t flags, uint32_t access) {
    if (flags & ~(kTimerManualResetFlag | kTimerHighResolutionFlag))
        w32::throw_win32(w32::err::kInvalidParameter, "CreateWaitableTimerEx");
    return PyHandle(wsync::create_waitable_timer(create_options(sa, name, access),
                                                flags & kTimerManualResetFlag));
}

template <wsync::SyncKind Kind>
PyHandle open_object(uint32_t access, int inherit, const std::string& name) {
    return PyHandle(wsync::open_sync_object(Kind, access, inherit, name));
}

}  // namespace

std::vector<w32::Handle> handle_list(nb::handle seq) {
    if (!PySequence_Check(seq.ptr()) || nb::isinstance<nb::str>(seq))
        throw nb::type_error("handlelist must be a sequence of handles");
    std::vector<w32::Handle> out;
    for (nb::handle item : seq) {
        HandleArg h;
        if (!nb::try_cast<HandleArg>(item, h))
            throw nb::type_error("handlelist items must be PyHANDLEs or ints");
        out.push_back(h.value);
    }
    return out;
}

namespace {

uint32_t wait_multiple(nb::handle seq, int wait_all, long long ms) {
    auto handles = handle_list(seq);
    uint32_t timeout = timeout_from_py(ms);
    return blocking_wait(timeout, [&](const wsync::InterruptCheck& check) {
        return wsync::wait_for_multiple(handles, wait_all != 0, timeout, check, "WaitForMultipleObjects");
    });
}

uint32_t wait_single(HandleArg h, long long ms) {
    uint32_t timeout = timeout_from_py(ms);
    return blocking_wait(timeout, [&](const wsync::InterruptCheck& check) {
        return wsync::wait_for_multiple({&h.value, 1}, false, timeout, check, "WaitForSingleObject");
    });
}

uint32_t signal_and_wait(HandleArg to_signal, HandleArg to_wait, long long ms, int /*alertable*/) {
    uint32_t timeout = timeout_from_py(ms);
    return blocking_wait(timeout, [&](const wsync::InterruptCheck& check) {
        return wsync::signal_object_and_wait(to_signal.value, to_wait.value, timeout, check);
    });
}

void set_waitable_timer(HandleArg h, long long due_time, int32_t period, nb::handle func,
                        nb::handle param, int resume) {
    // Completion routines are APCs, which have no POSIX counterpart.
    if (!func.is_none()) w32::throw_win32(w32::err::kNotSupported, "SetWaitableTimer");
    wsync::set_waitable_timer(h.value, due_time, period);
    // As Windows does on systems without wake support: success, with the
    // last error telling that resume was not honoured.
    w32::set_last_error(resume ? w32::err::kNotSupported : w32::err::kSuccess);
}

uint32_t wait_for_input_idle(HandleArg h, long long ms) {
    timeout_from_py(ms);
    w32::HandleTable::instance().lookup(h.value, "WaitForInputIdle");
    // A process without a GUI message queue: what Windows answers for console programs.
    w32::throw_win32(1471, "WaitForInputIdle");  // ERROR_NOT_GUI_PROCESS
}

}  // namespace

void bind_win32event(nb::module_ m) {
    m.def("CreateEvent", &create_event, "EventAttributes"_a.none(), "bManualReset"_a,
          "bInitialState"_a, "Name"_a.none(),
          "Creates or opens an event (manual-reset or auto-reset, initially signalled or not) and returns "
          "its handle. A named event is shared by every process of the session that opens the name; "
          "GetLastError() is ERROR_ALREADY_EXISTS when it already existed (the flags are then ignored), and "
          "a name held by another kind of object is ERROR_INVALID_HANDLE.");
    m.def("CreateMutex", &create_mutex, "MutexAttributes"_a.none(), "InitialOwner"_a,
          "Name"_a.none() = nb::none(),
          "Creates or opens a mutex, owned by the calling thread when InitialOwner is true, and returns its "
          "handle; GetLastError() is ERROR_ALREADY_EXISTS for a name that existed. A mutex whose owner "
          "thread or process dies is abandoned: the next wait returns WAIT_ABANDONED.");
    m.def("CreateSemaphore", &create_semaphore, "SemaphoreAttributes"_a.none(), "InitialCount"_a,
          "MaximumCount"_a, "SemaphoreName"_a.none() = nb::none(),
          "Creates or opens a semaphore with a count in 0..MaximumCount and returns its handle; "
          "ERROR_INVALID_PARAMETER unless 0 <= InitialCount <= MaximumCount and MaximumCount > 0; "
          "GetLastError() is ERROR_ALREADY_EXISTS for a name that existed.");
    m.def("CreateWaitableTimer", &create_timer, "TimerAttributes"_a.none(), "ManualReset"_a,
          "TimerName"_a.none() = nb::none(),
          "Creates or opens a waitable timer (manual-reset or synchronization) and returns its handle; "
          "GetLastError() is ERROR_ALREADY_EXISTS for a name that existed.");
    m.def("CreateWaitableTimerEx", &create_timer_ex, "lpTimerAttributes"_a.none(),
          "lpTimerName"_a.none(), "dwFlags"_a, "dwDesiredAccess"_a,
          "Creates or opens a waitable timer with flags and access rights.");
    m.def("OpenEvent", &open_object<wsync::SyncKind::Event>, "desiredAccess"_a, "bInheritHandle"_a,
          "name"_a, "Opens a named event; ERROR_FILE_NOT_FOUND when there is none.");
    m.def("OpenMutex", &open_object<wsync::SyncKind::Mutex>, "desiredAccess"_a, "bInheritHandle"_a,
          "name"_a, "Opens a named mutex; ERROR_FILE_NOT_FOUND when there is none, ERROR_INVALID_HANDLE when "
          "the name is another kind of object's.");
    m.def("OpenSemaphore", &open_object<wsync::SyncKind::Semaphore>, "desiredAccess"_a,
          "bInheritHandle"_a, "name"_a,
          "Opens a named semaphore; ERROR_FILE_NOT_FOUND when there is none, ERROR_INVALID_HANDLE when the "
          "name is another kind of object's.");
    m.def("OpenWaitableTimer", &open_object<wsync::SyncKind::Timer>, "desiredAccess"_a,
          "bInheritHandle"_a, "timerName"_a,
          "Opens a named waitable timer; ERROR_FILE_NOT_FOUND when there is none, ERROR_INVALID_HANDLE when "
          "the name is another kind of object's.");
    m.def("SetEvent", [](HandleArg h) { wsync::set_event(h.value); }, "hEvent"_a,
          "Signals an event: a manual-reset event releases every waiter until ResetEvent, an auto-reset "
          "one a single waiter. ERROR_INVALID_HANDLE for a handle that is not an event.");
    m.def("ResetEvent", [](HandleArg h) { wsync::reset_event(h.value); }, "hEvent"_a,
          "Resets an event to non-signalled.");
    m.def("PulseEvent", [](HandleArg h) { wsync::pulse_event(h.value); }, "hEvent"_a,
          "Releases the threads waiting now (one for an auto-reset event), then resets.");
    m.def("ReleaseMutex", [](HandleArg h) { wsync::release_mutex(h.value); }, "hMutex"_a,
          "Releases a mutex this thread owns; ERROR_NOT_OWNER otherwise.");
    m.def("ReleaseSemaphore", [](HandleArg h, int32_t n) { return wsync::release_semaphore(h.value, n); },
          "hSemaphore"_a, "lReleaseCount"_a,
          "Adds to a semaphore's count and returns the previous count.");
    m.def("SetWaitableTimer", &set_waitable_timer, "handle"_a, "dueTime"_a, "period"_a,
          "func"_a.none() = nb::none(), "param"_a.none() = nb::none(), "resume_state"_a = 0,
          "Arms a timer: a negative dueTime is relative (100 ns units), a positive one an "
          "absolute FILETIME; period in milliseconds. On POSIX a completion routine (func) "
          "raises ERROR_NOT_SUPPORTED.");
    m.def("CancelWaitableTimer", [](HandleArg h) { wsync::cancel_waitable_timer(h.value); },
          "handle"_a, "Disarms a timer without changing its signalled state.");
    m.def("WaitForSingleObject", &wait_single, "hHandle"_a, "milliseconds"_a,
          "Waits up to milliseconds (INFINITE: -1) for one object; returns WAIT_OBJECT_0, WAIT_ABANDONED "
          "(a mutex whose owner died) or WAIT_TIMEOUT. ERROR_INVALID_HANDLE for a handle that cannot be "
          "waited on.\n\n"
          "On POSIX: the wait releases the GIL, and Ctrl+C (a Python signal handler that raises) "
          "interrupts it with KeyboardInterrupt.");
    m.def("WaitForSingleObjectEx",
          [](HandleArg h, long long ms, int) { return wait_single(h, ms); }, "hHandle"_a,
          "milliseconds"_a, "bAlertable"_a,
          "As WaitForSingleObject. No APCs exist on POSIX, so an alertable wait behaves the same.");
    m.def("WaitForMultipleObjects", &wait_multiple, "handlelist"_a, "bWaitAll"_a, "milliseconds"_a,
          "Waits up to milliseconds (INFINITE: -1) for any of up to 64 objects, or with bWaitAll for all of "
          "them, acquired atomically; returns WAIT_OBJECT_0 + i (WAIT_ABANDONED_0 + i for an abandoned "
          "mutex) or WAIT_TIMEOUT. ERROR_INVALID_PARAMETER for an empty or too long list, or one object "
          "given twice.\n\n"
          "On POSIX: the wait releases the GIL, and Ctrl+C (a Python signal handler that raises) "
          "interrupts it with KeyboardInterrupt.");
    m.def("WaitForMultipleObjectsEx",
          [](nb::handle seq, int all, long long ms, int) { return wait_multiple(seq, all, ms); },
          "handlelist"_a, "bWaitAll"_a, "milliseconds"_a, "bAlertable"_a,
          "As WaitForMultipleObjects; alertable waits behave the same on POSIX.");
    m.def("SignalObjectAndWait", &signal_and_wait, "hSignal"_a, "hWaitOn"_a, "milliseconds"_a,
          "bAlertable"_a = 0, "Signals one object and waits on another as one atomic step.");
    m.def("WaitForInputIdle", &wait_for_input_idle, "hProcess"_a, "milliseconds"_a,
          "Raises ERROR_NOT_GUI_PROCESS: processes here have no GUI input queue.");
}

void bind_diagnostics(nb::module_ m) {
    m.def("session_shm_prefix", [](const std::string& root) {
        return w32::resolve_session_paths(root.c_str(), nullptr, nullptr, nullptr, getuid()).shm_prefix;
    }, "root"_a, "The shared-memory name prefix of the session rooted at `root`.");
    m.def("arena_stats", [] {
        auto s = wsync::arena_stats();
        return nb::make_tuple(s.objects_in_use, s.threads_in_use, s.recoveries);
    }, "(objects in use, thread records in use, lock recoveries) after collecting the dead.");
}

}  // namespace bindings
