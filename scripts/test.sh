#!/usr/bin/env bash
# Sets up a fresh machine, builds larder and runs every test (unit and integration).
# Usage: scripts/test.sh [extra ctest arguments, e.g. -R integration.test_core]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset release --timeout 900 "$@"
