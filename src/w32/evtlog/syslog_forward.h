// Forwarding of event log records to the system log: to journald's native
// socket when it is there (structured fields: the record's log, number,
// source, event id, type, inserts), else to syslog's /dev/log as an RFC 3164
// datagram, as syslog(3) would send it. Forwarding is best effort: it never
// blocks and never fails ReportEvent (the record is already committed).
//
// PYWIN32_POSIX_JOURNAL_SOCKET and PYWIN32_POSIX_SYSLOG_SOCKET override the
// two socket paths (tests; or a relay of one's own).
#pragma once

#include <string>

#include "w32/evtlog/log_store.h"

namespace w32::evtlog {

void forward_record(const std::string& log, const EventRecord& r) noexcept;

}  // namespace w32::evtlog
