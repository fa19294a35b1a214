// The Evt* API's query language, the subset of XPath 1.0 over the event
// schema that Event Viewer's filters produce:
//
//   *    or    *[System[ <condition> ]]
//   condition: term, joined by "and" / "or", grouped by parentheses
//   term:  Level|EventID|EventRecordID|Task|Keywords  (= != < <= > >=)  number
//          Provider[@Name='x' (or @Name='y' ...)]
//          TimeCreated[timediff(@SystemTime) <= milliseconds]
//
// Anything else is ERROR_EVT_INVALID_QUERY (15001). Classic records have a
// Level from their type (error 2, warning 3, information and success 4,
// audits 0), their category as Task, and the audit keywords.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "w32/evtlog/log_store.h"

namespace w32::evtlog {

inline constexpr uint32_t kEvtInvalidQuery = 15001;  // ERROR_EVT_INVALID_QUERY

int level_of(uint16_t event_type);
uint64_t keywords_of(uint16_t event_type);

class EventQuery {
public:
    // nullopt-like: an empty or "*" query matches everything.
    static std::shared_ptr<const EventQuery> parse(std::string_view xpath);
    bool matches(const EventRecord& r, int64_t now_ms) const;
    bool matches_everything() const noexcept { return !root_; }

    struct Node;
    ~EventQuery();

private:
    std::unique_ptr<Node> root_;  // null: everything
};

}  // namespace w32::evtlog
