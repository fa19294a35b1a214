#include "w32/io/comm_port.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/disk_file.h"
#include "w32/io/fd_wait.h"

namespace w32::io {

namespace {

constexpr uint32_t kMaxDword = 0xFFFFFFFFu;

struct Speed {
    uint32_t baud;
    speed_t code;
};
constexpr Speed kSpeeds[] = {
    {50, B50},         {75, B75},         {110, B110},       {134, B134},         {150, B150},
    {200, B200},       {300, B300},       {600, B600},       {1200, B1200},       {1800, B1800},
    {2400, B2400},     {4800, B4800},     {9600, B9600},     {19200, B19200},     {38400, B38400},
    {57600, B57600},   {115200, B115200}, {230400, B230400}, {460800, B460800},   {500000, B500000},
    {576000, B576000}, {921600, B921600}, {1000000, B1000000}, {1152000, B1152000}, {1500000, B1500000},
    {2000000, B2000000}, {2500000, B2500000}, {3000000, B3000000}, {3500000, B3500000}, {4000000, B4000000},
};

std::shared_ptr<DiskFile> port_file(Handle h, const char* function) {
    auto f = disk_file_of(h, function);
    if (!::isatty(f->raw_fd())) throw_win32(err::kInvalidFunction, function);
    return f;
}

termios get_termios(int fd, const char* function) {
    termios t;
    if (::tcgetattr(fd, &t) != 0) throw_errno(errno, function);
    return t;
}

}  // namespace

Dcb get_comm_state(Handle h) {
    const char* fn = "GetCommState";
    auto f = port_file(h, fn);
    termios t = get_termios(f->raw_fd(), fn);
    Dcb d;
    speed_t code = cfgetospeed(&t);
    d.BaudRate = 0;
    for (const Speed& s : kSpeeds)
        if (s.code == code) d.BaudRate = s.baud;
    switch (t.c_cflag & CSIZE) {
        case CS5: d.ByteSize = 5; break;
        case CS6: d.ByteSize = 6; break;
        case CS7: d.ByteSize = 7; break;
        default: d.ByteSize = 8;
    }
    bool parity = t.c_cflag & PARENB, odd = t.c_cflag & PARODD, stick = t.c_cflag & CMSPAR;
    d.Parity = !parity ? 0 : stick ? (odd ? 3 : 4) : (odd ? 1 : 2);  // NO, ODD, EVEN, MARK, SPACE
    d.fParity = parity;
    d.StopBits = (t.c_cflag & CSTOPB) ? (d.ByteSize == 5 ? 1 : 2) : 0;
    bool rtscts = t.c_cflag & CRTSCTS;
    d.fOutxCtsFlow = rtscts;
    d.fRtsControl = rtscts ? 2 : 1;  // RTS_CONTROL_HANDSHAKE / ENABLE
    d.fOutX = (t.c_iflag & IXON) != 0;
    d.fInX = (t.c_iflag & IXOFF) != 0;
    d.XonChar = t.c_cc[VSTART];
    d.XoffChar = t.c_cc[VSTOP];
    d.EofChar = t.c_cc[VEOF];
    return d;
}

void set_comm_state(Handle h, const Dcb& d) {
    const char* fn = "SetCommState";
    auto f = port_file(h, fn);
    int fd = f->raw_fd();
    termios t = get_termios(fd, fn);
    // A serial line carries bytes as they are: no line discipline.
    cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    const Speed* speed = nullptr;
    for (const Speed& s : kSpeeds)
        if (s.baud == d.BaudRate) speed = &s;
    if (!speed) throw_win32(err::kInvalidParameter, fn);
    cfsetispeed(&t, speed->code);
    cfsetospeed(&t, speed->code);
    t.c_cflag &= ~CSIZE;
    switch (d.ByteSize) {
        case 5: t.c_cflag |= CS5; break;
        case 6: t.c_cflag |= CS6; break;
        case 7: t.c_cflag |= CS7; break;
        case 8: t.c_cflag |= CS8; break;
        default: throw_win32(err::kInvalidParameter, fn);
    }
    t.c_cflag &= ~(PARENB | PARODD | CMSPAR);
    switch (d.Parity) {
        case 0: break;
        case 1: t.c_cflag |= PARENB | PARODD; break;
        case 2: t.c_cflag |= PARENB; break;
        case 3: t.c_cflag |= PARENB | PARODD | CMSPAR; break;
        case 4: t.c_cflag |= PARENB | CMSPAR; break;
        default: throw_win32(err::kInvalidParameter, fn);
    }
    if (d.fParity && d.Parity != 0) t.c_iflag |= INPCK;
    switch (d.StopBits) {
        case 0: t.c_cflag &= ~CSTOPB; break;
        case 1:  // 1.5 stop bits: what termios has is 2 (the UART sends 1.5 at 5 bits)
        case 2: t.c_cflag |= CSTOPB; break;
        default: throw_win32(err::kInvalidParameter, fn);
    }
    if (d.fOutxCtsFlow || d.fRtsControl == 2) t.c_cflag |= CRTSCTS;
    else t.c_cflag &= ~CRTSCTS;
    if (d.fOutX) t.c_iflag |= IXON;
    if (d.fInX) t.c_iflag |= IXOFF;
    t.c_cc[VSTART] = static_cast<cc_t>(d.XonChar);
    t.c_cc[VSTOP] = static_cast<cc_t>(d.XoffChar);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (::tcsetattr(fd, TCSANOW, &t) != 0) throw_errno(errno, fn);
    // DTR/RTS lines as the DCB asks (where the device has them).
    int dtr = TIOCM_DTR, rts = TIOCM_RTS;
    ::ioctl(fd, d.fDtrControl == 0 ? TIOCMBIC : TIOCMBIS, &dtr);
    if (d.fRtsControl != 2) ::ioctl(fd, d.fRtsControl == 0 ? TIOCMBIC : TIOCMBIS, &rts);
}

CommTimeouts get_comm_timeouts(Handle h) {
    auto f = port_file(h, "GetCommTimeouts");
    return f->comm_timeouts().value_or(CommTimeouts{});
}

void set_comm_timeouts(Handle h, const CommTimeouts& t) {
    auto f = port_file(h, "SetCommTimeouts");
    f->set_comm_timeouts(t);
}

void purge_comm(Handle h, uint32_t flags) {
    const char* fn = "PurgeComm";
    auto f = port_file(h, fn);
    constexpr uint32_t kTxAbort = 1, kRxAbort = 2, kTxClear = 4, kRxClear = 8;
    if (flags & ~(kTxAbort | kRxAbort | kTxClear | kRxClear)) throw_win32(err::kInvalidParameter, fn);
    bool in = flags & (kRxAbort | kRxClear), out = flags & (kTxAbort | kTxClear);
    if (in || out) {
        int which = in && out ? TCIOFLUSH : in ? TCIFLUSH : TCOFLUSH;
        if (::tcflush(f->raw_fd(), which) != 0) throw_errno(errno, fn);
    }
    // The aborts also end pending overlapped operations on the port.
    if (flags & (kTxAbort | kRxAbort)) {
        try {
            cancel_io(h, true, nullptr);
        } catch (const Win32Error& e) {
            if (e.code() != err::kNotFound) throw;  // nothing was pending
        }
    }
}

void escape_comm_function(Handle h, uint32_t func) {
    const char* fn = "EscapeCommFunction";
    auto f = port_file(h, fn);
    int fd = f->raw_fd();
    int bits = 0, r = 0;
    switch (func) {
        case 1: r = ::tcflow(fd, TCOOFF); break;  // SETXOFF
        case 2: r = ::tcflow(fd, TCOON); break;   // SETXON
        case 3: bits = TIOCM_RTS; r = ::ioctl(fd, TIOCMBIS, &bits); break;
        case 4: bits = TIOCM_RTS; r = ::ioctl(fd, TIOCMBIC, &bits); break;
        case 5: bits = TIOCM_DTR; r = ::ioctl(fd, TIOCMBIS, &bits); break;
        case 6: bits = TIOCM_DTR; r = ::ioctl(fd, TIOCMBIC, &bits); break;
        case 8: r = ::ioctl(fd, TIOCSBRK); break;
        case 9: r = ::ioctl(fd, TIOCCBRK); break;
        default: throw_win32(err::kInvalidParameter, fn);
    }
    if (r != 0) {
        // A pseudo-terminal has no modem lines.
        if (errno == EINVAL || errno == ENOTTY) throw_win32(err::kNotSupported, fn);
        throw_errno(errno, fn);
    }
}

uint32_t get_comm_modem_status(Handle h) {
    const char* fn = "GetCommModemStatus";
    auto f = port_file(h, fn);
    int bits = 0;
    if (::ioctl(f->raw_fd(), TIOCMGET, &bits) != 0) {
        if (errno == EINVAL || errno == ENOTTY) throw_win32(err::kNotSupported, fn);
        throw_errno(errno, fn);
    }
    uint32_t s = 0;
    if (bits & TIOCM_CTS) s |= 0x10;  // MS_CTS_ON
    if (bits & TIOCM_DSR) s |= 0x20;  // MS_DSR_ON
    if (bits & TIOCM_RI) s |= 0x40;   // MS_RING_ON
    if (bits & TIOCM_CD) s |= 0x80;   // MS_RLSD_ON
    return s;
}

void transmit_comm_char(Handle h, char c) {
    const char* fn = "TransmitCommChar";
    auto f = port_file(h, fn);
    if (::write(f->raw_fd(), &c, 1) != 1) throw_errno(errno, fn);
}

CommStatus clear_comm_error(Handle h) {
    const char* fn = "ClearCommError";
    auto f = port_file(h, fn);
    CommStatus s;
    int n = 0;
    if (::ioctl(f->raw_fd(), FIONREAD, &n) == 0) s.in_queue = static_cast<uint32_t>(n);
    if (::ioctl(f->raw_fd(), TIOCOUTQ, &n) == 0) s.out_queue = static_cast<uint32_t>(n);
    // Line errors (framing, parity, overrun) are not kept by termios: none to report.
    return s;
}

size_t read_with_timeouts(int fd, std::span<std::byte> buffer, const CommTimeouts& t,
                          const sync::InterruptCheck& interrupted) {
    using clock = std::chrono::steady_clock;
    // MAXDWORD interval with no totals: return at once with what is there.
    bool at_once = t.read_interval == kMaxDword && t.read_total_multiplier == 0 && t.read_total_constant == 0;
    bool has_total = t.read_total_multiplier || t.read_total_constant;
    uint64_t total_ms = uint64_t{t.read_total_multiplier} * buffer.size() + t.read_total_constant;
    const auto deadline = clock::now() + std::chrono::milliseconds(total_ms);
    size_t got = 0;
    while (got < buffer.size()) {
        uint32_t wait_ms = kInfinite;
        if (at_once) wait_ms = 0;
        if (has_total) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
            wait_ms = left > 0 ? static_cast<uint32_t>(left) : 0;
        }
        // The interval timer runs between bytes, once the first has come.
        if (got > 0 && t.read_interval && t.read_interval != kMaxDword) wait_ms = std::min(wait_ms, t.read_interval);
        if (got > 0 && t.read_interval == kMaxDword && !at_once) wait_ms = 0;
        if (!wait_fd(fd, POLLIN, wait_ms, interrupted, "ReadFile")) break;
        ssize_t n = ::read(fd, buffer.data() + got, buffer.size() - got);
        if (n > 0) got += static_cast<size_t>(n);
        else if (n == 0) break;
        else if (errno != EINTR && errno != EAGAIN) throw_errno(errno, "ReadFile");
        if (at_once) break;
    }
    return got;
}

