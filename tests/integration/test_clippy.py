"""`cargo clippy` through larder: cargo runs workspace members as `larder clippy-driver rustc
ARGS`; they are cached with clippy's identity, its variables and its clippy.toml in the key, and
their lints (also denied ones, with the exit status) replayed exactly."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import cargo_path
from projects import core_workspace
from test_core import BUILD_ENV


def clippy_available() -> bool:
    probe = subprocess.run([cargo_path(), "clippy", "--version"], capture_output=True, text=True)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(not clippy_available(), reason="this toolchain has no clippy (rustup component add clippy)")


@pytest.fixture
def project(tmp_path):
    return core_workspace(tmp_path / "ws")


def clippy(larder, project, *args, env=None, check=True):
    """`cargo clippy --all-targets ARGS` from a clean target folder; returns (result, stats delta)."""
    shutil.rmtree(project / "target", ignore_errors=True)
    before = larder.stats()
    result = larder.cargo(project, "clippy", "--all-targets", *args, env=dict(BUILD_ENV, **(env or {})), check=check)
    after = larder.stats()
    delta = {k: after[k] - before[k] for k in ("cache_hits", "cache_misses", "compile_failures")}
    delta["not_cached"] = {k: v - before["not_cached"].get(k, 0) for k, v in after["not_cached"].items()}
    delta["not_cached"] = {k: v for k, v in delta["not_cached"].items() if v}
    return result, delta


def diagnostics(stderr: str) -> list:
    """What cargo printed, minus its timings and its waits for a lock that another test's cargo
    holds ("Blocking waiting for file lock on package cache")."""
    return sorted(line for line in stderr.splitlines() if not line.lstrip().startswith(("Finished", "Blocking")))


def test_second_clippy_run_hits_every_call_with_identical_lints(larder, project):
    first, cold = clippy(larder, project)
    assert cold["cache_misses"] > 0 and cold["not_cached"] == {}, cold
    assert "unused" in first.stderr  # the warns crate's lint
    second, warm = clippy(larder, project)
    assert warm["cache_misses"] == 0 and warm["not_cached"] == {}, warm
    assert warm["cache_hits"] == cold["cache_misses"]
    assert diagnostics(second.stderr) == diagnostics(first.stderr)


def test_denied_lints_replay_the_failure_and_its_exit_status(larder, project):
    # One job: after a failure cargo starts no more units, so with several jobs which units ran
    # before it depends on timing, and a unit the cold run never started is a miss in the warm one.
    first, cold = clippy(larder, project, "-j1", "--", "-D", "warnings", check=False)
    assert first.returncode != 0 and cold["compile_failures"] > 0, first.stderr
    second, warm = clippy(larder, project, "-j1", "--", "-D", "warnings", check=False)
    assert second.returncode == first.returncode
    assert warm["cache_misses"] == 0 and warm["compile_failures"] == 0 and warm["cache_hits"] > 0, warm
    assert diagnostics(second.stderr) == diagnostics(first.stderr)


@pytest.mark.parametrize("change", ["clippy.toml", "CLIPPY_ARGS", "CLIPPY_CONF_DIR"])
def test_what_clippy_reads_is_in_the_key(larder, project, tmp_path, change):
    clippy(larder, project)
    _, warm = clippy(larder, project)
    assert warm["cache_misses"] == 0, warm
    args, env = [], {}
    if change == "clippy.toml":
        (project / "clippy.toml").write_text("too-many-arguments-threshold = 3\n")
    elif change == "CLIPPY_ARGS":
        args = ["--", "-W", "clippy::pedantic"]
    else:
        conf = tmp_path / "conf"
        conf.mkdir()
        (conf / "clippy.toml").write_text("too-many-lines-threshold = 10\n")
        env = {"CLIPPY_CONF_DIR": str(conf)}
    _, changed = clippy(larder, project, *args, env=env)
    assert changed["cache_hits"] == 0 and changed["cache_misses"] == warm["cache_hits"], changed
    _, again = clippy(larder, project, *args, env=env)
    assert again["cache_misses"] == 0, again


def toolchain_sysroot() -> Path:
    rustc = subprocess.run(["rustc", "--print", "sysroot"], capture_output=True, text=True, check=True, env=os.environ)
    return Path(rustc.stdout.strip())


def test_another_clippy_binary_misses(larder, project, tmp_path):
    """cargo clippy sets RUSTC_WORKSPACE_WRAPPER to its clippy-driver; `cargo check` with the same
    variable is what it runs. A clippy-driver whose binary differs (another release) misses."""
    sysroot = toolchain_sysroot()
    driver = sysroot / "bin" / "clippy-driver"
    copy = tmp_path / "bin" / "clippy-driver"
    copy.parent.mkdir()
    shutil.copy2(driver, copy)
    env = dict(BUILD_ENV, RUSTC_WORKSPACE_WRAPPER=str(copy), LD_LIBRARY_PATH=str(sysroot / "lib"))

    def check():
        shutil.rmtree(project / "target", ignore_errors=True)
        before = larder.stats()
        larder.cargo(project, "check", "--all-targets", env=env)
        after = larder.stats()
        return after["cache_hits"] - before["cache_hits"], after["cache_misses"] - before["cache_misses"]

    _, cold_misses = check()
    assert cold_misses > 0
    assert check() == (cold_misses, 0)
    with open(copy, "ab") as binary:
        binary.write(b"\0another build")
    assert check() == (0, cold_misses)


def test_a_build_after_clippy_does_not_reuse_clippys_entries(larder, project):
    _, cold = clippy(larder, project)
    shutil.rmtree(project / "target", ignore_errors=True)
    before = larder.stats()
    larder.cargo(project, "check", "--all-targets", env=BUILD_ENV)
    after = larder.stats()
    # Every crate is a workspace member: none of cargo check's calls is a clippy entry's.
    assert after["cache_hits"] == before["cache_hits"]
    assert after["cache_misses"] - before["cache_misses"] == cold["cache_misses"]


def test_a_workspace_wrapper_that_cannot_be_fingerprinted_is_not_cached(larder, project, tmp_path):
    wrapper = tmp_path / "wrap.sh"
    wrapper.write_text('#!/bin/sh\nexec "$@"\n')
    wrapper.chmod(0o755)
    shutil.rmtree(project / "target", ignore_errors=True)
    larder.cargo(project, "check", env=dict(BUILD_ENV, RUSTC_WORKSPACE_WRAPPER=str(wrapper)))
    reasons = larder.stats()["not_cached"]
    assert reasons.get("workspace-wrapper:wrap.sh", 0) > 0, reasons
