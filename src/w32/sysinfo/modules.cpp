#include "w32/sysinfo/modules.h"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <climits>
#include <map>
#include <mutex>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"

namespace w32::sysinfo {

namespace {

constexpr uint32_t kModNotFound = 126;   // ERROR_MOD_NOT_FOUND
constexpr uint32_t kProcNotFound = 127;  // ERROR_PROC_NOT_FOUND

// Every handle given out, with the number of dlopen references it holds
// (each LoadLibrary takes one, as Windows counts them).
struct Modules {
    std::mutex mutex;
    std::map<ModuleHandle, int> refs;
    std::string dll_directory;
};

Modules& modules() {
    static Modules* m = new Modules();
    return *m;
}

ModuleHandle main_program() {
    static ModuleHandle h = reinterpret_cast<ModuleHandle>(::dlopen(nullptr, RTLD_NOW));
    return h;
}

void* known(ModuleHandle h, const char* function) {
    if (h == 0) throw_win32(err::kInvalidHandle, function);
    if (h == main_program()) return reinterpret_cast<void*>(h);
    std::lock_guard lock(modules().mutex);
    if (!modules().refs.count(h)) throw_win32(err::kInvalidHandle, function);
    return reinterpret_cast<void*>(h);
}

ModuleHandle remember(void* handle) {
    auto h = reinterpret_cast<ModuleHandle>(handle);
    std::lock_guard lock(modules().mutex);
    ++modules().refs[h];
    return h;
}

}  // namespace

ModuleHandle load_library(const std::string& name) {
    if (name.empty() || name.find('\0') != std::string::npos) throw_win32(err::kInvalidParameter, "LoadLibrary");
    void* handle = nullptr;
    std::string dir = dll_directory();
    if (!dir.empty() && name.find('/') == std::string::npos)
        handle = ::dlopen((dir + "/" + name).c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) handle = ::dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) throw_win32(kModNotFound, "LoadLibrary");
    return remember(handle);
}

void free_library(ModuleHandle h) {
    void* handle = known(h, "FreeLibrary");
    if (h == main_program()) return;
    {
        std::lock_guard lock(modules().mutex);
        auto it = modules().refs.find(h);
        if (--it->second == 0) modules().refs.erase(it);
    }
    ::dlclose(handle);
}

ModuleHandle module_handle(const std::optional<std::string>& name) {
    if (!name) return main_program();
    void* handle = ::dlopen(name->c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (!handle) throw_win32(kModNotFound, "GetModuleHandle");
    // GetModuleHandle takes no reference: drop the one dlopen just took,
    // keeping the value known (the module stays loaded by whoever loaded it).
    ModuleHandle h = reinterpret_cast<ModuleHandle>(handle);
    std::lock_guard lock(modules().mutex);
    if (!modules().refs.count(h)) modules().refs[h] = 0;
    ::dlclose(handle);
    return h;
}

uint64_t proc_address(ModuleHandle h, const std::string& name) {
    void* handle = known(h, "GetProcAddress");
    ::dlerror();
    void* sym = ::dlsym(handle, name.c_str());
    if (!sym && ::dlerror()) throw_win32(kProcNotFound, "GetProcAddress");
    return reinterpret_cast<uint64_t>(sym);
}

std::string module_file_name(ModuleHandle h) {
    if (h == 0 || h == main_program()) {
        char buf[PATH_MAX];
        ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
        if (n < 0) throw_errno(errno, "GetModuleFileName");
        return std::string(buf, size_t(n));
    }
    void* handle = known(h, "GetModuleFileName");
    link_map* map = nullptr;
    if (::dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map || !map->l_name)
        throw_win32(kModNotFound, "GetModuleFileName");
    char resolved[PATH_MAX];
    if (::realpath(map->l_name, resolved)) return resolved;
    return map->l_name;
}

void set_dll_directory(const std::optional<std::string>& dir) {
    std::lock_guard lock(modules().mutex);
    modules().dll_directory = dir.value_or("");
}

std::string dll_directory() {
    std::lock_guard lock(modules().mutex);
    return modules().dll_directory;
}

}  // namespace w32::sysinfo
