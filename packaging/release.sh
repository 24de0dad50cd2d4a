#!/usr/bin/env bash
# Packages a static larder as a release archive:
#   dist/larder-v<version>-<target>.tar.gz   holding larder (stripped), README.md, LICENSE
#   dist/larder-v<version>-<target>.tar.gz.sha256
#   dist/sha256.sum                          every archive in dist/, for `sha256sum --check`
#
#   packaging/release.sh                  build the static deps and the `static` preset, package it
#   packaging/release.sh --binary PATH    package an already built static binary (release.yml)
#   options: --out DIR (default dist)
#
# Version and target are read from the binary's `--version` so that the archive name always
# matches what the binary says. Archives are reproducible: fixed order, owner and mtime
# (SOURCE_DATE_EPOCH, default the last commit's time), gzip without a timestamp.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
binary=""
out="$ROOT/dist"
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$(realpath "$2")"; shift 2 ;;
    --out) mkdir -p "$2"; out="$(realpath "$2")"; shift 2 ;;
    *) echo "usage: $0 [--binary PATH] [--out DIR]" >&2; exit 2 ;;
  esac
done
log() { printf 'release: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [ -z "$binary" ]; then
  packaging/build-static-deps.sh
  cmake --preset static >/dev/null
  cmake --build --preset static
  binary="$ROOT/build/static/larder"
fi
[ -x "$binary" ] || die "$binary is not an executable"

# Refuse anything that is not fully static: the archive must run on any Linux.
description="$(file -bL "$binary")"
case "$description" in
  *"statically linked"* | *"static-pie linked"*) ;;
  *) die "$binary is not statically linked: $description" ;;
esac
if ldd "$binary" >/dev/null 2>&1 && ldd "$binary" 2>&1 | grep -q '=>'; then
  die "ldd lists dynamic dependencies for $binary"
fi

# "larder 0.1.0 (commit 0123abcd, x86_64-unknown-linux-musl, Release)"
version_line="$("$binary" --version)"
version="$(sed -nE 's/^larder v?([^ ]+) \(.*$/\1/p' <<<"$version_line")"
target="$(sed -nE 's/^.*\(commit [^,]*, ([^,]+), .*$/\1/p' <<<"$version_line")"
[ -n "$version" ] && [ -n "$target" ] || die "cannot read version and target from: $version_line"
if [ "${GITHUB_REF_TYPE:-}" = tag ] && [ "${GITHUB_REF_NAME:-}" != "v$version" ]; then
  die "tag ${GITHUB_REF_NAME} does not match the version the binary reports (v$version): bump project(VERSION) in CMakeLists.txt"
fi

name="larder-v$version-$target"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
strip -o "$stage/larder" "$binary" 2>/dev/null || cp "$binary" "$stage/larder"
chmod 755 "$stage/larder"
install -m 644 README.md LICENSE "$stage/"

epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
mkdir -p "$out"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu \
  -C "$stage" -cf - larder README.md LICENSE | gzip -n -9 > "$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
(cd "$out" && sha256sum larder-v*.tar.gz > sha256.sum)

log "$version_line"
log "binary: $(stat -c %s "$binary") bytes, stripped $(stat -c %s "$stage/larder") bytes"
log "archive: $out/$name.tar.gz ($(stat -c %s "$out/$name.tar.gz") bytes)"
echo "$out/$name.tar.gz"
