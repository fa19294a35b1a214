#!/usr/bin/env python3
"""mypy's stubtest, taught that nanobind's functions are functions.

stubtest recognises Python functions, builtins and method descriptors; a
module-level nanobind function (nanobind.nb_func) is none of these, so every
one of them would be reported "is not a function". This runs stubtest with
that one test widened to nanobind's function type; everything else (names
present or missing, classes, metaclasses, Python signatures) is stubtest's.
Arguments are stubtest's.

    python3 tools/run_stubtest.py [stubtest arguments] MODULE...
"""
import sys

import mypy.stubtest as stubtest

import pywin32_posix._w32.win32event as _a_binding

NB_FUNC = type(_a_binding.CreateEvent)
_is_function = stubtest.is_probably_a_function


def is_probably_a_function(runtime):
    return isinstance(runtime, NB_FUNC) or _is_function(runtime)


stubtest.is_probably_a_function = is_probably_a_function

if __name__ == "__main__":
    sys.exit(stubtest.main())
