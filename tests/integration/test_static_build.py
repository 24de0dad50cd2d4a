"""The fully static larder (issue 5): builds the static dependencies and the `static` preset, then
checks that the binary has no dynamic dependencies, runs inside an empty root, resolves names
and talks TLS with the CA bundle it finds there, serves a cached cargo build, and that
packaging/release.sh produces archives that `sha256sum --check` accepts.

The static build is shared by every test of this file (module fixture). It is skipped only when
the static dependencies cannot be built on this machine (no Debian source archive reachable), and
never under CI (CI=true), where that is a failure."""
import http.server
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, free_port, wait_for_port

STATIC_BIN = REPO / "build" / "static" / "larder"
VERSION_RE = re.compile(
    r"^larder (?P<version>\d+\.\d+\.\d+\S*) \(commit (?P<commit>[0-9a-f]{7,}|unknown), "
    r"(?P<target>(x86_64|aarch64)-unknown-linux-(gnu|musl)), Release\)$"
)


def report(message: str) -> None:
    """Shown in ctest's output even when the test passes (pytest captures print)."""
    sys.__stderr__.write(f"[static] {message}\n")
    sys.__stderr__.flush()


def run(argv, timeout=1800, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)


PREFIX = REPO / "build" / "static-deps" / "prefix"


@pytest.fixture(scope="module")
def static_deps() -> Path:
    start = time.monotonic()
    deps = run([str(REPO / "packaging" / "build-static-deps.sh")], cwd=REPO)
    if deps.returncode != 0:
        reason = f"static dependencies cannot be built here: {deps.stderr.strip().splitlines()[-1:]}"
        if os.environ.get("CI"):
            pytest.fail(reason + "\n" + deps.stderr[-4000:])
        pytest.skip(reason)
    report(f"static deps: {time.monotonic() - start:.0f}s ({'; '.join(deps.stderr.strip().splitlines()[-3:-1])})")
    return PREFIX


@pytest.fixture(scope="module")
def static_larder(static_deps) -> Path:
    start = time.monotonic()
    # When the other tests run this very binary (scripts/test.sh), it was just built by this
    # preset, and building again could relink it under them (a new commit changes --version).
    under_test = os.environ.get("LARDER_BIN")
    if under_test and STATIC_BIN.exists() and Path(under_test).resolve() == STATIC_BIN.resolve():
        report("static preset: using the binary the other tests run (built by scripts/test.sh)")
        return STATIC_BIN
    for argv in (["cmake", "--preset", "static"], ["cmake", "--build", "--preset", "static"]):
        result = run(argv, cwd=REPO)
        assert result.returncode == 0, f"{' '.join(argv)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
    report(f"static preset configure+build: {time.monotonic() - start:.0f}s")
    assert STATIC_BIN.exists()
    report(f"binary size: {STATIC_BIN.stat().st_size} bytes (unstripped)")
    return STATIC_BIN


def test_binary_has_no_dynamic_dependencies(static_larder):
    description = run(["file", "-b", str(static_larder)]).stdout
    assert "statically linked" in description or "static-pie linked" in description, description
    assert "dynamically linked" not in description and "interpreter" not in description, description
    ldd = run(["ldd", str(static_larder)])
    assert "=>" not in ldd.stdout, ldd.stdout
    assert "not a dynamic executable" in ldd.stdout + ldd.stderr or "statically linked" in ldd.stdout, ldd
    # No ELF interpreter and no NEEDED entries: nothing for the dynamic loader to do.
    readelf = run(["readelf", "-l", "-d", str(static_larder)]).stdout
    assert "Requesting program interpreter" not in readelf
    assert "(NEEDED)" not in readelf


def test_version_names_version_commit_target_and_build_type(static_larder):
    result = run([str(static_larder), "--version"])
    assert result.returncode == 0, result.stderr
    match = VERSION_RE.match(result.stdout.strip())
    assert match, f"unexpected --version output: {result.stdout!r}"
    cmake_version = re.search(r"project\(larder VERSION (\S+)", (REPO / "CMakeLists.txt").read_text()).group(1)
    assert match["version"] == cmake_version


# ---------------------------------------------------------------------------------------------
# The empty root: a folder holding only the binary, /etc/hosts, a CA bundle and /tmp.

