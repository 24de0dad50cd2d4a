"""The core wrapper against real cargo builds: hits, replay, precise misses, check/build
separation, concurrency, size limit and corrupt entries."""
import concurrent.futures
import filecmp
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from projects import CACHEABLE_CRATES, core_workspace

BUILD_ENV = {"GEN_GREETING": "hi"}


def outcomes(report: dict) -> dict:
    """crate name -> 'hit', 'miss' or 'failed', from `larder explain --format json` (a crate that
    hit in one call and missed in another reads as a miss)."""
    result = {crate: "hit" for crate in report.get("hit_crates", [])}
    result.update({miss["crate"]: "miss" for miss in report.get("misses", [])})
    result.update({failed["crate"]: "failed" for failed in report.get("failed", [])})
    return result


def cargo_outcomes(larder, project, *args, env=None, check=True):
    """Runs cargo; returns (result, outcomes of the calls it made): empty when it ran no wrapper
    call that larder recorded, so the latest build is still the one before."""
    before = larder.explain().get("build")
    result = larder.cargo(project, *(args or ("build",)), env=dict(BUILD_ENV, **(env or {})), check=check)
    report = larder.explain()
    return result, outcomes(report) if report.get("build") != before else {}


def build(larder, project, tmp_path, *args, env=None, check=True):
    """A cargo build from a clean target folder; returns (result, outcomes)."""
    shutil.rmtree(project / "target", ignore_errors=True)
    return cargo_outcomes(larder, project, *args, env=env, check=check)


@pytest.fixture
def project(tmp_path):
    return core_workspace(tmp_path / "ws")


