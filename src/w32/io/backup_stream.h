// BackupRead / BackupWrite / BackupSeek: a file as Windows' backup stream
// format, a WIN32_STREAM_ID header (stream id, attributes, 64-bit size, name
// size) before each stream's bytes. A POSIX file has one stream, its data
// (BACKUP_DATA); no security stream is produced (a POSIX file has no
// security descriptor to give), and the security, EA and other streams
// BackupWrite meets are skipped. Contexts are per process, named by the
// integers these functions hand back (0 starts a new one).
#pragma once

#include <cstdint>
#include <span>

#include "w32/kernel/handle_table.h"

namespace w32::io {

inline constexpr uint32_t kBackupData = 1;

// Fills `out` with the next bytes of the stream sequence; 0 at the end.
// `context` is read and updated; `abort` frees it (and reads nothing).
size_t backup_read(Handle h, std::span<std::byte> out, uint64_t& context, bool abort);
// Skips up to `count` bytes of the current stream's data (never a header);
// returns how many were skipped.
uint64_t backup_seek(Handle h, uint64_t count, uint64_t& context);
// Takes the next bytes of a stream sequence: BACKUP_DATA goes to the file
// at its offset, other streams are skipped. Returns the bytes consumed.
size_t backup_write(Handle h, std::span<const std::byte> in, uint64_t& context, bool abort);

}  // namespace w32::io