def chroot_prefix() -> list:
    chroot = shutil.which("chroot") or shutil.which("chroot", path="/usr/sbin:/sbin")
    if os.geteuid() == 0 and chroot:
        return [chroot]
    unshare = shutil.which("unshare")
    if chroot and unshare and run([unshare, "-r", "true"]).returncode == 0:
        return [unshare, "-r", chroot]
    pytest.skip("chroot needs root or unprivileged user namespaces (unshare -r), neither available")


def make_empty_root(base: Path, static_larder: Path, ca_pem: str) -> Path:
    root = base / "root"
    (root / "etc" / "ssl" / "certs").mkdir(parents=True)
    (root / "tmp").mkdir()
    if static_larder:
        shutil.copy2(static_larder, root / "larder")
    (root / "etc" / "hosts").write_text("127.0.0.1 localhost\n::1 localhost ip6-localhost\n")
    (root / "etc" / "ssl" / "certs" / "ca-certificates.crt").write_text(ca_pem)
    return root


def run_in_root(root: Path, *args, env=None):
    clean_env = {"PATH": "/", "HOME": "/tmp", "LARDER_DIR": "/tmp/cache"}
    clean_env.update(env or {})
    return run([*chroot_prefix(), str(root), "/larder", *args], env=clean_env, timeout=120)


def make_ca(base: Path, name: str):
    """A CA and a server certificate for localhost/127.0.0.1 it signed (openssl CLI)."""
    d = base / name
    d.mkdir()
    ossl = lambda *a: subprocess.run(["openssl", *a], cwd=d, check=True, capture_output=True)
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name} test CA",
         "-keyout", "ca.key", "-out", "ca.pem")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr")
    (d / "ext.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                               "keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    ossl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-days", "2", "-extfile", "ext.cnf", "-out", "server.pem")
    return d


class TlsStore:
    """An HTTPS server on 127.0.0.1 that keeps objects in memory (PUT/GET/HEAD/DELETE) and records
    every request that got past the TLS handshake."""

    def __init__(self, cert_dir: Path):
        self.requests = []
        self.objects = {}
        store = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, code, body=b"", headers=None):
                self.send_response(code)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _record(self):
                store.requests.append((self.command, self.path))
                return self.path.split("?")[0]

            def do_PUT(self):
                key = self._record()
                store.objects[key] = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self._reply(200, headers={"ETag": '"0"'})

            def do_GET(self):
                key = self._record()
                if key in store.objects:
                    self._reply(200, store.objects[key])
                elif "?" in self.path:  # listings, bucket checks
                    self._reply(200, b'<?xml version="1.0"?><ListBucketResult></ListBucketResult>',
                                {"Content-Type": "application/xml"})
                else:
                    self._reply(404, b'<?xml version="1.0"?><Error><Code>NoSuchKey</Code></Error>',
                                {"Content-Type": "application/xml"})

            def do_HEAD(self):
                key = self._record()
                self._reply(200 if key in store.objects or key.count("/") <= 1 else 404)

            def do_DELETE(self):
                store.objects.pop(self._record(), None)
                self._reply(204)

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_dir / "server.pem", cert_dir / "server.key")
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        wait_for_port(self.port)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def static_archive(name: str) -> str:
    return run(["cc", f"-print-file-name={name}"]).stdout.strip()


