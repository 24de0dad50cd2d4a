"""The GitHub workflows in .github/workflows are valid: checked with a real validator, the npm
package @action-validator/cli (pinned in tests/tools/package.json, installed by
scripts/install-deps.sh)."""
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import REPO

VALIDATOR = REPO / "tests" / "tools" / "node_modules" / ".bin" / "action-validator"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))

# action-validator 0.6.0 (the newest release) bundles a workflow schema older than the
# `attestations` permission that actions/attest-build-provenance needs (GitHub added it in
# 2024). Workflows are validated with exactly that key removed; the test asserts it is only
# ever `attestations: write` inside a `permissions:` block, so nothing else escapes validation.
UNKNOWN_TO_SCHEMA = re.compile(r"^(\s+)attestations: write\n", re.M)


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(VALIDATOR), str(path)], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module", autouse=True)
def validator():
    if not VALIDATOR.exists():
        pytest.fail(f"{VALIDATOR} is missing: run scripts/install-deps.sh (npm install --prefix tests/tools)")


def test_the_expected_workflows_exist():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "release.yml", "self-test.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflow_is_valid(workflow, tmp_path):
    text = workflow.read_text()
    for match in UNKNOWN_TO_SCHEMA.finditer(text):
        before = text[: match.start()].splitlines()
        block = next(line for line in reversed(before) if len(line) - len(line.lstrip()) < len(match.group(1)))
        assert block.strip() == "permissions:", f"{workflow.name}: 'attestations: write' outside permissions"
    checked = tmp_path / workflow.name
    checked.write_text(UNKNOWN_TO_SCHEMA.sub("", text))
    result = validate(checked)
    assert result.returncode == 0, f"{workflow.name} is invalid:\n{result.stdout}\n{result.stderr}"


def test_validator_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("name: broken\non: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    step:\n      - run: true\n")
    assert validate(broken).returncode != 0


def test_ci_runs_the_test_script_and_release_covers_both_architectures():
    ci = (REPO / ".github" / "workflows" / "ci.yml").read_text()
    assert "scripts/test.sh" in ci and "pull_request" in ci
    release = (REPO / ".github" / "workflows" / "release.yml").read_text()
    for needed in ("x86_64-unknown-linux-musl", "aarch64-unknown-linux-musl", "packaging/alpine/build.sh",
                   "attest-build-provenance", "packaging/Containerfile", "--draft", "sha256.sum"):
        assert needed in release, needed
    self_test = (REPO / ".github" / "workflows" / "self-test.yml").read_text()
    assert "uses: ./actions/setup" in self_test and "tests/projects/demo" in self_test


# --- release.yml: the version-tag filter, the moving tags ------------------------------------

RELEASE = REPO / ".github" / "workflows" / "release.yml"


def release_workflow() -> dict:
    import yaml

    return yaml.safe_load(RELEASE.read_text())


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # PyYAML reads the key `on` as True


def filter_regex(pattern: str) -> re.Pattern:
    """GitHub's filter pattern syntax: * (no /), ** (anything), + and ? on the character before,
    [...] classes; everything else literal."""
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c in "+?":
            out.append(c)
        elif c == "[":
            end = pattern.index("]", i)
            out.append(pattern[i : end + 1])
            i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out))


def tag_push_starts_a_run(tag: str) -> bool:
    patterns = triggers(release_workflow())["push"]["tags"]
    return any(filter_regex(p).fullmatch(tag) for p in patterns)


def test_filter_translation_follows_githubs_syntax():
    assert filter_regex("v*").fullmatch("v1") and not filter_regex("v*").fullmatch("v1/x")
    assert filter_regex("v[0-9]+").fullmatch("v12") and not filter_regex("v[0-9]+").fullmatch("v")
    assert not filter_regex("v1.2").fullmatch("v1x2")


def test_only_version_tags_start_a_release_run():
    for tag in ("v0.1.0", "v1.2.3", "v10.20.30", "v1.2.0-rc.1"):
        assert tag_push_starts_a_run(tag), tag
    for tag in ("v1", "v0", "v12", "latest", "v1.2", "nightly"):
        assert not tag_push_starts_a_run(tag), tag
    on = triggers(release_workflow())
    assert on["release"]["types"] == ["published"]
    jobs = release_workflow()["jobs"]
    # the build jobs run on the tag push only, the moving tags on publication only
    assert "github.event_name == 'push'" in jobs["build"]["if"]
    assert "github.event_name == 'push'" in jobs["release"]["if"]
    assert "github.event_name == 'release'" in jobs["moving-tags"]["if"]
    assert "prerelease" in jobs["moving-tags"]["if"]


