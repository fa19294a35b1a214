#include "w32/pdh/app_counters.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/session_root.h"
#include "w32/kernel/stable_hash.h"
#include "w32/pdh/counter_types.h"
#include "w32/pdh/proc_reader.h"

namespace w32::pdh {

namespace {

// The block: a header, the objects, the counters, then one int64 value per counter.
constexpr char kMagic[8] = {'W', '3', '2', 'P', 'E', 'R', 'F', '1'};
constexpr size_t kServiceNameSize = 256;

struct BlockHeader {
    char magic[8];
    uint32_t object_count;
    uint32_t counter_count;
    int32_t publisher_pid;
    uint32_t reserved;
    char service[kServiceNameSize];
};

struct BlockObject {
    uint32_t name_index, help_index, first_counter, counter_count;
};

struct BlockCounter {
    uint32_t name_index, help_index, type, detail;
    int32_t default_scale;
    uint32_t reserved;
};

std::string perfmon_dir(const std::string& base) { return base + "/perfmon"; }

std::string hashed_name(std::string_view service, const char* suffix) {
    char buf[40];
    snprintf(buf, sizeof buf, "%016llx%s", static_cast<unsigned long long>(fnv1a(service)), suffix);
    return buf;
}

std::string block_path(std::string_view service) {
    return perfmon_dir(session_paths().runtime_dir) + "/" + hashed_name(service, ".block");
}

bool process_alive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

size_t values_offset(uint32_t objects, uint32_t counters) {
    size_t end = sizeof(BlockHeader) + objects * sizeof(BlockObject) + counters * sizeof(BlockCounter);
    return (end + 7) & ~size_t{7};
}

// A snapshot of a block's layout, read by a consumer.
struct BlockLayout {
    std::string service;
    int pid = 0;
    std::vector<BlockObject> objects;
    std::vector<BlockCounter> counters;
    uint64_t signature = 0;
};

// Maps a block read-only; empty optional-like result (no map) when absent or malformed.
struct MappedBlock {
    void* map = nullptr;
    size_t size = 0;
    ~MappedBlock() {
        if (map) ::munmap(map, size);
    }
    const BlockHeader* header() const { return static_cast<const BlockHeader*>(map); }
};

bool map_block(const std::string& path, MappedBlock& out) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st{};
    bool ok = ::fstat(fd, &st) == 0 && st.st_uid == ::geteuid() && static_cast<size_t>(st.st_size) >= sizeof(BlockHeader);
    if (ok) {
        out.size = static_cast<size_t>(st.st_size);
        out.map = ::mmap(nullptr, out.size, PROT_READ, MAP_SHARED, fd, 0);
        if (out.map == MAP_FAILED) {
            out.map = nullptr;
            ok = false;
        }
    }
    ::close(fd);
    if (!ok) return false;
    const BlockHeader* h = out.header();
    if (std::memcmp(h->magic, kMagic, sizeof kMagic) != 0 || h->object_count > 4096 || h->counter_count > 65536)
        return false;
    return values_offset(h->object_count, h->counter_count) + h->counter_count * sizeof(int64_t) <= out.size;
}

BlockLayout read_layout(const MappedBlock& b) {
    BlockLayout l;
    const BlockHeader* h = b.header();
    l.service.assign(h->service, strnlen(h->service, kServiceNameSize));
    l.pid = h->publisher_pid;
    auto* objects = reinterpret_cast<const BlockObject*>(h + 1);
    auto* counters = reinterpret_cast<const BlockCounter*>(objects + h->object_count);
    l.objects.assign(objects, objects + h->object_count);
    l.counters.assign(counters, counters + h->counter_count);
    uint64_t sig = fnv1a(l.service);
    sig = fnv1a(std::string_view(reinterpret_cast<const char*>(objects), h->object_count * sizeof(BlockObject)), sig);
    sig = fnv1a(std::string_view(reinterpret_cast<const char*>(counters), h->counter_count * sizeof(BlockCounter)), sig);
    l.signature = sig;
    return l;
}

bool valid_layout(const BlockLayout& l) {
    for (const BlockObject& o : l.objects)
        if (o.first_counter > l.counters.size() || o.counter_count > l.counters.size() - o.first_counter) return false;
    return true;
}

// ---- names (lodctr) ------------------------------------------------------------

std::string names_path(std::string_view service) {
    return perfmon_dir(session_paths().state_dir) + "/" + hashed_name(service, ".names");
}

// offset -> (name, help); a line per text: offset TAB name TAB help.
std::map<uint32_t, std::pair<std::string, std::string>> read_names(std::string_view service) {
    std::map<uint32_t, std::pair<std::string, std::string>> out;
    std::string buf;
    if (!read_text(names_path(service).c_str(), buf)) return out;
    std::string_view text = buf;
    while (!text.empty()) {
        std::string_view line = next_line(text);
        size_t t1 = line.find('\t'), t2 = line.find('\t', t1 == std::string_view::npos ? 0 : t1 + 1);
        if (t1 == std::string_view::npos || t2 == std::string_view::npos) continue;
        std::string_view num = line.substr(0, t1);
        out[static_cast<uint32_t>(next_u64(num))] = {std::string(line.substr(t1 + 1, t2 - t1 - 1)),
                                                     std::string(line.substr(t2 + 1))};
    }
    return out;
}

// ---- the consumer's objects ----------------------------------------------------

class AppObject final : public PerfObject {
public:
    AppObject(std::string path, const BlockLayout& layout, size_t object, uint64_t signature)
        : path_(std::move(path)), object_(object), signature_(signature) {
        auto names = read_names(layout.service);
        const BlockObject& o = layout.objects[object];
        auto name_of = [&](uint32_t index, const std::string& fallback) {
            auto it = names.find(index);
            return it != names.end() && !it->second.first.empty() ? it->second.first : fallback;
        };
        auto help_of = [&](uint32_t index) {
            auto it = names.find(index);
            return it != names.end() ? it->second.second : std::string();
        };
        info_.name = name_of(o.name_index, layout.objects.size() == 1 ? layout.service
                                                                      : layout.service + " " + std::to_string(object));
        info_.explain = help_of(o.help_index);
        info_.has_instances = false;
        for (uint32_t i = 0; i < o.counter_count; ++i) {
            const BlockCounter& c = layout.counters[o.first_counter + i];
            info_.counters.push_back(CounterInfo{name_of(c.name_index, "Counter " + std::to_string(c.name_index)), 0,
                                                 c.type, c.default_scale, c.detail, help_of(c.help_index)});
        }
        first_counter_ = o.first_counter;
    }
    const ObjectInfo& info() const override { return info_; }

