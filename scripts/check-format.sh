#!/usr/bin/env bash
# The C and C++ sources follow .clang-format (clang-format 14, Debian 12's). CI runs this check
# as a test; `scripts/check-format.sh --fix` rewrites the files that do not.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find src tests/unit fuzz bench -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.c' -o -name '*.h' \) | sort)
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${files[@]}"
  exit 0
fi
clang-format --dry-run --Werror "${files[@]}"
