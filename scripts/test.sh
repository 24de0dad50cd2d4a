#!/usr/bin/env bash
# Sets up a fresh machine, builds larder and runs every test (unit and integration).
# The tests run against the fully static binary (the `static` preset), which is what ships.
# Usage: scripts/test.sh [extra ctest arguments, e.g. -R integration.test_core]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/install-deps.sh
packaging/build-static-deps.sh
cmake --preset static >/dev/null
cmake --build --preset static
ctest --preset static --parallel 2 --timeout 900 "$@"
