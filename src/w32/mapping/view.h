// A mapped view of a section (MapViewOfFile with FILE_MAP_WRITE).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "w32/mapping/section.h"

namespace w32::mapping {

class View {
public:
    // offset: a multiple of kAllocationGranularity (ERROR_MAPPED_ALIGNMENT).
    // bytes: 0 maps from offset to the section's end. A view reaching past
    // the section is ERROR_ACCESS_DENIED, as Windows answers.
    View(std::shared_ptr<Section> section, uint64_t offset, uint64_t bytes);
    ~View();
    View(const View&) = delete;
    View& operator=(const View&) = delete;

    std::byte* data() const noexcept { return data_; }
    // The bytes asked for, or when 0 was asked, the whole pages mapped (what
    // VirtualQuery reports as the view's region size).
    size_t size() const noexcept { return size_; }
    const Section& section() const noexcept { return *section_; }
    std::span<std::byte> bytes() const noexcept { return {data_, size_}; }

    // FlushViewOfFile: writes the range's dirty pages to the backing file.
    // bytes 0: to the end of the view.
    void flush(size_t offset, size_t bytes) const;

private:
    std::shared_ptr<Section> section_;  // a view keeps its section alive
    std::byte* data_ = nullptr;
    size_t size_ = 0;
    size_t mapped_ = 0;  // whole pages
};

}  // namespace w32::mapping
