"""`larder explain` and the markdown summary against real cargo builds: one input changes at a
time, and the explanation must name exactly that input (and the crates rebuilt because of it)."""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from projects import CACHEABLE_CRATES, core_workspace
from test_core import BUILD_ENV, _edit, build

NEVER = "never built with this cache"


@pytest.fixture
def project(tmp_path):
    return core_workspace(tmp_path / "ws")


def explain(larder, *args) -> str:
    return larder.run("explain", *args).stdout


def misses(text: str) -> dict:
    """crate -> [reasons], from the "Misses" section of `larder explain`."""
    result, crate, section = {}, None, None
    for line in text.splitlines():
        if not line.startswith(" "):
            section = line
            continue
        if not section.startswith("Misses"):
            continue
        m = re.match(r"^  (\S+) \(\d+\.\d\d s\)$", line)
        if m:
            crate = m.group(1)
            result[crate] = []
        elif line.startswith("    - "):
            result[crate].append(line[len("    - "):])
    return result


def not_cached(text: str) -> dict:
    """reason -> [crates], from the "Not cached" section."""
    result, section = {}, None
    for line in text.splitlines():
        if not line.startswith(" "):
            section = line
            continue
        m = re.match(r"^  (\S+) \((\d+) calls?\): (.*)$", line)
        if section.startswith("Not cached") and m:
            result[m.group(1)] = m.group(3).split(", ")
            assert len(result[m.group(1)]) == int(m.group(2))
    return result


def rebuilt(name: str) -> str:
    return f"extern {name} changed (its own miss)"


def test_first_build_says_never_built_and_a_warm_build_has_nothing_to_explain(larder, project, tmp_path):
    build(larder, project, tmp_path)
    text = explain(larder)
    assert misses(text) == {crate: [NEVER] for crate in CACHEABLE_CRATES}, text
    assert text.startswith(f"Latest build: 0 hits, {len(CACHEABLE_CRATES)} misses, 0 not cached, 0 failed\n")

    build(larder, project, tmp_path)
    text = explain(larder)
    timing = re.fullmatch(r"larder's time per hit: median (\d+\.\d\d) ms, (\d+\.\d\d) ms without writing the outputs",
                          text.splitlines()[1])
    assert timing and 0 < float(timing.group(2)) <= float(timing.group(1)), text
    assert text == (f"Latest build: {len(CACHEABLE_CRATES)} hits, 0 misses, 0 not cached, 0 failed\n"
                    f"{text.splitlines()[1]}\n"
                    "Every cacheable call was a hit: nothing to explain.\n")
    data = json.loads(explain(larder, "--format", "json"))
    assert data["hit_ms"]["median"] == pytest.approx(float(timing.group(1)), abs=0.006)


