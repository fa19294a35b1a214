// LoadLibrary, GetModuleHandle, GetProcAddress, FreeLibrary and
// GetModuleFileName over dlopen. A module handle is the dlopen handle's
// address; only handles this process was given are accepted back (a forged
// value is ERROR_INVALID_HANDLE, never passed to dlclose or dlsym).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace w32::sysinfo {

using ModuleHandle = uint64_t;

// ERROR_MOD_NOT_FOUND (126) when the library cannot be loaded. A name
// without a slash is looked up in the SetDllDirectory directory first, then
// as dlopen searches.
ModuleHandle load_library(const std::string& name);
void free_library(ModuleHandle h);
// nullopt name: the main program. ERROR_MOD_NOT_FOUND when not loaded.
ModuleHandle module_handle(const std::optional<std::string>& name);
// ERROR_PROC_NOT_FOUND (127) when the symbol is missing.
uint64_t proc_address(ModuleHandle h, const std::string& name);
// 0 is the main program (/proc/self/exe).
std::string module_file_name(ModuleHandle h);

void set_dll_directory(const std::optional<std::string>& dir);
std::string dll_directory();

}  // namespace w32::sysinfo
