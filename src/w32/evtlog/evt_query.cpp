#include "w32/evtlog/evt_query.h"

#include <cctype>
#include <vector>

#include "w32/error/win32_error.h"
#include "w32/evtlog/source_registry.h"

namespace w32::evtlog {

struct EventQuery::Node {
    enum Kind { And, Or, Compare, Provider, MaxAge } kind;
    std::unique_ptr<Node> left, right;
    std::string field;              // Compare: Level, EventID, ...
    std::string op;                 // Compare: = != < <= > >=
    int64_t number = 0;             // Compare: the value; MaxAge: milliseconds
    std::vector<std::string> names; // Provider
};

namespace {

using Node = EventQuery::Node;

std::unique_ptr<Node> make_node(Node::Kind kind, std::unique_ptr<Node> left = nullptr,
                                std::unique_ptr<Node> right = nullptr) {
    auto n = std::make_unique<Node>();
    n->kind = kind;
    n->left = std::move(left);
    n->right = std::move(right);
    return n;
}

[[noreturn]] void invalid() { throw_win32(kEvtInvalidQuery, "EvtQuery"); }

class Parser {
public:
    explicit Parser(std::string_view text) : s_(text) {}

    std::unique_ptr<Node> query() {
        expect("*");
        if (at_end()) return nullptr;
        expect("[");
        expect_word("System");
        expect("[");
        auto node = condition();
        expect("]");
        expect("]");
        if (!at_end()) invalid();
        return node;
    }

private:
    void skip() {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    bool at_end() {
        skip();
        return i_ == s_.size();
    }
    bool accept(std::string_view tok) {
        skip();
        if (s_.substr(i_, tok.size()) != tok) return false;
        i_ += tok.size();
        return true;
    }
    void expect(std::string_view tok) {
        if (!accept(tok)) invalid();
    }
    std::string word() {
        skip();
        size_t start = i_;
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) ++i_;
        if (start == i_) invalid();
        return std::string(s_.substr(start, i_ - start));
    }
    void expect_word(std::string_view w) {
        if (word() != w) invalid();
    }
    int64_t number() {
        skip();
        size_t start = i_;
        int base = 10;
        if (s_.substr(i_, 2) == "0x" || s_.substr(i_, 2) == "0X") {
            base = 16;
            i_ += 2;
            start = i_;
        }
        int64_t v = 0;
        while (i_ < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[i_]))) {
            char c = char(std::tolower(static_cast<unsigned char>(s_[i_])));
            int d = c <= '9' ? c - '0' : c - 'a' + 10;
            if (d >= base || v > (INT64_MAX - d) / base) invalid();
            v = v * base + d;
            ++i_;
        }
        if (start == i_) invalid();
        return v;
    }
    std::string quoted() {
        skip();
        if (i_ >= s_.size() || (s_[i_] != '\'' && s_[i_] != '"')) invalid();
        char q = s_[i_++];
        size_t end = s_.find(q, i_);
        if (end == std::string_view::npos) invalid();
        std::string out(s_.substr(i_, end - i_));
        i_ = end + 1;
        return out;
    }
    std::string op() {
        for (std::string_view o : {"<=", ">=", "!=", "=", "<", ">"})
            if (accept(o)) return std::string(o);
        invalid();
    }

    std::unique_ptr<Node> condition() {
        auto left = conjunction();
        while (accept_keyword("or")) {
            left = make_node(Node::Or, std::move(left), conjunction());
        }
        return left;
    }
    std::unique_ptr<Node> conjunction() {
        auto left = term();
        while (accept_keyword("and")) {
            left = make_node(Node::And, std::move(left), term());
        }
        return left;
    }
    bool accept_keyword(std::string_view kw) {
        skip();
        size_t save = i_;
        if (!accept(kw)) return false;
        if (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) {
            i_ = save;
            return false;
        }
        return true;
    }
    std::unique_ptr<Node> term() {
        if (++depth_ > 64) invalid();
        std::unique_ptr<Node> out;
        if (accept("(")) {
            out = condition();
            expect(")");
        } else {
            std::string name = word();
            if (name == "Provider") {
                out = make_node(Node::Provider);
                expect("[");
                do {
                    expect("@");
                    expect_word("Name");
                    expect("=");
                    out->names.push_back(quoted());
                } while (accept_keyword("or"));
                expect("]");
            } else if (name == "TimeCreated") {
                out = make_node(Node::MaxAge);
                expect("[");
                expect_word("timediff");
                expect("(");
                expect("@");
                expect_word("SystemTime");
                expect(")");
                expect("<=");
                out->number = number();
                expect("]");
            } else if (name == "Level" || name == "EventID" || name == "EventRecordID" ||
                       name == "Task" || name == "Keywords") {
                out = make_node(Node::Compare);
                out->field = name;
                out->op = op();
                out->number = number();
            } else {
                invalid();
            }
        }
        --depth_;
        return out;
    }

    std::string_view s_;
    size_t i_ = 0;
    int depth_ = 0;
};

int64_t field_value(const std::string& field, const EventRecord& r) {
    if (field == "Level") return level_of(r.event_type);
    if (field == "EventID") return r.event_id & 0xFFFF;
    if (field == "EventRecordID") return r.record_number;
    if (field == "Task") return r.event_category;
    return int64_t(keywords_of(r.event_type));
}

bool compare(int64_t a, const std::string& op, int64_t b) {
    if (op == "=") return a == b;
    if (op == "!=") return a != b;
    if (op == "<") return a < b;
    if (op == "<=") return a <= b;
    if (op == ">") return a > b;
    return a >= b;
}

bool eval(const Node& n, const EventRecord& r, int64_t now_ms) {
    switch (n.kind) {
    case Node::And: return eval(*n.left, r, now_ms) && eval(*n.right, r, now_ms);
    case Node::Or: return eval(*n.left, r, now_ms) || eval(*n.right, r, now_ms);
    case Node::Compare: return compare(field_value(n.field, r), n.op, n.number);
    case Node::Provider:
        for (const auto& name : n.names)
            if (same_name(name, r.source_name)) return true;
        return false;
    case Node::MaxAge: return now_ms - int64_t(r.time_generated) * 1000 <= n.number;
    }
    return false;
}

}  // namespace

int level_of(uint16_t event_type) {
    switch (event_type) {
    case 0x1: return 2;
    case 0x2: return 3;
    case 0x8:
    case 0x10: return 0;
    default: return 4;
    }
}

uint64_t keywords_of(uint16_t event_type) {
    if (event_type == 0x8) return 0x8020000000000000ULL;   // classic + audit success
    if (event_type == 0x10) return 0x8010000000000000ULL;  // classic + audit failure
    return 0x0080000000000000ULL;                           // classic
}

EventQuery::~EventQuery() = default;

std::shared_ptr<const EventQuery> EventQuery::parse(std::string_view xpath) {
    auto q = std::make_shared<EventQuery>();
    size_t a = xpath.find_first_not_of(" \t\r\n");
    if (a == std::string_view::npos) return q;
    q->root_ = Parser(xpath).query();
    return q;
}

bool EventQuery::matches(const EventRecord& r, int64_t now_ms) const {
    return !root_ || eval(*root_, r, now_ms);
}

}  // namespace w32::evtlog
