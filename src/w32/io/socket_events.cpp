#include "w32/io/socket_events.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/sockios.h>

#include <cerrno>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/epoll_thread.h"
#include "w32/sync/sync_objects.h"

namespace w32::io {

namespace {

constexpr uint32_t kWsaENotSock = 10038;

struct Watched {
    std::shared_ptr<sync::SyncObject> event;
    uint32_t mask = 0;
    uint32_t recorded = 0;
    int32_t errors[6] = {};
    ino_t ino = 0;
    bool listening = false;
    bool connected = false;  // FD_CONNECT is reported once, when a connect completes
    bool seen = false;       // the first wake-up after the select has come
};

int bit_index(uint32_t bit) {
    int i = 0;
    while (bit > 1) bit >>= 1, ++i;
    return i;
}

class SocketWatcher {
public:
    static SocketWatcher& instance() {
        static SocketWatcher* w = new SocketWatcher;  // leaked: its thread may outlive static destruction
        return *w;
    }

    void select(int fd, std::shared_ptr<sync::SyncObject> event, uint32_t mask) {
        thread_.remove(fd);
        std::lock_guard lock(mutex_);
        sockets_.erase(fd);
        if (!mask || !event) return;
        struct stat st;
        ::fstat(fd, &st);
        Watched w;
        w.event = std::move(event);
        w.mask = mask;
        w.ino = st.st_ino;
        int listening = 0;
        socklen_t len = sizeof listening;
        ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len);
        w.listening = listening;
        sockaddr_storage peer;
        socklen_t plen = sizeof peer;
        w.connected = ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) == 0;
        sockets_[fd] = w;
        // Edge-triggered, for good: a new arrival (data, a connection, the
        // peer's close) is an event; what was there and was reported is not
        // reported again. The kernel's write-space wake-up comes only after a
        // send found the buffer full, which is when Windows reports FD_WRITE.
        thread_.add(fd, EPOLLET | EPOLLIN | EPOLLOUT | EPOLLPRI | EPOLLRDHUP,
                    [this, fd](uint32_t ready) { record(fd, ready); });
    }

    std::map<uint32_t, int32_t> take(int fd) {
        std::lock_guard lock(mutex_);
        std::map<uint32_t, int32_t> out;
        auto it = sockets_.find(fd);
        if (it == sockets_.end()) return out;
        Watched& w = it->second;
        for (uint32_t bit = 1; bit <= kFdClose; bit <<= 1)
            if (w.recorded & bit) out[bit] = w.errors[bit_index(bit)];
        w.recorded = 0;
        return out;
    }

private:
    void record(int fd, uint32_t ready) {
        std::shared_ptr<sync::SyncObject> to_set;
        {
            std::lock_guard lock(mutex_);
            auto it = sockets_.find(fd);
            if (it == sockets_.end()) return;
            Watched& w = it->second;
            struct stat st;
            if (::fstat(fd, &st) != 0 || st.st_ino != w.ino) {  // closed, the number reused
                sockets_.erase(it);
                return;
            }
            int so_error = 0;
            socklen_t len = sizeof so_error;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
            uint32_t bits = 0;
            auto note = [&](uint32_t bit, int32_t error) {
                if (!(w.mask & bit)) return;
                bits |= bit;
                w.errors[bit_index(bit)] = error;
            };
            if (!w.listening && !w.connected && (ready & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
                sockaddr_storage peer;
                socklen_t plen = sizeof peer;
                bool now = ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) == 0;
                if (now || so_error) {
                    note(kFdConnect, static_cast<int32_t>(wsa_from_errno(so_error)));
                    w.connected = now;
                    if (now) note(kFdWrite, 0);
                }
            } else if ((ready & EPOLLOUT) && (!w.seen || !(ready & (EPOLLIN | EPOLLRDHUP | EPOLLPRI)))) {
                // Writable right after the select, or woken for write space
                // alone (an edge-triggered wake-up reports the whole state, so
                // a wake-up for input says "writable" too without news).
                note(kFdWrite, 0);
            }
            if (ready & EPOLLIN) note(w.listening ? kFdAccept : kFdRead, 0);
            if (ready & EPOLLPRI) note(kFdOob, 0);
            if (w.connected && (ready & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))) note(kFdClose, static_cast<int32_t>(wsa_from_errno(so_error)));
            // Recorded once until enumerated, however often it happens meanwhile.
            if (bits & ~w.recorded) to_set = w.event;
            w.recorded |= bits;
            w.seen = true;
        }
        if (to_set) sync::set_event_object(*to_set);
    }

    EpollThread& thread_ = EpollThread::create("WSAEventSelect");
    std::mutex mutex_;
    std::unordered_map<int, Watched> sockets_;
};

void check_socket(int fd, const char* function) {
    struct stat st;
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) throw_win32(kWsaENotSock, function);
}

}  // namespace

void wsa_event_select(int fd, Handle event, uint32_t mask) {
    const char* fn = "WSAEventSelect";
    check_socket(fd, fn);
    if (mask & ~kFdAllEvents) throw_win32(10022, fn);  // WSAEINVAL
    std::shared_ptr<sync::SyncObject> ev;
    if (mask) {
        ev = HandleTable::instance().get<sync::SyncObject>(event, ObjectType::Event, fn);
        int fl = ::fcntl(fd, F_GETFL);
        if (fl >= 0) ::fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    }
    SocketWatcher::instance().select(fd, std::move(ev), mask);
}

std::map<uint32_t, int32_t> wsa_enum_network_events(int fd, Handle event) {
    const char* fn = "WSAEnumNetworkEvents";
    check_socket(fd, fn);
    if (event) sync::reset_event(event);
    return SocketWatcher::instance().take(fd);
}

}  // namespace w32::io
