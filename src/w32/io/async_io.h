// Overlapped I/O: requests run on a pool of worker threads (see
// docs/win32file.md for why a pool and not io_uring), complete by setting
// the OVERLAPPED's event and by queueing a packet on the file's completion
// port. Completion ports are in-process queues, as Windows' are.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "w32/kernel/handle_table.h"
#include "w32/sync/sync_objects.h"
#include "w32/sync/wait_engine.h"

namespace w32::io {

class FileObject;
class CompletionPort;

// What a request's work reports: bytes moved and 0 or a Win32 error code.
struct IoOutcome {
    uint64_t bytes = 0;
    uint32_t status = 0;
};

// One overlapped operation, shared by its issuer, the engine and the port.
class IoRequest {
public:
    // The work runs on a worker; `cancelled` tells a blocking step to stop
    // (it then throws sync::WaitInterrupted, reported as OPERATION_ABORTED).
    using Work = std::function<IoOutcome(FileObject& file, const sync::InterruptCheck& cancelled)>;

    uint32_t status() const noexcept { return status_.load(std::memory_order_acquire); }
    uint64_t bytes() const noexcept { return bytes_.load(std::memory_order_acquire); }
    bool done() const noexcept;
    // Waits for completion; false on timeout. Throws WaitInterrupted.
    bool wait(uint32_t timeout_ms, const sync::InterruptCheck& interrupted);
    // Marks the request cancelled and tells the cancel hook, if one is set.
    void cancel() noexcept;
    // Called after any request is marked cancelled: a party that completes
    // requests itself (begin_io) can look at once instead of at its next poll.
    static void set_cancel_hook(void (*hook)() noexcept) noexcept;
    bool cancelled() const noexcept { return cancel_.load(std::memory_order_acquire); }
    std::thread::id issuer() const noexcept { return issuer_; }
    // Records the outcome, then sets the event and queues the port's packet.
    void complete(IoOutcome outcome);

private:
    friend class IoEngine;
    friend std::shared_ptr<IoRequest> submit_io(const std::shared_ptr<FileObject>&, Handle, IoRequest::Work,
                                                uint64_t, bool);
    friend std::shared_ptr<IoRequest> begin_io(const std::shared_ptr<FileObject>&, Handle, uint64_t, const char*);

    std::atomic<uint32_t> status_{997};  // ERROR_IO_PENDING
    std::atomic<uint64_t> bytes_{0};
    std::atomic<bool> cancel_{false};
    std::thread::id issuer_;
    Work work_;
    std::weak_ptr<FileObject> file_;
    std::shared_ptr<sync::SyncObject> event_;
    std::shared_ptr<CompletionPort> port_;
    uint64_t key_ = 0;
    uint64_t token_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;
};

// A completion packet.
struct Completion {
    uint32_t status = 0;
    uint64_t bytes = 0;
    uint64_t key = 0;
    uint64_t token = 0;  // the issuer's tag for its OVERLAPPED (0: none)
};

class CompletionPort : public KernelObject {
public:
    ~CompletionPort() override;
    ObjectType type() const noexcept override { return ObjectType::CompletionPort; }
    void post(const Completion& c);
    // nullopt on timeout. Throws WaitInterrupted.
    std::optional<Completion> get(uint32_t timeout_ms, const sync::InterruptCheck& interrupted);
    // Up to `max` packets; waits only for the first.
    std::vector<Completion> get_many(size_t max, uint32_t timeout_ms, const sync::InterruptCheck& interrupted);

    // Told about the tokens of packets nobody dequeued when a port goes, so
    // that the issuer can drop what it kept for them.
    static void set_discard_hook(void (*hook)(uint64_t token));

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Completion> queue_;
};

// CreateIoCompletionPort: a new port (existing == 0) or the existing one;
// with a file, associates the file with the port under `key`.
Handle create_io_completion_port(Handle file, Handle existing, uint64_t key);
void post_queued_completion_status(Handle port, const Completion& c);
std::shared_ptr<CompletionPort> port_of(Handle h, const char* function);

// Queues `work` for handle `h`'s file: resets `event` (a Handle, 0 for none)
// now and sets it at completion; the file's port gets a packet tagged
// `token` (0: no OVERLAPPED to report). `waits_for_others`: the work may
// wait for another party (a pipe's peer, a lock holder, a change); work on
// files runs on a small pool of its own, which such waits cannot starve.
std::shared_ptr<IoRequest> submit_io(const std::shared_ptr<FileObject>& file, Handle event, IoRequest::Work work,
                                     uint64_t token, bool waits_for_others);

// As submit_io, for a request that its caller completes itself (sockets
// complete theirs from their own readiness thread, socket_reactor.h): the
// event is reset and the port's packet prepared, nothing is queued. A
// cancel only marks the request; its owner watches cancelled().
std::shared_ptr<IoRequest> begin_io(const std::shared_ptr<FileObject>& file, Handle event, uint64_t token,
                                    const char* function);

// CancelIo (this thread's requests on the file) / CancelIoEx (all of them,
// or the one request given). ERROR_NOT_FOUND when CancelIoEx found none.
void cancel_io(Handle file, bool all_threads, const IoRequest* only);

// Diagnostics for tests: worker threads alive now.
size_t io_worker_count();

}  // namespace w32::io
