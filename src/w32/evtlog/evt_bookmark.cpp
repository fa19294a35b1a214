#include "w32/evtlog/evt_bookmark.h"

#include <cctype>
#include <charconv>
#include <vector>

#include "w32/error/win32_error.h"
#include "w32/evtlog/evt_render.h"

namespace w32::evtlog {

namespace {

[[noreturn]] void malformed() { throw_win32(kEvtMalformedXmlText, "EvtCreateBookmark"); }

// A small reader for the one element shape bookmarks use: no DTD, comments
// or CDATA; attribute values in either quote; the five predefined entities.
class BookmarkReader {
public:
    explicit BookmarkReader(std::string_view text) : s_(text) {}

    std::vector<std::pair<BookmarkPosition, bool>> read_list() {
        skip_space();
        if (peek_is("<?xml")) {
            size_t end = s_.find("?>", at_);
            if (end == std::string_view::npos) malformed();
            at_ = end + 2;
            skip_space();
        }
        expect('<');
        if (name() != "BookmarkList") malformed();
        skip_attributes();
        std::vector<std::pair<BookmarkPosition, bool>> out;
        if (take("/>")) return finish(out);
        expect('>');
        for (;;) {
            skip_space();
            if (take("</")) {
                if (name() != "BookmarkList") malformed();
                skip_space();
                expect('>');
                return finish(out);
            }
            expect('<');
            if (name() != "Bookmark") malformed();
            out.push_back(bookmark());
        }
    }

private:
    std::vector<std::pair<BookmarkPosition, bool>>& finish(std::vector<std::pair<BookmarkPosition, bool>>& out) {
        skip_space();
        if (at_ != s_.size()) malformed();
        return out;
    }

    std::pair<BookmarkPosition, bool> bookmark() {
        BookmarkPosition p;
        bool have_channel = false, have_record = false, current = false;
        for (;;) {
            skip_space();
            if (take("/>")) break;
            std::string key(name());
            skip_space();
            expect('=');
            skip_space();
            std::string value = quoted();
            if (key == "Channel") {
                p.channel = value;
                have_channel = true;
            } else if (key == "RecordId") {
                auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), p.record_id);
                if (ec != std::errc() || end != value.data() + value.size() || value.empty()) malformed();
                have_record = true;
            } else if (key == "IsCurrent") {
                current = value == "true" || value == "1";
            }
        }
        if (!have_channel || !have_record) malformed();
        return {p, current};
    }

    void skip_attributes() {
        for (;;) {
            skip_space();
            if (at_ >= s_.size()) malformed();
            if (s_[at_] == '>' || peek_is("/>")) return;
            name();
            skip_space();
            expect('=');
            skip_space();
            quoted();
        }
    }

    std::string_view name() {
        size_t start = at_;
        while (at_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[at_])) || s_[at_] == '_' ||
                                   s_[at_] == ':' || s_[at_] == '-'))
            ++at_;
        if (at_ == start) malformed();
        return s_.substr(start, at_ - start);
    }

    std::string quoted() {
        if (at_ >= s_.size() || (s_[at_] != '\'' && s_[at_] != '"')) malformed();
        char q = s_[at_++];
        size_t end = s_.find(q, at_);
        if (end == std::string_view::npos) malformed();
        std::string_view raw = s_.substr(at_, end - at_);
        at_ = end + 1;
        std::string out;
        for (size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '<') malformed();
            if (raw[i] != '&') {
                out += raw[i];
                continue;
            }
            static const std::pair<std::string_view, char> entities[] = {
                {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&apos;", '\''}, {"&quot;", '"'}};
            bool known = false;
            for (auto [entity, ch] : entities)
                if (raw.substr(i, entity.size()) == entity) {
                    out += ch;
                    i += entity.size() - 1;
                    known = true;
                    break;
                }
            if (!known) malformed();
        }
        return out;
    }

    void skip_space() {
        while (at_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[at_]))) ++at_;
    }
    bool peek_is(std::string_view what) const { return s_.substr(at_, what.size()) == what; }
    bool take(std::string_view what) {
        if (!peek_is(what)) return false;
        at_ += what.size();
        return true;
    }
    void expect(char c) {
        if (at_ >= s_.size() || s_[at_] != c) malformed();
        ++at_;
    }

    std::string_view s_;
    size_t at_ = 0;
};


}  // namespace

std::optional<BookmarkPosition> parse_bookmark_xml(std::string_view xml) {
    auto list = BookmarkReader(xml).read_list();
    if (list.empty()) return std::nullopt;
    for (auto& [position, current] : list)
        if (current) return position;
    return list.front().first;
}

std::string bookmark_xml(const std::optional<BookmarkPosition>& position) {
    std::string out = "<BookmarkList>\r\n";
    if (position) {
        out += "  <Bookmark Channel='";
        escape_xml_into(out, position->channel);
        out += "' RecordId='" + std::to_string(position->record_id) + "' IsCurrent='true'/>\r\n";
    }
    out += "</BookmarkList>";
    return out;
}

}  // namespace w32::evtlog
