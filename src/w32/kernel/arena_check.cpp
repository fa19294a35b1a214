#include "w32/kernel/arena_check.h"

#include <string_view>
#include <vector>

#include "w32/kernel/arena.h"

namespace w32::arena {

namespace {

std::string fail(const char* what, uint32_t index) { return std::string(what) + " at " + std::to_string(index); }

}  // namespace

std::string check_arena(ArenaTx& tx) {
    Layout& l = tx.layout();
    Header& h = l.header;
    if (h.undo_count != 0) return fail("undo log not empty", h.undo_count);
    if (h.object_high_water > kMaxObjects) return fail("high water beyond table", h.object_high_water);

    uint32_t objects = 0;
    std::vector<uint8_t> on_queue(size_t(kMaxThreads) * kMaxWaitObjects, 0);
    for (uint32_t i = 0; i < kMaxObjects; ++i) {
        const ObjectSlot& o = l.objects[i];
        if (o.kind == uint32_t(Kind::Free)) {
            if (o.queue_head != kNil && i < h.object_high_water) return fail("free object with a queue", i);
            continue;
        }
        if (i >= h.object_high_water) return fail("object above high water", i);
        if (o.kind > uint32_t(Kind::Timer)) return fail("bad object kind", i);
        ++objects;
        // Walk the queue forwards, checking back links and entry ownership.
        uint32_t prev = kNil, id = o.queue_head, steps = 0;
        while (id != kNil) {
            if (id >= kMaxThreads * kMaxWaitObjects) return fail("queue entry out of range", i);
            if (++steps > kMaxThreads * kMaxWaitObjects) return fail("queue cycle", i);
            const WaitEntry& e = entry_of(l, id);
            if (!e.queued || e.object != i || e.prev != prev) return fail("queue link broken", i);
            const ThreadRecord& r = l.threads[id / kMaxWaitObjects];
            if (!r.in_use) return fail("queued entry of a free thread", i);
            if (r.result != kResultPending) return fail("queued entry of a thread not waiting", i);
            on_queue[id] = 1;
            prev = id;
            id = e.next;
        }
        if (o.queue_tail != prev) return fail("queue tail wrong", i);
        switch (Kind(o.kind)) {
            case Kind::Event:
                if (o.a != 0 && o.a != 1) return fail("event state", i);
                break;
            case Kind::Semaphore:
                if (o.a < 0 || o.a > o.b) return fail("semaphore count", i);
                break;
            case Kind::Mutex:
                if (o.a < 0 || o.a > int64_t(kMaxThreads)) return fail("mutex owner", i);
                if ((o.a == 0) != (o.b == 0)) return fail("mutex recursion vs owner", i);
                if (o.a != 0 && !l.threads[o.a - 1].in_use) return fail("mutex owned by a free thread", i);
                break;
            default: break;
        }
    }
    if (objects != h.objects_in_use) return fail("objects_in_use mismatch", objects);

    uint32_t threads = 0;
    for (uint32_t t = 0; t < kMaxThreads; ++t) {
        const ThreadRecord& r = l.threads[t];
        if (r.in_use) ++threads;
        for (uint32_t k = 0; k < kMaxWaitObjects; ++k) {
            uint32_t id = t * kMaxWaitObjects + k;
            if (r.entries[k].queued != on_queue[id]) return fail("entry queued flag disagrees with queues", id);
        }
    }
    if (threads != h.threads_in_use) return fail("threads_in_use mismatch", threads);

    // Every named object is reachable from its bucket exactly once.
    uint32_t linked = 0;
    for (uint32_t b = 0; b < kNameBuckets; ++b) {
        uint32_t steps = 0;
        for (uint32_t i = h.name_buckets[b]; i != kNil; i = l.objects[i].name_next) {
            if (i >= kMaxObjects || ++steps > kMaxObjects) return fail("name chain broken", b);
            if (l.objects[i].kind == uint32_t(Kind::Free) || !l.objects[i].named)
                return fail("name chain holds an unnamed object", i);
            ++linked;
        }
    }
    uint32_t named = 0;
    for (uint32_t i = 0; i < h.object_high_water; ++i)
        if (l.objects[i].kind != uint32_t(Kind::Free) && l.objects[i].named) ++named;
    if (named != linked) return fail("named objects not all linked", named);
    return {};
}

}  // namespace w32::arena
