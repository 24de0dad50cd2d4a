#!/usr/bin/env bash
# Installs what building and testing larder needs on a fresh Debian machine (run as root or
# with sudo). Idempotent: already installed packages are skipped quickly.
set -euo pipefail

APT_PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libspdlog-dev libfmt-dev libcurl4-openssl-dev libssl-dev libzstd-dev
  nlohmann-json3-dev libtomlplusplus-dev libgtest-dev libgmock-dev
  libhiredis-dev
  # tests
  python3 python3-pytest
  # remote storage servers for the tests (started on loopback by the tests themselves)
  redis-server redis-tools memcached nginx openssl
  # S3 tests: the AWS CLI for interoperability (node 20 and npm come with the machine)
  awscli
)

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/cargo" ]; then
  echo "install-deps: cargo and rustc are needed (rustup or Debian's cargo package)" >&2
  exit 1
fi

# Azure Blob tests: Azurite, pinned in tests/tools/azurite/package.json (and its lock file).
azurite_dir="$(dirname "$0")/../tests/tools/azurite"
if [ ! -x "$azurite_dir/node_modules/.bin/azurite-blob" ]; then
  command -v npm >/dev/null 2>&1 || { echo "install-deps: node and npm are needed for the Azure Blob tests" >&2; exit 1; }
  npm ci --prefix "$azurite_dir" --no-audit --no-fund >/dev/null
fi

# Test servers pinned in tests/tools/package.json (package-lock.json pins the rest).
if [ ! -d "$(dirname "$0")/../tests/tools/node_modules" ]; then
  command -v npm >/dev/null 2>&1 || { echo "install-deps: node 20 and npm are needed for the S3 tests" >&2; exit 1; }
  npm install --prefix "$(dirname "$0")/../tests/tools" --no-audit --no-fund
fi