def test_static_libcurl_does_tls_in_an_empty_root(static_deps, tmp_path):
    """The static libcurl + OpenSSL + glibc name resolution, without larder: a probe linked like
    larder GETs https://localhost:PORT inside the empty root with the root's CA bundle."""
    probe = tmp_path / "tls_probe"
    linked = run(["cc", "-O1", "-o", str(probe), str(REPO / "tests" / "integration" / "data" / "tls_probe.c"),
                  f"-I{static_deps / 'include'}", str(static_deps / "lib" / "libcurl.a"),
                  static_archive("libssl.a"), static_archive("libcrypto.a"), static_archive("libzstd.a"),
                  "-static", "-pthread"])
    assert linked.returncode == 0, linked.stderr
    trusted, other = make_ca(tmp_path, "trusted"), make_ca(tmp_path, "other")
    server = TlsStore(trusted)
    try:
        url = f"https://localhost:{server.port}/bucket/probe"
        server.objects["/bucket/probe"] = b"hello"
        for name, ca, expect_ok in (("untrusting", other, False), ("trusting", trusted, True)):
            root = make_empty_root(tmp_path / name, static_larder=None, ca_pem=(ca / "ca.pem").read_text())
            shutil.copy2(probe, root / "tls_probe")
            result = run([*chroot_prefix(), str(root), "/tls_probe", url, "/etc/ssl/certs/ca-certificates.crt"],
                         env={"PATH": "/"}, timeout=60)
            assert (result.returncode == 0) == expect_ok, f"{name}: {result.stdout}{result.stderr}"
        assert "SSL certificate problem" in result.stdout or server.requests, result.stdout
        assert server.requests == [("GET", "/bucket/probe")], server.requests
        report(f"static libcurl in the empty root: {result.stdout.splitlines()[0]}")
    finally:
        server.stop()


def test_runs_version_and_doctor_in_an_empty_root(static_larder, tmp_path):
    ca = make_ca(tmp_path, "trusted")
    root = make_empty_root(tmp_path, static_larder, (ca / "ca.pem").read_text())
    version = run_in_root(root, "--version")
    assert version.returncode == 0, version.stderr
    assert VERSION_RE.match(version.stdout.strip()), version.stdout
    doctor = run_in_root(root, "doctor")
    assert doctor.returncode == 0, f"{doctor.stdout}\n{doctor.stderr}"
    assert "the cache is usable" in doctor.stdout
    # No rustc in the empty root: doctor says so, but it is not fatal for the cache.
    assert re.search(r"FAIL\s+rustc", doctor.stdout), doctor.stdout


def test_talks_tls_with_the_ca_bundle_it_finds(static_larder, tmp_path):
    trusted = make_ca(tmp_path, "trusted")
    other = make_ca(tmp_path, "other")
    server = TlsStore(trusted)
    try:
        env = {
            "LARDER_BUCKET": "larder-tls-test",
            # A name, not an address: resolved from the root's /etc/hosts by the static binary.
            "LARDER_ENDPOINT": f"https://localhost:{server.port}",
            "LARDER_S3_PATH_STYLE": "1",
            "LARDER_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "AKIDLARDERTEST",
            "AWS_SECRET_ACCESS_KEY": "larder-test-secret",
        }
        # The root's system bundle holds a CA that did not sign the server's certificate: no
        # request may get through (proves the peer is verified against the bundle it finds).
        untrusting = make_empty_root(tmp_path / "untrusting", static_larder, (other / "ca.pem").read_text())
        refused = run_in_root(untrusting, "doctor", env=env)
        output = refused.stdout + refused.stderr
        assert server.requests == [], f"a request got through with an untrusted certificate: {server.requests}\n{output}"
        assert refused.returncode != 0, output
        assert re.search(r"certificate|SSL|TLS", output, re.I), output

        # The bundle at /etc/ssl/certs/ca-certificates.crt holds the server's CA: TLS works.
        trusting = make_empty_root(tmp_path / "trusting", static_larder, (trusted / "ca.pem").read_text())
        accepted = run_in_root(trusting, "doctor", env=env)
        output = accepted.stdout + accepted.stderr
        assert server.requests, f"no request reached the HTTPS server:\n{output}"
        report(f"TLS requests served in the empty root: {server.requests[:6]}")
        assert "ca-certificates.crt" in output or accepted.returncode == 0, output
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------
# A cached cargo build. rustc and cargo are dynamically linked and need the C toolchain (cc, the
# linker, glibc) and the Rust sysroot, so the root holds read-only bind mounts of /usr and of the
# toolchain's sysroot (and Debian's /etc/alternatives, where cc points), made in a private mount namespace (unshare -m) that vanishes with the
# process; larder itself is still only /larder. Where mounts are not possible (no
# CAP_SYS_ADMIN), the same build runs outside the root with the static binary, and says so.

def rust_sysroot() -> Path:
    rustc = shutil.which("rustc") or str(Path.home() / ".cargo" / "bin" / "rustc")
    return Path(run([rustc, "--print", "sysroot"]).stdout.strip())


