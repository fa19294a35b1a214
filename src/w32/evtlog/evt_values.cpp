#include "w32/evtlog/evt_values.h"

#include "w32/evtlog/evt_query.h"

namespace w32::evtlog {

namespace {

EvtValue text(std::string_view s) {
    EvtValue v;
    v.type = EvtVarType::String;
    v.text = std::string(s);
    return v;
}

EvtValue number(EvtVarType type, uint64_t n) {
    EvtValue v;
    v.type = type;
    v.number = n;
    return v;
}

}  // namespace

uint64_t filetime_from_unix(uint64_t seconds) {
    constexpr uint64_t kEpochDelta = 116444736000000000ULL;  // 1601 -> 1970, in 100 ns
    return kEpochDelta + seconds * 10000000ULL;
}

std::vector<EvtValue> system_values(const EventRecord& r, std::string_view channel) {
    // What Windows gives for a record written by ReportEvent: no provider
    // GUID, activity IDs or version; the event ID split into its low word and
    // the qualifiers (the high word); process and thread 0, as in the XML.
    std::vector<EvtValue> v(kEvtSystemPropertyCount);
    v[0] = text(r.source_name);
    v[2] = number(EvtVarType::UInt16, r.event_id & 0xFFFF);
    v[3] = number(EvtVarType::UInt16, r.event_id >> 16);
    v[4] = number(EvtVarType::Byte, uint64_t(level_of(r.event_type)));
    v[5] = number(EvtVarType::UInt16, r.event_category);
    v[6] = number(EvtVarType::Byte, 0);
    v[7] = number(EvtVarType::HexInt64, keywords_of(r.event_type));
    v[8] = number(EvtVarType::FileTime, filetime_from_unix(r.time_generated));
    v[9] = number(EvtVarType::UInt64, r.record_number);
    v[12] = number(EvtVarType::UInt32, 0);
    v[13] = number(EvtVarType::UInt32, 0);
    v[14] = text(channel);
    v[15] = text(r.computer_name);
    if (r.sid) {
        v[16].type = EvtVarType::Sid;
        v[16].bytes = *r.sid;
    }
    v[17] = number(EvtVarType::Byte, 0);
    return v;
}

std::vector<EvtValue> user_values(const EventRecord& r) {
    std::vector<EvtValue> v;
    if (r.strings)
        for (const auto& s : *r.strings) v.push_back(text(s));
    return v;
}

}  // namespace w32::evtlog
