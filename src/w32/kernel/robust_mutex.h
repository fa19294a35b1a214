// Process-shared robust mutexes in shared memory (the arena's lock, the
// trace buffer's): the kernel hands a dead holder's lock to the next taker
// with EOWNERDEAD, who repairs what it guards.
#pragma once

#include <pthread.h>

namespace w32 {

void init_robust_mutex(pthread_mutex_t* m);

// Takes `m`: 0, or EOWNERDEAD (the caller repairs the state, then calls
// pthread_mutex_consistent), or another error from pthread. It spins a
// little, then sleeps in bounded slices: a futex unlock wakes one sleeper,
// and if that one is killed before it takes the lock the wake is lost, so
// nobody may sleep on it for long.
int lock_robust_mutex(pthread_mutex_t* m);

}  // namespace w32
