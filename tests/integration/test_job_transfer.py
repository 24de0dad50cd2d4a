"""A CI job's edges with remote storage (s3rver on loopback, verifying SigV4):
`LARDER_DEFER_UPLOADS=1` keeps a miss's upload off the build, `larder cache push` uploads the
queue and writes an index of what the job used, and `larder cache prefetch` on the next fresh
runner brings those objects into the local tier, so that cargo's calls hit locally. A missing,
stale or damaged index or object costs only the prefetch; a job killed before its push loses
nothing but hits."""
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, Larder, write_tree
from s3_support import S3Server, aws_cli, larder_s3_env, s3rver_available

sys.path.insert(0, str(REPO / "tests" / "tools"))
from latency_proxy import LatencyProxy  # noqa: E402

pytestmark = pytest.mark.skipif(not s3rver_available(), reason="s3rver is not installed (scripts/install-deps.sh)")

CRATES = 3  # library crates of the project below
INDEX = "acme/app/build/main"


def write_project(root: Path, answer: int = 42) -> Path:
    write_tree(root, {
        "Cargo.toml": '[workspace]\nmembers = ["base", "mid", "top"]\nresolver = "2"\n',
        "base/Cargo.toml": '[package]\nname = "base"\nversion = "0.1.0"\nedition = "2021"\n',
        "base/src/lib.rs": f"pub fn answer() -> u32 {{ {answer} }}\n",
        "mid/Cargo.toml": '[package]\nname = "mid"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nbase = { path = "../base" }\n',
        "mid/src/lib.rs": "pub fn twice() -> u32 { base::answer() * 2 }\n",
        "top/Cargo.toml": '[package]\nname = "top"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nmid = { path = "../mid" }\n',
        "top/src/lib.rs": "pub fn more() -> u32 { mid::twice() + 1 }\n",
    })
    return root


@pytest.fixture
def s3(tmp_path):
    server = S3Server(tmp_path, buckets=("larder",))
    yield server
    server.stop()


def runner(tmp_path: Path, name: str) -> Larder:
    """A fresh CI runner: its own LARDER_DIR."""
    return Larder(tmp_path / name)


def s3_objects(s3, tmp_path) -> list:
    listing = aws_cli(s3.url, "s3", "ls", "s3://larder/", tmp=tmp_path)
    assert listing.returncode == 0, listing.stderr
    return [line.split()[-1] for line in listing.stdout.splitlines() if line.strip()]


def tier(stats: dict, kind: str) -> dict:
    """A tier's counters; a tier no call asked has none (all zero)."""
    return next((s for s in stats["storage"] if s["name"] == kind), {"hits": 0, "misses": 0, "writes": 0, "errors": 0})


def job(larder: Larder, project: Path, env: dict, prefetch=(), push_index=INDEX) -> dict:
    """One CI job: prefetch, build from a clean target, push. Returns the outputs and stats."""
    out = {}
    start = f"{time.time():.3f}"
    if prefetch:
        args = ["cache", "prefetch"]
        for name in prefetch:
            args += ["--index", name]
        out["prefetch"] = larder.run(*args, env=env).stdout
    larder.reset_stats()
    shutil.rmtree(project / "target", ignore_errors=True)
    larder.cargo(project, "build", env=env)
    out["stats"] = larder.stats(env=env)
    if push_index is not None:
        out["push"] = larder.run("cache", "push", "--index", push_index, "--since", start, env=env).stdout
    return out


