#include "w32/io/async_io.h"

#include <pthread.h>

#include <chrono>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/file_object.h"
#include "w32/io/socket_file.h"

namespace w32::io {

namespace {

using clock = std::chrono::steady_clock;

// A blocked wait looks for Ctrl+C this often.
constexpr auto kSlice = std::chrono::milliseconds(50);
// Workers beyond the first few leave after this long without work.
constexpr auto kIdleExit = std::chrono::seconds(5);
// Requests on files finish in bounded time: a few workers keep the disk
// busy (more only contend). Requests that wait for another party (pipe
// reads, connects, lock waits, change notifications) each hold a worker
// while they wait: that pool grows as they need, to a bound.
constexpr size_t kMaxFileWorkers = 4;
constexpr size_t kMaxWaitingWorkers = 256;

void (*g_discard_hook)(uint64_t) = nullptr;

// Waits on `cv` until `ready()`, the timeout, or an interrupt (WaitInterrupted).
template <class Ready>
bool wait_interruptibly(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, uint32_t timeout_ms,
                        const sync::InterruptCheck& interrupted, Ready ready) {
    const bool forever = timeout_ms == sync::kInfinite;
    const auto deadline = clock::now() + std::chrono::milliseconds(forever ? 0 : timeout_ms);
    while (!ready()) {
        auto until = clock::now() + kSlice;
        if (!forever && deadline < until) until = deadline;
        if (!interrupted && forever) cv.wait(lock);
        else cv.wait_until(lock, until);
        if (ready()) return true;
        if (interrupted) {
            lock.unlock();
            bool stop = interrupted();
            lock.lock();
            if (stop) throw sync::WaitInterrupted{};
        }
        if (!forever && clock::now() >= deadline) return ready();
    }
    return true;
}

}  // namespace

// The worker pool. Leaked on purpose: workers may still wait on its
// condition variable while the process exits.
class IoEngine {
public:
    explicit IoEngine(size_t max_workers) : max_workers_(max_workers) {}

    static IoEngine& files() { return pools().first; }
    static IoEngine& waits() { return pools().second; }

    void enqueue(std::shared_ptr<IoRequest> r) {
        std::unique_lock lock(mutex_);
        queue_.push_back(std::move(r));
        if (idle_ > queue_.size() - 1) {
            cv_.notify_one();
            return;
        }
        if (workers_ < max_workers_) {
            ++workers_;
            try {
                std::thread([this] { run(); }).detach();
            } catch (...) {
                --workers_;
                if (workers_ == 0) {
                    queue_.pop_back();
                    throw_win32(err::kNoSystemResources, "ReadFile");
                }
            }
        }
        cv_.notify_one();
    }

    // Takes a request off the queue if no worker has it yet.
    bool unqueue(const IoRequest* r) {
        std::lock_guard lock(mutex_);
        for (auto it = queue_.begin(); it != queue_.end(); ++it) {
            if (it->get() == r) {
                queue_.erase(it);
                return true;
            }
        }
        return false;
    }

    size_t workers() {
        std::lock_guard lock(mutex_);
        return workers_;
    }

private:
    void after_fork() {
        // The child has none of the parent's threads; its queue is the parent's business.
        new (&mutex_) std::mutex;
        new (&cv_) std::condition_variable;
        queue_.clear();
        workers_ = 0;
        idle_ = 0;
    }

    void run() {
        std::unique_lock lock(mutex_);
        for (;;) {
            ++idle_;
            bool got = cv_.wait_for(lock, kIdleExit, [&] { return !queue_.empty(); });
            --idle_;
            if (!got) {
                --workers_;
                return;
            }
            auto r = std::move(queue_.front());
            queue_.pop_front();
            lock.unlock();
            execute(*r);
            r.reset();
            lock.lock();
        }
    }

    static void execute(IoRequest& r) {
        auto file = r.file_.lock();
        if (!file || r.cancelled()) {
            r.complete({0, err::kOperationAborted});
            return;
        }
        IoOutcome out;
        ++file->running_io;
        // Cancelled by CancelIo, or by the last handle closing: then only
        // the workers running the file's requests hold it.
        sync::InterruptCheck cancelled = [&r, &file] {
            return r.cancelled() || file.use_count() <= file->running_io.load();
        };
        try {
            out = r.work_(*file, cancelled);
        } catch (const Win32Error& e) {
            out = {0, e.code()};
        } catch (const sync::WaitInterrupted&) {
            out = {0, err::kOperationAborted};
        } catch (const std::bad_alloc&) {
            out = {0, err::kNotEnoughMemory};
        } catch (...) {
            out = {0, err::kInternalError};
        }
        --file->running_io;
        file.reset();
        r.work_ = nullptr;
        r.complete(out);
    }

