#!/usr/bin/env bash
# Runs the pipeline end to end on generated sample data with the embedded engines.
#   bash scripts/demo.sh                 # 20,000 posts
#   bash scripts/demo.sh --posts 200000  # any `socialake demo` option
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
exec socialake demo --env local "$@"
