#include "w32/mapping/view.h"

#include <sys/mman.h>

#include <cerrno>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"

namespace w32::mapping {

namespace {

constexpr const char* kMapView = "MapViewOfFile";

uint64_t round_up_to_page(uint64_t n) { return (n + kPageSize - 1) / kPageSize * kPageSize; }

}  // namespace

View::View(std::shared_ptr<Section> section, uint64_t offset, uint64_t bytes)
    : section_(std::move(section)) {
    const uint64_t total = section_->size();
    if (offset % kAllocationGranularity != 0) throw_win32(kErrorMappedAlignment, kMapView);
    if (offset >= total) throw_win32(err::kAccessDenied, kMapView);
    if (bytes == 0) {
        mapped_ = round_up_to_page(total - offset);
        size_ = mapped_;
    } else {
        if (bytes > total - offset) throw_win32(err::kAccessDenied, kMapView);
        mapped_ = round_up_to_page(bytes);
        size_ = bytes;
    }
    if (mapped_ != size_t(mapped_)) throw_win32(err::kNotEnoughMemory, kMapView);
    void* p = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_SHARED, section_->fd(),
                   off_t(section_->data_offset() + offset));
    if (p == MAP_FAILED) throw_win32(errno == ENOMEM ? err::kNotEnoughMemory : win32_from_errno(errno), kMapView);
    data_ = static_cast<std::byte*>(p);
}

View::~View() {
    if (data_) munmap(data_, mapped_);
}

void View::flush(size_t offset, size_t bytes) const {
    if (offset > size_) throw_win32(err::kInvalidParameter, "FlushViewOfFile");
    if (bytes == 0 || bytes > size_ - offset) bytes = size_ - offset;
    if (bytes == 0) return;
    // msync wants a page-aligned start.
    size_t start = offset / kPageSize * kPageSize;
    if (msync(data_ + start, bytes + (offset - start), MS_SYNC) != 0) throw_errno(errno, "FlushViewOfFile");
}

}  // namespace w32::mapping
