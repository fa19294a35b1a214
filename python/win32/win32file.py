"""win32file: files, directories, overlapped I/O, completion ports,
byte-range locks and change notifications (see docs/win32file.md).

Windows paths are translated through the per-user drive table (Z: is /,
C: a private directory of the session); POSIX paths pass unchanged.
"""
import win32con as _con
import winerror as _err

from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix._w32.win32api import CloseHandle  # noqa: F401
from pywin32_posix._w32.win32file import *  # noqa: F401,F403
from pywin32_posix._w32.win32file import _get_osfhandle, _open_osfhandle  # noqa: F401
from pywintypes import OVERLAPPED  # noqa: F401  (pywin32's win32file.OVERLAPPED is pywintypes')

# Constants the SDK headers (and so win32con) define, re-exported here as
# pywin32's win32file does; DWORDs spelt signed where pywin32 spells them so.
_FROM_WIN32CON = """
GENERIC_READ GENERIC_WRITE GENERIC_EXECUTE GENERIC_ALL
FILE_SHARE_READ FILE_SHARE_WRITE FILE_SHARE_DELETE
CREATE_NEW CREATE_ALWAYS OPEN_EXISTING OPEN_ALWAYS TRUNCATE_EXISTING
FILE_ATTRIBUTE_READONLY FILE_ATTRIBUTE_HIDDEN FILE_ATTRIBUTE_SYSTEM FILE_ATTRIBUTE_DIRECTORY
FILE_ATTRIBUTE_ARCHIVE FILE_ATTRIBUTE_NORMAL FILE_ATTRIBUTE_TEMPORARY FILE_ATTRIBUTE_COMPRESSED
FILE_ATTRIBUTE_OFFLINE FILE_ATTRIBUTE_REPARSE_POINT FILE_ATTRIBUTE_SPARSE_FILE FILE_ATTRIBUTE_ENCRYPTED
FILE_ATTRIBUTE_NOT_CONTENT_INDEXED FILE_ATTRIBUTE_DEVICE FILE_ATTRIBUTE_VIRTUAL
FILE_FLAG_WRITE_THROUGH FILE_FLAG_OVERLAPPED FILE_FLAG_NO_BUFFERING FILE_FLAG_RANDOM_ACCESS
FILE_FLAG_SEQUENTIAL_SCAN FILE_FLAG_DELETE_ON_CLOSE FILE_FLAG_BACKUP_SEMANTICS FILE_FLAG_POSIX_SEMANTICS
FILE_BEGIN FILE_CURRENT FILE_END
FILE_TYPE_UNKNOWN FILE_TYPE_DISK FILE_TYPE_CHAR FILE_TYPE_PIPE FILE_TYPE_REMOTE
FILE_NOTIFY_CHANGE_FILE_NAME FILE_NOTIFY_CHANGE_DIR_NAME FILE_NOTIFY_CHANGE_ATTRIBUTES
FILE_NOTIFY_CHANGE_SIZE FILE_NOTIFY_CHANGE_LAST_WRITE
FILE_NOTIFY_CHANGE_SECURITY
MOVEFILE_REPLACE_EXISTING MOVEFILE_COPY_ALLOWED MOVEFILE_DELAY_UNTIL_REBOOT
DRIVE_UNKNOWN DRIVE_NO_ROOT_DIR DRIVE_REMOVABLE DRIVE_FIXED DRIVE_REMOTE DRIVE_CDROM DRIVE_RAMDISK
LOCKFILE_FAIL_IMMEDIATELY LOCKFILE_EXCLUSIVE_LOCK
FILE_CASE_SENSITIVE_SEARCH FILE_CASE_PRESERVED_NAMES FILE_UNICODE_ON_DISK FILE_PERSISTENT_ACLS
FILE_FILE_COMPRESSION FILE_VOLUME_IS_COMPRESSED
SECURITY_SQOS_PRESENT SECURITY_CONTEXT_TRACKING SECURITY_EFFECTIVE_ONLY
VOLUME_NAME_DOS VOLUME_NAME_GUID VOLUME_NAME_NT VOLUME_NAME_NONE FILE_NAME_NORMALIZED FILE_NAME_OPENED
DDD_RAW_TARGET_PATH DDD_REMOVE_DEFINITION DDD_EXACT_MATCH_ON_REMOVE
CBR_110 CBR_300 CBR_600 CBR_1200 CBR_2400 CBR_4800 CBR_9600 CBR_14400 CBR_19200 CBR_38400 CBR_56000
CBR_57600 CBR_115200 CBR_128000 CBR_256000
DTR_CONTROL_DISABLE DTR_CONTROL_ENABLE DTR_CONTROL_HANDSHAKE
RTS_CONTROL_DISABLE RTS_CONTROL_ENABLE RTS_CONTROL_HANDSHAKE RTS_CONTROL_TOGGLE
NOPARITY ODDPARITY EVENPARITY MARKPARITY SPACEPARITY ONESTOPBIT ONE5STOPBITS TWOSTOPBITS
"""
for _name in _FROM_WIN32CON.split():
    if hasattr(_con, _name):
        globals()[_name] = getattr(_con, _name)

