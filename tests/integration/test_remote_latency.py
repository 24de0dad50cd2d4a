"""Remote tiers as far away as real ones: each server (S3 through s3rver, Redis, nginx's WebDAV)
behind tests/tools/latency_proxy.py, which delays every request. A fresh runner (empty local
tier) must get every call as a hit through the slow link with one request per hit: the
manifest a remote stores carries its entry (docs/design.md, "Remote requests")."""
import shutil
import sys
from pathlib import Path

import pytest

from conftest import REPO, Larder, write_tree

sys.path.insert(0, str(REPO / "tests" / "tools"))
from latency_proxy import LatencyProxy  # noqa: E402

CRATES = 3
DELAY_MS = 30


def write_project(root: Path) -> Path:
    write_tree(root, {
        "Cargo.toml": '[workspace]\nmembers = ["base", "mid", "top"]\nresolver = "2"\n',
        "base/Cargo.toml": '[package]\nname = "base"\nversion = "0.1.0"\nedition = "2021"\n',
        "base/src/lib.rs": "pub fn answer() -> u32 { 42 }\n",
        "mid/Cargo.toml": '[package]\nname = "mid"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nbase = { path = "../base" }\n',
        "mid/src/lib.rs": "pub fn twice() -> u32 { base::answer() * 2 }\n",
        "top/Cargo.toml": '[package]\nname = "top"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nmid = { path = "../mid" }\n',
        "top/src/lib.rs": "pub fn more() -> u32 { mid::twice() + 1 }\n",
    })
    return root


def s3_remote(tmp_path):
    from s3_support import S3Server, larder_s3_env, s3rver_available
    if not s3rver_available():
        pytest.skip("s3rver is not installed (scripts/install-deps.sh)")
    server = S3Server(tmp_path / "s3", buckets=("larder",))
    return server, server.port, lambda port: larder_s3_env(f"http://127.0.0.1:{port}")


def redis_remote(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (scripts/install-deps.sh)")
    from test_redis import start_redis
    server = start_redis(tmp_path)
    return server, server.port, lambda port: {"LARDER_REMOTE": f"redis://127.0.0.1:{port}"}


def http_remote(tmp_path):
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed (scripts/install-deps.sh)")
    from test_http import start_nginx
    server = start_nginx(tmp_path / "nginx")
    (tmp_path / "nginx/www/dav/larder").mkdir(parents=True, exist_ok=True)
    return server, server.port, lambda port: {"LARDER_REMOTE": f"http://127.0.0.1:{port}/dav/larder"}


@pytest.mark.parametrize("kind,start", [("s3", s3_remote), ("redis", redis_remote), ("http", http_remote)])
def test_a_fresh_runner_hits_through_a_slow_link_with_one_request_per_hit(tmp_path, kind, start):
    server, port, remote_env = start(tmp_path)
    proxy = LatencyProxy(port, delay_ms=DELAY_MS).start()
    try:
        env = remote_env(proxy.port)
        project = write_project(tmp_path / "checkout")
        first = Larder(tmp_path / "runner-1")
        first.cargo(project, "build", env=env)
        assert first.stats(env=env)["cache_misses"] == CRATES

        shutil.rmtree(project / "target")
        fresh = Larder(tmp_path / "runner-2")
        fresh.cargo(project, "build", env=env)
        stats = fresh.stats(env=env)
        [tier] = [s for s in stats["storage"] if s["name"] == kind]
        assert stats["cache_hits"] == CRATES and stats["cache_errors"]["read"] == 0, stats
        assert tier["hits"] == CRATES and tier["misses"] == 0 and tier["errors"] == 0, f"one request per hit: {tier}"
        # The tiers' calls served add up to the summary's hits: here all from the remote.
        assert tier["call_hits"] == CRATES and sum(s["call_hits"] for s in stats["storage"]) == CRATES, stats
        assert proxy.connections >= 1, "the builds must have gone through the slow link"
    finally:
        proxy.stop()
        server.stop()
