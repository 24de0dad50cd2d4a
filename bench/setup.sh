#!/usr/bin/env bash
# Installs what the benchmark needs on a Debian machine (run as root or with sudo): the
# workload's crates as Debian librust-*-dev packages (the workload's .cargo/config.toml points
# cargo at /usr/share/cargo/registry), the native libraries and tools its build scripts use,
# and Debian's sccache for the side-by-side comparison. Idempotent.
# Building larder itself needs scripts/install-deps.sh (run by scripts/demo.sh and test.sh).
set -euo pipefail
cd "$(dirname "$0")"

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# apt-packages.txt already lists sccache; keep it explicit in case the list changes.
read -r -a packages <<<"$(tr '\n' ' ' < apt-packages.txt) sccache"
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "bench/setup.sh: all packages already installed"
fi

if ! command -v cargo >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/cargo" ]; then
  echo "bench/setup.sh: cargo and rustc are needed (rustup or Debian's cargo package)" >&2
  exit 1
fi