def test_deferred_uploads_wait_for_the_push_and_prefetch_makes_the_next_job_hit_locally(s3, tmp_path):
    project = write_project(tmp_path / "checkout")
    env = larder_s3_env(s3.url, LARDER_DEFER_UPLOADS="1")

    first = job(runner(tmp_path, "runner-1"), project, env, push_index=None)
    assert first["stats"]["cache_misses"] == CRATES, first["stats"]
    assert tier(first["stats"], "s3")["writes"] == 0, "a deferred miss must not upload"
    assert s3_objects(s3, tmp_path) == [], "nothing reaches S3 before the push"
    pushed = runner(tmp_path, "runner-1").run("cache", "push", "--index", INDEX, "--since", "0", env=env).stdout
    match = re.search(r"(\d+) queued, uploaded (\d+) objects", pushed)
    assert match and int(match[1]) == 2 * CRATES and int(match[2]) == 2 * CRATES, pushed
    assert f"index {INDEX} names" in pushed, pushed
    assert len(s3_objects(s3, tmp_path)) == 2 * CRATES + 1  # entries, manifests, the index

    # The next job, on another runner at another path: the prefetch brings every object, the
    # build then hits without one S3 request.
    project2 = write_project(tmp_path / "elsewhere" / "checkout")
    second = job(runner(tmp_path, "runner-2"), project2, env, prefetch=("acme/app/build/feature-x", INDEX))
    assert re.search(rf"index {INDEX} lists {2 * CRATES} objects; 0 already here, fetched {2 * CRATES} objects",
                     second["prefetch"]), second["prefetch"]
    assert second["stats"]["cache_hits"] == CRATES and second["stats"]["cache_misses"] == 0, second["stats"]
    s3_tier = tier(second["stats"], "s3")
    assert s3_tier["hits"] == 0 and s3_tier["misses"] == 0, f"every hit must be local: {s3_tier}"
    # Nothing new was queued, so nothing is uploaded; the index is rewritten.
    assert re.search(r"0 queued, uploaded 0 objects", second["push"]), second["push"]


def test_a_pushed_manifest_carries_its_entry_so_a_hit_from_s3_is_one_request(s3, tmp_path):
    project = write_project(tmp_path / "checkout")
    env = larder_s3_env(s3.url, LARDER_DEFER_UPLOADS="1")
    job(runner(tmp_path, "runner-1"), project, env)
    second = job(runner(tmp_path, "runner-2"), project, env, push_index=None)  # no prefetch
    assert second["stats"]["cache_hits"] == CRATES, second["stats"]
    s3_tier = tier(second["stats"], "s3")
    assert s3_tier["hits"] == CRATES and s3_tier["misses"] == 0, f"one GET per hit: {s3_tier}"


def test_push_merges_manifests_so_two_jobs_with_different_sources_both_hit_later(s3, tmp_path):
    env = larder_s3_env(s3.url, LARDER_DEFER_UPLOADS="1")
    a = write_project(tmp_path / "a", answer=1)
    b = write_project(tmp_path / "b", answer=2)
    job(runner(tmp_path, "runner-a"), a, env, push_index="acme/app/build/a")
    job(runner(tmp_path, "runner-b"), b, env, push_index="acme/app/build/b")
    # Neither runner prefetched: both stored a manifest for base's call key with one result;
    # the second push merged it with the first's.
    for project in (a, b):
        later = runner(tmp_path, f"runner-later-{project.name}")
        later.reset_stats()
        later.cargo(project, "build", "--target-dir", str(tmp_path / f"t-{project.name}"), env=env)
        stats = later.stats(env=env)
        assert stats["cache_hits"] == CRATES and stats["cache_misses"] == 0, (project.name, stats)


def test_a_job_killed_before_its_push_costs_the_next_job_hits_and_nothing_else(s3, tmp_path):
    env = larder_s3_env(s3.url, LARDER_DEFER_UPLOADS="1")
    project = write_project(tmp_path / "checkout")
    killed = runner(tmp_path, "runner-killed")
    job(killed, project, env, push_index=None)  # the job dies here: no push

    nxt = job(runner(tmp_path, "runner-next"), project, env, prefetch=(INDEX,))
    assert "no index found" in nxt["prefetch"], nxt["prefetch"]
    assert nxt["stats"]["cache_misses"] == CRATES and nxt["stats"]["compile_failures"] == 0, nxt["stats"]
    assert re.search(rf"{2 * CRATES} queued, uploaded {2 * CRATES} objects", nxt["push"]), nxt["push"]
    # The dead job's queue is still on its runner: a later push there uploads it, merging its
    # manifests with the ones now in S3 (the same results: nothing lost, nothing doubled).
    late = killed.run("cache", "push", env=env).stdout
    assert re.search(rf"{2 * CRATES} queued, uploaded {2 * CRATES} objects", late), late


