#include "w32/msg/message_queue.h"

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/sync/sync_objects.h"

namespace w32::msg {

namespace {

constexpr uint32_t kErrorInvalidThreadId = 1444;
constexpr uint32_t kErrorNotEnoughQuota = 1816;
// Windows caps a posted-message queue at 10,000 by default.
constexpr size_t kMaxQueued = 10000;

uint32_t tick_count() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint32_t(uint64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000);
}

// Manual-reset events tell MsgWait about input its thread has not looked at
// yet: one for posted messages, one for WM_TIMER and one for either, so that
// a wake mask takes one kind or both with a single wait slot.
struct Queue {
    std::mutex mutex;
    std::deque<Message> messages;
    bool quit_pending = false;
    int32_t quit_code = 0;
    Handle posted_event = 0;
    Handle timer_event = 0;
    Handle any_event = 0;

    Queue() {
        posted_event = sync::create_event({}, true, false);
        timer_event = sync::create_event({}, true, false);
        any_event = sync::create_event({}, true, false);
    }
    ~Queue() {
        for (Handle h : {posted_event, timer_event, any_event}) {
            try {
                HandleTable::instance().close(h, "CloseHandle");
            } catch (...) {
            }
        }
    }
    // The event MsgWait uses for a wake mask (0: none fits).
    Handle event_for_mask(bool posted, bool timer) const {
        return posted && timer ? any_event : posted ? posted_event : timer ? timer_event : 0;
    }
};

using Registry = std::unordered_map<uint32_t, std::shared_ptr<Queue>>;
std::mutex g_registry_mutex;
Registry* g_registry = new Registry;

// Unregisters the thread's queue when the thread ends.
struct QueueOwner {
    std::shared_ptr<Queue> queue;
    ~QueueOwner() {
        if (!queue) return;
        std::lock_guard lock(g_registry_mutex);
        g_registry->erase(current_thread_id());
    }
};
thread_local QueueOwner t_owner;

// A forked child starts with no queues: the copies name the parent's
// threads and share the parent's events. They are dropped without being
// destroyed (destroying them would touch the parent's events).
void forget_queues_after_fork() {
    new Registry(std::move(*g_registry));
    g_registry = new Registry;
    new (&g_registry_mutex) std::mutex;
    new std::shared_ptr<Queue>(std::move(t_owner.queue));
}

std::shared_ptr<Queue> current_queue() {
    static const bool fork_handler = pthread_atfork(nullptr, nullptr, forget_queues_after_fork) == 0;
    (void)fork_handler;
    if (!t_owner.queue) {
        auto q = std::make_shared<Queue>();
        std::lock_guard lock(g_registry_mutex);
        (*g_registry)[current_thread_id()] = q;
        t_owner.queue = q;
    }
    return t_owner.queue;
}

bool in_range(uint32_t message, uint32_t first, uint32_t last) {
    if (first == 0 && last == 0) return true;
    return message >= first && message <= last;
}

void post(Queue& q, const Message& m) {
    {
        std::lock_guard lock(q.mutex);
        if (q.messages.size() >= kMaxQueued) throw_win32(kErrorNotEnoughQuota, "PostThreadMessage");
        q.messages.push_back(m);
    }
    sync::set_event(m.message == kWmTimer ? q.timer_event : q.posted_event);
    sync::set_event(q.any_event);
}

// The caller looked at its queue: what is there is no longer new input.
void mark_seen(Queue& q) {
    for (Handle h : {q.posted_event, q.timer_event, q.any_event}) sync::reset_event(h);
}

}  // namespace

uint32_t current_thread_id() noexcept { return uint32_t(gettid()); }

void post_thread_message(uint32_t thread_id, uint32_t message, uint64_t wparam, int64_t lparam) {
    std::shared_ptr<Queue> q;
    {
        std::lock_guard lock(g_registry_mutex);
        auto it = g_registry->find(thread_id);
        if (it != g_registry->end()) q = it->second;
    }
    if (!q) throw_win32(kErrorInvalidThreadId, "PostThreadMessage");
    post(*q, Message{0, message, wparam, lparam, tick_count()});
}

void post_to_current_thread(uint32_t message, uint64_t wparam, int64_t lparam) {
    post(*current_queue(), Message{0, message, wparam, lparam, tick_count()});
}

void post_quit_message(int32_t exit_code) {
    auto q = current_queue();
    {
        std::lock_guard lock(q->mutex);
        q->quit_pending = true;
        q->quit_code = exit_code;
    }
    sync::set_event(q->posted_event);
    sync::set_event(q->any_event);
}

std::optional<Message> peek_message(uint32_t first, uint32_t last, bool remove) {
    auto q = current_queue();
    std::lock_guard lock(q->mutex);
    mark_seen(*q);
    for (auto it = q->messages.begin(); it != q->messages.end(); ++it) {
        if (!in_range(it->message, first, last)) continue;
        Message m = *it;
        if (remove) q->messages.erase(it);
        return m;
    }
    if (q->quit_pending && in_range(kWmQuit, first, last)) {
        if (remove) q->quit_pending = false;
        return Message{0, kWmQuit, uint64_t(int64_t(q->quit_code)), 0, tick_count()};
    }
    return std::nullopt;
}

Message get_message(uint32_t first, uint32_t last, const sync::InterruptCheck& interrupted) {
    auto q = current_queue();
    for (;;) {
        if (auto m = peek_message(first, last, true)) return *m;
        sync::wait_for_multiple({&q->any_event, 1}, false, sync::kInfinite, interrupted, "GetMessage");
    }
}

uint32_t msg_wait_for_multiple(std::span<const Handle> handles, uint32_t timeout_ms,
                               uint32_t wake_mask, uint32_t flags,
                               const sync::InterruptCheck& interrupted) {
    const char* function = "MsgWaitForMultipleObjects";
    // One slot of MAXIMUM_WAIT_OBJECTS is the queue's.
    if (handles.size() >= 64) throw_win32(err::kInvalidParameter, function);
    auto q = current_queue();
    uint32_t n = uint32_t(handles.size());
    bool wants_posted = wake_mask & (kQsPostMessage | kQsAllPostMessage);
    bool wants_timer = wake_mask & kQsTimer;
    bool wait_all = flags & kMwmoWaitAll;
    if ((flags & kMwmoInputAvailable) && !wait_all) {
        // Input already in the queue counts even if it was seen; objects
        // signalled now still win with their lower index.
        bool available;
        {
            std::lock_guard lock(q->mutex);
            available = (wants_posted && q->quit_pending);
            for (const Message& m : q->messages)
                if ((m.message == kWmTimer) ? wants_timer : wants_posted) available = true;
        }
        if (available) {
            if (n > 0) {
                uint32_t r = sync::wait_for_multiple(handles, false, 0, interrupted, function);
                if (r != sync::kWaitTimeout) return r;
            }
            return sync::kWaitObject0 + n;
        }
    }
    std::vector<Handle> all(handles.begin(), handles.end());
    // Only posted and timer messages exist here: a mask without either never
    // sees input, so only the handles (or the timeout) end the wait.
    Handle input = q->event_for_mask(wants_posted, wants_timer);
    Handle never_set = 0;
    if (!input) input = never_set = sync::create_event({}, true, false);
    all.push_back(input);
    struct CloseLater {
        Handle h;
        ~CloseLater() {
            if (h) HandleTable::instance().close(h, "CloseHandle");
        }
    } close_later{never_set};
    return sync::wait_for_multiple(all, wait_all, timeout_ms, interrupted, function);
}

}  // namespace w32::msg
