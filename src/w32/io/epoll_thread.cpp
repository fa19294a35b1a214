#include "w32/io/epoll_thread.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "w32/error/win32_error.h"

namespace w32::io {

void EpollThread::start_locked() {
    if (started_pid_ == ::getpid()) return;
    epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_) throw_errno(errno, function_);
    callbacks_.clear();
    int efd = epoll_.get();
    std::thread([this, efd] { run(efd); }).detach();
    started_pid_ = ::getpid();
}

void EpollThread::add(int fd, uint32_t events, Callback callback) {
    std::lock_guard lock(mutex_);
    start_locked();
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = fd;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) throw_errno(errno, function_);
    callbacks_[fd] = std::make_shared<Callback>(std::move(callback));
}

void EpollThread::remove(int fd) {
    std::lock_guard lock(mutex_);
    if (started_pid_ != ::getpid()) return;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    callbacks_.erase(fd);
}

void EpollThread::run(int efd) {
    epoll_event events[32];
    for (;;) {
        int n = ::epoll_wait(efd, events, 32, -1);
        if (n < 0 && errno != EINTR) return;
        for (int i = 0; i < n; ++i) {
            std::shared_ptr<Callback> cb;
            {
                std::lock_guard lock(mutex_);
                auto it = callbacks_.find(events[i].data.fd);
                if (it != callbacks_.end()) cb = it->second;
            }
            if (cb) (*cb)(events[i].events);
        }
    }
}

}  // namespace w32::io