@pytest.mark.parametrize(
    "change, env, args, expected",
    [
        (
            "source file", {}, ("build",),
            {
                "chain_a": ["chain_a/src/lib.rs changed"],
                "chain_b": [rebuilt("chain_a")],
                "chain_c": [rebuilt("chain_b")],
                "stat": [rebuilt("chain_c")],
                "app": [rebuilt("chain_c")],
            },
        ),
        (
            "RUSTFLAGS", {"RUSTFLAGS": "--cfg extra_flag"}, ("build",),
            {
                "chain_a": ["argument --cfg extra_flag added"],
                "chain_b": ["argument --cfg extra_flag added", rebuilt("chain_a")],
                "chain_c": ["argument --cfg extra_flag added", rebuilt("chain_b")],
                "pm": ["argument --cfg extra_flag added"],
                "build_script_build": ["argument --cfg extra_flag added"],
                "gen": ["argument --cfg extra_flag added", rebuilt("pm")],
                "warns": ["argument --cfg extra_flag added"],
                "stat": ["argument --cfg extra_flag added", rebuilt("chain_c")],
                "app": ["argument --cfg extra_flag added", rebuilt("chain_c"), rebuilt("gen"), rebuilt("warns")],
            },
        ),
        (
            "feature", {}, ("build", "--features", "app/fancy"),
            {
                "chain_a": ['argument --cfg feature="fancy" added'],
                "chain_b": ['argument --cfg feature="fancy" added', rebuilt("chain_a")],
                "chain_c": ['argument --cfg feature="fancy" added', rebuilt("chain_b")],
                "stat": [rebuilt("chain_c")],
                "app": ['argument --cfg feature="fancy" added', rebuilt("chain_c")],
            },
        ),
        (
            "dependency version", {}, ("build",),
            {
                "chain_a": ["env CARGO_PKG_VERSION changed"],
                "chain_b": [rebuilt("chain_a")],
                "chain_c": [rebuilt("chain_b")],
                "stat": [rebuilt("chain_c")],
                "app": [rebuilt("chain_c")],
            },
        ),
        (
            "env! variable", {"GEN_GREETING": "hello"}, ("build",),
            {"gen": ["env GEN_GREETING changed"], "app": [rebuilt("gen")]},
        ),
        (
            "option_env! variable", {"GEN_OPTIONAL": "set"}, ("build",),
            {"gen": ["env GEN_OPTIONAL set"], "app": [rebuilt("gen")]},
        ),
    ],
)
def test_one_change_is_named_exactly(larder, project, tmp_path, change, env, args, expected):
    build(larder, project, tmp_path)
    if change == "source file":
        _edit(project / "chain_a/src/lib.rs", "40", "39 + 1")
    elif change == "dependency version":
        _edit(project / "chain_a/Cargo.toml", 'version = "0.1.0"', 'version = "0.2.0"')
    _, outcome = build(larder, project, tmp_path, *args, env=env)
    assert {c for c, o in outcome.items() if o == "miss"} == set(expected)
    text = explain(larder)
    assert misses(text) == expected, text
    hits = len(CACHEABLE_CRATES) - len(expected)
    assert text.startswith(f"Latest build: {hits} hits, {len(expected)} misses, 0 not cached, 0 failed\n")


def test_a_rustflags_variable_is_named_but_never_written(larder, project, tmp_path):
    """A CARGO_ variable enters every key; its value may be a secret: only its name is kept."""
    build(larder, project, tmp_path)
    secret = "s3cr3t-token-value-0123456789"
    build(larder, project, tmp_path, env={"CARGO_ENCODED_RUSTFLAGS": "", "CARGO_MY_TOKEN": secret})
    found = misses(explain(larder))
    assert set(found) == set(CACHEABLE_CRATES)
    assert "env CARGO_MY_TOKEN set" in found["chain_a"]
    assert "env CARGO_ENCODED_RUSTFLAGS set" in found["chain_a"]
    for path in (larder.dir / "explain").rglob("*"):
        if path.is_file():
            assert secret not in path.read_text(), path
    build(larder, project, tmp_path, env={"CARGO_ENCODED_RUSTFLAGS": "", "CARGO_MY_TOKEN": "other"})
    assert misses(explain(larder))["chain_a"] == ["env CARGO_MY_TOKEN changed"]


def nightly_rustc() -> Path:
    home = Path(os.environ.get("RUSTUP_HOME", Path.home() / ".rustup"))
    for toolchain in sorted((home / "toolchains").glob("nightly-*")):
        if (toolchain / "bin/rustc").exists():
            return toolchain / "bin/rustc"
    return None


def stable_rustc() -> Path:
    home = Path(os.environ.get("RUSTUP_HOME", Path.home() / ".rustup"))
    for toolchain in sorted((home / "toolchains").glob("stable-*")):
        if (toolchain / "bin/rustc").exists():
            return toolchain / "bin/rustc"
    return None


def release(rustc: Path) -> str:
    out = subprocess.run([str(rustc), "-vV"], capture_output=True, text=True, check=True).stdout
    return re.search(r"^release: (\S+)$", out, re.M).group(1)


