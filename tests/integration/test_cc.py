"""C, C++ and assembler compiles that cargo build scripts run through the cc crate
(`CC="larder cc"`): cached with the compiler's identity, every flag and every header in the key,
hits across checkouts, outputs equal to uncached ones, unknown flags passed through with a reason."""
import filecmp
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import write_tree

REGISTRY = Path("/usr/share/cargo/registry")


def registry_has(prefix: str) -> bool:
    return REGISTRY.is_dir() and any(p.name.startswith(prefix) for p in REGISTRY.iterdir())


pytestmark = pytest.mark.skipif(
    not registry_has("cc-"), reason="Debian's cc crate is not installed (librust-cc-dev; scripts/install-deps.sh installs it)"
)

SOURCE_REPLACEMENT = (
    '[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "/usr/share/cargo/registry"\n'
    "[net]\noffline = true\n"
)


def c_project(root: Path) -> Path:
    """A bin whose build script compiles C (with a header and a define), C++ and assembler."""
    write_tree(
        root,
        {
            ".cargo/config.toml": SOURCE_REPLACEMENT,
            "Cargo.toml": (
                '[package]\nname = "cdemo"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n'
                '[build-dependencies]\ncc = "1"\n'
            ),
            "build.rs": (
                "fn main() {\n"
                "    let mut c = cc::Build::new();\n"
                '    c.file("csrc/add.c").file("csrc/seven.S").include("csrc/include");\n'
                '    if let Ok(scale) = std::env::var("CDEMO_SCALE") { c.define("SCALE", scale.as_str()); }\n'
                '    c.compile("cdemo");\n'
                '    cc::Build::new().cpp(true).file("csrc/twice.cpp").compile("cdemocpp");\n'
                '    println!("cargo:rerun-if-env-changed=CDEMO_SCALE");\n'
                '    println!("cargo:rerun-if-changed=csrc");\n'
                "}\n"
            ),
            "src/main.rs": (
                'extern "C" { fn cdemo_add(a: i32, b: i32) -> i32; fn cdemo_seven() -> i32; fn cdemo_twice(a: i32) -> i32; }\n'
                'fn main() { unsafe { println!("{} {} {}", cdemo_add(2, 3), cdemo_seven(), cdemo_twice(4)); } }\n'
            ),
            "csrc/include/scale.h": "#ifndef SCALE\n#define SCALE 1\n#endif\n",
            "csrc/add.c": '#include "scale.h"\nint cdemo_add(int a, int b) { return (a + b) * SCALE; }\n',
            "csrc/twice.cpp": 'template <typename T> T twice(T v) { return v * 2; }\nextern "C" int cdemo_twice(int a) { return twice(a); }\n',
            "csrc/seven.S": (
                ".text\n.globl cdemo_seven\n.type cdemo_seven, @function\ncdemo_seven:\n  movl $7, %eax\n  ret\n"
                '.section .note.GNU-stack,"",@progbits\n'
            ),
        },
    )
    return root


@pytest.fixture
def c_env(larder):
    return {
        "CC": f"{larder.bin} cc",
        "CXX": f"{larder.bin} c++",
        "CC_KNOWN_WRAPPER_CUSTOM": "larder",
    }


@pytest.fixture
def project(tmp_path):
    return c_project(tmp_path / "ws")


def c_counts(stats: dict) -> dict:
    """Hits and misses of the C family (C, C++, assembler) from the stats' per-language counts."""
    langs = stats.get("languages", {})
    total = {"cache_hits": 0, "cache_misses": 0, "not_cached": 0, "compile_requests": 0}
    for name in ("c", "c++", "assembler"):
        for key in total:
            total[key] += langs.get(name, {}).get(key, 0)
    return total


def build(larder, project, env, *args, check=True):
    """A cargo build from a clean target folder; returns (result, C counts of this build)."""
    shutil.rmtree(project / "target", ignore_errors=True)
    before = c_counts(larder.stats())
    result = larder.cargo(project, "build", *args, env=env, check=check)
    after = c_counts(larder.stats())
    return result, {k: after[k] - before[k] for k in after}


def run_bin(project, profile="debug") -> str:
    return subprocess.run([str(project / "target" / profile / "cdemo")], capture_output=True, text=True, check=True).stdout


