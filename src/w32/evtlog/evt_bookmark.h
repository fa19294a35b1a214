// Bookmarks (EvtCreateBookmark / EvtUpdateBookmark / EvtRender with
// EvtRenderBookmark): a channel and a record number, kept as the XML that
// Windows writes for them so that a bookmark saved on one side can be read on
// the other:
//
//   <BookmarkList>
//     <Bookmark Channel='Application' RecordId='42' IsCurrent='true'/>
//   </BookmarkList>
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace w32::evtlog {

inline constexpr uint32_t kEvtMalformedXmlText = 15008;  // ERROR_EVT_MALFORMED_XML_TEXT

struct BookmarkPosition {
    std::string channel;
    uint64_t record_id = 0;
};

// nullopt for an empty bookmark (no event yet). A list of several bookmarks
// gives the one marked IsCurrent='true', else the first. Text that is not a
// bookmark list is ERROR_EVT_MALFORMED_XML_TEXT.
std::optional<BookmarkPosition> parse_bookmark_xml(std::string_view xml);
std::string bookmark_xml(const std::optional<BookmarkPosition>& position);

}  // namespace w32::evtlog
