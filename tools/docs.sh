#!/usr/bin/env bash
# Builds the reference site into build/docs/html, warnings being errors: the
# porting guide and the areas' pages (docs/*.md), the support matrix and the
# API reference, both generated at build time from the installed package's
# docstrings (docs/conf.py). Reinstall first (tools/install.sh, or pip install
# --no-build-isolation .) so that the docs describe the current sources.
#
# Usage: bash tools/docs.sh [sphinx-build arguments...]
# Environment:
#   PYTHON   the interpreter with pywin32-posix, sphinx and myst-parser (default: python3)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
OUT="$REPO/build/docs/html"

# From /, with a safe path: the installed package is what gets documented,
# never the source tree.
cd /
PYTHONSAFEPATH=1 "$PYTHON" -m sphinx -W --keep-going -q -b html "$REPO/docs" "$OUT" "$@"
echo "docs: $OUT/index.html"