    static std::pair<IoEngine&, IoEngine&> pools() {
        static auto* both = [] {
            auto* p = new std::pair<IoEngine, IoEngine>(std::piecewise_construct, std::forward_as_tuple(kMaxFileWorkers),
                                                        std::forward_as_tuple(kMaxWaitingWorkers));
            pthread_atfork(nullptr, nullptr, [] {
                IoEngine::files().after_fork();
                IoEngine::waits().after_fork();
            });
            return p;
        }();
        return {both->first, both->second};
    }

    const size_t max_workers_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::shared_ptr<IoRequest>> queue_;
    size_t workers_ = 0;
    size_t idle_ = 0;
};

namespace {

bool unqueue_anywhere(const IoRequest* r) { return IoEngine::files().unqueue(r) || IoEngine::waits().unqueue(r); }

}  // namespace

namespace {

std::atomic<void (*)() noexcept> g_cancel_hook{nullptr};

}  // namespace

void IoRequest::cancel() noexcept {
    cancel_.store(true, std::memory_order_release);
    if (auto hook = g_cancel_hook.load(std::memory_order_acquire)) hook();
}

void IoRequest::set_cancel_hook(void (*hook)() noexcept) noexcept {
    g_cancel_hook.store(hook, std::memory_order_release);
}

bool IoRequest::done() const noexcept {
    std::lock_guard lock(mutex_);
    return done_;
}

bool IoRequest::wait(uint32_t timeout_ms, const sync::InterruptCheck& interrupted) {
    std::unique_lock lock(mutex_);
    return wait_interruptibly(lock, done_cv_, timeout_ms, interrupted, [&] { return done_; });
}

void IoRequest::complete(IoOutcome outcome) {
    bytes_.store(outcome.bytes, std::memory_order_release);
    status_.store(outcome.status, std::memory_order_release);
    {
        std::lock_guard lock(mutex_);
        done_ = true;
    }
    done_cv_.notify_all();
    if (event_) {
        sync::set_event_object(*event_);
        event_.reset();
    }
    if (port_) {
        port_->post({outcome.status, outcome.bytes, key_, token_});
        port_.reset();
    }
}

CompletionPort::~CompletionPort() {
    if (!g_discard_hook) return;
    for (const Completion& c : queue_)
        if (c.token) g_discard_hook(c.token);
}

void CompletionPort::set_discard_hook(void (*hook)(uint64_t)) { g_discard_hook = hook; }

void CompletionPort::post(const Completion& c) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(c);
    }
    cv_.notify_one();
}

std::optional<Completion> CompletionPort::get(uint32_t timeout_ms, const sync::InterruptCheck& interrupted) {
    std::unique_lock lock(mutex_);
    if (!wait_interruptibly(lock, cv_, timeout_ms, interrupted, [&] { return !queue_.empty(); }))
        return std::nullopt;
    Completion c = queue_.front();
    queue_.pop_front();
    return c;
}

std::vector<Completion> CompletionPort::get_many(size_t max, uint32_t timeout_ms,
                                                 const sync::InterruptCheck& interrupted) {
    std::vector<Completion> out;
    std::unique_lock lock(mutex_);
    if (!wait_interruptibly(lock, cv_, timeout_ms, interrupted, [&] { return !queue_.empty(); })) return out;
    while (!queue_.empty() && out.size() < max) {
        out.push_back(queue_.front());
        queue_.pop_front();
    }
    return out;
}

std::shared_ptr<CompletionPort> port_of(Handle h, const char* function) {
    return HandleTable::instance().get<CompletionPort>(h, ObjectType::CompletionPort, function);
}