_FROM_WINERROR = """
WSAECONNABORTED WSAECONNRESET WSAEDISCON WSAEFAULT WSAEINPROGRESS WSAEINTR WSAEINVAL WSAEMSGSIZE
WSAENETDOWN WSAENETRESET WSAENOBUFS WSAENOTCONN WSAENOTSOCK WSAEOPNOTSUPP WSAESHUTDOWN WSAEWOULDBLOCK
"""
for _name in _FROM_WINERROR.split():
    globals()[_name] = getattr(_err, _name)
del _FROM_WINERROR

# winbase.h / winnt.h values win32con does not carry.
FILE_FLAG_OPEN_REPARSE_POINT = 0x00200000
FILE_NOTIFY_CHANGE_LAST_ACCESS = 0x20
FILE_NOTIFY_CHANGE_CREATION = 0x40
FILE_ACTION_ADDED = 1
FILE_ACTION_REMOVED = 2
FILE_ACTION_MODIFIED = 3
FILE_ACTION_RENAMED_OLD_NAME = 4
FILE_ACTION_RENAMED_NEW_NAME = 5
MOVEFILE_WRITE_THROUGH = 0x8
MOVEFILE_CREATE_HARDLINK = 0x10
MOVEFILE_FAIL_IF_NOT_TRACKABLE = 0x20
COPY_FILE_FAIL_IF_EXISTS = 0x1
COPY_FILE_RESTARTABLE = 0x2
COPY_FILE_OPEN_SOURCE_FOR_WRITE = 0x4
COPY_FILE_ALLOW_DECRYPTED_DESTINATION = 0x8
PROGRESS_CONTINUE = 0
PROGRESS_CANCEL = 1
PROGRESS_STOP = 2
PROGRESS_QUIET = 3
CALLBACK_CHUNK_FINISHED = 0x0
CALLBACK_STREAM_SWITCH = 0x1
SYMBOLIC_LINK_FLAG_DIRECTORY = 0x1
SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE = 0x2
FILE_ALL_ACCESS = 0x001F01FF
FILE_GENERIC_READ = 0x00120089
FILE_GENERIC_WRITE = 0x00120116
GetFileExInfoStandard = 0
# FileEncryptionStatus answers.
FILE_ENCRYPTABLE = 0
FILE_IS_ENCRYPTED = 1
FILE_SYSTEM_ATTR = 2
FILE_ROOT_DIR = 3
FILE_SYSTEM_DIR = 4
FILE_UNKNOWN = 5
FILE_SYSTEM_NOT_SUPPORT = 6
FILE_USER_DISALLOWED = 7
FILE_READ_ONLY = 8
REPLACEFILE_WRITE_THROUGH = 0x1
REPLACEFILE_IGNORE_MERGE_ERRORS = 0x2
# FILE_INFO_BY_HANDLE_CLASS
FileBasicInfo = 0
FileStandardInfo = 1
FileNameInfo = 2
FileRenameInfo = 3
FileDispositionInfo = 4
FileAllocationInfo = 5
FileEndOfFileInfo = 6
FileStreamInfo = 7
FileCompressionInfo = 8
FileAttributeTagInfo = 9
FileIdBothDirectoryInfo = 10
FileIdBothDirectoryRestartInfo = 11
FileIoPriorityHintInfo = 12
# PRIORITY_HINT and FILE_ID_TYPE
IoPriorityHintVeryLow = 0
IoPriorityHintLow = 1
IoPriorityHintNormal = 2
FileIdType = 0
ObjectIdType = 1
INVALID_HANDLE_VALUE = -1
WSA_IO_PENDING = _err.WSA_IO_PENDING if hasattr(_err, "WSA_IO_PENDING") else 997
WSA_OPERATION_ABORTED = _err.WSA_OPERATION_ABORTED if hasattr(_err, "WSA_OPERATION_ABORTED") else 995
UNICODE = 1
# GetBinaryType's answers (pywin32 has no SCS_64BIT_BINARY here; its value is 6).
SCS_32BIT_BINARY = 0
SCS_DOS_BINARY = 1
SCS_WOW_BINARY = 2
SCS_PIF_BINARY = 3
SCS_POSIX_BINARY = 4
SCS_OS216_BINARY = 5
# Serial ports (winbase.h): EscapeCommFunction, events, purges.
SETXOFF = 1
SETXON = 2
SETRTS = 3
CLRRTS = 4
SETDTR = 5
CLRDTR = 6
SETBREAK = 8
CLRBREAK = 9
EV_RXCHAR = 0x1
EV_RXFLAG = 0x2
EV_TXEMPTY = 0x4
EV_CTS = 0x8
EV_DSR = 0x10
EV_RLSD = 0x20
EV_BREAK = 0x40
EV_ERR = 0x80
EV_RING = 0x100
PURGE_TXABORT = 0x1
PURGE_RXABORT = 0x2
PURGE_TXCLEAR = 0x4
PURGE_RXCLEAR = 0x8
# Encrypted-file raw access, security QoS, sockets (winbase.h, winsock2.h, mswsock.h).
CREATE_FOR_IMPORT = 1
CREATE_FOR_DIR = 2
OVERWRITE_HIDDEN = 4
SECURITY_ANONYMOUS = 0
SECURITY_IDENTIFICATION = 0x10000
SECURITY_IMPERSONATION = 0x20000
SECURITY_DELEGATION = 0x30000
FD_READ = 0x01
FD_WRITE = 0x02
FD_OOB = 0x04
FD_ACCEPT = 0x08
FD_CONNECT = 0x10
FD_CLOSE = 0x20
FD_QOS = 1 << 6
FD_GROUP_QOS = 1 << 7
FD_ROUTING_INTERFACE_CHANGE = 1 << 8
FD_ADDRESS_LIST_CHANGE = 1 << 9
SO_UPDATE_ACCEPT_CONTEXT = 0x700B
SO_CONNECT_TIME = 0x700C
SO_UPDATE_CONNECT_CONTEXT = 0x7010
TF_USE_DEFAULT_WORKER = 0x00
TF_DISCONNECT = 0x01
TF_REUSE_SOCKET = 0x02
TF_WRITE_BEHIND = 0x04
TF_USE_SYSTEM_THREAD = 0x10
TF_USE_KERNEL_APC = 0x20

