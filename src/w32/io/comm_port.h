// Serial ports (COMn is /dev/ttyS(n-1); any tty opened with CreateFile):
// the DCB on termios, COMMTIMEOUTS applied by ReadFile, purges, modem lines
// and breaks.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "w32/kernel/handle_table.h"
#include "w32/sync/wait_engine.h"

namespace w32::io {

// The DCB's fields pywin32 exposes (winbase.h's names and defaults).
struct Dcb {
    uint32_t BaudRate = 9600;
    uint32_t fBinary = 1, fParity = 0, fOutxCtsFlow = 0, fOutxDsrFlow = 0;
    uint32_t fDtrControl = 1;  // DTR_CONTROL_ENABLE
    uint32_t fDsrSensitivity = 0, fTXContinueOnXoff = 0, fOutX = 0, fInX = 0, fErrorChar = 0, fNull = 0;
    uint32_t fRtsControl = 1;  // RTS_CONTROL_ENABLE
    uint32_t fAbortOnError = 0, fDummy2 = 0;
    uint32_t wReserved = 0, XonLim = 2048, XoffLim = 512;
    uint32_t ByteSize = 8, Parity = 0, StopBits = 0;
    int32_t XonChar = 17, XoffChar = 19, ErrorChar = 0, EofChar = 0, EvtChar = 0;
    uint32_t wReserved1 = 0;
};

struct CommTimeouts {
    uint32_t read_interval = 0;
    uint32_t read_total_multiplier = 0;
    uint32_t read_total_constant = 0;
    uint32_t write_total_multiplier = 0;
    uint32_t write_total_constant = 0;
};

// ERROR_INVALID_FUNCTION for a handle that is not a terminal.
Dcb get_comm_state(Handle h);
// ERROR_INVALID_PARAMETER for a baud rate, byte size, parity or stop bits
// the terminal cannot take.
void set_comm_state(Handle h, const Dcb& dcb);
CommTimeouts get_comm_timeouts(Handle h);
void set_comm_timeouts(Handle h, const CommTimeouts& t);
void purge_comm(Handle h, uint32_t flags);            // PURGE_*
void escape_comm_function(Handle h, uint32_t func);   // SETDTR, CLRRTS, SETBREAK, SETXOFF, ...
uint32_t get_comm_modem_status(Handle h);             // MS_*_ON; ERROR_NOT_SUPPORTED without modem lines
void transmit_comm_char(Handle h, char c);
struct CommStatus {
    uint32_t errors = 0;
    uint32_t in_queue = 0;
    uint32_t out_queue = 0;
};
CommStatus clear_comm_error(Handle h);

// SetCommMask/GetCommMask (EV_*); a new mask ends a pending WaitCommEvent
// with 0, as on Windows.
void set_comm_mask(Handle h, uint32_t mask);
uint32_t get_comm_mask(Handle h);
class DiskFile;
// WaitCommEvent is taken in two steps so that the mask in force when the
// caller asked is the one waited on: an overlapped wait runs later on a
// worker, and a SetCommMask between the call and the worker's start must
// still end it.
struct CommWait {
    uint64_t mask_generation = 0;
    uint32_t mask = 0;
    bool was_sending = false;
};
CommWait begin_comm_wait(DiskFile& port);
// The wait itself: EV_RXCHAR when input waits, EV_TXEMPTY when output that
// was queued has gone, 0 when the mask changed. Modem-line and error events
// are not reported (termios has no wait for them that a cancel can end).
uint32_t wait_comm_event(DiskFile& port, const CommWait& wait, const sync::InterruptCheck& cancelled);

// What a read on a terminal with COMMTIMEOUTS set does (disk_file.cpp calls it).
size_t read_with_timeouts(int fd, std::span<std::byte> buffer, const CommTimeouts& t,
                          const sync::InterruptCheck& interrupted);

}  // namespace w32::io
