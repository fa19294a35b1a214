// Mailslots: one reader (the CreateMailslot handle), any number of writers
// (CreateFile on `\\.\mailslot\NAME`), messages kept whole. A mailslot is an
// AF_UNIX datagram socket in the session's runtime dir, under a hash of the
// case-folded name (as named pipes are), with its maximum message size in a
// file beside it. Broadcasts to a domain (`\\*\mailslot\NAME`) have no
// local meaning: ERROR_NOT_SUPPORTED.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "w32/kernel/handle_table.h"

namespace w32::io {

inline constexpr uint32_t kMailslotWaitForever = 0xFFFFFFFFu;
inline constexpr uint32_t kMailslotNoMessage = 0xFFFFFFFFu;

// True for `\\X\mailslot\...` paths (any X): CreateFile routes them here.
bool is_mailslot_path(std::string_view path) noexcept;

// ERROR_ALREADY_EXISTS when a live mailslot has the name; ERROR_INVALID_NAME
// for a path that is not `\\.\mailslot\NAME`.
Handle create_mailslot(std::string_view path, uint32_t max_message, uint32_t read_timeout_ms, bool inherit);
// A writer. ERROR_FILE_NOT_FOUND when no mailslot has the name.
Handle open_mailslot(std::string_view path, uint32_t access, bool inherit);

struct MailslotInfo {
    uint32_t max_message = 0;
    uint32_t next_size = kMailslotNoMessage;
    // The kernel does not count queued datagrams: 1 when a message waits.
    uint32_t message_count = 0;
    uint32_t read_timeout_ms = 0;
};
MailslotInfo get_mailslot_info(Handle h);
void set_mailslot_info(Handle h, uint32_t read_timeout_ms);

}  // namespace w32::io
