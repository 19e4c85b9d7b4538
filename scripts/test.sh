#!/usr/bin/env bash
# Runs the test suite (sets the machine up first). Extra arguments go to pytest:
#   bash scripts/test.sh -m "not slow"     bash scripts/test.sh tests/unit/lake -x
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
exec python -m pytest "$@"
