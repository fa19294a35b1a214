// win32file: CreateFile and I/O on handles (synchronous and OVERLAPPED),
// completion ports, byte-range locks. Path functions are in
// win32file_paths.cpp, change notifications in win32file_notify.cpp.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "buffer_args.h"
#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "overlapped.h"
#include "security_args.h"
#include "wait_args.h"
#include "win32file_common.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/async_io.h"
#include "w32/io/disk_file.h"
#include "w32/io/file_object.h"
#include "w32/io/mailslot.h"
#include "w32/io/named_pipe.h"
#include "w32/io/os_handles.h"
#include "w32/io/pipe_names.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;
using w32::sync::InterruptCheck;

namespace bindings {

namespace {

constexpr uint32_t kInfinite = 0xFFFFFFFFu;
constexpr uint32_t kWaitTimeout = 258;

PyHandle create_file(const std::string& name, long long access, long long share, nb::handle sa,
                     long long disposition, long long flags, nb::handle /*template_file*/) {
    uint32_t acc = dword_arg(access, "desiredAccess");
    uint32_t sh = dword_arg(share, "shareMode");
    uint32_t disp = dword_arg(disposition, "CreationDisposition");
    uint32_t fl = dword_arg(flags, "flagsAndAttributes");
    bool inherit = inherit_from_security_attributes(sa);
    if (wio::pipe_name_of(name)) return PyHandle(wio::open_named_pipe(name, acc, inherit));
    if (wio::is_mailslot_path(name)) return PyHandle(wio::open_mailslot(name, acc, inherit));
    return PyHandle(nb_release_gil([&] { return wio::create_file(name, acc, sh, disp, fl, inherit); }));
}

// Requests on regular files end in bounded time; the others (pipes,
// terminals, FIFOs) may wait for another party.
bool is_disk_file(const wio::FileObject& f) {
    auto* disk = dynamic_cast<const wio::DiskFile*>(&f);
    return disk && disk->file_type() == wio::kFileTypeDisk;
}

// Queues `work` on the engine for the OVERLAPPED `ov_obj`.
template <class Work>
void submit(const std::shared_ptr<wio::FileObject>& file, nb::handle ov_obj, std::unique_ptr<BufferArg> buffer,
            bool waits_for_others, Work work) {
    w32::Handle event = nb::inst_ptr<PyOverlapped>(ov_obj)->event_handle();
    start_overlapped(file, ov_obj, std::move(buffer), [&](uint64_t token) {
        return wio::submit_io(file, event, std::move(work), token, waits_for_others);
    });
}

nb::tuple read_file(HandleArg h, nb::handle size_or_buffer, nb::handle ov_obj) {
    PyOverlapped* ov = overlapped_arg(ov_obj, "ReadFile");
    bool is_size = PyLong_Check(size_or_buffer.ptr());
    if (!ov) {
        if (is_size) {
            // Read straight into a new bytes object (as os.read does): no
            // zero-fill, no copy. Nobody else sees it until it is returned.
            size_t n = size_arg(nb::cast<long long>(size_or_buffer), "ReadFile's bufSize");
            PyObject* raw = PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(n));
            if (!raw) throw nb::python_error();
            nb::object keep = nb::steal(raw);
            auto dest = std::as_writable_bytes(std::span(PyBytes_AS_STRING(raw), n));
            auto r = blocking_wait(kInfinite, [&](const InterruptCheck& check) {
                return wio::read_file(h.value, dest, check);
            });
            if (r.bytes != n) {
                raw = keep.release().ptr();
                if (_PyBytes_Resize(&raw, static_cast<Py_ssize_t>(r.bytes)) != 0) throw nb::python_error();
                keep = nb::steal(raw);
            }
            return nb::make_tuple(r.status, keep);
        }
        BufferArg buffer(size_or_buffer, true, "ReadFile's buffer");
        auto r = blocking_wait(kInfinite, [&](const InterruptCheck& check) {
            return wio::read_file(h.value, buffer.writable(), check);
        });
        return nb::make_tuple(r.status, nb::bytes(reinterpret_cast<const char*>(buffer.bytes().data()), r.bytes));
    }
    auto file = wio::file_of(h.value, "ReadFile");
    if (!file->can_read()) w32::throw_win32(w32::err::kAccessDenied, "ReadFile");
    // With a size, pywin32 gives the caller a buffer of its own to read into.
    nb::object target = is_size ? allocate_read_buffer(nb::cast<long long>(size_or_buffer))
                                : nb::borrow(size_or_buffer);
    auto buffer = std::make_unique<BufferArg>(target, true, "ReadFile's buffer");
    std::span<std::byte> dest = buffer->writable();
    uint64_t offset = ov->offset();
    submit(file, ov_obj, std::move(buffer), !is_disk_file(*file),
                     [dest, offset](wio::FileObject& f, const InterruptCheck& cancelled) -> wio::IoOutcome {
                         return wio::overlapped_read(f, dest, offset, cancelled);
                     });
    return nb::make_tuple(w32::err::kIoPending, target);
}

nb::tuple write_file(HandleArg h, nb::handle data, nb::handle ov_obj) {
    PyOverlapped* ov = overlapped_arg(ov_obj, "WriteFile");
    if (!ov) {
        BufferArg buffer(data, false, "WriteFile's data");
        size_t n = blocking_wait(kInfinite, [&](const InterruptCheck& check) {
            return wio::write_file(h.value, buffer.bytes(), check);
        });
        return nb::make_tuple(0, n);
    }
    auto file = wio::file_of(h.value, "WriteFile");
    if (!file->can_write()) w32::throw_win32(w32::err::kAccessDenied, "WriteFile");
    auto buffer = std::make_unique<BufferArg>(data, false, "WriteFile's data");
    std::span<const std::byte> src = buffer->bytes();
    uint64_t offset = ov->offset();
    submit(file, ov_obj, std::move(buffer), !is_disk_file(*file),
                     [src, offset](wio::FileObject& f, const InterruptCheck& cancelled) -> wio::IoOutcome {
                         return wio::overlapped_write(f, src, offset, cancelled);
                     });
    return nb::make_tuple(w32::err::kIoPending, 0);
}

uint64_t overlapped_result(HandleArg h, PyOverlapped& ov, uint32_t timeout_ms, const char* function) {
    wio::file_of(h.value, function);  // the handle must be a file
    if (!ov.request) {
        if (ov.Internal != 0) w32::throw_win32(static_cast<uint32_t>(ov.Internal), function);
        return ov.InternalHigh;
    }
    auto r = ov.request;
    if (!r->done()) {
        if (timeout_ms == 0) w32::throw_win32(w32::err::kIoIncomplete, function);
        bool done = blocking_wait(timeout_ms, [&](const InterruptCheck& check) { return r->wait(timeout_ms, check); });
        if (!done) w32::throw_win32(kWaitTimeout, function);
    }
    if (r->status() != 0) w32::throw_win32(r->status(), function);
    return r->bytes();
}

nb::tuple get_queued_completion_status(HandleArg port, long long timeout) {
    uint32_t t = timeout_from_py(timeout);
    auto p = wio::port_of(port.value, "GetQueuedCompletionStatus");
    auto c = blocking_wait(t, [&](const InterruptCheck& check) { return p->get(t, check); });
    if (!c) return nb::make_tuple(kWaitTimeout, 0, 0, nb::none());
    return nb::make_tuple(c->status, c->bytes, c->key, overlapped_from_token(c->token));
}

nb::list get_queued_completion_status_ex(HandleArg port, long long count, long long timeout) {
    uint32_t t = timeout_from_py(timeout);
    size_t n = size_arg(count, "ulCount");
    if (n == 0) w32::throw_win32(w32::err::kInvalidParameter, "GetQueuedCompletionStatusEx");
    auto p = wio::port_of(port.value, "GetQueuedCompletionStatusEx");
    auto got = blocking_wait(t, [&](const InterruptCheck& check) { return p->get_many(n, t, check); });
    if (got.empty()) w32::throw_win32(kWaitTimeout, "GetQueuedCompletionStatusEx");
    nb::list out;
    for (auto& c : got) out.append(nb::make_tuple(c.status, c.bytes, c.key, overlapped_from_token(c.token)));
    return out;
}

void post_queued_completion_status(HandleArg port, long long bytes, unsigned long long key, nb::handle ov_obj) {
    PyOverlapped* ov = overlapped_arg(ov_obj, "PostQueuedCompletionStatus");
    auto p = wio::port_of(port.value, "PostQueuedCompletionStatus");
    wio::Completion c{0, dword_arg(bytes, "numberOfbytes"), key, ov ? completion_token(ov_obj) : 0};
    p->post(c);
}

uint64_t lock_length(long long low, long long high) {
    return (uint64_t{dword_arg(high, "nNumberOfBytesToLockHigh")} << 32) | dword_arg(low, "nNumberOfBytesToLockLow");
}

void lock_file_ex(HandleArg h, long long flags, long long low, long long high, nb::handle ov_obj) {
    uint32_t fl = dword_arg(flags, "dwFlags");
    uint64_t length = lock_length(low, high);
    PyOverlapped* ov = overlapped_arg(ov_obj, "LockFileEx");
    uint64_t offset = ov ? ov->offset() : 0;
    bool exclusive = fl & wio::kLockfileExclusiveLock;
    auto file = wio::disk_file_of(h.value, "LockFileEx");
    if (fl & ~(wio::kLockfileExclusiveLock | wio::kLockfileFailImmediately))
        w32::throw_win32(w32::err::kInvalidParameter, "LockFileEx");
    if (fl & wio::kLockfileFailImmediately) {
        wio::lock_range(*file, offset, length, exclusive, false, {}, "LockFileEx");
        if (ov && ov->event_handle()) w32::sync::set_event(ov->event_handle());
        return;
    }
    if (ov && file->overlapped()) {
        // An overlapped handle does not block: the lock is granted later, with
        // the OVERLAPPED's event and the port's packet, as for a read.
        submit(file, ov_obj, nullptr, true,
                         [offset, length, exclusive](wio::FileObject& f, const InterruptCheck& cancelled) {
                             wio::lock_range(static_cast<wio::DiskFile&>(f), offset, length, exclusive, true,
                                             cancelled, "LockFileEx");
                             return wio::IoOutcome{0, 0};
                         });
        w32::throw_win32(w32::err::kIoPending, "LockFileEx");
    }
    // Uncontended, the lock is one system call: take it without giving up the GIL.
    try {
        wio::lock_range(*file, offset, length, exclusive, false, {}, "LockFileEx");
        return;
    } catch (const w32::Win32Error& e) {
        if (e.code() != w32::err::kLockViolation) throw;
    }
    blocking_wait(kInfinite, [&](const InterruptCheck& check) {
        wio::lock_range(*file, offset, length, exclusive, true, check, "LockFileEx");
        return 0;
    });
}

void unlock_file_ex(HandleArg h, long long low, long long high, nb::handle ov_obj) {
    PyOverlapped* ov = overlapped_arg(ov_obj, "UnlockFileEx", false);
    auto file = wio::disk_file_of(h.value, "UnlockFileEx");
    wio::unlock_range(*file, ov ? ov->offset() : 0, lock_length(low, high), "UnlockFileEx");
}

uint64_t offset_of(long long low, long long high, const char* what) {
    return (uint64_t{dword_arg(high, what)} << 32) | dword_arg(low, what);
}

void lock_file(HandleArg h, long long off_low, long long off_high, long long n_low, long long n_high) {
    auto file = wio::disk_file_of(h.value, "LockFile");
    wio::lock_range(*file, offset_of(off_low, off_high, "offset"), offset_of(n_low, n_high, "nNumberOfBytesToLock"),
                    true, false, {}, "LockFile");
}

void unlock_file(HandleArg h, long long off_low, long long off_high, long long n_low, long long n_high) {
    auto file = wio::disk_file_of(h.value, "UnlockFile");
    wio::unlock_range(*file, offset_of(off_low, off_high, "offset"),
                      offset_of(n_low, n_high, "nNumberOfBytesToUnlock"), "UnlockFile");
}

int64_t distance_arg(nb::handle offset) {
    // pywin32 takes an int or a (low, high) pair.
    if (nb::isinstance<nb::tuple>(offset)) {
        auto t = nb::cast<nb::tuple>(offset);
        if (t.size() != 2) throw nb::type_error("offset must be an int or a (low, high) tuple");
        uint64_t v = (uint64_t{dword_arg(nb::cast<long long>(t[1]), "offset high")} << 32) |
                     dword_arg(nb::cast<long long>(t[0]), "offset low");
        return static_cast<int64_t>(v);
    }
    return nb::cast<int64_t>(offset);
}

nb::tuple file_information(HandleArg h) {
    auto i = wio::disk_file_of(h.value, "GetFileInformationByHandle")->info();
    return nb::make_tuple(i.attributes, filetime_object(i.creation_time), filetime_object(i.access_time),
                          filetime_object(i.write_time), i.volume_serial, static_cast<uint32_t>(i.size >> 32),
                          static_cast<uint32_t>(i.size), i.links, static_cast<uint32_t>(i.index >> 32),
                          static_cast<uint32_t>(i.index));
}

void set_file_time(HandleArg h, nb::handle creation, nb::handle access, nb::handle write, int utc) {
    uint64_t c = 0, a = 0, w = 0;
    bool hc = !creation.is_none(), ha = !access.is_none(), hw = !write.is_none();
    if (hc) c = filetime_arg(creation, utc);
    if (ha) a = filetime_arg(access, utc);
    if (hw) w = filetime_arg(write, utc);
    wio::disk_file_of(h.value, "SetFileTime")->set_times(hc ? &c : nullptr, ha ? &a : nullptr, hw ? &w : nullptr);
}

}  // namespace