def step(job: dict, name: str) -> dict:
    return next(s for s in job["steps"] if s.get("name") == name)


def step_env(step_: dict, outputs: dict) -> dict:
    """A step's env: values with `${{ steps.decide.outputs.X }}` resolved from `outputs`."""
    env = {}
    for key, value in (step_.get("env") or {}).items():
        match = re.fullmatch(r"\$\{\{\s*steps\.decide\.outputs\.([\w-]+)\s*\}\}", str(value))
        assert match, f"{key}: {value}"
        env[key] = outputs.get(match.group(1), "")
    return env


def run_step(step_: dict, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    assert "${{" not in step_["run"], "scripts take expressions through env:, never inline"
    return subprocess.run(["bash", "-e", "-c", step_["run"]], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=60)


class Releases:
    """A bare repository standing in for GitHub's, and a clone standing in for the job's checkout
    (fetch-depth 0: every tag)."""

    def __init__(self, root: Path):
        self.root = root
        self.origin = root / "origin.git"
        self.work = root / "work"
        self.git_env = {"PATH": os.environ["PATH"], "HOME": str(root), "GIT_AUTHOR_NAME": "t",
                        "GIT_AUTHOR_EMAIL": "t@localhost", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@localhost", "GIT_CONFIG_NOSYSTEM": "1"}
        self.git("init", "-q", "--bare", str(self.origin), cwd=root)
        self.git("init", "-q", "-b", "main", str(self.work), cwd=root)
        self.git("remote", "add", "origin", str(self.origin))

    def git(self, *args, cwd=None) -> str:
        result = subprocess.run(["git", *args], cwd=cwd or self.work, env=self.git_env, capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, f"git {args}: {result.stderr}"
        return result.stdout.strip()

    def release(self, tag: str) -> str:
        """A commit tagged `tag` (annotated, as `git tag -s/-a` makes), pushed; returns the commit."""
        (self.work / "VERSION").write_text(tag + "\n")
        self.git("add", "VERSION")
        self.git("commit", "-qm", tag)
        self.git("tag", "-a", tag, "-m", f"larder {tag}")
        self.git("push", "-q", "origin", "main", tag)
        return self.git("rev-parse", "HEAD")

    def remote_tag(self, name: str):
        """What the tag resolves to on the remote (the commit), or None."""
        out = subprocess.run(["git", "rev-parse", "--verify", "-q", f"refs/tags/{name}^{{commit}}"],
                             cwd=self.origin, env=self.git_env, capture_output=True, text=True).stdout.strip()
        return out or None

    def remote_tag_is_lightweight_to_commit(self, name: str) -> bool:
        kind = subprocess.run(["git", "cat-file", "-t", f"refs/tags/{name}"], cwd=self.origin, env=self.git_env,
                              capture_output=True, text=True).stdout.strip()
        return kind == "commit"

    def publish(self, tag: str, docker_log: Path) -> dict:
        """The moving-tags job for the release of `tag`, in a fresh checkout; returns its outputs."""
        checkout = self.root / f"checkout-{tag}"
        self.git("clone", "-q", str(self.origin), str(checkout), cwd=self.root)
        self.git("-C", str(checkout), "checkout", "-q", tag, cwd=self.root)
        job = release_workflow()["jobs"]["moving-tags"]
        output = self.root / f"output-{tag}"
        output.write_text("")
        fake_bin = self.root / "fake-bin"
        fake_bin.mkdir(exist_ok=True)
        (fake_bin / "docker").write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{docker_log}"\n')
        (fake_bin / "docker").chmod(0o755)
        env = dict(self.git_env, GITHUB_REF_NAME=tag, GITHUB_REF=f"refs/tags/{tag}", GITHUB_OUTPUT=str(output),
                   GITHUB_REPOSITORY="Larder-RS/larder", PATH=f"{fake_bin}:{self.git_env['PATH']}")
        decide = step(job, "Decide which moving tags follow this release")
        result = run_step(decide, checkout, env)
        assert result.returncode == 0, result.stdout + result.stderr
        outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
        move = step(job, "Move the major tag")
        assert move["if"] == "steps.decide.outputs.move-major == 'true'"
        if outputs["move-major"] == "true":
            result = run_step(move, checkout, dict(env, **step_env(move, outputs)))
            assert result.returncode == 0, result.stdout + result.stderr
        image = step(job, "Point the image tags <major> and latest at the release's image")
        if outputs["move-major"] == "true" or outputs["move-latest"] == "true":
            result = run_step(image, checkout, dict(env, **step_env(image, outputs)))
            assert result.returncode == 0, result.stdout + result.stderr
        return outputs


def test_publishing_moves_the_major_tag_and_image_tags(tmp_path):
    repo = Releases(tmp_path)
    docker_log = tmp_path / "docker.log"
    image = "ghcr.io/larder-rs/larder"  # GITHUB_REPOSITORY lower-cased

    v100 = repo.release("v1.0.0")
    repo.publish("v1.0.0", docker_log)
    assert repo.remote_tag("v1") == v100
    assert repo.remote_tag_is_lightweight_to_commit("v1")  # not a tag of the annotated tag
    assert docker_log.read_text().splitlines() == [
        f"buildx imagetools create --tag {image}:1 --tag {image}:latest {image}:1.0.0"]
    assert not tag_push_starts_a_run("v1")  # the push of v1 just made starts no release run

    v110 = repo.release("v1.1.0")
    repo.publish("v1.1.0", docker_log)
    assert repo.remote_tag("v1") == v110

    # A fix of the older line: nothing moves back.
    docker_log.write_text("")
    repo.release("v1.0.1")
    outputs = repo.publish("v1.0.1", docker_log)
    assert outputs["move-major"] == "false" and outputs["move-latest"] == "false"
    assert repo.remote_tag("v1") == v110 and docker_log.read_text() == ""

    # A new major: v2 appears, v1 stays; then a fix of v1 moves v1 and :1, not :latest.
    v200 = repo.release("v2.0.0")
    repo.publish("v2.0.0", docker_log)
    assert repo.remote_tag("v2") == v200 and repo.remote_tag("v1") == v110
    v111 = repo.release("v1.1.1")
    docker_log.write_text("")
    repo.publish("v1.1.1", docker_log)
    assert repo.remote_tag("v1") == v111 and repo.remote_tag("v2") == v200
    assert docker_log.read_text().splitlines() == [f"buildx imagetools create --tag {image}:1 {image}:1.1.1"]

    # A pre-release moves nothing (the job's `if` skips it too).
    docker_log.write_text("")
    repo.release("v2.1.0-rc.1")
    outputs = repo.publish("v2.1.0-rc.1", docker_log)
    assert outputs["move-major"] == "false" and repo.remote_tag("v2") == v200 and docker_log.read_text() == ""


def pushed_image_tags() -> set:
    """The tag forms release.yml pushes: <version> when built, <major> and latest when published."""
    jobs = release_workflow()["jobs"]
    build_push = next(s for s in jobs["release"]["steps"] if str(s.get("uses", "")).startswith("docker/build-push-action"))
    assert build_push["with"]["tags"] == "${{ steps.meta.outputs.image }}:${{ steps.meta.outputs.version }}"
    return {"<version>", "<major>", "latest"}


def test_image_tags_named_in_recipes_and_docs_are_pushed():
    pushed = pushed_image_tags()
    forms = {"<version>": r"\d+\.\d+\.\d+", "<major>": r"\d+", "latest": "latest"}
    allowed = re.compile("|".join(forms[f] for f in pushed))
    named = []
    for path in [*(REPO / "docs").rglob("*.md"), *(REPO / "codebuild").rglob("*"), *(REPO / "gitlab").rglob("*"),
                 REPO / "README.md", *(REPO / "actions").rglob("*.md")]:
        if path.is_file():
            for tag in re.findall(r"ghcr\.io/[\w<>.-]+/larder:([\w<>.-]+)", path.read_text(errors="replace")):
                named.append((path.relative_to(REPO), tag))
                assert allowed.fullmatch(tag) or tag in ("X.Y.Z", "<version>"), f"{path}: :{tag} is never pushed"
    assert any(str(p) == "codebuild/Dockerfile" for p, _ in named)