def test_second_build_hits_every_cacheable_crate(larder, project, tmp_path):
    _, first = build(larder, project, tmp_path)
    assert set(first) == set(CACHEABLE_CRATES)
    assert set(first.values()) == {"miss"}
    stats = larder.stats()
    assert stats["cache_misses"] == len(CACHEABLE_CRATES)
    assert stats["cache_hits"] == 0

    _, second = build(larder, project, tmp_path)
    assert second == {crate: "hit" for crate in CACHEABLE_CRATES}
    stats = larder.stats()
    assert stats["cache_hits"] == len(CACHEABLE_CRATES)
    assert sum(stats["not_cached"].values()) == 0, stats["not_cached"]
    assert stats["not_compilation"] > 0
    assert stats["cache_errors"] == {"read": 0, "write": 0}
    assert stats["hit_rate"] == pytest.approx(0.5)
    run = subprocess.run([str(project / "target/debug/app")], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "42 plain 30 hello from a text file hi None 42 7"


@pytest.mark.parametrize("basedirs", ["none", None], ids=["no-base-dirs", "default-base-dirs"])
def test_cached_outputs_are_bit_identical_to_plain_cargo(larder, project, tmp_path, basedirs):
    """Release profile, same path: a build restored from the cache equals a build without larder.
    Without base folders every output is identical; with them (the default) larder remaps the
    base folders, which changes the working directory recorded in rlib metadata, but the final
    binary and static library are still identical."""
    env = {"LARDER_BASEDIRS": basedirs} if basedirs else {}
    larder.cargo(project, "build", "--release", env=dict(BUILD_ENV, **env), wrapper=False)
    plain = tmp_path / "plain-release"
    shutil.copytree(project / "target/release", plain, symlinks=True)
    build(larder, project, tmp_path, "build", "--release", env=env)
    _, warm = build(larder, project, tmp_path, "build", "--release", env=env)
    assert set(warm.values()) == {"hit"}
    cached = project / "target/release"
    assert filecmp.cmp(plain / "app", cached / "app", shallow=False)
    assert filecmp.cmp(plain / "libstat.a", cached / "libstat.a", shallow=False)
    if basedirs == "none":
        compared = 0
        for path in sorted((plain / "deps").iterdir()):
            if path.suffix in (".rlib", ".rmeta", ".a", ".d"):
                assert filecmp.cmp(path, cached / "deps" / path.name, shallow=False), f"{path.name} differs"
                compared += 1
        assert compared >= 18


def test_warnings_are_replayed_identically(larder, project, tmp_path):
    first, _ = build(larder, project, tmp_path, "build", "-p", "warns")
    second, outcome = build(larder, project, tmp_path, "build", "-p", "warns")
    assert outcome == {"warns": "hit"}
    warning = re.compile(r"warning: unused variable: `unused`.*?\n\n", re.S)
    assert warning.search(first.stderr), first.stderr
    assert warning.search(first.stderr).group(0) == warning.search(second.stderr).group(0)

    # cargo's JSON diagnostics are replayed byte for byte too
    json_first, _ = build(larder, project, tmp_path, "build", "-p", "warns", "--message-format=json")
    json_second, _ = build(larder, project, tmp_path, "build", "-p", "warns", "--message-format=json")
    messages = [line for line in json_first.stdout.splitlines() if '"compiler-message"' in line]
    assert messages and messages == [l for l in json_second.stdout.splitlines() if '"compiler-message"' in l]


def test_failing_crate_is_never_cached(larder, project, tmp_path):
    first, outcome1 = build(larder, project, tmp_path, "build", "-p", "broken", check=False)
    second, outcome2 = build(larder, project, tmp_path, "build", "-p", "broken", check=False)
    assert first.returncode != 0 and second.returncode == first.returncode
    assert "error[E0308]: mismatched types" in first.stderr
    error = re.compile(r"error\[E0308\].*?\n\n", re.S)
    assert error.search(first.stderr).group(0) == error.search(second.stderr).group(0)
    assert outcome1 == {"broken": "failed"} and outcome2 == {"broken": "failed"}
    stats = larder.stats()
    assert stats["compile_failures"] == 2
    assert stats["cache_hits"] == 0
    entries = list((larder.dir / "cache").rglob("*.entry"))
    assert entries == []


def _edit(path: Path, old: str, new: str):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize(
    "change, env, expected_misses",
    [
        ("top source", {}, {"stat"}),
        ("module file", {}, {"chain_c", "stat", "app"}),
        ("included file", {}, {"gen", "app"}),
        ("env! variable", {"GEN_GREETING": "hello"}, {"gen", "app"}),
        ("option_env! variable", {"GEN_OPTIONAL": "set"}, {"gen", "app"}),
        ("build script input", {"GEN_COUNT": "5"}, {"gen", "app"}),
        ("build script source", {}, {"build_script_build"}),  # it writes the same code
        ("proc-macro source", {}, {"pm", "gen", "app"}),
        ("bin source", {}, {"app"}),
        ("dependency source", {}, {"chain_a", "chain_b", "chain_c", "stat", "app"}),
        ("feature", {}, {"chain_a", "chain_b", "chain_c", "stat", "app"}),
        ("RUSTFLAGS", {"RUSTFLAGS": "--cfg extra_flag"}, set(CACHEABLE_CRATES)),
    ],
)
def test_one_changed_input_misses_exactly_where_it_should(larder, project, tmp_path, change, env, expected_misses):
    build(larder, project, tmp_path)
    _, warm = build(larder, project, tmp_path)
    assert set(warm.values()) == {"hit"}
    args = ("build",)
    if change == "top source":
        _edit(project / "stat/src/lib.rs", "chain_c::top()", "chain_c::top() + 0")
    elif change == "module file":
        _edit(project / "chain_c/src/extra.rs", "1 }", "2 - 1 }")
    elif change == "included file":
        (project / "gen/data/text.txt").write_text("changed text\n")
    elif change == "dependency source":
        _edit(project / "chain_a/src/lib.rs", "40", "39 + 1")
    elif change == "build script source":
        _edit(project / "gen/build.rs", "* 10", "* 10 + 0")
    elif change == "proc-macro source":
        _edit(project / "pm/src/lib.rs", '"42u64"', '"(40u64 + 2)"')
    elif change == "bin source":
        _edit(project / "app/src/main.rs", "fn main() {", "fn main() {\n    let _unused_marker = 0;")
    elif change == "feature":
        args = ("build", "--features", "app/fancy")
    _, changed = build(larder, project, tmp_path, *args, env=env)
    misses = {crate for crate, outcome in changed.items() if outcome == "miss"}
    assert misses == expected_misses
    assert set(changed) == set(CACHEABLE_CRATES)


def test_a_reverted_change_hits_again_in_the_same_target(larder, project, tmp_path):
    """Without cleaning target/: the restored dependency replaces the changed one, and its
    dependents find their first entries again (their key holds its hash, which larder records
    when it writes the file instead of reading it back)."""
    def incremental(name):
        _, outcome = cargo_outcomes(larder, project)
        run = subprocess.run([str(project / "target/debug/app")], capture_output=True, text=True, check=True)
        return outcome, run.stdout.strip()

    first, original_output = incremental("first")
    assert set(first.values()) == {"miss"}
    _edit(project / "chain_a/src/lib.rs", "40", "41")
    changed, changed_output = incremental("changed")
    assert {c for c, o in changed.items() if o == "miss"} == {"chain_a", "chain_b", "chain_c", "stat", "app"}
    assert changed_output != original_output
    _edit(project / "chain_a/src/lib.rs", "41", "40")
    reverted, reverted_output = incremental("reverted")
    assert reverted == {c: "hit" for c in ("chain_a", "chain_b", "chain_c", "stat", "app")}
    assert reverted_output == original_output


def test_new_file_changing_module_resolution_misses(larder, project, tmp_path):
    build(larder, project, tmp_path)
    # src/extra.rs and src/extra/mod.rs together are an error: a hit would hide it.
    (project / "chain_c/src/extra").mkdir()
    (project / "chain_c/src/extra/mod.rs").write_text("pub fn one() -> u64 { 1 }\n")
    result, outcome = build(larder, project, tmp_path, check=False)
    assert result.returncode != 0
    assert "E0761" in result.stderr
    assert outcome["chain_c"] == "failed"  # compiled, not served


def test_check_and_build_entries_never_mix(larder, project, tmp_path):
    _, check1 = build(larder, project, tmp_path, "check")
    assert set(check1.values()) == {"miss"}
    _, build1 = build(larder, project, tmp_path, "build")
    # check and build compile the proc-macro and the build script the same way: those are shared
    shared = {"pm", "build_script_build"}
    assert {c for c, o in build1.items() if o == "hit"} == shared, "a build must not use entries made by cargo check"
    _, check2 = build(larder, project, tmp_path, "check")
    assert set(check2.values()) == {"hit"}
    _, build2 = build(larder, project, tmp_path, "build")
    assert set(build2.values()) == {"hit"}


def test_concurrent_builds_share_one_cache(larder, tmp_path):
    reference = core_workspace(tmp_path / "reference")
    larder.cargo(reference, "build", env=BUILD_ENV)
    per_build = larder.stats()["compile_requests"]
    larder.reset_stats()

    projects = [core_workspace(tmp_path / f"copy{i}") for i in range(4)]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda p: larder.cargo(p, "build", env=BUILD_ENV, check=False), projects))
    for result in results:
        assert result.returncode == 0, result.stderr
    for p in projects:
        run = subprocess.run([str(p / "target/debug/app")], capture_output=True, text=True, check=True)
        assert run.stdout.startswith("42 plain 30")
    stats = larder.stats()
    assert stats["compile_requests"] == 4 * per_build
    assert stats["cache_hits"] + stats["cache_misses"] == 4 * len(CACHEABLE_CRATES)
    assert stats["cache_hits"] >= 3 * len(CACHEABLE_CRATES) - 3  # the reference build filled the cache
    total = stats["cache_hits"] + stats["cache_misses"] + sum(stats["not_cached"].values()) + stats["not_compilation"]
    assert total == stats["compile_requests"]
    assert stats["cache_errors"] == {"read": 0, "write": 0}