def test_another_toolchain_is_named_by_version(larder, project, tmp_path):
    stable, nightly = stable_rustc(), nightly_rustc()
    if stable is None or nightly is None:
        pytest.skip("needs rustup's stable and nightly toolchains, to build with two rustc versions")
    build(larder, project, tmp_path, env={"RUSTC": str(stable)})
    _, outcome = build(larder, project, tmp_path, env={"RUSTC": str(nightly)})
    assert set(outcome.values()) == {"miss"}
    change = f"rustc {release(stable)} -> {release(nightly)}"
    found = misses(explain(larder))
    assert found["chain_a"] == [change]
    assert found["chain_b"] == [change, rebuilt("chain_a")]


def test_the_same_toolchain_at_another_path_still_hits(larder, project, tmp_path):
    stable = stable_rustc()
    if stable is None:
        pytest.skip("needs a rustup toolchain folder to link to")
    link = tmp_path / "elsewhere" / "toolchain"
    link.parent.mkdir()
    link.symlink_to(stable.parent.parent, target_is_directory=True)
    build(larder, project, tmp_path, env={"RUSTC": str(stable)})
    _, outcome = build(larder, project, tmp_path, env={"RUSTC": str(link / "bin/rustc")})
    assert set(outcome.values()) == {"hit"}
    assert "Every cacheable call was a hit: nothing to explain." in explain(larder)


def test_not_cached_calls_are_explained_with_what_to_do(larder, project, tmp_path):
    build(larder, project, tmp_path, env={"CARGO_INCREMENTAL": "1"})
    text = explain(larder)
    reasons = not_cached(text)
    # incremental applies to every workspace member compiled in the dev profile
    assert list(reasons) == ["incremental"], text
    assert sorted(reasons["incremental"]) == sorted(CACHEABLE_CRATES)
    assert re.search(r"^  incremental \(9 calls\): .*\n"
                     r"    incremental compilation is on \(-C incremental\): .*\n"
                     r"    what to do: set CARGO_INCREMENTAL=0 in CI .*\n", text, re.M), text
    assert misses(text) == {}
    only = explain(larder, "chain_a")
    assert only.startswith("Latest build, crate chain_a: 0 hits, 0 misses, 1 not cached, 0 failed\n")
    assert "  incremental (1 call): chain_a\n" in only


def test_explain_one_crate_and_json(larder, project, tmp_path):
    build(larder, project, tmp_path)
    _edit(project / "chain_a/src/lib.rs", "40", "39 + 1")
    build(larder, project, tmp_path)
    text = explain(larder, "chain_b")
    seconds = re.search(r"^  chain_b \((\d+\.\d\d) s\)$", text, re.M).group(1)
    assert text == ("Latest build, crate chain_b: 0 hits, 1 misses, 0 not cached, 0 failed\n\n"
                    "Misses, slowest first:\n"
                    f"  chain_b ({seconds} s)\n"
                    f"    - {rebuilt('chain_a')}\n")
    data = json.loads(explain(larder, "--format", "json"))
    by_crate = {m["crate"]: m["why"] for m in data["misses"]}
    assert by_crate["chain_a"] == ["chain_a/src/lib.rs changed"]
    assert data["hits"] == len(CACHEABLE_CRATES) - 5


