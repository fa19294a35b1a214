// Object lifetime without a reaper process: each process holding handles to
// an arena object holds an OFD read lock on that object's byte of one lock
// file. The kernel drops the locks of a process that dies, so "does anyone
// still hold object i?" is one non-blocking write-lock attempt. The last
// closer frees the object; objects whose holders were all killed are freed
// by the next process that finds them (by name, or in a sweep).
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "w32/kernel/arena.h"

namespace w32::arena {

class ObjectRefs {
public:
    static ObjectRefs& instance();

    // One more local reference; the first takes the read lock. Call inside
    // the transaction that created or looked up the object.
    void add(ArenaTx& tx, uint32_t object);
    // One reference fewer; the session's last reference frees the object.
    void release(uint32_t object) noexcept;

    // Under a transaction: if no process holds `object`, free it and return
    // true (a name lookup then treats it as absent).
    bool collect_if_orphaned(ArenaTx& tx, uint32_t object);
    // Frees every orphaned object; returns the number of objects in use.
    uint32_t sweep();

private:
    void before_fork();
    void after_fork_parent();
    void after_fork_child();
    static void lock_on(int fd, short type, uint32_t object);
    bool try_write_lock(uint32_t object);
    void set_lock(short type, uint32_t object);

    std::mutex mutex_;
    std::unordered_map<uint32_t, uint32_t> counts_;
    int child_fd_ = -1;  // the next child's lock file description, during a fork
};

}  // namespace w32::arena
