// The Win32 error codes the core itself raises. Python code gets the full
// set from the generated winerror module; these values are the same facts.
#pragma once

#include <cstdint>

namespace w32::err {

inline constexpr uint32_t kSuccess = 0;
inline constexpr uint32_t kInvalidFunction = 1;
inline constexpr uint32_t kFileNotFound = 2;
inline constexpr uint32_t kPathNotFound = 3;
inline constexpr uint32_t kTooManyOpenFiles = 4;
inline constexpr uint32_t kAccessDenied = 5;
inline constexpr uint32_t kInvalidHandle = 6;
inline constexpr uint32_t kNotEnoughMemory = 8;
inline constexpr uint32_t kInvalidData = 13;
inline constexpr uint32_t kOutOfMemory = 14;
inline constexpr uint32_t kNotReady = 21;
inline constexpr uint32_t kSharingViolation = 32;
inline constexpr uint32_t kLockViolation = 33;
inline constexpr uint32_t kHandleEof = 38;
inline constexpr uint32_t kHandleDiskFull = 39;
inline constexpr uint32_t kNotSupported = 50;
inline constexpr uint32_t kFileExists = 80;
inline constexpr uint32_t kInvalidParameter = 87;
inline constexpr uint32_t kBrokenPipe = 109;
inline constexpr uint32_t kDiskFull = 112;
inline constexpr uint32_t kInsufficientBuffer = 122;
inline constexpr uint32_t kInvalidName = 123;
inline constexpr uint32_t kDirNotEmpty = 145;
inline constexpr uint32_t kBusy = 170;
inline constexpr uint32_t kAlreadyExists = 183;
inline constexpr uint32_t kFilenameExcedRange = 206;
inline constexpr uint32_t kBadPipe = 230;
inline constexpr uint32_t kPipeBusy = 231;
inline constexpr uint32_t kNoData = 232;
inline constexpr uint32_t kPipeNotConnected = 233;
inline constexpr uint32_t kMoreData = 234;
inline constexpr uint32_t kPipeConnected = 535;
inline constexpr uint32_t kPipeListening = 536;
inline constexpr uint32_t kDirectory = 267;
inline constexpr uint32_t kNotOwner = 288;
inline constexpr uint32_t kTooManyPosts = 298;
inline constexpr uint32_t kMrMidNotFound = 317;
inline constexpr uint32_t kOperationAborted = 995;
inline constexpr uint32_t kIoIncomplete = 996;
inline constexpr uint32_t kIoPending = 997;
inline constexpr uint32_t kNoaccess = 998;
inline constexpr uint32_t kTimeout = 1460;
inline constexpr uint32_t kNotEnoughQuota = 1816;
inline constexpr uint32_t kSemTimeout = 121;
inline constexpr uint32_t kInvalidAddress = 487;
inline constexpr uint32_t kPrivilegeNotHeld = 1314;
inline constexpr uint32_t kInternalError = 1359;
inline constexpr uint32_t kNotFound = 1168;
inline constexpr uint32_t kCallNotImplemented = 120;
inline constexpr uint32_t kConnectionRefused = 1225;
inline constexpr uint32_t kConnectionAborted = 1236;
inline constexpr uint32_t kNetnameDeleted = 64;
inline constexpr uint32_t kBadLength = 24;
inline constexpr uint32_t kSeekOnDevice = 132;
inline constexpr uint32_t kNegativeSeek = 131;
inline constexpr uint32_t kInvalidFlags = 1004;
inline constexpr uint32_t kNoSystemResources = 1450;
inline constexpr uint32_t kBadPathname = 161;
inline constexpr uint32_t kWriteProtect = 19;
inline constexpr uint32_t kNotSameDevice = 17;
inline constexpr uint32_t kTooManyLinks = 1142;
inline constexpr uint32_t kCantResolveFilename = 1921;
inline constexpr uint32_t kRevisionMismatch = 1306;
inline constexpr uint32_t kInvalidDrive = 15;
inline constexpr uint32_t kNoMoreFiles = 18;
inline constexpr uint32_t kBadNetpath = 53;
inline constexpr uint32_t kNotLocked = 158;
inline constexpr uint32_t kNotifyEnumDir = 1022;
inline constexpr uint32_t kAbandonedWait0 = 735;
inline constexpr uint32_t kRequestAborted = 1235;
inline constexpr uint32_t kUnableToRemoveReplaced = 1175;
inline constexpr uint32_t kUnableToMoveReplacement = 1176;
inline constexpr uint32_t kUnableToMoveReplacement2 = 1177;

}  // namespace w32::err
