"""Damaged and crafted cache objects in every tier that runs here (the local folder, HTTP through
nginx's WebDAV, S3 through s3rver, Redis): whatever a tier holds, the build succeeds, its program
prints what plain cargo's prints, the fault is counted and logged, a bad object never spreads to
an earlier tier, the next build is correct too, and nothing outside the target folder and
LARDER_DIR changes. Every build runs under a timeout and an address-space limit."""
import hashlib
import os
import shutil
import socket
import stat
import subprocess
from pathlib import Path

import pytest

import larder_objects as lo
from conftest import Larder, ServerProcess, cargo_path, free_port
from remote_helpers import write_project

BUILD_TIMEOUT = 300
MEMORY_LIMIT = 4 << 30  # far below the 16 GiB a crafted entry declares
LEAF_SOURCE = "crates/leaf/src/lib.rs"


# ---------------------------------------------------------------- tiers, as a writer sees them

class LocalTier:
    """LARDER_DIR/cache/<a>/<b>/<name>."""

    def __init__(self, larder_dir: Path):
        self.root = larder_dir / "cache"

    def path(self, name):
        return self.root / name[0] / name[1] / name

    def names(self):
        return sorted(p.name for p in self.root.rglob("*") if p.suffix in (".entry", ".manifest"))

    def get(self, name):
        p = self.path(name)
        return p.read_bytes() if p.is_file() and not p.is_symlink() else None

    def put(self, name, blob):
        p = self.path(name)
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.is_symlink() or p.exists():
            p.unlink()
        p.write_bytes(blob)


class HttpTier:
    """nginx's WebDAV folder: the files behind http://…/dav/larder/<name>."""

    def __init__(self, folder: Path, url: str):
        self.folder, self.url = folder, url

    def names(self):
        return sorted(p.name for p in self.folder.glob("*") if p.suffix in (".entry", ".manifest"))

    def get(self, name):
        p = self.folder / name
        return p.read_bytes() if p.is_file() else None

    def put(self, name, blob):
        (self.folder / name).write_bytes(blob)


class RedisTier:
    """A minimal RESP client: enough to list, read and write binary values under larder's
    default key prefix."""

    def __init__(self, port: int, prefix: str = "larder/"):
        self.port, self.prefix = port, prefix.encode()

    def _call(self, *args):
        with socket.create_connection(("127.0.0.1", self.port), timeout=20) as s:
            s.sendall(b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args))
            f = s.makefile("rb")
            return self._reply(f)

    def _reply(self, f):
        line = f.readline()
        kind, rest = line[:1], line[1:-2]
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else f.read(n + 2)[:-2]
        if kind == b"*":
            return [self._reply(f) for _ in range(int(rest))]
        if kind == b"-":
            raise RuntimeError(rest.decode())
        return rest

    def names(self):
        return sorted(k[len(self.prefix):].decode() for k in self._call(b"KEYS", self.prefix + b"*"))

    def get(self, name):
        return self._call(b"GET", self.prefix + name.encode())

    def put(self, name, blob):
        self._call(b"SET", self.prefix + name.encode(), blob)


class S3Tier:
    """The bucket through the AWS CLI, as another writer with credentials would. A CLI call costs
    about a second, so names() downloads the whole bucket with one `aws s3 sync`, get() reads
    that copy (every reader below lists the names first), and put() writes through the CLI and
    into the copy."""

    def __init__(self, server_url: str, tmp: Path):
        from s3_support import aws_cli
        self.cli = lambda *a: aws_cli(server_url, *a, tmp=tmp)
        self.tmp = tmp
        self.copy = tmp / "s3-copy"

    def names(self):
        shutil.rmtree(self.copy, ignore_errors=True)
        self.copy.mkdir()
        out = self.cli("s3", "sync", "--no-progress", "s3://larder/", str(self.copy))
        assert out.returncode == 0, out.stderr
        return sorted(p.name for p in self.copy.iterdir() if p.suffix in (".entry", ".manifest"))

    def get(self, name):
        p = self.copy / name
        return p.read_bytes() if p.is_file() else None

    def put(self, name, blob):
        self.put_all({name: blob})

    def put_all(self, objects: dict):
        """One CLI call for many objects."""
        staging = self.tmp / "s3-put"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        for name, blob in objects.items():
            (staging / name).write_bytes(blob)
        out = self.cli("s3", "cp", "--recursive", "--no-progress", str(staging), "s3://larder/")
        assert out.returncode == 0, out.stderr
        if self.copy.is_dir():
            for name, blob in objects.items():
                (self.copy / name).write_bytes(blob)


