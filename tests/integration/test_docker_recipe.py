"""codebuild/Dockerfile built twice with buildah (vfs storage, chroot isolation, layer cache),
with the credentials as a secret: rotated credentials reuse the cargo layer, a build-arg that
changes (AWS's RELATIVE_URI recipe) rebuilds it, and the secret is really read in the step and
left in no layer. And its cache mounts with a real cargo build: after a source change the
cargo step runs again and larder's folder, kept by the builder, gives the hits.

No base image can be pulled here, so the test makes its own `FROM scratch` images: one holding
only /larder (as the release image does), and a stand-in for the Rust image holding busybox, the
shared libraries that busybox and larder need (none for a static larder), and a `cargo` that
reads the credentials the way larder's AWS chain does and runs larder inside the step."""
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from ci_glue import tiny_workspace
from conftest import REPO, larder_binary

DOCKERFILE = REPO / "codebuild" / "Dockerfile"

FAKE_CARGO = """#!/bin/sh
# Stands in for cargo in the test's Rust image: reads the mounted credentials as the AWS chain
# does (AWS_SHARED_CREDENTIALS_FILE, profile AWS_PROFILE) and runs larder inside the step.
set -e
echo "fake-cargo: step ran: $*"
key=$(sed -n 's/^aws_access_key_id *= *//p' "$AWS_SHARED_CREDENTIALS_FILE")
token=$(sed -n 's/^aws_session_token *= *//p' "$AWS_SHARED_CREDENTIALS_FILE")
echo "fake-cargo: read credentials key=$key token=$token"
echo "fake-cargo: CC=${CC-unset} CXX=${CXX-unset} HOST_CC=${HOST_CC-unset} HOST_CXX=${HOST_CXX-unset} \
CC_KNOWN_WRAPPER_CUSTOM=${CC_KNOWN_WRAPPER_CUSTOM-unset}"
if [ -L "${HOST_CC-}" ]; then echo "fake-cargo: HOST_CC links to $(readlink "$HOST_CC")"; fi
if [ -L "${HOST_CXX-}" ]; then echo "fake-cargo: HOST_CXX links to $(readlink "$HOST_CXX")"; fi
echo "fake-cargo: cc on PATH: $(command -v cc || echo none)"
"$RUSTC_WRAPPER" --version
mkdir -p target/release
echo built > target/release/app
"""


