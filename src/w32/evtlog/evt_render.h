// EvtRender(EvtRenderEventXml): a classic record as the event XML that
// Windows gives for it (the event schema's System part, and EventData with
// one Data element per string insert and the binary data in hex).
#pragma once

#include <string>
#include <string_view>

#include "w32/evtlog/log_store.h"

namespace w32::evtlog {

std::string render_event_xml(const EventRecord& r, std::string_view channel);

// Appends `text` escaped for XML content or a quoted attribute; control
// characters XML 1.0 cannot carry become U+FFFD.
void escape_xml_into(std::string& out, std::string_view text);

}  // namespace w32::evtlog
