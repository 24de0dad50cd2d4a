#!/usr/bin/env bash
# Builds the static libraries a fully static larder needs and that the distribution does not
# ship in a usable static form, into build/static-deps/prefix (CMAKE_PREFIX_PATH of the `static`
# preset).
#
#   packaging/build-static-deps.sh            build what is missing or out of date
#   packaging/build-static-deps.sh --force    rebuild everything
#
# Why: Debian's libcurl.a needs gssapi and ldap, which have no static build in Debian, so larder
# carries its own minimal libcurl: HTTP and HTTPS only, OpenSSL for TLS, zstd; no gssapi, ldap,
# idn, psl, brotli, nghttp2, ssh, zlib. OpenSSL and zstd come from the system's static archives
# (Debian: libssl-dev, libzstd-dev; Alpine: openssl-libs-static, zstd-static).
#
# Where the source comes from (both verified before use):
# - on Debian (apt-get present): `apt-get source curl` through a private apt configuration that
#   enables deb-src for the machine's own Debian sources (no change to /etc/apt, no root needed,
#   and other users' `apt-get update` does not start fetching Sources indices). apt checks every
#   file against the signed Sources index; we also check the .dsc checksums and the pinned SHA-256
#   of the upstream tarball, so an unexpected upstream version fails loudly.
# - elsewhere (Alpine/musl in release.yml), or with LARDER_STATIC_DEPS_SOURCE=pinned: the pinned
#   Debian source files are downloaded from Debian's pool (LARDER_DEBIAN_POOL) and checked
#   against the pinned SHA-256 of the .dsc, then the .dsc's own checksums.
# Either way the Debian patch series (security fixes) is applied, minus the patches Debian uses to
# build its GnuTLS and NSS flavours.
#
# Cache: each dependency records a stamp (a hash of its recipe below and the compiler) in the
# prefix; a second run with nothing changed returns at once. A copy of the prefix is also kept
# in ~/.cache/larder/static-deps (LARDER_STATIC_DEPS_CACHE) for fresh clones on the machine. Adding a dependency = one dep_NAME
# function plus its name in DEPS.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
WORK="${LARDER_STATIC_DEPS_DIR:-$ROOT/build/static-deps}"
PREFIX="$WORK/prefix"
JOBS="${JOBS:-2}"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

log() { printf 'static-deps: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

check_sha256() {  # FILE EXPECTED
  local got; got="$(sha256_of "$1")"
  [ "$got" = "$2" ] || die "$(basename "$1"): SHA-256 $got, expected $2"
}

# Checks every file a .dsc lists (Checksums-Sha256) in the .dsc's folder.
check_dsc() {  # DSC
  local dsc="$1" dir; dir="$(dirname "$dsc")"
  awk '/^Checksums-Sha256:/{on=1;next} /^[^ ]/{on=0} on&&NF==3{print $1, $3}' "$dsc" |
    while read -r sum file; do check_sha256 "$dir/$file" "$sum"; done
}

# A private apt configuration with deb-src entries derived from the machine's Debian sources
# (deb822 *.sources and one-line *.list files).
private_apt() {
  local apt="$WORK/apt"
  mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/cache/archives/partial"
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] || continue
    sed -E 's/^Types:.*/Types: deb-src/' "$f" > "$apt/sources.list.d/$(basename "$f")"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] || continue
    sed -nE 's/^[[:space:]]*deb[[:space:]]+/deb-src /p' "$f" > "$apt/sources.list.d/$(basename "$f")"
  done
  APT_OPTS=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$apt/sources.list.d"
            -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
            -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1" -q)
  if [ ! -e "$apt/updated" ] || [ -n "$(find "$apt/updated" -mmin +1440)" ]; then
    log "fetching Debian's source indices (private apt configuration in $apt)"
    apt-get "${APT_OPTS[@]}" update >/dev/null || die "apt-get update (deb-src) failed"
    touch "$apt/updated"
  fi
}

