// Application counters (pywin32's perfmon module): a process publishes
// objects and counters in a shared block under the session's runtime
// directory; win32pdh in any process of the session reads them as objects.
// Names come from LoadPerfCounterTextStrings (lodctr's .ini), by offset.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "w32/pdh/perf_object.h"

namespace w32::pdh {

struct AppCounterSpec {
    uint32_t name_index = 0;  // offset into the service's names, as pywin32 gives it
    uint32_t help_index = 0;
    uint32_t type = 0;
    int32_t default_scale = 0;
    uint32_t detail = kDetailNovice;
};

struct AppObjectSpec {
    uint32_t name_index = 0;
    uint32_t help_index = 0;
    std::vector<AppCounterSpec> counters;
};

// The publisher's side: the block, mapped, with one int64 slot per counter
// (objects' counters one after another). Removed by close() or destruction.
class AppCounterBlock {
public:
    // ERROR_ALREADY_EXISTS when a live process publishes `service` already.
    static std::unique_ptr<AppCounterBlock> create(std::string_view service, const std::vector<AppObjectSpec>& objects);
    ~AppCounterBlock();
    AppCounterBlock(const AppCounterBlock&) = delete;
    AppCounterBlock& operator=(const AppCounterBlock&) = delete;

    size_t slot_count() const noexcept { return slots_; }
    // Slot operations are atomic; a closed block or a bad slot: ERROR_INVALID_HANDLE / ERROR_INVALID_PARAMETER.
    int64_t add(size_t slot, int64_t delta);
    void set(size_t slot, int64_t value);
    int64_t get(size_t slot) const;
    void close() noexcept;

private:
    AppCounterBlock() = default;
    int64_t* slot_ptr(size_t slot) const;

    std::string path_;
    void* map_ = nullptr;
    size_t size_ = 0;
    size_t slots_ = 0;
    size_t values_offset_ = 0;
};

struct CounterText {
    uint32_t offset;
    std::string name;
    std::string help;
};

// lodctr / unlodctr: the names of a service's objects and counters, kept in the session's state directory.
void load_counter_text(std::string_view service, const std::vector<CounterText>& texts);
void unload_counter_text(std::string_view service);

// The objects of the blocks live now (their publishers run), for all_objects().
std::vector<PerfObject*> live_app_objects();

}  // namespace w32::pdh
