"""`larder cache trim --unused-since TIME`: a CI job prunes the local cache to the objects it
read or wrote, exactly, also while wrappers run, and also after the folder was restored from an
archive (mtimes kept, as tar and the CI caches keep them). Damage where objects live (symlinks,
FIFOs) never redirects a read, a touch or a removal outside the cache folder."""
import concurrent.futures
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from conftest import write_tree
from projects import package


def small_project(root: Path, name: str) -> Path:
    """A library and a bin using it: two cacheable calls, named after `name`."""
    write_tree(root, {
        "Cargo.toml": f'[workspace]\nresolver = "2"\nmembers = ["{name}_app", "{name}_lib"]\n',
        f"{name}_lib/Cargo.toml": package(f"{name}_lib"),
        f"{name}_lib/src/lib.rs": f'pub fn word() -> &\'static str {{ "{name}" }}\n',
        f"{name}_app/Cargo.toml": package(f"{name}_app", [f"{name}_lib"]),
        f"{name}_app/src/main.rs": f"fn main() {{ println!(\"{{}}\", {name}_lib::word()); }}\n",
    })
    return root


CALLS = 2  # cacheable calls of a small_project build
OBJECTS = 2 * CALLS  # a manifest and an entry each


def objects(cache_dir: Path) -> set:
    return {p.name for p in (cache_dir / "cache").rglob("*") if p.suffix in (".entry", ".manifest")}


def clean_build(larder, project: Path, env=None):
    shutil.rmtree(project / "target", ignore_errors=True)
    return larder.cargo(project, "build", env=env)


def hits_and_misses(larder, action):
    before = larder.stats()
    action()
    after = larder.stats()
    return after["cache_hits"] - before["cache_hits"], after["cache_misses"] - before["cache_misses"]


def trim(larder, since: str):
    result = larder.run("cache", "trim", "--unused-since", since)
    m = re.search(r"removed (\d+) objects .* kept (\d+) objects", result.stdout)
    assert m, result.stdout
    return int(m.group(1)), int(m.group(2))


def restore_from_archive(larder, tmp_path: Path):
    """What a CI cache does between jobs: the folder archived, then unpacked on a new runner."""
    archive = tmp_path / "larder-dir.tar"
    subprocess.run(["tar", "-cf", str(archive), "-C", str(larder.dir.parent), larder.dir.name], check=True)
    shutil.rmtree(larder.dir)
    subprocess.run(["tar", "-xf", str(archive), "-C", str(larder.dir.parent)], check=True)


def two_projects_in_one_cache(larder, tmp_path):
    """This job's project and another one, each built once: (mine, its objects, the other's)."""
    mine = small_project(tmp_path / "mine", "mine")
    clean_build(larder, mine)
    mine_objects = objects(larder.dir)
    clean_build(larder, small_project(tmp_path / "other", "other"))
    other_objects = objects(larder.dir) - mine_objects
    assert len(mine_objects) == len(other_objects) == OBJECTS
    return mine, mine_objects, other_objects


def test_trim_keeps_exactly_what_the_job_used(larder, tmp_path):
    mine, mine_objects, other_objects = two_projects_in_one_cache(larder, tmp_path)

    restore_from_archive(larder, tmp_path)
    time.sleep(0.05)
    job_start = f"{time.time():.6f}"
    hits, misses = hits_and_misses(larder, lambda: clean_build(larder, mine))
    assert (hits, misses) == (CALLS, 0)

    removed, kept = trim(larder, job_start)
    assert objects(larder.dir) == mine_objects
    assert (removed, kept) == (len(other_objects), len(mine_objects))
    # What was kept is whole: the next job hits everything again.
    hits, misses = hits_and_misses(larder, lambda: clean_build(larder, mine))
    assert (hits, misses) == (CALLS, 0)
    # Nothing used since a later time: everything goes.
    assert trim(larder, "2200-01-01T00:00:00Z") == (len(mine_objects), 0)
    assert objects(larder.dir) == set()