# ---------------------------------------------------------------- finding the objects of a crate

def entries_of(tier, needle=LEAF_SOURCE):
    """The entry objects whose dep-info names `needle`: (name, blob, parsed)."""
    found = []
    for name in tier.names():
        if not name.endswith(".entry"):
            continue
        blob = tier.get(name)
        if blob is None:
            continue
        entry = lo.parse_entry(blob)
        if needle.encode() in entry.output("dep-info").data:
            found.append((name, blob, entry))
    return found


def manifest_of(tier, needle=LEAF_SOURCE):
    """The manifest whose results record `needle` as a source: (name, results)."""
    for name in tier.names():
        if name.endswith(".manifest"):
            results = lo.parse_manifest(tier.get(name))
            if any(path.endswith(needle) for r in results for path, _ in r.sources):
                return name, results
    raise AssertionError(f"no manifest records {needle}")


def replace_entry(tier, crafted: lo.Entry, needle=LEAF_SOURCE):
    """Stores `crafted` as a writer who knows the format would: under its own content name, with
    the crate's manifest pointing at it."""
    blob = lo.serialize_entry(crafted)
    name = lo.object_name(blob)
    tier.put(name, blob)
    manifest_name, results = manifest_of(tier, needle)
    results[0].entry_object = name[:-len(".entry")]
    tier.put(manifest_name, lo.serialize_manifest(results))
    return name


# ---------------------------------------------------------------- builds under limits

def limited_wrapper(tmp: Path, larder_bin: Path) -> Path:
    """RUSTC_WRAPPER: larder under an address-space limit (rustc inherits it too)."""
    script = tmp / "larder-limited"
    script.write_text(f"#!/bin/sh\nulimit -v {MEMORY_LIMIT // 1024}\nexec {larder_bin} \"$@\"\n")
    script.chmod(0o755)
    return script


def make_larder(tmp: Path, name: str, remote_env: dict = None) -> Larder:
    (tmp / name).mkdir(parents=True, exist_ok=True)
    larder = Larder(tmp / name)
    larder.env["RUSTC_WRAPPER"] = str(limited_wrapper(tmp / name, larder.bin))
    larder.env["LARDER_LOG"] = "warn"
    larder.env["LARDER_LOG_FILE"] = str(tmp / name / "larder.log")
    larder.env.update(remote_env or {})
    return larder


def run_program(larder: Larder, project: Path, wrapper=True) -> str:
    shutil.rmtree(project / "target", ignore_errors=True)
    build = larder.cargo(project, "build", "-q", wrapper=wrapper, timeout=BUILD_TIMEOUT)
    assert build.returncode == 0, build.stderr
    return subprocess.run([str(project / "target/debug/app")], capture_output=True, text=True, timeout=30).stdout


def snapshot(*roots: Path, skip=()):
    """Contents, modes and timestamps of every file under `roots`, but for the `skip` folders."""
    state = {}
    for root in roots:
        for p in [root, *root.rglob("*")]:
            if any(p == s or s in p.parents for s in skip):
                continue
            st = p.lstat()
            if stat.S_ISDIR(st.st_mode):  # its mtime moves with the target folder inside it
                state[str(p)] = (st.st_mode,)
                continue
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if stat.S_ISREG(st.st_mode) else None
            state[str(p)] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return state


