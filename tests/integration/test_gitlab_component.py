"""gitlab/templates/larder.yml run by gitlab-ci-local (a real runner of .gitlab-ci.yml files):
included with `include: - local: … inputs: …`, jobs that `extends: .larder`, a real cargo build
that misses and a rebuild in a fresh job folder that hits, the OIDC token file, read-only
decisions, the printed stats and the OpenMetrics report."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ci_glue import S3Server, clean_env, node_tool, served_release_site, tiny_workspace
from conftest import REPO

TEMPLATE = REPO / "gitlab" / "templates" / "larder.yml"
ROLE = "arn:aws:iam::123456789012:role/larder-ci"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with served_release_site(tmp_path_factory.mktemp("releases")) as served:
        yield served


def gitlab_ci_local(project: Path, env: dict, *args, timeout=600):
    if shutil.which("rsync") is None:
        pytest.fail("rsync is not installed (scripts/install-deps.sh installs it); gitlab-ci-local needs it")
    tool = node_tool("gitlab-ci-local", "src", "index.js")
    return subprocess.run(
        ["node", str(tool), "--shell-isolation", "--no-color", *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=timeout,
    )


def make_project(root: Path, pipeline: dict) -> Path:
    tiny_workspace(root)
    (root / "larder-component").mkdir()
    shutil.copy(TEMPLATE, root / "larder-component" / "larder.yml")
    (root / ".gitlab-ci.yml").write_text(yaml.safe_dump(pipeline, sort_keys=False))
    (root / ".gitignore").write_text("target/\n.gitlab-ci-local/\n")
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "project"], check=True)
    return root


def probe_script(probe: Path, name: str):
    """Commands a job runs after its build: what it saw, written where the test can read it."""
    return [
        f'env | grep -E "^(LARDER_|RUSTC_WRAPPER=|CARGO_INCREMENTAL=|AWS_)" | sort > "{probe}/{name}.env"',
        f'if [ -n "${{AWS_WEB_IDENTITY_TOKEN_FILE:-}}" ]; then cat "$AWS_WEB_IDENTITY_TOKEN_FILE" > "{probe}/{name}.token"; fi',
        f'"$RUSTC_WRAPPER" stats --format json > "{probe}/{name}.json"',
    ]


def read_env(path: Path) -> dict:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def component_inputs(server, shared_cache: Path, **more):
    inputs = {
        "version": "latest",
        "installer-url": f"{server.url}/install.sh",
        "base-url": server.url,
        "cache-dir": str(shared_cache),
        "settings": "LARDER_LOG=info LARDER_CACHE_SIZE=1G",
        "aws-role-arn": ROLE,
    }
    inputs.update(more)
    return inputs


@pytest.mark.parametrize("storage", ["local", "s3"])
def test_component_around_cached_builds(storage, site, tmp_path):
    server, version = site
    probe = tmp_path / "probe"
    probe.mkdir()
    env = clean_env(tmp_path / "home")
    (tmp_path / "home").mkdir()
    s3 = None
    if storage == "s3":
        s3 = S3Server(tmp_path / "s3")
        inputs = component_inputs(server, tmp_path / "unused", bucket=s3.bucket, region="us-east-1",
                                  endpoint=s3.endpoint, **{"key-prefix": "gitlab/", "aws-role-arn": "",
                                                           "settings": "LARDER_S3_PATH_STYLE=1 LARDER_LOG=info LARDER_CACHE_SIZE=1G"})
        # each job keeps its local cache in its own folder (below): hits in the rebuild come from S3
        inputs.pop("cache-dir")
        env.update(AWS_ACCESS_KEY_ID=s3.access_key, AWS_SECRET_ACCESS_KEY=s3.secret_key)
    else:
        inputs = component_inputs(server, tmp_path / "shared-cache")

    def job(stage, name, variables=None):
        # gitlab-ci-local (unlike GitLab) re-syncs the job folder from the checkout before
        # after_script, deleting untracked files such as the default install dir inside the
        # project: the jobs install (and, with S3, keep their own local cache) outside it; a job's
        # variables override the template's.
        own = {"LARDER_INSTALL_DIR": str(tmp_path / "bin" / name)}
        if storage == "s3":
            own["LARDER_DIR"] = str(tmp_path / "job-cache" / name)
        spec = {"stage": stage, "extends": ".larder",
                "variables": {**own, **(variables or {})},
                "script": ["cargo build", "./target/debug/app > app.out", 'test "$(cat app.out)" = 42',
                           *probe_script(probe, name)]}
        return spec

    pipeline = {
        "include": [{"local": "larder-component/larder.yml", "inputs": inputs}],
        # one job per stage: with a shared cache folder, the jobs share their statistics too
        "stages": ["build", "rebuild", "fork"],
        "build": job("build", "build"),
        "rebuild": job("rebuild", "rebuild"),
        # A merge request from a fork: the same build, but it must not write to shared storage.
        "fork-mr": job("fork", "fork-mr", {"CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "2",
                                              "CI_MERGE_REQUEST_PROJECT_ID": "1"}),
    }
    project = make_project(tmp_path / "project", pipeline)
    try:
        # GitLab sets the id_tokens variable for the job; gitlab-ci-local does not know id_tokens.
        result = gitlab_ci_local(project, env, "--variable", "LARDER_ID_TOKEN=eyJ0ZXN0IjoidG9rZW4ifQ.test")
        log = result.stdout + result.stderr
        assert result.returncode == 0, log[-6000:]

        build, rebuild, fork = (json.loads((probe / f"{n}.json").read_text()) for n in ("build", "rebuild", "fork-mr"))
        assert build["cache_misses"] >= 1 and build["cache_hits"] == 0
        assert rebuild["cache_hits"] == build["cache_misses"] and rebuild["cache_misses"] == 0
        assert fork["cache_hits"] == build["cache_misses"]

        seen = read_env(probe / "build.env")
        builds = project / ".gitlab-ci-local" / "builds"
        assert seen["RUSTC_WRAPPER"] == str(tmp_path / "bin" / "build" / "larder")
        assert seen["CARGO_INCREMENTAL"] == "0"
        assert seen["LARDER_LOG"] == "info" and seen["LARDER_CACHE_SIZE"] == "1G"
        assert "LARDER_READ_ONLY" not in seen
        assert read_env(probe / "fork-mr.env")["LARDER_READ_ONLY"] == "1"
        if storage == "s3":
            assert seen["LARDER_BUCKET"] == s3.bucket and seen["LARDER_ENDPOINT"] == s3.endpoint
            assert seen["LARDER_S3_KEY_PREFIX"] == "gitlab/" and seen["LARDER_REGION"] == "us-east-1"
            assert "AWS_ROLE_ARN" not in seen
        else:
            assert "LARDER_BUCKET" not in seen  # empty inputs set nothing
            assert seen["AWS_ROLE_ARN"] == ROLE
            assert seen["AWS_ROLE_SESSION_NAME"].startswith("gitlab-")
            assert (probe / "build.token").read_text() == "eyJ0ZXN0IjoidG9rZW4ifQ.test"

        # after_script: the stats in the job log, the OpenMetrics report in the job folder
        assert "Cache hits" in log and "Hit rate" in log
        metrics = (builds / "rebuild" / "larder-metrics.txt").read_text()
        assert f"larder_cache_hits_total {rebuild['cache_hits']}\n" in metrics
        assert "larder_cache_misses_total 0\n" in metrics
        assert metrics.endswith("# EOF\n")
        assert "is the RUSTC_WRAPPER; storage:" in log
    finally:
        if s3:
            s3.stop()


def test_read_only_protected_and_true(site, tmp_path):
    server, _ = site
    probe = tmp_path / "probe"
    probe.mkdir()
    env = clean_env(tmp_path / "home")
    (tmp_path / "home").mkdir()
    check = [f'echo "${{LARDER_READ_ONLY:-0}}" > "{probe}/$CI_JOB_NAME"']
    outside = {"LARDER_INSTALL_DIR": str(tmp_path / "bin")}
    pipeline = {
        "include": [{"local": "larder-component/larder.yml",
                     "inputs": component_inputs(server, tmp_path / "cache", **{"read-only": "protected", "aws-role-arn": ""})}],
        "protected-branch": {"extends": ".larder", "variables": {"CI_COMMIT_REF_PROTECTED": "true", **outside}, "script": check},
        "feature-branch": {"extends": ".larder", "variables": {"CI_COMMIT_REF_PROTECTED": "false", **outside}, "script": check},
        "own-before-script": {"extends": ".larder", "script": check,
                              "before_script": ["echo mine"]},  # replaced: larder not set up, after_script says so
    }
    project = make_project(tmp_path / "project", pipeline)
    # !reference cannot be written by PyYAML: add a job that keeps larder's before_script by hand.
    with open(project / ".gitlab-ci.yml", "a") as f:
        f.write(
            "with-reference:\n  extends: .larder\n  before_script:\n    - !reference [.larder, before_script]\n"
            "    - echo mine too\n  script:\n" + "".join(f"    - '{c}'\n" for c in check)
        )
    subprocess.run(["git", "-C", str(project), "-c", "user.name=t", "-c", "user.email=t@localhost",
                    "commit", "-qam", "reference"], check=True)
    result = gitlab_ci_local(project, env, "--concurrency", "2")
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    assert (probe / "protected-branch").read_text().strip() == "0"
    assert (probe / "feature-branch").read_text().strip() == "1"
    assert (probe / "own-before-script").read_text().strip() == "0"
    assert (probe / "with-reference").read_text().strip() == "1"
    assert "larder was not installed in this job: no statistics" in log
