"""Cargo workspaces written by the tests (path dependencies only: no registry needed)."""
from pathlib import Path

from conftest import write_tree


def package(name, deps=(), extra="", lib_extra=""):
    dep_lines = "".join(f'{d} = {{ path = "../{d}" }}\n' for d in deps)
    return (
        f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n{extra}\n'
        f"[dependencies]\n{dep_lines}{lib_extra}"
    )


# The crates each cached build of the core workspace compiles: name -> how cargo names the crate.
CACHEABLE_CRATES = ["chain_a", "chain_b", "chain_c", "gen", "warns", "stat"]


def core_workspace(root: Path) -> Path:
    """A lib chain, a proc-macro, a build script writing code into OUT_DIR (include!),
    include_str!, env!/option_env!, features and cfgs, a crate with warnings, a staticlib,
    a crate that fails to compile (excluded from the default members) and a bin using them."""
    files = {
        "Cargo.toml": (
            '[workspace]\nresolver = "2"\n'
            'members = ["app", "chain_a", "chain_b", "chain_c", "pm", "gen", "warns", "stat", "broken"]\n'
            'default-members = ["app", "stat"]\n'
        ),
        "chain_a/Cargo.toml": package("chain_a", extra='[features]\nfancy = []\n'),
        "chain_a/src/lib.rs": (
            "pub fn base() -> u64 { 40 }\n"
            '#[cfg(feature = "fancy")]\npub fn style() -> &\'static str { "fancy" }\n'
            '#[cfg(not(feature = "fancy"))]\npub fn style() -> &\'static str { "plain" }\n'
        ),
        "chain_b/Cargo.toml": package("chain_b", ["chain_a"], extra='[features]\nfancy = ["chain_a/fancy"]\n'),
        "chain_b/src/lib.rs": "pub fn next() -> u64 { chain_a::base() + 1 }\npub use chain_a::style;\n",
        "chain_c/Cargo.toml": package("chain_c", ["chain_b"], extra='[features]\nfancy = ["chain_b/fancy"]\n'),
        "chain_c/src/lib.rs": "mod extra;\npub fn top() -> u64 { chain_b::next() + extra::one() }\npub use chain_b::style;\n",
        "chain_c/src/extra.rs": "pub fn one() -> u64 { 1 }\n",
        "pm/Cargo.toml": package("pm", extra="[lib]\nproc-macro = true\n"),
        "pm/src/lib.rs": (
            "use proc_macro::TokenStream;\n"
            "#[proc_macro]\npub fn answer(_: TokenStream) -> TokenStream { \"42u64\".parse().unwrap() }\n"
        ),
        "gen/Cargo.toml": package("gen", ["pm"], extra='build = "build.rs"\n'),
        "gen/build.rs": (
            "use std::{env, fs, path::Path};\n"
            "fn main() {\n"
            '    let n: u64 = env::var("GEN_COUNT").ok().and_then(|v| v.parse().ok()).unwrap_or(3);\n'
            '    let code = format!("pub const GENERATED: u64 = {};\\n", n * 10);\n'
            '    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("generated.rs"), code).unwrap();\n'
            '    println!("cargo:rerun-if-env-changed=GEN_COUNT");\n'
            '    println!("cargo:rerun-if-changed=build.rs");\n'
            '    println!("cargo:rustc-cfg=gen_has_build_script");\n'
            '    println!("cargo:rustc-check-cfg=cfg(gen_has_build_script)");\n'
            "}\n"
        ),
        "gen/src/lib.rs": (
            'include!(concat!(env!("OUT_DIR"), "/generated.rs"));\n'
            'pub const TEXT: &str = include_str!("../data/text.txt");\n'
            'pub const GREETING: &str = env!("GEN_GREETING");\n'
            'pub const OPTIONAL: Option<&str> = option_env!("GEN_OPTIONAL");\n'
            "pub const ANSWER: u64 = pm::answer!();\n"
            "#[cfg(gen_has_build_script)]\npub fn built() -> bool { true }\n"
        ),
        "gen/data/text.txt": "hello from a text file\n",
        "warns/Cargo.toml": package("warns"),
        "warns/src/lib.rs": "pub fn noisy() -> u32 { let unused = 5; 7 }\n",
        "stat/Cargo.toml": package("stat", ["chain_c"], extra='[lib]\ncrate-type = ["staticlib", "rlib"]\n'),
        "stat/src/lib.rs": "#[no_mangle]\npub extern \"C\" fn stat_top() -> u64 { chain_c::top() }\n",
        "broken/Cargo.toml": package("broken"),
        "broken/src/lib.rs": "pub fn broken() -> u32 { \"not a number\" }\n",
        "app/Cargo.toml": package("app", ["chain_c", "gen", "warns"], extra='[features]\nfancy = ["chain_c/fancy"]\n'),
        "app/src/main.rs": (
            "fn main() {\n"
            '    println!("{} {} {} {} {} {:?} {} {}", chain_c::top(), chain_c::style(), gen::GENERATED,\n'
            "             gen::TEXT.trim(), gen::GREETING, gen::OPTIONAL, gen::ANSWER, warns::noisy());\n"
            "}\n"
        ),
    }
    write_tree(root, files)
    return root
