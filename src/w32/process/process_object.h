// Process handles: OpenProcess, GetCurrentProcess's pseudo-handle and
// DuplicateHandle. A process handle is waitable: it is signalled when the
// process ends (a pidfd watched by one helper thread per process sets the
// handle's exit event).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "w32/kernel/handle_table.h"
#include "w32/sync/sync_objects.h"

namespace w32::process {

inline constexpr uint32_t kProcessTerminate = 0x0001;
inline constexpr uint32_t kProcessDupHandle = 0x0040;
inline constexpr uint32_t kProcessQueryInformation = 0x0400;
inline constexpr uint32_t kProcessQueryLimitedInformation = 0x1000;
inline constexpr uint32_t kProcessAllAccess = 0x001FFFFF;
inline constexpr uint32_t kThreadAllAccess = 0x001FFFFF;
inline constexpr uint32_t kDuplicateCloseSource = 0x1;
inline constexpr uint32_t kDuplicateSameAccess = 0x2;

class ProcessObject : public sync::WaitableObject {
public:
    // pidfd < 0 for this process itself (never signalled while we run). A
    // forked child holding that object sees another process: its pidfd is
    // opened on first wait.
    ProcessObject(pid_t pid, int pidfd);
    ~ProcessObject() override;
    ObjectType type() const noexcept override { return ObjectType::Process; }
    uint32_t wait_index() override;
    pid_t pid() const noexcept { return pid_; }

private:
    pid_t pid_;
    int pidfd_;
    std::mutex mutex_;  // guards pidfd_ once it may be opened late
    std::shared_ptr<sync::SyncObject> exit_event_;
};

// Calls on_exit (on the watcher thread) once the process behind `pidfd`
// has ended; the caller keeps the pidfd open until then.
void watch_exit(int pidfd, std::function<void()> on_exit);
// Stops watching (before the caller closes a pidfd whose task still runs).
void unwatch_exit(int pidfd);

// Wires the pseudo-handles (GetCurrentProcess) into the handle table.
void install_pseudo_handles();

Handle open_process(uint32_t access, bool inherit, uint32_t pid);

// DuplicateHandle from this process into this or another process. Handles
// to kernel objects of the arena (events, mutexes, semaphores, timers) can go
// to any process of the session; other kinds only within this process.
Handle duplicate_handle(Handle source_process, Handle source, Handle target_process,
                        uint32_t access, bool inherit, uint32_t options);

// The process behind a process handle (ERROR_INVALID_HANDLE otherwise).
std::shared_ptr<ProcessObject> process_of(Handle h, const char* function);

}  // namespace w32::process
