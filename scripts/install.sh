#!/bin/sh
# larder installer:  curl -fsSL https://github.com/larder-rs/larder/releases/latest/download/install.sh | sh
#                     … | sh -s -- --soft-fail    (CI templates: see LARDER_INSTALL_SOFT_FAIL)
#
# Downloads the release archive for this machine, checks its SHA-256 against the release's
# sha256.sum, and installs the `larder` binary. POSIX sh (bash, dash, busybox ash), needs
# curl or wget, tar with gzip, and sha256sum, shasum or openssl. Never asks questions, never
# runs sudo. Running it again with the same version changes nothing.
#
# Settings (environment variables, all optional):
#   LARDER_VERSION      version to install: 1.2.3 or v1.2.3, or "latest" (default)
#   LARDER_INSTALL_DIR  where the binary goes (default: /usr/local/bin as root, else ~/.local/bin)
#   LARDER_BASE_URL     release location, laid out as GitHub releases are:
#                         BASE/download/vVERSION/FILE and BASE/latest/download/FILE
#                       (default: https://github.com/larder-rs/larder/releases)
#   LARDER_TARGET       target triple to install instead of the detected one
#   LARDER_SHA256       expected SHA-256 of the archive, checked in addition to sha256.sum
#   LARDER_FORCE        1: download and install even if that version is already installed
#   LARDER_QUIET        1: print only errors
#   LARDER_INSTALL_SOFT_FAIL
#                       1 (or the option --soft-fail): on a platform with no prebuilt larder,
#                       warn and exit 0 without installing, so a CI job goes on without the
#                       wrapper. Checksum and download failures still fail.
# In GitHub Actions (GITHUB_PATH set) the install dir is appended to GITHUB_PATH.
set -eu

default_base_url="https://github.com/larder-rs/larder/releases"

say() {
  if [ "${LARDER_QUIET:-0}" != 1 ]; then printf 'larder-install: %s\n' "$*" >&2; fi
}

fail() {
  printf 'larder-install: error: %s\n' "$*" >&2
  exit 1
}

# unsupported MESSAGE: no larder for this platform; an error, or with soft-fail a warning and
# a successful exit that installs nothing.
unsupported() {
  if [ "$soft_fail" = 1 ]; then
    printf 'larder-install: warning: %s\n' "$*" >&2
    printf 'larder-install: warning: larder was not installed; the build goes on without it (soft-fail)\n' >&2
    exit 0
  fi
  fail "$*"
}

have() {
  command -v "$1" >/dev/null 2>&1
}

# download URL FILE: fetch URL into FILE, following redirects, failing on HTTP errors.
download() {
  if have curl; then
    curl --proto '=https,http' -fsSL --retry 3 --retry-delay 1 -o "$2" "$1" || return 1
  elif have wget; then
    wget -q -O "$2" "$1" || return 1
  else
    fail "neither curl nor wget is installed: install one of them, then run this again"
  fi
}

# sha256_of FILE: prints the lowercase hex SHA-256 of FILE.
sha256_of() {
  if have sha256sum; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif have shasum; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  elif have openssl; then
    openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  else
    fail "no SHA-256 tool found (sha256sum, shasum or openssl): cannot verify the download"
  fi
}

# detect_target: sets target to the triple of the prebuilt binary for this machine.
detect_target() {
  os=$(uname -s)
  arch=$(uname -m)
  case "$arch" in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64 | armv8*) arch=aarch64 ;;
    *) arch="unsupported:$arch" ;;
  esac
  # Releases hold static Linux builds only (no macOS archive yet).
  case "$os" in
    Linux) suffix=unknown-linux-musl ;;
    *) suffix="unsupported:$os" ;;
  esac
  case "$arch-$suffix" in
    *unsupported:*)
      unsupported "no prebuilt larder for this platform ($(uname -s) $(uname -m)); prebuilt: Linux on x86_64 or aarch64. Build from source (see README), or set LARDER_TARGET to a target triple that runs here"
      ;;
  esac
  target="$arch-$suffix"
}

default_install_dir() {
  if [ "$(id -u)" = 0 ]; then
    printf '/usr/local/bin\n'
  elif [ -n "${HOME:-}" ]; then
    printf '%s/.local/bin\n' "$HOME"
  else
    fail "HOME is not set: set LARDER_INSTALL_DIR"
  fi
}

# installed_version BINARY: the version a larder binary reports, or nothing.
installed_version() {
  if [ -x "$1" ]; then
    "$1" --version 2>/dev/null | sed -n '1s/^larder v\{0,1\}\([^ ]*\).*/\1/p' || true
  fi
}

add_to_github_path() {
  if [ -n "${GITHUB_PATH:-}" ]; then
    if ! grep -qxF "$1" "$GITHUB_PATH" 2>/dev/null; then
      printf '%s\n' "$1" >>"$GITHUB_PATH"
    fi
    say "added $1 to GITHUB_PATH"
  fi
}