Handle create_io_completion_port(Handle file, Handle existing, uint64_t key) {
    const char* fn = "CreateIoCompletionPort";
    constexpr Handle kInvalidHandleValue = ~Handle{0};
    std::shared_ptr<CompletionPort> port;
    Handle result = existing;
    if (existing) {
        port = port_of(existing, fn);
    } else {
        port = std::make_shared<CompletionPort>();
    }
    if (file != kInvalidHandleValue && file != 0) {
        auto f = file_or_socket_of(file, fn);
        f->associate_port(port, key);
    } else if (existing) {
        throw_win32(err::kInvalidParameter, fn);
    }
    if (!existing) result = HandleTable::instance().insert(port, 0x001F0003, false);
    return result;
}

void post_queued_completion_status(Handle h, const Completion& c) { port_of(h, "PostQueuedCompletionStatus")->post(c); }

std::shared_ptr<IoRequest> submit_io(const std::shared_ptr<FileObject>& file, Handle event, IoRequest::Work work,
                                     uint64_t token, bool waits_for_others) {
    auto r = std::make_shared<IoRequest>();
    r->issuer_ = std::this_thread::get_id();
    r->work_ = std::move(work);
    r->file_ = file;
    if (event) {
        // Windows resets the event when the operation starts.
        sync::reset_event(event);
        r->event_ = HandleTable::instance().get<sync::SyncObject>(event, ObjectType::Event, "ReadFile");
    }
    r->port_ = file->port(r->key_);
    const bool has_port = r->port_ != nullptr;  // read now: completion resets port_
    if (has_port) r->token_ = token;
    file->track(r);
    (waits_for_others ? IoEngine::waits() : IoEngine::files()).enqueue(r);
    // Queued: a token no packet will carry is given back (on failure the caller keeps it).
    if (!has_port && token && g_discard_hook) g_discard_hook(token);
    return r;
}

std::shared_ptr<IoRequest> begin_io(const std::shared_ptr<FileObject>& file, Handle event, uint64_t token,
                                    const char* function) {
    auto r = std::make_shared<IoRequest>();
    r->issuer_ = std::this_thread::get_id();
    r->file_ = file;
    if (event) {
        r->event_ = HandleTable::instance().get<sync::SyncObject>(event, ObjectType::Event, function);
        sync::reset_event(event);
    }
    r->port_ = file->port(r->key_);
    const bool has_port = r->port_ != nullptr;
    if (has_port) r->token_ = token;
    file->track(r);
    if (!has_port && token && g_discard_hook) g_discard_hook(token);
    return r;
}

void cancel_io(Handle h, bool all_threads, const IoRequest* only) {
    const char* fn = all_threads ? "CancelIoEx" : "CancelIo";
    auto file = file_of(h, fn);
    bool found = false;
    auto me = std::this_thread::get_id();
    for (auto& r : file->pending_requests()) {
        if (only && r.get() != only) continue;
        if (!all_threads && r->issuer() != me) continue;
        if (r->done()) continue;
        found = true;
        r->cancel();
        if (unqueue_anywhere(r.get())) r->complete({0, err::kOperationAborted});
    }
    if (all_threads && !found) throw_win32(err::kNotFound, fn);
}

size_t io_worker_count() { return IoEngine::files().workers() + IoEngine::waits().workers(); }

// FileObject's share of the bookkeeping.

FileObject::~FileObject() {
    for (auto& w : requests_) {
        if (auto r = w.lock()) {
            r->cancel();
            if (unqueue_anywhere(r.get())) r->complete({0, err::kOperationAborted});
        }
    }
}

void FileObject::associate_port(std::shared_ptr<CompletionPort> port, uint64_t key) {
    std::lock_guard lock(mutex_);
    if (port_ && port_ != port) throw_win32(err::kInvalidParameter, "CreateIoCompletionPort");
    port_ = std::move(port);
    port_key_ = key;
}

std::shared_ptr<CompletionPort> FileObject::port(uint64_t& key) const {
    std::lock_guard lock(mutex_);
    key = port_key_;
    return port_;
}

void FileObject::track(const std::shared_ptr<IoRequest>& request) {
    std::lock_guard lock(mutex_);
    // Forget finished requests as new ones come, so the list stays short.
    std::erase_if(requests_, [](const std::weak_ptr<IoRequest>& w) {
        auto r = w.lock();
        return !r || r->done();
    });
    requests_.push_back(request);
}

std::vector<std::shared_ptr<IoRequest>> FileObject::pending_requests() const {
    std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<IoRequest>> out;
    for (auto& w : requests_)
        if (auto r = w.lock()) out.push_back(std::move(r));
    return out;
}

}  // namespace w32::io
