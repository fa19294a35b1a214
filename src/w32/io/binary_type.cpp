#include "w32/io/binary_type.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/unique_fd.h"
#include "w32/paths/drive_table.h"

namespace w32::io {

namespace {

constexpr uint32_t kBadExeFormat = 193;

uint16_t le16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t le32(const unsigned char* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t{p[3]} << 24); }

bool read_at(int fd, void* buf, size_t n, off_t off) { return ::pread(fd, buf, n, off) == static_cast<ssize_t>(n); }

}  // namespace

uint32_t get_binary_type(std::string_view path) {
    const char* fn = "GetBinaryType";
    std::string p = paths::to_posix(path, fn);
    UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw_errno(errno, fn);
    unsigned char mz[64];
    if (!read_at(fd.get(), mz, sizeof mz, 0) || mz[0] != 'M' || mz[1] != 'Z') throw_win32(kBadExeFormat, fn);
    uint32_t pe_at = le32(mz + 0x3C);
    unsigned char pe[6];
    if (pe_at < 64 || !read_at(fd.get(), pe, sizeof pe, static_cast<off_t>(pe_at))) return kScsDosBinary;
    if (pe[0] == 'N' && pe[1] == 'E') return kScsWowBinary;  // 16-bit Windows
    if (std::memcmp(pe, "PE\0\0", 4) != 0) return kScsDosBinary;
    switch (le16(pe + 4)) {  // IMAGE_FILE_HEADER.Machine
        case 0x014c:         // i386
        case 0x01c4:         // ARMv7
            return kScs32BitBinary;
        case 0x8664:  // x64
        case 0xaa64:  // ARM64
        case 0x0200:  // IA-64
            return kScs64BitBinary;
        default: throw_win32(kBadExeFormat, fn);
    }
}

}  // namespace w32::io
