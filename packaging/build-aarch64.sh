#!/usr/bin/env bash
# Cross-builds the fully static larder for Linux aarch64 on a Debian x86_64 machine, the same
# way release.yml builds it natively on an arm64 runner (there with musl in Alpine; here with
# glibc, static), and checks it under qemu-user:
#   packaging/build-aarch64.sh --install-deps   (as root, once) cross compiler, qemu, arm64 libraries
#   packaging/build-aarch64.sh                  build/static-aarch64/larder
# The minimal libcurl of build-static-deps.sh is cross-built too, into build/static-deps-aarch64.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
TRIPLE=aarch64-linux-gnu
TOOLCHAIN="$ROOT/packaging/cross/$TRIPLE.cmake"
BUILD="$ROOT/build/static-aarch64"
JOBS="${JOBS:-2}"

log() { printf 'build-aarch64: %s\n' "$*" >&2; }

# The packages: the cross compilers and qemu-user are ordinary amd64 packages; the static
# archives larder links (OpenSSL, zstd, hiredis) come from Debian's arm64 -dev packages,
# installed beside the host's through multiarch.
ARM64_PACKAGES=(libssl-dev:arm64 libzstd-dev:arm64 libhiredis-dev:arm64)
HOST_PACKAGES=(gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user-static)

if [ "${1:-}" = "--install-deps" ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
    apt-get update -qq
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${HOST_PACKAGES[@]}" "${ARM64_PACKAGES[@]}" >/dev/null
  exit 0
fi

missing=()
for tool in $TRIPLE-gcc $TRIPLE-g++ qemu-aarch64-static; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
for archive in libssl.a libcrypto.a libzstd.a libhiredis.a; do
  [ -e "/usr/lib/$TRIPLE/$archive" ] || missing+=("/usr/lib/$TRIPLE/$archive")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "missing: ${missing[*]} (run packaging/build-aarch64.sh --install-deps as root)"
  exit 2
fi

# libcurl for aarch64: build-static-deps.sh with the cross compiler (CMake takes the toolchain
# file from the CMAKE_TOOLCHAIN_FILE environment variable), in its own folder.
CC=$TRIPLE-gcc CXX=$TRIPLE-g++ CMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" JOBS="$JOBS" \
  LARDER_STATIC_DEPS_DIR="$ROOT/build/static-deps-aarch64" packaging/build-static-deps.sh

cmake -S . -B "$BUILD" -G Ninja -Wno-dev --toolchain "$TOOLCHAIN" \
  -DCMAKE_BUILD_TYPE=Release -DLARDER_STATIC=ON -DLARDER_BUILD_TESTS=OFF \
  -DCMAKE_PREFIX_PATH="$ROOT/build/static-deps-aarch64/prefix" >"$BUILD.configure.log" 2>&1 ||
  { tail -40 "$BUILD.configure.log" >&2; exit 1; }
cmake --build "$BUILD" --target larder -j "$JOBS"
file "$BUILD/larder" | grep -q 'ARM aarch64' || { file "$BUILD/larder" >&2; exit 1; }
qemu-aarch64-static "$BUILD/larder" --version
log "built $BUILD/larder"