class Case:
    """One fault: a primed cache, the damage, then two builds that must both be right."""

    def __init__(self, tmp: Path, expected: str):
        self.tmp, self.expected = tmp, expected
        self.project = write_project(tmp / "project")
        # Written by the first build otherwise, which would read as a change outside the target.
        subprocess.run([cargo_path(), "generate-lockfile", "--offline"], cwd=self.project, check=True,
                       capture_output=True, timeout=60)
        self.outside = tmp / "outside"  # files a crafted object may point at
        self.outside.mkdir()
        (self.outside / "victim").write_text("untouched\n")

    def check_build(self, larder: Larder, log_words=(), fault=True, name="build"):
        before = snapshot(self.project, self.outside, skip=[self.project / "target"])
        larder.reset_stats()
        printed = run_program(larder, self.project)
        assert printed == self.expected, f"{name}: the program printed {printed!r}, plain cargo {self.expected!r}"
        stats = larder.stats()
        assert stats["compile_failures"] == 0, stats
        if fault:
            assert stats["cache_errors"]["read"] >= 1, f"{name}: fault not counted: {stats}"
            log = Path(larder.env["LARDER_LOG_FILE"]).read_text() if Path(larder.env["LARDER_LOG_FILE"]).exists() else ""
            assert any(w in log for w in log_words), f"{name}: fault not logged ({log_words}):\n{log}"
        assert snapshot(self.project, self.outside, skip=[self.project / "target"]) == before, \
            f"{name}: files outside the target folder and LARDER_DIR changed"
        Path(larder.env["LARDER_LOG_FILE"]).unlink(missing_ok=True)
        return stats


@pytest.fixture(scope="module")
def plain_output(tmp_path_factory):
    """What the program prints when built by plain cargo."""
    tmp = tmp_path_factory.mktemp("plain")
    project = write_project(tmp / "project")
    return run_program(Larder(tmp), project, wrapper=False)


@pytest.fixture(scope="module")
def primed(tmp_path_factory, plain_output):
    """A LARDER_DIR filled by one build of the project (in another folder: the base folders make
    its objects valid for every test's checkout). Each test starts from a copy."""
    tmp = tmp_path_factory.mktemp("primed")
    larder = make_larder(tmp, "larder")
    assert run_program(larder, write_project(tmp / "project")) == plain_output
    return larder.dir


def primed_larder(tmp: Path, primed_dir: Path, name="larder", remote_env=None) -> Larder:
    larder = make_larder(tmp, name, remote_env)
    shutil.copytree(primed_dir, larder.dir, symlinks=True)
    return larder


def upload(primed_dir: Path, tier):
    """Fills a remote tier with the primed objects, as a build that wrote them would have."""
    local = LocalTier(primed_dir)
    objects = {name: local.get(name) for name in local.names()}
    if hasattr(tier, "put_all"):
        tier.put_all(objects)
    else:
        for name, blob in objects.items():
            tier.put(name, blob)


# ---------------------------------------------------------------- the local tier

def case_table():
    """A table of cases by name, and the decorator that adds a function to it."""
    table = {}

    def register(fn):
        table[fn.__name__] = fn
        return fn
    return table, register


LOCAL_CASES, local_case = case_table()


@local_case
def manifest_names_dev_zero_as_a_source(case, larder, tier):
    craft_source(tier, "/dev/zero")
    return ("not a regular file",)


@local_case
def manifest_names_a_fifo_as_a_source(case, larder, tier):
    fifo = case.outside / "fifo"
    os.mkfifo(fifo)
    craft_source(tier, str(fifo))
    return ("not a regular file",)


def craft_source(tier, path):
    """The crate's newest result records `path` as a source, its key recomputed to match."""
    name, results = manifest_of(tier)
    call_key = name[:-len(".manifest")]
    results[0].sources = [(path, hashlib.sha256(b"").hexdigest())] + results[0].sources
    results[0].entry_key = lo.entry_key_of(call_key, results[0])
    tier.put(name, lo.serialize_manifest(results))


@local_case
def fifo_in_place_of_an_entry_file(case, larder, tier):
    [(name, _, _)] = entries_of(tier)
    tier.path(name).unlink()
    os.mkfifo(tier.path(name))
    return ("cannot read",)


@local_case
def symlink_to_dev_zero_in_place_of_an_entry_file(case, larder, tier):
    [(name, _, _)] = entries_of(tier)
    tier.path(name).unlink()
    tier.path(name).symlink_to("/dev/zero")
    return ("cannot read",)


@local_case
def symlink_to_dev_zero_in_place_of_a_manifest_file(case, larder, tier):
    name, _ = manifest_of(tier)
    tier.path(name).unlink()
    tier.path(name).symlink_to("/dev/zero")
    return ("cannot read",)