del _name, _FROM_WIN32CON


def BuildCommDCB(_def, dcb, /):
    """Fills `dcb` from a device-control string, as `mode` takes it:
    "baud=9600 parity=N data=8 stop=1 [xon=on] [octs=on] [dtr=on|off|hs]
    [rts=on|off|hs|tg]" or the old "9600,n,8,1[,x|p]", optionally after
    "COMn:". Returns the DCB; a bad string raises ERROR_INVALID_PARAMETER."""
    if not isinstance(_def, str):
        raise TypeError("the definition must be a str")

    def bad():
        return error(_err.ERROR_INVALID_PARAMETER, "BuildCommDCB", "The parameter is incorrect.")

    text = _def.strip()
    head, sep, rest = text.partition(":")
    if sep and head.upper().startswith(("COM", "LPT", "AUX")):
        text = rest.strip()
    parities = {"N": NOPARITY, "O": ODDPARITY, "E": EVENPARITY, "M": MARKPARITY, "S": SPACEPARITY}
    stops = {"1": ONESTOPBIT, "1.5": ONE5STOPBITS, "2": TWOSTOPBITS}
    switches = {"ON": 1, "OFF": 0}
    try:
        if "=" not in text:
            parts = [p.strip() for p in text.split(",")]
            if not parts or not parts[0]:
                raise bad()
            dcb.BaudRate = int(parts[0])
            if len(parts) > 1 and parts[1]:
                dcb.Parity = parities[parts[1].upper()]
                dcb.fParity = int(dcb.Parity != NOPARITY)
            if len(parts) > 2 and parts[2]:
                dcb.ByteSize = int(parts[2])
            if len(parts) > 3 and parts[3]:
                dcb.StopBits = stops[parts[3]]
            if len(parts) > 4 and parts[4]:
                flow = parts[4].lower()
                if flow == "x":
                    dcb.fOutX = dcb.fInX = 1
                elif flow == "p":
                    dcb.fOutxCtsFlow = 1
                    dcb.fRtsControl = RTS_CONTROL_HANDSHAKE
                else:
                    raise bad()
            return dcb
        for item in text.split():
            key, _, value = item.partition("=")
            key, value = key.lower(), value.upper()
            if key == "baud":
                dcb.BaudRate = int(value)
            elif key == "parity":
                dcb.Parity = parities[value[:1]]
                dcb.fParity = int(dcb.Parity != NOPARITY)
            elif key == "data":
                dcb.ByteSize = int(value)
            elif key == "stop":
                dcb.StopBits = stops[value]
            elif key == "xon":
                dcb.fOutX = dcb.fInX = switches[value]
            elif key == "octs":
                dcb.fOutxCtsFlow = switches[value]
            elif key == "odsr":
                dcb.fOutxDsrFlow = switches[value]
            elif key == "idsr":
                dcb.fDsrSensitivity = switches[value]
            elif key == "to":
                pass  # infinite timeout on/off: COMMTIMEOUTS' business
            elif key == "dtr":
                dcb.fDtrControl = {"ON": DTR_CONTROL_ENABLE, "OFF": DTR_CONTROL_DISABLE,
                                   "HS": DTR_CONTROL_HANDSHAKE}[value]
            elif key == "rts":
                dcb.fRtsControl = {"ON": RTS_CONTROL_ENABLE, "OFF": RTS_CONTROL_DISABLE,
                                   "HS": RTS_CONTROL_HANDSHAKE, "TG": RTS_CONTROL_TOGGLE}[value]
            else:
                raise bad()
    except (KeyError, ValueError):
        raise bad() from None
    return dcb
