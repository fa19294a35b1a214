// Thread message queues: PostThreadMessage, PeekMessage/GetMessage and the
// "new input" signal MsgWaitForMultipleObjects waits for. A thread has a
// queue once it asks for one (as on Windows, where a thread gets its queue on
// its first USER call); queues belong to threads of this process.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "w32/kernel/handle_table.h"
#include "w32/sync/wait_engine.h"

namespace w32::msg {

inline constexpr uint32_t kWmQuit = 0x0012;
inline constexpr uint32_t kWmTimer = 0x0113;
inline constexpr uint32_t kQsPostMessage = 0x0008;
inline constexpr uint32_t kQsTimer = 0x0010;
inline constexpr uint32_t kQsAllPostMessage = 0x0100;  // QS_ALLPOSTMESSAGE
inline constexpr uint32_t kPmRemove = 0x0001;
// MsgWaitForMultipleObjectsEx flags.
inline constexpr uint32_t kMwmoWaitAll = 0x0001;
inline constexpr uint32_t kMwmoAlertable = 0x0002;
inline constexpr uint32_t kMwmoInputAvailable = 0x0004;

struct Message {
    uint64_t hwnd = 0;
    uint32_t message = 0;
    uint64_t wparam = 0;
    int64_t lparam = 0;
    uint32_t time = 0;  // GetTickCount() when posted
};

// The calling thread's OS thread id (GetCurrentThreadId).
uint32_t current_thread_id() noexcept;

// ERROR_INVALID_THREAD_ID when `thread_id` has no queue in this process.
void post_thread_message(uint32_t thread_id, uint32_t message, uint64_t wparam, int64_t lparam);
// Posts to the calling thread's own queue (creating it).
void post_to_current_thread(uint32_t message, uint64_t wparam, int64_t lparam);
// PostQuitMessage: never fails; WM_QUIT is delivered once the queue holds no
// other message in the requested range, as on Windows.
void post_quit_message(int32_t exit_code);

// PeekMessage for thread messages: the first message within [first, last]
// (0, 0 = all), removed when `remove`. Marks the queue's input as seen.
std::optional<Message> peek_message(uint32_t first, uint32_t last, bool remove);
// GetMessage: blocks until a message in range arrives.
Message get_message(uint32_t first, uint32_t last, const sync::InterruptCheck& interrupted);

// MsgWaitForMultipleObjectsEx: returns WAIT_OBJECT_0 + handles.size() when
// new input matching `wake_mask` is in the calling thread's queue.
uint32_t msg_wait_for_multiple(std::span<const Handle> handles, uint32_t timeout_ms,
                               uint32_t wake_mask, uint32_t flags,
                               const sync::InterruptCheck& interrupted);

}  // namespace w32::msg
