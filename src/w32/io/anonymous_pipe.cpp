// CreatePipe: an anonymous pipe is a pipe2() pair.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/io/pipe_end.h"

namespace w32::io {

namespace {

class AnonymousPipeEnd : public PipeEnd {
public:
    using PipeEnd::PipeEnd;

    ReadResult read(std::span<std::byte> buffer, const sync::InterruptCheck& interrupted) override {
        ReadResult r = FileObject::read(buffer, interrupted);
        // End of data: every write end is closed.
        if (r.bytes == 0 && !buffer.empty()) throw_win32(err::kBrokenPipe, "ReadFile");
        return r;
    }

    PeekResult peek(size_t size) override {
        FdRef f = fd();
        int avail = 0;
        if (::ioctl(f->get(), FIONREAD, &avail) != 0) throw_errno(errno, "PeekNamedPipe");
        PeekResult out;
        out.total_available = static_cast<uint32_t>(avail);
        if (size == 0 || avail == 0) return out;
        // tee() copies pipe contents without consuming them.
        int copy[2];
        if (::pipe2(copy, O_CLOEXEC | O_NONBLOCK) != 0) throw_errno(errno, "PeekNamedPipe");
        UniqueFd copy_read(copy[0]), copy_write(copy[1]);
        ssize_t n = ::tee(f->get(), copy_write.get(), size, SPLICE_F_NONBLOCK);
        if (n < 0) throw_errno(errno, "PeekNamedPipe");
        out.data.resize(static_cast<size_t>(n));
        ssize_t got = ::read(copy_read.get(), out.data.data(), out.data.size());
        out.data.resize(got > 0 ? static_cast<size_t>(got) : 0);
        return out;
    }
};

}  // namespace

std::shared_ptr<PipeEnd> make_anonymous_pipe_end(UniqueFd fd, uint32_t access) {
    return std::make_shared<AnonymousPipeEnd>(std::move(fd), access);
}

std::pair<Handle, Handle> create_pipe(bool inherit, uint32_t size) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno(errno, "CreatePipe");
    UniqueFd r(fds[0]), w(fds[1]);
    if (size > 0) ::fcntl(w.get(), F_SETPIPE_SZ, static_cast<int>(size));  // best effort
    auto& table = HandleTable::instance();
    Handle hr = table.insert(std::make_shared<AnonymousPipeEnd>(std::move(r), kGenericRead), kGenericRead, inherit);
    try {
        Handle hw = table.insert(std::make_shared<AnonymousPipeEnd>(std::move(w), kGenericWrite),
                                 kGenericWrite, inherit);
        return {hr, hw};
    } catch (...) {
        table.close(hr, "CreatePipe");
        throw;
    }
}

}  // namespace w32::io