def test_size_limit_holds(larder, project, tmp_path):
    limit = 256 * 1024
    env = {"LARDER_CACHE_SIZE": str(limit)}
    build(larder, project, tmp_path, env=env)
    stored = sum(p.stat().st_size for p in (larder.dir / "cache").rglob("*") if p.suffix in (".entry", ".manifest"))
    assert 0 < stored <= limit
    result = larder.run("cache", "trim", env=env)
    assert re.search(r"removed \d+ objects .* kept \d+ objects", result.stdout), result.stdout


def test_corrupt_entries_lead_to_a_rebuild(larder, project, tmp_path):
    build(larder, project, tmp_path)
    entries = sorted((larder.dir / "cache").rglob("*.entry"))
    assert len(entries) == len(CACHEABLE_CRATES)
    for index, entry in enumerate(entries):
        data = bytearray(entry.read_bytes())
        if index % 2 == 0:
            entry.write_bytes(data[: len(data) // 2])  # truncated
        else:
            data[len(data) // 2] ^= 0xFF  # a flipped byte
            entry.write_bytes(bytes(data))
    result, outcome = build(larder, project, tmp_path)
    assert set(outcome.values()) == {"miss"}
    stats = larder.stats()
    assert stats["cache_errors"]["read"] == len(CACHEABLE_CRATES)
    run = subprocess.run([str(project / "target/debug/app")], capture_output=True, text=True, check=True)
    assert run.stdout.startswith("42 plain 30")
    # the corrupt entries were replaced by good ones
    _, again = build(larder, project, tmp_path)
    assert set(again.values()) == {"hit"}


def test_probes_pass_straight_through(larder, tmp_path):
    rustc = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, env=larder.env, check=True)
    wrapped = larder.run("rustc", "-vV")
    assert wrapped.stdout == rustc.stdout
    stats = larder.stats()
    assert stats["compile_requests"] == 1 and stats["not_compilation"] == 1


def test_disable_passes_everything_through(larder, project, tmp_path):
    _, outcome = build(larder, project, tmp_path, env={"LARDER_DISABLE": "1"})
    assert outcome == {}
    assert larder.stats()["compile_requests"] == 0
