"""The RAS error codes (raserror.h, RASBASE 600 on) with their texts, for
win32ras.GetErrorString, and the map from pppd's exit codes to them."""

RASBASE = 600

# (name, code, text): raserror.h's numbers; the texts say what each means.
_TABLE = (
    ("PENDING", 600, "An operation is pending."),
    ("ERROR_INVALID_PORT_HANDLE", 601, "An invalid port handle was detected."),
    ("ERROR_PORT_ALREADY_OPEN", 602, "The specified port is already open."),
    ("ERROR_BUFFER_TOO_SMALL", 603, "The caller's buffer is too small."),
    ("ERROR_WRONG_INFO_SPECIFIED", 604, "Incorrect information was specified."),
    ("ERROR_CANNOT_SET_PORT_INFO", 605, "The port information cannot be set."),
    ("ERROR_PORT_NOT_CONNECTED", 606, "The specified port is not connected."),
    ("ERROR_EVENT_INVALID", 607, "An invalid event was detected."),
    ("ERROR_DEVICE_DOES_NOT_EXIST", 608, "A device was specified that does not exist."),
    ("ERROR_DEVICETYPE_DOES_NOT_EXIST", 609, "A device type was specified that does not exist."),
    ("ERROR_BUFFER_INVALID", 610, "An invalid buffer was specified."),
    ("ERROR_ROUTE_NOT_AVAILABLE", 611, "A route was specified that is not available."),
    ("ERROR_ROUTE_NOT_ALLOCATED", 612, "A route was specified that is not allocated."),
    ("ERROR_INVALID_COMPRESSION_SPECIFIED", 613, "An invalid compression was specified."),
    ("ERROR_OUT_OF_BUFFERS", 614, "There were insufficient buffers available."),
    ("ERROR_PORT_NOT_FOUND", 615, "The specified port was not found."),
    ("ERROR_ASYNC_REQUEST_PENDING", 616, "An asynchronous request is pending."),
    ("ERROR_ALREADY_DISCONNECTING", 617, "The modem (or other connecting device) is already disconnecting."),
    ("ERROR_PORT_NOT_OPEN", 618, "The specified port is not open."),
    ("ERROR_PORT_DISCONNECTED", 619, "A connection to the remote computer could not be established, so the port "
                                     "used for this connection was closed."),
    ("ERROR_NO_ENDPOINTS", 620, "No endpoints could be determined."),
    ("ERROR_CANNOT_OPEN_PHONEBOOK", 621, "The system could not open the phone book file."),
    ("ERROR_CANNOT_LOAD_PHONEBOOK", 622, "The system could not load the phone book file."),
    ("ERROR_CANNOT_FIND_PHONEBOOK_ENTRY", 623, "The system could not find the phone book entry for this "
                                               "connection."),
    ("ERROR_CANNOT_WRITE_PHONEBOOK", 624, "The system could not update the phone book file."),
    ("ERROR_CORRUPT_PHONEBOOK", 625, "The system found invalid information in the phone book file."),
    ("ERROR_CANNOT_LOAD_STRING", 626, "A string could not be loaded."),
    ("ERROR_KEY_NOT_FOUND", 627, "A key could not be found."),
    ("ERROR_DISCONNECTION", 628, "The connection was terminated by the remote computer before it could be "
                                 "completed."),
    ("ERROR_REMOTE_DISCONNECTION", 629, "The connection was closed by the remote computer."),
    ("ERROR_HARDWARE_FAILURE", 630, "The modem (or other connecting device) was disconnected due to hardware "
                                    "failure."),
    ("ERROR_USER_DISCONNECTION", 631, "The user disconnected the modem (or other connecting device)."),
    ("ERROR_INVALID_SIZE", 632, "An incorrect structure size was detected."),
    ("ERROR_PORT_NOT_AVAILABLE", 633, "The modem (or other connecting device) is already in use or is not "
                                      "configured properly."),
    ("ERROR_CANNOT_PROJECT_CLIENT", 634, "Your computer could not be registered on the remote network."),
    ("ERROR_UNKNOWN", 635, "There was an unknown error."),
    ("ERROR_WRONG_DEVICE_ATTACHED", 636, "The device attached to the port is not the one expected."),
    ("ERROR_BAD_STRING", 637, "A string was detected that could not be converted."),
    ("ERROR_REQUEST_TIMEOUT", 638, "The request has timed out."),
    ("ERROR_AUTH_INTERNAL", 645, "There was an internal authentication error."),
    ("ERROR_RESTRICTED_LOGON_HOURS", 646, "The account is not permitted to log on at this time of day."),
    ("ERROR_ACCT_DISABLED", 647, "The account is disabled."),
    ("ERROR_PASSWD_EXPIRED", 648, "The password for this account has expired."),
    ("ERROR_NO_DIALIN_PERMISSION", 649, "The account does not have permission to dial in."),
    ("ERROR_SERVER_NOT_RESPONDING", 650, "The remote access server is not responding."),
    ("ERROR_FROM_DEVICE", 651, "The modem (or other connecting device) has reported an error."),
    ("ERROR_UNRECOGNIZED_RESPONSE", 652, "There was an unrecognized response from the modem (or other connecting "
                                         "device)."),
    ("ERROR_PORT_NOT_CONFIGURED", 665, "The modem (or other connecting device) is not properly configured."),
    ("ERROR_DEVICE_NOT_READY", 666, "The modem (or other connecting device) is not functioning."),
    ("ERROR_NO_CONNECTION", 668, "The connection was terminated."),
    ("ERROR_LINE_BUSY", 676, "The phone line is busy."),
    ("ERROR_VOICE_ANSWER", 677, "A person answered instead of a modem (or other connecting device)."),
    ("ERROR_NO_ANSWER", 678, "The remote computer did not respond."),
    ("ERROR_NO_CARRIER", 679, "The system could not detect the carrier."),
    ("ERROR_NO_DIALTONE", 680, "There was no dial tone."),
    ("ERROR_AUTHENTICATION_FAILURE", 691, "The remote access server refused the connection because the user "
                                          "name and/or password is not valid."),
    ("ERROR_PORT_OR_DEVICE", 692, "There was a hardware failure in the modem (or other connecting device)."),
    ("ERROR_INTERACTIVE_MODE", 703, "The connection needs information from the user, but the application does "
                                    "not allow user interaction."),
    ("ERROR_BAD_CALLBACK_NUMBER", 704, "The callback number is not valid."),
    ("ERROR_INVALID_AUTH_STATE", 705, "The authorization state is not valid."),
    ("ERROR_ACCT_EXPIRED", 708, "The account has expired."),
    ("ERROR_CHANGING_PASSWORD", 709, "There was an error changing the password on the domain."),
    ("ERROR_OVERRUN", 710, "Serial overrun errors were detected while communicating with the modem."),
    ("ERROR_RASMAN_CANNOT_INITIALIZE", 711, "The remote access connection manager could not start."),
    ("ERROR_TOO_MANY_LINE_ERRORS", 715, "Too many errors occurred because of poor phone line quality."),
    ("ERROR_IP_CONFIGURATION", 716, "The remote access IP configuration is unusable."),
    ("ERROR_NO_IP_ADDRESSES", 717, "No IP addresses are available in the static pool of remote access IP "
                                   "addresses."),
    ("ERROR_PPP_TIMEOUT", 718, "The connection was terminated because the remote computer did not respond in a "
                               "timely manner."),
    ("ERROR_PPP_REMOTE_TERMINATED", 719, "The connection was terminated by the remote computer."),
    ("ERROR_PPP_NO_PROTOCOLS_CONFIGURED", 720, "A connection to the remote computer could not be established: "
                                               "no PPP control protocols are configured."),
    ("ERROR_PPP_NO_RESPONSE", 721, "The remote computer did not respond."),
    ("ERROR_PPP_INVALID_PACKET", 722, "Invalid data was received from the remote computer."),
    ("ERROR_PHONE_NUMBER_TOO_LONG", 723, "The phone number, including prefix and suffix, is too long."),
    ("ERROR_PROJECTION_NOT_COMPLETE", 730, "Your computer and the remote computer could not agree on PPP "
                                           "network protocols."),
    ("ERROR_PROTOCOL_NOT_CONFIGURED", 731, "The protocol is not configured."),
    ("ERROR_PPP_NOT_CONVERGING", 732, "Your computer and the remote computer could not agree on PPP control "
                                      "protocols."),
    ("ERROR_PPP_CP_REJECTED", 733, "A connection to the remote computer could not be completed: the remote "
                                   "computer rejected the control protocol."),
    ("ERROR_PPP_LCP_TERMINATED", 734, "The PPP link control protocol was terminated."),
    ("ERROR_PPP_REQUIRED_ADDRESS_REJECTED", 735, "The requested address was rejected by the server."),
    ("ERROR_PPP_NCP_TERMINATED", 736, "The remote computer terminated the control protocol."),
    ("ERROR_PPP_LOOPBACK_DETECTED", 737, "Loopback was detected."),
    ("ERROR_PPP_NO_ADDRESS_ASSIGNED", 738, "The server did not assign an address."),
    ("ERROR_CANNOT_USE_LOGON_CREDENTIALS", 739, "The authentication protocol required by the remote server "
                                                "cannot use the stored password."),
    ("ERROR_BAD_PHONE_NUMBER", 749, "The phone number is not valid."),
    ("ERROR_INVALID_CALLBACK_NUMBER", 751, "The callback number contains an invalid character."),
    ("ERROR_SCRIPT_SYNTAX", 752, "A syntax error was encountered while processing a script."),
    ("ERROR_HANGUP_FAILED", 753, "The connection could not be disconnected because it was created by the "
                                 "multi-protocol router."),
    ("ERROR_CONNECTION_ALREADY_SHARED", 756, "This connection is already being dialed."),
)

