"""The wrapper process itself: the questions scripts ask (--version, --help) and a hit are
answered without throwing a C++ exception. In the static binary the first exception of a
process costs milliseconds (libgcc sorts every unwind table on first use), which every wrapper
call would pay; gdb's `catch throw` sees any exception, caught or not."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import write_tree

GDB = shutil.which("gdb")
needs_gdb = pytest.mark.skipif(GDB is None, reason="gdb is not installed (Debian package gdb)")

RECORDER = """
import json, os, sys
args = sys.argv[1:]
record_dir = os.environ["RECORD_DIR"]
if "--crate-name" in args:
    name = args[args.index("--crate-name") + 1]
    with open(os.path.join(record_dir, name + ".json"), "w") as out:
        json.dump({"argv": args, "cwd": os.getcwd(), "env": dict(os.environ)}, out)
os.execv(os.environ["RECORD_LARDER"], [os.environ["RECORD_LARDER"]] + args)
"""


def under_gdb(argv, env=None, cwd=None):
    """Runs argv under gdb with a catchpoint on every throw; gdb's own output tells."""
    result = subprocess.run(
        [GDB, "-batch", "-nx", "-ex", "set breakpoint pending on", "-ex", "catch throw", "-ex", "run", "--args", *argv],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    return result.stdout + result.stderr


def assert_no_throw(output):
    assert "Catchpoint 1 (exception thrown)" not in output, output[-3000:]
    assert re.search(r"\[Inferior 1 \(process \d+\) exited (normally|with code)", output), output[-3000:]


def test_version_and_help_answer_and_errors_still_explain(larder):
    version = larder.run("--version").stdout
    assert re.match(r"larder \d+\.\d+\.\d+.* \(commit ", version), version
    assert larder.run("-V").stdout == version
    top = larder.run("--help").stdout
    for command in ("stats", "explain", "doctor", "config", "cache", "credentials"):
        assert command in top, top
    cache = larder.run("cache", "--help").stdout
    assert "prefetch" in cache and "--unused-since" in cache and cache.startswith("manage the local cache"), cache
    export = larder.run("credentials", "export", "--help").stdout
    assert "--output" in export and "Usage: credentials export" in export, export
    bad = larder.run("stats", "--bogus", check=False)
    assert bad.returncode != 0 and "--bogus" in bad.stderr, bad.stderr


@needs_gdb
def test_version_and_help_throw_nothing(larder):
    for args in (["--version"], ["--help"], ["cache", "--help"]):
        assert_no_throw(under_gdb([str(larder.bin), *args], env=larder.env))


@needs_gdb
def test_a_hit_throws_nothing(larder, tmp_path):
    project = tmp_path / "project"
    write_tree(project, {
        "Cargo.toml": '[package]\nname = "base"\nversion = "0.1.0"\nedition = "2021"\n',
        "src/lib.rs": "pub fn answer() -> u32 { 42 }\n",
    })
    larder.cargo(project, "build")
    shutil.rmtree(project / "target")
    records = tmp_path / "records"
    records.mkdir()
    recorder = tmp_path / "record.py"
    recorder.write_text(RECORDER)
    wrapper = tmp_path / "record-wrapper"
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} {recorder} \"$@\"\n")
    wrapper.chmod(0o755)
    larder.cargo(project, "build", env={"RUSTC_WRAPPER": str(wrapper), "RECORD_DIR": str(records),
                                        "RECORD_LARDER": str(larder.bin)})
    call = json.loads((records / "base.json").read_text())
    larder.reset_stats()
    output = under_gdb([str(larder.bin), *call["argv"]], env=call["env"], cwd=call["cwd"])
    assert_no_throw(output)
    assert larder.stats()["cache_hits"] == 1, "the replayed call must have been a hit"
