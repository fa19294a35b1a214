#!/usr/bin/env bash
# Installs pywin32-posix and everything needed to build and test it, on a
# fresh Debian 12 machine: Debian packages (as root, or through sudo), the
# Python build and test dependencies (pip), then the package itself with
# `pip install --no-build-isolation .`, which builds in build/ and so is
# incremental when run again. Safe to re-run.
#
# Environment:
#   PYTHON          the interpreter to install into (default: python3)
#   W32_BUILD_LOCK  a lock file; when set, the package build holds it (flock),
#                   for machines where several builds share one build dir
set -euo pipefail

# Debian packages to build and test. Later features append here (one list).
APT_PACKAGES="g++ cmake ninja-build ccache libgtest-dev git libsqlite3-dev"
# odbc: the driver manager, the SQLite driver (the embedded default), psqlODBC and a PostgreSQL server for its tests.
APT_PACKAGES="$APT_PACKAGES unixodbc-dev libsqliteodbc odbc-postgresql postgresql"
# systemd-analyze checks the units of the services' systemd backend.
APT_PACKAGES="$APT_PACKAGES systemd"
# win32lz: its tests and benchmark check SZDD against Debian's mscompress/msexpand.
APT_PACKAGES="$APT_PACKAGES mscompress"
# win32ras: Dial runs pppd; its tests run it (and a PPP link over a pty where the kernel has PPP).
APT_PACKAGES="$APT_PACKAGES ppp"
# win32lz: KWAJ MSZIP is raw deflate (zlib); its tests compare KWAJ LZH/MSZIP with libmspack's decoder.
APT_PACKAGES="$APT_PACKAGES zlib1g-dev libmspack0"
# win32net: the shadow tools it runs for account changes, and Samba's testparm (shares) for its tests.
APT_PACKAGES="$APT_PACKAGES passwd samba-common-bin"
# win32security: its tests check POSIX ACLs with getfacl/setfacl; LogonUser uses PAM (libpam0g).
APT_PACKAGES="$APT_PACKAGES acl libpam0g"

# Python packages the build (no build isolation) and the tests need.
PIP_PACKAGES="scikit-build-core>=0.10 nanobind>=2.4 pytest>=7 pytest-timeout>=2"
# win32pdh: its tests compare counter values with psutil's.
PIP_PACKAGES="$PIP_PACKAGES psutil>=5.9"
# docs: stubtest checks the shipped type stubs; Sphinx and MyST build the reference (tests build it with -W).
PIP_PACKAGES="$PIP_PACKAGES mypy>=1.18 sphinx>=7 myst-parser>=3"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"

step() { printf '\n==> %s\n' "$*"; }
run() { printf '+ %s\n' "$*"; "$@"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        run "$@"
    elif command -v sudo >/dev/null 2>&1; then
        if [ -t 0 ] || sudo -n true 2>/dev/null; then
            run sudo "$@"
        else
            echo "install.sh: needs root for: $*  (no terminal for a sudo password)" >&2
            exit 1
        fi
    else
        echo "install.sh: needs root for: $*  (run as root, or install sudo)" >&2
        exit 1
    fi
}

started=$SECONDS

# --- Debian packages ---------------------------------------------------------
step "Debian packages"
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    APT_PACKAGES="$APT_PACKAGES python3 python3-dev python3-pip python3-venv"
    PYTHON=python3
else
    if ! "$PYTHON" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'; then
        APT_PACKAGES="$APT_PACKAGES python3-dev"  # a Debian interpreter without its headers
    fi
    if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
        APT_PACKAGES="$APT_PACKAGES python3-pip"
    fi
fi

missing=""
for pkg in $APT_PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $pkg"
    fi
done
if [ -n "$missing" ]; then
    echo "missing:$missing"
    # (env: sudo would drop an exported DEBIAN_FRONTEND)
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    # shellcheck disable=SC2086  # word splitting of the list is wanted
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
else
    echo "all present: $APT_PACKAGES"
fi

# --- Python packages ---------------------------------------------------------
step "Python build and test dependencies ($("$PYTHON" --version 2>&1))"
PIP=("$PYTHON" -m pip)
# Debian's own interpreter refuses pip installs (PEP 668) unless asked.
if "$PYTHON" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["stdlib"], "EXTERNALLY-MANAGED")))'; then
    echo "note: $PYTHON is managed by Debian; installing with --break-system-packages"
    PIP+=(--break-system-packages)
fi
export PIP_ROOT_USER_ACTION=ignore  # root is expected here (CI, fresh machines)
PIP_QUIET=(--disable-pip-version-check --no-input --progress-bar off)
# shellcheck disable=SC2086
run "${PIP[@]}" install "${PIP_QUIET[@]}" -q $PIP_PACKAGES

# --- pywin32-posix -----------------------------------------------------------
step "pywin32-posix (incremental build in $REPO/build)"
build_started=$SECONDS
install_cmd=("${PIP[@]}" install "${PIP_QUIET[@]}" --no-build-isolation "$REPO")
if [ -n "${W32_BUILD_LOCK:-}" ]; then
    install_cmd=(flock "$W32_BUILD_LOCK" "${install_cmd[@]}")
fi
run "${install_cmd[@]}"
echo "built and installed in $((SECONDS - build_started)) s"

step "check"
# Outside the repo, so that the installed package is what imports.
(cd / && run "$PYTHON" -c 'import win32api, pywintypes; print("import win32api, pywintypes: ok,", win32api.FormatMessage(0).strip())')

echo
echo "install.sh: done in $((SECONDS - started)) s. Try: $PYTHON -m pywin32_posix.demo"