main() {
  soft_fail=0
  case "${LARDER_INSTALL_SOFT_FAIL:-0}" in 1 | true | yes) soft_fail=1 ;; esac
  for arg in "$@"; do
    case "$arg" in
      --soft-fail) soft_fail=1 ;;
      *) fail "unknown option '$arg' (the only option is --soft-fail; settings are environment variables, see the top of this script)" ;;
    esac
  done
  base_url=${LARDER_BASE_URL:-$default_base_url}
  base_url=${base_url%/}
  version=${LARDER_VERSION:-latest}
  version=${version#v}
  target=${LARDER_TARGET:-}
  if [ -z "$target" ]; then detect_target; fi
  install_dir=${LARDER_INSTALL_DIR:-}
  if [ -z "$install_dir" ]; then install_dir=$(default_install_dir); fi
  case "$version" in
    "" | *[!A-Za-z0-9._+-]*) fail "LARDER_VERSION '$version' is not a version: use e.g. 1.2.3 or latest" ;;
  esac

  tmp=$(mktemp -d 2>/dev/null || mktemp -d -t larder-install)
  trap 'rm -rf "$tmp"' EXIT
  trap 'exit 130' INT TERM

  if [ "$version" = latest ]; then
    sums_url="$base_url/latest/download/sha256.sum"
  else
    sums_url="$base_url/download/v$version/sha256.sum"
    # Pinned and already there: nothing to download.
    if [ "${LARDER_FORCE:-0}" != 1 ] && [ "$(installed_version "$install_dir/larder")" = "$version" ]; then
      say "larder $version is already installed in $install_dir"
      add_to_github_path "$install_dir"
      return 0
    fi
  fi

  say "checksums: $sums_url"
  download "$sums_url" "$tmp/sha256.sum" || fail "could not download $sums_url (is version '$version' released? is LARDER_BASE_URL right?)"

  # The line for this target: "<sha256>  larder-v<version>-<target>.tar.gz".
  line=$(grep -E "[ *]larder-v[^ ]*-$target\.tar\.gz\$" "$tmp/sha256.sum" | head -n 1 || true)
  [ -n "$line" ] || unsupported "the release has no archive for $target (see $sums_url)"
  expected=$(printf '%s\n' "$line" | cut -d ' ' -f 1 | tr 'A-F' 'a-f')
  archive=$(printf '%s\n' "$line" | sed 's/^.*[ *]//')
  if [ "$version" = latest ]; then
    version=${archive#larder-v}
    version=${version%-"$target".tar.gz}
    if [ "${LARDER_FORCE:-0}" != 1 ] && [ "$(installed_version "$install_dir/larder")" = "$version" ]; then
      say "larder $version (latest) is already installed in $install_dir"
      add_to_github_path "$install_dir"
      return 0
    fi
  fi
  [ "$archive" = "larder-v$version-$target.tar.gz" ] || fail "sha256.sum names $archive, expected larder-v$version-$target.tar.gz"
  case "$expected" in
    *[!0-9a-f]* | "") fail "malformed checksum line in $sums_url: $line" ;;
  esac
  [ ${#expected} -eq 64 ] || fail "malformed checksum line in $sums_url: $line"

  archive_url="$base_url/download/v$version/$archive"
  say "downloading $archive_url"
  download "$archive_url" "$tmp/$archive" || fail "could not download $archive_url"

  actual=$(sha256_of "$tmp/$archive")
  if [ "$actual" != "$expected" ]; then
    fail "checksum mismatch for $archive: expected $expected (sha256.sum), got $actual. The download is corrupt or was tampered with; nothing was installed"
  fi
  if [ -n "${LARDER_SHA256:-}" ] && [ "$actual" != "$(printf '%s' "$LARDER_SHA256" | tr 'A-F' 'a-f')" ]; then
    fail "checksum mismatch for $archive: expected $LARDER_SHA256 (LARDER_SHA256), got $actual; nothing was installed"
  fi

  mkdir "$tmp/unpacked"
  (cd "$tmp/unpacked" && gzip -dc "../$archive" | tar -xf -) || fail "could not unpack $archive"
  binary=$(find "$tmp/unpacked" -type f -name larder | head -n 1)
  [ -n "$binary" ] || fail "$archive holds no larder binary"
  chmod 755 "$binary"

  mkdir -p "$install_dir" 2>/dev/null || fail "cannot create $install_dir: set LARDER_INSTALL_DIR to a folder you can write"
  [ -w "$install_dir" ] || fail "cannot write to $install_dir: set LARDER_INSTALL_DIR to a folder you can write (this installer never uses sudo)"
  # Copy next to the target, then rename: a running larder is never overwritten in place.
  cp "$binary" "$install_dir/.larder.new.$$" || fail "cannot write to $install_dir"
  mv -f "$install_dir/.larder.new.$$" "$install_dir/larder" || {
    rm -f "$install_dir/.larder.new.$$"
    fail "cannot replace $install_dir/larder"
  }
  say "installed larder $version ($target) to $install_dir/larder"

  add_to_github_path "$install_dir"
  case ":${PATH:-}:" in
    *":$install_dir:"*) ;;
    *) say "note: $install_dir is not on PATH; add it, e.g. export PATH=\"$install_dir:\$PATH\"" ;;
  esac
}

main "$@"
