// _get_osfhandle / _open_osfhandle: between C runtime file descriptors and
// handles. A descriptor's handle wraps a duplicate of it and is the same
// value on every call while it is open, as Windows' is.
#pragma once

#include "w32/kernel/handle_table.h"

namespace w32::io {

// ERROR_INVALID_HANDLE for a descriptor that is not open.
Handle handle_for_fd(int fd);
// A new descriptor (a duplicate) for a file or pipe handle's descriptor.
// Unlike Windows, closing it leaves the handle open.
int fd_for_handle(Handle h, int flags);

// CreateProcess's inheritance of file and pipe handles. The parent passes
// each inherited handle's descriptor down open and names it in
// kInheritedDescriptorsVariable as "value:fd:access,..."; the child makes
// each the handle `value` again (a disk file for a regular file, else a
// plain descriptor file: byte reads and writes).
inline constexpr const char* kInheritedDescriptorsVariable = "PYWIN32_POSIX_INHERITED_FDS";
void claim_inherited_descriptors();

}  // namespace w32::io
