// win32file's change notifications: FindFirstChangeNotification's waitable
// handles and ReadDirectoryChangesW (synchronous, or OVERLAPPED into a
// buffer that FILE_NOTIFY_INFORMATION decodes). The core is w32/io/change_watch.
#include <nanobind/stl/string.h>

#include <cstring>
#include <string>

#include "buffer_args.h"
#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "overlapped.h"
#include "wait_args.h"
#include "win32file_paths.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/async_io.h"
#include "w32/io/change_watch.h"
#include "w32/io/disk_file.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;
using w32::sync::InterruptCheck;

namespace bindings {

namespace {

constexpr uint32_t kInfinite = 0xFFFFFFFFu;

// Only change notification handles (ERROR_INVALID_HANDLE otherwise).
void check_notification(w32::Handle h) {
    w32::HandleTable::instance().get<w32::KernelObject>(h, w32::ObjectType::ChangeNotification,
                                                        "FindCloseChangeNotification");
}

nb::list records_list(const std::vector<wio::ChangeRecord>& records) {
    nb::list out;
    for (auto& r : records) out.append(nb::make_tuple(r.action, r.name));
    return out;
}

nb::object read_directory_changes(HandleArg h, nb::handle size_or_buffer, int subtree, long long filter,
                                  nb::handle ov_obj) {
    uint32_t fl = dword_arg(filter, "dwNotifyFilter");
    auto dir = wio::disk_file_of(h.value, "ReadDirectoryChangesW");
    auto watch = dir->directory_watch(subtree, fl);
    if (ov_obj.is_none()) {
        size_t capacity = PyLong_Check(size_or_buffer.ptr())
                              ? size_arg(nb::cast<long long>(size_or_buffer), "size")
                              : BufferArg(size_or_buffer, true, "ReadDirectoryChangesW's buffer").size();
        auto bytes = blocking_wait(kInfinite, [&](const InterruptCheck& check) {
            wio::wait_for_changes(*watch, kInfinite, check);
            return watch->take_encoded(capacity);
        });
        if (bytes.empty()) w32::throw_win32(w32::err::kNotifyEnumDir, "ReadDirectoryChangesW");
        return records_list(wio::decode_notify_information(bytes));
    }
    PyOverlapped& ov = *overlapped_arg(ov_obj, "ReadDirectoryChangesW");
    if (PyLong_Check(size_or_buffer.ptr()))
        throw nb::type_error("ReadDirectoryChangesW with an OVERLAPPED needs a buffer (AllocateReadBuffer)");
    auto buffer = std::make_unique<BufferArg>(size_or_buffer, true, "ReadDirectoryChangesW's buffer");
    std::span<std::byte> dest = buffer->writable();
    w32::Handle event = ov.event_handle();
    start_overlapped(dir, ov_obj, std::move(buffer), [&](uint64_t token) {
        return wio::submit_io(
            dir, event,
            [watch, dest](wio::FileObject&, const InterruptCheck& cancelled) -> wio::IoOutcome {
                wio::wait_for_changes(*watch, kInfinite, cancelled);
                auto bytes = watch->take_encoded(dest.size());
                if (bytes.empty()) return {0, w32::err::kNotifyEnumDir};
                std::memcpy(dest.data(), bytes.data(), bytes.size());
                return {bytes.size(), 0};
            },
            token, true);
    });
    return nb::none();
}

nb::tuple file_notify_information(nb::handle buffer, long long size) {
    BufferArg b(buffer, false, "FILE_NOTIFY_INFORMATION's buffer");
    size_t n = size_arg(size, "size");
    if (n > b.size()) w32::throw_win32(w32::err::kInvalidParameter, "FILE_NOTIFY_INFORMATION");
    auto records = wio::decode_notify_information(b.bytes().first(n));
    nb::list out = records_list(records);
    return nb::tuple(out);
}

void bind_win32file_notify(nb::module_ m) {
    bind_change_notifications(m);
    m.def("ReadDirectoryChangesW", &read_directory_changes, "handle"_a, "size"_a, "bWatchSubtree"_a,
          "dwNotifyFilter"_a, "overlapped"_a.none() = nb::none(),
          "Without an OVERLAPPED: waits and returns [(action, name)]. With one: fills the buffer "
          "(FILE_NOTIFY_INFORMATION layout) when changes come; decode with FILE_NOTIFY_INFORMATION.");
    m.def("FILE_NOTIFY_INFORMATION", &file_notify_information, "buffer"_a, "size"_a,
          "Decodes the first size bytes of a ReadDirectoryChangesW buffer: ((action, name), ...).");
}

}  // namespace

void bind_change_notifications(nb::module_ m) {
    m.def("FindFirstChangeNotification",
          [](const std::string& path, int subtree, long long filter) {
              return PyHandle(wio::find_first_change_notification(path, subtree, dword_arg(filter, "notifyFilter")));
          },
          "pathName"_a, "bWatchSubtree"_a, "notifyFilter"_a,
          "A waitable handle signalled when the directory (tree) changes as the filter says.");
    m.def("FindNextChangeNotification", [](HandleArg h) { wio::find_next_change_notification(h.value); },
          "hChangeHandle"_a, "Rearms the handle: it is signalled again on the next change.");
    // As CloseHandle: a PyHANDLE closed here does not close its value again later.
    m.def("FindCloseChangeNotification",
          [](PyHandle& owned) {
              check_notification(owned.value);
              owned.close();
          },
          "hChangeHandle"_a, "Closes a change notification handle.");
    m.def("FindCloseChangeNotification",
          [](HandleArg h) {
              check_notification(h.value);
              w32::HandleTable::instance().close(h.value, "FindCloseChangeNotification");
          },
          "hChangeHandle"_a);
}

W32_REGISTER_SUBMODULE("win32file", bind_win32file_notify);

}  // namespace bindings
