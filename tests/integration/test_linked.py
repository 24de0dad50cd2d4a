"""Linked crates (bins, proc-macros, build scripts): cached outputs equal plain cargo's, and every
input of the link (linker, native libraries) is part of the key."""
import filecmp
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from conftest import write_tree
from projects import LIBRARY_CRATES, LINKED_CRATES, core_workspace
from test_core import BUILD_ENV, build


@pytest.fixture
def project(tmp_path):
    return core_workspace(tmp_path / "ws")


def linked_outputs(profile_dir: Path) -> list:
    """The linked files of a build (the bin, the proc-macro, the build script and its dep-info)."""
    found = [Path("app"), *(p.relative_to(profile_dir) for p in (profile_dir / "deps").glob("libpm-*.so"))]
    found += [p.relative_to(profile_dir) for p in (profile_dir / "build").glob("gen-*/build_script_build-*")]
    return found


@pytest.mark.parametrize("profile", ["release", "dev"])
@pytest.mark.parametrize("basedirs", ["none", None], ids=["no-base-dirs", "default-base-dirs"])
def test_restored_linked_outputs_are_bit_identical(larder, project, tmp_path, profile, basedirs):
    """A hit restores exactly what the compile made. Without base folders that is also exactly
    what plain cargo makes; with them (the default) rustc's path remapping changes the paths
    recorded in debug info and crate metadata, so only the larder builds are compared."""
    folder = "release" if profile == "release" else "debug"
    env = {"LARDER_BASEDIRS": basedirs} if basedirs else {}
    if basedirs == "none":
        larder.cargo(project, "build", "--profile", profile, env=BUILD_ENV, wrapper=False)
    else:
        build(larder, project, tmp_path, "build", "--profile", profile, env=env)
    reference = tmp_path / "reference"
    shutil.copytree(project / "target" / folder, reference, symlinks=True)
    if basedirs == "none":
        build(larder, project, tmp_path, "build", "--profile", profile, env=env)
    _, warm = build(larder, project, tmp_path, "build", "--profile", profile, env=env)
    assert {c: warm[c] for c in LINKED_CRATES} == {c: "hit" for c in LINKED_CRATES}
    outputs = linked_outputs(reference)
    assert len(outputs) == 4, outputs
    for relative in outputs:
        assert filecmp.cmp(reference / relative, project / "target" / folder / relative, shallow=False), relative
    restored = project / "target" / folder / "app"
    assert os.stat(restored).st_mode & stat.S_IXUSR
    run = subprocess.run([str(restored)], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "42 plain 30 hello from a text file hi None 42 7"


def test_changed_linker_misses_only_linked_crates(larder, project, tmp_path):
    linker = tmp_path / "linker" / "cc-wrapper"
    linker.parent.mkdir()
    linker.write_text('#!/bin/sh\nexec cc "$@"\n')
    linker.chmod(0o755)
    triple = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True).stdout
    triple = next(l.split(": ")[1] for l in triple.splitlines() if l.startswith("host: "))
    env = {f"CARGO_TARGET_{triple.upper().replace('-', '_')}_LINKER": str(linker)}
    build(larder, project, tmp_path, env=env)
    _, warm = build(larder, project, tmp_path, env=env)
    assert set(warm.values()) == {"hit"}

    linker.write_text('#!/bin/sh\n# a different linker driver\nexec cc "$@"\n')
    _, changed = build(larder, project, tmp_path, env=env)
    assert {c for c, o in changed.items() if o == "miss"} == set(LINKED_CRATES)
    assert {c for c, o in changed.items() if o == "hit"} == set(LIBRARY_CRATES)


@pytest.mark.parametrize("kind", ["dylib", "static"])
def test_changed_native_library_misses_the_bin_that_links_it(larder, tmp_path, kind):
    native = tmp_path / "native"
    native.mkdir()

    def make_library(value):
        (native / "demo.c").write_text(f"int demo_value(void) {{ return {value}; }}\n")
        if kind == "dylib":
            subprocess.run(["cc", "-shared", "-fPIC", "-o", native / "libdemo.so", native / "demo.c"], check=True)
        else:
            subprocess.run(["cc", "-c", "-fPIC", "-o", native / "demo.o", native / "demo.c"], check=True)
            (native / "libdemo.a").unlink(missing_ok=True)
            subprocess.run(["ar", "rcs", native / "libdemo.a", native / "demo.o"], check=True)

    project = tmp_path / "ws"
    write_tree(
        project,
        {
            "Cargo.toml": '[package]\nname = "uses_native"\nversion = "0.1.0"\nedition = "2021"\n',
            "build.rs": (
                "fn main() {\n"
                f'    println!("cargo:rustc-link-search=native={native}");\n'
                f'    println!("cargo:rustc-link-lib={kind}=demo");\n'
                "}\n"
            ),
            "src/main.rs": (
                'extern "C" { fn demo_value() -> i32; }\n'
                'fn main() { println!("{}", unsafe { demo_value() }); }\n'
            ),
        },
    )
    env = {"LD_LIBRARY_PATH": str(native)}

    def run_bin():
        binary = project / "target/debug/uses_native"
        return subprocess.run([str(binary)], capture_output=True, text=True, check=True, env=dict(os.environ, **env)).stdout.strip()

    make_library(1)
    _, first = build(larder, project, tmp_path, env=env)
    assert first["uses_native"] == "miss"
    _, warm = build(larder, project, tmp_path, env=env)
    assert warm["uses_native"] == "hit"
    assert run_bin() == "1"

    make_library(2)
    _, changed = build(larder, project, tmp_path, env=env)
    assert changed == {"build_script_build": "hit", "uses_native": "miss"}
    if kind == "static":
        assert run_bin() == "2"  # the restored binary must not carry the old library's code


def test_linked_caching_can_be_turned_off(larder, project, tmp_path):
    env = {"LARDER_CACHE_LINKED": "0"}
    build(larder, project, tmp_path, env=env)
    _, second = build(larder, project, tmp_path, env=env)
    assert second == {crate: "hit" for crate in LIBRARY_CRATES}
    not_cached = larder.stats()["not_cached"]
    assert not_cached["crate-type:proc-macro"] == 2
    assert not_cached["crate-type:bin"] == 4  # app and the build script, twice


def test_changed_link_arg_misses_only_that_crate(larder, project, tmp_path):
    def build_with(build_id):
        return build(larder, project, tmp_path, "rustc", "-p", "app", "--", "-C", f"link-arg=-Wl,--build-id={build_id}")

    build_with("sha1")
    _, warm = build_with("sha1")
    assert set(warm.values()) == {"hit"}
    _, changed = build_with("md5")
    assert {c for c, o in changed.items() if o == "miss"} == {"app"}


def test_restored_proc_macro_expands_the_same_code(larder, project, tmp_path):
    build(larder, project, tmp_path)
    # gen is compiled again, by rustc, against the proc-macro restored from the cache
    (project / "gen/data/text.txt").write_text("changed text\n")
    _, outcome = build(larder, project, tmp_path)
    assert outcome["pm"] == "hit" and outcome["gen"] == "miss"
    run = subprocess.run([str(project / "target/debug/app")], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "42 plain 30 changed text hi None 42 7"
