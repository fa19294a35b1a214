#!/usr/bin/env bash
# The whole test suite in one command: the C++ core's GoogleTest suite (built
# in build/core-tests, through ccache) and the Python suite (pytest on
# tests/python, against the installed package: run tools/install.sh first,
# and again after changing the sources). Both run even when the first fails;
# the exit status is non-zero if either did.
#
# Everything runs in a fresh session (PYWIN32_POSIX_ROOT in a temporary
# directory, removed at the end), never in the user's own.
#
# Usage: bash tools/test.sh [pytest arguments...]
# Environment:
#   PYTHON          the interpreter with pywin32-posix installed (default: python3)
#   W32_BUILD_LOCK  a lock file; when set, the core build holds it (flock)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
PYTHON="${PYTHON:-python3}"
BUILD_DIR="$REPO/build/core-tests"
JOBS="$(nproc 2>/dev/null || echo 2)"

step() { printf '\n==> %s\n' "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }
locked() {
    if [ -n "${W32_BUILD_LOCK:-}" ]; then run flock "$W32_BUILD_LOCK" "$@"; else run "$@"; fi
}

ROOT="$(mktemp -d "${TMPDIR:-/tmp}/w32test.XXXXXX")"
cleanup() {
    # The sessions' shared memory is named after their roots, outside them.
    (cd / && "$PYTHON" -c 'import sys
from pywin32_posix._session import remove_private_session as remove
for root in sys.argv[1:]: remove(root)' "$ROOT/core" "$ROOT") 2>/dev/null || true
    rm -rf "$ROOT"
}
trap cleanup EXIT
export PYWIN32_POSIX_ROOT="$ROOT"
unset PYWIN32_POSIX_DISABLE
started=$SECONDS

# --- C++ core ------------------------------------------------------------------
core_status=0
step "core: GoogleTest suite (build/core-tests)"
if locked cmake -S "$REPO" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DW32_BUILD_BINDINGS=OFF -DW32_BUILD_TESTS=ON --log-level=WARNING &&
   locked cmake --build "$BUILD_DIR" --parallel "$JOBS"; then
    mkdir -p "$ROOT/core"
    PYWIN32_POSIX_ROOT="$ROOT/core" run ctest --test-dir "$BUILD_DIR" --output-on-failure \
        --parallel "$JOBS" --timeout 300 || core_status=$?
else
    core_status=$?
    echo "test.sh: the core tests did not build" >&2
fi

# --- Python --------------------------------------------------------------------
step "python: pytest tests/python ($("$PYTHON" --version 2>&1))"
so="$(cd / && "$PYTHON" -c 'import pywin32_posix._w32 as m; print(m.__file__)' 2>/dev/null || true)"
if [ -z "$so" ]; then
    echo "test.sh: pywin32-posix is not installed for $PYTHON: run tools/install.sh first" >&2
elif [ -n "$(find src python -newer "$so" \( -name '*.cpp' -o -name '*.h' -o -name '*.inc' -o -name '*.py' \) -print -quit)" ]; then
    echo "warning: sources changed since the installed build ($so);" >&2
    echo "warning: the tests run the installed package: re-run tools/install.sh" >&2
fi
py_status=0
# PYTHONSAFEPATH: `python -m` would put the repo root on sys.path, where the
# source tree could shadow the installed package.
PYTHONSAFEPATH=1 run "$PYTHON" -m pytest tests/python "$@" || py_status=$?

# --- summary -------------------------------------------------------------------
# pytest's own summary line above stays the last line when all is well.
if [ "$core_status" -ne 0 ] || [ "$py_status" -ne 0 ]; then
    echo
    [ "$core_status" -ne 0 ] && echo "test.sh: core (GoogleTest/ctest) FAILED (status $core_status)"
    [ "$py_status" -ne 0 ] && echo "test.sh: python (pytest) FAILED (status $py_status)"
    echo "test.sh: FAILED after $((SECONDS - started)) s"
    exit 1
fi
