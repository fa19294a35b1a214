#include "w32/pdh/pdh_messages.h"

#include <algorithm>
#include <iterator>
#include <mutex>

#include "w32/error/win32_error.h"

namespace w32::pdh {

namespace {

struct PdhMessage {
    uint32_t code;
    const char* text;
};

// Facts from the Windows SDK's pdhmsg.h (MessageText of each MessageId), sorted by code.
constexpr PdhMessage kPdhMessages[] = {
    {0x800007D0u, "Unable to connect to specified machine or machine is off line."},
    {0x800007D1u, "The specified instance is not present."},
    {0x800007D2u, "There is more data to return than would fit in the supplied buffer. Allocate a larger buffer and call the function again."},
    {0x800007D3u, "The data item has been added to the query, but has not been validated nor accessed. No other status information on this data item is available."},
    {0x800007D4u, "The selected operation should be retried."},
    {0x800007D5u, "No data to return."},
    {0x800007D6u, "A counter with a negative denominator value was detected."},
    {0x800007D7u, "A counter with a negative timebase value was detected."},
    {0x800007D8u, "A counter with a negative value was detected."},
    {0x800007D9u, "The user cancelled the dialog box."},
    {0x800007DAu, "The end of the log file was reached."},
    {0x800007DBu, "Time out while waiting for asynchronous counter collection thread to end."},
    {0x800007DCu, "Cannot change set default realtime datasource. There are realtime query sessions collecting counter data."},
    {0x80000BD5u, "Unable to map to the performance counter name data files. The data will be read from the registry and stored locally."},
    {0xC0000BB8u, "The specified object is not found on the system."},
    {0xC0000BB9u, "The specified counter could not be found."},
    {0xC0000BBAu, "The returned data is not valid."},
    {0xC0000BBBu, "A PDH function could not allocate enough temporary memory to complete the operation. Close some applications or extend the pagefile and retry the function."},
    {0xC0000BBCu, "The handle is not a valid PDH object."},
    {0xC0000BBDu, "A required argument is missing or incorrect."},
    {0xC0000BBEu, "Unable to find the specified function."},
    {0xC0000BBFu, "No counter was specified."},
    {0xC0000BC0u, "Unable to parse the counter path. Check the format and syntax of the specified path."},
    {0xC0000BC1u, "The buffer passed by the caller is invalid."},
    {0xC0000BC2u, "The requested data is larger than the buffer supplied. Unable to return the requested data."},
    {0xC0000BC3u, "Unable to connect to the requested machine."},
    {0xC0000BC4u, "The specified counter path could not be interpreted."},
    {0xC0000BC5u, "The instance name could not be read from the specified counter path."},
    {0xC0000BC6u, "The data is not valid."},
    {0xC0000BC7u, "The dialog box data block was missing or invalid."},
    {0xC0000BC8u, "Unable to read the counter and/or explain text from the specified machine."},
    {0xC0000BC9u, "Unable to create the specified log file."},
    {0xC0000BCAu, "Unable to open the specified log file."},
    {0xC0000BCBu, "The specified log file type has not been installed on this system."},
    {0xC0000BCCu, "No more data is available."},
    {0xC0000BCDu, "The specified record was not found in the log file."},
    {0xC0000BCEu, "The specified data source is a log file."},
    {0xC0000BCFu, "The specified data source is the current activity."},
    {0xC0000BD0u, "The log file header could not be read."},
    {0xC0000BD1u, "Unable to find the specified file."},
    {0xC0000BD2u, "There is already a file with the specified file name."},
    {0xC0000BD3u, "The function referenced has not been implemented."},
    {0xC0000BD4u, "Unable to find the specified string in the list of performance name and explain text strings."},
    {0xC0000BD6u, "The format of the specified log file is not recognized by the PDH DLL."},
    {0xC0000BD7u, "The specified Log Service command value is not recognized."},
    {0xC0000BD8u, "The specified Query from the Log Service could not be found or could not be opened."},
    {0xC0000BD9u, "The Performance Data Log Service key could not be opened. This may be due to insufficient privilege or because the service has not been installed."},
    {0xC0000BDAu, "An error occured while accessing the WBEM data store."},
    {0xC0000BDBu, "Unable to access the desired machine or service. Check the permissions and authentication of the log service or the interactive user session against those on the machine or service being monitored."},
    {0xC0000BDCu, "The maximum log file size specified is too small to log the selected counters. No data will be recorded in this log file. Specify a smaller set of counters to log or a larger file size and retry this call."},
    {0xC0000BDDu, "Cannot connect to ODBC DataSource Name."},
    {0xC0000BE8u, "Unable to connect to the WMI server on requested machine."},
};

}  // namespace

std::string_view pdh_message(uint32_t code) noexcept {
    auto it = std::lower_bound(std::begin(kPdhMessages), std::end(kPdhMessages), code,
                               [](const PdhMessage& m, uint32_t c) { return m.code < c; });
    if (it == std::end(kPdhMessages) || it->code != code) return {};
    return it->text;
}

void register_pdh_messages() noexcept {
    static std::once_flag once;
    std::call_once(once, [] { add_message_lookup(&pdh_message); });
}

}  // namespace w32::pdh