# Fetches a Debian source package into $WORK/src/NAME and prints the path of its .dsc.
#   debian_source NAME UPSTREAM_VERSION UPSTREAM_TARBALL_SHA256 PINNED_DEBIAN_VERSION PINNED_DSC_SHA256 POOL_PATH
debian_source() {
  local name="$1" upstream="$2" orig_sha="$3" pin_version="$4" pin_dsc_sha="$5" pool="$6"
  local dir="$WORK/src/$name"
  rm -rf "$dir" && mkdir -p "$dir"
  if command -v apt-get >/dev/null 2>&1 && [ "${LARDER_STATIC_DEPS_SOURCE:-apt}" = apt ]; then
    private_apt
    log "apt-get source $name"
    (cd "$dir" && apt-get "${APT_OPTS[@]}" source --download-only "$name" >/dev/null) ||
      die "apt-get source $name failed"
  else
    # Debian drops superseded revisions from its pool: when this fails, update the pin in the
    # dep_ block (version and .dsc SHA-256, as `apt-get source` on Debian 12 fetches them), or
    # point LARDER_DEBIAN_POOL at a mirror/snapshot that still has it.
    local dsc="${name}_${pin_version}.dsc" base="${LARDER_DEBIAN_POOL:-https://deb.debian.org/debian/pool/main}"
    log "downloading pinned Debian source $name $pin_version from $base"
    fetch "$base/$pool/$dsc" "$dir/$dsc" ||
      die "could not download $base/$pool/$dsc: Debian may have superseded $pin_version; update the pin in dep_$name"
    check_sha256 "$dir/$dsc" "$pin_dsc_sha"
    local file
    for file in $(awk '/^Checksums-Sha256:/{on=1;next} /^[^ ]/{on=0} on&&NF==3{print $3}' "$dir/$dsc"); do
      fetch "$base/$pool/$file" "$dir/$file" || die "could not download $file"
    done
  fi
  local dsc; dsc="$(ls "$dir"/*.dsc)"
  check_dsc "$dsc"
  check_sha256 "$dir/${name}_${upstream}.orig.tar.gz" "$orig_sha"
  log "verified $(basename "$dsc") and ${name}_${upstream}.orig.tar.gz"
  echo "$dsc"
}

fetch() {  # URL FILE
  if command -v curl >/dev/null 2>&1; then curl -fsSL --retry 3 -o "$2" "$1"
  else wget -q -O "$2" "$1"; fi
}

# Unpacks a Debian source package without dpkg-source (so it also works on Alpine) and applies
# its patch series up to, not including, STOP_PATCH. Prints the source folder.
unpack_debian_source() {  # DSC STOP_PATCH
  local dsc="$1" stop="$2" dir; dir="$(dirname "$dsc")"
  local orig debian_tar src="$dir/source"
  orig="$(ls "$dir"/*.orig.tar.* | grep -v '\.asc$')"; debian_tar="$(ls "$dir"/*.debian.tar.*)"
  mkdir -p "$src"
  tar -xf "$orig" -C "$src" --strip-components=1
  tar -xf "$debian_tar" -C "$src"
  local patch count=0
  while read -r patch; do
    [ "$patch" = "$stop" ] && break
    patch -d "$src" -p1 --batch --forward --silent < "$src/debian/patches/$patch" >&2 ||
      die "patch $patch does not apply"
    count=$((count + 1))
  done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$src/debian/patches/series")
  log "applied $count Debian patches"
  echo "$src"
}

# The full path of a system static archive, e.g. libzstd.a (the compiler knows its search path).
static_archive() {
  local path; path="$(${CC:-cc} -print-file-name="$1")"
  [ "$path" != "$1" ] && [ -e "$path" ] || die "$1 not found: install the distribution's static package"
  echo "$path"
}

cmake_dep() {  # NAME SOURCE_DIR CMAKE_ARGS...
  local name="$1" src="$2"; shift 2
  local build="$WORK/build/$name"
  rm -rf "$build"
  cmake -S "$src" -B "$build" -G Ninja -Wno-dev \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
    -DBUILD_SHARED_LIBS=OFF -DCMAKE_FIND_LIBRARY_SUFFIXES=.a -DBUILD_TESTING=OFF \
    "$@" >"$WORK/build/$name.configure.log" 2>&1 ||
    { tail -40 "$WORK/build/$name.configure.log" >&2; die "$name: configure failed"; }
  cmake --build "$build" -j "$JOBS" >"$WORK/build/$name.build.log" 2>&1 ||
    { tail -40 "$WORK/build/$name.build.log" >&2; die "$name: build failed"; }
  cmake --install "$build" >/dev/null
}

# ---------------------------------------------------------------------------------------------
# Dependencies: one block each.

# libcurl: HTTP/HTTPS only, OpenSSL, zstd. CA bundle: none compiled in (a build-host path would
# be wrong on other distributions); larder finds the bundle at run time (net/ca_bundle) and falls
# back to OpenSSL's default store (CURL_CA_FALLBACK), which honours SSL_CERT_FILE/SSL_CERT_DIR.
dep_curl() {
  local dsc src
  dsc="$(debian_source curl 7.88.1 \
    cdb38b72e36bc5d33d5b8810f8018ece1baa29a8f215b4495e495ded82bbf3c7 \
    7.88.1-10+deb12u15 2744f12e3aef161c0361743fa1b318296b122e566e47f381e4a63320fbcc23f4 c/curl)"
  # 90_gnutls.patch and 99_nss.patch turn the tree into Debian's GnuTLS/NSS flavours.
  src="$(unpack_debian_source "$dsc" 90_gnutls.patch)"
  cmake_dep curl "$src" \
    -DBUILD_CURL_EXE=OFF -DCURL_ENABLE_EXPORT_TARGET=ON -DPICKY_COMPILER=OFF \
    -DHTTP_ONLY=ON -DCURL_DISABLE_LDAP=ON -DCURL_DISABLE_LDAPS=ON \
    -DCURL_USE_OPENSSL=ON -DOPENSSL_USE_STATIC_LIBS=ON -DCURL_ZLIB=OFF \
    -DCURL_ZSTD=ON -DZstd_LIBRARY="$(static_archive libzstd.a)" \
    -DCURL_BROTLI=OFF -DUSE_NGHTTP2=OFF -DUSE_LIBIDN2=OFF -DCURL_USE_LIBPSL=OFF \
    -DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBSSH=OFF -DCURL_USE_GSSAPI=OFF -DENABLE_ARES=OFF \
    -DENABLE_MANUAL=OFF -DCURL_DISABLE_NTLM=ON -DCURL_DISABLE_ALTSVC=ON \
    -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none -DCURL_CA_FALLBACK=ON \
    -DENABLE_THREADED_RESOLVER=ON
}

