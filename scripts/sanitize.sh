#!/usr/bin/env bash
# Runs larder under AddressSanitizer and UndefinedBehaviorSanitizer, then fuzzes every parser of
# untrusted bytes (docs/testing.md):
#   1. the unit tests, built with the `sanitize` preset;
#   2. a few integration test files with real cargo builds, with that larder as the wrapper;
#   3. each libFuzzer target of fuzz/ (the `fuzz` preset) for a fixed time over its seed corpus.
# Any sanitizer report or fuzzer finding fails the run. Findings are kept under
# build/fuzz/findings/ (reproduce: build/fuzz/fuzz/fuzz_TARGET FILE).
#
# Usage: scripts/sanitize.sh [--quick]
#   --quick   what scripts/test.sh runs: 15 s per fuzz target, one integration file
# LARDER_FUZZ_SECONDS overrides the time per fuzz target (default 60, or 15 with --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
source scripts/env.sh

quick=0
[ "${1:-}" = "--quick" ] && quick=1
if [ "$quick" = 1 ]; then
  fuzz_seconds="${LARDER_FUZZ_SECONDS:-15}"
  integration_files=(test_core.py)
else
  fuzz_seconds="${LARDER_FUZZ_SECONDS:-60}"
  # The local cache's hit/miss path with real cargo, and the two tiers whose replies larder
  # parses itself (Redis through hiredis's reader, memcached's text protocol).
  integration_files=(test_core.py test_redis.py test_memcached.py)
fi

scripts/install-deps.sh

started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started )) s"; }

# Sanitizer reports go to files (the wrapper runs under cargo, which may swallow its stderr);
# the run fails when any file appears. Every finding ends the process with a non-zero status.
reports="$root/build/sanitize/reports"
rm -rf "$reports" && mkdir -p "$reports"
export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:abort_on_error=0:exitcode=86:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"

check_reports() {
  if compgen -G "$reports/*" >/dev/null; then
    echo "sanitize: sanitizer reports after $1:" >&2
    for report in "$reports"/*; do
      echo "== $report" >&2
      cat "$report" >&2
    done
    exit 1
  fi
}

echo "== sanitize: building the sanitize preset"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize
echo "== sanitize: unit tests under ASan+UBSan ($(elapsed))"
build/sanitize/tests/larder_unit_tests --gtest_brief=1
check_reports "the unit tests"

echo "== sanitize: integration tests ${integration_files[*]} with the sanitized wrapper ($(elapsed))"
# The interpreter tests/CMakeLists.txt registers the integration tests with (pytest is Debian's).
python=/usr/bin/python3
[ -x "$python" ] || python=python3
(cd tests/integration &&
  LARDER_BIN="$root/build/sanitize/larder" "$python" -m pytest -q -rs -p no:cacheprovider "${integration_files[@]}")
check_reports "the integration tests"

echo "== sanitize: building the fuzz preset ($(elapsed))"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
# libFuzzer prints its own reports to stderr and exits non-zero on a finding.
unset ASAN_OPTIONS UBSAN_OPTIONS
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
findings="$root/build/fuzz/findings"
mkdir -p "$findings"
failed=()
for source in fuzz/*.cpp; do
  target="$(basename "$source" .cpp)"
  # New inputs go to a scratch corpus: the committed seeds stay small.
  work="$root/build/fuzz/corpus/$target"
  mkdir -p "$work"
  log="$root/build/fuzz/$target.log"
  echo "-- fuzz_$target: ${fuzz_seconds} s ($(elapsed))"
  if build/fuzz/fuzz/"fuzz_$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$findings/$target-" \
      "$work" "fuzz/corpus/$target" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$log" | tr '\n' ' '; echo
  else
    echo "sanitize: fuzz_$target found a problem (log: $log, input: $findings/$target-*)" >&2
    tail -n 60 "$log" >&2
    failed+=("$target")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "sanitize: findings in ${failed[*]}" >&2
  exit 1
fi
echo "== sanitize: passed in $(elapsed)"
