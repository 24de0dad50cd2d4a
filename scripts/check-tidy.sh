#!/usr/bin/env bash
# Runs the checks of .clang-tidy (clang-tidy 14, Debian 12's) over larder's sources. CI runs it as
# a test. It reads the compile commands of a build folder (default: the static preset's): there
# the unity build's batches make about ten translation units, a few minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir="${1:-build/static}"
if [ ! -f "$build_dir/compile_commands.json" ]; then
  echo "check-tidy: no $build_dir/compile_commands.json (configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON)" >&2
  exit 1
fi
mapfile -t units < <(python3 -c '
import json, sys
for unit in json.load(open(sys.argv[1])):
    # larder itself: the unit tests and the bundled libraries are not held to these checks.
    if "/tests/" not in unit["file"] and "static-deps" not in unit["file"]:
        print(unit["file"])
' "$build_dir/compile_commands.json")
printf '%s\n' "${units[@]}" | xargs -P "$(nproc)" -n 1 clang-tidy -p "$build_dir" --quiet
