// One thread per user that waits on descriptors with epoll and calls back
// when one is ready: what change notifications and socket events share. The
// thread starts on first use, and again in a forked child (which has no
// threads of its parent's).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "w32/io/unique_fd.h"

namespace w32::io {

class EpollThread {
public:
    // Runs on the thread, with no lock of the EpollThread held.
    using Callback = std::function<void(uint32_t ready)>;

    // Leaked on purpose: its thread may still wait when statics are destroyed.
    static EpollThread& create(const char* function) { return *new EpollThread(function); }

    // `events`: EPOLL* bits (EPOLLET for edge-triggered). Throws with the
    // owner's function name when the descriptor cannot be watched.
    void add(int fd, uint32_t events, Callback callback);
    void remove(int fd);

private:
    explicit EpollThread(const char* function) : function_(function) {}
    void start_locked();
    void run(int epoll_fd);

    const char* function_;
    std::mutex mutex_;
    UniqueFd epoll_;
    pid_t started_pid_ = 0;
    std::unordered_map<int, std::shared_ptr<Callback>> callbacks_;
};

}  // namespace w32::io
