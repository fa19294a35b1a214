// win32file's serial port functions (the DCB, COMMTIMEOUTS, purges, modem
// lines, breaks) on termios. The core is w32/io/comm_port.
#include <nanobind/stl/string.h>

#include <string>

#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "overlapped.h"
#include "wait_args.h"
#include "w32/io/comm_port.h"
#include "w32/io/disk_file.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace wio = w32::io;

namespace bindings {

namespace {

nb::tuple timeouts_tuple(const wio::CommTimeouts& t) {
    return nb::make_tuple(t.read_interval, t.read_total_multiplier, t.read_total_constant, t.write_total_multiplier,
                          t.write_total_constant);
}

wio::CommTimeouts timeouts_arg(nb::handle v) {
    if (!nb::isinstance<nb::tuple>(v) && !nb::isinstance<nb::list>(v))
        throw nb::type_error("COMMTIMEOUTS is a tuple of 5 ints");
    auto seq = nb::borrow<nb::sequence>(v);
    if (nb::len(seq) != 5) throw nb::type_error("COMMTIMEOUTS is a tuple of 5 ints");
    auto item = [&](size_t i) { return dword_arg(nb::cast<long long>(seq[i]), "COMMTIMEOUTS"); };
    return {item(0), item(1), item(2), item(3), item(4)};
}

#define W32_DCB_FIELD(name) .def_rw(#name, &wio::Dcb::name)

// WaitCommEvent: (0, mask) at once without an OVERLAPPED; with one,
// (ERROR_IO_PENDING, 0) and the mask lands in the OVERLAPPED's dword, as
// pywin32 has it.
nb::tuple wait_comm_event(HandleArg h, nb::handle ov_obj) {
    auto port = wio::disk_file_of(h.value, "WaitCommEvent");
    wio::get_comm_mask(h.value);  // a terminal, or ERROR_INVALID_FUNCTION
    PyOverlapped* ov = overlapped_arg(ov_obj, "WaitCommEvent");
    const wio::CommWait wait = wio::begin_comm_wait(*port);
    if (!ov) {
        uint32_t events = blocking_wait(0xFFFFFFFFu, [&](const w32::sync::InterruptCheck& check) {
            return wio::wait_comm_event(*port, wait, check);
        });
        return nb::make_tuple(0, events);
    }
    uint32_t* dword = &ov->dword;
    w32::Handle event = ov->event_handle();
    start_overlapped(port, ov_obj, nullptr, [&](uint64_t token) {
        return wio::submit_io(
            port, event,
            [dword, wait](wio::FileObject& f, const w32::sync::InterruptCheck& cancelled) -> wio::IoOutcome {
                *dword = wio::wait_comm_event(static_cast<wio::DiskFile&>(f), wait, cancelled);
                return {0, 0};
            },
            token, true);
    });
    return nb::make_tuple(w32::err::kIoPending, 0);
}

void bind_win32file_comm(nb::module_ m) {
    nb::class_<wio::Dcb>(m, "PyDCB", "A serial port's settings (DCB).")
        .def(nb::init<>())
        W32_DCB_FIELD(BaudRate) W32_DCB_FIELD(fBinary) W32_DCB_FIELD(fParity) W32_DCB_FIELD(fOutxCtsFlow)
        W32_DCB_FIELD(fOutxDsrFlow) W32_DCB_FIELD(fDtrControl) W32_DCB_FIELD(fDsrSensitivity)
        W32_DCB_FIELD(fTXContinueOnXoff) W32_DCB_FIELD(fOutX) W32_DCB_FIELD(fInX) W32_DCB_FIELD(fErrorChar)
        W32_DCB_FIELD(fNull) W32_DCB_FIELD(fRtsControl) W32_DCB_FIELD(fAbortOnError) W32_DCB_FIELD(fDummy2)
        W32_DCB_FIELD(wReserved) W32_DCB_FIELD(XonLim) W32_DCB_FIELD(XoffLim) W32_DCB_FIELD(ByteSize)
        W32_DCB_FIELD(Parity) W32_DCB_FIELD(StopBits) W32_DCB_FIELD(XonChar) W32_DCB_FIELD(XoffChar)
        W32_DCB_FIELD(ErrorChar) W32_DCB_FIELD(EofChar) W32_DCB_FIELD(EvtChar) W32_DCB_FIELD(wReserved1);
    m.def("DCB", [] { return wio::Dcb{}; }, "A new DCB with Windows' defaults (9600 8N1).");
    m.def("GetCommState", [](HandleArg h) { return wio::get_comm_state(h.value); }, "handle"_a,
          "The port's settings from termios (ERROR_INVALID_FUNCTION for a handle that is no terminal).");
    m.def("SetCommState", [](HandleArg h, const wio::Dcb& d) { wio::set_comm_state(h.value, d); }, "handle"_a,
          "dcb"_a, "Applies baud rate, byte size, parity, stop bits, flow control (raw mode).");
    m.def("GetCommTimeouts", [](HandleArg h) { return timeouts_tuple(wio::get_comm_timeouts(h.value)); },
          "handle"_a, "(ReadIntervalTimeout, ReadTotalTimeoutMultiplier, ReadTotalTimeoutConstant, "
                      "WriteTotalTimeoutMultiplier, WriteTotalTimeoutConstant).");
    m.def("SetCommTimeouts", [](HandleArg h, nb::handle t) { wio::set_comm_timeouts(h.value, timeouts_arg(t)); },
          "handle"_a, "val"_a, "ReadFile on the port then follows these timeouts, as on Windows.");
    m.def("PurgeComm", [](HandleArg h, long long a) { wio::purge_comm(h.value, dword_arg(a, "action")); },
          "handle"_a, "action"_a, "PURGE_RXCLEAR/TXCLEAR flush the queues; the ABORTs cancel pending I/O.");
    m.def("SetupComm", [](HandleArg h, long long in, long long out) {
              size_arg(in, "dwInQueue");
              size_arg(out, "dwOutQueue");
              wio::get_comm_state(h.value);  // a port, or ERROR_INVALID_FUNCTION
          },
          "handle"_a, "dwInQueue"_a, "dwOutQueue"_a, "Queue sizes are the driver's: accepted.");
    m.def("EscapeCommFunction", [](HandleArg h, long long f) { wio::escape_comm_function(h.value, dword_arg(f, "func")); },
          "handle"_a, "func"_a, "SETDTR/CLRDTR/SETRTS/CLRRTS/SETBREAK/CLRBREAK/SETXON/SETXOFF.");
    m.def("SetCommBreak", [](HandleArg h) { wio::escape_comm_function(h.value, 8); }, "handle"_a, "Starts a break.");
    m.def("ClearCommBreak", [](HandleArg h) { wio::escape_comm_function(h.value, 9); }, "handle"_a, "Ends a break.");
    m.def("GetCommModemStatus", [](HandleArg h) { return wio::get_comm_modem_status(h.value); }, "handle"_a,
          "MS_CTS_ON | MS_DSR_ON | MS_RING_ON | MS_RLSD_ON (ERROR_NOT_SUPPORTED without modem lines).");
    m.def("TransmitCommChar",
          [](HandleArg h, nb::handle c) {
              std::string s = PyLong_Check(c.ptr()) ? std::string(1, static_cast<char>(nb::cast<int>(c)))
                                                    : nb::cast<std::string>(c);
              if (s.size() != 1) throw nb::type_error("TransmitCommChar takes one character");
              wio::transmit_comm_char(h.value, s[0]);
          },
          "handle"_a, "cChar"_a, "Sends one character ahead of the data.");
    m.def("SetCommMask", [](HandleArg h, long long v) { wio::set_comm_mask(h.value, dword_arg(v, "val")); },
          "handle"_a, "val"_a, "The EV_* events WaitCommEvent waits for (a pending wait ends with 0).");
    m.def("GetCommMask", [](HandleArg h) { return wio::get_comm_mask(h.value); }, "handle"_a, "The EV_* mask.");
    m.def("WaitCommEvent", &wait_comm_event, "handle"_a, "overlapped"_a.none() = nb::none(),
          "Waits for EV_RXCHAR / EV_TXEMPTY: (0, mask); with an OVERLAPPED (ERROR_IO_PENDING, 0) and "
          "the mask in overlapped.dword when it completes.");
    m.def("ClearCommError",
          [](HandleArg h) {
              auto s = wio::clear_comm_error(h.value);
              // COMSTAT's fields as attributes (the hold flags are not known to termios: 0).
              nb::object comstat = nb::module_::import_("types").attr("SimpleNamespace")(
                  nb::arg("cbInQue") = s.in_queue, nb::arg("cbOutQue") = s.out_queue, nb::arg("fCtsHold") = 0,
                  nb::arg("fDsrHold") = 0, nb::arg("fRlsdHold") = 0, nb::arg("fXoffHold") = 0,
                  nb::arg("fXoffSent") = 0, nb::arg("fEof") = 0, nb::arg("fTxim") = 0);
              return nb::make_tuple(s.errors, comstat);
          },
          "handle"_a, "(errors, COMSTAT): termios keeps no line errors, so errors is 0.");
}

#undef W32_DCB_FIELD

}  // namespace

W32_REGISTER_SUBMODULE("win32file", bind_win32file_comm);

}  // namespace bindings