MESSAGES = {code: text for _, code, text in _TABLE}
CODES = {name: code for name, code, _ in _TABLE}
RASBASEEND = 835  # raserror.h's last code

# pppd(8)'s exit statuses and the RAS error each stands for, before the link
# was up; once it was up, every ending is the remote side closing it.
PPPD_EXIT = {
    1: CODES["ERROR_UNKNOWN"],                   # fatal error
    2: CODES["ERROR_WRONG_INFO_SPECIFIED"],      # bad option
    3: 5,                                        # not root: ERROR_ACCESS_DENIED
    4: CODES["ERROR_DEVICE_DOES_NOT_EXIST"],     # no PPP support in the kernel
    5: CODES["ERROR_USER_DISCONNECTION"],        # ended by a signal
    6: CODES["ERROR_PORT_ALREADY_OPEN"],         # the serial port is locked
    7: CODES["ERROR_PORT_NOT_AVAILABLE"],        # the serial port did not open
    8: CODES["ERROR_NO_ANSWER"],                 # the connect (chat) script failed
    9: CODES["ERROR_PORT_NOT_AVAILABLE"],        # the pty command failed
    10: CODES["ERROR_PPP_NOT_CONVERGING"],       # negotiation failed
    11: CODES["ERROR_AUTHENTICATION_FAILURE"],   # the peer failed to authenticate
    12: CODES["ERROR_DISCONNECTION"],            # idle
    13: CODES["ERROR_DISCONNECTION"],            # connect time limit
    14: CODES["ERROR_DISCONNECTION"],            # callback
    15: CODES["ERROR_PPP_TIMEOUT"],              # the peer stopped answering echoes
    16: CODES["ERROR_NO_CARRIER"],               # modem hangup
    17: CODES["ERROR_PPP_LOOPBACK_DETECTED"],
    18: CODES["ERROR_DEVICE_NOT_READY"],         # the init script failed
    19: CODES["ERROR_AUTHENTICATION_FAILURE"],   # we failed to authenticate
    20: CODES["ERROR_DISCONNECTION"],            # traffic limit
    21: CODES["ERROR_AUTHENTICATION_FAILURE"],   # CNID authentication failed
}


def error_for_exit(status, was_connected):
    """The RAS error for a dialer that ended with `status` (a pppd exit
    code, or -signal when a signal killed it)."""
    if status < 0:
        return CODES["ERROR_HARDWARE_FAILURE"]  # the dialer died
    if was_connected:
        return CODES["ERROR_REMOTE_DISCONNECTION"]
    return PPPD_EXIT.get(status, CODES["ERROR_PORT_DISCONNECTED"])