# zstd: the distribution's static archive; Debian's libzstd-dev ships zstdConfig.cmake, Alpine's
# zstd-dev (built with meson) does not, so write the small config larder's CMakeLists needs.
dep_zstd_config() {
  local archive dir="$PREFIX/lib/cmake/zstd"
  archive="$(static_archive libzstd.a)"
  if ls /usr/lib/cmake/zstd/zstdConfig.cmake /usr/lib/*/cmake/zstd/zstdConfig.cmake >/dev/null 2>&1; then
    rm -rf "$dir"; return 0
  fi
  mkdir -p "$dir"
  cat > "$dir/zstdConfig.cmake" <<CONFIG
# Written by packaging/build-static-deps.sh: the system's static libzstd.
if(NOT TARGET zstd::libzstd_static)
  add_library(zstd::libzstd_static STATIC IMPORTED)
  set_target_properties(zstd::libzstd_static PROPERTIES IMPORTED_LOCATION "$archive")
endif()
set(zstd_FOUND TRUE)
CONFIG
}

# hiredis (Redis backend), when it lands: Debian's libhiredis-dev and Alpine's hiredis-dev ship
# static archives, so no block is needed; a source build would be one more dep_hiredis here.
DEPS=(zstd_config curl)

# ---------------------------------------------------------------------------------------------

mkdir -p "$PREFIX/.stamps" "$WORK/build"
compiler="$(${CC:-cc} --version 2>/dev/null | head -1)"
stamp_of() {
  printf '%s\n%s\n' "$(declare -f "dep_$1" cmake_dep unpack_debian_source static_archive)" "$compiler" |
    sha256sum | cut -d' ' -f1
}
# A copy of the finished prefix outside the tree, keyed by every stamp, so that fresh clones on
# the same machine (CI) reuse it: LARDER_STATIC_DEPS_CACHE, default ~/.cache/larder/static-deps;
# set it to "off" to disable.
CACHE="${LARDER_STATIC_DEPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/larder/static-deps}"
key="$(for dep in "${DEPS[@]}"; do stamp_of "$dep"; done | sha256sum | cut -c1-24)"
if [ "$FORCE" = 0 ] && [ "$CACHE" != off ] && [ -f "$CACHE/$key.tar.gz" ]; then
  uptodate=1
  for dep in "${DEPS[@]}"; do
    [ "$(cat "$PREFIX/.stamps/$dep" 2>/dev/null)" = "$(stamp_of "$dep")" ] || uptodate=0
  done
  if [ "$uptodate" = 0 ]; then
    log "restoring the prefix from $CACHE/$key.tar.gz"
    rm -rf "$PREFIX" && mkdir -p "$PREFIX" && tar -xzf "$CACHE/$key.tar.gz" -C "$PREFIX"
  fi
fi
built=0
for dep in "${DEPS[@]}"; do
  stamp="$(stamp_of "$dep")"
  if [ "$FORCE" = 0 ] && [ "$(cat "$PREFIX/.stamps/$dep" 2>/dev/null)" = "$stamp" ]; then
    log "$dep: up to date"
    continue
  fi
  start=$(date +%s)
  rm -f "$PREFIX/.stamps/$dep"
  "dep_$dep"
  echo "$stamp" > "$PREFIX/.stamps/$dep"
  built=1
  log "$dep: built in $(( $(date +%s) - start ))s"
done
if [ "$CACHE" != off ] && { [ "$built" = 1 ] || [ ! -f "$CACHE/$key.tar.gz" ]; }; then
  mkdir -p "$CACHE" && tar -czf "$CACHE/.$key.tmp.$$" -C "$PREFIX" . && mv "$CACHE/.$key.tmp.$$" "$CACHE/$key.tar.gz" ||
    log "warning: could not save the prefix to $CACHE"
fi
log "prefix: $PREFIX"
