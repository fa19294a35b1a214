#include "w32/msg/message_queue.h"

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

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

// `input_event` is a manual-reset event set while the queue holds input
// its thread has not looked at yet; MsgWait waits on it like on any object.
struct Queue {
    std::mutex mutex;
    std::deque<Message> messages;
    Handle input_event = 0;
    bool unseen = false;

    Queue() {
        sync::CreateOptions opts;
        input_event = sync::create_event(opts, true, false);
    }
    ~Queue() {
        try {
            HandleTable::instance().close(input_event, "CloseHandle");
        } catch (...) {
        }
    }
};

std::mutex g_registry_mutex;
std::unordered_map<uint32_t, std::shared_ptr<Queue>>* g_registry =
    new std::unordered_map<uint32_t, std::shared_ptr<Queue>>;

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

std::shared_ptr<Queue> current_queue() {
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
        q.unseen = true;
    }
    sync::set_event(q.input_event);
}

// The caller looked at its queue: what is there is no longer new input.
void mark_seen(Queue& q) {
    q.unseen = false;
    sync::reset_event(q.input_event);
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
    return std::nullopt;
}

Message get_message(uint32_t first, uint32_t last, const sync::InterruptCheck& interrupted) {
    auto q = current_queue();
    for (;;) {
        if (auto m = peek_message(first, last, true)) return *m;
        sync::wait_for_multiple({&q->input_event, 1}, false, sync::kInfinite, interrupted, "GetMessage");
    }
}

uint32_t msg_wait_for_multiple(std::span<const Handle> handles, uint32_t timeout_ms,
                               uint32_t wake_mask, uint32_t flags,
                               const sync::InterruptCheck& interrupted) {
    const char* function = "MsgWaitForMultipleObjects";
    // One slot of MAXIMUM_WAIT_OBJECTS is the queue's.
    if (handles.size() >= 64) throw_win32(err::kInvalidParameter, function);
    auto q = current_queue();
    // Only posted and timer messages exist here; a mask without them never
    // sees input, as on Windows when the mask excludes what arrives.
    bool wants_input = wake_mask & (kQsPostMessage | kQsTimer | kQsAllPostMessage);
    if (wants_input && (flags & kMwmoInputAvailable)) {
        std::lock_guard lock(q->mutex);
        if (!q->messages.empty()) sync::set_event(q->input_event);
    }
    std::vector<Handle> all(handles.begin(), handles.end());
    all.push_back(q->input_event);
    Handle never_set = 0;
    if (!wants_input) {
        // The mask excludes everything that can arrive: the queue slot is an
        // event nobody sets, so only the handles (or the timeout) end the wait.
        never_set = sync::create_event({}, true, false);
        all.back() = never_set;
    }
    struct CloseLater {
        Handle h;
        ~CloseLater() {
            if (h) HandleTable::instance().close(h, "CloseHandle");
        }
    } close_later{never_set};
    return sync::wait_for_multiple(all, flags & kMwmoWaitAll, timeout_ms, interrupted, function);
}

}  // namespace w32::msg
