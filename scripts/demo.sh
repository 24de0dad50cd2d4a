#!/usr/bin/env bash
# The main job: builds larder, then builds a real cargo project twice from a clean target
# folder with larder as RUSTC_WRAPPER on the local disk cache, and prints the statistics.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
LARDER="$PWD/build/release/larder"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r tests/projects/demo "$work/demo"
export LARDER_DIR="$work/cache" CARGO_INCREMENTAL=0 RUSTC_WRAPPER="$LARDER" CARGO_NET_OFFLINE=true
cd "$work/demo"
for build in first second; do
  rm -rf target
  echo "== $build build (clean target folder)"
  start=$(date +%s%N)
  cargo build --release
  echo "   took $(( ($(date +%s%N) - start) / 1000000 )) ms"
  target/release/demo >/dev/null
done
echo "== larder stats"
"$LARDER" stats
