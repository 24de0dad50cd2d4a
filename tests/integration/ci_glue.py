"""Helpers shared by the CI glue tests: release-shaped archives served on loopback, runner
environments, and a tiny two-crate cargo workspace."""
import functools
import hashlib
import http.server
import io
import os
import platform
import shutil
import subprocess
import tarfile
import threading
from pathlib import Path

from conftest import REPO, cargo_path, larder_binary, write_tree

TOOLS = REPO / "tests" / "tools"


def host_target() -> str:
    arch = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}[platform.machine().lower()]
    return f"{arch}-unknown-linux-musl"


def larder_version(binary: Path = None) -> str:
    out = subprocess.run([str(binary or larder_binary()), "--version"], capture_output=True, text=True, check=True).stdout
    return out.split()[1].lstrip("v")


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_archive(path: Path, binary_bytes: bytes, version: str) -> None:
    """larder-v<version>-<target>.tar.gz as the release issue lays it out: larder, README.md,
    LICENSE at the top of the archive."""
    with tarfile.open(path, "w:gz", compresslevel=6) as tar:
        for name, data, mode in (
            ("larder", binary_bytes, 0o755),
            ("README.md", f"# larder {version}\n".encode(), 0o644),
            ("LICENSE", b"test license\n", 0o644),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = mode
            tar.addfile(info, io.BytesIO(data))


def stub_binary(version: str) -> bytes:
    """A stand-in for an older release: a script that answers --version like larder does."""
    return f'#!/bin/sh\necho "larder {version} (stub for the installer tests)"\n'.encode()


def write_release(root: Path, version: str, binary_bytes: bytes, targets, tamper: bool = False) -> None:
    """BASE/download/v<version>/{archives, .sha256 files, sha256.sum}, like a GitHub release."""
    folder = root / "download" / f"v{version}"
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for target in targets:
        name = f"larder-v{version}-{target}.tar.gz"
        make_archive(folder / name, binary_bytes, version)
        digest = sha256_file(folder / name)
        if tamper:  # the archive changes after its checksum was published
            make_archive(folder / name, binary_bytes + b"\n# tampered\n", version)
        (folder / f"{name}.sha256").write_text(f"{digest}  {name}\n")
        lines.append(f"{digest}  {name}\n")
    (folder / "sha256.sum").write_text("".join(lines))


def point_latest(root: Path, version: str) -> None:
    """BASE/latest/download/FILE serves the newest release, as GitHub's redirect does."""
    latest = root / "latest"
    if latest.exists():
        shutil.rmtree(latest)
    latest.mkdir()
    (latest / "download").symlink_to(Path("..") / "download" / f"v{version}")


class LoopbackHTTP:
    """A static file server on 127.0.0.1 (a free port) that records every request path; it runs
    in a thread of the test process, so it can never outlive the test run."""

    def __init__(self, root: Path):
        self.requests = []
        recorder = self.requests

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                recorder.append(self.path)
                super().do_GET()

        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(root))
        )
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def tiny_workspace(root: Path) -> Path:
    """Two crates with a path dependency: a library and a binary using it."""
    write_tree(
        root,
        {
            "Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["app", "util"]\n',
            "util/Cargo.toml": '[package]\nname = "util"\nversion = "0.1.0"\nedition = "2021"\n',
            "util/src/lib.rs": "pub fn answer() -> u32 { 42 }\n",
            "app/Cargo.toml": (
                '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n'
                '[dependencies]\nutil = { path = "../util" }\n'
            ),
            "app/src/main.rs": 'fn main() { println!("{}", util::answer()); }\n',
        },
    )
    return root


def clean_env(home: Path) -> dict:
    """The machine's environment without larder's, cargo's wrapper or CI variables, with cargo on
    PATH and HOME pointing at a scratch folder."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LARDER_", "SCCACHE_", "CACHEPOT_", "RUSTC_WRAPPER", "CARGO_BUILD_", "GITHUB_", "RUNNER_",
                              "INPUT_", "CI_", "GITLAB", "CODEBUILD_", "AWS_"))
    }
    env["PATH"] = str(Path(cargo_path()).parent) + os.pathsep + env.get("PATH", "")
    # cargo and rustup keep their homes where they are installed, not in the scratch HOME.
    real_home = Path.home()
    env.setdefault("CARGO_HOME", str(real_home / ".cargo"))
    env.setdefault("RUSTUP_HOME", str(real_home / ".rustup"))
    env["HOME"] = str(home)
    env["CARGO_NET_OFFLINE"] = "true"
    env["CARGO_TERM_COLOR"] = "never"
    return env


def release_site(root: Path, binary: Path = None):
    """The current binary as the latest release (host target and aarch64), an older stub
    release 0.0.1, and a tampered release 0.0.2. Returns the current version."""
    binary = binary or larder_binary()
    version = larder_version(binary)
    targets = [host_target(), "aarch64-unknown-linux-musl" if "x86_64" in host_target() else "x86_64-unknown-linux-musl"]
    write_release(root, version, Path(binary).read_bytes(), targets)
    write_release(root, "0.0.1", stub_binary("0.0.1"), targets)
    write_release(root, "0.0.2", stub_binary("0.0.2"), targets, tamper=True)
    point_latest(root, version)
    return version


def parse_runner_file(path: Path) -> dict:
    """Reads a GITHUB_ENV / GITHUB_STATE / GITHUB_OUTPUT file as the runner does: NAME=value
    lines and NAME<<DELIMITER blocks."""
    values = {}
    if not path.exists():
        return values
    lines = path.read_text().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            while lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            i += 1
            values[name] = "\n".join(body)
        else:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def has_s3(binary: Path = None) -> bool:
    """Whether this larder build has the S3 backend (it comes with `larder credentials`)."""
    out = subprocess.run([str(binary or larder_binary()), "--help"], capture_output=True, text=True)
    return "credentials" in out.stdout + out.stderr


def node_tool(*parts) -> Path:
    path = TOOLS / "node_modules" / Path(*parts)
    if not path.exists():
        raise AssertionError(f"{path} is missing: run scripts/install-deps.sh (npm install --prefix tests/tools)")
    return path


S3RVER_SCRIPT = """
const S3rver = require(process.argv[1]);
const [port, directory, bucket] = process.argv.slice(2);
new S3rver({ address: '127.0.0.1', port: Number(port), directory, silent: true,
             configureBuckets: [{ name: bucket }] }).run();
"""


class S3Server:
    """@20minutes/s3rver on 127.0.0.1 (free port), credentials S3RVER/S3RVER; stops by itself
    after `lifetime` seconds if the test run dies."""

    access_key = "S3RVER"
    secret_key = "S3RVER"

    def __init__(self, directory: Path, bucket: str = "larder-ci", lifetime: int = 900):
        from conftest import ServerProcess, free_port

        module = node_tool("@20minutes", "s3rver")
        directory.mkdir(parents=True, exist_ok=True)
        port = free_port()
        self.bucket = bucket
        self.endpoint = f"http://127.0.0.1:{port}"
        self.process = ServerProcess(
            ["node", "-e", S3RVER_SCRIPT, str(module), str(port), str(directory), bucket], port, lifetime=lifetime
        )

    def stop(self):
        self.process.stop()