    void sample(ObjectSample& out, const std::vector<bool>&, const InstanceFilter&) override {
        out.time = now_100ns();
        out.instances.clear();
        MappedBlock b;
        if (!map_block(path_, b)) return;
        BlockLayout layout = read_layout(b);
        // A restarted publisher with other counters is another object.
        if (layout.signature != signature_ || !process_alive(layout.pid)) return;
        const auto* values = reinterpret_cast<const std::atomic<int64_t>*>(
            static_cast<const char*>(b.map) + values_offset(static_cast<uint32_t>(layout.objects.size()),
                                                            static_cast<uint32_t>(layout.counters.size())));
        Instance inst;
        inst.values.resize(info_.counters.size());
        for (size_t i = 0; i < info_.counters.size(); ++i)
            inst.values[i].first = values[first_counter_ + i].load(std::memory_order_relaxed);
        out.instances.push_back(std::move(inst));
    }

private:
    std::string path_;
    size_t object_;
    uint64_t signature_;
    uint32_t first_counter_ = 0;
    ObjectInfo info_;
};

// Objects are never freed: queries hold pointers to them.
std::mutex g_cache_mutex;
std::map<std::pair<uint64_t, size_t>, std::unique_ptr<AppObject>> g_cache;

}  // namespace

std::unique_ptr<AppCounterBlock> AppCounterBlock::create(std::string_view service,
                                                         const std::vector<AppObjectSpec>& objects) {
    if (service.empty() || service.size() >= kServiceNameSize) throw_win32(err::kInvalidParameter, "PerfMonManager");
    uint32_t ncounters = 0;
    for (const auto& o : objects) ncounters += static_cast<uint32_t>(o.counters.size());
    const std::string dir = perfmon_dir(session_paths().runtime_dir);
    ensure_private_dir(dir);
    const std::string path = block_path(service);
    {
        MappedBlock existing;
        if (map_block(path, existing) && process_alive(existing.header()->publisher_pid) &&
            existing.header()->publisher_pid != ::getpid())
            throw_win32(err::kAlreadyExists, "PerfMonManager");
    }
    auto block = std::unique_ptr<AppCounterBlock>(new AppCounterBlock());
    block->values_offset_ = values_offset(static_cast<uint32_t>(objects.size()), ncounters);
    block->size_ = block->values_offset_ + ncounters * sizeof(int64_t);
    block->slots_ = ncounters;
    // Built under a temporary name, then renamed: readers never see half a block.
    std::string tmp = path + "." + std::to_string(::getpid()) + ".tmp";
    int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw_errno(errno, "PerfMonManager");
    if (::ftruncate(fd, static_cast<off_t>(block->size_)) != 0) {
        int e = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        throw_errno(e, "PerfMonManager");
    }
    void* map = ::mmap(nullptr, block->size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (map == MAP_FAILED) {
        ::unlink(tmp.c_str());
        throw_errno(errno, "PerfMonManager");
    }
    block->map_ = map;
    auto* h = static_cast<BlockHeader*>(map);
    std::memcpy(h->magic, kMagic, sizeof kMagic);
    h->object_count = static_cast<uint32_t>(objects.size());
    h->counter_count = ncounters;
    h->publisher_pid = ::getpid();
    std::memcpy(h->service, service.data(), service.size());
    auto* bo = reinterpret_cast<BlockObject*>(h + 1);
    auto* bc = reinterpret_cast<BlockCounter*>(bo + objects.size());
    uint32_t next = 0;
    for (size_t i = 0; i < objects.size(); ++i) {
        bo[i] = {objects[i].name_index, objects[i].help_index, next, static_cast<uint32_t>(objects[i].counters.size())};
        for (const AppCounterSpec& c : objects[i].counters)
            bc[next++] = {c.name_index, c.help_index, c.type, c.detail, c.default_scale, 0};
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw_errno(e, "PerfMonManager");
    }
    block->path_ = path;
    return block;
}

AppCounterBlock::~AppCounterBlock() { close(); }

void AppCounterBlock::close() noexcept {
    if (!map_) return;
    // Only our own block: a later publisher may have replaced it.
    MappedBlock current;
    if (map_block(path_, current) && current.header()->publisher_pid == ::getpid()) ::unlink(path_.c_str());
    ::munmap(map_, size_);
    map_ = nullptr;
}

int64_t* AppCounterBlock::slot_ptr(size_t slot) const {
    if (!map_) throw_win32(err::kInvalidHandle, "PerfMonManager");
    if (slot >= slots_) throw_win32(err::kInvalidParameter, "PerfMonManager");
    return reinterpret_cast<int64_t*>(static_cast<char*>(map_) + values_offset_) + slot;
}

int64_t AppCounterBlock::add(size_t slot, int64_t delta) {
    return std::atomic_ref<int64_t>(*slot_ptr(slot)).fetch_add(delta) + delta;
}

void AppCounterBlock::set(size_t slot, int64_t value) { std::atomic_ref<int64_t>(*slot_ptr(slot)).store(value); }

int64_t AppCounterBlock::get(size_t slot) const { return std::atomic_ref<int64_t>(*slot_ptr(slot)).load(); }

void load_counter_text(std::string_view service, const std::vector<CounterText>& texts) {
    const std::string dir = perfmon_dir(session_paths().state_dir);
    ensure_private_dir(dir);
    std::string body;
    for (const CounterText& t : texts) {
        auto clean = [](std::string s) {
            for (char& c : s)
                if (c == '\t' || c == '\n' || c == '\r') c = ' ';
            return s;
        };
        body += std::to_string(t.offset) + "\t" + clean(t.name) + "\t" + clean(t.help) + "\n";
    }
    const std::string path = names_path(service);
    const std::string tmp = path + "." + std::to_string(::getpid()) + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw_errno(errno, "LoadPerfCounterTextStrings");
    bool ok = ::write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size());
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw_errno(e ? e : EIO, "LoadPerfCounterTextStrings");
    }
}