void bind_win32file(nb::module_ m) {
    m.def("CreateFile", &create_file, "fileName"_a, "desiredAccess"_a, "shareMode"_a, "attributes"_a.none(),
          "CreationDisposition"_a, "flagsAndAttributes"_a, "hTemplateFile"_a.none(),
          "Opens or creates a file, directory (FILE_FLAG_BACKUP_SEMANTICS) or named pipe client. "
          "Windows paths go through the drive table; share modes are enforced between handles and "
          "processes (ERROR_SHARING_VIOLATION).");
    m.def("CreateFileW",
          [](const std::string& name, long long access, long long share, nb::handle sa, long long disposition,
             long long flags, nb::handle template_file, nb::handle transaction, nb::handle mini_version,
             nb::handle extended) {
              // Transactional NTFS (CreateFileTransacted) has no POSIX counterpart.
              if (!transaction.is_none() || !mini_version.is_none() || !extended.is_none())
                  w32::throw_win32(w32::err::kNotSupported, "CreateFileW");
              return create_file(name, access, share, sa, disposition, flags, template_file);
          },
          "FileName"_a, "DesiredAccess"_a, "ShareMode"_a, "SecurityAttributes"_a.none(), "CreationDisposition"_a,
          "FlagsAndAttributes"_a, "TemplateFile"_a.none() = nb::none(), "Transaction"_a.none() = nb::none(),
          "MiniVersion"_a.none() = nb::none(), "ExtendedParameter"_a.none() = nb::none(),
          "As CreateFile. On POSIX: there is no transactional NTFS: a Transaction (or MiniVersion, "
          "ExtendedParameter) is ERROR_NOT_SUPPORTED.");
    m.def("ReadFile", &read_file, "hFile"_a, "bufSize"_a, "overlapped"_a.none() = nb::none(),
          "Reads up to bufSize bytes (or into a writable buffer): (0 or ERROR_MORE_DATA, data). With an "
          "OVERLAPPED: (ERROR_IO_PENDING, buffer), the buffer filled when the operation completes.");
    m.def("WriteFile", &write_file, "hFile"_a, "data"_a, "ol"_a.none() = nb::none(),
          "Writes bytes (a str as UTF-8): (0, bytes written). With an OVERLAPPED: (ERROR_IO_PENDING, 0); "
          "GetOverlappedResult gives the count.");
    m.def("AllocateReadBuffer", [](long long n) { return allocate_read_buffer(n); }, "bufSize"_a,
          "A writable buffer for overlapped reads.");
    m.def("GetOverlappedResult",
          [](HandleArg h, PyOverlapped& ov, int wait) {
              return overlapped_result(h, ov, wait ? kInfinite : 0, "GetOverlappedResult");
          },
          "hFile"_a, "overlapped"_a, "bWait"_a,
          "Bytes transferred; ERROR_IO_INCOMPLETE if still running and bWait is false; the "
          "operation's error (ERROR_OPERATION_ABORTED, ERROR_HANDLE_EOF, ...) otherwise.");
    m.def("GetOverlappedResultEx",
          [](HandleArg h, PyOverlapped& ov, long long timeout, int /*alertable*/) {
              return overlapped_result(h, ov, timeout_from_py(timeout), "GetOverlappedResultEx");
          },
          "hFile"_a, "overlapped"_a, "dwMilliseconds"_a, "bAlertable"_a = false,
          "As GetOverlappedResult with a timeout (WAIT_TIMEOUT when it passes).");
    m.def("CancelIo", [](HandleArg h) { wio::cancel_io(h.value, false, nullptr); }, "handle"_a,
          "Cancels this thread's pending operations on the handle (ERROR_OPERATION_ABORTED).");
    m.def("CancelIoEx",
          [](HandleArg h, nb::handle ov_obj) {
              PyOverlapped* ov = overlapped_arg(ov_obj, "CancelIoEx", false);
              if (ov && !ov->request) w32::throw_win32(w32::err::kNotFound, "CancelIoEx");
              wio::cancel_io(h.value, true, ov ? ov->request.get() : nullptr);
          },
          "handle"_a, "overlapped"_a.none() = nb::none(),
          "Cancels every pending operation on the handle, or the one given; ERROR_NOT_FOUND if none.");
    m.def("CreateIoCompletionPort",
          [](HandleArg h, HandleArg existing, unsigned long long key, long long /*threads*/) {
              auto port = wio::create_io_completion_port(h.value, existing.value, key);
              // A new port is a new handle the caller owns; an existing one is returned as given.
              return existing.value ? nb::cast(port) : nb::cast(PyHandle(port));
          },
          "handle"_a.none(), "existing"_a.none(), "completionKey"_a, "numThreads"_a,
          "Creates a completion port (existing=0) and/or associates a file with one.");
    m.def("GetQueuedCompletionStatus", &get_queued_completion_status, "hPort"_a, "timeOut"_a,
          "(status, bytes, key, overlapped); (WAIT_TIMEOUT, 0, 0, None) on timeout.");
    m.def("GetQueuedCompletionStatusEx", &get_queued_completion_status_ex, "hPort"_a, "ulCount"_a, "timeOut"_a,
          "Up to ulCount packets as (status, bytes, key, overlapped); WAIT_TIMEOUT raised on timeout.");
    m.def("PostQueuedCompletionStatus", &post_queued_completion_status, "handle"_a, "numberOfbytes"_a = 0,
          "completionKey"_a = 0, "overlapped"_a.none() = nb::none(), "Queues a packet on the port.");
    m.def("LockFileEx", &lock_file_ex, "hFile"_a, "flags"_a, "nbytesLow"_a, "nbytesHigh"_a,
          "ol"_a.none() = nb::none(),
          "Locks a byte range (offset from the OVERLAPPED): LOCKFILE_EXCLUSIVE_LOCK, "
          "LOCKFILE_FAIL_IMMEDIATELY (ERROR_LOCK_VIOLATION). Per handle, as on Windows.");
    m.def("UnlockFileEx", &unlock_file_ex, "hFile"_a, "nbytesLow"_a, "nbytesHigh"_a, "ol"_a.none() = nb::none(),
          "Unlocks exactly a range this handle locked (ERROR_NOT_LOCKED otherwise).");
    m.def("LockFile", &lock_file, "hFile"_a, "offsetLow"_a, "offsetHigh"_a, "nNumberOfBytesToLockLow"_a,
          "nNumberOfBytesToLockHigh"_a, "An exclusive lock; ERROR_LOCK_VIOLATION at once on a conflict.");
    m.def("UnlockFile", &unlock_file, "hFile"_a, "offsetLow"_a, "offsetHigh"_a, "nNumberOfBytesToUnlockLow"_a,
          "nNumberOfBytesToUnlockHigh"_a, "Unlocks a range LockFile locked.");
    m.def("FlushFileBuffers", [](HandleArg h) { nb_release_gil([&] { wio::flush_file_buffers(h.value); return 0; }); },
          "hFile"_a, "Flushes a file's buffers to disk; for a pipe, the data is with the kernel already.");
    m.def("GetFileType", [](HandleArg h) { return wio::get_file_type(h.value); }, "hFile"_a,
          "FILE_TYPE_DISK, FILE_TYPE_PIPE or FILE_TYPE_CHAR.");
    m.def("SetFilePointer",
          [](HandleArg h, nb::handle offset, long long method) {
              return wio::disk_file_of(h.value, "SetFilePointer")->seek(distance_arg(offset), dword_arg(method, "moveMethod"));
          },
          "handle"_a, "offset"_a, "moveMethod"_a, "Moves the file pointer; returns the new position.");
    m.def("SetFilePointerEx",
          [](HandleArg h, nb::handle offset, long long method) {
              return wio::disk_file_of(h.value, "SetFilePointerEx")->seek(distance_arg(offset), dword_arg(method, "moveMethod"));
          },
          "handle"_a, "offset"_a, "moveMethod"_a, "As SetFilePointer: returns the new position.");
    m.def("SetEndOfFile", [](HandleArg h) { wio::disk_file_of(h.value, "SetEndOfFile")->set_end_of_file(); },
          "hFile"_a, "Truncates or extends the file at the file pointer.");
    m.def("GetFileSize", [](HandleArg h) { return wio::disk_file_of(h.value, "GetFileSize")->size(); }, "hFile"_a,
          "The file's size.");
    m.def("GetFileSizeEx", [](HandleArg h) { return wio::disk_file_of(h.value, "GetFileSizeEx")->size(); },
          "hFile"_a, "The file's size.");
    m.def("GetFileInformationByHandle", &file_information, "handle"_a,
          "(attributes, creation, access, write times, volume serial, size high, size low, links, "
          "index high, index low).");
    m.def("GetFileTime",
          [](HandleArg h) {
              auto i = wio::disk_file_of(h.value, "GetFileTime")->info();
              return nb::make_tuple(filetime_object(i.creation_time), filetime_object(i.access_time),
                                    filetime_object(i.write_time));
          },
          "handle"_a, "(creation, last access, last write) times.");
    m.def("SetFileTime", &set_file_time, "File"_a, "CreationTime"_a.none() = nb::none(),
          "LastAccessTime"_a.none() = nb::none(), "LastWriteTime"_a.none() = nb::none(), "UTCTimes"_a = false,
          "Sets access and write times (a creation time is accepted and ignored: POSIX keeps none).");
    m.def("_get_osfhandle", [](int fd) { return wio::handle_for_fd(fd); }, "fd"_a,
          "The handle for a C runtime file descriptor (the same value on every call).");
    m.def("_open_osfhandle", [](HandleArg h, int flags) { return wio::fd_for_handle(h.value, flags); },
          "osfhandle"_a, "flags"_a, "A new file descriptor for the handle's file.");
}

}  // namespace bindings