void set_comm_mask(Handle h, uint32_t mask) {
    const char* fn = "SetCommMask";
    if (mask & ~0x1FFFu) throw_win32(err::kInvalidParameter, fn);
    port_file(h, fn)->set_comm_mask(mask);
}

uint32_t get_comm_mask(Handle h) { return port_file(h, "GetCommMask")->comm_mask(); }

CommWait begin_comm_wait(DiskFile& port) {
    CommWait wait;
    wait.mask_generation = port.comm_mask_generation();
    wait.mask = port.comm_mask();
    if (wait.mask == 0) throw_win32(err::kInvalidParameter, "WaitCommEvent");
    int queued = 0;
    wait.was_sending = ::ioctl(port.raw_fd(), TIOCOUTQ, &queued) == 0 && queued > 0;
    return wait;
}

uint32_t wait_comm_event(DiskFile& port, const CommWait& wait, const sync::InterruptCheck& cancelled) {
    constexpr uint32_t kEvRxChar = 0x1, kEvTxEmpty = 0x4;
    const uint64_t generation = wait.mask_generation;
    const uint32_t mask = wait.mask;
    bool was_sending = wait.was_sending;
    int fd = port.raw_fd();
    int queued = 0;
    for (;;) {
        if (port.comm_mask_generation() != generation) return 0;  // SetCommMask ended the wait
        uint32_t events = 0;
        if (mask & kEvRxChar) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) events |= kEvRxChar;
        }
        if (mask & kEvTxEmpty) {
            if (::ioctl(fd, TIOCOUTQ, &queued) == 0) {
                if (queued > 0) was_sending = true;
                else if (was_sending) events |= kEvTxEmpty;
            }
        }
        if (events) return events;
        pollfd p{fd, static_cast<short>((mask & kEvRxChar) ? POLLIN : 0), 0};
        ::poll(&p, 1, 10);
        throw_if_interrupted(cancelled);
    }
}

}  // namespace w32::io
