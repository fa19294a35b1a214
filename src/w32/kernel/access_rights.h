// The access rights every object kind shares (winnt.h): the generic rights
// each kind maps onto its own, and the standard rights.
#pragma once

#include <cstdint>

namespace w32 {

inline constexpr uint32_t kGenericRead = 0x80000000u;
inline constexpr uint32_t kGenericWrite = 0x40000000u;
inline constexpr uint32_t kGenericExecute = 0x20000000u;
inline constexpr uint32_t kGenericAll = 0x10000000u;
inline constexpr uint32_t kMaximumAllowed = 0x02000000u;

inline constexpr uint32_t kDeleteRight = 0x00010000u;
inline constexpr uint32_t kReadControl = 0x00020000u;
inline constexpr uint32_t kWriteDac = 0x00040000u;
inline constexpr uint32_t kWriteOwner = 0x00080000u;
inline constexpr uint32_t kStandardRightsRead = kReadControl;

}  // namespace w32
