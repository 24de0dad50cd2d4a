#!/usr/bin/env bash
# Writes packaging/hot-symbols.txt: every function a cache hit executes (a Rust hit, a C hit,
# `larder --version`), for the static link to place side by side (lld's --symbol-ordering-file).
#
#   packaging/hot-symbols.sh [LARDER_BINARY]       rewrite the list from this binary
#   packaging/hot-symbols.sh --check [BINARY]      say how much of a hit's code the list covers;
#                                                  exit 1 under LARDER_HOT_SYMBOLS_MIN percent (90)
#
# Why: a hit runs for a few milliseconds, and on a virtual machine most of that is page faults:
# each first touch of a 64 KiB window of the 7 MB text costs a fault, and a hit touched 62 such
# windows with its ~1,000 functions scattered through the binary. Placed together they fit in 14
# (docs/design.md, "Start-up").
# A function the list does not name is only placed elsewhere: a stale list costs speed, never
# correctness. Run this after changing what a hit runs; `--check` (a CTest test) says when.
#
# Needs valgrind (callgrind), cargo and a C compiler. Runs in a temporary folder.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LIST="$ROOT/packaging/hot-symbols.txt"
CHECK=0
if [[ "${1:-}" == "--check" ]]; then CHECK=1; shift; fi
LARDER="$(realpath "${1:-$ROOT/build/static/larder}")"
MIN_PERCENT="${LARDER_HOT_SYMBOLS_MIN:-90}"

for tool in valgrind callgrind_annotate cargo cc; do
  # 77: CTest's skip code for this test (tests/CMakeLists.txt)
  command -v "$tool" >/dev/null || { echo "hot-symbols: skipped, $tool not found (scripts/install-deps.sh installs it)" >&2; exit 77; }
done
[[ -x "$LARDER" ]] || { echo "hot-symbols: no larder binary at $LARDER" >&2; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export LARDER_DIR="$WORK/cache" CARGO_TARGET_DIR="$WORK/target" CARGO_HOME="$WORK/cargo-home"
unset RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER LARDER_S3_BUCKET LARDER_REDIS_URL LARDER_MEMCACHED_URL \
  LARDER_HTTP_URL LARDER_AZURE_CONTAINER

# Each profiled call writes one callgrind file; --demangle=no keeps the names the linker sees.
PROFILES="$WORK/profiles"
mkdir -p "$PROFILES"
cat >"$WORK/profiled-larder" <<EOF
#!/bin/sh
exec valgrind --tool=callgrind --demangle=no --callgrind-out-file="$PROFILES/%p.out" "$LARDER" "\$@" 2>/dev/null
EOF
chmod +x "$WORK/profiled-larder"

# A Rust hit: build a small library crate twice from a clean target, the second build profiled.
mkdir -p "$WORK/crate/src"
cat >"$WORK/crate/Cargo.toml" <<'EOF'
[package]
name = "hot_path_probe"
version = "0.1.0"
edition = "2021"
EOF
cat >"$WORK/crate/src/lib.rs" <<'EOF'
pub fn add(a: u64, b: u64) -> u64 { a + b }
EOF
(cd "$WORK/crate" && RUSTC_WRAPPER="$LARDER" cargo build -q --release)
rm -rf "$CARGO_TARGET_DIR"
(cd "$WORK/crate" && RUSTC_WRAPPER="$WORK/profiled-larder" cargo build -q --release)

# A C hit, and --version.
printf 'int hot_path_probe(int x) { return x + 1; }\n' >"$WORK/probe.c"
"$LARDER" cc -O2 -c "$WORK/probe.c" -o "$WORK/probe.o"
"$WORK/profiled-larder" cc -O2 -c "$WORK/probe.c" -o "$WORK/probe.o"
"$WORK/profiled-larder" --version >/dev/null

hits="$("$LARDER" stats --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["cache_hits"])')"
[[ "$hits" -ge 2 ]] || { echo "hot-symbols: expected the profiled calls to hit, stats say $hits hits" >&2; exit 1; }

# Functions that ran, named as in the symbol table (callgrind_annotate lists each with its
# instruction count; a name it could not give comes as an address, looked up in `nm`), plus what
# valgrind's virtual CPU hides: the start-up code before main, glibc's IFUNC resolvers, and every
# variant of a string function glibc may pick on another CPU (AVX-512, EVEX…).
executed() {
  # A call that ended in exec (larder hands `rustc -vV` to rustc) leaves a profile without data.
  for profile in "$PROFILES"/*.out; do
    if grep -q '^events:' "$profile"; then callgrind_annotate --threshold=100 "$profile"; fi
  done | sed -nE 's/^ *[0-9,]+ +\([ 0-9.]+%\) +[^:]*:([^ ]+)( \[.*\])?$/\1/p' |
    sed -E "s/'[0-9]+\$//" >"$WORK/names"
  nm --defined-only -S "$LARDER" >"$WORK/nm"
  python3 - "$WORK/names" "$WORK/nm" <<'PY' | LC_ALL=C sort -u
import bisect, re, sys
names = [n.strip() for n in open(sys.argv[1]) if n.strip() and not n.startswith("(below")]
functions = []  # (address, size, name) of every function in the binary
for line in open(sys.argv[2]):
    fields = line.split()
    if len(fields) == 4 and fields[2] in "tTwW":
        functions.append((int(fields[0], 16), int(fields[1], 16), fields[3]))
    elif len(fields) == 3 and fields[1] in "tTwW":
        functions.append((int(fields[0], 16), 0, fields[2]))
functions.sort()
starts = [f[0] for f in functions]
variant = re.compile(r"^__(mem|str|stp|wcs|wmem|rawmem|bcmp)([a-z]*?)_(sse|ssse|avx|evex|erms)")
same_function = {"memcpy": "memmove", "mempcpy": "memmove", "bcmp": "memcmp"}
bases = set()
for name in names:
    if name.startswith("0x"):
        i = bisect.bisect_right(starts, int(name.split()[0], 16)) - 1
        if i >= 0:
            print(functions[i][2])
        continue
    print(name)
    match = variant.match(name)
    if match:
        base = match.group(1) + match.group(2)
        bases.add(same_function.get(base, base))
for _, _, name in functions:
    match = variant.match(name)
    base = match and match.group(1) + match.group(2)
    if (base and same_function.get(base, base) in bases) or name.endswith("_ifunc") or \
            name in ("_start", "__libc_start_main", "__libc_start_call_main"):
        print(name)
PY
}

if [[ "$CHECK" -eq 0 ]]; then
  executed >"$LIST"
  echo "hot-symbols: $(wc -l <"$LIST") functions written to packaging/hot-symbols.txt"
  exit 0
fi

executed >"$WORK/executed"
listed="$(LC_ALL=C comm -12 "$WORK/executed" "$LIST" | wc -l)"
total="$(wc -l <"$WORK/executed")"
percent=$((100 * listed / total))
echo "hot-symbols: packaging/hot-symbols.txt names $listed of the $total functions a hit runs ($percent%)"
if [[ "$percent" -lt "$MIN_PERCENT" ]]; then
  echo "hot-symbols: under $MIN_PERCENT%: run packaging/hot-symbols.sh and commit the list" >&2
  echo "hot-symbols: functions not listed:" >&2
  LC_ALL=C comm -23 "$WORK/executed" "$LIST" | head -20 >&2
  exit 1
fi
