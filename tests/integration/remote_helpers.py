"""Shared pieces of the remote-storage tests (redis, memcached, http): a tiny cargo workspace,
a pause point inside a build (to stop a server mid-build), and the checks every backend must
pass. Servers are started by each test file on 127.0.0.1 and a port chosen at run time."""
import os
import shutil
import threading
import time
from pathlib import Path

from conftest import Larder, write_tree

# Three library crates with path dependencies and a binary; `mid` has a build script that can
# pause the build until the test says so (LARDER_TEST_PAUSE_DIR), after `leaf` is built.
PROJECT = {
    "Cargo.toml": """
[package]
name = "app"
version = "0.1.0"
edition = "2021"

[dependencies]
top = { path = "crates/top" }

[workspace]
members = ["crates/leaf", "crates/mid", "crates/top"]
""",
    "src/main.rs": 'fn main() { println!("{}", top::answer()); }\n',
    "crates/leaf/Cargo.toml": '[package]\nname = "leaf"\nversion = "0.1.0"\nedition = "2021"\n',
    "crates/leaf/src/lib.rs": "pub fn base() -> u64 { (1..=10).sum() }\n",
    "crates/mid/Cargo.toml": (
        '[package]\nname = "mid"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n\n'
        '[dependencies]\nleaf = { path = "../leaf" }\n'
    ),
    "crates/mid/build.rs": """
use std::{env, fs, path::Path, thread, time::Duration};
fn main() {
    println!("cargo:rerun-if-env-changed=LARDER_TEST_PAUSE_DIR");
    if let Ok(dir) = env::var("LARDER_TEST_PAUSE_DIR") {
        let dir = Path::new(&dir);
        fs::write(dir.join("paused"), "").unwrap();
        for _ in 0..600 {
            if dir.join("resume").exists() { break; }
            thread::sleep(Duration::from_millis(50));
        }
    }
}
""",
    "crates/mid/src/lib.rs": "pub fn twice() -> u64 { 2 * leaf::base() }\n",
    "crates/top/Cargo.toml": (
        '[package]\nname = "top"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nmid = { path = "../mid" }\n'
    ),
    "crates/top/src/lib.rs": "pub fn answer() -> u64 { mid::twice() + 1 }\n",
}
LIBRARY_CRATES = 3


def write_project(root: Path, extra: dict = None) -> Path:
    write_tree(root, PROJECT)
    if extra:
        write_tree(root, extra)
    return root


def add_big_crate(root: Path, size: int = 3 * 1024 * 1024) -> None:
    """A crate whose rlib holds `size` incompressible bytes (larger than memcached's items)."""
    (root / "crates/big/src").mkdir(parents=True, exist_ok=True)
    (root / "crates/big/src/blob.bin").write_bytes(os.urandom(size))
    write_tree(root, {
        "crates/big/Cargo.toml": '[package]\nname = "big"\nversion = "0.1.0"\nedition = "2021"\n',
        "crates/big/src/lib.rs": 'pub static BLOB: &[u8] = include_bytes!("blob.bin");\n'
                                 "pub fn len() -> usize { BLOB.len() }\n",
        "crates/top/Cargo.toml": (
            '[package]\nname = "top"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
            'mid = { path = "../mid" }\nbig = { path = "../big" }\n'
        ),
        "crates/top/src/lib.rs": "pub fn answer() -> u64 { mid::twice() + big::len() as u64 }\n",
    })


def storage_stats(stats: dict, kind: str) -> dict:
    found = [s for s in stats["storage"] if s["name"] == kind]
    assert found, f"no {kind} storage in stats: {stats['storage']}"
    total = {"hits": 0, "misses": 0, "writes": 0, "errors": 0}
    for entry in found:
        for key in total:
            total[key] += entry.get(key, 0)
    return total


def fresh_larder(tmp: Path, name: str, remote: str, **env) -> Larder:
    """A Larder with its own empty LARDER_DIR (so the local tier is cold) using `remote`."""
    (tmp / name).mkdir(parents=True, exist_ok=True)
    larder = Larder(tmp / name)
    larder.env["LARDER_REMOTE"] = remote
    larder.env.update(env)
    return larder


