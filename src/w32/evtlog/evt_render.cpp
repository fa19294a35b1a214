#include "w32/evtlog/evt_render.h"

#include <cstdio>
#include <ctime>

#include "w32/evtlog/evt_query.h"

namespace w32::evtlog {

void escape_xml_into(std::string& out, std::string_view text) {
    for (unsigned char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '\'': out += "&apos;"; break;
        case '"': out += "&quot;"; break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                out += "\xEF\xBF\xBD";  // U+FFFD: XML 1.0 cannot carry these at all, escaped or not
            } else {
                out += char(c);
            }
        }
    }
}

namespace {

std::string sid_text(const std::vector<uint8_t>& sid) {
    if (sid.size() < 8) return "";
    uint64_t authority = 0;
    for (int i = 2; i < 8; ++i) authority = (authority << 8) | sid[i];
    std::string out = "S-" + std::to_string(sid[0]) + "-" + std::to_string(authority);
    for (size_t at = 8; at + 4 <= sid.size(); at += 4) {
        uint32_t sub = uint32_t(sid[at]) | uint32_t(sid[at + 1]) << 8 | uint32_t(sid[at + 2]) << 16 |
                       uint32_t(sid[at + 3]) << 24;
        out += "-" + std::to_string(sub);
    }
    return out;
}

}  // namespace

std::string render_event_xml(const EventRecord& r, std::string_view channel) {
    std::string x = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>";
    x += "<Provider Name='";
    escape_xml_into(x, r.source_name);
    x += "'/><EventID Qualifiers='" + std::to_string(r.event_id >> 16) + "'>" +
         std::to_string(r.event_id & 0xFFFF) + "</EventID>";
    x += "<Version>0</Version><Level>" + std::to_string(level_of(r.event_type)) + "</Level>";
    x += "<Task>" + std::to_string(r.event_category) + "</Task><Opcode>0</Opcode>";
    char kw[32];
    std::snprintf(kw, sizeof kw, "0x%llx", static_cast<unsigned long long>(keywords_of(r.event_type)));
    x += std::string("<Keywords>") + kw + "</Keywords>";
    char when[40] = "1970-01-01T00:00:00.0000000Z";
    time_t t = r.time_generated;
    struct tm tm;
    if (::gmtime_r(&t, &tm)) std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S.0000000Z", &tm);
    x += std::string("<TimeCreated SystemTime='") + when + "'/>";
    x += "<EventRecordID>" + std::to_string(r.record_number) + "</EventRecordID>";
    x += "<Correlation/><Execution ProcessID='0' ThreadID='0'/><Channel>";
    escape_xml_into(x, channel);
    x += "</Channel><Computer>";
    escape_xml_into(x, r.computer_name);
    x += "</Computer>";
    if (r.sid) x += "<Security UserID='" + sid_text(*r.sid) + "'/>";
    else x += "<Security/>";
    x += "</System><EventData>";
    if (r.strings)
        for (const auto& s : *r.strings) {
            x += "<Data>";
            escape_xml_into(x, s);
            x += "</Data>";
        }
    if (!r.data.empty()) {
        static const char* hex = "0123456789ABCDEF";
        x += "<Binary>";
        for (uint8_t b : r.data) {
            x += hex[b >> 4];
            x += hex[b & 15];
        }
        x += "</Binary>";
    }
    x += "</EventData></Event>";
    return x;
}

}  // namespace w32::evtlog
