#!/usr/bin/env bash
# Installs what building and testing larder needs on a fresh Debian machine (run as root or
# with sudo). Idempotent: already installed packages are skipped quickly.
set -euo pipefail

APT_PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libspdlog-dev libfmt-dev libcurl4-openssl-dev libssl-dev libzstd-dev
  nlohmann-json3-dev libtomlplusplus-dev libgtest-dev libgmock-dev
  # tests
  python3 python3-pytest
  # static build and release archives (packaging/): curl's source patches, `file` checks
  patch xz-utils file
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

# Tools the tests run (npm packages pinned in tests/tools/package.json), e.g. the workflow
# validator; again when package.json changed. Node comes from Debian unless one is installed.
tools_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/tools"
if [ ! -d "$tools_dir/node_modules" ] || [ "$tools_dir/package.json" -nt "$tools_dir/node_modules/.package-lock.json" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  npm install --prefix "$tools_dir" --no-audit --no-fund
fi

if ! command -v cargo >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/cargo" ]; then
  echo "install-deps: cargo and rustc are needed (rustup or Debian's cargo package)" >&2
  exit 1
fi