def test_cached_cargo_build_in_the_root(static_larder, tmp_path):
    sysroot = rust_sysroot()
    assert (sysroot / "bin" / "cargo").exists(), f"no cargo in the toolchain at {sysroot}"
    root = make_empty_root(tmp_path, static_larder, "")
    shutil.copytree(REPO / "tests" / "projects" / "demo", root / "tmp" / "demo",
                    ignore=shutil.ignore_patterns("target"))
    for link in ("bin", "lib", "lib64", "sbin"):
        if (Path("/") / link).is_symlink():
            (root / link).symlink_to(os.readlink(Path("/") / link))
    (root / "usr").mkdir()
    (root / "etc" / "alternatives").mkdir()  # Debian's /usr/bin/cc -> /etc/alternatives/cc
    (root / "proc").mkdir()
    (root / "dev").mkdir()
    (root / "dev" / "null").touch()
    (root / sysroot.relative_to("/")).mkdir(parents=True)

    env_vars = {
        "PATH": f"{sysroot}/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "CARGO_HOME": "/tmp/cargo-home",
        "RUSTC": f"{sysroot}/bin/rustc",
        "RUSTC_WRAPPER": "/larder",
        "LARDER_DIR": "/tmp/cache",
        "CARGO_INCREMENTAL": "0",
        "CARGO_NET_OFFLINE": "true",
        "CARGO_TERM_COLOR": "never",
    }
    build = ("cd /tmp/demo && for i in 1 2; do rm -rf target && cargo build --release -q || exit 1; "
             "./target/release/demo >/dev/null || exit 1; done && /larder stats --format json")
    mounts = (f"mount --bind -o ro /usr {root}/usr && mount --bind /proc {root}/proc && "
              f"mount --bind /etc/alternatives {root}/etc/alternatives && "
              f"mount --bind /dev/null {root}/dev/null && mount --bind -o ro {sysroot} {root}{sysroot} && "
              f"mount -o remount,ro,bind {root}/usr && mount -o remount,ro,bind {root}{sysroot}")
    inside = None
    if os.geteuid() == 0 and shutil.which("unshare"):
        script = f"{mounts} && exec {chroot_prefix()[-1]} {root} /bin/sh -c '{build}'"
        inside = run(["unshare", "-m", "--propagation", "private", "sh", "-c", script], env=env_vars, timeout=1200)
        if inside.returncode != 0 and "mount" in inside.stderr and "permission denied" in inside.stderr.lower():
            inside = None
    if inside is None:
        report("cached build: bind mounts not possible here; building outside the root with the static binary")
        outside_env = dict(env_vars, HOME=str(tmp_path), CARGO_HOME=str(tmp_path / "cargo-home"),
                           RUSTC_WRAPPER=str(static_larder), LARDER_DIR=str(tmp_path / "cache"),
                           PATH=f"{sysroot}/bin:" + os.environ["PATH"])
        script = build.replace("/tmp/demo", str(root / "tmp" / "demo")).replace("/larder stats", f"{static_larder} stats")
        inside = run(["sh", "-c", script], env=outside_env, timeout=1200)
    assert inside.returncode == 0, f"{inside.stdout[-4000:]}\n{inside.stderr[-4000:]}"
    stats = json.loads(inside.stdout[inside.stdout.index("{"):])
    assert stats["cache_hits"] > 0, stats
    assert stats["cache_misses"] > 0, stats
    report(f"cached build in the root: {stats['cache_hits']} hits, {stats['cache_misses']} misses")


# ---------------------------------------------------------------------------------------------
# Release archives.

