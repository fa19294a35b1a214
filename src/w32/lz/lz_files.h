// LZ32's file functions (LZOpenFile, LZInit, LZRead, LZCopy, LZClose,
// GetExpandedName) over this process's file handles.
//
// As on Windows, "HFILE"s are file handle values, and a compressed file
// opened for reading is an LZ handle: 0x400 plus a slot number, at most 16
// at once (LZERROR_GLOBALLOC past that). An LZ handle owns the file handle
// beneath it. The functions return what LZ32's return: a handle or byte
// count, or a negative LZERROR_* code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace w32::lz {

inline constexpr int64_t kFirstLzHandle = 0x400;
inline constexpr int kMaxLzHandles = 16;
// OpenFile's failure value (HFILE_ERROR), which equals LZERROR_BADINHANDLE.
inline constexpr int64_t kHFileError = -1;

// OpenFile's styles (winbase.h OF_*).
inline constexpr uint32_t kOfRead = 0x0000;
inline constexpr uint32_t kOfWrite = 0x0001;
inline constexpr uint32_t kOfReadWrite = 0x0002;
inline constexpr uint32_t kOfShareMask = 0x0070;
inline constexpr uint32_t kOfShareExclusive = 0x0010;
inline constexpr uint32_t kOfShareDenyWrite = 0x0020;
inline constexpr uint32_t kOfShareDenyRead = 0x0030;
inline constexpr uint32_t kOfShareDenyNone = 0x0040;
inline constexpr uint32_t kOfParse = 0x0100;
inline constexpr uint32_t kOfDelete = 0x0200;
inline constexpr uint32_t kOfCreate = 0x1000;
inline constexpr uint32_t kOfExist = 0x4000;

// The OFSTRUCT fields pywin32 returns.
struct OfStruct {
    int fixed_disk = 0;
    uint32_t error_code = 0;  // the Win32 error of a failed open
    uint16_t dos_date = 0;    // Reserved1: the file's last write, FAT date
    uint16_t dos_time = 0;    // Reserved2: and FAT time
    std::string path_name;    // the full path (GetFullPathName's spelling)
};

bool is_lz_handle(int64_t h) noexcept;

// LZOpenFile: OpenFile's semantics (OF_PARSE, OF_DELETE, OF_EXIST, OF_CREATE,
// the access and share bits), trying the compressed name ("a.tx_") when the
// name itself does not open; a file opened with OF_READ goes through
// init(), so a compressed one comes back as an LZ handle.
int64_t open_file(std::string_view name, uint32_t style, OfStruct& of);
// LZInit: an LZ handle for a compressed file, `file` itself (rewound) for a
// plain one. Reads from the file's current position. Disk files only
// (LZERROR_BADINHANDLE for a pipe, which cannot be rewound).
int64_t init(int64_t file);
// LZRead: expanded bytes from an LZ handle (or plain bytes from a file).
int64_t read(int64_t h, std::span<uint8_t> out);
// LZCopy: expands (or copies) all of `source` to `dest`; returns the bytes
// written. A file handle that holds a compressed file is expanded too.
int64_t copy(int64_t source, int64_t dest);
// LZClose: frees an LZ handle and closes its file, or closes a file handle.
// Like LZ32's, it reports nothing.
void close(int64_t h) noexcept;
// GetExpandedName: 1 and the name in `out`, or an LZERROR_* code.
int expanded_name(std::string_view source, std::string& out);

// Beyond LZ32: COMPRESS.EXE's job, an SZDD file (mode 'A') that Windows'
// EXPAND and msexpand read. The missing character is taken from `source`'s
// name. Returns the compressed size; throws Win32Error.
uint64_t compress_file(std::string_view source, std::string_view dest);

}  // namespace w32::lz
