// The session arena's shared-memory layout. Every process of a session maps
// the same segment; all fields are plain data at fixed offsets, so that any
// process (and a process recovering after another one died) reads them the
// same way. Changes to this layout bump kArenaVersion.
#pragma once

#include <pthread.h>

#include <cstddef>
#include <cstdint>

namespace w32::arena {

inline constexpr uint64_t kArenaMagic = 0x3233576e69577950ull;  // "PyWinW32"
inline constexpr uint32_t kArenaVersion = 3;

inline constexpr uint32_t kMaxThreads = 4096;
inline constexpr uint32_t kMaxObjects = 65536;
inline constexpr uint32_t kMaxWaitObjects = 64;  // MAXIMUM_WAIT_OBJECTS
inline constexpr uint32_t kNameBytes = 512;      // UTF-8, NUL-terminated
inline constexpr uint32_t kNameBuckets = 16384;
inline constexpr uint32_t kUndoCapacity = 65536;
inline constexpr uint32_t kMaxGrants = 4096;
inline constexpr uint32_t kNil = 0xffffffffu;

// Wake word of a thread record: a waiter arms it (0), may announce that it
// goes to sleep (so that a waker knows a system call is needed), and the
// thread completing its wait sets it to done.
inline constexpr uint32_t kWakeArmed = 0;
inline constexpr uint32_t kWakeDone = 1;
inline constexpr uint32_t kWakePoked = 2;  // not done: re-examine the wait (new owner, new due time)
inline constexpr uint32_t kWakeSleeping = 3;
// A sleeper re-reads its wake word at least this often (see ~ArenaTx).
inline constexpr int64_t kMaxSleepSliceNs = 1'000'000'000;

// Result slot of a thread record.
inline constexpr int32_t kResultIdle = -2;     // not waiting
inline constexpr int32_t kResultPending = -1;  // waiting, nothing satisfied yet

enum class Kind : uint32_t { Free = 0, Event = 1, Mutex = 2, Semaphore = 3, Timer = 4 };

// One "thread waits on object" link, kept in the thread's record and
// threaded onto the object's FIFO queue.
struct WaitEntry {
    uint32_t object;  // object index
    uint32_t prev;    // entry ids (thread * kMaxWaitObjects + slot), kNil at the ends
    uint32_t next;
    uint32_t queued;  // 1 while on the object's queue
};

struct ThreadRecord {
    // Held by the live thread for its whole life: a dead owner shows as
    // EOWNERDEAD (or as an unlocked mutex on an in-use record).
    pthread_mutex_t liveness;
    uint32_t in_use;
    uint32_t generation;
    int32_t pid;
    int32_t tid;
    uint32_t wake;          // the futex this thread sleeps on: kWake*
    int32_t result;         // kResultIdle / kResultPending / WAIT_* value
    uint32_t wait_count;    // objects in the current wait
    uint32_t wait_all;      // 1 for a wait-all
    uint32_t abandoned;     // 1 when the acquisition included an abandoned mutex
    uint32_t pad;
    WaitEntry entries[kMaxWaitObjects];
};

struct ObjectSlot {
    uint32_t kind;          // Kind
    uint32_t generation;    // bumped on free: detects a stale (index, generation)
    // Per kind:
    //   Event:     a = signalled (0/1), b = manual reset
    //   Mutex:     a = owner thread + 1 (0 = free), b = recursion, c = abandoned
    //   Semaphore: a = count, b = maximum
    //   Timer:     a = signalled, b = manual reset, c = due (ns, CLOCK_REALTIME), d = period (ns)
    int64_t a, b, c, d;
    uint32_t queue_head;    // entry ids
    uint32_t queue_tail;
    uint32_t name_next;     // next object in the name bucket, kNil at the end
    uint32_t named;
    uint32_t grants;        // pending DuplicateHandle grants: they keep it alive
};

// A handle that one process duplicated into another, waiting for the target
// to use it (DuplicateHandle into a foreign process).
struct GrantRecord {
    uint32_t in_use;
    int32_t target_pid;
    uint64_t target_start;  // the target's start time: a reused pid is not it
    uint64_t handle;        // the value the target will use
    uint32_t object;
    uint32_t access;
    uint32_t inherit;
    uint32_t pad;
};

struct UndoEntry {
    uint64_t offset;  // from the arena base
    uint64_t old_value;
    uint32_t size;
    uint32_t pad;
};

struct Header {
    uint64_t magic;
    uint32_t version;
    uint32_t ready;
    uint64_t total_size;
    pthread_mutex_t lock;       // the arena lock: robust, process-shared
    uint32_t undo_count;        // entries of the operation in progress
    uint32_t object_high_water; // no object at or above this index is in use
    uint32_t objects_in_use;
    uint32_t threads_in_use;
    uint64_t recoveries;        // times a dead lock holder was recovered from
    uint64_t next_remote_handle;  // session-wide unique values for grants
    uint32_t name_buckets[kNameBuckets];
    UndoEntry undo[kUndoCapacity];
};

struct Layout {
    Header header;
    ThreadRecord threads[kMaxThreads];
    GrantRecord grants[kMaxGrants];
    ObjectSlot objects[kMaxObjects];
    char names[kMaxObjects][kNameBytes];
};

}  // namespace w32::arena
