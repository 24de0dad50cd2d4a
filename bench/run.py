#!/usr/bin/python3
"""larder benchmark: plain cargo, larder and sccache side by side, in one run.

Builds a real workload (bench/workload-a: ~170 rustc calls over Debian's packaged crates) with
`cargo build --release --offline` (or `cargo clippy --all-targets --release --offline`) and
CARGO_INCREMENTAL=0 in every configuration, N times each, and prints medians, ratios,
per-configuration hit counts and the bars from the issues.
Standard library only; run with /usr/bin/python3. See bench/README.md.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent

# Configurations, in the order they are printed. Each belongs to a family that shares a
# checkout, a target folder and a cache within one repetition.
CONFIGS = {
    "plain": "plain cargo",
    "larder-cold": "larder cold",
    "larder-warm": "larder warm",
    "larder-otherpath": "larder warm, other path",
    "larder-fresh-runner": "larder fresh runner",
    "larder-c-cold": "larder C cold",
    "larder-c-warm": "larder C warm",
    "sccache-cold": "sccache cold",
    "sccache-warm": "sccache warm",
    "larder-s3-cold": "larder cold, S3",
    "larder-s3-warm": "larder warm from S3",
    "larder-s3-cold-20ms": "larder cold, S3 +20 ms",
    "larder-s3-cold-20ms-deferred": "larder cold, S3 +20 ms, deferred",
    "larder-s3-warm-20ms": "larder warm, S3 +20 ms",
    "larder-s3-warm-50ms": "larder warm, S3 +50 ms",
    "larder-s3-prefetch-0ms": "larder prefetch, S3",
    "larder-s3-prefetch-20ms": "larder prefetch, S3 +20 ms",
    "larder-s3-prefetch-50ms": "larder prefetch, S3 +50 ms",
    "sccache-s3-cold": "sccache cold, S3",
    "sccache-s3-warm": "sccache warm from S3",
    "plain-clippy": "plain clippy",
    "larder-clippy-cold": "larder clippy cold",
    "larder-clippy-warm": "larder clippy warm",
    "sccache-clippy-cold": "sccache clippy cold",
    "sccache-clippy-warm": "sccache clippy warm",
}
FAMILIES = {
    "plain": ["plain"],
    "larder": ["larder-cold", "larder-warm", "larder-otherpath", "larder-fresh-runner"],
    "larder_c": ["larder-c-cold", "larder-c-warm"],
    "sccache": ["sccache-cold", "sccache-warm"],
    "larder_s3": ["larder-s3-cold", "larder-s3-warm"],
    "larder_s3_latency": ["larder-s3-cold-20ms-deferred", "larder-s3-cold-20ms", "larder-s3-warm-20ms",
                          "larder-s3-warm-50ms", "larder-s3-prefetch-0ms", "larder-s3-prefetch-20ms",
                          "larder-s3-prefetch-50ms"],
    "sccache_s3": ["sccache-s3-cold", "sccache-s3-warm"],
    "plain_clippy": ["plain-clippy"],
    "larder_clippy": ["larder-clippy-cold", "larder-clippy-warm"],
    "sccache_clippy": ["sccache-clippy-cold", "sccache-clippy-warm"],
}
CLIPPY_CONFIGS = FAMILIES["plain_clippy"] + FAMILIES["larder_clippy"] + FAMILIES["sccache_clippy"]
# What a clippy configuration runs instead of `cargo build` (then --release --offline, as builds).
CLIPPY = ("clippy", "--all-targets")
# The languages larder counts apart from Rust (`larder stats --format json`: `languages`).
C_LANGUAGES = ("c", "c++", "assembler")
# larder's reasons for C calls that compile no object (cc-rs's flag probes compile and link a
# test program, `-E` probes only preprocess): not the object compiles that must all hit.
C_NOT_OBJECT_COMPILES = ("link", "preprocess-only", "assembly-output", "not-an-object")
# The S3 configurations use s3rver (a SigV4-verifying S3 server, tests/tools) on loopback, with
# its default credentials; each repetition writes under a fresh key prefix, so cold is cold.
S3_TOOLS = REPO_DIR / "tests" / "tools"
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER",
                  "AWS_EC2_METADATA_DISABLED": "true"}
LATENCY_MS = {"larder-s3-cold-20ms-deferred": 20, "larder-s3-cold-20ms": 20, "larder-s3-warm-20ms": 20,
              "larder-s3-warm-50ms": 50, "larder-s3-prefetch-0ms": 0, "larder-s3-prefetch-20ms": 20,
              "larder-s3-prefetch-50ms": 50}
# Latency: tests/tools/latency_proxy.py in front of s3rver delays every request by this many
# milliseconds, as a round trip to a remote store would (20 ms: a same-region S3 round trip).
sys.path.insert(0, str(S3_TOOLS))
from latency_proxy import LatencyProxy  # noqa: E402

# Variables from the caller's environment that would change what a configuration measures.
# The C compiler cc-rs picks (CC, CC_<target>, TARGET_CC, ...: a caller's ccache would cache the
# C compiles of every configuration) and clippy's own settings are among them.
SCRUB_PREFIXES = ("LARDER_", "SCCACHE_", "CACHEPOT_", "CC_", "CXX_", "CLIPPY_")
SCRUB_NAMES = {
    "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "CARGO_BUILD_RUSTC_WRAPPER",
    "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER", "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR",
    "CARGO_INCREMENTAL", "CARGO_BUILD_INCREMENTAL", "CARGO_PROFILE_RELEASE_INCREMENTAL",
    "CC", "CXX", "HOST_CC", "HOST_CXX", "TARGET_CC", "TARGET_CXX",
}


def log(msg=""):
    print(msg, flush=True)


def sh(cmd, env=None, cwd=None, timeout=120, check=False):
    """Runs a short command and returns (rc, stdout, stderr); never raises on failure."""
    try:
        p = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True,
                           timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        if check:
            raise
        return 127, "", str(e)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({p.returncode}): {p.stderr.strip()}")
    return p.returncode, p.stdout, p.stderr


def find_cargo():
    cargo = shutil.which("cargo")
    if not cargo:
        candidate = Path.home() / ".cargo" / "bin" / "cargo"
        if candidate.is_file():
            cargo = str(candidate)
    if not cargo:
        sys.exit("run.py: cargo not found (install rustup or Debian's cargo)")
    return cargo


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def rmtree(path):
    shutil.rmtree(path, ignore_errors=True)


def median(values):
    return statistics.median(values) if values else None


def fmt(value, digits=2, suffix=""):
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


class Bench:
    def __init__(self, args):
        self.args = args
        self.cargo = find_cargo()
        self.larder_source = str(Path(args.larder).resolve())
        self.larder = self.larder_source  # the run's own copy once snapshot_larder() made it
        self.sccache = shutil.which("sccache") or "/usr/bin/sccache"
        self.workload = Path(args.workload).resolve()
        self.tmp = Path(tempfile.mkdtemp(prefix="larder-bench-", dir=args.tmp_dir))
        self.sccache_port = free_port()
        self.sccache_dir = self.tmp / "sccache" / "cache"
        self.sccache_clippy_dir = self.tmp / "sccache-clippy" / "cache"
        self.sccache_started = False
        self.s3_server = None
        self.s3_port = None
        self.bins = []
        self.runs = {name: [] for name in CONFIGS}
        self.failures = []
        self.checks = []
        self.cold_binaries = {}
        self.call_times = {"larder": [], "sccache": []}  # per repetition: [(ms, crate, types)]
        self.call_timer = None
        self.base_env = self._base_env()

    # ----- environment -------------------------------------------------------------------
    def _base_env(self):
        env = {k: v for k, v in os.environ.items()
               if k not in SCRUB_NAMES and not k.startswith(SCRUB_PREFIXES)}
        cargo_bin = str(Path(self.cargo).parent)
        env["PATH"] = cargo_bin + os.pathsep + env.get("PATH", "")
        env["CARGO_INCREMENTAL"] = "0"
        env["CARGO_TERM_COLOR"] = "never"
        return env

    def larder_env(self, cache_dir, log_file):
        env = dict(self.base_env)
        env.update(RUSTC_WRAPPER=self.larder, LARDER_DIR=str(cache_dir),
                   LARDER_LOG="warn", LARDER_LOG_FILE=str(log_file))
        return env

    def larder_c_env(self, cache_dir, log_file):
        """larder for rustc and for the C, C++ and assembler compiles of build scripts: cc-rs
        runs `$CC ARGS`, i.e. `larder cc ARGS`. cc-rs 1.1 and later split "larder cc" into
        wrapper and compiler only for the wrappers they know, hence CC_KNOWN_WRAPPER_CUSTOM;
        older ones (workload-a's cc 1.0.73) run the first word with the rest as arguments."""
        env = self.larder_env(cache_dir, log_file)
        env.update(CC=f"{self.larder} cc", CXX=f"{self.larder} c++", CC_KNOWN_WRAPPER_CUSTOM="larder")
        return env

    def sccache_env(self, cache_dir=None):
        env = dict(self.base_env)
        env.update(RUSTC_WRAPPER=self.sccache, SCCACHE_DIR=str(cache_dir or self.sccache_dir),
                   SCCACHE_SERVER_PORT=str(self.sccache_port), SCCACHE_CACHE_SIZE="50G",
                   SCCACHE_ERROR_LOG=str(self.tmp / "sccache" / "server-error.log"))
        return env

    def larder_s3_env(self, cache_dir, log_file, rep, port=None, prefix=None):
        env = self.larder_env(cache_dir, log_file)
        env.update(S3_CREDENTIALS, LARDER_BUCKET="larder-bench", LARDER_REGION="us-east-1",
                   LARDER_ENDPOINT=f"http://127.0.0.1:{port or self.s3_port}", LARDER_S3_PATH_STYLE="1",
                   LARDER_S3_KEY_PREFIX=prefix or f"rep{rep}/")
        return env

    def sccache_s3_env(self, rep):
        env = self.sccache_env()
        env.update(S3_CREDENTIALS, SCCACHE_BUCKET="sccache-bench", SCCACHE_REGION="us-east-1",
                   SCCACHE_ENDPOINT=f"127.0.0.1:{self.s3_port}", SCCACHE_S3_USE_SSL="false",
                   SCCACHE_S3_KEY_PREFIX=f"rep{rep}/")
        return env

    # ----- S3 server ---------------------------------------------------------------------
    def s3_start(self):
        main = S3_TOOLS / "s3rver-main.js"
        if not (S3_TOOLS / "node_modules" / "@20minutes" / "s3rver").is_dir():
            sys.exit("run.py: the S3 configurations need s3rver: run scripts/install-deps.sh "
                     "(it installs tests/tools), or leave them out with --only")
        self.s3_port = free_port()
        data = self.tmp / "s3rver"
        data.mkdir(parents=True, exist_ok=True)
        self.s3_server = subprocess.Popen(
            ["node", str(main), str(self.s3_port), str(data), "larder-bench,sccache-bench"],
            cwd=S3_TOOLS, stdout=subprocess.DEVNULL, stderr=open(self.tmp / "s3rver.log", "w"))
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.s3_port)) == 0:
                    return
            time.sleep(0.1)
        sys.exit(f"run.py: s3rver did not start; see {self.tmp / 's3rver.log'}")

    def s3_stop(self):
        if self.s3_server:
            self.s3_server.terminate()
            self.s3_server.wait(timeout=10)
            self.s3_server = None

    # ----- set-up ------------------------------------------------------------------------
    def versions(self):
        out = {}
        out["rustc"] = sh(["rustc", "-vV"], env=self.base_env)[1].strip()
        out["cargo"] = sh([self.cargo, "-V"], env=self.base_env)[1].strip()
        rc, o, e = sh([self.sccache, "--version"], env=self.base_env)
        out["sccache"] = o.strip() if rc == 0 else f"unavailable: {e.strip()}"
        rc, o, e = sh([self.larder, "--version"], env=self.base_env)
        out["larder"] = o.strip() if rc == 0 else f"unavailable: {e.strip()}"
        rc, o, e = sh([self.cargo, "clippy", "--version"], env=self.base_env)
        out["clippy"] = o.strip() if rc == 0 else f"unavailable: {(o + e).strip() or rc}"
        return out

    def snapshot_larder(self):
        """Copies the larder binary into the temp folder and runs that copy throughout, so a
        rebuild of --larder during the run (a relink leaves it missing or half-written for a
        moment) neither breaks a build nor mixes two binaries in one run. The copy keeps the
        name `larder` (cc-rs matches CC_KNOWN_WRAPPER_CUSTOM against it)."""
        copy = self.tmp / "bin" / "larder"
        copy.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(6):
            try:
                shutil.copy2(self.larder_source, copy)
                if sh([str(copy), "--version"], env=self.base_env)[0] == 0:
                    self.larder = str(copy)
                    return
            except OSError:
                pass
            time.sleep(10)  # being relinked: try again
        # Not usable: versions() reports the original as unavailable and run() stops there.

    def copy_workload(self, dest):
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(self.workload, dest, symlinks=True,
                        ignore=shutil.ignore_patterns("target", ".git"))
        return dest

    def read_bins(self):
        rc, out, err = sh([self.cargo, "metadata", "--no-deps", "--offline",
                           "--format-version", "1"], env=self.base_env, cwd=self.workload)
        if rc != 0:
            log(f"warning: cargo metadata failed, binaries will not be checked: {err.strip()}")
            return []
        bins = []
        for package in json.loads(out)["packages"]:
            for target in package["targets"]:
                if "bin" in target["kind"]:
                    bins.append(target["name"])
        return bins

    # ----- one build ---------------------------------------------------------------------
    def build(self, config, rep, checkout, env, log_name=None, subcommand=("build",)):
        """Builds `checkout` from a clean <checkout>/target (`cargo <subcommand> --release
        --offline`: a build, a build with --timings, or clippy); returns a run record."""
        target = checkout / "target"
        rmtree(target)
        env = dict(env, CARGO_TARGET_DIR=str(target))
        cmd = [self.cargo, *subcommand, "--release", "--offline"]
        if self.args.jobs:
            cmd += ["-j", str(self.args.jobs)]
        log_path = self.tmp / "logs" / f"{log_name or config}-{rep}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        start = time.monotonic()
        with open(log_path, "w") as out:
            p = subprocess.run(cmd, cwd=checkout, env=env, stdout=out, stderr=subprocess.STDOUT)
        seconds = time.monotonic() - start
        record = {"config": config, "rep": rep, "seconds": round(seconds, 3),
                  "exit_status": p.returncode, "checkout": str(checkout), "target": str(target),
                  "command": " ".join(["cargo", *cmd[1:]])}
        output = log_path.read_text(errors="replace")
        what = CONFIGS[config] + (f" ({log_name})" if log_name else "")
        if p.returncode != 0:
            record["output_tail"] = output.splitlines()[-40:]
            self.failures.append(f"{what} (rep {rep}): cargo exited {p.returncode}")
        # cargo's own warnings and errors, and anything larder printed itself ("larder: ...").
        warnings = [line for line in output.splitlines()
                    if line.lstrip().startswith(("warning", "error", "larder:"))
                    or "larder: " in line]
        if warnings:
            record["cargo_warnings"] = warnings[:40]
        if subcommand[0] == "clippy":
            # clippy builds no binary; what it prints is its result, and a cached run must
            # print the same (compared between configurations, in any order).
            record["diagnostics"] = self.diagnostics(output)
        else:
            record["binaries"] = self.check_binaries(config, rep, checkout, target)
        return record

    @staticmethod
    def diagnostics(output):
        """The lint headlines and their locations that a clippy run printed, sorted (cargo
        prints units in the order they finish). cargo's per-unit summaries ("`x` (bin "y")
        generated 1 warning (1 duplicate)") are left out: which unit's copy of a lint counts
        as the duplicate depends on which unit finished first."""
        lines = [line.strip() for line in output.splitlines()
                 if line.startswith(("warning", "error")) or line.lstrip().startswith("--> ")]
        return sorted(line for line in lines if not re.match(r"(warning|error): `[^`]*` \(.*\) generated ", line))

    def check_binaries(self, config, rep, checkout, target):
        """Hashes each bin and runs it; a binary that does not run is a failure."""
        results = {}
        for name in self.bins:
            path = target / "release" / name
            if not path.is_file():
                results[name] = {"exists": False}
                self.failures.append(f"{CONFIGS[config]} (rep {rep}): {name} was not built")
                continue
            info = {"exists": True, "sha256": sha256_file(path), "size": path.stat().st_size}
            rc, out, err = sh([str(path), "--help"], env=self.base_env, timeout=30)
            info["help_exit_status"] = rc
            ok = rc == 0
            if name == "fileidx":  # workload-a: index its own sources, expect JSON
                rc2, out2, err2 = sh([str(path), "index", str(checkout / "src")],
                                     env=self.base_env, timeout=60)
                info["index_exit_status"] = rc2
                try:
                    json.loads(out2)
                    info["index_output"] = "json"
                except ValueError:
                    info["index_output"] = (out2 + err2)[-400:]
                    ok = False
                ok = ok and rc2 == 0
            info["ok"] = ok
            if not ok:
                self.failures.append(f"{CONFIGS[config]} (rep {rep}): {name} does not run "
                                     f"correctly: {info}")
            results[name] = info
        return results

    # ----- stats -------------------------------------------------------------------------
    @staticmethod
    def json_output(cmd, env, what):
        """(parsed JSON, None) from a command's stdout, or (None, an error record)."""
        rc, out, err = sh(cmd, env=env)
        if rc != 0:
            return None, {"error": f"{what} failed ({rc}): {err.strip()}"}
        try:
            return json.loads(out), None
        except ValueError as e:
            return None, {"error": f"{what} printed invalid JSON: {e}", "output": out[:400]}

    def larder_stats(self, env):
        raw, error = self.json_output([self.larder, "stats", "--format", "json"], env, "larder stats")
        if error:
            return error
        not_cached = raw.get("not_cached", {}) or {}
        hits = raw.get("cache_hits", 0)
        summary = {
            "compile_requests": raw.get("compile_requests"),
            "hits": hits,
            "misses": raw.get("cache_misses"),
            "not_cached": sum(not_cached.values()),
            "not_cached_reasons": not_cached,
            "not_compilation": raw.get("not_compilation"),
            "compile_failures": raw.get("compile_failures"),
            "cache_errors": raw.get("cache_errors"),
            "wrapper_seconds": raw.get("wrapper_seconds"),
            "hit_overhead_ms": (raw.get("wrapper_seconds", 0.0) * 1000.0 / hits) if hits else None,
            # larder's time per hit without writing the outputs (issue 7's bar adds that time)
            "hit_overhead_without_writes_ms": ((raw.get("wrapper_seconds", 0.0) - raw["restore_seconds"]) * 1000.0 / hits)
            if hits and "restore_seconds" in raw else None,
            "raw": raw,
        }
        return summary

    def larder_reset(self, env):
        rc, _, err = sh([self.larder, "stats", "--reset"], env=env)
        if rc != 0:
            log(f"warning: larder stats --reset failed ({rc}): {err.strip()}")

    def larder_log(self, record, log_file):
        if log_file.is_file():
            lines = log_file.read_text(errors="replace").splitlines()
            if lines:
                record["larder_log_lines"] = len(lines)
                record["larder_log_head"] = lines[:20]

    def sccache_stats(self, env):
        raw, error = self.json_output([self.sccache, "--show-stats", "--stats-format", "json"], env,
                                      "sccache --show-stats")
        if error:
            return error
        s = raw.get("stats", {})
        not_cached = dict(s.get("not_cached", {}) or {})
        by_language = {}
        for field, name in (("cache_hits", "hits"), ("cache_misses", "misses")):
            for language, count in (s.get(field, {}).get("counts", {}) or {}).items():
                by_language.setdefault(language, {"hits": 0, "misses": 0})[name] = count
        return {
            "compile_requests": s.get("compile_requests"),
            "hits": sum(s.get("cache_hits", {}).get("counts", {}).values()),
            "misses": sum(s.get("cache_misses", {}).get("counts", {}).values()),
            "not_cached": s.get("requests_not_cacheable", 0) + s.get("non_cacheable_compilations", 0),
            "not_cached_reasons": not_cached,
            "not_compilation": s.get("requests_not_compile"),
            "compile_failures": s.get("compile_fails"),
            "cache_errors": {"read": s.get("cache_read_errors"),
                             "write": s.get("cache_write_errors")},
            "by_language": by_language,
            "raw": raw,
        }

    # ----- sccache server ----------------------------------------------------------------
    def sccache_start(self, env):
        Path(env["SCCACHE_ERROR_LOG"]).parent.mkdir(parents=True, exist_ok=True)
        rc, out, err = sh([self.sccache, "--start-server"], env=env, timeout=60)
        if rc != 0:
            raise RuntimeError(f"sccache --start-server failed ({rc}): {(out + err).strip()}")
        self.sccache_started = True
        sh([self.sccache, "--zero-stats"], env=env)

    def sccache_stop(self, env=None):
        if not self.sccache_started:
            return
        sh([self.sccache, "--stop-server"], env=env or self.sccache_env(), timeout=60)
        self.sccache_started = False

    def kill_stray_sccache(self):
        """Ends sccache servers this run started (matched by an SCCACHE_DIR in our temp folder)."""
        marker = f"SCCACHE_DIR={self.tmp}/".encode()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                environ = (entry / "environ").read_bytes().split(b"\0")
                exe = os.readlink(entry / "exe")
            except OSError:
                continue
            if any(v.startswith(marker) for v in environ) and os.path.basename(exe).startswith("sccache"):
                pid = int(entry.name)
                try:
                    os.kill(pid, signal.SIGTERM)
                    for _ in range(20):
                        time.sleep(0.1)
                        os.kill(pid, 0)
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    # ----- families ----------------------------------------------------------------------
    def report(self, record):
        stats = record.get("stats") or {}
        extra = ""
        if "hits" in stats:
            extra = (f"  hits {stats['hits']}, misses {stats['misses']}, "
                     f"not cached {stats['not_cached']}")
            languages = {k: v for k, v in ((stats.get("raw") or {}).get("languages") or {}).items() if k != "rust"}
            if languages:
                extra += "; of them C, C++, assembler: " + ", ".join(
                    f"{k} {v.get('cache_hits', 0)}/{v.get('cache_misses', 0)}/{v.get('not_cached', 0)}"
                    for k, v in sorted(languages.items()))
            timing = stats.get("hit_ms")
            if isinstance(timing, dict) and "median" in timing:
                extra += (f", {timing['median']:.2f} ms/hit median "
                          f"({timing['median_without_writes']:.2f} without writes)")
        elif "error" in stats:
            extra = f"  stats: {stats['error']}"
        status = "" if record["exit_status"] == 0 else f"  FAILED (exit {record['exit_status']})"
        log(f"  {CONFIGS[record['config']]:<24} {record['seconds']:8.2f} s{extra}{status}")

    def keep(self, config, record):
        if config in self.selected:
            self.runs[config].append(record)
            self.report(record)
        else:
            log(f"  ({CONFIGS[config]} fill, untimed: {record['seconds']:.2f} s)")

    def run_plain(self, rep):
        checkout = self.tmp / "plain" / "workload"
        record = self.build("plain", rep, checkout, self.base_env)
        self.keep("plain", record)
        rmtree(checkout / "target")

    def run_larder(self, rep):
        cache = self.tmp / "larder" / "cache"
        checkout = self.tmp / "larder" / "checkout" / "workload"
        rmtree(cache)  # cold means an empty LARDER_DIR
        wanted = [c for c in FAMILIES["larder"] if c in self.selected]
        for config in ["larder-cold"] + [c for c in wanted if c not in ("larder-cold", "larder-fresh-runner")]:
            where = checkout
            if config == "larder-otherpath":
                where = self.tmp / "elsewhere" / "ci" / "builds" / "7" / "project"
            log_file = self.tmp / "logs" / f"{config}-{rep}.larder.log"
            record = self.larder_build(config, rep, where, self.larder_env(cache, log_file), log_file)
            if config == "larder-cold":
                self.cold_binaries = record["binaries"]
            elif config == "larder-warm":
                self.compare_binaries(rep, "larder warm", record["binaries"])
            elif config == "larder-otherpath":
                # Not required (a checkout path may legitimately reach a binary), but with
                # larder's path remapping a release build is expected to be identical.
                self.compare_binaries(rep, "larder warm at another path", record["binaries"])
        if "larder-warm" in self.selected:
            self.time_calls("larder", rep, checkout, self.larder_env(cache, self.tmp / "logs" / f"calls-{rep}.larder.log"))
        if "larder-warm" in self.selected and "larder-c-warm" in self.selected:
            # "before" for the C comparison: build-script runs without C caching
            self.timings_build("larder-warm", rep, checkout,
                               self.larder_env(cache, self.tmp / "logs" / f"larder-warm-timings-{rep}.larder.log"))
        if "larder-fresh-runner" in self.selected:
            self.run_fresh_runner(rep, cache, checkout)
        rmtree(checkout / "target")
        rmtree(self.tmp / "elsewhere" / "ci" / "builds" / "7" / "project" / "target")

    def run_larder_c(self, rep):
        """larder also caching the C, C++ and assembler compiles of build scripts (CC, CXX):
        cold from an empty LARDER_DIR, warm from a clean target with the cache it filled; then,
        untimed, the warm build again with `cargo build --timings` for the share of build-script
        runs. The larder family's warm build is the same build without C caching."""
        cache = self.tmp / "larder-c" / "cache"
        checkout = self.tmp / "larder_c" / "checkout" / "workload"
        rmtree(cache)
        cold_binaries = {}
        for config in FAMILIES["larder_c"]:
            if config != "larder-c-cold" and config not in self.selected:
                continue
            log_file = self.tmp / "logs" / f"{config}-{rep}.larder.log"
            record = self.larder_build(config, rep, checkout, self.larder_c_env(cache, log_file), log_file)
            if config == "larder-c-cold":
                cold_binaries = record["binaries"]
            else:
                self.compare_binaries(rep, "larder C warm", record["binaries"], cold_binaries)
        if "larder-c-warm" in self.selected:
            self.timings_build("larder-c-warm", rep, checkout,
                               self.larder_c_env(cache, self.tmp / "logs" / f"larder-c-warm-timings-{rep}.larder.log"))
        rmtree(checkout / "target")

    # ----- cargo --timings: where a warm build's time goes ---------------------------------
    def timings_build(self, config, rep, checkout, env):
        """The warm build of `config` once more, untimed, with `cargo build --timings`: the sum
        of its build-script runs (units of mode run-custom-build) and their share of this
        build's wall time. Attached to the repetition's timed record as `timings`."""
        self.larder_reset(env)
        record = self.build(config, rep, checkout, env, log_name=f"{config}-timings",
                            subcommand=("build", "--timings"))
        stats = self.larder_stats(env)
        html = checkout / "target" / "cargo-timings" / "cargo-timing.html"
        if record["exit_status"] != 0 or not html.is_file():
            log(f"  ({CONFIGS[config]} --timings build failed: cargo exited {record['exit_status']}, "
                f"{'no' if not html.is_file() else 'a'} timing report)")
            return
        shutil.copy(html, self.tmp / "logs" / f"{config}-timings-{rep}.html")
        try:
            runs = self.build_script_runs(html.read_text(errors="replace"), record["seconds"])
        except ValueError as error:
            log(f"  ({CONFIGS[config]} --timings: cannot read the timing report: {error})")
            return
        runs.update(build_seconds=record["seconds"],
                    counts={k: stats.get(k) for k in ("hits", "misses", "not_cached")},
                    languages=(stats.get("raw") or {}).get("languages"))
        timed = [r for r in self.runs.get(config, []) if r["rep"] == rep]
        if timed:
            timed[-1]["timings"] = runs
        longest = ", ".join(f"{name} {sec:.2f} s" for name, sec in runs["longest"][:3])
        log(f"  ({CONFIGS[config]} with --timings, untimed: {record['seconds']:.2f} s; {runs['count']} "
            f"build-script runs, {runs['seconds']:.2f} s summed ({100 * runs['share']:.1f}% of the build's wall "
            f"time), one or more running {100 * runs['covered_share']:.1f}% of it; longest {longest})")

    @staticmethod
    def build_script_runs(html, wall_seconds):
        """Build-script runs from cargo's timing report: its embedded `const UNIT_DATA = [...]`
        lists every unit with its mode, start and duration (seconds)."""
        at = html.find("const UNIT_DATA = ")
        if at < 0:
            raise ValueError("no UNIT_DATA in the report")
        units, _ = json.JSONDecoder().raw_decode(html, html.index("[", at))
        runs = [u for u in units if u.get("mode") == "run-custom-build"]
        total = sum(u["duration"] for u in runs)
        # Time with at least one build script running (they overlap on several cores).
        covered, end = 0.0, None
        for start, stop in sorted((u["start"], u["start"] + u["duration"]) for u in runs):
            if end is None or start > end:
                covered += stop - start
                end = stop
            elif stop > end:
                covered += stop - end
                end = stop
        longest = sorted(((u["name"], u["duration"]) for u in runs), key=lambda x: -x[1])
        return {"count": len(runs), "seconds": round(total, 3), "covered_seconds": round(covered, 3),
                # summed durations / wall time: above 1 when runs overlap on several cores
                "share": total / wall_seconds if wall_seconds else None,
                "covered_share": covered / wall_seconds if wall_seconds else None,
                "other_units": len(units) - len(runs),
                "other_units_seconds": round(sum(u["duration"] for u in units
                                                 if u.get("mode") != "run-custom-build"), 3),
                "longest": longest[:8]}

    # ----- cargo clippy --------------------------------------------------------------------
    def run_plain_clippy(self, rep):
        checkout = self.tmp / "plain_clippy" / "checkout" / "workload"
        record = self.build("plain-clippy", rep, checkout, self.base_env, subcommand=CLIPPY)
        self.keep("plain-clippy", record)
        rmtree(checkout / "target")

    def run_larder_clippy(self, rep):
        """`cargo clippy --all-targets` with RUSTC_WRAPPER=larder (cargo runs the workspace's
        units as `larder clippy-driver rustc ARGS`, the others as `larder rustc ARGS`), from
        an empty LARDER_DIR, then warm from a clean target. The C of build scripts goes through
        larder too (CC, CXX), as cc-rs sends it through sccache in the sccache configurations."""
        cache = self.tmp / "larder-clippy" / "cache"
        checkout = self.tmp / "larder_clippy" / "checkout" / "workload"
        rmtree(cache)
        cold = None
        for config in FAMILIES["larder_clippy"]:
            if config != "larder-clippy-cold" and config not in self.selected:
                continue
            log_file = self.tmp / "logs" / f"{config}-{rep}.larder.log"
            record = self.larder_build(config, rep, checkout, self.larder_c_env(cache, log_file), log_file,
                                       subcommand=CLIPPY)
            if cold is None:
                cold = record
            else:
                self.compare_diagnostics(rep, "larder clippy warm", record, "larder clippy cold", cold)
        rmtree(checkout / "target")

    def run_sccache_clippy(self, rep):
        checkout = self.tmp / "sccache_clippy" / "checkout" / "workload"
        rmtree(self.sccache_clippy_dir)
        for config in FAMILIES["sccache_clippy"]:
            if config != "sccache-clippy-cold" and config not in self.selected:
                continue
            self.sccache_build(config, rep, checkout, self.sccache_env(self.sccache_clippy_dir), subcommand=CLIPPY)
        rmtree(checkout / "target")

    def compare_diagnostics(self, rep, label, record, reference_label, reference):
        """A cached clippy run must print the lints an uncached one prints."""
        if record["exit_status"] != 0 or reference["exit_status"] != 0:
            return
        same = record.get("diagnostics") == reference.get("diagnostics")
        self.checks.append({"rep": rep, "check": f"{label}: same clippy diagnostics as {reference_label}",
                            "pass": same})
        if not same:
            log(f"  note: {label} printed other diagnostics than {reference_label}")

    def run_sccache(self, rep):
        checkout = self.tmp / "sccache" / "checkout" / "workload"
        rmtree(self.sccache_dir)
        wanted = [c for c in FAMILIES["sccache"] if c in self.selected]
        for config in ["sccache-cold"] + [c for c in wanted if c != "sccache-cold"]:
            self.sccache_build(config, rep, checkout, self.sccache_env())
        if "sccache-warm" in self.selected:
            env = self.sccache_env()
            self.sccache_start(env)
            try:
                self.time_calls("sccache", rep, checkout, env)
            finally:
                self.sccache_stop(env)
        rmtree(checkout / "target")

    def sccache_build(self, config, rep, checkout, env, subcommand=("build",)):
        """One timed build with a freshly started sccache server (its stats start at zero)."""
        self.sccache_start(env)
        try:
            record = self.build(config, rep, checkout, env, subcommand=subcommand)
            record["stats"] = self.sccache_stats(env)
        finally:
            self.sccache_stop(env)
        self.keep(config, record)

    def larder_build(self, config, rep, checkout, env, log_file, report=True, subcommand=("build",),
                     log_name=None):
        """One timed build with larder's stats reset first; returns the run record (kept and
        reported unless the caller adds to it first)."""
        self.larder_reset(env)
        record = self.build(config, rep, checkout, env, log_name=log_name, subcommand=subcommand)
        record["stats"] = self.larder_stats(env)
        # Per-hit medians come from the build log (`larder explain`): the stats only hold sums.
        explained, error = self.json_output([self.larder, "explain", "--format", "json"], env, "larder explain")
        record["stats"]["hit_ms"] = (explained or {}).get("hit_ms") or error
        # The calls of other languages than Rust that were not hits, with their reasons: the
        # stats count them by language but keep the reasons of every language together.
        if explained:
            record["stats"]["explain_hits_by_language"] = explained.get("hits_by_language")
            record["stats"]["explain_other_languages"] = {
                "not_cached": [{k: e.get(k) for k in ("crate", "language", "reason")}
                               for e in explained.get("not_cached", []) if e.get("language", "rust") != "rust"],
                "misses": [{k: e.get(k) for k in ("crate", "language", "seconds")}
                           for e in explained.get("misses", []) if e.get("language", "rust") != "rust"],
                "failed": [e for e in explained.get("failed", []) if e.get("language", "rust") != "rust"],
            }
        self.larder_log(record, log_file)
        if report:
            self.keep(config, record)
        return record

    # ----- a fresh CI runner with no bucket: the CI system's cache keeps LARDER_DIR ---------
    def archive(self, folder, archive):
        """tar + zstd, as @actions/cache and GitLab's cache: archive the folder; seconds, bytes."""
        start = time.monotonic()
        rc, _, err = sh(["tar", "--posix", "-C", str(folder), "--use-compress-program", "zstd -T0",
                         "-cf", str(archive), "."], timeout=600)
        if rc != 0:
            raise RuntimeError(f"tar -c failed ({rc}): {err.strip()}")
        return time.monotonic() - start, archive.stat().st_size

    def unarchive(self, archive, folder):
        folder.mkdir(parents=True)
        start = time.monotonic()
        rc, _, err = sh(["tar", "-C", str(folder), "--use-compress-program", "zstd -d",
                         "-xf", str(archive)], timeout=600)
        if rc != 0:
            raise RuntimeError(f"tar -x failed ({rc}): {err.strip()}")
        return time.monotonic() - start

    @staticmethod
    def folder_bytes(folder):
        return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file() and not f.is_symlink())

    def run_fresh_runner(self, rep, cache, checkout):
        """The previous job saved its pruned LARDER_DIR as an archive (untimed here); this job
        runs on a runner with no cache folder: restore the archive, warm build from a clean
        target, prune to what the build used (`larder cache trim --unused-since`), save a new
        archive. Timed: restore + build (the job's critical path); prune and save reported."""
        config = "larder-fresh-runner"
        where = self.tmp / "fresh"
        rmtree(where)
        where.mkdir(parents=True)
        previous = where / "previous.tar.zst"
        try:
            self.archive(cache, previous)
            runner_cache = where / "runner" / "larder"
            restore_s = self.unarchive(previous, runner_cache)
            used_since = f"{time.time():.3f}"
            log_file = self.tmp / "logs" / f"{config}-{rep}.larder.log"
            env = self.larder_env(runner_cache, log_file)
            self.larder_reset(env)
            record = self.build(config, rep, checkout, env)
            record["stats"] = self.larder_stats(env)
            start = time.monotonic()
            rc, out, err = sh([self.larder, "cache", "trim", "--unused-since", used_since], env=env)
            prune_s = time.monotonic() - start
            if rc != 0:
                raise RuntimeError(f"larder cache trim failed ({rc}): {err.strip()}")
            pruned_bytes = self.folder_bytes(runner_cache)
            save_s, archive_bytes = self.archive(runner_cache, where / "saved.tar.zst")
        except RuntimeError as error:
            self.failures.append(f"{CONFIGS[config]} (rep {rep}): {error}")
            return
        finally:
            rmtree(where / "runner")
        record.update(build_seconds=record["seconds"], restore_seconds=round(restore_s, 3),
                      seconds=round(restore_s + record["seconds"], 3),
                      prune_seconds=round(prune_s, 3), save_seconds=round(save_s, 3),
                      previous_archive_bytes=previous.stat().st_size, archive_bytes=archive_bytes,
                      pruned_folder_bytes=pruned_bytes, trim_report=out.strip())
        rmtree(where)
        self.compare_binaries(rep, "larder fresh runner", record["binaries"])
        self.larder_log(record, log_file)
        self.keep(config, record)
        log(f"    restore {restore_s:.2f} s + build {record['build_seconds']:.2f} s; prune {prune_s:.2f} s, "
            f"save {save_s:.2f} s; archive {archive_bytes / 1e6:.1f} MB "
            f"(pruned folder {record['pruned_folder_bytes'] / 1e6:.1f} MB)")

    # ----- per-call wrapper time, measured from outside ------------------------------------
    def build_call_timer(self):
        """Compiles bench/call_timer.c; None (with the reason logged) when no C compiler."""
        out = self.tmp / "call_timer"
        rc, _, err = sh(["cc", "-O2", "-o", str(out), str(BENCH_DIR / "call_timer.c")])
        if rc != 0:
            log(f"per-call timing left out: cannot compile bench/call_timer.c ({err.strip() or rc})")
            return None
        return str(out)

    def time_calls(self, tool, rep, checkout, env):
        """One more warm build, untimed, with every wrapper call timed as a whole process by
        the same shim for larder and sccache (exec, lookup, restore, exit)."""
        if not self.call_timer:
            return
        calls_log = self.tmp / "logs" / f"{tool}-calls-{rep}.txt"
        timed_env = dict(env, RUSTC_WRAPPER=self.call_timer, CALL_TIMER_WRAPPER=env["RUSTC_WRAPPER"],
                         CALL_TIMER_LOG=str(calls_log))
        record = self.build(f"{tool}-warm", rep, checkout, timed_env, log_name=f"{tool}-calls")
        if record["exit_status"] != 0 or not calls_log.is_file():
            log(f"  ({tool} per-call timing failed: cargo exited {record['exit_status']})")
            return
        calls = []
        for line in calls_log.read_text().splitlines():
            ms, crate, types = line.split(" ", 2)
            calls.append((float(ms), crate, types))
        self.call_times[tool].append(calls)
        log(f"  ({tool} warm, each call timed: {record['seconds']:.2f} s, "
            f"{len(calls)} calls, median {median([c[0] for c in calls]):.2f} ms)")

    def run_larder_s3(self, rep):
        """Cold: empty local tier and a fresh S3 prefix. Warm: the local tier emptied again, so
        every hit comes from S3, as on a fresh CI runner."""
        cache = self.tmp / "larder-s3" / "cache"
        checkout = self.tmp / "larder_s3" / "checkout" / "workload"
        for config in FAMILIES["larder_s3"]:
            rmtree(cache)
            log_file = self.tmp / "logs" / f"{config}-{rep}.larder.log"
            self.larder_build(config, rep, checkout, self.larder_s3_env(cache, log_file, rep), log_file)
        rmtree(checkout / "target")

    def run_larder_s3_latency(self, rep):
        """Remote storage as far away as a real one: s3rver behind a proxy adding 0, 20 or 50 ms
        per request. The deferred cold build (then `larder cache push`, reported) fills a
        prefix and its index; the inline cold build fills another; every warm build starts from
        an empty local tier and a clean target, with or without `larder cache prefetch` first
        (its time is in the build's)."""
        proxies = {ms: LatencyProxy(self.s3_port, ms).start() for ms in (0, 20, 50)}
        cache = self.tmp / "larder-s3-latency" / "cache"
        checkout = self.tmp / "larder_s3_latency" / "checkout" / "workload"
        filled = f"latency{rep}-deferred/"
        index = f"bench/workload/rep{rep}"
        try:
            for config in FAMILIES["larder_s3_latency"]:
                ms = LATENCY_MS[config]
                deferred = config.endswith("deferred")
                prefix = f"latency{rep}-inline/" if config == "larder-s3-cold-20ms" else filled
                rmtree(cache)
                log_file = self.tmp / "logs" / f"{config}-{rep}.larder.log"
                env = self.larder_s3_env(cache, log_file, rep, port=proxies[ms].port, prefix=prefix)
                if deferred:
                    env["LARDER_DEFER_UPLOADS"] = "1"
                if config not in self.selected and not deferred:
                    continue
                started = f"{time.time():.3f}"
                prefetch = None
                if "prefetch" in config:
                    t0 = time.monotonic()
                    rc, out, err = sh([self.larder, "cache", "prefetch", "--index", index], env=env, timeout=600)
                    prefetch = {"seconds": round(time.monotonic() - t0, 3), "output": (out + err).strip()}
                record = self.larder_build(config, rep, checkout, env, log_file, report=False)
                if prefetch:
                    record["prefetch"] = prefetch
                    record["build_seconds"] = record["seconds"]
                    record["seconds"] = round(record["seconds"] + prefetch["seconds"], 3)
                if deferred:
                    t0 = time.monotonic()
                    rc, out, err = sh([self.larder, "cache", "push", "--index", index, "--since", started],
                                      env=env, timeout=600)
                    record["push"] = {"seconds": round(time.monotonic() - t0, 3), "output": (out + err).strip()}
                    if rc != 0:
                        self.failures.append(f"{CONFIGS[config]} (rep {rep}): larder cache push failed: {err.strip()}")
                record["requests"] = self.s3_requests(record.get("stats", {}))
                self.keep(config, record)
                for step in ("prefetch", "push"):
                    if step in record:
                        log(f"    {step}: {record[step]['seconds']:.2f} s: {record[step]['output'].splitlines()[0]}")
        finally:
            for proxy in proxies.values():
                proxy.stop()
        rmtree(checkout / "target")

    @staticmethod
    def s3_requests(stats):
        """Requests the wrappers sent to S3 during a build, from the stats' tier counters."""
        tiers = [t for t in (stats.get("raw") or {}).get("storage", []) if t.get("name") == "s3"]
        return sum(t.get("hits", 0) + t.get("misses", 0) + t.get("writes", 0) + t.get("errors", 0) for t in tiers)

    def run_sccache_s3(self, rep):
        checkout = self.tmp / "sccache_s3" / "checkout" / "workload"
        for config in FAMILIES["sccache_s3"]:
            rmtree(self.sccache_dir)
            self.sccache_build(config, rep, checkout, self.sccache_s3_env(rep))
        rmtree(checkout / "target")

    def compare_binaries(self, rep, label, binaries, reference=None):
        """A warm build at the same path must produce the cold build's bytes (the larder
        family's cold build unless another is given)."""
        for name, info in binaries.items():
            cold = (self.cold_binaries if reference is None else reference).get(name, {})
            if "sha256" in info and "sha256" in cold:
                same = info["sha256"] == cold["sha256"]
                self.checks.append({"rep": rep, "check": f"{label} {name} identical to cold build",
                                    "pass": same})
                if not same:
                    log(f"  note: {label} {name} differs from the cold build's binary")

    # ----- main flow ---------------------------------------------------------------------
    def run(self):
        args = self.args
        self.selected = args.only
        log(f"larder benchmark: {args.runs} run(s) of {', '.join(CONFIGS[c] for c in self.selected)}")
        log(f"workload: {self.workload}")
        log(f"temp:     {self.tmp}")
        if any(c.startswith("larder") for c in self.selected):
            self.snapshot_larder()
        self.version_info = self.versions()
        for tool, text in self.version_info.items():
            log(f"{tool + ':':<8} {text.splitlines()[0] if text else '?'}")
        log(f"machine:  {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
        self.bins = self.read_bins()

        families = [f for f, members in FAMILIES.items() if any(c in self.selected for c in members)]
        if any(f.startswith("larder") for f in families) and self.version_info["larder"].startswith("unavailable"):
            sys.exit(f"run.py: larder not usable at {self.larder}; build it with "
                     "`cmake --preset release && cmake --build --preset release` or pass --larder")
        if ({"sccache", "sccache_clippy"} & set(families)) and self.version_info["sccache"].startswith("unavailable"):
            sys.exit("run.py: sccache not found; run bench/setup.sh")
        clippy_families = [f for f in families if f.endswith("_clippy")]
        if clippy_families and self.version_info["clippy"].startswith("unavailable"):
            log(f"cargo clippy: not available here, the clippy configurations are left out "
                f"(`cargo clippy --version`: {self.version_info['clippy'].splitlines()[-1]}; "
                "`rustup component add clippy` installs it)")
            families = [f for f in families if f not in clippy_families]
            self.selected = [c for c in self.selected if c not in CLIPPY_CONFIGS]
        if any("_s3" in f for f in families):
            self.s3_start()
        if "sccache_s3" in families:
            probe = self.sccache_s3_env(0)
            try:
                self.sccache_start(probe)
                self.sccache_stop(probe)
            except RuntimeError as error:
                log(f"sccache with S3: not available here, left out ({str(error).splitlines()[-1]})")
                families.remove("sccache_s3")
                self.selected = [c for c in self.selected if c not in FAMILIES["sccache_s3"]]
        if not families:
            sys.exit("run.py: none of the selected configurations can run here (see above)")
        for family in families:
            self.copy_workload(self.tmp / family / ("checkout/workload" if family != "plain"
                                                   else "workload"))
        if "larder-otherpath" in self.selected:
            self.copy_workload(self.tmp / "elsewhere" / "ci" / "builds" / "7" / "project")

        if "larder-warm" in self.selected or "sccache-warm" in self.selected:
            self.call_timer = self.build_call_timer()

        self.started = datetime.datetime.now(datetime.timezone.utc)
        load_start = os.getloadavg()
        for rep in range(1, args.runs + 1):
            log(f"\n== repetition {rep}/{args.runs}")
            # Rotate the family order so slow drift of the machine does not favour one family.
            shift = (rep - 1) % len(families)
            for family in families[shift:] + families[:shift]:
                getattr(self, f"run_{family}")(rep)
        self.load = {"start": load_start, "end": os.getloadavg()}
        return self.summarize()

    def summarize(self):
        med = {c: median([r["seconds"] for r in self.runs[c] if r["exit_status"] == 0])
               for c in self.selected}
        plain = med.get("plain")
        sc_warm = med.get("sccache-warm")

        def ratio(a, b):
            return a / b if a is not None and b else None

        clippy_note = ("; clippy rows: `cargo clippy --all-targets --release --offline`"
                       if any(c in CLIPPY_CONFIGS for c in self.selected) else "")
        log("\n== results (median wall-clock seconds of `cargo build --release --offline`"
            f"{clippy_note}, {self.args.runs} run(s))")
        # clippy rows compare with clippy: plain clippy and sccache's warm clippy run.
        references = {c: (med.get("plain-clippy"), med.get("sccache-clippy-warm")) if c in CLIPPY_CONFIGS
                      else (plain, sc_warm) for c in self.selected}
        header = f"{'configuration':<24} | {'median s':>9} | {'vs plain':>8} | {'vs sccache warm':>15} | hits / misses / not cached"
        log(header)
        log("-" * len(header))
        rows = {}
        for c in CONFIGS:
            if c not in self.selected:
                continue
            last = self.runs[c][-1]["stats"] if self.runs[c] and "stats" in self.runs[c][-1] else {}
            counts = (f"{last.get('hits')} / {last.get('misses')} / {last.get('not_cached')}"
                      if "hits" in last else "-")
            ref_plain, ref_sccache = references[c]
            rows[c] = {"median_seconds": med[c], "ratio_vs_plain": ratio(med[c], ref_plain),
                       "ratio_vs_sccache_warm": ratio(med[c], ref_sccache),
                       "seconds": [r["seconds"] for r in self.runs[c]]}
            if c in CLIPPY_CONFIGS:
                rows[c]["ratios_against"] = ["plain-clippy", "sccache-clippy-warm"]
            log(f"{CONFIGS[c]:<24} | {fmt(med[c]):>9} | {fmt(ratio(med[c], ref_plain), 3, 'x'):>8} | "
                f"{fmt(ratio(med[c], ref_sccache), 3, 'x'):>15} | {counts}")
        if any(c in CLIPPY_CONFIGS for c in self.selected):
            log("(clippy rows' ratios are against plain clippy and sccache clippy warm)")

        # The cold bars compare medians; on a machine whose speed drifts between repetitions
        # (a shared VM), each repetition's own ratio shows how far that noise reaches.
        paired = [r["seconds"] / p["seconds"]
                  for r, p in zip(self.runs.get("larder-cold", []), self.runs.get("plain", []))
                  if r["exit_status"] == 0 and p["exit_status"] == 0]
        if paired:
            log("\nlarder cold / plain cargo, each repetition: " + ", ".join(f"{v:.3f}" for v in paired) +
                f" (median {median(paired):.3f})")
            rows["larder-cold"]["ratio_vs_plain_each_repetition"] = paired

        # larder's own time per hit: the median call of each build (from its build log), then
        # the median over the runs; the mean (stats: wrapper_seconds / hits) for comparison.
        def run_median(c, value):
            values = [v for v in (value(r.get("stats", {})) for r in self.runs.get(c, [])) if v is not None]
            return median(values) if values else None

        figures = {
            "median": lambda st: (st.get("hit_ms") or {}).get("median"),
            "median_without_writes": lambda st: (st.get("hit_ms") or {}).get("median_without_writes"),
            "mean": lambda st: st.get("hit_overhead_ms"),
            "mean_without_writes": lambda st: st.get("hit_overhead_without_writes_ms"),
        }
        hit_time = {c: {name: run_median(c, value) for name, value in figures.items()}
                    for c in ("larder-warm", "larder-otherpath", "larder-s3-warm")}
        hit_time = {c: f for c, f in hit_time.items() if f["median"] is not None}
        if hit_time:
            log("\nlarder's time per hit (median call of a build, median of the runs; without writing "
                "the outputs; the mean call, from the stats, both ways):")
            for c, f in hit_time.items():
                log(f"  {CONFIGS[c]:<24} {f['median']:.2f} ms, {fmt(f['median_without_writes'])} ms without "
                    f"writing outputs; mean {fmt(f['mean'])} ms, {fmt(f['mean_without_writes'])} ms")

        # Library crates: the calls both tools cache (sccache 0.4 compiles bins, proc-macros and
        # build scripts on every build, which would make its median a compile time).
        per_call = {}
        for tool, reps in self.call_times.items():
            medians = [median([ms for ms, crate, types in calls
                               if types in ("lib", "rlib") and crate != "build_script_build"])
                       for calls in reps if calls]
            if medians:
                per_call[tool] = median(medians)
        if per_call:
            log("\nper-call wall time of the wrapper process on a warm build, library crates "
                "(bench/call_timer.c, same shim for both; median of the runs' medians):")
            for tool, v in per_call.items():
                log(f"  {tool:<8} {v:.2f} ms")

        reasons = {}
        for c in self.selected:
            if self.runs[c] and self.runs[c][-1].get("stats", {}).get("not_cached_reasons"):
                reasons[c] = self.runs[c][-1]["stats"]["not_cached_reasons"]
        if reasons:
            log("\nnot cached, by reason (last run):")
            for c, r in reasons.items():
                log(f"  {CONFIGS[c]:<24} " + ", ".join(f"{k}: {v}" for k, v in sorted(r.items())))

        def all_hit(c, include_not_cached):
            """True when every run of `c` had no miss (and, if asked, nothing not cached)."""
            runs = self.runs.get(c, [])
            if not runs or any("hits" not in r.get("stats", {}) for r in runs):
                return None
            return all(r["stats"]["misses"] == 0 and r["stats"]["hits"] > 0
                       and (not include_not_cached or r["stats"]["not_cached"] == 0)
                       for r in runs)

        def all_rust_hit(c):
            """True when every run of `c` had its Rust calls (rustc, clippy-driver) all hit; the
            C of build scripts has its own bar."""
            runs = self.runs.get(c, [])
            counts = [((r.get("stats") or {}).get("raw") or {}).get("languages", {}).get("rust") for r in runs]
            if not runs or any(v is None for v in counts):
                return all_hit(c, True)
            return all(v.get("cache_hits", 0) > 0 and v.get("cache_misses", 0) == 0 and v.get("not_cached", 0) == 0
                       for v in counts)

        fresh = [r for r in self.runs.get("larder-fresh-runner", []) if r["exit_status"] == 0]
        if fresh:
            fresh_medians = {k: median([r[k] for r in fresh]) for k in (
                "restore_seconds", "build_seconds", "prune_seconds", "save_seconds",
                "archive_bytes", "pruned_folder_bytes")}
            rows["larder-fresh-runner"].update(fresh_medians)
            log("\nlarder fresh runner, no bucket (medians): restore "
                f"{fresh_medians['restore_seconds']:.2f} s + warm build {fresh_medians['build_seconds']:.2f} s; "
                f"after the build: prune {fresh_medians['prune_seconds']:.2f} s, save "
                f"{fresh_medians['save_seconds']:.2f} s; archive {fresh_medians['archive_bytes'] / 1e6:.1f} MB, "
                f"pruned folder {fresh_medians['pruned_folder_bytes'] / 1e6:.1f} MB")
        archive_fits = (all(r["archive_bytes"] <= r["pruned_folder_bytes"] for r in fresh)
                        if fresh else None)

        latency = [c for c in FAMILIES["larder_s3_latency"] if self.runs.get(c)]
        if latency:
            log("\nremote storage with added latency (medians; requests the wrappers sent to S3, last run):")
            for c in latency:
                last = self.runs[c][-1]
                extra = ""
                if "prefetch" in last:
                    extra = f"; prefetch {median([r['prefetch']['seconds'] for r in self.runs[c]]):.2f} s of it"
                if "push" in last:
                    extra = f"; then push {median([r['push']['seconds'] for r in self.runs[c]]):.2f} s"
                log(f"  {CONFIGS[c]:<34} {fmt(med.get(c))} s, {last.get('requests')} requests{extra}")

        c_caching = self.summarize_c(med, rows)
        build_scripts = self.summarize_build_scripts(rows)
        clippy = self.summarize_clippy(med)

        lw, lc, lo = med.get("larder-warm"), med.get("larder-cold"), med.get("larder-otherpath")
        bars = [
            ("issue 2", "larder cold <= 1.10x plain cargo", ratio(lc, plain), lambda r: r <= 1.10),
            ("issue 2", "larder warm < sccache warm", ratio(lw, sc_warm), lambda r: r < 1.0),
            ("issue 7", "larder cold <= 1.03x plain cargo", ratio(lc, plain), lambda r: r <= 1.03),
            ("issue 7", "larder warm at another path within 10% of warm at the same path",
             ratio(lo, lw), lambda r: r <= 1.10),
            ("issue 7", "per-hit wrapper overhead (median call) < 5 ms plus writing the outputs",
             hit_time.get("larder-warm", {}).get("median_without_writes"), lambda v: v < 5.0),
            ("issue 7", "larder warm at another path: every cacheable crate a hit (no misses)",
             all_hit("larder-otherpath", False), lambda v: v),
            ("issue 8", "larder warm <= 0.35x sccache warm", ratio(lw, sc_warm),
             lambda r: r <= 0.35),
            ("issue 8", "larder warm: every compile call a hit (proc-macros, build scripts, bin)",
             all_hit("larder-warm", True), lambda v: v),
            ("issue 3", "larder warm from S3 (empty local tier) < sccache warm from S3",
             ratio(med.get("larder-s3-warm"), med.get("sccache-s3-warm")), lambda r: r < 1.0),
            ("issue 3", "larder warm from S3: every compile call a hit", all_hit("larder-s3-warm", True),
             lambda v: v),
            ("issue 20", "warm from S3 +20 ms with prefetch within 1.15x of larder warm (local tier)",
             ratio(med.get("larder-s3-prefetch-20ms"), lw), lambda r: r <= 1.15),
            ("issue 20", "cold with S3 +20 ms, deferred uploads, within 1.05x of plain cargo",
             ratio(med.get("larder-s3-cold-20ms-deferred"), plain), lambda r: r <= 1.05),
            ("issue 20", "per-call wall time of a hit (library crates, median) under 3 ms",
             per_call.get("larder"), lambda v: v < 3.0),
            ("issue 17", "fresh runner, no bucket: restore + warm build within 1.25x of larder warm",
             ratio(med.get("larder-fresh-runner"), lw), lambda r: r <= 1.25),
            ("issue 17", "fresh runner: every compile call a hit", all_hit("larder-fresh-runner", True),
             lambda v: v),
            ("issue 17", "fresh runner: saved archive no larger than the pruned folder", archive_fits,
             lambda v: v),
            ("issue 18", "larder warm with C caching: every C, C++ and assembler object compile a hit",
             c_caching.get("every_c_compile_hit"), lambda v: v),
            ("issue 18", "larder warm with C caching at most 0.60x larder warm without (40% less time)",
             c_caching.get("ratio_vs_larder_warm"), lambda r: r <= 0.60),
            ("issue 18", "larder clippy warm: every Rust call a hit (rustc and clippy-driver)",
             all_rust_hit("larder-clippy-warm"), lambda v: v),
        ]
        log("\n== bars")
        bar_results = []
        for issue, text, value, test in bars:
            if value is None:
                verdict, shown = "n/a", "-"
            else:
                verdict = "PASS" if test(value) else "FAIL"
                shown = ("yes" if value else "no") if isinstance(value, bool) else (
                    f"{value:.2f} ms" if ("overhead" in text or "wall time" in text) else f"{value:.3f}x")
            bar_results.append({"issue": issue, "bar": text, "value": value, "result": verdict})
            log(f"  [{verdict:<4}] {issue}: {text}  ({shown})")

        if self.checks:
            bad = [c for c in self.checks if not c["pass"]]
            log(f"\n== checks: {len(self.checks) - len(bad)}/{len(self.checks)} passed"
                + "".join(f"\n  FAIL rep {c['rep']}: {c['check']}" for c in bad))
        if self.failures:
            log("\n== failures")
            for f in self.failures:
                log(f"  {f}")
        larder_logs = [(r["config"], r["rep"], r["larder_log_lines"])
                       for c in self.selected for r in self.runs[c] if r.get("larder_log_lines")]
        if larder_logs:
            log("\n== larder logged warnings or errors (LARDER_LOG=warn); see the JSON for lines")
            for config, rep, n in larder_logs:
                log(f"  {CONFIGS[config]} (rep {rep}): {n} line(s)")

        result = {
            "started": self.started.isoformat(),
            "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "command": sys.argv,
            "options": {"runs": self.args.runs, "only": self.selected, "jobs": self.args.jobs,
                        "workload": str(self.workload), "larder": self.larder_source,
                        "larder_sha256": sha256_file(self.larder) if Path(self.larder).is_file() else None},
            "machine": {"cores": os.cpu_count(), "load_average": self.load,
                        "platform": platform.platform(), "host": platform.node()},
            "versions": self.version_info,
            "results": rows,
            "hit_time_ms": hit_time,
            "per_call_wall_ms_library_crates": per_call,
            "call_times": self.call_times,
            "c_caching": c_caching,
            "build_script_runs": build_scripts,
            "clippy": clippy,
            "bars": bar_results,
            "checks": self.checks,
            "failures": self.failures,
            "runs": self.runs,
        }
        out_dir = Path(self.args.results_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        out_file = out_dir / f"{self.started.strftime('%Y%m%dT%H%M%SZ')}.json"
        out_file.write_text(json.dumps(result, indent=2) + "\n")
        log(f"\nresults written to {out_file}")
        return 1 if self.failures else 0

    def other_languages(self, c):
        """Per-language counts of the last run of `c` other than Rust: larder's `languages`
        (compile_requests, cache_hits, ...), or sccache's hits and misses by language."""
        if not self.runs.get(c):
            return {}
        stats = self.runs[c][-1].get("stats") or {}
        if "by_language" in stats:  # sccache
            return {k: v for k, v in stats["by_language"].items() if k.lower() != "rust"}
        languages = (stats.get("raw") or {}).get("languages") or {}
        return {k: v for k, v in languages.items() if k != "rust"}

    def summarize_c(self, med, rows):
        """C, C++ and assembler through larder: counts by language, the warm build with C
        caching against the larder family's warm build without, and what was not cached."""
        out = {}
        shown = [c for c in CONFIGS if c in self.selected and self.other_languages(c)]
        if not shown:
            return out
        log("\nC, C++ and assembler compiles of build scripts (last run; larder: `larder stats` by "
            "language; sccache: its hits and misses by language, cc-rs sending C through RUSTC_WRAPPER):")
        log(f"  {'configuration':<24} {'language':<10} {'requests':>8} {'hits':>6} {'misses':>6} "
            f"{'not cached':>10} {'not compile':>11} {'failed':>6}")
        for c in shown:
            for language, v in sorted(self.other_languages(c).items()):
                if "cache_hits" in v:
                    log(f"  {CONFIGS[c]:<24} {language:<10} {v.get('compile_requests', 0):>8} "
                        f"{v.get('cache_hits', 0):>6} {v.get('cache_misses', 0):>6} {v.get('not_cached', 0):>10} "
                        f"{v.get('not_compilation', 0):>11} {v.get('compile_failures', 0):>6}")
                else:
                    log(f"  {CONFIGS[c]:<24} {language:<10} {'-':>8} {v['hits']:>6} {v['misses']:>6}")
        out["languages_last_run"] = {c: self.other_languages(c) for c in shown}

        # Every C compile of each warm build a hit: no miss, no failure, and nothing not cached
        # but calls that compile no object (cc-rs's flag probes link a test program).
        warm = self.runs.get("larder-c-warm", [])
        if warm:
            verdicts = []
            for r in warm:
                stats = r.get("stats") or {}
                languages = (stats.get("raw") or {}).get("languages")
                if languages is None:
                    verdicts = None
                    break
                c_counts = [languages.get(k, {}) for k in C_LANGUAGES]
                hits = sum(v.get("cache_hits", 0) for v in c_counts)
                not_cached = sum(v.get("not_cached", 0) for v in c_counts)
                listed = (stats.get("explain_other_languages") or {}).get("not_cached", [])
                probes = sum(1 for e in listed if e.get("language") in C_LANGUAGES
                             and e.get("reason", "").split(":")[0] in C_NOT_OBJECT_COMPILES)
                verdicts.append(hits > 0 and not_cached == probes
                                and all(v.get("cache_misses", 0) == 0 and v.get("compile_failures", 0) == 0
                                        for v in c_counts))
            out["every_c_compile_hit"] = all(verdicts) if verdicts else None

        with_c, without = med.get("larder-c-warm"), med.get("larder-warm")
        if with_c is not None and without:
            paired = [a["seconds"] / b["seconds"]
                      for a, b in zip(self.runs["larder-c-warm"], self.runs["larder-warm"])
                      if a["exit_status"] == 0 and b["exit_status"] == 0]
            out.update(ratio_vs_larder_warm=with_c / without, less_time=1 - with_c / without,
                       ratio_each_repetition=paired)
            rows["larder-c-warm"]["ratio_vs_larder_warm"] = with_c / without
            log(f"  larder warm with C caching / without (larder C warm / larder warm): {with_c / without:.3f}x, "
                f"{100 * (1 - with_c / without):.1f}% less time (goal: at least 40%); each repetition: "
                + ", ".join(f"{v:.3f}" for v in paired))

        # Why the C calls that were not hits were not (from `larder explain`, last run).
        for c in shown:
            detail = ((self.runs[c][-1].get("stats") or {}).get("explain_other_languages")) or {}
            by_reason = {}
            for e in detail.get("not_cached", []):
                by_reason.setdefault(f"{e['language']}: {e['reason']}", []).append(e["crate"])
            if by_reason:
                log(f"  {CONFIGS[c]}, not cached: " + "; ".join(
                    f"{reason} ({len(crates)}: {', '.join(sorted(set(crates))[:6])}"
                    f"{', ...' if len(set(crates)) > 6 else ''})" for reason, crates in sorted(by_reason.items())))
                out.setdefault("not_cached_last_run", {})[c] = by_reason
            misses = detail.get("misses", [])
            if misses and c.endswith("warm"):
                log(f"  {CONFIGS[c]}, misses: " + ", ".join(f"{e['crate']} ({e['language']})" for e in misses[:10]))
        return out

    def summarize_build_scripts(self, rows):
        """The share of the warm build spent in build-script runs, from the --timings builds."""
        out = {}
        for c in ("larder-warm", "larder-c-warm"):
            timings = [r["timings"] for r in self.runs.get(c, []) if "timings" in r]
            if not timings:
                continue
            figures = {k: median([t[k] for t in timings if t.get(k) is not None])
                       for k in ("count", "seconds", "covered_seconds", "share", "covered_share",
                                 "build_seconds", "other_units_seconds")}
            figures["timed_build_seconds"] = median([r["seconds"] for r in self.runs[c] if "timings" in r])
            figures["longest_last_run"] = timings[-1]["longest"]
            out[c] = figures
            rows[c]["build_script_runs"] = figures
        if out:
            log("\nbuild-script runs in the warm build (cargo build --timings, a separate untimed build "
                "right after the timed one; medians; run-custom-build units):")
            for c, f in out.items():
                longest = ", ".join(f"{name} {sec:.2f} s" for name, sec in f["longest_last_run"][:3])
                log(f"  {CONFIGS[c]:<16} {f['seconds']:.2f} s summed over {f['count']:.0f} runs = "
                    f"{100 * f['share']:.1f}% of the {f['build_seconds']:.2f} s --timings build's wall time "
                    f"(one or more running: {f['covered_seconds']:.2f} s, {100 * f['covered_share']:.1f}%); "
                    f"the timed build without --timings: {f['timed_build_seconds']:.2f} s; every other unit "
                    f"{f['other_units_seconds']:.2f} s summed; longest: {longest}")
            log("  (summed durations exceed the wall time when build scripts run side by side)")
        return out

    def summarize_clippy(self, med):
        """cargo clippy: larder and sccache, cold and warm, against plain clippy; what sccache
        does with clippy's calls is in its counts and not-cached reasons."""
        shown = [c for c in CLIPPY_CONFIGS if self.runs.get(c)]
        if not shown:
            return {}
        out = {}
        plain_clippy = med.get("plain-clippy")
        log("\ncargo clippy --all-targets --release --offline (medians; counts and reasons of the last run):")
        for c in shown:
            last = self.runs[c][-1]
            stats = last.get("stats") or {}
            counts = (f"{stats.get('hits')} hits, {stats.get('misses')} misses, {stats.get('not_cached')} not cached"
                      if "hits" in stats else "no wrapper")
            reasons = stats.get("not_cached_reasons") or {}
            diagnostics = last.get("diagnostics") or []
            lints = sum(1 for line in diagnostics if line.startswith(("warning", "error")))
            out[c] = {"median_seconds": med.get(c), "counts": counts, "not_cached_reasons": reasons,
                      "diagnostic_lines": lints}
            vs = f", {med[c] / plain_clippy:.3f}x plain clippy" if med.get(c) and plain_clippy else ""
            log(f"  {CONFIGS[c]:<22} {fmt(med.get(c))} s{vs}; {counts}; lints printed: {lints}"
                + (f"; not cached: " + ", ".join(f"{k}: {v}" for k, v in sorted(reasons.items())) if reasons else ""))
        lw, sw = med.get("larder-clippy-warm"), med.get("sccache-clippy-warm")
        if lw and sw:
            out["larder_warm_vs_sccache_warm"] = lw / sw
            log(f"  larder clippy warm / sccache clippy warm: {lw / sw:.3f}x")
        # Each clippy run against plain clippy's of the same repetition: the same lints.
        plain_runs = {r["rep"]: r for r in self.runs.get("plain-clippy", [])}
        for c in shown:
            if c == "plain-clippy":
                continue
            for r in self.runs[c]:
                if r["rep"] in plain_runs:
                    self.compare_diagnostics(r["rep"], CONFIGS[c], r, "plain clippy", plain_runs[r["rep"]])
        return out

    def cleanup(self):
        try:
            self.sccache_stop()
            self.s3_stop()
        finally:
            self.kill_stray_sccache()
            if self.args.keep_temp:
                log(f"temp folder kept: {self.tmp}")
            else:
                rmtree(self.tmp)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="configurations: " + ", ".join(CONFIGS))
    p.add_argument("--runs", type=int, default=3, help="repetitions of each configuration (3)")
    p.add_argument("--only", default=",".join(CONFIGS),
                   help="comma-separated configurations to time (default: all)")
    p.add_argument("--workload", default=str(BENCH_DIR / "workload-a"),
                   help="cargo project to build (default: bench/workload-a)")
    p.add_argument("--larder", default=str(REPO_DIR / "build" / "release" / "larder"),
                   help="larder binary (default: build/release/larder)")
    p.add_argument("--jobs", type=int, default=None, help="cargo -j (default: cargo's)")
    p.add_argument("--results-dir", default=str(BENCH_DIR / "results"),
                   help="where the JSON results go (default: bench/results)")
    p.add_argument("--tmp-dir", default=None, help="parent of the temp folder (default: $TMPDIR)")
    p.add_argument("--keep-temp", action="store_true",
                   help="keep checkouts, caches and build logs for inspection")
    args = p.parse_args(argv)
    only = [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = [c for c in only if c not in CONFIGS]
    if unknown:
        p.error(f"unknown configuration(s) {', '.join(unknown)}; choose from {', '.join(CONFIGS)}")
    if not only:
        p.error("--only needs at least one configuration")
    args.only = [c for c in CONFIGS if c in only]
    if args.runs < 1:
        p.error("--runs must be at least 1")
    if not (Path(args.workload) / "Cargo.toml").is_file():
        p.error(f"--workload {args.workload}: no Cargo.toml there")
    return args


def main(argv):
    args = parse_args(argv)
    bench = Bench(args)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        return bench.run()
    except KeyboardInterrupt:
        log("\ninterrupted")
        return 130
    finally:
        bench.cleanup()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
