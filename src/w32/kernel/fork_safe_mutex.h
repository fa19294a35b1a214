// A std::mutex that is usable again in the child of a fork(). A thread of
// the parent may hold a mutex when another thread forks; in the child that
// thread does not exist and the mutex would stay locked forever (Python's
// multiprocessing forks threaded programs all the time). Every
// ForkSafeMutex is made new in the child, as CPython does with its own
// locks; the data it guarded must be fit for that, which is why the holders
// of these mutexes (the registry's hives, for one) also reopen what they
// share with the parent (database connections) in a child.
#pragma once

#include <mutex>

namespace w32 {

class ForkSafeMutex {
public:
    ForkSafeMutex();
    ~ForkSafeMutex();
    ForkSafeMutex(const ForkSafeMutex&) = delete;
    ForkSafeMutex& operator=(const ForkSafeMutex&) = delete;

    void lock() { mutex_.lock(); }
    bool try_lock() { return mutex_.try_lock(); }
    void unlock() { mutex_.unlock(); }

    // In a fork child: every ForkSafeMutex unlocked, whoever held it.
    static void reset_all_in_child() noexcept;

private:
    std::mutex mutex_;
    ForkSafeMutex* prev_ = nullptr;
    ForkSafeMutex* next_ = nullptr;
};

}  // namespace w32
