// win32file.BackupRead / BackupSeek / BackupWrite: a file as Windows' backup
// stream sequence. The core is w32/io/backup_stream.
#include "buffer_args.h"
#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "win32file_common.h"
#include "w32/io/backup_stream.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;

namespace bindings {

namespace {

uint64_t context_arg(nb::handle ctx) { return ctx.is_none() ? 0 : nb::cast<uint64_t>(ctx); }

nb::tuple backup_read(HandleArg h, long long count, nb::handle buffer, int abort, int /*security*/,
                      nb::handle ctx) {
    size_t n = size_arg(count, "NumberOfBytesToRead");
    nb::object target = buffer.is_none() ? allocate_read_buffer(static_cast<long long>(n)) : nb::borrow(buffer);
    BufferArg out(target, true, "BackupRead's buffer");
    if (n > out.size()) w32::throw_win32(87, "BackupRead");  // ERROR_INVALID_PARAMETER
    uint64_t context = context_arg(ctx);
    size_t got = nb_release_gil([&] { return wio::backup_read(h.value, out.writable().first(n), context, abort != 0); });
    return nb::make_tuple(got, target, context);
}

uint64_t backup_seek(HandleArg h, nb::handle count, nb::handle ctx) {
    uint64_t n;
    if (nb::isinstance<nb::tuple>(count)) {
        auto t = nb::cast<nb::tuple>(count);
        if (t.size() != 2) throw nb::type_error("NumberOfBytesToSeek: an int or a (low, high) pair");
        n = (uint64_t{dword_arg(nb::cast<long long>(t[1]), "high")} << 32) | dword_arg(nb::cast<long long>(t[0]), "low");
    } else {
        n = nb::cast<uint64_t>(count);
    }
    uint64_t context = context_arg(ctx);
    return wio::backup_seek(h.value, n, context);
}

nb::tuple backup_write(HandleArg h, long long count, nb::handle buffer, int abort, int /*security*/,
                       nb::handle ctx) {
    size_t n = size_arg(count, "NumberOfBytesToWrite");
    BufferArg in(buffer, false, "BackupWrite's buffer");
    if (n > in.size()) w32::throw_win32(87, "BackupWrite");
    uint64_t context = context_arg(ctx);
    size_t done = nb_release_gil([&] { return wio::backup_write(h.value, in.bytes().first(n), context, abort != 0); });
    return nb::make_tuple(done, context);
}

void bind_win32file_backup(nb::module_ m) {
    m.def("BackupRead", &backup_read, "hFile"_a, "NumberOfBytesToRead"_a, "Buffer"_a.none(), "bAbort"_a,
          "bProcessSecurity"_a, "lpContext"_a.none(),
          "(bytes read, buffer, context): the file as a BACKUP_DATA stream (header, then data); 0 bytes at "
          "the end; bAbort frees the context. No security stream is produced.");
    m.def("BackupSeek", &backup_seek, "hFile"_a, "NumberOfBytesToSeek"_a, "lpContext"_a,
          "Skips data of the current stream (never a header): the bytes skipped.");
    m.def("BackupWrite", &backup_write, "hFile"_a, "NumberOfBytesToWrite"_a, "Buffer"_a, "bAbort"_a,
          "bProcessSecurity"_a, "lpContext"_a.none(),
          "(bytes consumed, context): BACKUP_DATA streams are written to the file, other streams skipped.");
}

}  // namespace

W32_REGISTER_SUBMODULE("win32file", bind_win32file_backup);

}  // namespace bindings
