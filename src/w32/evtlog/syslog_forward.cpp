#include "w32/evtlog/syslog_forward.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>

namespace w32::evtlog {

namespace {

constexpr const char* kJournalSocket = "/run/systemd/journal/socket";
constexpr const char* kSyslogSocket = "/dev/log";

const char* path_from_env(const char* var, const char* fallback) {
    const char* v = std::getenv(var);
    return v && *v ? v : fallback;
}

// syslog severity for an event type; the Security log goes to LOG_AUTH.
int priority(const std::string& log, uint16_t type) {
    int severity = 6;  // LOG_INFO
    switch (type) {
    case 0x1: severity = 3; break;   // error: LOG_ERR
    case 0x2: severity = 4; break;   // warning: LOG_WARNING
    case 0x8: severity = 5; break;   // audit success: LOG_NOTICE
    case 0x10: severity = 4; break;  // audit failure: LOG_WARNING
    default: break;
    }
    int facility = (log == "Security") ? (4 << 3) : (1 << 3);  // LOG_AUTH : LOG_USER
    return facility | severity;
}

const char* type_name(uint16_t type) {
    switch (type) {
    case 0x0: return "success";
    case 0x1: return "error";
    case 0x2: return "warning";
    case 0x4: return "information";
    case 0x8: return "audit-success";
    case 0x10: return "audit-failure";
    default: return "other";
    }
}

std::string inserts(const EventRecord& r) {
    std::string out;
    if (!r.strings) return out;
    for (size_t i = 0; i < r.strings->size(); ++i) {
        if (i) out += "; ";
        out += (*r.strings)[i];
    }
    return out;
}

// A syslog tag: printable, no spaces or colons, at most 32 bytes.
std::string tag_of(const std::string& source) {
    std::string tag;
    for (unsigned char c : source) {
        if (tag.size() == 32) break;
        tag += (c > 0x20 && c < 0x7F && c != ':' && c != '[' && c != ']') ? char(c) : '_';
    }
    return tag.empty() ? std::string("eventlog") : tag;
}

// Native journal field: KEY=value, or the binary-safe form for values with a newline.
void field(std::string& out, const char* key, const std::string& value) {
    if (value.find('\n') == std::string::npos) {
        out += key;
        out += '=';
        out += value;
        out += '\n';
        return;
    }
    out += key;
    out += '\n';
    uint64_t n = value.size();
    for (int i = 0; i < 8; ++i) out += char((n >> (8 * i)) & 0xFF);
    out += value;
    out += '\n';
}

class Forwarder {
public:
    void send(const std::string& log, const EventRecord& r) {
        std::lock_guard lock(mutex_);
        if (fd_ < 0 || pid_ != ::getpid()) {
            if (fd_ >= 0) ::close(fd_);
            fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            pid_ = ::getpid();
            if (fd_ < 0) return;
        }
        std::string text = "[" + log + "] EventID=" + std::to_string(r.event_id & 0xFFFF) + " " +
                           type_name(r.event_type) + ": " + inserts(r);
        if (send_to(path_from_env("PYWIN32_POSIX_JOURNAL_SOCKET", kJournalSocket), journal_entry(log, r, text)))
            return;
        send_to(path_from_env("PYWIN32_POSIX_SYSLOG_SOCKET", kSyslogSocket), syslog_line(log, r, text));
    }

private:
    std::string journal_entry(const std::string& log, const EventRecord& r, const std::string& text) {
        std::string e;
        field(e, "MESSAGE", text);
        field(e, "PRIORITY", std::to_string(priority(log, r.event_type) & 7));
        field(e, "SYSLOG_FACILITY", std::to_string(priority(log, r.event_type) >> 3));
        field(e, "SYSLOG_IDENTIFIER", tag_of(r.source_name));
        field(e, "EVENTLOG_LOG", log);
        field(e, "EVENTLOG_RECORD", std::to_string(r.record_number));
        field(e, "EVENTLOG_SOURCE", r.source_name);
        field(e, "EVENTLOG_EVENT_ID", std::to_string(r.event_id));
        field(e, "EVENTLOG_TYPE", type_name(r.event_type));
        field(e, "EVENTLOG_CATEGORY", std::to_string(r.event_category));
        return e;
    }

    std::string syslog_line(const std::string& log, const EventRecord& r, const std::string& text) {
        char stamp[32] = "Jan  1 00:00:00";
        time_t t = r.time_written;
        struct tm tm;
        if (::localtime_r(&t, &tm)) ::strftime(stamp, sizeof stamp, "%b %e %H:%M:%S", &tm);
        return "<" + std::to_string(priority(log, r.event_type)) + ">" + stamp + " " + tag_of(r.source_name) +
               "[" + std::to_string(::getpid()) + "]: " + text;
    }

    bool send_to(const char* path, const std::string& payload) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (std::strlen(path) >= sizeof addr.sun_path) return false;
        std::strcpy(addr.sun_path, path);
        return ::sendto(fd_, payload.data(), payload.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                        reinterpret_cast<sockaddr*>(&addr), sizeof addr) >= 0;
    }

    std::mutex mutex_;
    int fd_ = -1;
    pid_t pid_ = 0;
};

}  // namespace

void forward_record(const std::string& log, const EventRecord& r) noexcept {
    static Forwarder* forwarder = new Forwarder();  // never destroyed: used until exit
    try {
        forwarder->send(log, r);
    } catch (...) {
        // Best effort: the record is in the log already.
    }
}

}  // namespace w32::evtlog