def test_second_build_hits_every_c_compile(larder, project, c_env):
    _, cold = build(larder, project, c_env)
    assert cold["cache_misses"] == 3 and cold["not_cached"] == 0, cold
    assert run_bin(project) == "5 7 8\n"
    _, warm = build(larder, project, c_env)
    assert warm == {"cache_hits": 3, "cache_misses": 0, "not_cached": 0, "compile_requests": 3}, warm
    assert run_bin(project) == "5 7 8\n"
    langs = larder.stats()["languages"]
    assert langs["c"]["cache_hits"] == 1 and langs["c++"]["cache_hits"] == 1 and langs["assembler"]["cache_hits"] == 1
    assert langs["rust"]["cache_hits"] > 0


def objects(project, profile) -> dict:
    out = {}
    for path in (project / "target" / profile / "build").glob("cdemo-*/out/**/*.o"):
        out[path.name] = path.read_bytes()
    return out


def test_restored_objects_equal_uncached_ones(larder, project, c_env):
    """Release builds carry no debug info, so the prefix maps larder adds change nothing."""
    shutil.rmtree(project / "target", ignore_errors=True)
    larder.cargo(project, "build", "--release", env=dict(c_env, LARDER_DISABLE="1"))
    plain = objects(project, "release")
    assert len(plain) == 3
    build(larder, project, c_env, "--release")
    assert objects(project, "release") == plain
    _, warm = build(larder, project, c_env, "--release")
    assert warm["cache_hits"] == 3
    assert objects(project, "release") == plain


def test_restored_debug_objects_equal_what_the_miss_compiled(larder, project, c_env):
    build(larder, project, c_env)
    compiled = objects(project, "debug")
    _, warm = build(larder, project, c_env)
    assert warm["cache_hits"] == 3
    assert objects(project, "debug") == compiled


@pytest.mark.parametrize("change", ["header", "define", "CFLAGS", "march", "source"])
def test_what_changes_the_object_misses(larder, project, c_env, change):
    build(larder, project, c_env)
    env = dict(c_env)
    expected_misses = 1
    if change == "header":
        (project / "csrc/include/scale.h").write_text("#ifndef SCALE\n#define SCALE 2\n#endif\n")
    elif change == "define":
        env["CDEMO_SCALE"] = "3"
        expected_misses = 2  # the define reaches the C source and the assembler source
    elif change == "CFLAGS":
        env["CFLAGS"] = "-O1"
        expected_misses = 2  # the C source and the assembler source
    elif change == "march":
        env["CFLAGS"] = "-march=x86-64-v2"
        env["CXXFLAGS"] = "-march=x86-64-v2"
        expected_misses = 3
    else:
        (project / "csrc/add.c").write_text('#include "scale.h"\nint cdemo_add(int a, int b) { return (a + b) * SCALE + 0; }\n')
    _, changed = build(larder, project, env)
    assert changed["cache_misses"] == expected_misses and changed["cache_hits"] == 3 - expected_misses, changed
    _, again = build(larder, project, env)
    assert again["cache_misses"] == 0, again


def test_another_compiler_binary_misses(larder, project, c_env, tmp_path):
    """A compiler whose binary differs (another release) misses: its identity is in the key."""
    real = Path(shutil.which("gcc")).resolve()
    bindir = tmp_path / "bin"
    bindir.mkdir()
    shutil.copy2(real, bindir / "gcc")
    # The copy finds cc1 through COMPILER_PATH (part of the key, the same for every build here).
    libexec = Path(subprocess.run(["gcc", "-print-prog-name=cc1"], capture_output=True, text=True).stdout.strip()).parent
    env = dict(c_env, CC=f"{larder.bin} gcc", PATH=f"{bindir}{os.pathsep}{larder.env['PATH']}",
               COMPILER_PATH=str(libexec))
    _, cold = build(larder, project, env)
    _, warm = build(larder, project, env)
    assert warm["cache_misses"] == 0 and warm["cache_hits"] == 3, warm
    with open(bindir / "gcc", "ab") as binary:
        binary.write(b"\0another build")
    _, changed = build(larder, project, env)
    assert changed["cache_misses"] == 2 and changed["cache_hits"] == 1, changed  # C and assembler; C++ is g++


def test_another_checkout_path_hits(larder, project, c_env, tmp_path):
    build(larder, project, c_env)
    other = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(project, other, ignore=shutil.ignore_patterns("target"))
    _, moved = build(larder, other, c_env)
    assert moved["cache_hits"] == 3 and moved["cache_misses"] == 0, moved
    assert run_bin(other) == "5 7 8\n"


