#!/bin/sh
# Builds the released, fully static (musl) larder inside an Alpine container and packages it:
#
#   docker run --rm -v "$PWD:/src" -w /src alpine:3.20 packaging/alpine/build.sh
#
# release.yml runs it on an x86_64 and an arm64 runner; the archive lands in dist/ as
# larder-v<version>-<arch>-unknown-linux-musl.tar.gz. Alpine ships static archives of OpenSSL and
# zstd; libcurl is built by packaging/build-static-deps.sh from the pinned Debian source
# (no apt-get here, so it downloads the pinned, SHA-256 checked files).
set -eu
apk add --no-cache \
  bash build-base cmake samurai git linux-headers perl patch xz tar gzip file coreutils curl \
  openssl-dev openssl-libs-static zstd-dev zstd-static xxhash-dev \
  cli11 nlohmann-json spdlog-dev fmt-dev tomlplusplus-dev
git config --global --add safe.directory "$PWD"
export LARDER_STATIC_DEPS_SOURCE=pinned JOBS="$(nproc)"
packaging/release.sh --out dist