def test_missing_stale_or_damaged_index_and_objects_cost_only_the_prefetch(s3, tmp_path):
    env = larder_s3_env(s3.url, LARDER_DEFER_UPLOADS="1")
    project = write_project(tmp_path / "checkout")
    job(runner(tmp_path, "runner-1"), project, env)

    # Stale: the index names objects that are gone from S3 (expired by a lifecycle rule).
    objects = s3_objects(s3, tmp_path)
    manifests = sorted(o for o in objects if o.endswith(".manifest"))
    assert aws_cli(s3.url, "s3", "rm", f"s3://larder/{manifests[0]}", tmp=tmp_path).returncode == 0
    # Damaged: another manifest's bytes replaced (with the entry it carried).
    garbage = tmp_path / "garbage"
    garbage.write_bytes(b"LRDR" + b"\x00" * 200)
    assert aws_cli(s3.url, "s3", "cp", str(garbage), f"s3://larder/{manifests[1]}", tmp=tmp_path).returncode == 0

    fresh = runner(tmp_path, "runner-2")
    out = fresh.run("cache", "prefetch", "--index", INDEX, env=env).stdout
    # The third manifest brings its entry; the other two entries come by their names.
    assert re.search(rf"fetched {2 * CRATES - 2} objects .*1 missing from remote storage, 1 damaged", out), out
    damaged = manifests[1]
    assert not (fresh.dir / "cache" / damaged[0] / damaged[1] / damaged).exists(), "a damaged object is never stored"
    fresh.reset_stats()
    fresh.cargo(project, "build", "--target-dir", str(tmp_path / "t2"), env=env)
    stats = fresh.stats(env=env)
    assert stats["cache_hits"] + stats["cache_misses"] == CRATES and stats["compile_failures"] == 0, stats
    assert stats["cache_misses"] >= 1, stats

    # Damaged index: the prefetch says so and fetches nothing; the build is unaffected.
    [index] = [o for o in s3_objects(s3, tmp_path) if o.endswith(".index")]
    assert aws_cli(s3.url, "s3", "cp", str(garbage), f"s3://larder/{index}", tmp=tmp_path).returncode == 0
    third = runner(tmp_path, "runner-3")
    result = third.run("cache", "prefetch", "--index", INDEX, env=env)
    assert result.returncode == 0 and "no index found" in result.stdout and "unusable" in result.stdout, result.stdout
    # No index at all, and no remote at all: both say so and succeed.
    assert "no index found" in third.run("cache", "prefetch", "--index", "acme/none", env=env).stdout
    assert "no remote storage is configured" in third.run("cache", "prefetch", "--index", INDEX).stdout


def test_prefetch_while_cargo_builds_is_safe(s3, tmp_path):
    """cargo starts while the prefetch still runs (50 ms per request): every call finds its
    objects in the local tier or in S3, and nothing fails."""
    env = larder_s3_env(s3.url, LARDER_DEFER_UPLOADS="1")
    project = write_project(tmp_path / "checkout")
    job(runner(tmp_path, "runner-1"), project, env)
    proxy = LatencyProxy(s3.port, delay_ms=50).start()
    try:
        slow = larder_s3_env(f"http://127.0.0.1:{proxy.port}", LARDER_DEFER_UPLOADS="1")
        fresh = runner(tmp_path, "runner-2")
        prefetching = subprocess.Popen([str(fresh.bin), "cache", "prefetch", "--index", INDEX, "--jobs", "2"],
                                       env=dict(fresh.env, **slow), stdout=subprocess.PIPE, text=True)
        fresh.reset_stats()
        fresh.cargo(project, "build", "--target-dir", str(tmp_path / "t2"), env=slow)
        out, _ = prefetching.communicate(timeout=120)
        assert prefetching.returncode == 0, out
        stats = fresh.stats(env=slow)
        assert stats["cache_hits"] == CRATES and stats["cache_errors"]["read"] == 0, stats
    finally:
        proxy.stop()


def test_bad_options_are_refused_with_a_reason(tmp_path):
    larder = runner(tmp_path, "r")
    cases = [
        (("cache", "prefetch"), "needs --index"),
        (("cache", "push", "--index", "x"), "needs --since"),
        (("cache", "push", "--index", "x", "--since", "yesterday"), "not a time"),
        (("cache", "trim", "--index", "x"), "--index applies to"),
        (("cache", "prefetch", "--index", "x", "--since", "0"), "--since applies to"),
        (("cache", "push", "--index", "a", "--index", "b", "--since", "0"), "give --index once"),
    ]
    for args, says in cases:
        result = larder.run(*args, check=False)
        assert result.returncode == 2 and says in result.stderr, (args, result.stderr)