void unload_counter_text(std::string_view service) {
    if (::unlink(names_path(service).c_str()) != 0) throw_errno(errno, "UnloadPerfCounterTextStrings");
}

std::vector<PerfObject*> live_app_objects() {
    std::vector<PerfObject*> out;
    const std::string dir = perfmon_dir(session_paths().runtime_dir);
    DIR* d = ::opendir(dir.c_str());
    if (!d) return out;
    std::vector<std::string> paths;
    while (dirent* e = ::readdir(d)) {
        std::string_view n = e->d_name;
        if (n.size() > 6 && n.substr(n.size() - 6) == ".block") paths.push_back(dir + "/" + std::string(n));
    }
    ::closedir(d);
    std::lock_guard lock(g_cache_mutex);
    for (const std::string& path : paths) {
        MappedBlock b;
        if (!map_block(path, b)) continue;
        BlockLayout layout = read_layout(b);
        if (!process_alive(layout.pid) || !valid_layout(layout)) continue;
        // Names loaded later (lodctr after the publisher started) make new objects too.
        std::string names;
        read_text(names_path(layout.service).c_str(), names);
        uint64_t key = fnv1a(names, layout.signature);
        for (size_t i = 0; i < layout.objects.size(); ++i) {
            auto& slot = g_cache[{key, i}];
            if (!slot) slot = std::make_unique<AppObject>(path, layout, i, layout.signature);
            out.push_back(slot.get());
        }
    }
    return out;
}

}  // namespace w32::pdh
