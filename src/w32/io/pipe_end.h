// What named and anonymous pipe endpoints share: the Pipe handle type,
// FILE_TYPE_PIPE, end of data as ERROR_BROKEN_PIPE, and PeekNamedPipe.
#pragma once

#include <memory>

#include "w32/io/file_object.h"
#include "w32/io/named_pipe.h"

namespace w32::io {

class PipeEnd : public FileObject {
public:
    PipeEnd(UniqueFd fd, uint32_t access) : FileObject(ObjectType::Pipe, std::move(fd), access) {}
    uint32_t file_type() const noexcept override { return kFileTypePipe; }
    // Pipes have no file buffers to push to a disk: the data is with the
    // kernel already, so flushing succeeds at once.
    void flush() override {}
    virtual PeekResult peek(size_t size) = 0;
};

std::shared_ptr<PipeEnd> pipe_of(Handle h, const char* function);

// An end of an OS pipe (pipe2, a FIFO) as CreatePipe's ends are: what
// _get_osfhandle and inherited handles make of a pipe descriptor, so that
// PeekNamedPipe and Windows' end-of-pipe error work on a child's stdin.
std::shared_ptr<PipeEnd> make_anonymous_pipe_end(UniqueFd fd, uint32_t access);

}  // namespace w32::io