@pytest.fixture(scope="module")
def release_archive(static_larder, tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    result = run([str(REPO / "packaging" / "release.sh"), "--out", str(out)], cwd=REPO)
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    archive = Path(result.stdout.strip().splitlines()[-1])
    report(result.stderr.strip().replace("\n", "; "))
    return archive


def test_release_archive_layout_and_checksums(release_archive):
    out = release_archive.parent
    version_line = run([str(STATIC_BIN), "--version"]).stdout.strip()
    match = VERSION_RE.match(version_line)
    assert release_archive.name == f"larder-v{match['version']}-{match['target']}.tar.gz"

    with tarfile.open(release_archive) as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert sorted(members) == ["LICENSE", "README.md", "larder"]
        assert members["larder"].mode & 0o111 and members["larder"].isfile()
        assert all(m.uid == 0 and m.gid == 0 for m in members.values())
        assert tar.extractfile("LICENSE").read() == (REPO / "LICENSE").read_bytes()
        extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(out / "unpacked", **extra)
    unpacked = out / "unpacked" / "larder"
    assert run([str(unpacked), "--version"]).stdout.strip() == version_line
    assert re.search(r"statically linked|static-pie linked", run(["file", "-b", str(unpacked)]).stdout)

    sidecar = out / (release_archive.name + ".sha256")
    assert sidecar.read_text().split() == [run(["sha256sum", str(release_archive)]).stdout.split()[0], release_archive.name]
    for sums in (sidecar.name, "sha256.sum"):
        check = run(["sha256sum", "--check", "--strict", sums], cwd=out)
        assert check.returncode == 0 and f"{release_archive.name}: OK" in check.stdout, check
    # A corrupted archive is caught.
    corrupt = out / "corrupt"
    corrupt.mkdir()
    shutil.copy(out / "sha256.sum", corrupt)
    data = bytearray(release_archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    (corrupt / release_archive.name).write_bytes(bytes(data))
    assert run(["sha256sum", "--check", "sha256.sum"], cwd=corrupt).returncode != 0


def test_release_archives_are_reproducible(release_archive, tmp_path):
    again = run([str(REPO / "packaging" / "release.sh"), "--binary", str(STATIC_BIN), "--out", str(tmp_path)], cwd=REPO)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / release_archive.name).read_bytes() == release_archive.read_bytes()


def test_installer_installs_the_archive(release_archive, tmp_path):
    installer = REPO / "scripts" / "install.sh"
    match = VERSION_RE.match(run([str(STATIC_BIN), "--version"]).stdout.strip())
    # Laid out as GitHub releases are: BASE/download/vVERSION/FILE.
    site = tmp_path / "site"
    release_dir = site / "download" / f"v{match['version']}"
    release_dir.mkdir(parents=True)
    for f in release_archive.parent.iterdir():
        if f.is_file():
            shutil.copy(f, release_dir)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                              cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        env = dict(os.environ, LARDER_BASE_URL=f"http://127.0.0.1:{port}", LARDER_VERSION=match["version"],
                   LARDER_TARGET=match["target"], LARDER_INSTALL_DIR=str(tmp_path / "bin"))
        env.pop("GITHUB_PATH", None)
        result = run(["sh", str(installer)], env=env, timeout=120)
        assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    finally:
        server.terminate()
        server.wait(timeout=10)
    installed = tmp_path / "bin" / "larder"
    assert run([str(installed), "--version"]).stdout.strip().startswith(f"larder {match['version']} ")


def test_scratch_image_holds_only_larder(release_archive, tmp_path):
    buildah = shutil.which("buildah")
    if not buildah or os.geteuid() != 0:
        pytest.skip("building the image here needs Debian's buildah and root; release.yml builds it with buildx")
    arch = {"x86_64": "amd64", "aarch64": "arm64"}[release_archive.name.split("-")[2]]
    context = tmp_path / "context"
    (context / arch).mkdir(parents=True)
    with tarfile.open(release_archive) as tar:
        (context / arch / "larder").write_bytes(tar.extractfile("larder").read())
    (context / arch / "larder").chmod(0o755)
    # A private vfs store in the test's folder: nothing is left in the machine's image store.
    store = [buildah, "--root", str(tmp_path / "storage"), "--runroot", str(tmp_path / "run"), "--storage-driver", "vfs"]
    built = run([*store, "bud", "--isolation", "chroot", "--build-arg", f"TARGETARCH={arch}",
                 "-f", str(REPO / "packaging" / "Containerfile"), "-t", "larder-image-test", str(context)], timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr
    container = run([*store, "from", "larder-image-test"]).stdout.strip()
    try:
        mount = Path(run([*store, "mount", container]).stdout.strip())
        files = sorted(str(p.relative_to(mount)) for p in mount.rglob("*"))
        assert files == ["larder"], files
        assert run([str(mount / "larder"), "--version"]).stdout.startswith("larder ")
        config = json.loads(run([*store, "inspect", "--type", "image", "larder-image-test"]).stdout)
        assert config["OCIv1"]["config"]["Entrypoint"] == ["/larder"]
    finally:
        run([*store, "rm", container])
        run([*store, "rmi", "-a", "-f"])


# --- aarch64: the static binary cross-built on Debian, run under qemu-user ------------------
# release.yml builds the aarch64 archive natively on an arm64 runner, which cannot run here;
# packaging/build-aarch64.sh cross-builds the same static binary (glibc instead of musl) with
# Debian's cross compiler and arm64 multiarch archives, so the aarch64 code is built and run
# here too. The cross build takes minutes: it runs where LARDER_TEST_AARCH64=1 (CI's aarch64
# job; `packaging/build-aarch64.sh --install-deps` installs what it needs).

AARCH64_BIN = REPO / "build" / "static-aarch64" / "larder"


@pytest.fixture(scope="module")
def aarch64_larder() -> Path:
    if os.environ.get("LARDER_TEST_AARCH64") != "1":
        pytest.skip("the aarch64 cross build takes minutes: set LARDER_TEST_AARCH64=1 to run it "
                    "(CI's aarch64 job does; packaging/build-aarch64.sh --install-deps installs the toolchain)")
    start = time.monotonic()
    result = run([str(REPO / "packaging" / "build-aarch64.sh")], cwd=REPO, timeout=3600)
    if result.returncode == 2:  # the script's "missing toolchain" status
        pytest.skip(f"no aarch64 cross toolchain here: {result.stderr.strip().splitlines()[-1]}")
    assert result.returncode == 0, f"build-aarch64.sh failed:\n{result.stdout[-4000:]}\n{result.stderr[-6000:]}"
    report(f"aarch64 cross build: {time.monotonic() - start:.0f}s")
    return AARCH64_BIN


def qemu(binary: Path, *args, **kwargs):
    return run(["qemu-aarch64-static", str(binary), *args], **kwargs)


def test_aarch64_binary_is_static_and_runs_under_qemu(aarch64_larder):
    described = run(["file", str(aarch64_larder)]).stdout
    assert "ARM aarch64" in described and re.search(r"statically linked|static-pie linked", described), described
    out = qemu(aarch64_larder, "--version")
    assert out.returncode == 0, out.stderr
    match = VERSION_RE.match(out.stdout.strip())
    assert match and match["target"] == "aarch64-unknown-linux-gnu", out.stdout


def test_aarch64_larder_serves_a_cached_build_under_qemu(aarch64_larder, tmp_path):
    """The emulated aarch64 larder wraps the machine's x86_64 rustc (no aarch64 toolchain here;
    qemu-user runs larder, and rustc, started by it, runs natively): the cache code (hashing,
    entries, zstd, the local folder) runs as aarch64. The rebuild from a clean target is all hits."""
    from ci_glue import clean_env, tiny_workspace

    wrapper = tmp_path / "larder-aarch64"
    wrapper.write_text(f'#!/bin/sh\nexec qemu-aarch64-static "{aarch64_larder}" "$@"\n')
    wrapper.chmod(0o755)
    env = dict(clean_env(tmp_path / "home"), RUSTC_WRAPPER=str(wrapper), LARDER_DIR=str(tmp_path / "cache"),
               CARGO_INCREMENTAL="0")
    (tmp_path / "home").mkdir()
    project = tiny_workspace(tmp_path / "project")
    stats = []
    for _ in range(2):
        build = run(["cargo", "build", "--locked"], cwd=project, env=env, timeout=900)
        assert build.returncode == 0, build.stderr[-4000:]
        assert run([str(project / "target" / "debug" / "app")]).stdout.strip() == "42"
        stats.append(json.loads(run([str(wrapper), "stats", "--format", "json"], env=env).stdout))
        run([str(wrapper), "stats", "--reset"], env=env)
        shutil.rmtree(project / "target")
    cold, warm = stats
    assert cold["cache_misses"] >= 1 and cold["cache_hits"] == 0
    assert warm["cache_hits"] == cold["cache_misses"] and warm["cache_misses"] == 0