def test_trim_is_exact_while_builds_run(larder, tmp_path):
    mine, _, other_objects = two_projects_in_one_cache(larder, tmp_path)
    time.sleep(0.05)
    job_start = f"{time.time():.6f}"
    # Two checkouts of the same project at other paths share every object.
    checkouts = [mine, tmp_path / "mine-2"]
    shutil.copytree(mine, checkouts[1], ignore=shutil.ignore_patterns("target"))
    stop = time.time() + 20

    def builds(checkout):
        count = 0
        while time.time() < stop or count < 2:
            clean_build(larder, checkout)
            count += 1
        return count

    def trims():
        count = 0
        while time.time() < stop:
            trim(larder, job_start)
            count += 1
        return count

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        built = [pool.submit(builds, checkout) for checkout in checkouts]
        trimmed = pool.submit(trims)
        assert all(b.result() >= 2 for b in built) and trimmed.result() >= 1
    # Every object the builds used survived every trim: a clean build still hits everything,
    # and the other project's objects are gone.
    stats_before = larder.stats()
    trim(larder, job_start)
    # A trim that ran before a build read an object removed it (unused so far): that build
    # missed and stored it again, under a new name since entries are named by their content.
    assert not objects(larder.dir) & other_objects
    hits, misses = hits_and_misses(larder, lambda: clean_build(larder, mine))
    assert (hits, misses) == (CALLS, 0)
    assert stats_before["cache_errors"] == {"read": 0, "write": 0}


def test_trim_reports_and_refuses_bad_times(larder, tmp_path):
    clean_build(larder, small_project(tmp_path / "p", "p"))
    for good in ("1767225600", "1767225600.5", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00.25+01:00"):
        removed, kept = trim(larder, good)
        assert (removed, kept) == (0, OBJECTS), good
    for bad in ("yesterday", "2026-13-01T00:00:00Z", "2026-01-01", "2026-01-01T00:00:00", "-5", ""):
        result = larder.run("cache", "trim", "--unused-since", bad, check=False)
        assert result.returncode != 0, bad
        assert "RFC 3339" in result.stderr or "--unused-since" in result.stderr, result.stderr
    assert len(objects(larder.dir)) == OBJECTS


def test_damage_where_objects_live_never_reaches_outside(larder, tmp_path):
    project = small_project(tmp_path / "p", "p")
    clean_build(larder, project)
    victim = tmp_path / "outside.txt"
    victim.write_text("not larder's")
    os.utime(victim, (1_000_000_000, 1_000_000_000))
    entries = sorted((larder.dir / "cache").rglob("*.entry"))
    manifests = sorted((larder.dir / "cache").rglob("*.manifest"))
    # A symlink to a file outside, a FIFO and a symlink to /dev/zero in place of objects.
    entries[0].unlink()
    entries[0].symlink_to(victim)
    entries[1].unlink()
    os.mkfifo(entries[1])
    manifests[0].unlink()
    manifests[0].symlink_to("/dev/zero")
    # A symlinked usage record must not be written through.
    usage = next((larder.dir / "cache").glob("*/usage"))
    usage.unlink()
    usage.symlink_to(victim)

    shutil.rmtree(project / "target")
    project_run = subprocess.run(["timeout", "120", "cargo", "build"], cwd=project, env=larder.env,
                                 capture_output=True, text=True)
    assert project_run.returncode == 0, project_run.stderr
    out = subprocess.run([str(project / "target/debug/p_app")], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "p"
    # One crate's manifest is damaged, the other's entry (both entries are): two read errors.
    assert larder.stats()["cache_errors"]["read"] == 2
    assert victim.read_text() == "not larder's" and victim.stat().st_mtime == 1_000_000_000

    trim(larder, "1")
    assert victim.read_text() == "not larder's" and victim.stat().st_mtime == 1_000_000_000
    assert not any(p.is_symlink() or p.is_fifo() for p in (larder.dir / "cache").rglob("*"))
