"""actions/setup: validated by @action-validator/cli, and its main and post run as the runner
runs them (INPUT_* variables, GITHUB_ENV / GITHUB_PATH / GITHUB_STATE / GITHUB_OUTPUT /
GITHUB_STEP_SUMMARY files, STATE_* for the post step) around real cached cargo builds."""
import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from ci_glue import (S3Server, clean_env, node_tool, parse_runner_file, served_release_site,
                     tiny_workspace)
from conftest import REPO, larder_binary

ACTION = REPO / "actions" / "setup"


def test_action_yml_is_valid():
    validator = node_tool(".bin", "action-validator")
    result = subprocess.run([str(validator), str(ACTION / "action.yml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    spec = yaml.safe_load((ACTION / "action.yml").read_text())
    assert spec["runs"]["using"] == "node20"
    assert set(spec["inputs"]) >= {"version", "bucket", "region", "endpoint", "key-prefix", "read-only", "settings"}


def test_validator_rejects_a_broken_action(tmp_path):
    broken = tmp_path / "action.yml"
    broken.write_text((ACTION / "action.yml").read_text().replace("using: node20", "usin: node20"))
    result = subprocess.run([str(node_tool(".bin", "action-validator")), str(broken)], capture_output=True, text=True)
    assert result.returncode != 0


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with served_release_site(tmp_path_factory.mktemp("releases"), with_installer=False) as served:
        yield served


class Job:
    """One GitHub Actions job on a fresh runner: its files, its environment, and the steps run
    as the runner runs them."""

    def __init__(self, root: Path, site_url: str, event_name="push", event=None, inputs=None, env=None):
        self.root = root
        self.files = root / "runner"
        self.files.mkdir(parents=True)
        home = root / "home"
        home.mkdir()
        self.workspace = root / "work"
        self.env = clean_env(home)
        for name in ("env", "path", "state", "output", "summary"):
            (self.files / name).write_text("")
        (self.files / "event.json").write_text(json.dumps(event or {}))
        self.env.update(
            CI="true",
            GITHUB_ACTIONS="true",
            GITHUB_REPOSITORY="acme/app",
            GITHUB_EVENT_NAME=event_name,
            GITHUB_EVENT_PATH=str(self.files / "event.json"),
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_ENV=str(self.files / "env"),
            GITHUB_PATH=str(self.files / "path"),
            GITHUB_STATE=str(self.files / "state"),
            GITHUB_OUTPUT=str(self.files / "output"),
            GITHUB_STEP_SUMMARY=str(self.files / "summary"),
            RUNNER_OS="Linux",
            RUNNER_TEMP=str(root / "runner-temp"),
            RUNNER_TOOL_CACHE=str(root / "toolcache"),
        )
        self.env.update(env or {})
        # The runner passes every input, with action.yml's default where the workflow gives none.
        spec = yaml.safe_load((ACTION / "action.yml").read_text())
        given = dict(inputs or {})
        given.setdefault("base-url", site_url)
        for name, meta in spec["inputs"].items():
            self.env[f"INPUT_{name.upper()}"] = str(given.get(name, meta.get("default", "")))

    def step_env(self) -> dict:
        """The environment a later step sees: GITHUB_ENV applied, GITHUB_PATH prepended."""
        env = dict(self.env)
        env.update(parse_runner_file(self.files / "env"))
        added = [line for line in (self.files / "path").read_text().splitlines() if line]
        env["PATH"] = os.pathsep.join(reversed(added)) + os.pathsep + env["PATH"]
        return env

    def main(self):
        return subprocess.run(["node", str(ACTION / "main.js")], env=self.env, capture_output=True, text=True, timeout=300)

    def post(self):
        env = self.step_env()
        env.update({f"STATE_{k}": v for k, v in parse_runner_file(self.files / "state").items()})
        return subprocess.run(["node", str(ACTION / "post.js")], env=env, capture_output=True, text=True, timeout=120)

    def cargo(self, *args):
        env = {k: v for k, v in self.step_env().items() if not k.startswith("INPUT_")}
        result = subprocess.run(["cargo", *args], cwd=self.workspace, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        return result

    def larder_stats(self):
        env = self.step_env()
        out = subprocess.run([env["RUSTC_WRAPPER"], "stats", "--format", "json"], env=env, capture_output=True, text=True)
        return json.loads(out.stdout)

    @property
    def exported(self):
        return parse_runner_file(self.files / "env")


def unescape(command_line: str) -> str:
    """A workflow command's message as the runner shows it."""
    return command_line.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def storage_modes():
    return ["local", "s3"]


@pytest.mark.parametrize("storage", storage_modes())
def test_main_and_post_around_cached_builds(storage, site, tmp_path):
    server, version = site
    inputs, extra_env, s3 = {}, {}, None
    shared = tmp_path / "shared-cache"
    if storage == "s3":
        s3 = S3Server(tmp_path / "s3")
        inputs = {"bucket": s3.bucket, "region": "us-east-1", "endpoint": s3.endpoint, "key-prefix": "ci/",
                  "settings": "LARDER_S3_PATH_STYLE=1\nLARDER_LOG=info"}
        extra_env = {"AWS_ACCESS_KEY_ID": s3.access_key, "AWS_SECRET_ACCESS_KEY": s3.secret_key}
    else:
        # Two runners sharing one cache folder stand in for shared storage.
        inputs = {"settings": f"# the cache both jobs share\nLARDER_DIR={shared}\nLARDER_LOG=info"}
    try:
        runs = []
        for n in (1, 2):
            job = Job(tmp_path / f"job{n}", server.url, inputs=inputs, env=extra_env)
            if storage == "s3":  # each runner has its own local cache: hits in job 2 come from S3
                job.env["INPUT_SETTINGS"] += f"\nLARDER_DIR={tmp_path / f'job{n}' / 'local-cache'}"
            tiny_workspace(job.workspace)  # a fresh checkout at another path
            result = job.main()
            assert result.returncode == 0, result.stdout + result.stderr
            exported = job.exported
            binary = Path(exported["RUSTC_WRAPPER"])
            assert binary == tmp_path / f"job{n}" / "toolcache" / "larder" / "bin" / "larder"
            assert binary.read_bytes() == larder_binary().read_bytes()
            assert exported["CARGO_INCREMENTAL"] == "0"
            assert exported["LARDER_LOG"] == "info"
            assert "LARDER_READ_ONLY" not in exported
            assert str(binary.parent) in (job.files / "path").read_text().splitlines()
            assert parse_runner_file(job.files / "output") == {"path": str(binary), "version": version, "read-only": "false"}
            assert "::group::larder doctor" in result.stdout
            if storage == "s3":
                assert exported["LARDER_BUCKET"] == s3.bucket
                assert exported["LARDER_ENDPOINT"] == s3.endpoint
                assert exported["LARDER_S3_KEY_PREFIX"] == "ci/"
                assert exported["LARDER_REGION"] == "us-east-1"
            stats = job.larder_stats()
            assert stats["compile_requests"] == 0  # main reset the stats

            job.cargo("build")
            run = subprocess.run([str(job.workspace / "target" / "debug" / "app")], capture_output=True, text=True)
            assert run.stdout.strip() == "42"
            stats = job.larder_stats()
            post = job.post()
            assert post.returncode == 0, post.stdout + post.stderr
            runs.append((job, stats, post))

        (job1, stats1, post1), (job2, stats2, post2) = runs
        assert stats1["cache_misses"] >= 1 and stats1["cache_hits"] == 0
        assert stats2["cache_hits"] == stats1["cache_misses"] and stats2["cache_misses"] == 0
        summary = (job2.files / "summary").read_text()
        assert "### larder cache: 100.0 % hit rate" in summary
        assert f"| Hits | {stats2['cache_hits']} |" in summary
        assert "| Misses | 0 |" in summary
        assert "```mermaid\npie title" in summary
        notices = [unescape(line) for line in post2.stdout.splitlines() if line.startswith("::notice")]
        assert len(notices) == 1
        assert notices[0].startswith("::notice title=larder cache::larder: 100.0 % hit rate (")
        assert f"({stats2['cache_hits']} hits, 0 misses" in notices[0]
        assert "0.0 % hit rate" in (job1.files / "summary").read_text()
    finally:
        if s3:
            s3.stop()


FORK_PR = {
    "pull_request": {
        "head": {"repo": {"full_name": "mallory/app", "fork": True}},
        "base": {"repo": {"full_name": "acme/app", "fork": False}},
    }
}
SAME_REPO_PR = {
    "pull_request": {
        "head": {"repo": {"full_name": "acme/app", "fork": False}},
        "base": {"repo": {"full_name": "acme/app", "fork": False}},
    }
}


READ_ONLY_CASES = [
    ("pull_request", FORK_PR, "auto", True),
    ("pull_request_target", FORK_PR, "auto", True),
    ("pull_request", {"pull_request": {"head": {"repo": None}, "base": {"repo": {"full_name": "acme/app"}}}}, "auto", True),
    ("pull_request", SAME_REPO_PR, "auto", False),
    ("push", {}, "auto", False),
    ("push", {}, "true", True),
    ("pull_request", FORK_PR, "false", False),
    ("pull_request", FORK_PR, "", True),
]

DECIDE = """
const fs = require('fs');
const { readOnlyMode } = require(process.argv[1]);
const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const answers = cases.map(([eventName, event, input], i) => {
  const file = `${process.argv[2]}.${i}.json`;
  fs.writeFileSync(file, JSON.stringify(event));
  Object.assign(process.env, { GITHUB_EVENT_NAME: eventName, GITHUB_EVENT_PATH: file, 'INPUT_READ-ONLY': input });
  return readOnlyMode().readOnly;
});
console.log(JSON.stringify(answers));
"""


def test_read_only_decision(tmp_path):
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps(READ_ONLY_CASES))
    env = clean_env(tmp_path)
    env["GITHUB_REPOSITORY"] = "acme/app"
    result = subprocess.run(["node", "-e", DECIDE, str(ACTION / "main.js"), str(cases)], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == [case[3] for case in READ_ONLY_CASES]


def test_fork_pull_request_exports_read_only(site, tmp_path):
    server, _ = site
    inputs = {"bucket": "acme-larder", "region": "eu-west-1", "endpoint": "http://127.0.0.1:9",
              "key-prefix": "app/", "settings": "LARDER_CACHE_SIZE=2G\nLARDER_S3_NO_CREDENTIALS=1"}
    job = Job(tmp_path, server.url, event_name="pull_request", event=FORK_PR, inputs=inputs)
    result = job.main()
    # doctor may warn about the unreachable bucket: that is a warning, never a failure
    assert result.returncode == 0, result.stdout + result.stderr
    exported = job.exported
    assert exported["LARDER_BUCKET"] == "acme-larder"
    assert exported["LARDER_REGION"] == "eu-west-1"
    assert exported["LARDER_ENDPOINT"] == "http://127.0.0.1:9"
    assert exported["LARDER_S3_KEY_PREFIX"] == "app/"
    assert exported["LARDER_CACHE_SIZE"] == "2G"
    assert exported["LARDER_S3_NO_CREDENTIALS"] == "1"
    assert exported["LARDER_READ_ONLY"] == "1"
    assert parse_runner_file(job.files / "output")["read-only"] == "true"
    assert "read-only (a pull request from a fork (read-only: auto))" in result.stdout


def test_failures_are_reported_and_post_stays_quiet(site, tmp_path):
    server, _ = site
    job = Job(tmp_path, server.url, inputs={"version": "9.9.9"})
    result = job.main()
    assert result.returncode == 1
    assert "::error::larder setup: installing larder 9.9.9 failed" in result.stdout
    assert job.exported == {}
    post = job.post()
    assert post.returncode == 0
    assert "no statistics" in post.stdout

    job2 = Job(tmp_path / "bad-settings", server.url, inputs={"settings": "not a setting"})
    result = job2.main()
    assert result.returncode == 1
    assert 'settings: "not a setting" is not NAME=value' in result.stdout
