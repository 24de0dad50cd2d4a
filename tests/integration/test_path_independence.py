"""Checkouts at different absolute paths share entries; what depends on the path does not."""
import filecmp
import shutil
import subprocess

from conftest import write_tree
from projects import CACHEABLE_CRATES, core_workspace
from test_core import BUILD_ENV, build


def add_path_reporter(root):
    """A crate whose output embeds its absolute folder: it must never be shared across paths."""
    write_tree(
        root,
        {
            "where/Cargo.toml": '[package]\nname = "where"\nversion = "0.1.0"\nedition = "2021"\n',
            "where/src/lib.rs": 'pub const DIR: &str = env!("CARGO_MANIFEST_DIR");\n',
            "chain_a/src/tests.rs": "#[test]\nfn base_is_forty() { assert_eq!(super::base(), 40); }\n",
        },
    )
    text = (root / "Cargo.toml").read_text().replace('"broken"]', '"broken", "where"]')
    (root / "Cargo.toml").write_text(text.replace('default-members = ["app", "stat"]', 'default-members = ["app", "stat", "where"]'))
    lib = root / "chain_a/src/lib.rs"
    lib.write_text(lib.read_text() + "#[cfg(test)]\nmod tests;\n")
    return root


def test_checkout_at_another_path_hits_and_works(larder, tmp_path):
    first = add_path_reporter(core_workspace(tmp_path / "one" / "ws"))
    build(larder, first, tmp_path)
    second = tmp_path / "elsewhere" / "deeper" / "checkout"
    shutil.copytree(first, second, ignore=shutil.ignore_patterns("target"))

    _, outcome = build(larder, second, tmp_path)
    assert {c: outcome[c] for c in CACHEABLE_CRATES} == {c: "hit" for c in CACHEABLE_CRATES}
    # a crate that embeds its absolute folder is compiled again, not restored with the old path
    assert outcome["where"] == "miss"
    run = subprocess.run([str(second / "target/debug/app")], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "42 plain 30 hello from a text file hi None 42 7"
    assert str(second / "where").encode() in (next((second / "target/debug/deps").glob("libwhere-*.rlib"))).read_bytes()

    # dep-info was rewritten for the new folder: cargo sees everything fresh...
    again = larder.cargo(second, "build", env=BUILD_ENV)
    assert "Compiling" not in again.stderr
    for d in (second / "target/debug/deps").glob("*.d"):
        assert str(first) not in d.read_text(), d
    # ...and notices a change made in the new folder
    lib = second / "chain_c/src/extra.rs"
    lib.write_text(lib.read_text().replace("1 }", "0 + 1 }"))
    changed = larder.cargo(second, "build", env=BUILD_ENV)
    assert "Compiling chain_c" in changed.stderr

    # the project's tests pass in the restored checkout
    tests = larder.cargo(second, "test", "-p", "chain_a", env=BUILD_ENV)
    assert "test tests::base_is_forty ... ok" in tests.stdout


def test_restored_outputs_equal_a_fresh_build_at_that_path(larder, tmp_path):
    """Outputs are path-independent: restoring at B gives what compiling at B gives (debug profile,
    with debug info)."""
    origin = core_workspace(tmp_path / "origin" / "ws")
    build(larder, origin, tmp_path)
    target = tmp_path / "target-path" / "ws"
    shutil.copytree(origin, target, ignore=shutil.ignore_patterns("target"))
    _, outcome = build(larder, target, tmp_path)
    assert set(outcome.values()) == {"hit"}
    restored = tmp_path / "restored-deps"
    shutil.copytree(target / "target/debug/deps", restored)

    fresh = larder.__class__(tmp_path / "fresh")
    _, cold = build(fresh, target, tmp_path)
    assert set(cold.values()) == {"miss"}
    compared = 0
    for path in sorted(restored.iterdir()):
        if path.suffix in (".rlib", ".rmeta", ".a", ".d"):
            assert filecmp.cmp(path, target / "target/debug/deps" / path.name, shallow=False), path.name
            compared += 1
    assert compared >= 18


def test_a_target_folder_longer_than_the_workspace_gets_every_hit(larder, tmp_path):
    """The call key does not depend on which base folder's path is longer: the first checkout's
    CARGO_TARGET_DIR is shorter than its workspace path, the second's longer (as when CI puts the
    target folder on a cache volume)."""
    first = core_workspace(tmp_path / "one" / "a-long-workspace-folder-name" / "ws")
    short_target = tmp_path / "t1"
    assert len(str(short_target)) < len(str(first))
    _, cold = build(larder, first, tmp_path, env={"CARGO_TARGET_DIR": str(short_target)})
    assert set(cold.values()) == {"miss"}

    second = tmp_path / "two" / "ws"
    shutil.copytree(first, second)
    long_target = tmp_path / "two" / "a-target-folder-whose-path-is-much-longer-than-the-workspace"
    assert len(str(long_target)) > len(str(second))
    _, warm = build(larder, second, tmp_path, env={"CARGO_TARGET_DIR": str(long_target)})
    assert warm == {crate: "hit" for crate in CACHEABLE_CRATES}
    run = subprocess.run([str(long_target / "debug/app")], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "42 plain 30 hello from a text file hi None 42 7"
    explained = larder.run("explain").stdout
    assert "Every cacheable call was a hit: nothing to explain." in explained, explained
