"""Shared fixtures for larder's integration tests: the binary under test, an isolated cache,
cargo projects written by the tests, free loopback ports and server processes that stop by
themselves."""
import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def larder_binary() -> Path:
    candidate = os.environ.get("LARDER_BIN")
    if candidate:
        return Path(candidate)
    for preset in ("release", "debug"):
        path = REPO / "build" / preset / "larder"
        if path.exists():
            return path
    raise RuntimeError("larder binary not found: build it or set LARDER_BIN")


def cargo_path() -> str:
    found = shutil.which("cargo") or str(Path.home() / ".cargo" / "bin" / "cargo")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def write_tree(root: Path, files: dict) -> None:
    """Writes {relative path: text} under root."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


class Larder:
    """The larder binary with an isolated cache folder and environment."""

    def __init__(self, tmp: Path):
        self.bin = larder_binary()
        self.dir = tmp / "larder-cache"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("LARDER_", "SCCACHE_", "CACHEPOT_", "RUSTC_WRAPPER", "CARGO_BUILD_"))
        }
        cargo_bin = str(Path(cargo_path()).parent)
        self.env["PATH"] = cargo_bin + os.pathsep + self.env.get("PATH", "")
        self.env.update(
            {
                "LARDER_DIR": str(self.dir),
                "RUSTC_WRAPPER": str(self.bin),
                "CARGO_INCREMENTAL": "0",
                "CARGO_NET_OFFLINE": "true",
                "CARGO_TERM_COLOR": "never",
            }
        )

    def run(self, *args, env=None, check=True, **kwargs):
        full_env = dict(self.env, **(env or {}))
        result = subprocess.run(
            [str(self.bin), *args], env=full_env, capture_output=True, text=True, **kwargs
        )
        if check and result.returncode != 0:
            raise AssertionError(f"larder {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def stats(self, env=None) -> dict:
        return json.loads(self.run("stats", "--format", "json", env=env).stdout)

    def explain(self, env=None) -> dict:
        """`larder explain --format json`: the latest build, crate by crate."""
        return json.loads(self.run("explain", "--format", "json", env=env).stdout)

    def reset_stats(self):
        self.run("stats", "--reset")

    def cargo(self, project: Path, *args, env=None, check=True, wrapper=True, timeout=900):
        full_env = dict(self.env, **(env or {}))
        if not wrapper:
            full_env.pop("RUSTC_WRAPPER", None)
        result = subprocess.run(
            [cargo_path(), *args], cwd=project, env=full_env, capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            raise AssertionError(f"cargo {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result


@pytest.fixture
def larder(tmp_path) -> Larder:
    return Larder(tmp_path)


class ServerProcess:
    """A server started for one test: killed at teardown, and told to stop by itself after a
    deadline (via `timeout`) if the test run dies."""

    def __init__(self, argv, port, cwd=None, env=None, lifetime=1800):
        self.port = port
        self.proc = subprocess.Popen(
            ["timeout", str(lifetime), *argv],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_for_port(port)
        except TimeoutError:
            self.stop()
            raise

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
