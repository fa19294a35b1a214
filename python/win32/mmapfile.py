"""mmapfile: memory-mapped files and named shared memory.

mmapfile(File, Name, MaximumSize=0, FileOffset=0, NumberOfBytesToMap=0): a
view of a file mapping. File None (or "") means the paging file, i.e. shared
memory; a Name makes the mapping reachable by that name from every process
of the session (see PYWIN32_POSIX_ROOT), and a second mmapfile with that name
opens the same memory. See docs/mmapfile.md.
"""
from pywin32_posix._errors import error  # noqa: F401
from pywin32_posix._w32.mmapfile import Pymmapfile, mmapfile  # noqa: F401
