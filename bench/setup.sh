#!/usr/bin/env bash
# Installs what the benchmark needs on a Debian machine (run as root or with sudo): the
# workload's crates as Debian librust-*-dev packages (the workload's .cargo/config.toml points
# cargo at /usr/share/cargo/registry), the native libraries and tools its build scripts use,
# and Debian's sccache for the side-by-side comparison. Idempotent.
# Building larder itself needs scripts/install-deps.sh (run by scripts/demo.sh and test.sh).
set -euo pipefail
cd "$(dirname "$0")"

source ../scripts/apt.sh

# apt-packages.txt already lists sccache; keep it explicit in case the list changes.
read -r -a packages <<<"$(tr '\n' ' ' < apt-packages.txt) sccache"
apt_install_missing "${packages[@]}" || echo "bench/setup.sh: all packages already installed"

if ! command -v cargo >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/cargo" ]; then
  echo "bench/setup.sh: cargo and rustc are needed (rustup or Debian's cargo package)" >&2
  exit 1
fi