def test_markdown_summary_shows_slowest_misses_direct_hits_and_reasons(larder, project, tmp_path):
    larder.reset_stats()
    build(larder, project, tmp_path)
    build(larder, project, tmp_path)
    _edit(project / "chain_a/src/lib.rs", "40", "39 + 1")
    build(larder, project, tmp_path)
    build(larder, project, tmp_path, env={"CARGO_INCREMENTAL": "1"})
    stats = larder.stats()
    assert stats["hits_by_kind"] == {"direct": stats["cache_hits"]}
    assert stats["cache_hits"] >= len(CACHEABLE_CRATES) + len(CACHEABLE_CRATES) - 5
    markdown = larder.run("stats", "--format", "markdown").stdout
    assert f"| Direct hits (no rustc run) | {stats['cache_hits']} |\n" in markdown
    assert "| Time saved | " in markdown
    assert "#### Slowest misses\n\n| Crate | Compile time | Why it missed |\n|---|---:|---|\n" in markdown
    rows = re.findall(r"^\| `(\w+)` \| (\d+\.\d\d) s \| (.*) \|$", markdown, re.M)
    assert len(rows) == 10
    assert [float(r[1]) for r in rows] == sorted((float(r[1]) for r in rows), reverse=True)
    why = {}
    for crate, _, text in rows:
        why.setdefault(crate, []).append(text)
    assert set(why) <= set(CACHEABLE_CRATES)
    assert all(text in (NEVER, "chain_a/src/lib.rs changed") or text.startswith("extern ") for texts in why.values()
               for text in texts), why
    assert re.search(r"^\| `incremental` \| \d+ \| `\w+`, `\w+`, `\w+` and \d+ more \| incremental compilation is on "
                     r"\(-C incremental\): .* \| set CARGO_INCREMENTAL=0 in CI .* \|$", markdown, re.M), markdown
    text = larder.run("stats").stdout
    assert re.search(rf"^  direct \(no rustc run\) +{stats['cache_hits']}$", text, re.M), text
    per_hit = re.search(r"^larder time per hit +(\d+\.\d) ms \((\d+\.\d) ms of it writing outputs\)$", text, re.M)
    assert per_hit and float(per_hit.group(2)) <= float(per_hit.group(1)), text

    larder.reset_stats()
    assert "Slowest misses" not in larder.run("stats", "--format", "markdown").stdout
    assert explain(larder).startswith("No build recorded since the last `larder stats --reset`")


def test_records_stay_small(larder, project, tmp_path):
    for i in range(3):
        build(larder, project, tmp_path, env={"CARGO_MY_SETTING": str(i)})
    total = sum(p.stat().st_size for p in (larder.dir / "explain").rglob("*") if p.is_file())
    assert 0 < total < 512 * 1024
    assert len(list((larder.dir / "explain/records").iterdir())) == len(CACHEABLE_CRATES)


def test_a_broken_record_folder_never_changes_the_build(larder, project, tmp_path):
    """Recording is best effort: with LARDER_DIR/explain unusable (a file, not a folder), builds
    still hit and miss as before, succeed, and larder prints nothing about it."""
    larder.dir.mkdir(parents=True)
    (larder.dir / "explain").write_text("not a folder\n")
    first = larder.cargo(project, "build", env=dict(BUILD_ENV, LARDER_LOG="debug"))  # log to stderr
    assert "larder: debug: chain_a: miss" in first.stderr
    assert "larder: warn" not in first.stderr and "larder: error" not in first.stderr, first.stderr
    build(larder, project, tmp_path)
    stats = larder.stats()  # with no build logs, explain cannot tell: the counters say every crate hit
    assert stats["cache_misses"] == len(CACHEABLE_CRATES) and stats["cache_hits"] == len(CACHEABLE_CRATES)
    assert stats["cache_errors"] == {"read": 0, "write": 0}
    assert explain(larder).startswith("No build recorded")


def test_damaged_records_are_ignored(larder, project, tmp_path):
    build(larder, project, tmp_path)
    for path in (larder.dir / "explain").rglob("*"):
        if path.is_file():
            path.write_text('{"variants": [1, 2')  # as if cut short
    _edit(project / "chain_a/src/lib.rs", "40", "39 + 1")
    _, outcome = build(larder, project, tmp_path)
    assert {c for c, o in outcome.items() if o == "miss"} == {"chain_a", "chain_b", "chain_c", "stat", "app"}
    found = misses(explain(larder))
    assert found["chain_a"] == ["chain_a/src/lib.rs changed"]  # from the manifest, not the records
    assert found["chain_b"] == [NEVER]  # its record was damaged: as good as none