def copy_with_libraries(binary: Path, rootfs: Path, dest: str):
    """Puts binary at rootfs/dest and every shared library it loads at its own path."""
    target = rootfs / dest.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(binary, target)
    out = subprocess.run(["ldd", str(binary)], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        path = next((p for p in parts if p.startswith("/")), None)
        if path and os.path.exists(path):
            lib = rootfs / path.lstrip("/")
            lib.parent.mkdir(parents=True, exist_ok=True)
            if not lib.exists():
                shutil.copy2(os.path.realpath(path), lib)


class Buildah:
    def __init__(self, root: Path):
        self.base = ["buildah", "--root", str(root / "storage"), "--runroot", str(root / "run"),
                     "--storage-driver", "vfs"]
        # buildah keeps `RUN --mount=type=cache` folders in $TMPDIR/buildah-cache/<id>: one per
        # test module, never the machine's
        self.cache_mounts = root / "tmp" / "buildah-cache"
        self.env = dict(os.environ, TMPDIR=str(root / "tmp"))
        (root / "tmp").mkdir(exist_ok=True)

    def __call__(self, *args, check=True, timeout=300):
        result = subprocess.run([*self.base, *args], capture_output=True, text=True, timeout=timeout, env=self.env)
        if check and result.returncode != 0:
            raise AssertionError(f"buildah {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def bud(self, context: Path, *args, file=None, tag=None):
        argv = ["bud", "--isolation", "chroot", "--layers", "--pull=never"]
        if file:
            argv += ["-f", str(file)]
        if tag:
            argv += ["-t", tag]
        return self(*argv, *args, str(context))


@pytest.fixture(scope="module")
def buildah(tmp_path_factory):
    """One image store for the module, with the two base images built once."""
    if shutil.which("buildah") is None:
        pytest.fail("buildah is not installed (scripts/install-deps.sh installs it)")
    if os.geteuid() != 0:
        pytest.skip("buildah with chroot isolation and vfs storage needs root here")
    root = tmp_path_factory.mktemp("buildah")
    tool = Buildah(root)
    build_base_images(tool, root)
    return tool


def build_base_images(buildah: Buildah, tmp_path: Path):
    # The release image: FROM scratch with only /larder.
    larder_ctx = tmp_path / "larder-image"
    larder_ctx.mkdir()
    shutil.copy2(larder_binary(), larder_ctx / "larder")
    (larder_ctx / "Containerfile").write_text("FROM scratch\nCOPY larder /larder\n")
    buildah.bud(larder_ctx, tag="localhost/larder:test")

    # The stand-in for the Rust image.
    rust_ctx = tmp_path / "rust-image"
    rootfs = rust_ctx / "rootfs"
    copy_with_libraries(Path(shutil.which("busybox")), rootfs, "/bin/busybox")
    copy_with_libraries(larder_binary(), rootfs, "/opt/larder-libs-probe")  # only its libraries matter
    (rootfs / "opt" / "larder-libs-probe").unlink()
    for applet in ("sh", "sed", "mkdir", "echo", "cat", "env", "grep", "ls", "ln", "readlink"):
        (rootfs / "bin" / applet).symlink_to("busybox")
    (rootfs / "usr" / "local" / "bin").mkdir(parents=True, exist_ok=True)
    (rootfs / "usr" / "local" / "bin" / "cargo").write_text(FAKE_CARGO)
    (rootfs / "usr" / "local" / "bin" / "cargo").chmod(0o755)
    (rust_ctx / "Containerfile").write_text(
        "FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/bin\n"
    )
    buildah.bud(rust_ctx, tag="localhost/rust-standin:test")


def write_secret(path: Path, key: str, token: str):
    path.write_text(f"[default]\naws_access_key_id = {key}\naws_secret_access_key = secret-{key}\n"
                    f"aws_session_token = {token}\n")
    path.chmod(0o600)


def step_ran(result) -> bool:
    return "fake-cargo: step ran" in result.stdout + result.stderr


def test_secret_keeps_the_cargo_layer_cached(buildah, tmp_path):
    context = tiny_workspace(tmp_path / "app")
    common = ["--build-arg", "LARDER_IMAGE=localhost/larder:test",
              "--build-arg", "RUST_IMAGE=localhost/rust-standin:test",
              "--build-arg", "LARDER_BUCKET=team-cache", "--build-arg", "LARDER_REGION=eu-west-1"]
    secret = tmp_path / "secrets" / "aws"
    secret.parent.mkdir()

    first_token = uuid.uuid4().hex
    write_secret(secret, "AKIAFIRST", first_token)
    first = buildah.bud(context, *common, "--secret", f"id=aws,src={secret}", file=DOCKERFILE, tag="localhost/app:1")
    log = first.stdout + first.stderr
    assert step_ran(first), log
    assert f"read credentials key=AKIAFIRST token={first_token}" in log  # the secret is read in the step
    assert "larder 0." in log or "larder 1." in log  # larder --version ran inside the step
    assert "Compile requests" in log  # and `larder stats` after the build
    # build scripts' C and C++ for this machine through links cc and c++ to larder, not on PATH;
    # no CC or CXX, which a cross target would get too, and no CC_KNOWN_WRAPPER_CUSTOM (one
    # program path each, nothing to split)
    assert ("fake-cargo: CC=unset CXX=unset HOST_CC=/usr/local/bin/masquerade/cc "
            "HOST_CXX=/usr/local/bin/masquerade/c++ CC_KNOWN_WRAPPER_CUSTOM=unset") in log
    assert "fake-cargo: HOST_CC links to /usr/local/bin/larder" in log
    assert "fake-cargo: HOST_CXX links to /usr/local/bin/larder" in log
    assert "fake-cargo: cc on PATH: none" in log  # the stand-in image has no compiler; the links stay off PATH

    # Rotated credentials, nothing else changed: every layer comes from the cache.
    write_secret(secret, "AKIASECOND", uuid.uuid4().hex)
    second = buildah.bud(context, *common, "--secret", f"id=aws,src={secret}", file=DOCKERFILE, tag="localhost/app:2")
    assert not step_ran(second), second.stdout + second.stderr
    assert "AKIASECOND" not in second.stdout + second.stderr
    images = buildah("images", "--format", "{{.Name}}:{{.Tag}} {{.ID}}").stdout
    ids = dict(line.split() for line in images.splitlines() if line.strip())
    assert ids["localhost/app:1"] == ids["localhost/app:2"]

    # No layer holds the secret.
    container = buildah("from", "localhost/app:2").stdout.strip()
    mount = Path(buildah("mount", container).stdout.strip())
    try:
        hits = subprocess.run(["grep", "-rl", first_token, str(mount)], capture_output=True, text=True)
        assert hits.stdout == "", hits.stdout
        assert not (mount / "run" / "secrets" / "aws").exists() or (mount / "run" / "secrets" / "aws").stat().st_size == 0
        assert (mount / "src" / "target" / "release" / "app").read_text() == "built\n"
    finally:
        buildah("umount", container, check=False)
        buildah("rm", container, check=False)


def test_c_compilers_off_or_the_images_own(buildah, tmp_path):
    """LARDER_CACHE_C=0 sets none of the compiler variables in the cargo step (and makes no
    links); a Rust image that sets its own CC gets no HOST_CC (it would override CC), one with
    its own HOST_CXX keeps it."""
    context = tiny_workspace(tmp_path / "app")
    own = tmp_path / "rust-image-own-cc"
    own.mkdir()
    (own / "Containerfile").write_text("FROM localhost/rust-standin:test\nENV CC=clang HOST_CXX=clang++\n")
    buildah.bud(own, tag="localhost/rust-standin-own-cc:test")
    secret = tmp_path / "aws"
    write_secret(secret, "AKIACOMPILERS", uuid.uuid4().hex)
    common = ["--build-arg", "LARDER_IMAGE=localhost/larder:test", "--secret", f"id=aws,src={secret}"]
    off = buildah.bud(context, *common, "--build-arg", "RUST_IMAGE=localhost/rust-standin:test",
                      "--build-arg", "LARDER_CACHE_C=0", file=DOCKERFILE, tag="localhost/app-c-off:1")
    assert ("fake-cargo: CC=unset CXX=unset HOST_CC=unset HOST_CXX=unset "
            "CC_KNOWN_WRAPPER_CUSTOM=unset") in off.stdout + off.stderr, off.stdout
    container = buildah("from", "localhost/app-c-off:1").stdout.strip()
    try:
        mount = Path(buildah("mount", container).stdout.strip())
        assert (mount / "usr" / "local" / "bin" / "larder").exists()
        assert not (mount / "usr" / "local" / "bin" / "masquerade").exists()
    finally:
        buildah("umount", container, check=False)
        buildah("rm", container, check=False)
    kept = buildah.bud(context, *common, "--build-arg", "RUST_IMAGE=localhost/rust-standin-own-cc:test",
                       file=DOCKERFILE, tag="localhost/app-c-own:1")
    assert ("fake-cargo: CC=clang CXX=unset HOST_CC=unset HOST_CXX=clang++ "
            "CC_KNOWN_WRAPPER_CUSTOM=unset") in kept.stdout + kept.stderr, kept.stdout


def test_credentials_as_build_arg_rebuild_every_time(buildah, tmp_path):
    """What AWS's docs suggest, for contrast: the credentials URI as a build-arg. CodeBuild gives
    every build a new one, so the cargo step (and all after it) runs again."""
    context = tiny_workspace(tmp_path / "app")
    dockerfile = tmp_path / "Dockerfile.build-arg"
    text = DOCKERFILE.read_text()
    marker = "RUN --mount="
    assert marker in text
    dockerfile.write_text(text.replace(marker, "ARG AWS_CONTAINER_CREDENTIALS_RELATIVE_URI\n" + marker, 1))
    secret = tmp_path / "aws"
    write_secret(secret, "AKIASAME", "same-token")
    common = ["--build-arg", "LARDER_IMAGE=localhost/larder:test", "--build-arg", "RUST_IMAGE=localhost/rust-standin:test",
              "--secret", f"id=aws,src={secret}"]
    for n in (1, 2):
        uri = f"/v2/credentials/{uuid.uuid4()}"
        result = buildah.bud(context, *common, "--build-arg", f"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI={uri}",
                             file=dockerfile, tag=f"localhost/app-arg:{n}")
        assert step_ran(result), f"build {n}: the cargo step was not run:\n{result.stdout}\n{result.stderr}"


# --- the cache mounts, with a real cargo build ---------------------------------------------

def host_toolchain() -> Path:
    from conftest import cargo_path

    rustc = Path(cargo_path()).with_name("rustc")
    return Path(subprocess.run([str(rustc), "--print", "sysroot"], capture_output=True, text=True, check=True).stdout.strip())


@pytest.fixture(scope="module")
def real_rust_image(buildah, tmp_path_factory):
    """A stand-in for the official Rust image that builds for real: an almost empty root whose
    /usr/bin, /usr/lib, /usr/libexec (compiler, linker, libraries, also larder's) and Rust
    toolchain (/opt/rust) are the host's, bind-mounted read-only into each RUN step by
    `buildah bud --volume`; /usr/local (where the recipe puts larder) is the image's own."""
    sysroot = host_toolchain()
    if not (sysroot / "bin" / "cargo").exists():
        pytest.fail(f"no cargo in the toolchain at {sysroot}")
    context = tmp_path_factory.mktemp("real-rust-image")
    rootfs = context / "rootfs"
    for folder in ("usr/bin", "usr/lib", "usr/lib64", "usr/libexec", "usr/local/bin", "usr/local/cargo",
                   "etc/alternatives", "opt/rust", "root", "var/cache", "tmp"):
        (rootfs / folder).mkdir(parents=True, exist_ok=True)
    (rootfs / "tmp").chmod(0o1777)
    for link in ("bin", "lib", "lib64", "sbin"):
        (rootfs / link).symlink_to(f"usr/{link if link != 'sbin' else 'bin'}")
    shutil.copy2("/etc/ld.so.cache", rootfs / "etc" / "ld.so.cache")
    (rootfs / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\n")
    (context / "Containerfile").write_text(
        "FROM scratch\nCOPY rootfs/ /\n"
        "ENV PATH=/opt/rust/bin:/usr/local/cargo/bin:/usr/local/bin:/usr/bin:/bin HOME=/root "
        "CARGO_HOME=/usr/local/cargo\n"
    )
    buildah.bud(context, tag="localhost/rust-real:test")
    volumes = []
    for host, inside in (("/usr/bin", "/usr/bin"), ("/usr/lib", "/usr/lib"), ("/usr/lib64", "/usr/lib64"),
                         ("/usr/libexec", "/usr/libexec"), ("/etc/alternatives", "/etc/alternatives"),
                         (str(sysroot), "/opt/rust")):
        if os.path.isdir(host):
            volumes += ["--volume", f"{host}:{inside}:ro"]
    return volumes


def build_stats(result) -> dict:
    """`larder stats` as printed by the recipe's RUN step (its text table)."""
    log = result.stdout + result.stderr
    found = {}
    for name in ("Compile requests", "Cache hits", "Cache misses"):
        values = re.findall(rf"^{name}\s+(\d+)", log, re.M)
        assert values, f"no '{name}' in the build log:\n{log[-4000:]}"
        found[name] = int(values[-1])  # the table printed after cargo
    return found


def test_cache_mounts_give_hits_when_the_cargo_step_runs_again(buildah, real_rust_image, tmp_path):
    context = tiny_workspace(tmp_path / "app")
    secret = tmp_path / "aws"
    token = uuid.uuid4().hex
    write_secret(secret, "AKIACACHEMOUNT", token)
    common = [*real_rust_image, "--build-arg", "LARDER_IMAGE=localhost/larder:test",
              "--build-arg", "RUST_IMAGE=localhost/rust-real:test", "--secret", f"id=aws,src={secret}"]

    first = buildah.bud(context, *common, file=DOCKERFILE, tag="localhost/app-cache:1")
    cold = build_stats(first)
    assert cold["Cache misses"] >= 1 and cold["Cache hits"] == 0, first.stdout[-3000:]

    # A change in the binary crate only: the layer cache cannot help (COPY . . changed), the
    # cargo step runs again, and the library comes from larder's cache mount.
    (context / "app" / "src" / "main.rs").write_text('fn main() { println!("answer: {}", util::answer()); }\n')
    second = buildah.bud(context, *common, file=DOCKERFILE, tag="localhost/app-cache:2")
    warm = build_stats(second)
    assert warm["Cache hits"] >= 1, second.stdout[-3000:]
    assert warm["Cache misses"] < cold["Cache misses"]
    assert warm["Compile requests"] == cold["Compile requests"]

    # The cache mounts are the builder's, not the image's; no credentials in them.
    larder_mount = buildah.cache_mounts / "larder"
    assert any(p.is_file() for p in (larder_mount / "cache").rglob("*")), "larder's cache mount holds no object"
    for path in larder_mount.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert token.encode() not in data and b"AKIACACHEMOUNT" not in data, path
    container = buildah("from", "localhost/app-cache:2").stdout.strip()
    mount = Path(buildah("mount", container).stdout.strip())
    try:
        assert not any((mount / "var" / "cache" / "larder").glob("*")), "larder's folder is in the image"
        built = mount / "src" / "target" / "release" / "app"
        assert built.exists()
    finally:
        buildah("umount", container, check=False)
        buildah("rm", container, check=False)
