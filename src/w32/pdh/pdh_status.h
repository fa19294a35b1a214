// PDH_STATUS values (pdhmsg.h): what PDH functions fail with and what a
// counter value's CStatus says.
#pragma once

#include <cstdint>

namespace w32::pdh::status {

inline constexpr uint32_t kValidData = 0x00000000;
inline constexpr uint32_t kNewData = 0x00000001;
inline constexpr uint32_t kNoMachine = 0x800007D0;
inline constexpr uint32_t kNoInstance = 0x800007D1;
inline constexpr uint32_t kMoreData = 0x800007D2;
inline constexpr uint32_t kItemNotValidated = 0x800007D3;
inline constexpr uint32_t kRetry = 0x800007D4;
inline constexpr uint32_t kNoData = 0x800007D5;
inline constexpr uint32_t kCalcNegativeDenominator = 0x800007D6;
inline constexpr uint32_t kCalcNegativeTimebase = 0x800007D7;
inline constexpr uint32_t kCalcNegativeValue = 0x800007D8;
inline constexpr uint32_t kDialogCancelled = 0x800007D9;
inline constexpr uint32_t kNoObject = 0xC0000BB8;
inline constexpr uint32_t kNoCounter = 0xC0000BB9;
inline constexpr uint32_t kInvalidCStatusData = 0xC0000BBA;  // PDH_CSTATUS_INVALID_DATA
inline constexpr uint32_t kInvalidHandle = 0xC0000BBC;
inline constexpr uint32_t kInvalidArgument = 0xC0000BBD;
inline constexpr uint32_t kFunctionNotFound = 0xC0000BBE;
inline constexpr uint32_t kNoCounterName = 0xC0000BBF;
inline constexpr uint32_t kBadCounterName = 0xC0000BC0;
inline constexpr uint32_t kCannotConnectMachine = 0xC0000BC3;
inline constexpr uint32_t kInvalidPath = 0xC0000BC4;
inline constexpr uint32_t kInvalidInstance = 0xC0000BC5;
inline constexpr uint32_t kInvalidData = 0xC0000BC6;
inline constexpr uint32_t kNoMoreData = 0xC0000BCC;
inline constexpr uint32_t kNotImplemented = 0xC0000BD3;
inline constexpr uint32_t kStringNotFound = 0xC0000BD4;

// True for the CStatus values that mean the data can be used.
inline constexpr bool is_success(uint32_t s) { return s == kValidData || s == kNewData; }

}  // namespace w32::pdh::status
