// EvtArchiveExportedLog: the messages an exported log's events need, stored
// in the exported file itself so that it can be formatted where the sources
// are not registered (EvtOpenPublisherMetadata with a LogFilePath). The file
// must be one of ours (EvtExportLog / BackupEventLog made it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace w32::evtlog {

// The (source, event id, category) combinations the file's records use.
struct EventKey {
    std::string source;
    uint32_t event_id = 0;
    uint32_t category = 0;
};
std::vector<EventKey> exported_event_keys(const std::string& path);

// kind 0: an event message, 1: a category name.
struct ArchivedMessage {
    std::string source;
    uint32_t kind = 0;
    uint32_t message_id = 0;
    std::string text;
};
// Adds (or replaces) messages in the file.
void archive_messages(const std::string& path, const std::vector<ArchivedMessage>& messages);
// A source's archived messages (none: an empty list).
std::vector<ArchivedMessage> archived_messages(const std::string& path, std::string_view source);

}  // namespace w32::evtlog
