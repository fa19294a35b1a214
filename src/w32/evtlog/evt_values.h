// EvtRender(EvtRenderEventValues): an event's properties as typed values
// (EVT_VARIANT), for a render context of the System properties (in
// EVT_SYSTEM_PROPERTY_ID order) or of the User ones (the EventData values).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "w32/evtlog/log_store.h"

namespace w32::evtlog {

// EVT_VARIANT_TYPE values used here.
enum class EvtVarType : uint32_t {
    Null = 0,
    String = 1,
    Byte = 4,
    UInt16 = 6,
    Int32 = 7,
    UInt32 = 8,
    UInt64 = 10,
    Boolean = 13,
    Binary = 14,
    FileTime = 17,
    Sid = 19,
    HexInt64 = 21,
};
inline constexpr uint32_t kEvtVarTypeArray = 128;  // EVT_VARIANT_TYPE_ARRAY

struct EvtValue {
    EvtVarType type = EvtVarType::Null;
    std::string text;            // String
    uint64_t number = 0;         // the integer types, Boolean, FileTime
    std::vector<uint8_t> bytes;  // Binary, Sid
};

// EVT_RENDER_CONTEXT_FLAGS
inline constexpr uint32_t kEvtRenderContextValues = 0;
inline constexpr uint32_t kEvtRenderContextSystem = 1;
inline constexpr uint32_t kEvtRenderContextUser = 2;
inline constexpr uint32_t kEvtSystemPropertyCount = 18;  // EvtSystemPropertyIdEND

// Seconds since 1970 as a FILETIME (100 ns since 1601).
uint64_t filetime_from_unix(uint64_t seconds);

std::vector<EvtValue> system_values(const EventRecord& r, std::string_view channel);
std::vector<EvtValue> user_values(const EventRecord& r);

}  // namespace w32::evtlog
