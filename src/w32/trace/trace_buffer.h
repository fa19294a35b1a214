// win32trace's buffer: one 64 KiB buffer shared by every process of the
// session, written by any number of processes and drained by a collector.
//
// pywin32's rules: a write appends to the buffer; a read takes everything
// and empties it; a write that does not fit empties the buffer first and
// starts again from the top (the older output is lost). A write of more
// than half the buffer goes in halves. When space runs short and a collector
// is reading, a writer waits while it drains; a collector that read nothing
// for 100 ms is behind, and the buffer starts again.
//
// The buffer is the named paging-file section "PythonTraceOutputMapping",
// laid out as pywin32's (a 32-bit length, then the text), followed by our
// control block: a robust process-shared mutex and a futex word counting
// reads. A writer updates the length only after its bytes are in, so one
// killed mid-write leaves its partial text beyond the length (invisible),
// and the next locker (EOWNERDEAD) goes on with a consistent buffer: readers
// see whole writes only. "PythonTraceOutputEvent" (auto-reset, the handle
// GetHandle returns) is set when text arrives in an empty buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "w32/io/unique_fd.h"
#include "w32/kernel/handle_table.h"
#include "w32/mapping/view.h"
#include "w32/sync/wait_engine.h"

namespace w32::trace {

inline constexpr size_t kBufferBytes = 65536;
inline constexpr size_t kMaxChunk = kBufferBytes / 2;
// How long a writer short of space waits for the collector to read.
inline constexpr uint32_t kDrainWaitMs = 100;

// The section's layout: pywin32's (the length, then the text), then the
// control block, which starts with the robust pthread mutex.
inline constexpr const char* kSectionName = "PythonTraceOutputMapping";
inline constexpr size_t kTextOffset = sizeof(uint32_t);
inline constexpr size_t kControlOffset = (kTextOffset + kBufferBytes + 63) / 64 * 64;

class TraceBuffer {
public:
    // Attaches to the session's buffer (creating it). One per process.
    static std::shared_ptr<TraceBuffer> attach();
    ~TraceBuffer();

    // Appends `text` (in chunks of at most kMaxChunk; `utf8` keeps a chunk
    // from ending inside a character). Blocks only for kDrainWaitMs rounds.
    void write(std::span<const char> text, bool utf8);
    // Takes everything buffered (possibly nothing).
    std::string read();
    // Waits (interruptibly) for the data event, then reads, as pywin32's
    // blockingread: after a timeout the result is what is there, often "".
    std::string blocking_read(uint32_t timeout_ms, const sync::InterruptCheck& interrupted);

    // Marks this process as a reader for as long as it is one: writers only
    // wait for a collector when some process is reading.
    void set_reading(bool reading);

    // The data event: a handle in this process's table, created once.
    static Handle data_event();

private:
    struct Control;
    TraceBuffer(std::unique_ptr<mapping::View> view, io::UniqueFd readers_fd);
    void write_chunk(const char* data, size_t size);
    bool collector_present() const;
    uint32_t* length() const;
    char* text() const;
    Control& control() const;
    void lock() const;
    void unlock() const;

    std::unique_ptr<mapping::View> view_;
    io::UniqueFd readers_fd_;  // an OFD lock on byte 0 marks a reader
    bool reading_ = false;
};

}  // namespace w32::trace
