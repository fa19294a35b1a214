#include "w32/kernel/fork_safe_mutex.h"

#include <pthread.h>

#include <new>

namespace w32 {

namespace {

// The live mutexes, in an intrusive list: registering never allocates.
struct Registry {
    std::mutex mutex;
    ForkSafeMutex* head = nullptr;
};

Registry& registry() {
    static Registry* r = [] {
        auto* made = new Registry;  // never destroyed: mutexes may outlive static destructors
        // Prepare holds the list's own lock so that the child sees it whole;
        // it takes no other lock, so it cannot deadlock with any holder.
        pthread_atfork([] { registry().mutex.lock(); }, [] { registry().mutex.unlock(); },
                       [] { ForkSafeMutex::reset_all_in_child(); });
        return made;
    }();
    return *r;
}

}  // namespace

ForkSafeMutex::ForkSafeMutex() {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    next_ = r.head;
    if (next_) next_->prev_ = this;
    r.head = this;
}

ForkSafeMutex::~ForkSafeMutex() {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    if (prev_) prev_->next_ = next_;
    else r.head = next_;
    if (next_) next_->prev_ = prev_;
}

void ForkSafeMutex::reset_all_in_child() noexcept {
    Registry& r = registry();
    // The forking thread held the list's lock (prepare); the child's copy
    // is that thread's, so it is made new rather than unlocked by a thread
    // that, for the mutex, is another one.
    new (&r.mutex) std::mutex();
    for (ForkSafeMutex* m = r.head; m; m = m->next_) new (&m->mutex_) std::mutex();
}

}  // namespace w32