def test_masquerade_link_named_after_the_compiler(larder, project, tmp_path):
    masq = tmp_path / "masq"
    masq.mkdir()
    for name in ("cc", "c++"):
        (masq / name).symlink_to(larder.bin)
    env = {"PATH": f"{masq}{os.pathsep}{larder.env['PATH']}", "CC": "cc", "CXX": "c++"}
    _, cold = build(larder, project, env)
    assert cold["cache_misses"] == 3, cold
    _, warm = build(larder, project, env)
    assert warm["cache_hits"] == 3, warm
    assert run_bin(project) == "5 7 8\n"


def larder_cc(larder, cwd, *args, env=None):
    return subprocess.run([str(larder.bin), "cc", *args], cwd=cwd, env=dict(larder.env, **(env or {})),
                          capture_output=True, text=True)


@pytest.mark.parametrize(
    "args,reason",
    [
        (["-c", "a.c", "b.c"], "multiple-sources"),
        (["a.c", "-o", "a.out"], "link"),
        (["-E", "a.c"], "preprocess-only"),
        (["-S", "a.c", "-o", "a.s"], "assembly-output"),
        (["-c", "a.c", "-o", "a.o", "-fno-such-larder-test-flag"], "unknown-flag:-fno-such-larder-test-flag"),
    ],
)
def test_calls_larder_does_not_cache_pass_through_with_a_reason(larder, tmp_path, args, reason):
    (tmp_path / "a.c").write_text("int a(void) { return 1; }\n")
    (tmp_path / "b.c").write_text("int b(void) { return 2; }\n")
    plain = subprocess.run(["cc", *args], cwd=tmp_path, capture_output=True, text=True)
    through = larder_cc(larder, tmp_path, *args)
    assert through.returncode == plain.returncode
    stats = larder.stats()
    assert stats["not_cached"].get(reason) == 1, stats["not_cached"]
    assert stats["cache_misses"] == 0


def test_a_damaged_c_entry_costs_a_miss_never_the_build(larder, project, c_env):
    build(larder, project, c_env)
    for entry in (larder.dir).rglob("*.entry"):
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0xFF
        entry.write_bytes(bytes(data))
    result, warm = build(larder, project, c_env)
    assert run_bin(project) == "5 7 8\n"
    assert warm["cache_hits"] == 0 and warm["cache_misses"] == 3, warm


@pytest.mark.skipif(
    not (registry_has("ring-") and registry_has("blake3-")),
    reason="Debian's ring and blake3 crates are not installed (librust-ring-dev, librust-blake3-dev)",
)
def test_ring_and_blake3_build_scripts_hit_on_the_second_build(larder, tmp_path, c_env):
    """The C and assembler of two real build scripts (as in bench/workload-a), from Debian's sources."""
    project = tmp_path / "rb"
    write_tree(
        project,
        {
            ".cargo/config.toml": SOURCE_REPLACEMENT,
            "Cargo.toml": '[package]\nname = "rb"\nversion = "0.1.0"\nedition = "2021"\n[dependencies]\nring = "*"\nblake3 = "*"\n',
            "src/main.rs": (
                "fn main() {\n"
                '    println!("{}", blake3::hash(b"larder").to_hex());\n'
                '    println!("{:?}", ring::digest::digest(&ring::digest::SHA256, b"larder").as_ref()[0]);\n'
                "}\n"
            ),
        },
    )
    _, cold = build(larder, project, c_env)
    assert cold["cache_misses"] >= 20, cold  # ring's .c and .S files, blake3's assembler
    expected = subprocess.run([str(project / "target/debug/rb")], capture_output=True, text=True, check=True).stdout
    _, warm = build(larder, project, c_env)
    assert warm["cache_misses"] == 0 and warm["cache_hits"] == cold["cache_misses"], warm
    assert subprocess.run([str(project / "target/debug/rb")], capture_output=True, text=True, check=True).stdout == expected


def test_explain_names_c_calls(larder, project, c_env):
    build(larder, project, c_env)
    (project / "csrc/include/scale.h").write_text("#define SCALE 4\n")
    build(larder, project, c_env)
    report = larder.explain()
    misses = {m["crate"]: m for m in report.get("misses", [])}
    assert "csrc/add.c" in misses, report
    assert misses["csrc/add.c"].get("language") == "c"
    assert any("scale.h" in why for why in misses["csrc/add.c"]["why"]), misses["csrc/add.c"]