def clean_build(larder: Larder, project: Path, env=None):
    shutil.rmtree(project / "target", ignore_errors=True)
    return larder.cargo(project, "build", env=env, timeout=300)


def check_second_build_hits(tmp: Path, project: Path, remote: str, kind: str, crates: int = LIBRARY_CRATES):
    """A first build fills the remote; a clean build with an empty local cache hits from it alone."""
    first = fresh_larder(tmp, "first", remote)
    clean_build(first, project)
    filled = first.stats()
    assert storage_stats(filled, kind)["writes"] >= crates, filled
    assert storage_stats(filled, kind)["errors"] == 0, filled

    second = fresh_larder(tmp, "second", remote)
    clean_build(second, project)
    stats = second.stats()
    remote_stats = storage_stats(stats, kind)
    assert stats["cache_hits"] >= crates, stats
    assert stats["cache_misses"] == 0, stats
    assert remote_stats["hits"] >= crates, stats
    assert remote_stats["errors"] == 0, stats
    assert storage_stats(stats, "local")["hits"] == 0, stats
    return stats


def check_read_only(tmp: Path, project: Path, remote: str, kind: str):
    larder = fresh_larder(tmp, "read-only", remote, LARDER_READ_ONLY="1")
    clean_build(larder, project)
    stats = larder.stats()
    remote_stats = storage_stats(stats, kind)
    assert remote_stats["writes"] == 0, stats
    assert remote_stats["misses"] >= LIBRARY_CRATES, stats
    assert storage_stats(stats, "local")["writes"] >= LIBRARY_CRATES, stats
    return stats


def check_server_stopped_mid_build(tmp: Path, project: Path, remote: str, kind: str, server):
    """Pauses the build inside mid's build script, stops the server, lets the build go on."""
    pause = tmp / "pause"
    pause.mkdir()
    larder = fresh_larder(tmp, "stopped", remote, LARDER_TEST_PAUSE_DIR=str(pause))

    def stop_when_paused():
        deadline = time.time() + 120
        while time.time() < deadline and not (pause / "paused").exists():
            time.sleep(0.05)
        server.stop()
        (pause / "resume").write_text("")

    stopper = threading.Thread(target=stop_when_paused)
    stopper.start()
    started = time.time()
    try:
        result = clean_build(larder, project)
    finally:
        stopper.join()
    elapsed = time.time() - started
    assert result.returncode == 0
    stats = larder.stats()
    remote_stats = storage_stats(stats, kind)
    assert remote_stats["errors"] > 0, stats
    assert stats["cache_errors"]["read"] + stats["cache_errors"]["write"] > 0, stats
    assert stats["compile_failures"] == 0, stats
    assert elapsed < 120, f"a stopped server stalled the build for {elapsed:.0f}s"
    return stats


class SilentServer:
    """Accepts connections on 127.0.0.1 and never answers: a hung server."""

    def __init__(self):
        import socket
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections = []
        self.stopped = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self.stopped:
            try:
                conn, _ = self.sock.accept()
                self.connections.append(conn)
            except OSError:
                continue

    def stop(self):
        self.stopped = True
        self.thread.join(timeout=5)
        for conn in self.connections:
            conn.close()
        self.sock.close()


def check_silent_server_costs_seconds(tmp: Path, project: Path, remote: str, kind: str):
    """A server that accepts and never answers: the build stays green, the first call times out
    and marks the server, and the other calls skip it instead of waiting each."""
    larder = fresh_larder(tmp, "silent", remote)
    started = time.time()
    clean_build(larder, project)
    elapsed = time.time() - started
    stats = larder.stats()
    assert storage_stats(stats, kind)["errors"] >= LIBRARY_CRATES, stats
    assert stats["compile_failures"] == 0, stats
    assert elapsed < 30, f"a silent server stalled the build for {elapsed:.0f}s"
    return stats