@local_case
def truncated_entry(case, larder, tier):
    [(name, blob, _)] = entries_of(tier)
    tier.path(name).write_bytes(blob[: len(blob) // 2])
    return ("unusable",)


@local_case
def manifest_of_another_call_key(case, larder, tier):
    # mid's manifest stored under leaf's call key: its results were made under another key.
    name, _ = manifest_of(tier)
    other, _ = manifest_of(tier, "crates/mid/src/lib.rs")
    tier.put(name, tier.get(other))
    return ("unusable",)


REMOTE_AND_LOCAL_CASES, shared_case = case_table()


@shared_case
def empty_base_folder_path(case, larder, tier):
    [(_, _, entry)] = entries_of(tier)
    entry.base_dirs = [(marker, "") for marker, _ in entry.base_dirs] or [("{workspace}", "")]
    replace_entry(tier, entry)
    return ("malformed base folder",)


@shared_case
def small_entry_declaring_16_gib(case, larder, tier):
    blob = lo.small_bomb(16 << 30)
    assert len(blob) == 35
    name = lo.object_name(blob)
    tier.put(name, blob)
    manifest_name, results = manifest_of(tier)
    results[0].entry_object = name[:-len(".entry")]
    tier.put(manifest_name, lo.serialize_manifest(results))
    return ("out of range",)


@shared_case
def small_entry_declaring_2_gib(case, larder, tier):
    blob = lo.small_bomb(2 << 30)
    name = lo.object_name(blob)
    tier.put(name, blob)
    manifest_name, results = manifest_of(tier)
    results[0].entry_object = name[:-len(".entry")]
    tier.put(manifest_name, lo.serialize_manifest(results))
    return ("frame can hold",)


@shared_case
def stored_exit_status_1(case, larder, tier):
    [(_, _, entry)] = entries_of(tier)
    entry.exit_code = 1
    replace_entry(tier, entry)
    return ("exit status",)


@shared_case
def another_crates_entry_in_its_place(case, larder, tier):
    [(name, _, _)] = entries_of(tier)
    [(_, other, _)] = entries_of(tier, "crates/mid/src/lib.rs")
    tier.put(name, other)
    return ("not the entry its manifest names",)


@shared_case
def flipped_byte_in_an_entry(case, larder, tier):
    [(name, blob, _)] = entries_of(tier)
    damaged = bytearray(blob)
    damaged[len(damaged) // 2] ^= 0x40
    tier.put(name, bytes(damaged))
    return ("not the entry its manifest names",)


# A remote's manifest may carry its newest result's entry (a bundle): the entry it carries must
# pass every check an entry read by its own name passes.
BUNDLE_CASES, bundle_case = case_table()


def carry(tier, entry_blob: bytes, declared_size: int = None, named: bool = True):
    """The crate's manifest in `tier` becomes a bundle carrying `entry_blob`; `named`: its newest
    result names that entry, as a writer who knows the format would make it."""
    manifest_name, results = manifest_of(tier)
    if named:
        results[0].entry_object = lo.object_name(entry_blob)[:-len(".entry")]
    tier.put(manifest_name, lo.bundle(lo.serialize_manifest(results), entry_blob, declared_size))


@bundle_case
def carried_entry_replays_exit_status_1(case, larder, tier):
    [(_, _, entry)] = entries_of(tier)
    entry.exit_code = 1
    carry(tier, lo.serialize_entry(entry))
    return ("exit status",)


@bundle_case
def carried_entry_is_another_crates(case, larder, tier):
    [(_, other, _)] = entries_of(tier, "crates/mid/src/lib.rs")
    carry(tier, other, named=False)
    return ("carried entry is not",)


@bundle_case
def bundle_sizes_do_not_add_up(case, larder, tier):
    [(_, blob, _)] = entries_of(tier)
    carry(tier, blob, declared_size=1 << 40)
    return ("do not add up",)


@pytest.mark.parametrize("fault", sorted({**LOCAL_CASES, **REMOTE_AND_LOCAL_CASES}))
def test_local_tier(tmp_path, plain_output, primed, fault):
    craft = {**LOCAL_CASES, **REMOTE_AND_LOCAL_CASES}[fault]
    case = Case(tmp_path, plain_output)
    larder = primed_larder(tmp_path, primed)
    tier = LocalTier(larder.dir)
    words = craft(case, larder, tier)
    case.check_build(larder, words, name="first build after the fault")
    assert_tier_sound(tier, "the local tier")
    case.check_build(larder, fault=False, name="second build")


def test_older_entry_of_the_same_crate_copied_over_the_current_one(tmp_path, plain_output):
    """Plain cargo prints the new value; a restored older entry would print the old one."""
    case = Case(tmp_path, plain_output)
    larder = make_larder(tmp_path, "larder")
    tier = LocalTier(larder.dir)
    run_program(larder, case.project)
    [(_, old_blob, _)] = entries_of(tier)
    (case.project / LEAF_SOURCE).write_text("pub fn base() -> u64 { (1..=11).sum() }\n")
    case.expected = run_program(Larder(tmp_path / "plain-new"), case.project, wrapper=False)
    assert case.expected != plain_output
    run_program(larder, case.project)
    current = [n for n, _, _ in entries_of(tier) if tier.get(n) != old_blob]
    assert len(current) == 1
    tier.put(current[0], old_blob)
    case.check_build(larder, ("not the entry its manifest names",), name="first build after the swap")
    case.check_build(larder, fault=False, name="second build")


def test_restored_outputs_are_never_setuid_or_writable_by_others(tmp_path, plain_output, primed):
    case = Case(tmp_path, plain_output)
    larder = primed_larder(tmp_path, primed)
    tier = LocalTier(larder.dir)
    [(_, _, entry)] = entries_of(tier)
    for output in entry.outputs:
        output.mode = 0o6777
    replace_entry(tier, entry)
    stats = case.check_build(larder, fault=False, name="build with modes 06777")
    assert stats["cache_hits"] >= 3, stats  # masked, not refused: the entry is otherwise sound
    restored = list((case.project / "target/debug/deps").glob("libleaf-*"))
    assert restored
    for path in restored:
        mode = path.stat().st_mode
        assert mode & (stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX | stat.S_IWGRP | stat.S_IWOTH) == 0, (path, oct(mode))


@pytest.mark.parametrize("where", ["compilers", "linkers"])
@pytest.mark.parametrize("what", ["fifo", "dev-zero"])
def test_memo_files_that_are_no_regular_files_are_recomputed(tmp_path, plain_output, primed, where, what):
    case = Case(tmp_path, plain_output)
    larder = primed_larder(tmp_path, primed)
    memos = list((larder.dir / "memo" / where).glob("*.json"))
    assert memos
    for memo in memos:
        memo.unlink()
        if what == "fifo":
            os.mkfifo(memo)
        else:
            memo.symlink_to("/dev/zero")
    # Not a cache object (a memo is recomputed, not counted): the build must only stay correct.
    case.check_build(larder, fault=False, name=f"build with a {what} memo")
    case.check_build(larder, fault=False, name="second build")


def test_a_symlinked_file_hash_memo_is_never_written_through(tmp_path, plain_output, primed):
    case = Case(tmp_path, plain_output)
    larder = primed_larder(tmp_path, primed)
    memo = larder.dir / "memo" / "file-hashes"
    memo.unlink()
    memo.symlink_to(case.outside / "victim")
    case.check_build(larder, fault=False, name="build with a symlinked memo table")


def test_concurrent_builds_keep_every_manifest_result(tmp_path):
    """Three builds of three variants of leaf at once, in three folders (the same call keys,
    thanks to the base folders): every crate's manifest keeps all three results, so each variant
    hits afterwards."""
    larder = make_larder(tmp_path, "larder")
    projects = []
    for i in range(3):
        project = write_project(tmp_path / f"p{i}")
        (project / LEAF_SOURCE).write_text(f"pub fn base() -> u64 {{ (1..=10).sum::<u64>() + {i} }}\n")
        projects.append(project)
    procs = [subprocess.Popen([cargo_path(), "build", "-q"], cwd=p, env=larder.env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE) for p in projects]
    for proc in procs:
        assert proc.wait(timeout=BUILD_TIMEOUT) == 0, proc.stderr.read()
    tier = LocalTier(larder.dir)
    _, results = manifest_of(tier)
    assert len(results) == 3, f"leaf's manifest kept {len(results)} of 3 results"
    larder.reset_stats()
    for p in projects:
        shutil.rmtree(p / "target")
        larder.cargo(p, "build", "-q", timeout=BUILD_TIMEOUT)
    stats = larder.stats()
    assert stats["cache_misses"] == 0, stats


# ---------------------------------------------------------------- remote tiers

def assert_tier_sound(tier, where: str):
    """Every entry in the tier is one larder could have written: named by its bytes, decodable,
    with exit status 0 and well-formed base folders. A bad object that spread, or was left where
    it was found, fails this."""
    for name in tier.names():
        if not name.endswith(".entry"):
            continue
        blob = tier.get(name)
        if blob is None:
            continue
        assert lo.object_name(blob) == name, f"{where}: {name} holds another object's bytes"
        entry = lo.parse_entry(blob)
        assert entry.exit_code == 0, f"{where}: {name} replays exit status {entry.exit_code}"
        assert all(path for _, path in entry.base_dirs), f"{where}: {name} has an empty base folder"


def remote_case(tmp_path, plain_output, primed, remote_env, tier, fault):
    """The remote holds a build's objects; the fault is crafted there; a build with an empty
    local folder must be right, count it, remove the bad object from the remote and never copy
    it into its local tier; a build after it must be right too."""
    craft = {**REMOTE_AND_LOCAL_CASES, **BUNDLE_CASES}[fault]
    case = Case(tmp_path, plain_output)
    upload(primed, tier)
    words = craft(case, None, tier)
    victim = make_larder(tmp_path, "victim", remote_env)
    case.check_build(victim, words, name="first build after the fault")
    assert_tier_sound(LocalTier(victim.dir), "the local tier")
    assert_tier_sound(tier, "the remote tier")
    second = make_larder(tmp_path, "second", remote_env)
    case.check_build(second, fault=False, name="second build")


@pytest.fixture
def nginx_tier(tmp_path):
    if shutil.which("nginx") is None:
        pytest.skip("nginx is not installed")
    from test_http import start_nginx
    server = start_nginx(tmp_path / "nginx")
    (tmp_path / "nginx/www/dav/larder").mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{server.port}/dav/larder"
    yield {"LARDER_REMOTE": url}, HttpTier(tmp_path / "nginx/www/dav/larder", url)
    server.stop()


@pytest.fixture
def redis_tier(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    from test_redis import start_redis
    server = start_redis(tmp_path)
    yield {"LARDER_REMOTE": f"redis://127.0.0.1:{server.port}"}, RedisTier(server.port)
    server.stop()


@pytest.fixture
def s3_tier(tmp_path):
    from s3_support import S3Server, larder_s3_env, s3rver_available
    if not s3rver_available():
        pytest.skip("s3rver is not installed (scripts/install-deps.sh)")
    server = S3Server(tmp_path / "s3", buckets=("larder",))
    yield larder_s3_env(server.url), S3Tier(server.url, tmp_path)
    server.stop()


REMOTE_FAULTS = ["another_crates_entry_in_its_place", "stored_exit_status_1", "small_entry_declaring_16_gib",
                 "empty_base_folder_path"]


@pytest.mark.parametrize("fault", REMOTE_FAULTS)
def test_http_tier(tmp_path, plain_output, primed, nginx_tier, fault):
    remote_case(tmp_path, plain_output, primed, *nginx_tier, fault)


@pytest.mark.parametrize("fault", REMOTE_FAULTS)
def test_redis_tier(tmp_path, plain_output, primed, redis_tier, fault):
    remote_case(tmp_path, plain_output, primed, *redis_tier, fault)


@pytest.mark.parametrize("fault", sorted(BUNDLE_CASES))
def test_s3_tier_manifest_that_carries_an_entry(tmp_path, plain_output, primed, s3_tier, fault):
    remote_case(tmp_path, plain_output, primed, *s3_tier, fault)


@pytest.mark.parametrize("fault", REMOTE_FAULTS)
def test_s3_tier(tmp_path, plain_output, primed, s3_tier, fault):
    remote_case(tmp_path, plain_output, primed, *s3_tier, fault)


def test_http_manifest_naming_dev_zero(tmp_path, plain_output, primed, nginx_tier):
    remote_env, tier = nginx_tier
    case = Case(tmp_path, plain_output)
    upload(primed, tier)
    craft_source(tier, "/dev/zero")
    victim = make_larder(tmp_path, "victim", remote_env)
    case.check_build(victim, ("not a regular file",), name="first build after the fault")
    second = make_larder(tmp_path, "second", remote_env)
    case.check_build(second, fault=False, name="second build")
