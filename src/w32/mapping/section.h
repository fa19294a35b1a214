// File mapping objects (CreateFileMapping with PAGE_READWRITE): a section
// backed by the paging file (shared memory) or by a file.
//
// A named section is one file in /dev/shm under the session's shm prefix,
// named after a hash of its Windows name, so unrelated processes of the
// session find it by name and no name can reach outside the prefix. Its
// first page is a header (the full name, the size, the backing file); the
// data follows. Each process holding the section holds a shared flock on it;
// the last one to let go (an exclusive flock succeeds) removes the name, so
// the section lives while anyone holds it, as on Windows. Creating, opening
// and dropping are serialised by one lock file of the session.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "w32/io/disk_file.h"
#include "w32/io/unique_fd.h"
#include "w32/kernel/handle_table.h"

namespace w32::mapping {

// Windows' figures (GetSystemInfo): views start at multiples of the
// allocation granularity and are made of whole pages.
inline constexpr uint64_t kAllocationGranularity = 65536;
inline constexpr uint64_t kPageSize = 4096;

// Win32 codes particular to mappings.
inline constexpr uint32_t kErrorFileInvalid = 1006;      // ERROR_FILE_INVALID
inline constexpr uint32_t kErrorMappedAlignment = 1132;  // ERROR_MAPPED_ALIGNMENT

// Runs once on a new paging-file section's data, before any other process
// can open it (a section that must start with a lock in it, for one).
using SectionInitializer = std::function<void(std::span<std::byte>)>;

class Section : public KernelObject {
public:
    ~Section() override;
    ObjectType type() const noexcept override { return ObjectType::Mapping; }

    uint64_t size() const noexcept { return size_; }
    bool file_backed() const noexcept { return file_backed_; }
    // What views map: the descriptor, and where the section's byte 0 is in it.
    int fd() const noexcept { return fd_.get(); }
    uint64_t data_offset() const noexcept { return data_offset_; }

    // Internal: built by create_section.
    Section(io::UniqueFd fd, uint64_t size, uint64_t data_offset, bool file_backed,
            io::UniqueFd name_fd, std::string shm_name);
    // A forked child shares the parent's open file descriptions and with
    // them its flocks: it takes locks of its own (see section.cpp).
    void take_own_lock_after_fork() noexcept;

private:
    io::UniqueFd fd_;       // the data's descriptor (the shm file, or the backing file)
    uint64_t size_;
    uint64_t data_offset_;
    bool file_backed_;
    io::UniqueFd name_fd_;  // named sections: the shm file holding our flock
    std::string shm_name_;  // named sections: its /dev/shm name
};

// CreateFileMapping(file, NULL, PAGE_READWRITE, maximum_size, name).
// file_fd: an open read/write descriptor (borrowed) or -1 for the paging
// file. maximum_size 0 means the file's size (ERROR_FILE_INVALID for an
// empty file; ERROR_INVALID_PARAMETER for the paging file); a larger size
// extends the file. When `name` names an existing section, that section is
// returned whatever the size and file asked, and the thread's last error is
// ERROR_ALREADY_EXISTS (0 otherwise).
std::shared_ptr<Section> create_section(int file_fd, uint64_t maximum_size,
                                        std::optional<std::string_view> name,
                                        const SectionInitializer& init = {});

// OpenFileMapping: ERROR_FILE_NOT_FOUND when no section has that name.
std::shared_ptr<Section> open_section(std::string_view name);

// CreateFile(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ |
// FILE_SHARE_WRITE, OPEN_ALWAYS), as pywin32's mmapfile opens its file:
// Windows paths are translated, and share modes hold against other handles
// (win32file's) while the returned file lives.
std::shared_ptr<io::DiskFile> open_backing_file(std::string_view path);

// The /dev/shm name a section name gets in this session (tested on its own).
// ERROR_INVALID_NAME for NUL, ERROR_PATH_NOT_FOUND for a backslash other than
// after "Global" or "Local", ERROR_FILENAME_EXCED_RANGE for a long name.
std::string shm_name_for(std::string_view section_name, std::string_view shm_prefix);

}  // namespace w32::mapping
